/**
 * The Office.js host: reads what the engine needs from the open workbook, hands it to the engine,
 * and writes the engine's plan back into the sheets the tool owns. `Excel.run` is injected, so
 * the same code runs in Excel and on the fake Excel of the tests and the workbench.
 *
 * Reading (constant syncs whatever the row count, plus one per 5 MB chunk):
 *   sync 1  sheet names, visibility, protection; the ownership parts' ids; the workbook's name
 *   sync 2  the ownership parts' XML; every sheet's used range (its size); each candidate sheet's
 *           merged areas and a first block of rows (values, valueTypes, numberFormat; not formulas,
 *           which the engine never reads and which would repeat every text cell's bytes)
 *   then    the rest of any larger table, in chunks whose responses stay under the limit
 * Writing (fill: syncs 3 and 4):
 *   sync 3  hidden temporary sheets, written in 2-D blocks: number formats first ('@' on every
 *           text cell, so Excel takes nothing for a formula), then values, formulas, formats
 *   sync 4  the swap: each owned sheet being replaced is renamed aside, its temporary sheet shown
 *           and named in its place, the old one deleted, the ownership record rewritten
 * A failure leaves no half-written sheet: a cleanup run deletes what was not finished and puts
 * back what was renamed aside.
 */
import {
  analyze,
  type Analysis,
  type AnalyzeOptions,
  type CellStyle,
  columnLetter,
  FIELDS,
  issueMessage,
  type Field,
  type Lang,
  OWNED_SHEET_NAMES,
  parseCellAddress,
  type PlanCell,
  planWrite,
  quoteSheetName,
  type RawValue,
  type SheetGrid,
  type SheetPlan,
  type SheetRole,
  toReport,
  type Unit,
  type ValueType,
  type WorkbookGrid,
  type WritePlan,
} from '../engine';
import { buildOwnershipXml, OWNERSHIP_NAMESPACE, parseOwnershipXml } from '../engine/ownership';
import { hostError, isOfficeError, noteError, toHostError, type Phase } from './errors';
import { hostMessage, hostNote } from './messages';
import {
  type AddinHost,
  DEFAULT_SETTINGS,
  type DetectedTable,
  type FillOutcome,
  type HostError,
  type HostResult,
  type HostSettings,
  type Progress,
  type ValidateOutcome,
} from './types';
import { CELL_LOOKS, FONT_NAME, TEXT_FORMAT, type CellLook } from '../engine/styles';

// ---------------------------------------------------------------------------------------------
// Limits and sizes

/** Where the settings live in the workbook (workbook.settings), as JSON text. */
export const SETTINGS_KEY = 'jixiao.settings';

/**
 * Excel on the web refuses a request or a response over 5 MB; we plan for 4 MB (measured as the
 * UTF-8 bytes of the JSON, what Office.js sends) to leave room for what we do not count exactly.
 */
export const PAYLOAD_BUDGET = 4_000_000;
/** Excel reads at most this many cells of a range at once. */
export const READ_CELL_LIMIT = 5_000_000;
/** Per queued action: its object path, method and framing in the request, generously. */
const ACTION_BYTES = 200;
/** A read chunk is at most this many cells, whatever their size. */
const CHUNK_MAX_CELLS = 500_000;
/**
 * The first block of rows of each candidate sheet, read with sync 2 before any size is known:
 * at most PROBE_COLUMNS × rows cells a sheet, sized so that at PRIOR_CELL_BYTES a cell one sheet's
 * block stays in budget. Most workbooks hold one table beside small sheets, so each sheet gets a
 * whole block; when several large sheets together pass the limit, Excel refuses sync 2 and it is
 * made again without the blocks (one sync more, never a failure).
 */
const PROBE_COLUMNS = 32;
/** Bytes a cell costs in a response (values + valueTypes + numberFormat) before any is measured: long CJK text. */
const PRIOR_CELL_BYTES = 256;
const PROBE_CELLS = Math.floor(PAYLOAD_BUDGET / PRIOR_CELL_BYTES);
/**
 * Rows differ in size: a chunk is planned at the largest average per cell measured so far on its
 * sheet, with this margin; one still refused is halved and retried (a sync more, never a failure).
 */
const SAFETY = 1.1;

/** Hidden sheets of an unfinished write: new ones being written, old ones renamed aside. */
const TEMP_RE = /^~jixiao-(?:new|old)-[0-9a-z]{6}-\d+$/;
/** Names the tool may give its sheets; such a sheet is read only once the record says it is not ours. */
const OWNED_NAME_RE = new RegExp(`^(?:${Object.values(OWNED_SHEET_NAMES).join('|')})(?:（助手\\d*）)?$`);

const PAYLOAD_CODES = new Set(['ResponsePayloadSizeLimitExceeded', 'RequestPayloadSizeLimitExceeded']);

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function jsonBytes(value: unknown): number {
  return utf8Length(JSON.stringify(value) ?? '');
}

function isPayloadError(e: unknown): boolean {
  return isOfficeError(e) && PAYLOAD_CODES.has(e.code);
}

// ---------------------------------------------------------------------------------------------
// Settings

const UNITS: readonly Unit[] = ['元', '千元', '万元'];

