/**
 * Fuzzing files (issue 5): a seeded generator makes .xlsx/.xlsm packages — written by exceljs from
 * generated sheets, or valid packages mutated at byte and part level (truncated, bytes flipped in
 * the zip or inside a part, a part dropped, renamed or duplicated, XML corrupted, entities and
 * doctypes, UTF-16, garbage around the zip) — and runs `jixiao check FILE --json` and
 * `jixiao fill FILE -o OUT --json` in-process on each.
 *
 * Every run exits 0, 1 or 2, never 3 (an internal error). Exit 2 prints one line, a JSON error
 * whose code is in the fixed list, and writes no output file. Exit 0/1 prints a report whose error
 * count gives the exit code; fill's output then reads back as a workbook holding the sheets it
 * says it wrote, with the same figures, and the input is unchanged.
 */
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { strFromU8, strToU8, zipSync } from 'fflate';
import { main } from '../../src/cli/main';
import { analyze, UNUSABLE_CODES } from '../../src/engine';
import { readOwnership } from '../../src/xlsx/package';
import { readWorkbookFile } from '../../src/xlsx/read';
import { type Entries, readParts } from '../helpers/package-compare';

const SEED = 20250306;
const RUNS = 200;
const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures');

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jixiao-pkg-fuzz-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (s) => (stdout += s + '\n'), stderr: (s) => (stderr += s + '\n') });
  return { code, stdout, stderr };
}

// ---------------------------------------------------------------------------------------------
// Packages written by exceljs from generated sheets

const HEADERS = ['序号', '项目名称', '资金文号', '资金类别', '资金级次', '全年预算数', '全年执行数', '执行率', '偏差原因及改进措施', '责任科室', '项目', '预算数', '支出数', '备注', ''];
const TEXTS = ['道路维修', '学校建设', '本级财政资金', '专项转移支付', '本级', '省', '办公室', '合计', '小计', '单位：元', '注：', '=1+1', '+1', '-1', '@A1', '\t=cmd', '1e999', '1,234.50', '１２３', '(5)', '96.52%', 'NaN', '😀', '\u202e', '_x0041_', '<&>"\'', 'x'.repeat(5000), '唐财建〔2024〕10号'];

type CellSpec =
  | { k: 'num'; v: number }
  | { k: 'text'; v: string }
  | { k: 'bool'; v: boolean }
  | { k: 'error'; v: string }
  | { k: 'formula'; f: string; result: number | string | undefined }
  | { k: 'rich'; a: string; b: string }
  | { k: 'date'; v: number }
  | { k: 'link'; v: string }
  | { k: 'empty' };

const cellSpec: fc.Arbitrary<CellSpec> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ k: fc.constant('num' as const), v: fc.oneof(fc.integer({ min: 0, max: 10000000 }).map((c) => c / 100), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(1e308, -1e308, 5e-324, 1e21, -0)) }) },
  { weight: 5, arbitrary: fc.record({ k: fc.constant('text' as const), v: fc.oneof(fc.constantFrom(...TEXTS), fc.string({ maxLength: 10 })) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('bool' as const), v: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('error' as const), v: fc.constantFrom('#N/A', '#DIV/0!', '#REF!', '#VALUE!', '#NAME?', '#NUM!', '#NULL!') }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('formula' as const), f: fc.constantFrom('SUM(F4:F9)', 'G4/F4', '1/0', 'NOW()', "'其他表'!A1", 'A1&"x"'), result: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(undefined, '文本', '')) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('rich' as const), a: fc.constantFrom('道路', '学校', '12'), b: fc.constantFrom('维修', '建设', '.5') }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('date' as const), v: fc.integer({ min: -1000, max: 3000000000 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('link' as const), v: fc.constantFrom('道路维修', '见附件', 'https://example.com') }) },
  { weight: 3, arbitrary: fc.constant({ k: 'empty' as const }) },
);

interface SheetSpec {
  name: string;
  state: 'visible' | 'hidden' | 'veryHidden';
  title: boolean;
  header: string[];
  rows: CellSpec[][];
  merges: [number, number, number, number][];
}

