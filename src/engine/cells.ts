import type { RawValue, SheetGrid, ValueType } from './grid';
import { parseRangeAddress } from './grid';
import { parseNumberText } from './money';
import { Quantity, displayDecimals } from './interval';
import type { Dec } from './money';
import type { NumParts } from './num';

/**
 * A numeric cell: a quantity (its value and what its display says), itself an amount
 * (types.ts Amount) once read as one — one object per cell, its value and interval made when asked.
 */
export class NumberContent extends Quantity {
  readonly kind = 'number' as const;
  /** `value`: the cell's double, or the parts of a Num made from it (amounts.ts). */
  constructor(
    value: number | NumParts,
    shown: number | null,
    readonly percentFormat: boolean,
  ) {
    super(value, shown, true);
  }
  /** As an amount: a real number, so a formula may refer to it. */
  get numeric(): boolean {
    return true;
  }
}

/** A number typed as text (accepted, reported as info). */
export class TextNumberContent extends Quantity {
  readonly kind = 'text-number' as const;
  /** `value`: the decimal read from the text. */
  constructor(
    value: Dec,
    shown: number,
    readonly percent: boolean,
    readonly text: string,
  ) {
    super(value, shown, false);
  }
  /** As an amount: text, so a formula must not refer to it. */
  get numeric(): boolean {
    return false;
  }
}

/**
 * A cell's content parsed once, at the edge, into a tagged value
 * (after hyperformula's CellContentParser): the engine never looks at raw values again.
 */
export type CellContent =
  | { kind: 'empty' }
  | NumberContent
  | TextNumberContent
  | { kind: 'text'; text: string }
  | { kind: 'error'; text: string }
  | { kind: 'boolean'; value: boolean };

const EMPTY_CONTENT: CellContent = Object.freeze({ kind: 'empty' as const });

/** A sheet as the engine reads it: sheet coordinates, merges resolved. */
export class SheetView {
  readonly name: string;
  private readonly grid: SheetGrid;
  /** For a cell inside a merge (not its top-left): the top-left, as "row,col" → [row, col]. */
  private readonly mergeOrigin = new Map<number, [number, number]>();
  /** Vertical extent of merges by top-left, for filling text down. */
  readonly mergeAreas: { top: number; left: number; bottom: number; right: number }[] = [];
  readonly rowCount: number;
  readonly colCount: number;
  /** 1 for a row (in the used range) some merge covers: a cell of any other row is its own origin. */
  private readonly mergedRow: Uint8Array;

  constructor(grid: SheetGrid) {
    this.name = grid.name;
    this.grid = grid;
    this.rowCount = grid.top + grid.values.length;
    this.colCount = grid.left + grid.values.reduce((m, r) => Math.max(m, r.length), 0);
    this.mergedRow = new Uint8Array(this.rowCount);
    for (const address of grid.merges) {
      const r = parseRangeAddress(address);
      if (!r) continue;
      this.mergeAreas.push({ top: r.start.row, left: r.start.col, bottom: r.end.row, right: r.end.col });
      // Only cells inside the used range matter; guard against a merge over a whole column.
      const bottom = Math.min(r.end.row, this.rowCount - 1);
      const right = Math.min(r.end.col, this.colCount - 1);
      for (let row = r.start.row; row <= bottom; row++) this.mergedRow[row] = 1;
      for (let row = r.start.row; row <= bottom; row++) {
        for (let col = r.start.col; col <= right; col++) {
          if (row === r.start.row && col === r.start.col) continue;
          this.mergeOrigin.set(this.key(row, col), [r.start.row, r.start.col]);
        }
      }
    }
  }

  private key(row: number, col: number): number {
    return row * 16384 + col;
  }

  /** The top-left cell of the merge holding (row, col), or the cell itself. */
  origin(row: number, col: number): [number, number] {
    const inside = this.mergeOrigin.get(this.key(row, col));
    if (inside) return inside;
    // Past the used range the index holds nothing (a merge may reach there: a --map column).
    if (row >= this.rowCount || col >= this.colCount) {
      const m = this.mergeAreas.find((a) => row >= a.top && row <= a.bottom && col >= a.left && col <= a.right);
      if (m) return [m.top, m.left];
    }
    return [row, col];
  }

