import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import ExcelJS from 'exceljs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import type { SheetGrid } from '../../src/engine/grid';
import { parseCellAddress } from '../../src/engine/grid';
import { buildOwnershipXml } from '../../src/engine/ownership';
import { unusableMessage } from '../../src/engine';
import type { UnusableInput } from '../../src/engine/types';
import { readWorkbookBytes, readWorkbookFile } from '../../src/xlsx/read';
import { DEFAULT_MAX_UNCOMPRESSED_BYTES } from '../../src/xlsx/sniff';
import { defaultCodec } from '../../src/xlsx/zip';
import type { ReadOk, ReadResult } from '../../src/xlsx/read';

const ROOT = path.resolve(__dirname, '..', '..');
const BAD = path.join(ROOT, 'test', 'fixtures', 'bad');
const REFERENCE = path.resolve(ROOT, '..', 'shared', 'reference', 'fengnan-2024-projects.xlsx');

function ok(r: ReadResult): ReadOk {
  if (!r.ok) throw new Error(`expected a workbook, got ${JSON.stringify(r.error)}`);
  return r;
}

function sheet(r: ReadOk, name: string): SheetGrid {
  const s = r.grid.sheets.find((x) => x.name === name);
  if (!s) throw new Error(`no sheet ${name}`);
  return s;
}

