/**
 * The Office host on the fake Excel (issue 4): for each action the task pane runs (validate, fill),
 * the number of `context.sync()` calls, the largest request and the total of the requests (and the
 * same of the responses), read from the fake's own meter (`FakeExcel.syncs`: the UTF-8 bytes of
 * every queued action's JSON, and of every delivered result). Beside each, the same action written
 * the naive way and measured on the same fake: the table read one row per sync, the sheets written
 * one row per sync. The fake enforces Excel on the web's limits (5,000,000 bytes a request or a
 * response): a sync over them fails there as it would in Excel.
 *
 * The workbook: the benchmark's generated project list (scripts/bench/generate.ts) with six more
 * columns of ~30 CJK characters, 20 columns in all, as test/office/scale.test.ts uses: long text is
 * what makes Office.js payloads large.
 */
import * as fs from 'fs';
import * as path from 'path';
import ExcelJS from 'exceljs';
import {
  analyze,
  type AnalyzeOptions,
  type Lang,
  type PlanCell,
  planWrite,
  quoteSheetName,
  type RawValue,
  type Report,
  type SheetGrid,
  type ValueType,
  type WorkbookGrid,
  type WritePlan,
  toReport,
} from '../../src/engine';
import { buildOwnershipXml } from '../../src/engine/ownership';
import { CELL_LOOKS, TEXT_FORMAT } from '../../src/engine/styles';
import { createExcelHost } from '../../src/office/excel-host';
import { DEFAULT_SETTINGS } from '../../src/office/types';
import { readWorkbookBytes } from '../../src/xlsx/read';
import { FakeExcel, LIMITS } from '../../test/fake-excel';
import { GENERATOR_VERSION, buildWorkbook, generateRows } from './generate';

/** Bumped whenever the office workbook changes, so that a cached file is never stale. */
const OFFICE_WORKBOOK_VERSION = 1;
/** Columns added to the generator's 14: 20 in all. */
const EXTRA_COLUMNS = 6;
const CJK = '项目支出绩效自评预算执行情况资金使用管理规范有效完成年度目标任务保障基本民生';

export const OFFICE_ACTIONS = ['validate', 'fill'] as const;
export type OfficeActionName = (typeof OFFICE_ACTIONS)[number];

/** What one action cost, from the fake's meter. */
export interface SyncMeter {
  /** `context.sync()` calls, refused ones included. */
  syncs: number;
  /** Syncs the fake refused (a payload over the limit, or any other error). */
  failedSyncs: number;
  maxRequestBytes: number;
  totalRequestBytes: number;
  maxResponseBytes: number;
  totalResponseBytes: number;
  /**
   * The fewest syncs that could carry these bytes under the limit (a sync has one request and one
   * response): max(⌈total request ÷ limit⌉, ⌈total response ÷ limit⌉). What the limit forces.
   */
  limitFloorSyncs: number;
  /** Wall clock on the fake, engine included: not Excel's time (a real sync is a round trip). */
  ms: number;
}

export interface OfficeActionResult {
  action: OfficeActionName;
  /** The host (src/office/excel-host.ts createExcelHost) as the task pane calls it. */
  host: SyncMeter;
  /** The same action written with a sync per row (scripts/bench/office.ts). */
  naive: SyncMeter;
  /** The naive version gave the host's result: the same report (validate), the same cells written (fill). */
  sameResult: boolean;
}

export interface OfficeSizeResult {
  rows: number;
  columns: number;
  /** Cells of the project sheet's used range. */
  cells: number;
  workbookBytes: number;
  /** What the host found: a clean list has projects = rows and no error. */
  projects: number;
  errors: number;
  /** Sheets fill wrote. */
  sheetsWritten: string[];
  actions: OfficeActionResult[];
}

/** The path of the office workbook for (rows, seed). */
export function officeWorkbookPath(dir: string, rows: number, seed: number): string {
  return path.join(dir, `office-${rows}-seed${seed}-v${GENERATOR_VERSION}.${OFFICE_WORKBOOK_VERSION}.xlsx`);
}

/** A cell of ~30 CJK characters, different on every row and column. */
function longText(row: number, col: number): string {
  const k = (row * 7 + col * 3) % CJK.length;
  return `${(CJK + CJK).slice(k, k + 26)}第${row}项`;
}

