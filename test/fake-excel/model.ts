/**
 * The fake's workbook: sheets of cells as Excel holds them, merges, formats written, custom XML
 * parts and settings. No Office.js here: the proxies in excel.ts read and write this model.
 */
import type { RawValue, ValueType } from '../../src/engine/grid';
import { cellAddress, columnLetter, parseCellAddress } from '../../src/engine/grid';
import { officeError } from './errors';
import { tryEvaluate, FormulaSyntaxError } from './formula';

export const MAX_ROWS = 1048576;
export const MAX_COLUMNS = 16384;

export type Visibility = 'Visible' | 'Hidden' | 'VeryHidden';

/** A 0-based inclusive rectangle. */
export interface Rect {
  r0: number;
  c0: number;
  r1: number;
  c1: number;
}

export interface BorderFormat {
  style?: string;
  color?: string;
  weight?: string;
}

/** Formats written through `range.format`; absent means never set (Excel's default). */
export interface CellFormat {
  fontName?: string;
  fontSize?: number;
  bold?: boolean;
  italic?: boolean;
  underline?: string;
  fontColor?: string;
  fill?: string;
  borders?: Record<string, BorderFormat>;
  horizontalAlignment?: string;
  verticalAlignment?: string;
  wrapText?: boolean;
}

export interface Hyperlink {
  address?: string;
  documentReference?: string;
  screenTip?: string;
  textToDisplay?: string;
}

export interface Cell {
  value: RawValue;
  type: ValueType;
  /** '=…' when the cell holds a formula. */
  formula?: string;
  /** True for a formula written through the fake: its value is computed, not cached from the file. */
  live?: boolean;
  numberFormat: string;
  format?: CellFormat;
  hyperlink?: Hyperlink;
}

export class SheetModel {
  readonly cells = new Map<number, Cell>();
  private mergeList: Rect[] = [];
  /** Merges by row, built on demand (a merge over very many rows is kept aside). */
  private mergeIndex: { rows: Map<number, Rect[]>; tall: Rect[] } | undefined;
  readonly columnWidths = new Map<number, number>();
  readonly rowHeights = new Map<number, number>();
  freezeRows = 0;
  orientation?: string;
  /** Sheet protection: cells, formats and the name cannot be changed (deleting is still allowed, as in Excel). */
  protected = false;

  constructor(
    readonly id: number,
    public name: string,
    public visibility: Visibility,
    /** The sheet came with the workbook (a user's sheet or one owned from an earlier run). */
    readonly original: boolean,
  ) {}

  static key(row: number, col: number): number {
    return row * MAX_COLUMNS + col;
  }

  get(row: number, col: number): Cell | undefined {
    return this.cells.get(SheetModel.key(row, col));
  }

  ensure(row: number, col: number): Cell {
    const k = SheetModel.key(row, col);
    let cell = this.cells.get(k);
    if (!cell) {
      cell = { value: '', type: 'Empty', numberFormat: 'General' };
      this.cells.set(k, cell);
    }
    return cell;
  }

  get merges(): readonly Rect[] {
    return this.mergeList;
  }

  set merges(list: readonly Rect[]) {
    this.mergeList = [...list];
    this.mergeIndex = undefined;
  }

  /** The merge holding (row, col), if any. */
  mergeAt(row: number, col: number): Rect | undefined {
    if (this.mergeList.length === 0) return undefined;
    if (!this.mergeIndex) {
      const rows = new Map<number, Rect[]>();
      const tall: Rect[] = [];
      for (const m of this.mergeList) {
        if (m.r1 - m.r0 > 10000) {
          tall.push(m);
          continue;
        }
        for (let r = m.r0; r <= m.r1; r++) {
          const list = rows.get(r);
          if (list) list.push(m);
          else rows.set(r, [m]);
        }
      }
      this.mergeIndex = { rows, tall };
    }
    const inside = (m: Rect): boolean => row >= m.r0 && row <= m.r1 && col >= m.c0 && col <= m.c1;
    return this.mergeIndex.rows.get(row)?.find(inside) ?? this.mergeIndex.tall.find(inside);
  }

  /** Inside a merge but not its top-left: Excel shows nothing there. */
  isCovered(row: number, col: number): boolean {
    const m = this.mergeAt(row, col);
    return m !== undefined && (m.r0 !== row || m.c0 !== col);
  }