/** Settings as stored, checked field by field: what is not valid is dropped, never trusted. */
export function sanitizeSettings(raw: unknown): HostSettings {
  const out: HostSettings = { ...DEFAULT_SETTINGS };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return out;
  const o = raw as Record<string, unknown>;
  if (typeof o.threshold === 'number' && Number.isFinite(o.threshold) && o.threshold >= 0 && o.threshold <= 100) out.threshold = o.threshold;
  if (typeof o.year === 'number' && Number.isInteger(o.year) && o.year >= 1900 && o.year <= 2200) out.year = o.year;
  if (typeof o.department === 'string' && o.department.trim() !== '' && o.department.length <= 200) out.department = o.department.trim();
  if (typeof o.sheet === 'string' && o.sheet !== '' && o.sheet.length <= 31) out.sheet = o.sheet;
  if (typeof o.unit === 'string' && (UNITS as readonly string[]).includes(o.unit)) out.unit = o.unit as Unit;
  if (typeof o.map === 'object' && o.map !== null && !Array.isArray(o.map)) {
    const map: Partial<Record<Field, string>> = {};
    for (const [k, v] of Object.entries(o.map as Record<string, unknown>)) {
      if ((FIELDS as readonly string[]).includes(k) && typeof v === 'string' && /^[A-Za-z]{1,3}$/.test(v)) map[k as Field] = v.toUpperCase();
    }
    if (Object.keys(map).length > 0) out.map = map;
  }
  return out;
}

/** Settings stored as JSON text; anything unreadable gives the defaults. */
export function parseStoredSettings(value: unknown): HostSettings {
  if (typeof value === 'string') {
    try {
      return sanitizeSettings(JSON.parse(value) as unknown);
    } catch {
      return { ...DEFAULT_SETTINGS };
    }
  }
  return sanitizeSettings(value);
}

function analyzeOptions(settings: HostSettings): AnalyzeOptions {
  const s = sanitizeSettings(settings);
  return { threshold: s.threshold, year: s.year, department: s.department, sheet: s.sheet, unit: s.unit, map: s.map };
}

// ---------------------------------------------------------------------------------------------
// Reading

interface SheetInfo {
  proxy: Excel.Worksheet;
  name: string;
  visibility: 'Visible' | 'Hidden' | 'VeryHidden';
  protected: boolean;
}

interface ReadState {
  workbookName: string;
  structureProtected: boolean;
  /** Every sheet in tab order, unfinished temporary ones included. */
  sheets: SheetInfo[];
  /** Sheets left by an unfinished write (hidden, ~jixiao-…). */
  leftovers: SheetInfo[];
  /** The ownership record: owned sheets that exist, with their roles. */
  record: { role: SheetRole; name: string }[];
  partIds: string[];
  grid: WorkbookGrid;
}

type Step<T> = { ok: true; value: T } | { ok: false; error: HostError };

interface UsedRect {
  top: number;
  left: number;
  rows: number;
  cols: number;
  address: string;
}

interface CellBlock {
  values: RawValue[][];
  valueTypes: string[][];
  numberFormat: string[][];
}

const VALUE_TYPES = new Set<string>(['Empty', 'String', 'Double', 'Integer', 'Boolean', 'Error']);

function usedRectOf(r: Excel.Range): UsedRect | null {
  if (r.isNullObject) return null;
  return { top: r.rowIndex, left: r.columnIndex, rows: r.rowCount, cols: r.columnCount, address: r.address };
}

function blockOf(r: Excel.Range): CellBlock {
  return { values: r.values, valueTypes: r.valueTypes, numberFormat: r.numberFormat };
}

function blockBytes(b: CellBlock): number {
  return jsonBytes(b.values) + jsonBytes(b.valueTypes) + jsonBytes(b.numberFormat);
}

/** What is read of each cell: the engine never reads formulas (a formula cell counts by its result). */
const CELL_PROPS = ['values', 'valueTypes', 'numberFormat'];

/** Merged areas from a RangeAreas address: "S!A1:N1,'My, Sheet'!A2:B3" → ["A1:N1", "A2:B3"]. */
function mergeAddresses(address: string): string[] {
  const out: string[] = [];
  const re = /(?:'(?:[^']|'')*'|[^'!,]+)!(\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?)/g;
  for (const m of address.matchAll(re)) out.push(m[1].replace(/\$/g, '').toUpperCase());
  return out;
}

/**
 * A sheet's merged areas. Excel gives those whose top-left cell is in the range (office-js#3611);
 * the used range counting formats (never null: A1 on a blank sheet) holds every merge's top-left.
 */
function mergedAreas(ws: Excel.Worksheet): Excel.RangeAreas {
  return ws.getUsedRange(false).getMergedAreasOrNullObject().load('address');
}

/** A sheet's cells being assembled from the first block and the chunks. */
class SheetData {
  readonly values: RawValue[][];
  readonly valueTypes: ValueType[][];
  readonly numberFormats: string[][];
  merges: string[] = [];
  /** Response bytes per cell: the largest measured on this sheet's blocks (the prior before any). */
  private measuredMax = PRIOR_CELL_BYTES;
  private measured = false;
  /** Doubles each time a chunk is refused as too large; back to 1 once a chunk is measured. */
  private penalty = 1;

  constructor(
    readonly info: SheetInfo,
    readonly used: UsedRect,
  ) {
    this.values = new Array<RawValue[]>(used.rows);
    this.valueTypes = new Array<ValueType[]>(used.rows);
    this.numberFormats = new Array<string[]>(used.rows);
  }

  /** Puts a block read at sheet row `row` (its columns are the used range's). */
  put(row: number, block: CellBlock): void {
    block.values.forEach((values, i) => {
      const r = row - this.used.top + i;
      this.values[r] = values;
      this.valueTypes[r] = block.valueTypes[i].map((t, c) =>
        VALUE_TYPES.has(t) ? (t as ValueType) : values[c] === '' ? 'Empty' : typeof values[c] === 'number' ? 'Double' : 'String',
      );
      this.numberFormats[r] = block.numberFormat[i];
    });
    const cells = block.values.length * this.used.cols;
    if (cells > 0) this.measure(blockBytes(block) / cells);
  }

  /** What a cell of this sheet is expected to cost in a response. */
  get bytesPerCell(): number {
    return this.measuredMax * this.penalty;
  }

  measure(perCell: number, provisional = false): void {
    this.measuredMax = this.measured ? Math.max(this.measuredMax, perCell) : perCell;
    this.measured = !provisional;
    this.penalty = 1;
  }

