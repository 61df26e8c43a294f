import ExcelJS from 'exceljs';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyze, planWrite, type SheetPlan } from '../../src/engine';
import { D, formatFixed } from '../../src/engine/money';
import { rowsOf } from '../../src/engine/plan';
import { readWorkbookFile } from '../../src/xlsx/read';
import { REFERENCE, haveReference } from '../helpers/shared';
import { haveTool, libreOfficeConvert } from '../helpers/libreoffice';
import { changedUserParts, fill, lostUserContent, readParts, secondFillDifferences, sourceSheetDifferences } from '../helpers/package-compare';

const ROOT = path.resolve(__dirname, '../..');
const SAMPLE = path.join(ROOT, 'assets/sample/sample-projects.xlsx');
const PRESERVE = path.join(ROOT, 'test/fixtures/preserve/preserve.xlsx');
const PRESERVE_XLSM = path.join(ROOT, 'test/fixtures/preserve/preserve.xlsm');

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jixiao-fill-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Every existing part but the six the writer may change is byte-identical, and those six keep the user's content. */
function expectUserPartsUnchanged(input: string, output: string): void {
  const before = readParts(input);
  const after = readParts(output);
  expect(changedUserParts(before, after)).toEqual([]);
  expect(lostUserContent(before, after)).toEqual([]);
}

/** Source sheets keep every cell's value, formula, number format and merge (read back by exceljs). */
async function expectSourceSheetsUnchanged(input: string, output: string): Promise<void> {
  expect(await sourceSheetDifferences(input, output)).toEqual([]);
}

/** Reads LibreOffice's computed value of every formula we wrote and compares it with the engine's. */
async function expectLibreOfficeAgrees(output: string, sheets: SheetPlan[]): Promise<number> {
  const recalculated = libreOfficeConvert(output, 'xlsx');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(recalculated);
  let checked = 0;
  for (const plan of sheets) {
    const ws = wb.getWorksheet(plan.name);
    expect(ws).toBeDefined();
    if (!ws) continue;
    rowsOf(plan).forEach((row, r) =>
      row.forEach((cell, c) => {
        if (cell.t !== 'formula') return;
        const got = ws.getCell(r + 1, c + 1).value as unknown;
        const result = got !== null && typeof got === 'object' && 'result' in got ? (got as { result: unknown }).result : got;
        if (cell.value === '—') {
          expect([plan.name, r + 1, c + 1, result]).toEqual([plan.name, r + 1, c + 1, '—']);
        } else {
          expect(typeof result).toBe('number');
          const places = cell.style?.includes('percent') ? 4 : 2;
          expect([plan.name, r + 1, c + 1, formatFixed(new D(result as number), places)]).toEqual([
            plan.name,
            r + 1,
            c + 1,
            formatFixed(new D(cell.value), places),
          ]);
        }
        checked++;
      }),
    );
  }
  return checked;
}

async function planFor(file: string): Promise<SheetPlan[]> {
  const read = await readWorkbookFile(file);
  if (!read.ok) throw new Error(read.error.code);
  const result = analyze(read.grid, {});
  if (!result.ok) throw new Error(result.error.code);
  return planWrite(read.grid, result.analysis, { mode: 'fill' }).plan.sheets;
}

const lo = haveTool('soffice');
const sources = [['sample', SAMPLE], ...(haveReference() ? [['reference', REFERENCE]] : [])];

describe.each(sources)('fill on the %s workbook', (_label, input) => {
  const out = () => path.join(tmp, `${_label}-filled.xlsx`);

  beforeAll(async () => {
    expect(await fill(input, out())).toBe(0);
  });

  test('the user\'s parts are byte-identical and every source cell is unchanged', async () => {
    expectUserPartsUnchanged(input, out());
    await expectSourceSheetsUnchanged(input, out());
  });

  (lo ? test : test.skip)('LibreOffice recalculates every summary formula to the engine\'s figures', async () => {
    const checked = await expectLibreOfficeAgrees(out(), await planFor(input));
    expect(checked).toBeGreaterThan(60);
  });

  test('a second fill on its own output changes nothing but the timestamp, and adds no copies', async () => {
    const second = path.join(tmp, `${_label}-second.xlsx`);
    expect(await fill(out(), second)).toBe(0);
    expect(secondFillDifferences(readParts(out()), readParts(second))).toEqual([]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(second);
    expect(wb.worksheets.map((w) => w.name).filter((n) => /预算执行汇总|绩效自评文字|校验结果/.test(n))).toEqual(['预算执行汇总', '绩效自评文字']);
  });
});

describe('a workbook with a chart, data validation, conditional formatting, a comment, a defined name and hidden sheets', () => {
  test.each([
    ['preserve.xlsx', PRESERVE, 'filled.xlsx'],
    ['preserve.xlsm', PRESERVE_XLSM, 'filled.xlsm'],
  ])('%s keeps them all through fill', async (_name, input, outName) => {
    const out = path.join(tmp, outName);
    const code = await fill(input, out, ['--force']);
    expect([0, 1]).toContain(code);
    expectUserPartsUnchanged(input, out);
    const after = Object.keys(readParts(out));
    expect(after.some((p) => /^xl\/charts\/chart\d+\.xml$/.test(p))).toBe(true);
    expect(after.some((p) => /^xl\/drawings\/drawing\d+\.xml$/.test(p))).toBe(true);
    expect(after.some((p) => /comments/.test(p))).toBe(true);
    if (input.endsWith('.xlsm')) expect(after).toContain('xl/vbaProject.bin');
    const workbookXml = new TextDecoder().decode(readParts(out)['xl/workbook.xml']);
    expect(workbookXml).toMatch(/<definedName /);
    expect(workbookXml).toMatch(/state="hidden"/);
    expect(workbookXml).toMatch(/state="veryHidden"/);
    const sheetsXml = Object.entries(readParts(out)).filter(([n]) => n.startsWith('xl/worksheets/sheet')).map(([, b]) => new TextDecoder().decode(b)).join('');
    expect(sheetsXml).toMatch(/<dataValidation /);
    expect(sheetsXml).toMatch(/<conditionalFormatting /);
    await expectSourceSheetsUnchanged(input, out);
  });
});