  /** The bounding box of cells with a value (valuesOnly) or with anything at all. */
  usedRect(valuesOnly: boolean): Rect | null {
    let r0 = Infinity;
    let c0 = Infinity;
    let r1 = -1;
    let c1 = -1;
    for (const [k, cell] of this.cells) {
      const hasValue = cell.formula !== undefined || (cell.type !== 'Empty' && cell.value !== '');
      const hasFormat = cell.numberFormat !== 'General' || cell.format !== undefined || cell.hyperlink !== undefined;
      if (!hasValue && (valuesOnly || !hasFormat)) continue;
      const row = Math.floor(k / MAX_COLUMNS);
      const col = k % MAX_COLUMNS;
      if (row < r0) r0 = row;
      if (row > r1) r1 = row;
      if (col < c0) c0 = col;
      if (col > c1) c1 = col;
    }
    if (!valuesOnly) {
      for (const m of this.merges) {
        r0 = Math.min(r0, m.r0);
        c0 = Math.min(c0, m.c0);
        r1 = Math.max(r1, m.r1);
        c1 = Math.max(c1, m.c1);
      }
    }
    return r1 < 0 ? null : { r0, c0, r1, c1 };
  }
}

export interface PartModel {
  id: string;
  namespaceUri: string;
  xml: string;
}

/** The namespace of an XML document's root element ('' when none). */
export function rootNamespace(xml: string): string {
  const body = xml.replace(/^\uFEFF/, '').replace(/<\?[\s\S]*?\?>/g, '').replace(/<!--[\s\S]*?-->/g, '');
  const m = /<([^\s/>!?]+)([^>]*)>/.exec(body);
  if (!m) return '';
  const colon = m[1].indexOf(':');
  const attr = colon < 0 ? 'xmlns' : `xmlns:${m[1].slice(0, colon)}`;
  const ns = new RegExp(`\\s${attr.replace(':', '\\:')}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(m[2]);
  return ns ? (ns[1] ?? ns[2] ?? '') : '';
}

export class WorkbookModel {
  /** The file's name, as `workbook.name` gives it. */
  name = 'Book1.xlsx';
  sheets: SheetModel[] = [];
  parts: PartModel[] = [];
  readonly settings = new Map<string, unknown>();
  activeSheetId: number | undefined;
  selection: { sheetId: number; address: string } | undefined;
  /** Workbook structure protection: sheets cannot be added, deleted, renamed, moved or hidden. */
  structureProtected = false;
  private nextSheetId = 1;
  private nextPartNumber = 1;
  /** Bumped on every write, so that computed formula values are never stale. */
  private version = 0;
  private cache = new Map<string, { value: RawValue; type: ValueType }>();
  private cacheVersion = -1;
  private evaluating = new Set<string>();

  touch(): void {
    this.version++;
  }

  findSheet(name: string): SheetModel | undefined {
    const lower = name.toLowerCase();
    return this.sheets.find((s) => s.name.toLowerCase() === lower);
  }

  sheetById(id: number): SheetModel | undefined {
    return this.sheets.find((s) => s.id === id);
  }

  addSheet(name: string, visibility: Visibility, original: boolean): SheetModel {
    checkSheetName(name);
    if (this.findSheet(name)) throw officeError('ItemAlreadyExists', 'WorksheetCollection.add');
    const sheet = new SheetModel(this.nextSheetId++, name, visibility, original);
    this.sheets.push(sheet);
    if (this.activeSheetId === undefined && visibility === 'Visible') this.activeSheetId = sheet.id;
    this.touch();
    return sheet;
  }

  /** A name Excel would give a new sheet: Sheet1, Sheet2 … */
  defaultSheetName(): string {
    for (let i = 1; ; i++) if (!this.findSheet(`Sheet${i}`)) return `Sheet${i}`;
  }

  newPartId(): string {
    const n = this.nextPartNumber++;
    const hex = n.toString(16).toUpperCase().padStart(12, '0');
    return `{0FA4E000-0000-4000-8000-${hex}}`;
  }

  /** A cell as Excel presents it: formulas computed, merged-away cells empty. */
  present(sheet: SheetModel, row: number, col: number): { value: RawValue; type: ValueType } {
    if (sheet.isCovered(row, col)) return { value: '', type: 'Empty' };
    const cell = sheet.get(row, col);
    if (!cell) return { value: '', type: 'Empty' };
    if (cell.formula === undefined || !cell.live) return { value: cell.value, type: cell.type };
    if (this.cacheVersion !== this.version) {
      this.cache.clear();
      this.cacheVersion = this.version;
    }
    const key = `${sheet.id}:${row}:${col}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    // A circular reference reads as 0, as Excel shows it.
    if (this.evaluating.has(key)) return { value: 0, type: 'Double' };
    this.evaluating.add(key);
    try {
      const result = tryEvaluate(cell.formula, {
        cell: (name, r, c) => {
          const target = name === null ? sheet : this.findSheet(name);
          return target ? this.present(target, r, c) : undefined;
        },
      });
      const out = result instanceof FormulaSyntaxError ? { value: '#NAME?', type: 'Error' as const } : result;
      this.cache.set(key, out);
      return out;
    } finally {
      this.evaluating.delete(key);
    }
  }

  /** Text as the formula bar shows it: the formula, or the value ('' when empty). */
  formulaOf(sheet: SheetModel, row: number, col: number): RawValue {
    if (sheet.isCovered(row, col)) return '';
    const cell = sheet.get(row, col);
    if (!cell) return '';
    return cell.formula ?? cell.value;
  }
}