  /** Whether (row, col) is inside a merge but not its top-left. */
  isMergedAway(row: number, col: number): boolean {
    return this.mergeOrigin.has(this.key(row, col));
  }

  /** The raw value, '' outside the grid (no object made: the checks call this per cell). */
  private valueAt(row: number, col: number): RawValue {
    const line = this.grid.values[row - this.grid.top];
    const c = col - this.grid.left;
    if (line === undefined || c < 0 || c >= line.length) return '';
    return line[c];
  }

  private typeAt(row: number, col: number): ValueType {
    return this.grid.valueTypes[row - this.grid.top]?.[col - this.grid.left] ?? 'Empty';
  }

  /** Whether the cell reads as empty: `content(row, col).kind === 'empty'` without parsing it. */
  isEmpty(row: number, col: number): boolean {
    return isEmptyRaw(this.valueAt(row, col), this.typeAt(row, col));
  }

  /** The cell's text as a person reads it ('' for empty); numbers as written by JS. */
  text(row: number, col: number): string {
    const value = this.valueAt(row, col);
    if (value === '' || this.typeAt(row, col) === 'Empty') return '';
    return String(value).trim();
  }

  /** The text of the merge's top-left cell when (row, col) lies inside a merge, else the cell's own. */
  originText(row: number, col: number): string {
    // Inside the used range the index answers, and a cell outside every merge, most of them, is
    // read where it is: no [row, col] pair is made (this runs for every text cell of every row).
    if (row < this.rowCount && col < this.colCount) {
      const inside = this.mergedRow[row] === 0 ? undefined : this.mergeOrigin.get(this.key(row, col));
      return inside === undefined ? this.text(row, col) : this.text(inside[0], inside[1]);
    }
    const [r, c] = this.origin(row, col);
    return this.text(r, c);
  }

  content(row: number, col: number): CellContent {
    const value = this.valueAt(row, col);
    if (value === '') return EMPTY_CONTENT;
    const r = row - this.grid.top;
    const c = col - this.grid.left;
    return parseCell({ value, type: this.typeAt(row, col), format: this.grid.numberFormats[r]?.[c] ?? 'General' });
  }
}

/** Whether a raw cell reads as empty: no value, or text of white space only (an error's text never). */
function isEmptyRaw(value: RawValue, type: ValueType): boolean {
  if (type === 'Empty' || value === '' || value === null || value === undefined) return true;
  return type !== 'Error' && typeof value === 'string' && value.trim() === '';
}

/**
 * Parses one raw cell. Numbers from doubles go to decimal through 15 significant digits;
 * text that reads as a number is kept as a text-number (accepted, reported as info).
 */
export function parseCell(cell: { value: RawValue; type: ValueType; format: string }): CellContent {
  const { value, type, format } = cell;
  if (isEmptyRaw(value, type)) return EMPTY_CONTENT;
  if (type === 'Error') return { kind: 'error', text: String(value) };
  if (typeof value === 'boolean') return { kind: 'boolean', value };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { kind: 'error', text: '#NUM!' };
    return new NumberContent(value, displayDecimals(format), isPercentFormat(format));
  }
  const text = String(value);
  const parsed = parseNumberText(text);
  // "1e999" reads as a decimal, but no spreadsheet cell can hold it: it is not a number here either.
  if (parsed && Number.isFinite(parsed.value.toNumber())) {
    return new TextNumberContent(parsed.value, parsed.decimals, parsed.percent, text);
  }
  return { kind: 'text', text };
}

const PERCENT_FORMATS = new Map<string, boolean>();

function isPercentFormat(format: string): boolean {
  let known = PERCENT_FORMATS.get(format);
  if (known === undefined) {
    // A % outside quotes and brackets.
    const bare = format.replace(/"[^"]*"/g, '').replace(/\[[^\]]*\]/g, '').replace(/\\./g, '');
    known = bare.split(';')[0].includes('%');
    if (PERCENT_FORMATS.size < 10_000) PERCENT_FORMATS.set(format, known);
  }
  return known;
}