/** One cell of a grid by its A1 address, as the engine would see it. */
function at(s: SheetGrid, address: string) {
  const ref = parseCellAddress(address);
  if (!ref) throw new Error(address);
  const r = ref.row - s.top;
  const c = ref.col - s.left;
  const inside = r >= 0 && r < s.values.length && c >= 0 && c < (s.values[r]?.length ?? 0);
  return {
    value: inside ? s.values[r][c] : '',
    type: inside ? s.valueTypes[r][c] : 'Empty',
    format: inside ? s.numberFormats[r][c] : undefined,
    formula: inside ? s.formulas?.[r][c] : undefined,
  };
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jixiao-read-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('readWorkbookFile refuses what it cannot use', () => {
  const cases: [string, string, string | undefined][] = [
    ['empty.xlsx', 'not-a-workbook', 'empty'],
    ['not-zip.xlsx', 'not-a-workbook', 'other'],
    ['truncated.xlsx', 'truncated', undefined],
    ['csv-renamed.xlsx', 'not-a-workbook', 'csv'],
    ['text-renamed.xlsx', 'not-a-workbook', 'text'],
    ['xls-renamed.xlsx', 'not-a-workbook', 'xls'],
    ['docx-renamed.xlsx', 'not-a-workbook', 'zip'],
    ['password.xlsx', 'password-protected', undefined],
  ];
  it.each(cases)('%s → %s %s', async (file, code, detail) => {
    const r = await readWorkbookFile(path.join(BAD, file));
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe(code);
    expect(r.error?.params.detail).toBe(detail);
  });

  it('a missing file is file-not-found with its path', async () => {
    const missing = path.join(tmp, 'nope', '项目.xlsx');
    const r = await readWorkbookFile(missing);
    expect(r.error).toEqual({ code: 'file-not-found', params: { path: missing } });
  });

  it('a directory is not a workbook', async () => {
    const r = await readWorkbookFile(tmp);
    expect(r.error).toEqual({ code: 'not-a-workbook', params: { detail: 'other' } });
  });

  it('a file over the limit is too-large, in MB, without being read', async () => {
    const file = path.join(BAD, 'valid.xlsm');
    const size = fs.statSync(file).size;
    const r = await readWorkbookFile(file, { maxBytes: 1024 });
    expect(r.error?.code).toBe('too-large');
    expect(Number(r.error?.params.size)).toBeCloseTo(size / 1048576, 2);
    expect(Number(r.error?.params.limit)).toBeCloseTo(1024 / 1048576, 4);
    // The default limit is 200 MB and a small file is well under it.
    expect((await readWorkbookFile(file)).ok).toBe(true);
  });

  it('a package whose parts inflate past the limit is too-large (uncompressed) before any part is inflated', async () => {
    // A real package with one more part: 8 MB of zeros, which deflate to a few kilobytes.
    const entries = unzipSync(fs.readFileSync(path.join(BAD, 'valid.xlsm')));
    entries['xl/media/zeros.bin'] = new Uint8Array(8 * 1024 * 1024);
    const bytes = zipSync(entries);
    expect(bytes.length).toBeLessThan(200 * 1024);
    const declared = Object.values(entries).reduce((n, part) => n + part.length, 0);
    let inflated = 0;
    const codec = { ...defaultCodec() };
    const inflateRaw = codec.inflateRaw.bind(codec);
    codec.inflateRaw = (data: Uint8Array, size: number) => {
      inflated++;
      return inflateRaw(data, size);
    };
    const r = await readWorkbookBytes(bytes, { maxUncompressedBytes: 4 * 1024 * 1024, codec });
    expect(r.error?.code).toBe('too-large');
    expect(r.error?.params.detail).toBe('uncompressed');
    expect(Number(r.error?.params.size)).toBeCloseTo(Math.ceil((declared / 1048576) * 10) / 10, 5);
    expect(r.error?.params.limit).toBe('4');
    expect(inflated).toBe(0);
    expect(unusableMessage(r.error as UnusableInput, 'zh')).toContain('压缩炸弹');
    expect(unusableMessage(r.error as UnusableInput, 'en')).toContain('zip bomb');
    // Under the default limit (1 GiB) the same package reads.
    expect(DEFAULT_MAX_UNCOMPRESSED_BYTES).toBe(1024 * 1024 * 1024);
    expect((await readWorkbookBytes(bytes)).ok).toBe(true);
  });

  it('a zip that exceljs cannot make sense of is not a workbook, not an exception', async () => {
    const entries = unzipSync(fs.readFileSync(path.join(BAD, 'valid.xlsm')));
    entries['xl/workbook.xml'] = strToU8('hello');
    const r = await readWorkbookBytes(zipSync(entries));
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe('not-a-workbook');
  });
});

describe('macro-enabled workbooks', () => {
  it('valid.xlsm reads as xlsm with its cells and keeps the macro part', async () => {
    const r = ok(await readWorkbookFile(path.join(BAD, 'valid.xlsm')));
    expect(r.kind).toBe('xlsm');
    expect(r.entries['xl/vbaProject.bin']).toBeDefined();
    const s = sheet(r, '2024年项目支出明细');
    expect(at(s, 'B3').value).toBe('项目名称');
    expect(at(s, 'B5').value).toBe('增发2023年国债自然灾害应急能力提升工程（应急领域）补助资金');
    expect(at(s, 'D7').formula).toBe('=SUM(D4:D6)');
    expect(at(s, 'D7').value).toBeCloseTo(179.47, 10);
  });
});

const describeReference = fs.existsSync(REFERENCE) || process.env.CI === 'true' ? describe : describe.skip;
if (!fs.existsSync(REFERENCE) && process.env.CI !== 'true') {
  console.warn(`reference workbook not found at ${REFERENCE}: its tests are skipped (they fail under CI=true)`);
}

describeReference('the reference workbook', () => {
  let r: ReadOk;
  let s: SheetGrid;
  beforeAll(async () => {
    r = ok(await readWorkbookFile(REFERENCE));
    s = sheet(r, '2024年项目支出明细');
  });

  it('has its two sheets in tab order', () => {
    expect(r.kind).toBe('xlsx');
    expect(r.grid.sheets.map((x) => x.name)).toEqual(['填表说明', '2024年项目支出明细']);
    expect(r.grid.ownedSheets).toEqual([]);
    expect(r.date1904).toBe(false);
  });

  it('presents cells as Office.js does', () => {
    expect(s.top).toBe(0);
    expect(s.left).toBe(0);
    expect(s.visibility).toBe('Visible');
    expect(at(s, 'A1').value).toMatch(/^唐山市丰南区应急管理局2024年度/);
    expect(at(s, 'B1')).toMatchObject({ value: '', type: 'Empty' });
    expect(at(s, 'B4')).toMatchObject({ value: '安全生产执法检查专项经费', type: 'String' });
    const g25 = at(s, 'G25');
    expect(g25.type).toBe('Double');
    expect(g25.value).toBeCloseTo(1406.3349, 8);
    expect(g25.formula).toBe('=SUM(G4:G24)');
    expect(g25.format).toBe('#,##0.00');
    expect(at(s, 'I20')).toMatchObject({ value: 0.4699, type: 'Double', format: '0.00%' });
    expect(at(s, 'G4').format).toBe('#,##0.00');
    expect(at(s, 'B4').format).toBe('General');
    // A plain cell's "formula" is its value, as in Office.js.
    expect(at(s, 'B4').formula).toBe('安全生产执法检查专项经费');
  });

  it('lists the merges and blanks every merged cell but the top-left', () => {
    expect(s.merges).toEqual(expect.arrayContaining(['A1:N1', 'A25:E25']));
    expect(at(s, 'A25').value).toBe('合计');
    for (const a of ['B25', 'E25', 'N1', 'N2']) expect(at(s, a)).toMatchObject({ value: '', type: 'Empty' });
  });

  it('gives dense rectangular arrays', () => {
    expect(s.values).toHaveLength(25);
    for (const grid of [s.values, s.valueTypes, s.numberFormats, s.formulas ?? []]) {
      expect(grid).toHaveLength(25);
      for (const row of grid) expect(row).toHaveLength(14);
    }
  });
});

describe('a workbook with the awkward cases', () => {
  let r: ReadOk;
  let main: SheetGrid;
  const date = new Date(Date.UTC(2024, 11, 31, 12, 0, 0));

  beforeAll(async () => {
    const wb = new ExcelJS.Workbook();
    const notes = wb.addWorksheet('说明');
    notes.getCell('C3').value = '说明从 C3 开始';
    notes.getCell('D5').value = true;

    const ws = wb.addWorksheet('项目');
    ws.getCell('A1').value = '2024年项目支出明细';
    ws.mergeCells('A1:G1');
    // Two-row header: 项目名称 spans rows 2-3, 预算安排（元） spans two columns over 年初 | 调整后预算.
    ws.getCell('A2').value = '序号';
    ws.mergeCells('A2:A3');
    ws.getCell('B2').value = '项目名称';
    ws.mergeCells('B2:B3');
    ws.getCell('C2').value = '预算安排（元）';
    ws.getCell('C2').numFmt = '@';
    ws.mergeCells('C2:D2');
    ws.getCell('C3').value = '年初';
    ws.getCell('D3').value = '调整后预算';
    ws.getCell('E2').value = '执行率';
    ws.getCell('F2').value = '日期';
    ws.getCell('G2').value = '备注';

    ws.getCell('A4').value = 1;
    ws.getCell('B4').value = {
      richText: [{ text: '安全生产' }, { text: 'Safety', font: { bold: true } }, { text: '经费' }],
    };
    ws.getCell('C4').value = 850000;
    ws.getCell('D4').value = '850000.00'; // a number stored as text
    ws.getCell('E4').value = { error: '#DIV/0!' };
    ws.getCell('F4').value = date;
    ws.getCell('F4').numFmt = 'yyyy-mm-dd';
    ws.getCell('G4').value = { text: '文件', hyperlink: 'https://example.com/doc' };

    ws.getCell('A5').value = 2;
    ws.getCell('B5').value = '项目二';
    ws.getCell('C5').value = { formula: 'C4-C4', result: 0 };
    ws.getCell('D5').value = { formula: 'SUM(C4:C5)' }; // no cached result
    ws.getCell('E5').value = { formula: 'C4/0', result: { error: '#DIV/0!' } };
    ws.getCell('F5').value = { formula: 'A5>1', result: true };
    ws.getCell('G5').value = { formula: '"无"&""', result: '无' };

    ws.getCell('A6').value = 3;
    ws.getCell('B6').value = '项目三';
    ws.fillFormula('C6:D6', 'A4*10', [30, 40]);

    // Style only, far away: must not widen the used range.
    ws.getCell('K20').numFmt = '0.00';
    ws.getCell('K20').fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFFF00' } };

    const hidden = wb.addWorksheet('隐藏', { state: 'hidden' });
    hidden.getCell('A1').value = 'h';
    const veryHidden = wb.addWorksheet('深度隐藏', { state: 'veryHidden' });
    veryHidden.getCell('A1').value = 'vh';
    wb.addWorksheet('空表');
    wb.addWorksheet('预算执行汇总').getCell('A1').value = '汇总';

    // exceljs cannot write custom XML parts: add the ownership record at zip level, beside a
    // foreign custom part and with a name that is not a sheet.
    const entries = unzipSync(new Uint8Array(await wb.xlsx.writeBuffer()));
    entries['customXml/item1.xml'] = strToU8('<?xml version="1.0"?><b:Sources xmlns:b="http://schemas.openxmlformats.org/officeDocument/2006/bibliography"/>');
    entries['customXml/item2.xml'] = strToU8(
      buildOwnershipXml({
        sheets: [
          { role: 'summary', name: '预算执行汇总' },
          { role: 'issues', name: '校验结果' },
        ],
      }),
    );
    entries['customXml/itemProps2.xml'] = strToU8('<ds:datastoreItem xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml" ds:itemID="{00000000-0000-0000-0000-000000000001}"/>');
    const file = path.join(tmp, 'awkward.xlsx');
    fs.writeFileSync(file, zipSync(entries));
    r = ok(await readWorkbookFile(file));
    main = sheet(r, '项目');
  });

  it('keeps tab order and visibility', () => {
    expect(r.grid.sheets.map((s) => [s.name, s.visibility])).toEqual([
      ['说明', 'Visible'],
      ['项目', 'Visible'],
      ['隐藏', 'Hidden'],
      ['深度隐藏', 'VeryHidden'],
      ['空表', 'Visible'],
      ['预算执行汇总', 'Visible'],
    ]);
  });

  it('reads the ownership record, keeping only names that are sheets', () => {
    expect(r.grid.ownedSheets).toEqual(['预算执行汇总']);
  });

  it('gives the used range its origin and an empty sheet no rows', () => {
    const notes = sheet(r, '说明');
    expect([notes.top, notes.left]).toEqual([2, 2]);
    expect(notes.values).toEqual([
      ['说明从 C3 开始', ''],
      ['', ''],
      ['', true],
    ]);
    expect(notes.valueTypes[2]).toEqual(['Empty', 'Boolean']);
    const empty = sheet(r, '空表');
    expect(empty).toMatchObject({ top: 0, left: 0, values: [], valueTypes: [], numberFormats: [], merges: [] });
    // The style-only cell K20 does not count.
    expect([main.top, main.left, main.values.length, main.values[0].length]).toEqual([0, 0, 6, 7]);
  });

  it('a two-row merged header holds each value once, in its top-left cell', () => {
    expect(main.merges).toEqual(expect.arrayContaining(['A1:G1', 'A2:A3', 'B2:B3', 'C2:D2']));
    expect(main.merges).toHaveLength(4);
    expect(at(main, 'B2').value).toBe('项目名称');
    expect(at(main, 'B3')).toMatchObject({ value: '', type: 'Empty' });
    expect(at(main, 'C2').value).toBe('预算安排（元）');
    // The merged-over cell is blank but keeps its own number format.
    expect(at(main, 'D2')).toMatchObject({ value: '', type: 'Empty', format: '@' });
    expect(at(main, 'C3').value).toBe('年初');
    expect(at(main, 'D3').value).toBe('调整后预算');
  });

  it('rich text, text numbers, errors, dates and hyperlinks come out as plain values', () => {
    expect(at(main, 'B4')).toMatchObject({ value: '安全生产Safety经费', type: 'String' });
    expect(at(main, 'C4')).toMatchObject({ value: 850000, type: 'Double', format: 'General' });
    expect(at(main, 'D4')).toMatchObject({ value: '850000.00', type: 'String' });
    expect(at(main, 'E4')).toMatchObject({ value: '#DIV/0!', type: 'Error' });
    // 2024-12-31 12:00 is serial 45657.5 in the 1900 system.
    expect(at(main, 'F4')).toMatchObject({ type: 'Double', format: 'yyyy-mm-dd' });
    expect(at(main, 'F4').value).toBeCloseTo(45657.5, 8);
    expect(at(main, 'G4')).toMatchObject({ value: '文件', type: 'String' });
  });

  it('formula cells give their cached result and their formula', () => {
    expect(at(main, 'C5')).toMatchObject({ value: 0, type: 'Double', formula: '=C4-C4' });
    expect(at(main, 'D5')).toMatchObject({ value: '', type: 'Empty', formula: '=SUM(C4:C5)' });
    expect(at(main, 'E5')).toMatchObject({ value: '#DIV/0!', type: 'Error', formula: '=C4/0' });
    expect(at(main, 'F5')).toMatchObject({ value: true, type: 'Boolean', formula: '=A5>1' });
    expect(at(main, 'G5')).toMatchObject({ value: '无', type: 'String', formula: '="无"&""' });
    // A shared formula: the master's text on the master, translated on the others.
    expect(at(main, 'C6')).toMatchObject({ value: 30, formula: '=A4*10' });
    expect(at(main, 'D6')).toMatchObject({ value: 40, formula: '=B4*10' });
  });
});

describe("exceljs's model, read directly", () => {
  // The grid is built in one pass over exceljs's own arrays of rows and cells and each cell's value
  // model, not through eachRow/eachCell, findRow/findCell and the value getters (src/xlsx/read.ts).
  // The reader falls back to the public API where they are missing; this pins that they are there
  // and agree with the getters, so that the fast path is the one every other test here exercises.
  it('rows, cells, value models and styles are where the reader looks, and agree with the getters', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('明细');
    ws.getCell('B2').value = 85.5;
    ws.getCell('B2').numFmt = '0.00';
    ws.getCell('C2').value = { richText: [{ text: '道路' }, { text: '维修' }] };
    ws.getCell('D2').value = { formula: 'B2*2', result: 171 };
    ws.getCell('E2').value = { text: '文件', hyperlink: 'https://example.com/' };
    ws.mergeCells('F2:G2');
    const back = new ExcelJS.Workbook();
    await back.xlsx.load((await wb.xlsx.writeBuffer()) as ExcelJS.Buffer);
    const read = back.getWorksheet('明细') as ExcelJS.Worksheet;
    const rows = (read as unknown as { _rows: ExcelJS.Row[] })._rows;
    expect(Array.isArray(rows)).toBe(true);
    expect(rows[1]).toBe(read.findRow(2));
    const cells = (rows[1] as unknown as { _cells: ExcelJS.Cell[] })._cells;
    expect(Array.isArray(cells)).toBe(true);
    const model = (address: string): { type: number; value?: unknown } =>
      (read.getCell(address) as unknown as { _value: { model: { type: number; value?: unknown } } })._value.model;
    expect(cells[1]).toBe(read.getCell('B2'));
    expect(model('B2')).toMatchObject({ type: ExcelJS.ValueType.Number, value: 85.5 });
    expect(model('C2').value).toEqual(read.getCell('C2').value);
    expect(model('D2').type).toBe(ExcelJS.ValueType.Formula);
    expect(model('E2').type).toBe(ExcelJS.ValueType.Hyperlink);
    expect(model('G2').type).toBe(ExcelJS.ValueType.Merge);
    expect((read.getCell('B2') as unknown as { style: { numFmt?: string } }).style.numFmt).toBe(read.getCell('B2').numFmt);
    const grid = ok(await readWorkbookBytes(new Uint8Array(await back.xlsx.writeBuffer()))).grid.sheets[0];
    expect(grid.values).toEqual([[85.5, '道路维修', 171, '文件']]);
    expect(grid.numberFormats[0][0]).toBe('0.00');
  });
});

