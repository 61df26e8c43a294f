/**
 * The fast reader (src/xlsx/fast-read.ts) against the exceljs path it stands in for, workbook by
 * workbook: for each package, `readWorkbookBytes` as it is (exceljs) and `fastReadWorkbook` on the
 * parts `sniff` gives must agree sheet by sheet, to the last cell's value, type, number format and
 * formula — or the fast reader declines (null: the caller then uses exceljs), which is counted
 * and reported. It must never read a package exceljs refuses, and it must not decline the common
 * workbooks (fixtures, the sample, the reference, a generated bench workbook).
 *
 * The packages: every workbook under test/fixtures, the sample, the reference (../shared), a bench
 * workbook from scripts/bench/generate.ts, workbooks written by exceljs covering every kind of
 * cell, packages written by hand for what exceljs does not write (inline strings, cells without
 * addresses, phonetic runs, escapes, shared formulas, odd XML), seeded random sheets as the file
 * fuzzer makes them, and those packages damaged part by part the way the fuzzer damages them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import ExcelJS from 'exceljs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { buildWorkbook, generateRows, Rng } from '../../scripts/bench/generate';
import type { SheetGrid } from '../../src/engine/grid';
import {
  decodeEntities,
  decodeEscapes,
  exceljsXmlDecode,
  extractRanges,
  fastReadWorkbook,
  fastSheetGrids,
  isDateFormat,
  Scanner,
  slideFormula,
  xmlStart,
} from '../../src/xlsx/fast-read';
import { readWorkbookBytes } from '../../src/xlsx/read';
import { sniff } from '../../src/xlsx/sniff';
import { haveReference, REFERENCE } from '../helpers/shared';

// exceljs's own helpers, to hold the ports to them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const exceljsSlide = (require('exceljs/lib/utils/shared-formula') as { slideFormula: (f: string, from: string, to: string) => string }).slideFormula;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const exceljsUtils = require('exceljs/lib/utils/utils') as { isDateFmt: (f: string) => boolean; xmlDecode: (t: string) => string };

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures');
const SAMPLE = path.join(ROOT, 'assets', 'sample', 'sample-projects.xlsx');

type Parts = Record<string, Uint8Array>;

// ---------------------------------------------------------------------------------------------
// The comparison

interface Outcome {
  label: string;
  /** same: both read it alike; fallback: the fast reader declined; refused: exceljs refused it, and so did the fast reader. */
  outcome: 'same' | 'fallback' | 'refused';
  reason?: string;
}

const outcomes: Outcome[] = [];

function firstDifference(a: SheetGrid, b: SheetGrid): string {
  for (const key of ['name', 'top', 'left', 'merges', 'visibility'] as const) {
    if (!isDeepStrictEqual(a[key], b[key])) return `${key}: exceljs ${JSON.stringify(a[key])}, fast ${JSON.stringify(b[key])}`;
  }
  for (const key of ['values', 'valueTypes', 'numberFormats', 'formulas'] as const) {
    const x = a[key] ?? [];
    const y = b[key] ?? [];
    if (x.length !== y.length) return `${key}: ${x.length} rows from exceljs, ${y.length} from the fast reader`;
    for (let r = 0; r < x.length; r++) {
      if (!isDeepStrictEqual(x[r], y[r])) return `${key}[${r}]: exceljs ${JSON.stringify(x[r])}, fast ${JSON.stringify(y[r])}`;
    }
  }
  return 'a difference in shape';
}