/** The generator's project list with EXTRA_COLUMNS columns of long CJK text after its 14. */
export function buildOfficeWorkbook(rows: number, seed: number): ExcelJS.Workbook {
  const wb = buildWorkbook(generateRows(rows, seed));
  const ws = wb.worksheets[wb.worksheets.length - 1];
  const first = ws.getRow(3).cellCount + 1;
  for (let k = 0; k < EXTRA_COLUMNS; k++) {
    ws.getColumn(first + k).width = 40;
    ws.getCell(3, first + k).value = `补充说明${k + 1}`;
    for (let i = 1; i <= rows; i++) ws.getCell(3 + i, first + k).value = longText(i, k);
  }
  return wb;
}

/** The office workbook's bytes, written once into `dir` and reused (the name carries its inputs). */
export async function officeWorkbook(rows: number, seed: number, dir: string): Promise<{ file: string; bytes: Uint8Array; written: boolean }> {
  const file = officeWorkbookPath(dir, rows, seed);
  if (fs.existsSync(file)) return { file, bytes: new Uint8Array(fs.readFileSync(file)), written: false };
  fs.mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await buildOfficeWorkbook(rows, seed).xlsx.writeFile(tmp);
  fs.renameSync(tmp, file);
  return { file, bytes: new Uint8Array(fs.readFileSync(file)), written: true };
}

// ---------------------------------------------------------------------------------------------
// The meter

