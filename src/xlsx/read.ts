import { promises as fs } from 'fs';
import ExcelJS from 'exceljs';
import { strFromU8 } from 'fflate';
import { cellAddress } from '../engine/grid';
import type { RawValue, SheetGrid, ValueType, WorkbookGrid } from '../engine/grid';
import { OWNERSHIP_NAMESPACE, parseOwnershipXml } from '../engine/ownership';
import type { UnusableInput } from '../engine/types';
import { sniff } from './sniff';
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

/**
 * Megabytes for a message. Above 1 MB one decimal, rounded up for the size so that a file just
 * over the limit never reads as equal to it; below, two significant digits (small test limits).
 */
function megabytes(bytes: number, roundUp: boolean): string {
  const mb = bytes / (1024 * 1024);
  if (mb < 1) return String(Number(mb.toPrecision(2)));
  const tenths = roundUp ? Math.ceil(mb * 10) : Math.round(mb * 10);
  return String(tenths / 10);
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

/** Reads a workbook from its bytes into the grid the engine takes. */
export async function readWorkbookBytes(bytes: Uint8Array, opts?: { codec?: Codec }): Promise<ReadResult> {
  const sniffed = sniff(bytes, opts?.codec);
  if (!sniffed.ok) return { ok: false, error: sniffed.error };
  // Every part is checked against its CRC-32 while exceljs reads the package (in Node, on zlib's
  // thread pool): a damaged part is reported as such, never read as odd content, and the writer
  // may copy the parts it does not change as they are.
  const intact = verifyEntries(sniffed.entries);

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
  const sheets = workbook.worksheets.map((ws) => sheetGrid(ws, exceljsDate1904));
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

interface CellContent {
  value: RawValue;
  type: ValueType;
  /** '=' + formula when the cell has one. */
  formula?: string;
}

const EMPTY: CellContent = { value: '', type: 'Empty' };

const VISIBILITY = {
  visible: 'Visible',
  hidden: 'Hidden',
  veryHidden: 'VeryHidden',
} as const;

/** exceljs's in-memory merge index: master address → range. Not in its typings. */
interface MergeIndex {
  _merges?: Record<string, { top: number; left: number; bottom: number; right: number; range: string }>;
}

function sheetGrid(ws: ExcelJS.Worksheet, date1904: boolean): SheetGrid {
  // `worksheet.model.merges` would serialise every row to build the model; the index is enough.
  const mergeRanges = Object.values((ws as unknown as MergeIndex)._merges ?? {});
  const merges = mergeRanges.map((m) => `${cellAddress(m.top - 1, m.left - 1)}:${cellAddress(m.bottom - 1, m.right - 1)}`);
  // exceljs repeats a merge's value over every cell of it; Office.js shows it in the top-left only.
  // Cells by row, then by column: a "r,c" string key built for every cell cost more than the
  // rest of the conversion, and one number key per cell leaves V8's small integers past 65,536 rows.
  const covered = new Map<number, Set<number>>();
  for (const m of mergeRanges) {
    for (let r = m.top; r <= m.bottom; r++) {
      let cols = covered.get(r);
      if (!cols) covered.set(r, (cols = new Set()));
      for (let c = m.left; c <= m.right; c++) if (r !== m.top || c !== m.left) cols.add(c);
    }
  }

  const contents = new Map<number, CellContent[]>();
  let top = Infinity;
  let left = Infinity;
  let bottom = -Infinity;
  let right = -Infinity;
  ws.eachRow({ includeEmpty: false }, (row, r) => {
    const coveredCols = covered.get(r);
    let line: CellContent[] | undefined;
    row.eachCell({ includeEmpty: false }, (cell, c) => {
      if (coveredCols?.has(c) || cell.type === ExcelJS.ValueType.Merge) return;
      const content = cellContent(cell, date1904);
      if (content.type === 'Empty' && content.formula === undefined) return;
      if (!line) contents.set(r, (line = []));
      line[c] = content;
      top = Math.min(top, r);
      left = Math.min(left, c);
      bottom = Math.max(bottom, r);
      right = Math.max(right, c);
    });
  });

  const grid: SheetGrid = {
    name: ws.name,
    top: 0,
    left: 0,
    values: [],
    valueTypes: [],
    numberFormats: [],
    formulas: [],
    merges,
    visibility: VISIBILITY[ws.state] ?? 'Visible',
  };
  if (contents.size === 0) return grid;

  grid.top = top - 1;
  grid.left = left - 1;
  for (let r = top; r <= bottom; r++) {
    const values: RawValue[] = [];
    const types: ValueType[] = [];
    const formats: string[] = [];
    const formulas: RawValue[] = [];
    const row = ws.findRow(r);
    const line = contents.get(r);
    for (let c = left; c <= right; c++) {
      const content = line?.[c] ?? EMPTY;
      values.push(content.value);
      types.push(content.type);
      formulas.push(content.formula ?? content.value);
      formats.push(numberFormat(row?.findCell(c)));
    }
    grid.values.push(values);
    grid.valueTypes.push(types);
    grid.numberFormats.push(formats);
    grid.formulas?.push(formulas);
  }
  return grid;
}

function numberFormat(cell: ExcelJS.Cell | undefined): string {
  const f = cell?.numFmt;
  return typeof f === 'string' && f !== '' ? f : 'General';
}

function cellContent(cell: ExcelJS.Cell, date1904: boolean): CellContent {
  if (cell.type === ExcelJS.ValueType.Formula) {
    // `cell.result`, not `cell.value.result`: the value's copy drops falsy results (0, false, '').
    const result = rawContent(cell.result as unknown, date1904);
    const formula = cell.formula;
    return formula ? { ...result, formula: `=${formula}` } : result;
  }
  return rawContent(cell.value as unknown, date1904);
}

/**
 * Raw exceljs content to what Office.js would present. Parsed from the value's shape, since a
 * hyperlink's text and a formula's result can each be any of the other kinds.
 */
function rawContent(v: unknown, date1904: boolean): CellContent {
  if (v === null || v === undefined) return EMPTY;
  if (typeof v === 'number') return Number.isFinite(v) ? { value: v, type: 'Double' } : EMPTY;
  if (typeof v === 'string') return v === '' ? EMPTY : { value: v, type: 'String' };
  if (typeof v === 'boolean') return { value: v, type: 'Boolean' };
  if (v instanceof Date) {
    const serial = dateToSerial(v, date1904);
    return Number.isFinite(serial) ? { value: serial, type: 'Double' } : EMPTY;
  }
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.error === 'string') return { value: o.error, type: 'Error' };
    if (Array.isArray(o.richText)) {
      const text = o.richText.map((run: unknown) => String((run as { text?: unknown })?.text ?? '')).join('');
      return text === '' ? EMPTY : { value: text, type: 'String' };
    }
    if ('hyperlink' in o || 'text' in o) return rawContent(o.text, date1904);
    if ('formula' in o || 'sharedFormula' in o) return rawContent(o.result, date1904);
  }
  return EMPTY;
}

/** Inverse of exceljs's excelToDate, so that the serial is the number stored in the file. */
function dateToSerial(d: Date, date1904: boolean): number {
  return 25569 + d.getTime() / 86400000 - (date1904 ? 1462 : 0);
}