  refused(): void {
    this.penalty *= 2;
  }

  /** Rows of the used range that hold only empty cells (below the first block's last used row). */
  putEmpty(fromRow: number, toRow: number): void {
    for (let row = fromRow; row <= toRow; row++) {
      const r = row - this.used.top;
      this.values[r] = new Array<RawValue>(this.used.cols).fill('');
      this.valueTypes[r] = new Array<ValueType>(this.used.cols).fill('Empty');
      this.numberFormats[r] = new Array<string>(this.used.cols).fill('General');
    }
  }

  grid(): SheetGrid {
    return {
      name: this.info.name,
      top: this.used.top,
      left: this.used.left,
      values: this.values,
      valueTypes: this.valueTypes,
      numberFormats: this.numberFormats,
      merges: this.merges,
      visibility: this.info.visibility,
    };
  }
}

function emptyGrid(info: SheetInfo): SheetGrid {
  return { name: info.name, top: 0, left: 0, values: [], valueTypes: [], numberFormats: [], merges: [], visibility: info.visibility };
}

interface ChunkTask {
  data: SheetData;
  /** First sheet row and number of rows. */
  row: number;
  rows: number;
  withMerges: boolean;
}

/** Rows per chunk for a sheet at its measured size, within the budget and the cell cap. */
function chunkRows(data: SheetData): number {
  const rowBytes = data.bytesPerCell * SAFETY * data.used.cols;
  return Math.max(1, Math.min(Math.floor(PAYLOAD_BUDGET / rowBytes), Math.floor(CHUNK_MAX_CELLS / data.used.cols)));
}

