import { promises as fs } from 'fs';
import ExcelJS from 'exceljs';
import { strFromU8 } from 'fflate';
import { cellAddress } from '../engine/grid';
import type { RawValue, SheetGrid, ValueType, WorkbookGrid } from '../engine/grid';
import { OWNERSHIP_NAMESPACE, parseOwnershipXml } from '../engine/ownership';
import type { UnusableInput } from '../engine/types';
import { VISIBILITY, emptySheetGrid, fastSheetGrids } from './fast-read';
import { type SniffResult, megabytes, sniff } from './sniff';
import { type Codec, type Entries, verifyEntries } from './zip';
import type { PackageKind } from './sniff';

export interface ReadOk {
  ok: true;
  kind: PackageKind;
  grid: WorkbookGrid;
  /**
   * The package's parts, for a writer that must carry them over: inflated when first read (all are
   * checked), and copied compressed as they are by `zipPackage` when unchanged.
   */
  entries: Entries;
  /** The workbook counts dates from 1904 (old Mac workbooks): serials in `grid` are in that system. */
  date1904: boolean;
  error?: never;
}

export type ReadResult = ReadOk | { ok: false; error: UnusableInput; grid?: never };

/** Anything larger is refused before it is read: exceljs holds the whole workbook in memory. */
export const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;

function unusable(code: UnusableInput['code'], params: Record<string, string> = {}): ReadResult {
  return { ok: false, error: { code, params } };
}

/** Reads a workbook file, refusing what cannot be used with a reason rather than an exception. */
export async function readWorkbookFile(path: string, opts?: { maxBytes?: number }): Promise<ReadResult> {
  const limit = opts?.maxBytes ?? DEFAULT_MAX_BYTES;
  let stat;
  try {
    stat = await fs.stat(path);
  } catch (e) {
    if (isNodeError(e) && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) {
      return unusable('file-not-found', { path });
    }
    throw e;
  }
  if (!stat.isFile()) return unusable('not-a-workbook', { detail: 'other' });
  if (stat.size > limit) return unusable('too-large', { size: megabytes(stat.size, true), limit: megabytes(limit, false) });
  const bytes = await fs.readFile(path);
  return readWorkbookBytes(bytes);
}

/** Duck-typed: errors from Node's own modules are not `instanceof Error` inside a jest sandbox. */
function isNodeError(e: unknown): e is NodeJS.ErrnoException {
  return typeof e === 'object' && e !== null && typeof (e as NodeJS.ErrnoException).code === 'string';
}

/**
 * Which reader builds the grid: `auto` (the default) takes the fast reader (fast-read.ts), which
 * builds exceljs's grid straight from the sheets' XML, and falls back to exceljs for any package
 * it does not vouch for; `exceljs` always loads exceljs's model (the tests' reference).
 */
export type Reader = 'auto' | 'exceljs';

/** Reads a workbook from its bytes into the grid the engine takes. */
export async function readWorkbookBytes(
  bytes: Uint8Array,
  opts?: { codec?: Codec; reader?: Reader; /** Default DEFAULT_MAX_UNCOMPRESSED_BYTES (sniff.ts). */ maxUncompressedBytes?: number },
): Promise<ReadResult> {
  const sniffed = sniff(bytes, opts?.codec, opts?.maxUncompressedBytes);
  if (!sniffed.ok) return { ok: false, error: sniffed.error };
  // The fast reader first, so that the parts it reads are inflated once (and checked then).
  const fast = (opts?.reader ?? 'auto') === 'auto' ? fastGrids(sniffed.entries) : null;
  // Every part is checked against its CRC-32 while exceljs reads the package (in Node, on zlib's
  // thread pool): a damaged part is reported as such, never read as odd content, and the writer
  // may copy the parts it does not change as they are.
  const intact = verifyEntries(sniffed.entries);
  if (fast) {
    if (!(await intact)) return unusable('truncated');
    return gridResult(sniffed, fast.sheets, fast.date1904);
  }

  const workbook = new ExcelJS.Workbook();
  try {
    // The normal (non-streaming) reader only: the streaming one splits text at chunk boundaries
    // and corrupts CJK characters. exceljs finds parts by path, so an .xlsm loads as it is.
    // A Buffer in Node; in the browser (the workbench) exceljs takes the bytes as they are.
    const buffer = typeof Buffer === 'function' ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
    await workbook.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  } catch (e) {
    if (!(await intact)) return unusable('truncated');
    // The package is intact, so a failure here is about content exceljs cannot make sense of,
    // unless its message says the XML itself is cut short.
    const message = typeof e === 'object' && e !== null && 'message' in e ? String(e.message) : String(e);
    if (/unexpected end|unclosed|premature|truncat/i.test(message)) return unusable('truncated');
    return unusable('not-a-workbook', { detail: 'other' });
  }
  if (!(await intact)) return unusable('truncated');

  // exceljs converted date-formatted numbers into Dates using its own reading of the flag, so the
  // same flag converts them back to the stored serial.
  const exceljsDate1904 = Boolean(workbook.properties?.date1904);
  return gridResult(
    sniffed,
    workbook.worksheets.map((ws) => sheetGrid(ws, exceljsDate1904)),
    exceljsDate1904,
  );
}