/** Both readers on one package; throws, naming the package, where they disagree. */
async function differential(label: string, bytes: Uint8Array): Promise<Outcome> {
  // exceljs throws from readWorkbookBytes on a few packages (a shared formula it cannot slide).
  const slow = await readWorkbookBytes(bytes, { reader: 'exceljs' }).catch((e: unknown) => ({ ok: false as const, error: { code: `exception: ${String(e)}` } }));
  const sniffed = sniff(bytes);
  let result: Outcome;
  if (!sniffed.ok) {
    if (slow.ok) throw new Error(`${label}: sniff refuses what readWorkbookBytes reads`);
    result = { label, outcome: 'refused' };
  } else {
    const fast = fastReadWorkbook(sniffed.entries);
    if (!fast.ok) {
      // A bug would show as an exception caught, not as a reason given.
      if (/^error: (?!DamagedEntry)/.test(fast.reason)) throw new Error(`${label}: the fast reader failed: ${fast.reason}`);
      result = { label, outcome: slow.ok ? 'fallback' : 'refused', reason: fast.reason };
    } else {
      if (!slow.ok) throw new Error(`${label}: the fast reader read a package exceljs refuses (${slow.error.code})`);
      const n = fast.sheets.length;
      for (let i = 0; i < n; i++) {
        const a = slow.grid.sheets[i];
        const b = fast.sheets[i];
        if (!isDeepStrictEqual(a, b)) throw new Error(`${label}, sheet ${i} (${a?.name}): ${a ? firstDifference(a, b) : 'not in the exceljs grid'}`);
      }
      // The rest are the empty stand-ins readWorkbookBytes adds for sheets exceljs does not load.
      for (const s of slow.grid.sheets.slice(n)) {
        if (s.visibility !== undefined || s.values.length !== 0) throw new Error(`${label}: sheet ${s.name} loaded by exceljs but not by the fast reader`);
      }
      const workbookXml = strFromU8(sniffed.entries['xl/workbook.xml']);
      const declared = /date1904\s*=\s*["'](1|true)["']/.test(workbookXml);
      if (slow.date1904 !== (fast.date1904 || declared) || (fast.date1904 && !slow.date1904)) throw new Error(`${label}: date1904 ${fast.date1904} against ${slow.date1904}`);
      result = { label, outcome: 'same' };
    }
  }
  outcomes.push(result);
  return result;
}

async function expectSame(label: string, bytes: Uint8Array): Promise<void> {
  const r = await differential(label, bytes);
  if (r.outcome !== 'same') throw new Error(`${label}: expected the fast reader to read it, got ${r.outcome} (${r.reason})`);
}

afterAll(() => {
  const count = (o: Outcome['outcome']): number => outcomes.filter((x) => x.outcome === o).length;
  const reasons = new Map<string, number>();
  for (const o of outcomes) if (o.outcome === 'fallback') reasons.set(o.reason ?? '', (reasons.get(o.reason ?? '') ?? 0) + 1);
  const lines = [...reasons].sort((a, b) => b[1] - a[1]).map(([r, n]) => `  ${n} × ${r}`);
  console.log(
    [`fast reader: ${outcomes.length} packages — ${count('same')} read alike, ${count('fallback')} left to exceljs, ${count('refused')} refused by both`, ...lines].join('\n'),
  );
});

// ---------------------------------------------------------------------------------------------
// Packages written by hand

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

interface HandSheet {
  name: string;
  /** The worksheet's content, between <worksheet> and </worksheet>. */
  body: string;
  state?: string;
  /** Relationships of the sheet (xl/worksheets/_rels/sheetN.xml.rels), as Relationship elements. */
  rels?: string;
}

interface HandPackage {
  sheets: HandSheet[];
  /** The <si> elements of the shared strings; no part when undefined. */
  strings?: string[];
  /** numFmts and cellXfs content; the default gives xf 0 General, 1 '#,##0.00', 2 a date, 3 a custom format. */
  numFmts?: string;
  cellXfs?: string;
  workbookPr?: string;
  /** Other elements of workbook.xml, after the sheets. */
  workbookTail?: string;
  /** More parts, by name. */
  extra?: Record<string, string | Uint8Array>;
}

const DEFAULT_NUMFMTS = '<numFmts count="2"><numFmt numFmtId="164" formatCode="0.00\\ &quot;元&quot;"/><numFmt numFmtId="165" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>';
const DEFAULT_XFS =
  '<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"><alignment horizontal="center"/></xf><xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>';

function handPackage(p: HandPackage): Uint8Array {
  const parts: Record<string, string | Uint8Array> = {};
  const overrides = p.sheets.map((_s, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('');
  parts['[Content_Types].xml'] =
    `${DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
    `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${overrides}</Types>`;
  parts['_rels/.rels'] = `${DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
  const sheets = p.sheets.map((s, i) => `<sheet name="${s.name}" sheetId="${i + 1}"${s.state ? ` state="${s.state}"` : ''} r:id="rId${i + 1}"/>`).join('');
  parts['xl/workbook.xml'] = `${DECL}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">${p.workbookPr ?? '<workbookPr/>'}<sheets>${sheets}</sheets>${p.workbookTail ?? ''}</workbook>`;
  const rels = p.sheets.map((_s, i) => `<Relationship Id="rId${i + 1}" Type="${REL_NS}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`);
  rels.push(`<Relationship Id="rIdS" Type="${REL_NS}/styles" Target="styles.xml"/>`);
  if (p.strings) rels.push(`<Relationship Id="rIdT" Type="${REL_NS}/sharedStrings" Target="sharedStrings.xml"/>`);
  parts['xl/_rels/workbook.xml.rels'] = `${DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels.join('')}</Relationships>`;
  parts['xl/styles.xml'] =
    `${DECL}<styleSheet xmlns="${MAIN_NS}">${p.numFmts ?? DEFAULT_NUMFMTS}<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills>` +
    `<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>${p.cellXfs ?? DEFAULT_XFS}</styleSheet>`;
  if (p.strings) parts['xl/sharedStrings.xml'] = `${DECL}<sst xmlns="${MAIN_NS}" count="${p.strings.length}" uniqueCount="${p.strings.length}">${p.strings.join('')}</sst>`;
  p.sheets.forEach((s, i) => {
    parts[`xl/worksheets/sheet${i + 1}.xml`] = `${DECL}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">${s.body}</worksheet>`;
    if (s.rels) parts[`xl/worksheets/_rels/sheet${i + 1}.xml.rels`] = `${DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${s.rels}</Relationships>`;
  });
  Object.assign(parts, p.extra ?? {});
  const bytes: Parts = {};
  for (const [k, v] of Object.entries(parts)) bytes[k] = typeof v === 'string' ? strToU8(v) : v;
  return zipSync(bytes);
}

/** A one-sheet package from its sheetData rows (and more of the worksheet after them). */
function oneSheet(rows: string, opts: Omit<HandPackage, 'sheets'> & { after?: string; before?: string; rels?: string; name?: string } = {}): Uint8Array {
  return handPackage({ ...opts, sheets: [{ name: opts.name ?? '项目', body: `${opts.before ?? ''}<sheetData>${rows}</sheetData>${opts.after ?? ''}`, rels: opts.rels }] });
}

/** A one-sheet package with another sheet of `type` (not a worksheet) after it, its part at `target`. */
function withOtherSheet(name: string, type: string, target: string, parts: Record<string, string>): Uint8Array {
  const p = unzipSync(oneSheet('<row r="1"><c r="A1"><v>1</v></c></row>'));
  const edit = (part: string, from: string, to: string): void => {
    p[part] = strToU8(strFromU8(p[part]).replace(from, to));
  };
  edit('xl/workbook.xml', '</sheets>', `<sheet name="${name}" sheetId="9" r:id="rId9"/></sheets>`);
  edit('xl/_rels/workbook.xml.rels', '</Relationships>', `<Relationship Id="rId9" Type="${REL_NS}/${type}" Target="${target}"/></Relationships>`);
  for (const [k, v] of Object.entries(parts)) p[k] = strToU8(v);
  return zipSync(p);
}

const STRINGS = ['<si><t>项目名称</t></si>', '<si><t>合计</t></si>', '<si><t xml:space="preserve"> 前后有空格 </t></si>', '<si><t/></si>'];

// ---------------------------------------------------------------------------------------------
// Packages exceljs writes

async function written(build: (wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/** A sheet of every kind of cell; `wide` puts one in column XFD (16,384 columns of grid: slow to read many times). */
function everyKind(wb: ExcelJS.Workbook, wide = true): void {
  const ws = wb.addWorksheet('各种单元格');
  ws.getCell('A1').value = '2024年项目支出明细 <&>"\' 😀 𠀀';
  ws.mergeCells('A1:G1');
  ws.getCell('A2').value = 1;
  ws.getCell('B2').value = -0.1;
  ws.getCell('C2').value = 123456789.123456;
  ws.getCell('D2').value = 1e-7;
  ws.getCell('E2').value = 12345678901234567890;
  ws.getCell('F2').value = -0;
  ws.getCell('G2').value = 0.1 + 0.2;
  ws.getCell('A3').value = true;
  ws.getCell('B3').value = false;
  ws.getCell('C3').value = { error: '#N/A' } as ExcelJS.CellErrorValue;
  ws.getCell('D3').value = { error: '#DIV/0!' } as ExcelJS.CellErrorValue;
  ws.getCell('E3').value = { richText: [{ text: '安全生产', font: { bold: true } }, { text: 'Safety' }, { text: '' }] };
  ws.getCell('F3').value = { text: '文件', hyperlink: 'https://example.com/doc' };
  ws.getCell('G3').value = { formula: 'A2*2', result: 2 } as ExcelJS.CellFormulaValue;
  ws.getCell('G3').value = { text: '公式链接', hyperlink: 'https://example.com/f' };
  ws.getCell('A4').value = new Date(Date.UTC(2024, 11, 31, 12, 0, 0));
  ws.getCell('A4').numFmt = 'yyyy-mm-dd';
  ws.getCell('B4').value = new Date(Date.UTC(1900, 0, 1, 0, 0, 0, 123));
  ws.getCell('B4').numFmt = 'yyyy-mm-dd hh:mm:ss.000';
  ws.getCell('C4').value = new Date(Date.UTC(2024, 0, 1, 8, 30, 15, 500));
  ws.getCell('C4').numFmt = '[$-F800]dddd, mmmm dd, yyyy';
  ws.getCell('D4').value = 45000.123456789;
  ws.getCell('D4').numFmt = 'm/d/yy h:mm';
  ws.getCell('E4').value = 45000;
  ws.getCell('E4').numFmt = '0.00 "元"';
  ws.getCell('F4').value = 0.4699;
  ws.getCell('F4').numFmt = '0.00%';
  ws.getCell('G4').value = 1406.3349;
  ws.getCell('G4').numFmt = '#,##0.00_);[Red](#,##0.00)';
  ws.getCell('A5').value = { formula: 'SUM(A2:G2)', result: 0 } as ExcelJS.CellFormulaValue;
  ws.getCell('B5').value = { formula: 'A3', result: false } as ExcelJS.CellFormulaValue;
  ws.getCell('C5').value = { formula: '""', result: '' } as ExcelJS.CellFormulaValue;
  ws.getCell('D5').value = { formula: 'NA()', result: { error: '#N/A' } } as ExcelJS.CellFormulaValue;
  ws.getCell('E5').value = { formula: 'A4+1' } as ExcelJS.CellFormulaValue;
  ws.getCell('F5').value = { formula: 'A4+1', result: new Date(Date.UTC(2025, 0, 1)) } as ExcelJS.CellFormulaValue;
  ws.getCell('F5').numFmt = 'yyyy-mm-dd';
  ws.getCell('G5').value = { formula: '"a&amp;b"&"<x>"', result: 'a&amp;b<x>' } as ExcelJS.CellFormulaValue;
  ws.getCell('A6').value = 10;
  ws.getCell('B6').value = 20;
  ws.fillFormula('A7:D7', 'A6*2+$B$6+Sheet1!C1', [20, 40, 60, 80]);
  ws.fillFormula('E6:E9', 'SUM($A6:D6)/COUNT(A$6:A6)', (r) => r);
  ws.getCell('A8').value = '_x0041_ _x000D_ literal';
  ws.getCell('B8').value = 'line one\r\nline two\nline three\r';
  ws.getCell('C8').value = '   ';
  ws.getCell('D8').value = '０１２３';
  ws.getCell('A9').numFmt = '@';
  ws.getCell('B9').fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFFF00' } };
  if (wide) ws.getCell('XFD10').value = '最后一列';
  ws.getCell('C12').value = 'merged over';
  ws.mergeCells('B12:D13');
  ws.getRow(14).numFmt = '#,##0.0';
  ws.mergeCells('A14:C14');
  ws.getColumn(6).numFmt = '0.000';
  ws.mergeCells('E14:G15');
  ws.getCell('E14').value = 7;
}

// ---------------------------------------------------------------------------------------------
// Seeded random sheets, as the file fuzzer makes them

const TEXTS = ['道路维修', '本级财政资金', '合计', '单位：元', '=1+1', '+1', '@A1', '\t=cmd', '1e999', '1,234.50', '１２３', 'NaN', '😀', '\u202e', '_x0041_', '<&>"\'', 'x'.repeat(300), '唐财建〔2024〕10号', ' lead', 'trail '];

function randomCell(rng: Rng, cell: ExcelJS.Cell): void {
  switch (rng.int(0, 10)) {
    case 0:
    case 1:
      cell.value = rng.pick([0, 1, -1, 0.5, 1e21, 1e-300, 5e-324, -0, 123.45, 1e308, Math.PI, rng.next() * 1e6]);
      if (rng.next() < 0.5) cell.numFmt = rng.pick(['#,##0.00', '0.00%', 'yyyy-mm-dd', '@', '0.00 "元"', 'h:mm:ss', '[Red]0.00']);
      break;
    case 2:
    case 3:
      cell.value = rng.pick(TEXTS);
      break;
    case 4:
      cell.value = rng.next() < 0.5;
      break;
    case 5:
      cell.value = { error: rng.pick(['#N/A', '#DIV/0!', '#REF!', '#VALUE!', '#NAME?']) } as ExcelJS.CellErrorValue;
      break;
    case 6:
      cell.value = { formula: rng.pick(['SUM(A1:B2)', 'A1/0', 'NOW()', "'其他表'!A1", 'A1&"x"']), result: rng.pick([undefined, 0, 1.5, '文本', '', true]) } as ExcelJS.CellFormulaValue;
      if (rng.next() < 0.3) cell.numFmt = 'yyyy-mm-dd';
      break;
    case 7:
      cell.value = { richText: [{ text: rng.pick(['道路', '12', '']), font: { bold: true } }, { text: rng.pick(['维修', '.5']) }] };
      break;
    case 8:
      cell.value = new Date(rng.int(-1000, 3000000000) * 1000);
      break;
    case 9:
      cell.value = { text: rng.pick(['见附件', 'https://example.com']), hyperlink: 'https://example.com/' };
      break;
    default:
      if (rng.next() < 0.5) cell.numFmt = '0.00';
      break;
  }
}

async function randomWorkbook(seed: number): Promise<Uint8Array | undefined> {
  const rng = new Rng(seed);
  const wb = new ExcelJS.Workbook();
  if (rng.next() < 0.15) wb.properties.date1904 = true;
  const sheetCount = rng.int(1, 3);
  for (let s = 0; s < sheetCount; s++) {
    const ws = wb.addWorksheet(`${rng.pick(['明细', 'Sheet', '表 (2)', "张三's"])}${s}`, { state: rng.pick(['visible', 'visible', 'hidden', 'veryHidden'] as const) });
    const rows = rng.int(0, 12);
    const top = rng.int(1, 4);
    const left = rng.int(1, 4);
    for (let r = 0; r < rows; r++) {
      const cols = rng.int(0, 9);
      for (let c = 0; c < cols; c++) randomCell(rng, ws.getCell(top + r, left + c));
    }
    for (let m = rng.int(0, 3); m > 0; m--) {
      const t = rng.int(1, 14);
      const l = rng.int(1, 10);
      try {
        ws.mergeCells(t, l, t + rng.int(0, 3), l + rng.int(0, 3));
      } catch {
        // overlapping: exceljs refuses it
      }
    }
    if (rng.next() < 0.2) ws.getRow(rng.int(1, 10)).numFmt = '#,##0';
    if (rng.next() < 0.2) ws.getColumn(rng.int(1, 8)).numFmt = '0.0%';
    if (rng.next() < 0.1) ws.fillFormula(`A${rows + 5}:D${rows + 5}`, 'A1+B$1', [1, 2, 3, 4]);
  }
  wb.worksheets[0].state = 'visible';
  try {
    return new Uint8Array(await wb.xlsx.writeBuffer());
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Damage, part by part (the fuzzer's kinds, and more)

const DAMAGE: [string, (xml: string) => string | Uint8Array][] = [
  ['cut short', (x) => x.slice(0, Math.floor(x.length / 2))],
  ['a stray <', (x) => `${x.slice(0, Math.floor(x.length / 2))}<${x.slice(Math.floor(x.length / 2))}`],
  ['an end tag gone', (x) => x.replace(/<\/[^>]+>/, '')],
  ['a repeated attribute', (x) => x.replace(/<(\w+:)?(sheets|sheetData|Relationships|Types|si|row|c)\b/, '<$1$2 $2="1" $2="2"')],
  ['an undefined entity', (x) => x.replace(/&amp;|"/, '&bogus;')],
  ['a DOCTYPE', (x) => x.replace(/^(<\?xml[^>]*\?>)?/, '$1<!DOCTYPE r [<!ENTITY y "z">]>')],
  ['an entity nobody declared', (x) => x.replace(/(<t[^>]*>)/, '$1&x;')],
  ['empty', () => ''],
  ['binary', () => 'PK\u0003\u0004 not xml at all \u0000\u0001'],
  ['a byte-order mark', (x) => '\ufeff' + x],
  ['a dangling relationship', (x) => x.replace(/r:id="rId\d+"/, 'r:id="rId999"')],
  ['a target outside', (x) => x.replace(/Target="[^"]+"/, 'Target="../../../../etc/passwd"')],
  ['row 0', (x) => x.replace(/<(\w+:)?sheetData>/, '$&<row r="0"><c r="A0"><v>1</v></c></row>')],
  ['beyond the grid', (x) => x.replace(/<(\w+:)?sheetData>/, '$&<row r="1048577"><c r="XFE1048577"><v>1</v></c></row>')],
  ['1e999', (x) => x.replace(/<v>([^<]*)<\/v>/, '<v>1e999</v>')],
  ['NaN', (x) => x.replace(/<v>([^<]*)<\/v>/, '<v>NaN</v>')],
  ['a missing shared string', (x) => x.replace(/(<c [^>]*t="s"[^>]*><v>)\d+/, '$199999')],
  ['overlapping merges', (x) => x.replace(/(<mergeCell ref=")([^"]+)("\/>)/, '$1$2$3$1$2$3')],
  ['a declaration that lies', (x) => x.replace(/<\?xml[^>]*\?>/, '<?xml version="1.0" encoding="UTF-16"?>')],
  ['UTF-16', (x) => utf16(x)],
  ['CRLF line ends', (x) => x.replace(/></g, '>\r\n<').replace(/(<t[^>]*>)/g, '$1\r\n')],
  ['a comment', (x) => x.replace(/(<\/[^>]+>)/, '$1<!-- a comment -->')],
  ['CDATA', (x) => x.replace(/(<t[^>]*>)/, '$1<![CDATA[<x>]]>')],
  ['a prefixed root', (x) => x.replace(/<(worksheet|workbook|sst|styleSheet)\b/, '<x:$1 xmlns:x="' + MAIN_NS + '"').replace(/<\/(worksheet|workbook|sst|styleSheet)>/, '</x:$1>')],
  ['the strict namespace', (x) => x.split(MAIN_NS).join('http://purl.oclc.org/ooxml/spreadsheetml/main')],
  ['spaces around =', (x) => x.replace(/ r="/g, ' r = "')],
  ['single quotes', (x) => x.replace(/ t="s"/g, " t='s'")],
  ['a control character', (x) => x.replace(/(<t[^>]*>)/, '$1\u0001')],
  ['a character reference', (x) => x.replace(/(<t[^>]*>)/, '$1&#x4E2D;&#20013;&#x1F600;')],
  ['a reference to no character', (x) => x.replace(/(<t[^>]*>)/, '$1&#0;')],
  ['a tab in a name', (x) => x.replace(/<sheet name="/, '<sheet name="\t')],
  ['an address without its row', (x) => x.replace(/<c r="([A-Z]+)\d+"/, '<c r="$1"')],
  ['cells without addresses', (x) => x.replace(/(<row [^>]*>(?:<c [^>]*>.*?<\/c>|<c [^>]*\/>))(.*?)(<\/row>)/, (_m, first: string, rest: string, end: string) => first + rest.replace(/ r="[A-Z]+\d+"/g, '') + end)],
  ['cells out of order', (x) => x.replace(/(<c r="[A-Z]+\d+"[^>]*>.*?<\/c>)(<c r="[A-Z]+\d+"[^>]*>.*?<\/c>)/, '$2$1')],
  ['a text after the root', (x) => `${x}x`],
  ['a type d', (x) => x.replace(/<c r="([A-Z]+\d+)"([^>]*)><v>/, '<c r="$1"$2 t="d"><v>')],
  ['an unknown element in a cell', (x) => x.replace(/<\/v><\/c>/, '</v><x/></c>')],
  ['a phonetic run', (x) => x.replace(/<si><t>([^<]*)<\/t><\/si>/, '<si><t>$1</t><rPh sb="0" eb="1"><t>ピン</t></rPh><phoneticPr fontId="1"/></si>')],
  ['an si with runs', (x) => x.replace(/<si><t>([^<]*)<\/t><\/si>/, '<si><r><rPr><b/><sz val="11"/></rPr><t>$1</t></r><r><t>_x0041_</t></r></si>')],
];

/** UTF-16 LE with its byte-order mark. */
const utf16 = (s: string): Uint8Array => new Uint8Array(Buffer.from(`\ufeff${s}`, 'utf16le'));

/** Each damage on each XML part of a package, one at a time (damage that changes nothing is skipped). */
function damaged(bytes: Uint8Array): [string, Uint8Array][] {
  const parts = unzipSync(bytes);
  const out: [string, Uint8Array][] = [];
  // Themes are kept as text by exceljs, read by neither.
  for (const name of Object.keys(parts).filter((n) => /\.(xml|rels)$/.test(n) && !n.startsWith('xl/theme/'))) {
    const xml = strFromU8(parts[name]);
    for (const [what, damage] of DAMAGE) {
      const d = damage(xml);
      if (typeof d === 'string' && d === xml) continue;
      out.push([`${name}: ${what}`, zipSync({ ...parts, [name]: typeof d === 'string' ? strToU8(d) : d })]);
    }
  }
  return out;
}

// =============================================================================================

describe('the fast reader gives the exceljs grid', () => {
  const files = [
    ...fs.readdirSync(path.join(FIXTURES, 'issues')).map((f) => path.join(FIXTURES, 'issues', f)),
    ...fs.readdirSync(path.join(FIXTURES, 'bad')).map((f) => path.join(FIXTURES, 'bad', f)),
    ...fs.readdirSync(path.join(FIXTURES, 'preserve')).map((f) => path.join(FIXTURES, 'preserve', f)),
    SAMPLE,
  ].filter((f) => /\.xls[xm]$/.test(f));

  it.each(files.map((f) => [path.relative(ROOT, f), f]))('%s', async (label, file) => {
    const r = await differential(label, new Uint8Array(fs.readFileSync(file)));
    // Workbooks the tool writes or reads every day are read fast; preserve.* holds comments,
    // a chart and an image (parts the fast reader leaves to exceljs), bad/* is refused.
    if (/issues|sample|valid\.xlsm/.test(label)) expect(r.outcome).toBe('same');
  });

  it('the reference workbook', async () => {
    if (!haveReference()) return;
    await expectSame('reference', new Uint8Array(fs.readFileSync(REFERENCE)));
  });

  it('a bench workbook (2,000 projects, a 合计 row of SUM formulas under merged cells)', async () => {
    await expectSame('bench', new Uint8Array(await buildWorkbook(generateRows(2000, 20240601)).xlsx.writeBuffer()));
  });

  it('every kind of cell exceljs writes, in both date systems', async () => {
    await expectSame('every kind', await written(everyKind));
    await expectSame(
      'every kind, 1904',
      await written((wb) => {
        wb.properties.date1904 = true;
        everyKind(wb);
      }),
    );
  });

  it('hidden, very hidden and empty sheets, in tab order', async () => {
    const bytes = await written((wb) => {
      wb.addWorksheet('空表');
      wb.addWorksheet('隐藏', { state: 'hidden' }).getCell('B2').value = 'h';
      wb.addWorksheet('深度隐藏', { state: 'veryHidden' }).getCell('C3').value = 'vh';
      wb.addWorksheet('样式而已').getCell('K20').numFmt = '0.00';
    });
    await expectSame('states', bytes);
    const grids = fastSheetGrids(sniffOk(bytes).entries);
    expect(grids?.sheets.map((s) => [s.name, s.visibility, s.values.length])).toEqual([
      ['空表', 'Visible', 0],
      ['隐藏', 'Hidden', 1],
      ['深度隐藏', 'VeryHidden', 1],
      ['样式而已', 'Visible', 0],
    ]);
  });

  // FAST_READ_SEEDS=1000 for a longer run.
  it('seeded random workbooks as the file fuzzer writes them', async () => {
    for (let seed = 1; seed <= Number(process.env.FAST_READ_SEEDS ?? 60); seed++) {
      const bytes = await randomWorkbook(seed);
      if (bytes) await expectSame(`random ${seed}`, bytes);
    }
  });
});

function sniffOk(bytes: Uint8Array): { entries: Parts } {
  const s = sniff(bytes);
  if (!s.ok) throw new Error('not a package');
  return s;
}

describe('packages written by hand: what exceljs does not write', () => {
  const cases: [string, Uint8Array][] = [
    [
      'shared strings: plain, rich, phonetic runs dropped, escapes, spaces, empty',
      oneSheet('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c><c r="G1" t="s"><v>6</v></c></row>', {
        strings: [
          '<si><t>项目名称</t></si>',
          '<si><r><rPr><b/><sz val="11"/><color rgb="FFFF0000"/><rFont val="宋体"/></rPr><t>安全</t></r><r><t xml:space="preserve"> 生产 </t></r></si>',
          '<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1" type="noConversion"/></si>',
          '<si><t>a_x000D_b_x0041__x005F_x0041_ _x00e9_ _xD83D_</t></si>',
          '<si><t/></si>',
          '<si></si>',
          '<si><r><t>_x4E2D_</t></r><r><rPr><i/></rPr></r></si>',
        ],
      }),
    ],
    [
      'inline strings, t="str" decoded twice, booleans and errors as exceljs reads them',
      oneSheet(
        '<row r="2"><c r="A2" t="inlineStr"><is><t>行内</t><t xml:space="preserve"> 文字 &amp;lt;</t></is></c><c r="B2" t="str"><v>a &amp;amp; b &amp;lt;c&amp;gt; &amp;#65;</v></c><c r="C2" t="b"><v>true</v></c><c r="D2" t="b"><v>0</v></c><c r="E2" t="e"><v>#VALUE!</v></c><c r="F2" t="inlineStr"><is><t>_x0041_</t></is></c><c r="G2" t="n"><v> 12 </v></c><c r="H2" t=""><v>0x10</v></c><c r="I2" t="inlineStr"><is/></c><c r="J2" s="1" t="inlineStr"><is><t></t></is></c></row>',
      ),
    ],
    [
      'numbers as parseFloat reads them, dates through exceljs Date rounding',
      oneSheet(
        '<row r="1"><c r="A1"><v>1.5E3</v></c><c r="B1"><v>.5</v></c><c r="C1"><v>-0</v></c><c r="D1"><v>12abc</v></c><c r="E1"><v>+7</v></c><c r="F1"><v>123456789012345678</v></c><c r="G1"><v>0.1234567890123456789</v></c><c r="H1"><v>5.</v></c></row>' +
          '<row r="2"><c r="A2" s="2"><v>45000.123456789</v></c><c r="B2" s="4"><v>45000.99999999999</v></c><c r="C2" s="2"><v>-1</v></c><c r="D2" s="2"><v>1e20</v></c><c r="E2" s="3"><v>1.005</v></c><c r="F2" s="5"><v>0.12345</v></c><c r="G2" s="2"><f>A1</f><v>1</v></c><c r="H2" s="2" t="str"><f>"12"</f><v>12</v></c><c r="I2" s="2" t="b"><f>TRUE</f><v>1</v></c><c r="J2" s="2" t="e"><f>NA()</f><v>#N/A</v></c><c r="K2" s="2" t="str"><f>"x"</f><v>x</v></c></row>',
      ),
    ],
    [
      'the 1904 system',
      oneSheet('<row r="1"><c r="A1" s="2"><v>0.5</v></c><c r="B1" s="4"><v>43000.25</v></c></row>', { workbookPr: '<workbookPr date1904="1"/>' }),
    ],
    [
      'date1904 written as true (exceljs reads it as false)',
      oneSheet('<row r="1"><c r="A1" s="2"><v>43000.25</v></c></row>', { workbookPr: '<workbookPr date1904="true"/>' }),
    ],
    [
      'shared formulas: slid from their master, own text kept, before their master, array and data-table formulas',
      oneSheet(
        '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c><c r="C1"><f t="shared" ref="C1:C4" si="0">A1+B$1+$A1+SUM(A1:B1)+Sheet2!A1+\'x y\'!B2+LOG10(A1)+"A1"+XFD1+AAA1</f><v>6</v></c><c r="D1"><f t="shared" si="1"/><v>0</v></c></row>' +
          '<row r="2"><c r="C2"><f t="shared" si="0"/><v>7</v></c><c r="D2"><f t="shared" ref="D2:D3" si="1">C2*2</f><v>14</v></c></row>' +
          '<row r="3"><c r="C3"><f t="shared" si="0">A3*9</f><v>1</v></c><c r="D3"><f t="shared" si="1"/><v>2</v></c><c r="E3"><f t="array" ref="E3:E4">SUM(A1:A2*B1:B2)</f><v>3</v></c></row>' +
          '<row r="4"><c r="C4"><f t="shared" si="0"/></c><c r="E4"><v>3</v></c><c r="F4"><f t="dataTable" ref="F4:F5" dt2D="0" dtr="0" r1="A1"/><v>9</v></c></row>',
      ),
    ],
    [
      'a shared formula sliding past column A (exceljs throws)',
      oneSheet('<row r="1"><c r="B1"><f t="shared" ref="A1:B2" si="0">A1</f><v>1</v></c></row><row r="2"><c r="A2"><f t="shared" si="0"/><v>1</v></c></row>'),
    ],
    [
      'cells without addresses follow the last cell exceljs made',
      oneSheet('<row r="1"><c r="B1"><v>1</v></c><c><v>2</v></c><c/><c s="1"/><c><v>3</v></c></row><row r="3"><c r="C3" s="1"/><c t="inlineStr"><is><t>x</t></is></c></row>'),
    ],
    [
      'a first cell without an address (exceljs throws)',
      oneSheet('<row r="1"><c><v>1</v></c></row>'),
    ],
    [
      'a row without a number (exceljs throws)',
      oneSheet('<row><c r="A1"><v>1</v></c></row>'),
    ],
    [
      'merges: blanked but the top-left, number formats of the cells a merge creates from the row or column style',
      oneSheet(
        '<row r="1" s="1" customFormat="1"><c r="A1" t="inlineStr"><is><t>标题</t></is></c><c r="C1" s="3"/><c r="D1"/></row><row r="2"><c r="A2"><v>1</v></c><c r="B2" s="5"><v>2</v></c></row><row r="4"><c r="E4"><v>5</v></c><c r="F4"><f>E4</f><v>5</v></c></row><row r="6"><c r="A6"><v>6</v></c></row>',
        {
          before: '<cols><col min="2" max="3" width="9" style="2" customWidth="1"/><col min="1" max="1" style="5"/><col min="5" max="7" style="4"/></cols>',
          after: '<mergeCells count="3"><mergeCell ref="A1:D1"/><mergeCell ref="B3:A2"/><mergeCell ref="E4:G5"/></mergeCells>',
        },
      ),
    ],
    [
      'overlapping merges (exceljs throws)',
      oneSheet('<row r="1"><c r="A1"><v>1</v></c></row>', { after: '<mergeCells count="2"><mergeCell ref="A1:B2"/><mergeCell ref="B2:C3"/></mergeCells>' }),
    ],
    [
      'hyperlinks: the cell keeps its value, a formula is dropped',
      oneSheet('<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1" t="s"><v>0</v></c><c r="C1"/><c r="D1"><v>4</v></c></row>', {
        strings: STRINGS,
        after: '<hyperlinks><hyperlink ref="A1" r:id="rId1"/><hyperlink ref="B1" r:id="rId1"/><hyperlink ref="C1" r:id="rId1"/><hyperlink ref="D1" location="Sheet1!A1"/><hyperlink ref="E9" r:id="rId1"/></hyperlinks>',
        rels: `<Relationship Id="rId1" Type="${REL_NS}/hyperlink" Target="https://example.com/" TargetMode="External"/>`,
      }),
    ],
    [
      'a hyperlink whose relationship is missing (exceljs throws)',
      oneSheet('<row r="1"><c r="A1"><v>1</v></c></row>', { after: '<hyperlinks><hyperlink ref="A1" r:id="rId7"/></hyperlinks>' }),
    ],
    [
      'names and states: entities decoded twice, an odd state, a sheet named History, a dialog sheet',
      handPackage({
        sheets: [
          { name: 'A&amp;amp;B &amp;lt;1&amp;gt;', body: '<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>' },
          { name: 'odd', state: 'shown', body: '<sheetData/>' },
          { name: '第三', state: 'veryHidden', body: '<sheetData><row r="2"><c r="B2" t="b"><v>1</v></c></row></sheetData>' },
        ],
        workbookTail: '<definedNames><definedName name="_xlnm.Print_Area" localSheetId="0">\'A&amp;B &lt;1&gt;\'!$A$1:$B$2</definedName><definedName name="x">1+1</definedName></definedNames>',
      }),
    ],
    [
      'a sheet named History (exceljs throws)',
      handPackage({ sheets: [{ name: 'History', body: '<sheetData/>' }] }),
    ],
    [
      'a print area it cannot read (exceljs throws)',
      handPackage({ sheets: [{ name: 'a', body: '<sheetData/>' }], workbookTail: '<definedNames><definedName name="_xlnm.Print_Area" localSheetId="0">,</definedName></definedNames>' }),
    ],
    [
      'a dialog sheet: a stand-in, as for a chart sheet',
      withOtherSheet('对话框', 'dialogsheet', '/xl/dialogsheets/sheet1.xml', { 'xl/dialogsheets/sheet1.xml': `${DECL}<dialogsheet xmlns="${MAIN_NS}"><sheetData/></dialogsheet>` }),
    ],
    [
      'a chart sheet (its drawing is left to exceljs)',
      withOtherSheet('图表', 'chartsheet', 'chartsheets/sheet1.xml', {
        'xl/chartsheets/sheet1.xml': `${DECL}<chartsheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheetViews><sheetView workbookViewId="0"/></sheetViews><drawing r:id="rId1"/></chartsheet>`,
        'xl/chartsheets/_rels/sheet1.xml.rels': `${DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL_NS}/drawing" Target="../drawings/drawing1.xml"/></Relationships>`,
        'xl/drawings/drawing1.xml': `${DECL}<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"/>`,
      }),
    ],
    [
      'a sheet target given from the package root',
      (() => {
        const p = unzipSync(oneSheet('<row r="1"><c r="A1"><v>1</v></c></row>'));
        p['xl/_rels/workbook.xml.rels'] = strToU8(strFromU8(p['xl/_rels/workbook.xml.rels']).replace('Target="worksheets/sheet1.xml"', 'Target="/xl/worksheets/sheet1.xml"'));
        return zipSync(p);
      })(),
    ],
    [
      'a worksheet part no sheet refers to (left to exceljs)',
      (() => {
        const p = unzipSync(oneSheet('<row r="1"><c r="A1"><v>1</v></c></row>'));
        p['xl/worksheets/sheet7.xml'] = p['xl/worksheets/sheet1.xml'];
        return zipSync(p);
      })(),
    ],
    [
      'styles: no cellXfs, a style past the list, style 0 with a format, a format id without a format',
      oneSheet('<row r="1"><c r="A1" s="0"><v>1</v></c><c r="B1" s="9"><v>2</v></c><c r="C1" s="1"><v>3</v></c><c r="D1" s="2"/></row>', {
        cellXfs: '<cellXfs count="3"><xf numFmtId="14"/><xf numFmtId="30"/><xf numFmtId="166"/></cellXfs>',
      }),
    ],
    [
      'a cell style and no cell formats (exceljs throws)',
      oneSheet('<row r="1"><c r="A1" s="1"><v>1</v></c></row>', { cellXfs: '' }),
    ],
    [
      'white space in attributes and text as saxes gives it',
      oneSheet('<row r="1"><c r="A1" t="inlineStr"><is><t>a\r\nb\rc\td</t></is></c><c r="B1" t="str"><v>&#13;&#10;x</v></c></row>', {
        name: 'Tab\tand\nline',
      }),
    ],
    [
      'worksheet elements skipped, elements exceljs reads wherever they are',
      oneSheet('<row r="1"><c r="A1"><v>1</v></c></row>', {
        before: '<sheetPr><tabColor rgb="FFFF0000"/></sheetPr><dimension ref="A1"/><sheetViews><sheetView workbookViewId="0"><selection activeCell="A1"/></sheetView></sheetViews>',
        after: '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/><extLst><ext uri="{x}"><x14:foo xmlns:x14="urn:x"/></ext></extLst>',
      }),
    ],
    ['sheetData nested in another element (left to exceljs)', oneSheet('<row r="1"><c r="A1"><v>1</v></c></row>', { after: '<x:extra xmlns:x="urn:x"><sheetData/></x:extra>' })],
    ['a drawing (left to exceljs)', oneSheet('<row r="1"><c r="A1"><v>1</v></c></row>', { after: '<drawing r:id="rId1"/>' })],
    [
      'comments in the sheet relationships (left to exceljs)',
      oneSheet('<row r="1"><c r="A1"><v>1</v></c></row>', { rels: `<Relationship Id="rId1" Type="${REL_NS}/comments" Target="../comments1.xml"/>` }),
    ],
    ['a cell in column XFD, a row at the last row', oneSheet('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')],
  ];

  // All are read alike, but those exceljs refuses or that hold what the fast reader leaves to it.
  it.each(cases)('%s', async (label, bytes) => {
    if (/exceljs throws|left to exceljs/.test(label)) await differential(label, bytes);
    else await expectSame(label, bytes);
  });
});

describe('damaged packages: read alike, or left to exceljs, never read where exceljs refuses', () => {
  const bases: [string, () => Promise<Uint8Array>][] = [
    ['sample', async () => new Uint8Array(fs.readFileSync(SAMPLE))],
    ['every kind', () => written((wb) => everyKind(wb, false))],
    // FAST_READ_DAMAGE_SEEDS=50 damages random workbooks too.
    ...Array.from({ length: Number(process.env.FAST_READ_DAMAGE_SEEDS ?? 0) }, (_x, i): [string, () => Promise<Uint8Array>] => [
      `random ${i + 1}`,
      async () => (await randomWorkbook(i + 1)) ?? new Uint8Array(fs.readFileSync(SAMPLE)),
    ]),
  ];
  it.each(bases)('%s, each XML part damaged each way', async (label, make) => {
    for (const [what, bytes] of damaged(await make())) await differential(`${label} ${what}`, bytes);
  });
});

// =============================================================================================
// The helpers, against exceljs's own where there is one

describe('XML helpers', () => {
  it('decodes entities and character references as saxes does', () => {
    expect(decodeEntities('a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#20013;&#x6587; &#x1F600;')).toBe('a & b <c> "d" \'e\' 中文 😀');
    expect(decodeEntities('&amp;lt;')).toBe('&lt;');
    expect(decodeEntities('plain')).toBe('plain');
  });

  it('decodes a second time as exceljs does for names and t="str" (named entities only)', () => {
    for (const t of ['&amp;lt;', 'a &lt;b&gt; &amp; &quot;&apos;', '&#65; &nbsp; &AMP; &;', 'plain', '&lt']) expect(exceljsXmlDecode(t)).toBe(exceljsUtils.xmlDecode(t));
  });

  it('decodes _xHHHH_ escapes as exceljs does (upper-case hex, one pass)', () => {
    expect(decodeEscapes('a_x000D_b')).toBe('a\rb');
    expect(decodeEscapes('_x005F_x0041_')).toBe('_x0041_');
    expect(decodeEscapes('_x00e9_')).toBe('_x00e9_');
    expect(decodeEscapes('_x4E2D__x6587_')).toBe('中文');
  });

  it('slides shared formulas as exceljs does', () => {
    const formulas = ['A1+B$1+$A1+$B$2', 'SUM(A1:B2)*Sheet2!C3', "'x y'!B2+LOG10(A1)", '"A1"&A1', 'XFD1+XFE1+AAA1+ZZ9', 'a1+b2', 'IF(A1>0,A1,-A1)', 'A1048576'];
    const moves: [string, string][] = [
      ['C1', 'C4'],
      ['C1', 'F1'],
      ['B2', 'D9'],
    ];
    for (const f of formulas) {
      for (const [from, to] of moves) {
        const a = /^([A-Z]+)(\d+)$/.exec(from) as RegExpExecArray;
        const b = /^([A-Z]+)(\d+)$/.exec(to) as RegExpExecArray;
        const col = (l: string): number => [...l].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
        const ours = (): string => slideFormula(f, Number(a[2]), col(a[1]), Number(b[2]), col(b[1]));
        let theirs: string;
        try {
          theirs = exceljsSlide(f, from, to);
        } catch {
          expect(ours).toThrow('slides past the sheet'); // exceljs throws past XFD
          continue;
        }
        expect(ours()).toBe(theirs);
      }
    }
  });

  it('tells date formats as exceljs does', () => {
    const formats = ['General', 'yyyy-mm-dd', '0.00%', '#,##0.00', '[Red]0.00', '0.00 "days"', 'h:mm', '[$-F800]dddd', 'm/d/yy', '@', '"y"0', '0.00_);[Blue](0.00)', 'b', 'MMM'];
    for (const f of formats) expect(isDateFormat(f)).toBe(exceljsUtils.isDateFmt(f));
    expect(isDateFormat(undefined)).toBe(false);
  });

  it('extracts defined-name ranges as exceljs does', () => {
    expect(extractRanges("'A b'!$A$1:$B$2,Sheet1!$C$3")).toEqual(["'A b'!$A$1:$B$2", 'Sheet1!$C$3']);
    expect(extractRanges(',')).toEqual([]);
    expect(extractRanges('XFE1')).toEqual([]);
    expect(extractRanges("'a,b'!A1")).toEqual(["'a,b'!A1"]);
  });

  const scan = (xml: string): string[] => {
    const sc = new Scanner(strToU8(xml));
    const out: string[] = [];
    for (let t = sc.next(); t !== 4; t = sc.next()) {
      if (t === 1) out.push(`<${sc.name()}${sc.selfClosing ? '/' : ''}>`);
      else if (t === 2) out.push(`</${sc.name()}>`);
      else out.push(JSON.stringify(sc.text()));
    }
    return out;
  };

  it('scans tags and text, decoding as saxes does', () => {
    expect(scan('<?xml version="1.0" encoding="UTF-8"?>\n<a x="1"><b/>t &amp; u\r\nv<c>中</c></a>\n')).toEqual(['"\\n"', '<a>', '<b/>', '"t & u\\nv"', '<c>', '"中"', '</c>', '</a>', '"\\n"']);
    const sc = new Scanner(strToU8('<a x = "1&#9;2\t3\r\n4" y=\'&quot;\'/>'));
    sc.next();
    expect(sc.attr('x')).toBe('1\t2 3 4');
    expect(sc.attr('y')).toBe('"');
    expect(sc.attr('z')).toBeUndefined();
  });

  it.each([
    ['<a><b></a></b>', 'mismatched'],
    ['<a>', 'cut short'],
    ['<a/><b/>', 'second root'],
    ['<a x="1" x="2"/>', 'repeated'],
    ['<a x="1"y="2"/>', 'bad tag'],
    ['<a x=1/>', 'unquoted'],
    ['<a x="<"/>', '<'],
    ['<a>&nbsp;</a>', 'entity'],
    ['<a>&#0;</a>', 'entity'],
    ['<a>]]></a>', ']]>'],
    ['<a>\u0001</a>', 'control'],
    ['<a>\uffff</a>', 'not allow'],
    ['<!DOCTYPE a><a/>', 'DOCTYPE'],
    ['<a><!-- c --></a>', 'comment'],
    ['<a><![CDATA[x]]></a>', 'CDATA'],
    ['<a><?pi?></a>', 'processing instruction'],
    ['x<a/>', 'outside'],
    ['<a/>x', 'outside'],
    ['<?xml version="1.1"?><a/>', 'declaration'],
    ['<?xml version="1.0" encoding="-x"?><a/>', 'declaration'],
    ['<?xml version="1.0" standalone="maybe"?><a/>', 'declaration'],
    ['<中/>', 'name'],
  ])('refuses %j (%s)', (xml, reason) => {
    expect(() => scan(xml)).toThrow(reason);
  });

  it('takes any encoding name saxes takes (exceljs decodes UTF-8 whatever it says)', () => {
    expect(scan('<?xml version="1.0" encoding="GBK"?><a/>')).toEqual(['<a/>']);
  });

  it('refuses bytes that are not UTF-8 and skips a byte-order mark', () => {
    expect(() => xmlStart(new Uint8Array([0xff, 0xfe, 0x3c, 0x00]))).toThrow('not UTF-8');
    expect(() => xmlStart(new Uint8Array([0x3c, 0x61, 0xc3, 0x28, 0x2f, 0x3e]))).toThrow('not UTF-8');
    expect(xmlStart(new Uint8Array([0xef, 0xbb, 0xbf, 0x3c, 0x61, 0x2f, 0x3e]))).toBe(3);
  });
});