const sheetSpec: fc.Arbitrary<SheetSpec> = fc.record({
  name: fc.constantFrom('项目支出明细', 'Sheet1', "张三's 表", '=明细', '预算执行汇总', '校验结果', '明细 (2)', '😀'),
  state: fc.constantFrom('visible' as const, 'visible' as const, 'hidden' as const, 'veryHidden' as const),
  title: fc.boolean(),
  header: fc.oneof(
    fc.constant<string[]>(['序号', '项目名称', '资金文号', '资金类别', '资金级次', '全年预算数', '全年执行数', '执行率', '偏差原因及改进措施', '责任科室']),
    fc.array(fc.constantFrom(...HEADERS), { maxLength: 12 }),
  ),
  rows: fc.array(fc.array(cellSpec, { maxLength: 11 }), { maxLength: 14 }),
  merges: fc.array(fc.tuple(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 12 }), fc.nat({ max: 3 }), fc.nat({ max: 3 })), { maxLength: 3 }),
});

function setCell(cell: ExcelJS.Cell, spec: CellSpec): void {
  switch (spec.k) {
    case 'num':
      cell.value = spec.v;
      cell.numFmt = '#,##0.00';
      break;
    case 'text':
      cell.value = spec.v;
      break;
    case 'bool':
      cell.value = spec.v;
      break;
    case 'error':
      cell.value = { error: spec.v } as ExcelJS.CellErrorValue;
      break;
    case 'formula':
      cell.value = { formula: spec.f, result: spec.result } as ExcelJS.CellFormulaValue;
      break;
    case 'rich':
      cell.value = { richText: [{ text: spec.a, font: { bold: true } }, { text: spec.b }] };
      break;
    case 'date':
      cell.value = new Date(spec.v * 1000);
      break;
    case 'link':
      cell.value = { text: spec.v, hyperlink: 'https://example.com/' };
      break;
    case 'empty':
      break;
  }
}

async function exceljsPackage(sheets: SheetSpec[], wide: boolean): Promise<Uint8Array | undefined> {
  const wb = new ExcelJS.Workbook();
  const used = new Set<string>();
  for (const s of sheets) {
    let name = s.name;
    for (let k = 2; used.has(name.toLowerCase()); k++) name = `${s.name}${k}`;
    used.add(name.toLowerCase());
    const ws = wb.addWorksheet(name, { state: s.state });
    if (s.title) ws.addRow(['某局2024年度项目支出明细表']);
    ws.addRow(s.header);
    s.rows.forEach((row) => {
      const r = ws.addRow([]);
      row.forEach((spec, c) => setCell(r.getCell(c + 1), spec));
    });
    for (const [top, left, h, w] of s.merges) {
      try {
        ws.mergeCells(top, left, top + h, left + w);
      } catch {
        // exceljs refuses overlapping merges: not a file anyone can have
      }
    }
    if (wide) ws.getCell(2, 16384).value = '最后一列';
  }
  if (!sheets.some((s) => s.state === 'visible')) wb.worksheets[0].state = 'visible';
  try {
    return new Uint8Array(await wb.xlsx.writeBuffer());
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Mutations of valid packages

const BASES: Record<string, string> = {
  clean: path.join(FIXTURES, 'issues/clean.xlsx'),
  mixed: path.join(FIXTURES, 'issues/mixed.xlsx'),
  merged: path.join(FIXTURES, 'issues/merged-header.xlsx'),
  preserve: path.join(FIXTURES, 'preserve/preserve.xlsx'),
  xlsm: path.join(FIXTURES, 'preserve/preserve.xlsm'),
  sample: path.join(ROOT, 'assets/sample/sample-projects.xlsx'),
};
/** Bases that are a first fill's output (with the ownership record): made in beforeAll. */
const FILLED = ['filled-sample', 'filled-mixed'] as const;

type Mutation =
  | { m: 'none' }
  | { m: 'truncate'; at: number }
  | { m: 'flip-zip'; at: number[]; xor: number }
  | { m: 'flip-part'; part: number; at: number[]; xor: number }
  | { m: 'drop-part'; part: number }
  | { m: 'rename-part'; part: number }
  | { m: 'corrupt-xml'; part: number; how: number; at: number }
  | { m: 'garbage'; before: boolean; bytes: number[] };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ m: 'none' as const }) },
  { weight: 2, arbitrary: fc.record({ m: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 2, arbitrary: fc.record({ m: fc.constant('flip-zip' as const), at: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), xor: fc.integer({ min: 1, max: 255 }) }) },
  { weight: 3, arbitrary: fc.record({ m: fc.constant('flip-part' as const), part: fc.nat(), at: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), xor: fc.integer({ min: 1, max: 255 }) }) },
  { weight: 3, arbitrary: fc.record({ m: fc.constant('drop-part' as const), part: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('rename-part' as const), part: fc.nat() }) },
  { weight: 5, arbitrary: fc.record({ m: fc.constant('corrupt-xml' as const), part: fc.nat(), how: fc.nat(), at: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ m: fc.constant('garbage' as const), before: fc.boolean(), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 64 }) }) },
);