describe('the 1904 date system', () => {
  async function workbookWithDate(date1904: boolean): Promise<Uint8Array> {
    const wb = new ExcelJS.Workbook();
    wb.properties.date1904 = date1904;
    const ws = wb.addWorksheet('日期');
    ws.getCell('A1').value = new Date(Date.UTC(2024, 0, 1));
    ws.getCell('A1').numFmt = 'yyyy-mm-dd';
    return new Uint8Array(await wb.xlsx.writeBuffer());
  }

  it('gives 1904 serials and says so', async () => {
    const r = ok(await readWorkbookBytes(await workbookWithDate(true)));
    expect(r.date1904).toBe(true);
    // 2024-01-01 is 45292 in the 1900 system, 1462 days less in the 1904 one.
    expect(r.grid.sheets[0].values[0][0]).toBeCloseTo(45292 - 1462, 8);
  });

  it('returns the stored serial and the flag when the flag is written as "true"', async () => {
    const entries = unzipSync(await workbookWithDate(true));
    const xml = strFromU8(entries['xl/workbook.xml']);
    expect(xml).toMatch(/date1904="1"/);
    entries['xl/workbook.xml'] = strToU8(xml.replace('date1904="1"', 'date1904="true"'));
    const r = ok(await readWorkbookBytes(zipSync(entries)));
    expect(r.date1904).toBe(true);
    expect(r.grid.sheets[0].values[0][0]).toBeCloseTo(45292 - 1462, 8);
  });

  it('defaults to the 1900 system', async () => {
    const r = ok(await readWorkbookBytes(await workbookWithDate(false)));
    expect(r.date1904).toBe(false);
    expect(r.grid.sheets[0].values[0][0]).toBeCloseTo(45292, 8);
  });
});