/** The fast reader's grids, or null to take exceljs (it declines what it does not vouch for; a throw declines too). */
function fastGrids(entries: Entries): { sheets: SheetGrid[]; date1904: boolean } | null {
  try {
    return fastSheetGrids(entries);
  } catch {
    return null;
  }
}

/** The read's result from the sheets exceljs loads (or the fast reader gives as exceljs would). */
function gridResult(sniffed: Extract<SniffResult, { ok: true }>, sheets: SheetGrid[], exceljsDate1904: boolean): ReadResult {
  // Sheets exceljs does not load (chart sheets, a sheet whose part is missing) still hold their
  // names: they stand in the grid empty, so that no plan ever takes one of those names.
  const loaded = new Set(sheets.map((s) => s.name.toLowerCase()));
  for (const name of declaredSheetNames(sniffed.entries['xl/workbook.xml'])) {
    if (!loaded.has(name.toLowerCase())) {
      sheets.push({ name, top: 0, left: 0, values: [], valueTypes: [], numberFormats: [], merges: [] });
      loaded.add(name.toLowerCase());
    }
  }
  const names = new Set(sheets.map((s) => s.name));
  const ownedSheets = ownedSheetNames(sniffed.entries).filter((n) => names.has(n));
  return {
    ok: true,
    kind: sniffed.kind,
    grid: { sheets, ownedSheets },
    entries: sniffed.entries,
    date1904: declaresDate1904(sniffed.entries['xl/workbook.xml']) || exceljsDate1904,
  };
}

/**
 * exceljs only honours `date1904="1"`, but the attribute is an xsd:boolean and some writers put
 * `true`; callers interpreting serials need the real answer.
 */