async function metered<T>(fake: FakeExcel, fn: () => Promise<T>): Promise<{ value: T; meter: SyncMeter }> {
  const before = fake.syncs.length;
  const t = performance.now();
  const value = await fn();
  const ms = performance.now() - t;
  const syncs = fake.syncs.slice(before);
  let maxRequestBytes = 0;
  let totalRequestBytes = 0;
  let maxResponseBytes = 0;
  let totalResponseBytes = 0;
  for (const s of syncs) {
    maxRequestBytes = Math.max(maxRequestBytes, s.requestBytes);
    totalRequestBytes += s.requestBytes;
    maxResponseBytes = Math.max(maxResponseBytes, s.responseBytes);
    totalResponseBytes += s.responseBytes;
  }
  return {
    value,
    meter: {
      syncs: syncs.length,
      failedSyncs: syncs.filter((s) => s.error !== undefined).length,
      maxRequestBytes,
      totalRequestBytes,
      maxResponseBytes,
      totalResponseBytes,
      limitFloorSyncs: Math.max(Math.ceil(totalRequestBytes / LIMITS.requestBytes), Math.ceil(totalResponseBytes / LIMITS.responseBytes)),
      ms: Math.round(ms * 10) / 10,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The naive host: the same actions, one sync per row

const CELL_PROPS = 'values,valueTypes,numberFormat,formulas';

/** Merged areas from a RangeAreas address ("S!A1:N1,S!A2:B3"; the bench's sheet names hold no comma). */
function mergeList(address: string): string[] {
  return address.split(',').map((a) => a.slice(a.lastIndexOf('!') + 1).replace(/\$/g, ''));
}

/**
 * Reads every sheet as a naive host would: names and used ranges in one sync, then each row of
 * each sheet with its own `range.load` and `sync`.
 */
async function naiveRead(context: Excel.RequestContext): Promise<{ grid: WorkbookGrid; workbookName: string }> {
  const workbook = context.workbook;
  workbook.load('name');
  const sheets = workbook.worksheets;
  sheets.load('items/name,items/visibility');
  await context.sync();
  const used = sheets.items.map((ws) => ws.getUsedRangeOrNullObject(true).load('rowIndex,columnIndex,rowCount,columnCount'));
  const merged = sheets.items.map((ws) => ws.getUsedRange(false).getMergedAreasOrNullObject().load('address'));
  await context.sync();
  const grids: SheetGrid[] = [];
  for (const [i, ws] of sheets.items.entries()) {
    const u = used[i];
    const grid: SheetGrid = {
      name: ws.name,
      top: u.isNullObject ? 0 : u.rowIndex,
      left: u.isNullObject ? 0 : u.columnIndex,
      values: [],
      valueTypes: [],
      numberFormats: [],
      formulas: [],
      merges: merged[i].isNullObject ? [] : mergeList(merged[i].address),
      visibility: ws.visibility as SheetGrid['visibility'],
    };
    grids.push(grid);
    if (u.isNullObject) continue;
    for (let r = 0; r < u.rowCount; r++) {
      const row = ws.getRangeByIndexes(u.rowIndex + r, u.columnIndex, 1, u.columnCount).load(CELL_PROPS);
      await context.sync();
      grid.values.push(row.values[0] as RawValue[]);
      grid.valueTypes.push(row.valueTypes[0] as ValueType[]);
      grid.numberFormats.push(row.numberFormat[0] as string[]);
      (grid.formulas as RawValue[][]).push(row.formulas[0] as RawValue[]);
    }
  }
  return { grid: { sheets: grids, ownedSheets: [] }, workbookName: workbook.name };
}

function formatOf(cell: PlanCell | undefined): string | null {
  if (!cell) return null;
  if (cell.t === 'text') return TEXT_FORMAT;
  const look = cell.style ? CELL_LOOKS[cell.style] : undefined;
  if (cell.t === 'empty') return look ? look.numberFormat : null;
  return look && look.numberFormat !== TEXT_FORMAT ? look.numberFormat : 'General';
}

function valueOf(cell: PlanCell | undefined): string | number | null {
  if (cell?.t === 'text') return cell.text === '' ? null : cell.text;
  if (cell?.t === 'number') return Number(cell.value);
  return null;
}

/**
 * Writes the plan as a naive host would: each sheet added, then one sync per row (its number
 * formats, values, formulas, merges and links), the ownership record with the last. Cell looks
 * (fonts, fills, borders, widths) are left out: what the naive version sends is a lower bound.
 */
async function naiveWrite(context: Excel.RequestContext, plan: WritePlan): Promise<void> {
  for (const sp of plan.sheets) {
    const ws = context.workbook.worksheets.add(sp.name);
    await context.sync();
    const width = Math.max(1, sp.width);
    for (let r = 0; r < sp.rowCount; r++) {
      const cells = sp.row(r);
      const row = Array.from({ length: width }, (_, c) => cells[c]);
      const formats = row.map(formatOf);
      const values = row.map(valueOf);
      const formulas = row.map((cell) => (cell?.t === 'formula' ? cell.formula : null));
      const merges = sp.merges.filter((m) => Number(/(\d+)$/.exec(m)?.[1] ?? '0') - 1 === r);
      const links = row.flatMap((cell, c) => (cell?.t === 'text' && cell.link ? [{ c, text: cell.text, link: cell.link }] : []));
      const some = (xs: unknown[]): boolean => xs.some((x) => x !== null);
      if (!some(formats) && !some(values) && !some(formulas) && merges.length === 0 && links.length === 0) continue;
      const range = ws.getRangeByIndexes(r, 0, 1, width);
      if (some(formats)) range.numberFormat = [formats] as string[][];
      if (some(values)) range.values = [values] as (string | number)[][];
      if (some(formulas)) range.formulas = [formulas] as string[][];
      for (const m of merges) ws.getRange(m).merge(false);
      for (const l of links) {
        ws.getRangeByIndexes(r, l.c, 1, 1).hyperlink = { documentReference: `${quoteSheetName(l.link.sheet)}!${l.link.cell.replace(/\$/g, '')}`, textToDisplay: l.text };
      }
      await context.sync();
    }
  }
  context.workbook.customXmlParts.add(buildOwnershipXml({ sheets: plan.sheets.map((s) => ({ role: s.role, name: s.name })) }));
  const active = plan.sheets.find((s) => s.name === plan.activate);
  if (active) context.workbook.worksheets.getItem(active.name).activate();
  await context.sync();
}

const LANG: Lang = 'zh';
const OPTIONS: AnalyzeOptions = { threshold: DEFAULT_SETTINGS.threshold };

async function naiveValidate(fake: FakeExcel): Promise<Report> {
  return fake.run(async (context) => {
    const { grid, workbookName } = await naiveRead(context);
    const result = analyze(grid, OPTIONS);
    if (!result.ok) throw new Error(`naive validate: ${result.error.code}`);
    return toReport(result.analysis, workbookName, LANG);
  });
}

async function naiveFill(fake: FakeExcel): Promise<WritePlan> {
  return fake.run(async (context) => {
    const { grid } = await naiveRead(context);
    const result = analyze(grid, OPTIONS);
    if (!result.ok) throw new Error(`naive fill: ${result.error.code}`);
    const { plan } = planWrite(grid, result.analysis, { mode: 'fill', force: false, lang: LANG });
    await naiveWrite(context, plan);
    return plan;
  });
}

/** The cells the two fakes hold in a sheet agree: value or formula, and number format, wherever either holds one. */
function sameSheet(a: FakeExcel, b: FakeExcel, name: string): boolean {
  const sa = a.model.findSheet(name);
  const sb = b.model.findSheet(name);
  if (!sa || !sb) return false;
  const content = (s: typeof sa, key: number): string => {
    const cell = s.cells.get(key);
    if (!cell || (cell.type === 'Empty' && cell.formula === undefined)) return '';
    return JSON.stringify([cell.formula ?? cell.value, cell.numberFormat]);
  };
  for (const key of new Set([...sa.cells.keys(), ...sb.cells.keys()])) {
    if (content(sa, key) !== content(sb, key)) return false;
  }
  const merges = (s: typeof sa): string => JSON.stringify(s.merges.map((m) => [m.r0, m.c0, m.r1, m.c1]).sort());
  return merges(sa) === merges(sb);
}

// ---------------------------------------------------------------------------------------------
// The run

/**
 * Both actions at one size: the host on one fake, the naive version on another built from the same
 * grid (each starts from the workbook as loaded; validate writes nothing, so fill follows it).
 */
export async function benchOfficeSize(rows: number, seed: number, tmpDir: string, log: (line: string) => void): Promise<OfficeSizeResult> {
  const t = performance.now();
  const wb = await officeWorkbook(rows, seed, tmpDir);
  const read = await readWorkbookBytes(wb.bytes);
  if (!read.ok) throw new Error(`${wb.file}: unreadable: ${read.error.code}`);
  const { grid } = read;
  log(`office ${rows}: workbook ${wb.written ? 'generated' : 'reused'} and read in ${Math.round(performance.now() - t)} ms`);

  // What fakeFromXlsx does (the workbook has no custom XML part): the fake as Office.js presents it.
  const hostFake = FakeExcel.fromGrid(grid);
  const naiveFake = FakeExcel.fromGrid(grid);
  const host = createExcelHost(hostFake.run, LANG);

  const hv = await metered(hostFake, () => host.validate(DEFAULT_SETTINGS));
  if (!hv.value.ok) throw new Error(`office ${rows}: host validate failed: ${hv.value.error.code} ${hv.value.error.detail ?? ''}`);
  const validated = hv.value.value;
  const nv = await metered(naiveFake, () => naiveValidate(naiveFake));
  const table = grid.sheets.find((s) => s.name === validated.table.sheet);
  if (!table) throw new Error(`office ${rows}: no sheet ${validated.table.sheet}`);
  const columns = Math.max(0, ...table.values.map((r) => r.length));

  const hf = await metered(hostFake, () => host.fill(DEFAULT_SETTINGS));
  if (!hf.value.ok) throw new Error(`office ${rows}: host fill failed: ${hf.value.error.code} ${hf.value.error.detail ?? ''}`);
  const filled = hf.value.value;
  if (filled.blocked) throw new Error(`office ${rows}: fill was blocked by errors: the list is not clean`);
  const nf = await metered(naiveFake, () => naiveFill(naiveFake));
  const written = filled.sheets;

  const result: OfficeSizeResult = {
    rows,
    columns,
    cells: table.values.length * columns,
    workbookBytes: wb.bytes.length,
    projects: validated.table.projects,
    errors: validated.report.counts.error,
    sheetsWritten: written,
    actions: [
      { action: 'validate', host: hv.meter, naive: nv.meter, sameResult: JSON.stringify(nv.value) === JSON.stringify(validated.report) },
      {
        action: 'fill',
        host: hf.meter,
        naive: nf.meter,
        sameResult: JSON.stringify(nf.value.sheets.map((s) => s.name)) === JSON.stringify(written) && written.every((name) => sameSheet(hostFake, naiveFake, name)),
      },
    ],
  };
  for (const a of result.actions) {
    log(
      `office ${rows} ${a.action}: host ${a.host.syncs} syncs, largest request ${kb(a.host.maxRequestBytes)}; ` +
        `naive ${a.naive.syncs} syncs, largest request ${kb(a.naive.maxRequestBytes)}${a.sameResult ? '' : ' (naive result differs!)'}`,
    );
  }
  return result;
}

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;

/** Excel on the web's limits, as the fake enforces them. */
export const OFFICE_LIMITS = { requestBytes: LIMITS.requestBytes, responseBytes: LIMITS.responseBytes };