/** Ways to break an XML part's text; each gives a sound zip with damaged or odd XML. */
const XML_DAMAGE: ((xml: string, at: number) => string | Uint8Array)[] = [
  (x, at) => x.slice(0, Math.floor(x.length * at)), // cut short
  (x, at) => x.slice(0, Math.floor(x.length * at)) + '<' + x.slice(Math.floor(x.length * at)), // a stray '<'
  (x) => x.replace(/<\/[^>]+>/, ''), // an end tag gone
  (x) => x.replace(/<(\w+:)?(sheets|sheetData|Relationships|Types|si|row|c)\b/, '<$1$2 $2="1" $2="2"'), // a duplicated attribute
  (x) => x.replace(/&amp;|"/, '&bogus;'), // an undefined entity
  (x) => x.replace(/^(<\?xml[^>]*\?>)?/, '$1<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd"><!ENTITY y "&x;&x;&x;&x;&x;&x;&x;&x;">]>'), // doctype with an external entity
  (x) => x.replace(/(<t[^>]*>)/, '$1&x;'), // an entity reference nobody declared
  () => '', // empty part
  () => 'PK\u0003\u0004 not xml at all \u0000\u0001', // binary
  (x) => '\ufeff' + x, // a byte-order mark
  (x) => x.replace(/r:id="rId\d+"/, 'r:id="rId999"'), // a dangling relationship id
  (x) => x.replace(/Target="[^"]+"/, 'Target="../../../../etc/passwd"'), // a target outside the package
  (x) => x.replace(/<sheet /, '<sheet name="重复" ').replace(/name="[^"]*" name=/, 'name='), // an odd sheet name
  (x) => x.replace(/<(\w+:)?sheetData>/, '$&<row r="0"><c r="A0"><v>1</v></c></row>'), // row 0
  (x) => x.replace(/<(\w+:)?sheetData>/, '$&<row r="1048577"><c r="XFE1048577"><v>1</v></c></row>'), // beyond the grid
  (x) => x.replace(/<v>([^<]*)<\/v>/, '<v>1e999</v>'), // a number no double holds
  (x) => x.replace(/<v>([^<]*)<\/v>/, '<v>NaN</v>'), // not a number at all
  (x) => x.replace(/ t="s"/, ' t="s"').replace(/(<c [^>]*t="s"[^>]*><v>)\d+/, '$199999'), // a shared string that does not exist
  (x) => x.replace(/<mergeCell ref="[^"]+"/, '<mergeCell ref="A1:XFD1048576"').replace(/<(\w+:)?sheetData\/?>/, '$&<mergeCells count="1"><mergeCell ref="B2:A1"/></mergeCells>'), // odd merges
  (x) => x.replace(/<\?xml[^>]*\?>/, '<?xml version="1.0" encoding="UTF-16"?>'), // a declaration that lies
  (x) => utf16(x.replace(/encoding="UTF-8"/i, 'encoding="UTF-16"')), // really UTF-16
];

function applyMutation(bytes: Uint8Array, mutation: Mutation): Uint8Array {
  switch (mutation.m) {
    case 'none':
      return bytes;
    case 'truncate':
      return bytes.subarray(0, Math.floor(bytes.length * mutation.at));
    case 'flip-zip': {
      const out = bytes.slice();
      for (const i of mutation.at) out[i % out.length] ^= mutation.xor;
      return out;
    }
    case 'garbage': {
      const g = new Uint8Array(mutation.bytes);
      const out = new Uint8Array(bytes.length + g.length);
      out.set(mutation.before ? g : bytes, 0);
      out.set(mutation.before ? bytes : g, mutation.before ? g.length : bytes.length);
      return out;
    }
    default:
      break;
  }
  const entries = readParts(bytes);
  const names = Object.keys(entries).filter((n) => !n.endsWith('/'));
  const xmlNames = names.filter((n) => /\.(xml|rels|vml)$/i.test(n));
  const out: Entries = { ...entries };
  if (mutation.m === 'flip-part') {
    const name = names[mutation.part % names.length];
    const data = out[name].slice();
    if (data.length > 0) for (const i of mutation.at) data[i % data.length] ^= mutation.xor;
    out[name] = data;
  } else if (mutation.m === 'drop-part') {
    delete out[names[mutation.part % names.length]];
  } else if (mutation.m === 'rename-part') {
    const name = names[mutation.part % names.length];
    out[name.toUpperCase() === name ? name.toLowerCase() : name.toUpperCase()] = out[name];
    delete out[name];
  } else if (mutation.m === 'corrupt-xml') {
    const name = xmlNames[mutation.part % xmlNames.length];
    const damage = XML_DAMAGE[mutation.how % XML_DAMAGE.length];
    const damaged = damage(strFromU8(out[name]), mutation.at);
    out[name] = typeof damaged === 'string' ? strToU8(damaged) : damaged;
  }
  return zipSync(out);
}

function utf16(s: string): Uint8Array {
  const out = new Uint8Array(2 + s.length * 2);
  out[0] = 0xff;
  out[1] = 0xfe;
  for (let i = 0; i < s.length; i++) {
    out[2 + 2 * i] = s.charCodeAt(i) & 0xff;
    out[3 + 2 * i] = s.charCodeAt(i) >> 8;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

type Source = { from: 'exceljs'; sheets: SheetSpec[]; wide: boolean } | { from: 'base'; base: string };

interface FileCase {
  source: Source;
  mutation: Mutation;
  /** The file's extension: the one its content calls for, mostly; else the other (fill then refuses -o). */
  ext: 'fitting' | 'other';
  force: boolean;
  lang: 'zh' | 'en';
}

const fileCase: fc.Arbitrary<FileCase> = fc.record({
  source: fc.oneof(
    { weight: 2, arbitrary: fc.record({ from: fc.constant('exceljs' as const), sheets: fc.array(sheetSpec, { minLength: 1, maxLength: 3 }), wide: fc.oneof({ weight: 30, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }) }) },
    { weight: 3, arbitrary: fc.record({ from: fc.constant('base' as const), base: fc.constantFrom(...Object.keys(BASES), ...FILLED) }) },
  ),
  mutation: mutationArb,
  ext: fc.oneof({ weight: 9, arbitrary: fc.constant('fitting' as const) }, { weight: 1, arbitrary: fc.constant('other' as const) }),
  force: fc.boolean(),
  lang: fc.constantFrom('zh' as const, 'en' as const),
});

const baseBytes = new Map<string, Uint8Array>();

class Violation extends Error {}
function ensure(condition: boolean, what: () => string): asserts condition {
  if (!condition) throw new Violation(what());
}

interface Outcome {
  check: number;
  fill: number;
}

/** The one line an unusable input prints under --json. */
function expectUnusable(r: Run, what: string): string {
  const lines = r.stdout.split('\n').filter((l) => l !== '');
  ensure(lines.length === 1 && r.stderr === '', () => `${what}: exit 2 printed ${JSON.stringify(r.stdout + r.stderr).slice(0, 500)}`);
  const parsed = JSON.parse(lines[0]) as { error?: { code?: string; message?: string } };
  const code = parsed.error?.code ?? '';
  ensure((UNUSABLE_CODES as readonly string[]).includes(code), () => `${what}: exit 2 with code ${JSON.stringify(code)}`);
  ensure(typeof parsed.error?.message === 'string' && parsed.error.message.length > 0 && !parsed.error.message.includes('\n'), () => `${what}: message ${JSON.stringify(parsed.error?.message)}`);
  return code;
}

async function runFileCase(c: FileCase, n: number): Promise<Outcome> {
  let bytes: Uint8Array | undefined;
  if (c.source.from === 'base') bytes = baseBytes.get(c.source.base);
  else bytes = await exceljsPackage(c.source.sheets, c.source.wide);
  fc.pre(bytes !== undefined); // exceljs could not write what was generated: not our input
  const xlsm = c.source.from === 'base' && c.source.base === 'xlsm';
  const ext = xlsm === (c.ext === 'fitting') ? 'xlsm' : 'xlsx';
  const input = path.join(tmp, `case${n}.${ext}`);
  const mutated = applyMutation(bytes as Uint8Array, c.mutation);
  fs.writeFileSync(input, mutated);
  const common = ['--json', '--lang', c.lang];

  const check = await run(['check', input, ...common]);
  ensure([0, 1, 2].includes(check.code), () => `check: exit ${check.code}: ${(check.stdout + check.stderr).slice(0, 600)}`);
  // An intact package is never unusable, bar a table that is not there.
  if (c.mutation.m === 'none' && c.ext === 'fitting' && c.source.from === 'base') ensure(check.code !== 2, () => `check: a valid package refused: ${check.stdout}`);
  let checkReport: { counts: { error: number }; totals: unknown } | undefined;
  if (check.code === 2) expectUnusable(check, 'check');
  if (check.code === 0 || check.code === 1) {
    checkReport = JSON.parse(check.stdout) as { counts: { error: number }; totals: unknown };
    ensure(check.code === (checkReport.counts.error > 0 ? 1 : 0), () => `check: exit ${check.code} with ${checkReport?.counts.error} errors`);
  }

  const out = path.join(tmp, `case${n}-out.${ext}`);
  fs.rmSync(out, { force: true });
  const fill = await run(['fill', input, '-o', out, ...common, ...(c.force ? ['--force'] : [])]);
  ensure(Buffer.from(fs.readFileSync(input)).equals(Buffer.from(mutated)), () => 'fill changed its input');
  ensure([0, 1, 2].includes(fill.code), () => `fill: exit ${fill.code}: ${(fill.stdout + fill.stderr).slice(0, 600)}`);
  if (fill.code === 2) {
    const code = expectUnusable(fill, 'fill');
    // The same input as check: the same verdict, unless the output's extension does not fit its content,
    // or the package, readable, cannot be edited safely (said as not-a-workbook).
    ensure(check.code === 2 || code === 'bad-option' || code === 'not-a-workbook', () => `fill: exit 2 (${code}) where check exited ${check.code}`);
    ensure(!fs.existsSync(out), () => 'fill: exit 2 left an output file');
    return { check: check.code, fill: fill.code };
  }
  ensure(fill.code === check.code, () => `fill exited ${fill.code}, check ${check.code}`);
  const report = JSON.parse(fill.stdout) as { counts: { error: number }; totals: unknown; sheets: string[] };
  ensure(JSON.stringify(report.totals) === JSON.stringify(checkReport?.totals), () => 'fill and check disagree on the totals');

  // The output reads back: a workbook with the sheets fill named, recorded as the tool's, and the same figures.
  const reread = await readWorkbookFile(out);
  ensure(reread.ok, () => `the output does not re-read: ${JSON.stringify(!reread.ok && reread.error)}`);
  const names = reread.grid.sheets.map((s) => s.name);
  ensure(report.sheets.every((s) => names.includes(s)), () => `output sheets ${JSON.stringify(names)} lack ${JSON.stringify(report.sheets)}`);
  const owned = readOwnership(reread.entries)?.sheets.map((s) => s.name) ?? [];
  ensure(report.sheets.every((s) => owned.includes(s)), () => `the ownership record ${JSON.stringify(owned)} lacks ${JSON.stringify(report.sheets)}`);
  const again = analyze(reread.grid, {});
  ensure(again.ok, () => 'the output has no table any more');
  fs.rmSync(out, { force: true });
  fs.rmSync(input, { force: true });
  return { check: check.code, fill: fill.code };
}

describe('file fuzzing: check and fill on generated and damaged packages', () => {
  beforeAll(async () => {
    for (const [k, file] of Object.entries(BASES)) baseBytes.set(k, new Uint8Array(fs.readFileSync(file)));
    for (const k of FILLED) {
      const out = path.join(tmp, `${k}.xlsx`);
      const code = await main(['fill', BASES[k.replace('filled-', '')], '-o', out, '--force'], { stdout: () => undefined, stderr: () => undefined });
      expect([0, 1]).toContain(code);
      baseBytes.set(k, new Uint8Array(fs.readFileSync(out)));
    }
  });

  test(`${RUNS} packages (seed ${SEED}): exit 0, 1 or 2 — never 3 —, one JSON line from the fixed list on 2, a readable output on 0/1`, async () => {
    const tally: Record<string, number> = {};
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fileCase, async (c) => {
        const o = await runFileCase(c, n++);
        const key = `check ${o.check} / fill ${o.fill}`;
        tally[key] = (tally[key] ?? 0) + 1;
      }),
      { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: 100000, markInterruptAsFailure: true },
    );
    // Both the damaged and the readable outcomes are reached.
    expect(Object.keys(tally).some((k) => k.startsWith('check 2'))).toBe(true);
    expect(Object.keys(tally).some((k) => /^check [01] \/ fill [01]$/.test(k))).toBe(true);
  });
});

describe('bugs this fuzzing found, fixed: each case stays pinned (exit 2 with a clear line, or a fill)', () => {
  const parts = (file: string): Entries => readParts(path.join(FIXTURES, file));
  const edit = (e: Entries, name: string, f: (xml: string) => string): void => {
    const before = strFromU8(e[name]);
    e[name] = strToU8(f(before));
    if (strFromU8(e[name]) === before) throw new Error(`${name} unchanged`);
  };
  const fillOf = async (e: Entries, name: string): Promise<Run> => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, zipSync(e));
    // check reads the package fine: these are all the writer's.
    expect((await run(['check', file, '--json'])).code).not.toBe(3);
    return run(['fill', file, '-o', path.join(tmp, `out-${name}`), '--json']);
  };

  // Seed 20250306: drop-part of _rels/.rels (exceljs finds xl/workbook.xml by its path).
  test('no-package-relationship: a package without _rels/.rels reads; fill says it cannot write it (exit 2)', async () => {
    const e = parts('issues/clean.xlsx');
    delete e['_rels/.rels'];
    expect((await fillOf(e, 'no-rels.xlsx')).code).toBe(2);
  });

  // Seed 3: corrupt-xml, a relationship target outside the package.
  test('missing-target: the office-document relationship pointing elsewhere reads; fill says it cannot write it (exit 2)', async () => {
    const e = parts('issues/clean.xlsx');
    edit(e, '_rels/.rels', (x) => x.replace(/Target="\/?xl\/workbook\.xml"/, 'Target="xl/elsewhere.xml"'));
    expect((await fillOf(e, 'elsewhere.xlsx')).code).toBe(2);
  });

  // Seed 20250306, case 96: corrupt-xml, an end tag gone from [Content_Types].xml.
  test('malformed-xml: malformed XML that exceljs tolerates reads; fill says it cannot write it (exit 2)', async () => {
    const e = parts('issues/clean.xlsx');
    edit(e, '[Content_Types].xml', (x) => x.replace('</Types>', ''));
    expect((await fillOf(e, 'malformed.xlsx')).code).toBe(2);
  });

  // Seed 1: a part really in UTF-16, which XML and OPC allow.
  test('utf16-part: [Content_Types].xml in UTF-16 (valid XML) reads; fill says it cannot write it (exit 2)', async () => {
    const e = parts('issues/clean.xlsx');
    e['[Content_Types].xml'] = utf16(strFromU8(e['[Content_Types].xml']).replace(/encoding="UTF-8"/i, 'encoding="UTF-16"'));
    expect((await fillOf(e, 'utf16.xlsx')).code).toBe(2);
  });

  // Seed 3, case 448: a sheet whose part was dropped is not read, so the plan takes its name. A chart
  // sheet (valid, and never read as cells) named like an owned sheet does the same.
  test('sheet-not-read: a chart sheet named 校验结果 still holds its name: fill writes 校验结果（助手） (exit 1)', async () => {
    const e = parts('issues/missing-value.xlsx');
    const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/';
    e['xl/chartsheets/sheet1.xml'] = strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<chartsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetViews><sheetView workbookViewId="0"/></sheetViews></chartsheet>',
    );
    edit(e, '[Content_Types].xml', (x) => x.replace('</Types>', '<Override PartName="/xl/chartsheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.chartsheet+xml"/></Types>'));
    edit(e, 'xl/_rels/workbook.xml.rels', (x) => x.replace('</Relationships>', `<Relationship Id="rIdChart1" Type="${REL}chartsheet" Target="chartsheets/sheet1.xml"/></Relationships>`));
    edit(e, 'xl/workbook.xml', (x) => x.replace('</sheets>', '<sheet name="校验结果" sheetId="99" r:id="rIdChart1"/></sheets>'));
    const r = await fillOf(e, 'chartsheet.xlsx');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).sheets).toEqual(['校验结果（助手）']);
  });

  // See test/fuzz/engine.fuzz.test.ts (number-beyond-double), here through the command line.
  test('number-beyond-double: a budget typed as the text 1e999 is not a number: fill writes the issues (exit 1)', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('明细');
    ws.addRow(['项目名称', '全年预算数', '全年执行数']);
    ws.addRow(['道路维修', '1e999', 0]);
    expect((await fillOf(readParts(new Uint8Array(await wb.xlsx.writeBuffer())), 'huge.xlsx')).code).toBe(1);
  });
});