export function checkSheetName(name: string): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > 31) throw officeError('InvalidArgument', 'Worksheet.name');
  if (/[:\\/?*[\]]/.test(name) || name.startsWith("'") || name.endsWith("'") || name.toLowerCase() === 'history') {
    throw officeError('InvalidArgument', 'Worksheet.name');
  }
}

/** Parses an address as `worksheet.getRange` takes it: A1, A1:B2, A:C, 3:5, with optional $. */
export function parseAddress(address: string): Rect | undefined {
  const a = address.replace(/\$/g, '').trim();
  const parts = a.split(':');
  if (parts.length > 2) return undefined;
  if (parts.every((p) => /^[A-Za-z]{1,3}$/.test(p))) {
    const cols = parts.map((p) => parseCellAddress(`${p}1`)?.col ?? -1);
    if (cols.some((c) => c < 0 || c >= MAX_COLUMNS)) return undefined;
    return { r0: 0, r1: MAX_ROWS - 1, c0: Math.min(...cols), c1: Math.max(...cols) };
  }
  if (parts.every((p) => /^[0-9]{1,7}$/.test(p))) {
    const rows = parts.map((p) => Number(p) - 1);
    if (rows.some((r) => r < 0 || r >= MAX_ROWS)) return undefined;
    return { r0: Math.min(...rows), r1: Math.max(...rows), c0: 0, c1: MAX_COLUMNS - 1 };
  }
  const cells = parts.map((p) => parseCellAddress(p));
  if (cells.some((c) => c === undefined)) return undefined;
  const [s, e] = [cells[0], cells[cells.length - 1]] as { row: number; col: number }[];
  const rect = { r0: Math.min(s.row, e.row), c0: Math.min(s.col, e.col), r1: Math.max(s.row, e.row), c1: Math.max(s.col, e.col) };
  if (rect.r1 >= MAX_ROWS || rect.c1 >= MAX_COLUMNS) return undefined;
  return rect;
}

export function rectAddress(r: Rect): string {
  if (r.r0 === 0 && r.r1 === MAX_ROWS - 1) return `${columnLetter(r.c0)}:${columnLetter(r.c1)}`;
  if (r.c0 === 0 && r.c1 === MAX_COLUMNS - 1) return `${r.r0 + 1}:${r.r1 + 1}`;
  const a = cellAddress(r.r0, r.c0);
  return r.r0 === r.r1 && r.c0 === r.c1 ? a : `${a}:${cellAddress(r.r1, r.c1)}`;
}

/** A sheet name as Excel writes it in an address: quoted unless plain letters, digits, _ and . */
export function addressSheetName(name: string): string {
  const plain = /^[\p{L}_][\p{L}\p{N}_.]*$/u.test(name) && !/^[A-Za-z]{1,3}[0-9]+$/.test(name) && !/^R[0-9]*C[0-9]*$/i.test(name);
  return plain ? name : `'${name.replace(/'/g, "''")}'`;
}

export function intersects(a: Rect, b: Rect): boolean {
  return a.r0 <= b.r1 && b.r0 <= a.r1 && a.c0 <= b.c1 && b.c0 <= a.c1;
}

/** Bytes of a string in UTF-8, without building the encoded copy. */
export function utf8Length(s: string): number {
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

export function jsonBytes(value: unknown): number {
  return utf8Length(JSON.stringify(value) ?? '');
}