/** The names workbook.xml gives its sheets, entities decoded. */
function declaredSheetNames(workbookXml: Uint8Array | undefined): string[] {
  if (!workbookXml) return [];
  const decode = (v: string): string =>
    v.replace(/&(lt|gt|quot|apos|amp|#x[0-9a-fA-F]+|#\d+);/g, (_m, e: string) =>
      e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'apos' ? "'" : e === 'amp' ? '&' : String.fromCodePoint(e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)),
    );
  return [...strFromU8(workbookXml).matchAll(/<(?:\w+:)?sheet\b[^>]*?\bname\s*=\s*(?:"([^"]*)"|'([^']*)')/g)].map((m) => decode(m[1] ?? m[2]));
}

function declaresDate1904(workbookXml: Uint8Array | undefined): boolean {
  if (!workbookXml) return false;
  const pr = /<(?:\w+:)?workbookPr\b[^>]*>/.exec(strFromU8(workbookXml))?.[0];
  const v = pr && /\bdate1904\s*=\s*["']([^"']*)["']/.exec(pr)?.[1];
  return v === '1' || v === 'true';
}

// ---------------------------------------------------------------------------------------------
// Ownership record

function decodeXmlPart(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return strFromU8(bytes).replace(/^\uFEFF/, '');
}

/** Names recorded in every custom XML part that carries the tool's namespace. */
function ownedSheetNames(entries: Entries): string[] {
  const out: string[] = [];
  // By name first: reading a part inflates it.
  for (const path of Object.keys(entries)) {
    if (!/^customXml\/item\d*\.xml$/i.test(path)) continue;
    const xml = decodeXmlPart(entries[path]);
    if (!xml.includes(OWNERSHIP_NAMESPACE)) continue;
    const record = parseOwnershipXml(xml);
    if (!record) continue;
    for (const s of record.sheets) if (!out.includes(s.name)) out.push(s.name);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Cells

/** What a cell presents, as Office.js would: filled in place, so that no object is made per cell. */
interface Content {
  value: RawValue;
  type: ValueType;
  /** '=' + formula when the cell has one. */
  formula: string | undefined;
}

/** exceljs's in-memory merge index: master address → range. Not in its typings. */
interface MergeIndex {
  _merges?: Record<string, { top: number; left: number; bottom: number; right: number; range: string }>;
}

/**
 * exceljs's own array of a worksheet's rows (`_rows`: row r at r - 1) or of a row's cells (`_cells`:
 * column c at c - 1), holes where there is none, read as it is rather than through eachRow/eachCell
 * and findRow/findCell again; where it is not there, the same built through the public iterator.
 */
function ownArray<T>(owner: object, key: '_rows' | '_cells', each: (visit: (item: T, n: number) => void) => void): (T | undefined)[] {
  const own = (owner as Record<string, unknown>)[key];
  if (Array.isArray(own)) return own as (T | undefined)[];
  const out: (T | undefined)[] = [];
  each((item, n) => (out[n - 1] = item));
  return out;
}

/**
 * One pass over exceljs's rows and cells: each row becomes its four lines (values, types,
 * formulas, number formats) from column A to its last cell, then the lines within the used range
 * are cut or padded to it.
 */
function sheetGrid(ws: ExcelJS.Worksheet, date1904: boolean): SheetGrid {
  // `worksheet.model.merges` would serialise every row to build the model; the index is enough.
  const mergeRanges = Object.values((ws as unknown as MergeIndex)._merges ?? {});
  const merges = mergeRanges.map((m) => `${cellAddress(m.top - 1, m.left - 1)}:${cellAddress(m.bottom - 1, m.right - 1)}`);
  // exceljs repeats a merge's value over every cell of it; Office.js shows it in the top-left only.
  // Cells by row, then by column: one number key per cell leaves V8's small integers past 65,536 rows.
  const covered = new Map<number, Set<number>>();
  for (const m of mergeRanges) {
    for (let r = m.top; r <= m.bottom; r++) {
      let cols = covered.get(r);
      if (!cols) covered.set(r, (cols = new Set()));
      for (let c = m.left; c <= m.right; c++) if (r !== m.top || c !== m.left) cols.add(c);
    }
  }

  const grid = emptySheetGrid(ws.name, merges, VISIBILITY[ws.state] ?? 'Visible');

  const rows = ownArray<ExcelJS.Row>(ws, '_rows', (visit) => ws.eachRow({ includeEmpty: true }, visit));
  const values: RawValue[][] = [];
  const types: ValueType[][] = [];
  const formulas: RawValue[][] = [];
  const formats: string[][] = [];
  const content: Content = { value: '', type: 'Empty', formula: undefined };
  // The used range, 1-based: cells with a value or a formula.
  let top = 0;
  let left = Infinity;
  let bottom = 0;
  let right = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (!row) continue;
    const r = i + 1;
    const cells = ownArray<ExcelJS.Cell>(row, '_cells', (visit) => row.eachCell({ includeEmpty: true }, visit));
    const coveredCols = covered.get(r);
    const v: RawValue[] = [];
    const t: ValueType[] = [];
    const f: RawValue[] = [];
    const n: string[] = [];
    for (let c = 1; c <= cells.length; c++) {
      const cell = cells[c - 1];
      if (cell && !coveredCols?.has(c) && cellContent(cell, date1904, content)) {
        v.push(content.value);
        t.push(content.type);
        f.push(content.formula ?? content.value);
        if (top === 0) top = r;
        bottom = r;
        if (c < left) left = c;
        if (c > right) right = c;
      } else {
        v.push('');
        t.push('Empty');
        f.push('');
      }
      n.push(cell ? numberFormat(cell) : 'General');
    }
    values[i] = v;
    types[i] = t;
    formulas[i] = f;
    formats[i] = n;
  }
  if (top === 0) return grid;

  const width = right - left + 1;
  /** A row's line cut to the used range's columns, or padded with `fill`. */
  const fit = <T>(line: T[] | undefined, fill: T): T[] => {
    const out = line === undefined ? [] : left > 1 ? line.slice(left - 1, right) : line;
    if (out.length > width) out.length = width;
    while (out.length < width) out.push(fill);
    return out;
  };
  grid.top = top - 1;
  grid.left = left - 1;
  const gridFormulas: RawValue[][] = [];
  for (let i = top - 1; i < bottom; i++) {
    grid.values.push(fit(values[i], ''));
    grid.valueTypes.push(fit(types[i], 'Empty'));
    gridFormulas.push(fit(formulas[i], ''));
    grid.numberFormats.push(fit(formats[i], 'General'));
  }
  grid.formulas = gridFormulas;
  return grid;
}

function numberFormat(cell: ExcelJS.Cell): string {
  // `cell.numFmt` is `cell.style.numFmt` through a getter.
  const f = (cell as unknown as { style?: { numFmt?: unknown } }).style?.numFmt;
  return typeof f === 'string' && f !== '' ? f : 'General';
}

/**
 * exceljs's value model behind a cell (`cell._value.model`): read directly, the getters `type` and
 * `value` cost a call each through one of a dozen classes for every cell. Not in its typings.
 */
interface ValueModel {
  type?: unknown;
  value?: unknown;
  result?: unknown;
}

const T = ExcelJS.ValueType;

/**
 * Fills `out` with what the cell presents; whether it holds anything (a value or a formula). A cell
 * of a merge but its top-left holds nothing.
 */
function cellContent(cell: ExcelJS.Cell, date1904: boolean, out: Content): boolean {
  out.formula = undefined;
  const model = (cell as unknown as { _value?: { model?: ValueModel } })._value?.model;
  const type = model?.type;
  if (type === T.Number || type === T.String || type === T.Date || type === T.Boolean || type === T.Error || type === T.SharedString) {
    // What `cell.value` gives for these: the model's value (rich text is a String whose value is { richText }).
    rawContent((model as ValueModel).value, date1904, out);
  } else if (type === T.Null || type === T.Merge) {
    set(out, '', 'Empty');
  } else if (cell.type === T.Merge) {
    set(out, '', 'Empty');
  } else if (cell.type === T.Formula) {
    // `cell.result`, not `cell.value.result`: the value's copy drops falsy results (0, false, '').
    rawContent(cell.result as unknown, date1904, out);
    const formula = cell.formula;
    if (formula) out.formula = `=${formula}`;
  } else rawContent(cell.value as unknown, date1904, out);
  return out.type !== 'Empty' || out.formula !== undefined;
}

function set(out: Content, value: RawValue, type: ValueType): void {
  out.value = value;
  out.type = type;
}

/**
 * Raw exceljs content to what Office.js would present. Parsed from the value's shape, since a
 * hyperlink's text and a formula's result can each be any of the other kinds.
 */
function rawContent(v: unknown, date1904: boolean, out: Content): void {
  if (v === null || v === undefined) return set(out, '', 'Empty');
  if (typeof v === 'number') return Number.isFinite(v) ? set(out, v, 'Double') : set(out, '', 'Empty');
  if (typeof v === 'string') return v === '' ? set(out, '', 'Empty') : set(out, v, 'String');
  if (typeof v === 'boolean') return set(out, v, 'Boolean');
  if (v instanceof Date) {
    const serial = dateToSerial(v, date1904);
    return Number.isFinite(serial) ? set(out, serial, 'Double') : set(out, '', 'Empty');
  }
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.error === 'string') return set(out, o.error, 'Error');
    if (Array.isArray(o.richText)) {
      const text = o.richText.map((run: unknown) => String((run as { text?: unknown })?.text ?? '')).join('');
      return text === '' ? set(out, '', 'Empty') : set(out, text, 'String');
    }
    if ('hyperlink' in o || 'text' in o) return rawContent(o.text, date1904, out);
    if ('formula' in o || 'sharedFormula' in o) return rawContent(o.result, date1904, out);
  }
  set(out, '', 'Empty');
}

/** Inverse of exceljs's excelToDate, so that the serial is the number stored in the file. */
function dateToSerial(d: Date, date1904: boolean): number {
  return 25569 + d.getTime() / 86400000 - (date1904 ? 1462 : 0);
}