async function readWorkbook(
  context: Excel.RequestContext,
  settings: HostSettings,
  lang: Lang,
  progress: (p: Progress) => void,
): Promise<Step<ReadState>> {
  progress({ step: 'reading', fraction: 0 });
  // Sync 1: the sheets, the ownership parts, protection.
  const workbook = context.workbook;
  workbook.load('name');
  workbook.protection.load('protected');
  const sheets = workbook.worksheets;
  sheets.load('items/name,items/visibility,items/protection/protected');
  const parts = workbook.customXmlParts.getByNamespace(OWNERSHIP_NAMESPACE);
  parts.load('items/id');
  await context.sync();

  const infos: SheetInfo[] = sheets.items.map((ws) => ({
    proxy: ws,
    name: ws.name,
    visibility: ws.visibility as SheetInfo['visibility'],
    protected: ws.protection.protected,
  }));
  const leftovers = infos.filter((s) => TEMP_RE.test(s.name) && s.visibility !== 'Visible');
  const live = infos.filter((s) => !leftovers.includes(s));
  const chosen = settings.sheet;
  // Sheets read in sync 2; one whose name the tool might have given waits for the record.
  const early = live.filter((s) => (chosen !== undefined ? s.name === chosen : !OWNED_NAME_RE.test(s.name)));
  const probeRows = Math.floor(PROBE_CELLS / PROBE_COLUMNS);

  // Sync 2: the record's XML, every sheet's used range, the first rows of the likely candidates.
  const queueSync2 = (withProbe: boolean) => {
    const xml = parts.items.map((p) => p.getXml());
    const used = new Map<SheetInfo, Excel.Range>();
    for (const s of live) used.set(s, s.proxy.getUsedRangeOrNullObject(true).load('address,rowIndex,columnIndex,rowCount,columnCount'));
    const merged = new Map<SheetInfo, Excel.RangeAreas>();
    const probes = new Map<SheetInfo, Excel.Range>();
    for (const s of early) {
      merged.set(s, mergedAreas(s.proxy));
      if (withProbe) {
        probes.set(
          s,
          s.proxy
            .getRangeByIndexes(0, 0, probeRows, PROBE_COLUMNS)
            .getUsedRangeOrNullObject(true)
            .load(['rowIndex', 'columnIndex', 'rowCount', 'columnCount', 'address', ...CELL_PROPS]),
        );
      }
    }
    return { xml, used, merged, probes };
  };
  let s2 = queueSync2(true);
  try {
    await context.sync();
  } catch (e) {
    // Heavier cells than assumed: the same without the first rows (they come in chunks).
    if (!isPayloadError(e)) throw e;
    s2 = queueSync2(false);
    await context.sync();
  }

  // The record: every part in the namespace counts (as the command line reads them).
  const names = new Set(live.map((s) => s.name));
  const record: { role: SheetRole; name: string }[] = [];
  for (const x of s2.xml) {
    for (const entry of parseOwnershipXml(x.value)?.sheets ?? []) {
      if (names.has(entry.name) && !record.some((r) => r.name === entry.name)) record.push(entry);
    }
  }
  const owned = new Set(record.map((r) => r.name));
  const candidates = live.filter((s) => (chosen !== undefined ? s.name === chosen : !owned.has(s.name)));

  const datas = new Map<SheetInfo, SheetData>();
  const tasks: ChunkTask[] = [];
  for (const s of candidates) {
    const used = usedRectOf(s2.used.get(s) as Excel.Range);
    if (!used) continue;
    const cells = used.rows * used.cols;
    if (cells > READ_CELL_LIMIT) {
      return {
        ok: false,
        error: noteError('too-many-cells', 'too-many-cells-in', lang, {
          sheet: s.name,
          address: used.address.slice(used.address.lastIndexOf('!') + 1),
          cells: cells.toLocaleString('en-US'),
        }),
      };
    }
    const data = new SheetData(s, used);
    datas.set(s, data);
    const merged = s2.merged.get(s);
    if (merged && !merged.isNullObject) data.merges = mergeAddresses(merged.address);
    let next = used.top;
    const probe = s2.probes.get(s);
    const bottom = used.top + used.rows - 1;
    if (probe && !probe.isNullObject) {
      const p = usedRectOf(probe) as UsedRect;
      // The first rows are usable when they span the used range's columns and start at its top.
      if (p.top === used.top && p.left === used.left && p.cols === used.cols) {
        data.put(p.top, blockOf(probe));
        const probeEnd = Math.min(probeRows - 1, bottom);
        data.putEmpty(p.top + p.rows, probeEnd);
        next = probeEnd + 1;
      } else {
        // Not usable as it is, but it tells what this sheet's cells cost.
        data.measure(Math.max(PRIOR_CELL_BYTES, blockBytes(blockOf(probe)) / Math.max(1, p.rows * p.cols)), true);
      }
    }
    let first = !merged;
    while (next <= bottom) {
      const rows = Math.min(chunkRows(data), bottom - next + 1);
      tasks.push({ data, row: next, rows, withMerges: first });
      first = false;
      next += rows;
    }
  }

  // The rest, in chunks packed into syncs under the budget; a chunk refused as too large is halved.
  const totalRows = [...datas.values()].reduce((n, d) => n + d.used.rows, 0);
  let rowsRead = totalRows - tasks.reduce((n, t) => n + t.rows, 0);
  const estimate = (t: ChunkTask): number => t.rows * t.data.used.cols * t.data.bytesPerCell * SAFETY;
  while (tasks.length > 0) {
    const batch: ChunkTask[] = [];
    let bytes = 0;
    while (tasks.length > 0 && (batch.length === 0 || bytes + estimate(tasks[0]) <= PAYLOAD_BUDGET)) {
      const t = tasks.shift() as ChunkTask;
      bytes += estimate(t);
      batch.push(t);
    }
    const loads = batch.map((t) => ({
      task: t,
      range: t.data.info.proxy.getRangeByIndexes(t.row, t.data.used.left, t.rows, t.data.used.cols).load(CELL_PROPS),
      merged: t.withMerges ? mergedAreas(t.data.info.proxy) : undefined,
    }));
    try {
      await context.sync();
    } catch (e) {
      if (!isPayloadError(e)) throw e;
      // One row alone is too large: nothing smaller can be read.
      if (batch.length === 1 && batch[0].rows === 1) return { ok: false, error: toHostError(e, lang, 'read') };
      // Assume heavier cells from now on (fewer chunks a sync) and halve every refused chunk.
      for (const d of new Set(batch.map((t) => t.data))) d.refused();
      const split = batch.flatMap((t): ChunkTask[] => {
        if (t.rows === 1) return [t];
        const half = Math.ceil(t.rows / 2);
        return [
          { ...t, rows: half },
          { ...t, row: t.row + half, rows: t.rows - half, withMerges: false },
        ];
      });
      tasks.unshift(...split);
      continue;
    }
    for (const l of loads) {
      l.task.data.put(l.task.row, blockOf(l.range));
      if (l.merged && !l.merged.isNullObject) l.task.data.merges = mergeAddresses(l.merged.address);
      rowsRead += l.task.rows;
    }
    progress({ step: 'reading', fraction: totalRows === 0 ? 1 : rowsRead / totalRows });
  }

  const grid: WorkbookGrid = {
    sheets: live.map((s) => datas.get(s)?.grid() ?? emptyGrid(s)),
    ownedSheets: record.map((r) => r.name),
  };
  return {
    ok: true,
    value: {
      workbookName: workbook.name,
      structureProtected: workbook.protection.protected,
      sheets: infos,
      leftovers,
      record,
      partIds: parts.items.map((p) => p.id),
      grid,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// How the plan's semantic styles look: the engine's table (src/engine/styles.ts), shared with the
// package writer, in Office.js terms.

interface Look extends Omit<CellLook, 'horizontal' | 'vertical'> {
  horizontal?: 'Left' | 'Center' | 'Right';
  vertical: 'Top' | 'Center';
}

const TEXT = TEXT_FORMAT;

const capital = <T extends string>(s: T): Capitalize<T> => (s.charAt(0).toUpperCase() + s.slice(1)) as Capitalize<T>;

const LOOKS = Object.fromEntries(
  (Object.entries(CELL_LOOKS) as [CellStyle, CellLook][]).map(([style, look]) => [
    style,
    {
      ...look,
      color: look.color && `#${look.color}`,
      fill: look.fill && `#${look.fill}`,
      horizontal: look.horizontal && capital(look.horizontal),
      vertical: capital(look.vertical),
    } satisfies Look,
  ]),
) as Record<CellStyle, Look>;

/** Column width in points for a width in characters (Excel: 7 px a character plus 5 px, 0.75 pt a px). */
function widthPoints(chars: number): number {
  return (Math.min(chars, 255) * 7 + 5) * 0.75;
}

// ---------------------------------------------------------------------------------------------
// Writing: the plan as operations on a worksheet, in chunks of rows

interface Op {
  bytes: number;
  apply(ws: Excel.Worksheet): void;
}

interface WriteChunk {
  sheet: number;
  ops: Op[];
  bytes: number;
  rows: number;
}

/** The number format a cell is written with: text is always '@', a figure never is. */
function formatOf(cell: PlanCell | undefined): string | null {
  if (!cell) return null;
  if (cell.t === 'text') return TEXT;
  const look = cell.style ? LOOKS[cell.style] : undefined;
  if (cell.t === 'empty') return look ? look.numberFormat : null;
  return look && look.numberFormat !== TEXT ? look.numberFormat : 'General';
}

function valueOf(cell: PlanCell | undefined): string | number | null {
  if (!cell) return null;
  if (cell.t === 'text') return cell.text === '' ? null : cell.text;
  if (cell.t === 'number') return Number(cell.value);
  return null;
}

/** Same-style cells of rows r0..r1 as rectangles: runs along a row, joined down the rows. */
function styleRects(row: (r: number) => readonly PlanCell[], r0: number, r1: number): { style: CellStyle; r0: number; c0: number; r1: number; c1: number }[] {
  type R = { style: CellStyle; r0: number; c0: number; r1: number; c1: number };
  const open = new Map<string, R>();
  const out: R[] = [];
  for (let r = r0; r <= r1; r++) {
    const cells = row(r);
    const seen = new Set<string>();
    for (let c = 0; c < cells.length; ) {
      const style = cells[c]?.style;
      if (!style) {
        c++;
        continue;
      }
      let e = c;
      while (e + 1 < cells.length && cells[e + 1]?.style === style) e++;
      const key = `${c}:${e}:${style}`;
      const o = open.get(key);
      if (o && o.r1 === r - 1) o.r1 = r;
      else {
        if (o) out.push(o);
        open.set(key, { style, r0: r, c0: c, r1: r, c1: e });
      }
      seen.add(key);
      c = e + 1;
    }
    for (const [key, o] of open) {
      if (!seen.has(key)) {
        out.push(o);
        open.delete(key);
      }
    }
  }
  out.push(...open.values());
  return out;
}

function lookOps(rect: { r0: number; c0: number; r1: number; c1: number }, look: Look): Op {
  let actions = 4 + (look.bold ? 1 : 0) + (look.italic ? 1 : 0) + (look.underline ? 1 : 0) + (look.color ? 1 : 0) + (look.fill ? 2 : 0);
  actions += look.border ? 12 : 0;
  actions += (look.horizontal ? 1 : 0) + (look.wrap ? 1 : 0);
  return {
    bytes: actions * ACTION_BYTES,
    apply: (ws) => {
      const range = ws.getRangeByIndexes(rect.r0, rect.c0, rect.r1 - rect.r0 + 1, rect.c1 - rect.c0 + 1);
      const format = range.format;
      format.font.name = FONT_NAME;
      format.font.size = look.size;
      if (look.bold) format.font.bold = true;
      if (look.italic) format.font.italic = true;
      if (look.underline) format.font.underline = 'Single';
      if (look.color) format.font.color = look.color;
      if (look.fill) format.fill.color = look.fill;
      if (look.border) {
        const edges: ('EdgeTop' | 'EdgeBottom' | 'EdgeLeft' | 'EdgeRight' | 'InsideHorizontal' | 'InsideVertical')[] = ['EdgeTop', 'EdgeBottom', 'EdgeLeft', 'EdgeRight'];
        if (rect.r1 > rect.r0) edges.push('InsideHorizontal');
        if (rect.c1 > rect.c0) edges.push('InsideVertical');
        for (const edge of edges) format.borders.getItem(edge).style = 'Continuous';
      }
      if (look.horizontal) format.horizontalAlignment = look.horizontal;
      format.verticalAlignment = look.vertical;
      if (look.wrap) format.wrapText = true;
    },
  };
}

/** The operations writing rows r0..r1 of a sheet plan (with the sheet-wide ones when r0 is 0). */
function chunkOps(sp: SheetPlan, width: number, r0: number, lines: readonly (readonly PlanCell[])[]): Op[] {
  const ops: Op[] = [];
  const rows = lines.length;
  const r1 = r0 + rows - 1;
  if (r0 === 0) {
    sp.columnWidths.forEach((w, c) => {
      if (!(typeof w === 'number' && Number.isFinite(w) && w > 0)) return;
      ops.push({ bytes: 2 * ACTION_BYTES, apply: (ws) => (ws.getRangeByIndexes(0, c, 1, 1).format.columnWidth = widthPoints(w)) });
    });
    if (sp.freezeRows && sp.freezeRows > 0) {
      const n = Math.floor(sp.freezeRows);
      ops.push({ bytes: ACTION_BYTES, apply: (ws) => ws.freezePanes.freezeRows(n) });
    }
    if (sp.landscape) ops.push({ bytes: ACTION_BYTES, apply: (ws) => (ws.pageLayout.orientation = 'Landscape') });
  }
  if (rows <= 0) return ops;
  const line = (r: number): readonly PlanCell[] => lines[r - r0] ?? [];
  const block = <T>(f: (cell: PlanCell | undefined) => T): T[][] =>
    Array.from({ length: rows }, (_, i) => Array.from({ length: width }, (_, c) => f(lines[i][c])));
  const formats = block(formatOf);
  const values = block(valueOf);
  const formulas = block((cell) => (cell?.t === 'formula' ? cell.formula : null));
  const any = (grid: unknown[][]): boolean => grid.some((row) => row.some((v) => v !== null));
  const cellBlock = (name: 'numberFormat' | 'values' | 'formulas', data: unknown[][]): Op => ({
    bytes: jsonBytes(data) + 2 * ACTION_BYTES,
    apply: (ws) => {
      const range = ws.getRangeByIndexes(r0, 0, rows, width);
      if (name === 'numberFormat') range.numberFormat = data as string[][];
      else if (name === 'values') range.values = data as (string | number)[][];
      else range.formulas = data as string[][];
    },
  });
  // Text formats first: a value is taken as text only by a cell already formatted '@'.
  if (any(formats)) ops.push(cellBlock('numberFormat', formats));
  if (any(values)) ops.push(cellBlock('values', values));
  if (any(formulas)) ops.push(cellBlock('formulas', formulas));
  for (const rect of styleRects(line, r0, r1)) ops.push(lookOps(rect, LOOKS[rect.style]));
  for (const m of sp.merges) {
    const last = Number(/(\d+)$/.exec(m)?.[1] ?? '0') - 1;
    if (last >= r0 && last <= r1) ops.push({ bytes: 2 * ACTION_BYTES + m.length, apply: (ws) => ws.getRange(m).merge(false) });
  }
  for (let r = r0; r <= r1; r++) {
    const h = sp.rowHeights?.[r];
    if (typeof h === 'number' && Number.isFinite(h) && h > 0) {
      ops.push({ bytes: 2 * ACTION_BYTES, apply: (ws) => (ws.getRangeByIndexes(r, 0, 1, 1).format.rowHeight = Math.min(h, 409)) });
    }
    line(r).forEach((cell, c) => {
      if (cell?.t !== 'text' || !cell.link) return;
      const link: Excel.RangeHyperlink = {
        documentReference: `${quoteSheetName(cell.link.sheet)}!${cell.link.cell.replace(/\$/g, '')}`,
        textToDisplay: cell.text,
      };
      ops.push({ bytes: 2 * ACTION_BYTES + jsonBytes(link), apply: (ws) => (ws.getRangeByIndexes(r, c, 1, 1).hyperlink = link) });
    });
  }
  return ops;
}

/** A sheet plan as chunks of rows whose operations fit the request budget. */
function planChunks(sp: SheetPlan, sheet: number): WriteChunk[] {
  const width = Math.max(1, sp.width);
  const rowBytes = (row: readonly PlanCell[]): number => {
    let n = 0;
    for (let c = 0; c < width; c++) {
      const cell = row[c];
      n += jsonBytes(formatOf(cell)) + jsonBytes(valueOf(cell)) + (cell?.t === 'formula' ? jsonBytes(cell.formula) : 5) + 3;
      if (cell?.t === 'text' && cell.link) n += 3 * ACTION_BYTES + cell.text.length;
    }
    return n + ACTION_BYTES;
  };
  /** The chunks of the rows `lines`, the first of them row r0: halved while over the budget. */
  const make = (r0: number, lines: readonly (readonly PlanCell[])[]): WriteChunk[] => {
    const ops = chunkOps(sp, width, r0, lines);
    const bytes = ops.reduce((n, o) => n + o.bytes, 0);
    if (bytes > PAYLOAD_BUDGET && lines.length > 1) {
      const half = Math.floor((lines.length - 1) / 2) + 1;
      return [...make(r0, lines.slice(0, half)), ...make(r0 + half, lines.slice(half))];
    }
    return [{ sheet, ops, bytes, rows: lines.length }];
  };
  // Each row is asked of the plan once: sized here, then written from the chunk's rows.
  const out: WriteChunk[] = [];
  let start = 0;
  let pending: (readonly PlanCell[])[] = [];
  let acc = 0;
  for (let r = 0; r < sp.rowCount; r++) {
    const row = sp.row(r);
    const b = rowBytes(row);
    if (r > start && acc + b > PAYLOAD_BUDGET * 0.75) {
      out.push(...make(start, pending));
      start = r;
      pending = [];
      acc = 0;
    }
    pending.push(row);
    acc += b;
  }
  out.push(...make(start, pending));
  return out;
}

function randomToken(): string {
  let s = '';
  for (let i = 0; i < 6; i++) s += '0123456789abcdefghijklmnopqrstuvwxyz'[Math.floor(Math.random() * 36)];
  return s;
}

interface SwapMemo {
  token: string;
  /** Planned sheets (name, role) in plan order; temp i becomes planned[i]. */
  planned: { name: string; role: SheetRole }[];
  /** Backup name → the owned sheet's name it held. */
  backups: Map<string, string>;
  /** The record before this write. */
  recorded: { name: string; role: SheetRole }[];
  swapStarted: boolean;
}

const tempName = (token: string, i: number): string => `~jixiao-new-${token}-${i}`;
const backupName = (token: string, i: number): string => `~jixiao-old-${token}-${i}`;

/**
 * Writes the plan: temporary hidden sheets first (syncs 3…), then the swap (one sync). Returns
 * the memo a cleanup needs, whatever happens.
 */
async function writePlan(
  context: Excel.RequestContext,
  state: ReadState,
  plan: WritePlan,
  memo: SwapMemo,
  progress: (p: Progress) => void,
): Promise<void> {
  const byName = new Map(state.sheets.map((s) => [s.name, s]));
  const owned = new Set(state.record.map((r) => r.name));
  const ownedInfo = (name: string): SheetInfo | undefined => {
    const s = byName.get(name);
    if (s && !owned.has(s.name)) throw new Error(`the plan names the user's sheet ${JSON.stringify(name)}`);
    return s;
  };

  // Chunks of every sheet, packed into syncs under the budget.
  const chunks = plan.sheets.flatMap((sp, i) => planChunks(sp, i));
  const syncs: WriteChunk[][] = [];
  let current: WriteChunk[] = [];
  let bytes = 4 * ACTION_BYTES * (plan.sheets.length + state.leftovers.length);
  for (const c of chunks) {
    if (current.length > 0 && bytes + c.bytes > PAYLOAD_BUDGET) {
      syncs.push(current);
      current = [];
      bytes = 0;
    }
    current.push(c);
    bytes += c.bytes;
  }
  syncs.push(current);
  const totalRows = Math.max(1, chunks.reduce((n, c) => n + c.rows, 0));
  let rowsWritten = 0;

  // Sync 3 (and more for a large plan): the temporary sheets, written.
  const temps: Excel.Worksheet[] = [];
  for (const [k, group] of syncs.entries()) {
    context.application.suspendApiCalculationUntilNextSync();
    if (k === 0) {
      for (const l of state.leftovers) l.proxy.delete();
      plan.sheets.forEach((_, i) => {
        const ws = context.workbook.worksheets.add(tempName(memo.token, i));
        ws.visibility = 'Hidden';
        temps.push(ws);
      });
    }
    for (const chunk of group) for (const op of chunk.ops) op.apply(temps[chunk.sheet]);
    await context.sync();
    rowsWritten += group.reduce((n, c) => n + c.rows, 0);
    progress({ step: 'writing', fraction: Math.min(0.95, rowsWritten / totalRows) });
  }

  // Sync 4: the swap. Tab order is simulated to place each new sheet where its old one was.
  memo.swapStarted = true;
  context.application.suspendApiCalculationUntilNextSync();
  const order: string[] = [...state.sheets.filter((s) => !state.leftovers.includes(s)).map((s) => `u:${s.name}`), ...plan.sheets.map((_, i) => `t:${i}`)];
  const aside: Excel.Worksheet[] = [];
  const setAside = (info: SheetInfo): void => {
    const name = backupName(memo.token, memo.backups.size);
    memo.backups.set(name, info.name);
    info.proxy.name = name;
    aside.push(info.proxy);
  };
  const replaced: { i: number; old: SheetInfo }[] = [];
  plan.sheets.forEach((sp, i) => {
    const old = ownedInfo(sp.name);
    if (old) {
      setAside(old);
      replaced.push({ i, old });
    }
  });
  for (const name of plan.remove) {
    const old = ownedInfo(name);
    if (old) setAside(old);
  }
  plan.sheets.forEach((sp, i) => {
    temps[i].visibility = 'Visible';
    temps[i].name = sp.name;
  });
  replaced.sort((a, b) => order.indexOf(`u:${a.old.name}`) - order.indexOf(`u:${b.old.name}`));
  for (const { i, old } of replaced) {
    const at = order.indexOf(`u:${old.name}`);
    order.splice(order.indexOf(`t:${i}`), 1);
    order.splice(at, 0, `t:${i}`);
    temps[i].position = at;
  }
  for (const ws of aside) ws.delete();
  const asideNames = new Set(memo.backups.values());
  const finalNames = order
    .filter((k) => !(k.startsWith('u:') && asideNames.has(k.slice(2))))
    .map((k) => (k.startsWith('t:') ? plan.sheets[Number(k.slice(2))].name : k.slice(2)));
  const roles = new Map<string, SheetRole>(state.record.map((r) => [r.name, r.role]));
  for (const sp of plan.sheets) roles.set(sp.name, sp.role);
  const record = { sheets: finalNames.filter((n) => roles.has(n)).map((name) => ({ role: roles.get(name) as SheetRole, name })) };
  for (const id of state.partIds) context.workbook.customXmlParts.getItem(id).delete();
  if (record.sheets.length > 0) context.workbook.customXmlParts.add(buildOwnershipXml(record));
  const activate = plan.sheets.findIndex((s) => s.name === plan.activate);
  if (activate >= 0) temps[activate].activate();
  await context.sync();
  progress({ step: 'writing', fraction: 1 });
}

/**
 * After a failed write: deletes the temporary sheets, puts back each owned sheet renamed aside
 * (unless its new sheet took its place, complete), and makes the record name exactly the owned
 * sheets that exist. True when the workbook is clean again.
 */
async function cleanup(run: Runner, memo: SwapMemo): Promise<boolean> {
  try {
    await run(async (context) => {
      const sheets = context.workbook.worksheets;
      sheets.load('items/name');
      const parts = context.workbook.customXmlParts.getByNamespace(OWNERSHIP_NAMESPACE);
      parts.load('items/id');
      await context.sync();
      const names = sheets.items.map((s) => s.name);
      const present = new Set(names);
      const mine = new RegExp(`^~jixiao-(?:new|old)-${memo.token}-\\d+$`);
      if (!names.some((n) => mine.test(n)) && !memo.swapStarted) return;
      // The sheets in tab order once cleaned: temporary ones gone, set-aside ones back or gone.
      const final: string[] = [];
      sheets.items.forEach((ws, i) => {
        const name = names[i];
        if (!mine.test(name)) {
          final.push(name);
          return;
        }
        const original = memo.backups.get(name);
        if (original !== undefined && !present.has(original)) {
          ws.name = original;
          final.push(original);
        } else ws.delete();
      });
      if (memo.swapStarted) {
        const roles = new Map<string, SheetRole>(memo.recorded.map((r) => [r.name, r.role]));
        for (const p of memo.planned) roles.set(p.name, p.role);
        const record = { sheets: final.filter((n) => roles.has(n)).map((name) => ({ role: roles.get(name) as SheetRole, name })) };
        for (const p of parts.items) p.delete();
        if (record.sheets.length > 0) context.workbook.customXmlParts.add(buildOwnershipXml(record));
      }
      await context.sync();
    });
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// The host

type Runner = <T>(batch: (context: Excel.RequestContext) => Promise<T>) => Promise<T>;

function detectedTable(a: Analysis): DetectedTable {
  const l = a.layout;
  return {
    sheet: l.sheet,
    headerRows: l.headerRows,
    projects: a.figures.projects,
    unit: l.unit,
    unitSource: l.unitSource,
    year: l.year,
    department: l.department,
    columns: l.columns,
    confident: l.confident,
  };
}

type Mode = 'validate' | 'check' | 'fill';

interface ActOutcome {
  analysis: Analysis;
  table: DetectedTable;
  report: ValidateOutcome['report'];
  plan?: WritePlan;
  /** Messages about the writing (an owned name taken by a user's sheet), in the host's language. */
  notes: string[];
}

/** One user action: read, analyse, and for 'check' and 'fill' write. */
async function act(run: Runner, lang: Lang, settings: HostSettings, mode: Mode, force: boolean, onProgress?: (p: Progress) => void): Promise<HostResult<ActOutcome>> {
  const progress = (p: Progress): void => {
    try {
      onProgress?.(p);
    } catch {
      // A progress callback's failure is not the action's.
    }
  };
  const s = sanitizeSettings(settings);
  // Set inside the batch; an object, so that the catch below sees the change.
  const at: { phase: Phase } = { phase: 'read' };
  const memo: SwapMemo = { token: randomToken(), planned: [], backups: new Map(), recorded: [], swapStarted: false };
  try {
    const result = await run(async (context): Promise<HostResult<ActOutcome>> => {
      const read = await readWorkbook(context, s, lang, progress);
      if (!read.ok) return read;
      const state = read.value;
      progress({ step: 'analysing' });
      const analysed = analyze(state.grid, analyzeOptions(s));
      if (!analysed.ok) {
        const e = analysed.error;
        if (e.code === 'no-table') return { ok: false, error: hostError('no-table', lang, { sheets: e.params.sheets || (lang === 'zh' ? '（无）' : '(none)') }) };
        if (e.code === 'sheet-not-found') return { ok: false, error: hostError('sheet-not-found', lang, { sheet: e.params.sheet ?? '' }) };
        return { ok: false, error: hostError('unknown', lang, { code: e.code }, JSON.stringify(e)) };
      }
      const analysis = analysed.analysis;
      const outcome: ActOutcome = { analysis, table: detectedTable(analysis), report: toReport(analysis, state.workbookName, lang), notes: [] };
      if (mode === 'validate') return { ok: true, value: outcome };

      const { plan, notes } = planWrite(state.grid, analysis, { mode: mode === 'check' ? 'check' : 'fill', force, lang });
      outcome.plan = plan;
      outcome.notes = notes.map((n) => issueMessage(n, lang));
      // Refuse before writing anything what protection would refuse halfway.
      if (state.structureProtected) return { ok: false, error: noteError('protected-sheet', 'structure-protected', lang) };
      for (const name of [...plan.sheets.map((p) => p.name), ...plan.remove]) {
        const info = state.sheets.find((x) => x.name === name);
        if (info?.protected) return { ok: false, error: noteError('protected-sheet', 'protected-sheet-named', lang, { sheet: name }) };
      }
      memo.planned = plan.sheets.map((p) => ({ name: p.name, role: p.role }));
      memo.recorded = state.record;
      at.phase = 'write';
      progress({ step: 'writing', fraction: 0 });
      await writePlan(context, state, plan, memo, progress);
      return { ok: true, value: outcome };
    });
    if (result.ok) progress({ step: 'done' });
    return result;
  } catch (e) {
    if (at.phase !== 'write') return { ok: false, error: toHostError(e, lang, 'read') };
    const clean = await cleanup(run, memo);
    const error = toHostError(e, lang, 'write');
    if (!clean) error.message = `${error.code === 'write-failed' || error.code === 'unknown' ? '' : `${error.message} `}${hostNote('write-failed-leftover', lang, { code: isOfficeError(e) ? e.code : 'Error' })}`;
    return { ok: false, error };
  }
}

/**
 * The AddinHost over Excel: `run` is `Excel.run` in the add-in, the fake's in tests.
 * @example
 * const host = createExcelHost(Excel.run, 'zh');
 * const result = await host.fill(settings);
 */
export function createExcelHost(run: typeof Excel.run, lang: Lang): AddinHost {
  const runner: Runner = (batch) => run(batch);
  return {
    lang,

    async loadSettings(): Promise<HostResult<HostSettings>> {
      try {
        const settings = await runner(async (context) => {
          const item = context.workbook.settings.getItemOrNullObject(SETTINGS_KEY);
          item.load('value');
          await context.sync();
          return item.isNullObject ? { ...DEFAULT_SETTINGS } : parseStoredSettings(item.value);
        });
        return { ok: true, value: settings };
      } catch (e) {
        return { ok: false, error: toHostError(e, lang, 'settings') };
      }
    },

    async saveSettings(settings: HostSettings): Promise<HostResult<void>> {
      try {
        await runner(async (context) => {
          context.workbook.settings.add(SETTINGS_KEY, JSON.stringify(sanitizeSettings(settings)));
          await context.sync();
        });
        return { ok: true, value: undefined };
      } catch (e) {
        return { ok: false, error: toHostError(e, lang, 'settings') };
      }
    },

    async validate(settings, options): Promise<HostResult<ValidateOutcome>> {
      const mode: Mode = options?.writeIssuesSheet ? 'check' : 'validate';
      const r = await act(runner, lang, settings, mode, false, options?.onProgress);
      if (!r.ok) return r;
      const { table, report, plan } = r.value;
      return { ok: true, value: { table, report, ...(plan ? { issuesSheet: plan.sheets[0]?.name } : {}) } };
    },

    async fill(settings, options): Promise<HostResult<FillOutcome>> {
      const force = Boolean(options?.force);
      const r = await act(runner, lang, settings, 'fill', force, options?.onProgress);
      if (!r.ok) return r;
      const { table, report, plan, analysis } = r.value;
      return {
        ok: true,
        value: { table, report, sheets: plan?.sheets.map((s) => s.name) ?? [], blocked: analysis.counts.error > 0 && !force, notes: r.value.notes },
      };
    },

    async selectCell(sheet: string, cell: string): Promise<HostResult<void>> {
      const target = parseCellAddress(cell);
      if (!target) return { ok: false, error: noteError('item-not-found', 'bad-cell', lang, { cell }) };
      const address = `${columnLetter(target.col)}${target.row + 1}`;
      try {
        return await runner(async (context): Promise<HostResult<void>> => {
          const ws = context.workbook.worksheets.getItemOrNullObject(sheet);
          ws.load('visibility');
          await context.sync();
          if (ws.isNullObject) return { ok: false, error: { code: 'item-not-found', message: hostMessage('item-not-found', lang), detail: sheet } };
          if (ws.visibility !== 'Visible') return { ok: false, error: noteError('item-not-found', 'hidden-sheet', lang, { sheet, cell: address }) };
          ws.activate();
          ws.getRange(address).select();
          await context.sync();
          return { ok: true, value: undefined };
        });
      } catch (e) {
        return { ok: false, error: toHostError(e, lang, 'select') };
      }
    },
  };
}
