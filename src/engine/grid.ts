/**
 * What a host hands the engine: each sheet's used range as Office.js presents it.
 *
 * The engine sees Office.js semantics whatever the host:
 * - `values[r][c]` is `""` for an empty cell, a number for a number (dates are serials), a boolean,
 *   or a string; an error value is its string (`"#DIV/0!"`) with `valueTypes[r][c] === "Error"`;
 * - rich text is its plain string;
 * - a formula cell gives its cached result; `formulas[r][c]` (optional) holds `"=SUM(…)"`;
 * - a merged area holds its value in the top-left cell only; the others are empty.
 */
export type ValueType = 'Empty' | 'String' | 'Double' | 'Integer' | 'Boolean' | 'Error';

export type RawValue = string | number | boolean;

export interface SheetGrid {
  /** The sheet's name as shown on its tab. */
  name: string;
  /** 0-based row index of `values[0]` in the sheet (row 1 is 0). */
  top: number;
  /** 0-based column index of `values[r][0]` in the sheet (column A is 0). */
  left: number;
  values: RawValue[][];
  valueTypes: ValueType[][];
  /** Number format per cell, `"General"` where none. */
  numberFormats: string[][];
  /** Formula per cell where there is one (`"=SUM(G4:G24)"`), otherwise the value; optional. */
  formulas?: RawValue[][];
  /** Merged areas in A1 notation without sheet name (`"A1:N1"`). */
  merges: string[];
  /** `Visible`, `Hidden` or `VeryHidden`, as Office.js names it. */
  visibility?: 'Visible' | 'Hidden' | 'VeryHidden';
}

export interface WorkbookGrid {
  /** Every sheet, in tab order. */
  sheets: SheetGrid[];
  /** Names of the sheets the tool owns (from the ownership record); never searched for a table. */
  ownedSheets: string[];
}

/** Converts a 0-based column index to letters: 0 → A, 25 → Z, 26 → AA. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** Converts column letters to a 0-based index: A → 0, AA → 26. */
export function columnIndex(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) {
    const code = ch.charCodeAt(0);
    if (code < 65 || code > 90) throw new Error(`not a column: ${letters}`);
    n = n * 26 + (code - 64);
  }
  return n - 1;
}

/** A1 address of a 0-based (row, column): (3, 6) → "G4". */
export function cellAddress(row: number, col: number): string {
  return `${columnLetter(col)}${row + 1}`;
}

export interface CellRef {
  row: number;
  col: number;
}

/** Parses "G4" into 0-based { row: 3, col: 6 }; undefined when it is not an A1 cell address. */
export function parseCellAddress(address: string): CellRef | undefined {
  const m = /^\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6})$/.exec(address.trim());
  if (!m) return undefined;
  return { row: Number(m[2]) - 1, col: columnIndex(m[1]) };
}

export interface RangeRef {
  start: CellRef;
  end: CellRef;
}

/** Parses "A1:N1" (or a single cell "B2") into a 0-based inclusive range. */
export function parseRangeAddress(address: string): RangeRef | undefined {
  const [a, b] = address.split(':');
  const start = parseCellAddress(a);
  const end = b === undefined ? start : parseCellAddress(b);
  if (!start || !end) return undefined;
  return {
    start: { row: Math.min(start.row, end.row), col: Math.min(start.col, end.col) },
    end: { row: Math.max(start.row, end.row), col: Math.max(start.col, end.col) },
  };
}

/** Quotes a sheet name for use in a formula or a link: 'My Sheet'!A1. */
export function quoteSheetName(name: string): string {
  return `'${name.replace(/'/g, "''")}'`;
}
