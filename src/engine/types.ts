import type { Interval, Quantity } from './interval';
import type { Dec } from './money';

/** Stable issue codes: a contract with users, fixtures and the add-in. Never rename one. */
export const ISSUE_CODES = [
  'missing-column',
  'missing-value',
  'not-a-number',
  'formula-error',
  'negative-amount',
  'zero-budget',
  'over-execution',
  'rate-mismatch',
  'total-mismatch',
  'duplicate-project',
  'low-execution-unexplained',
  'invalid-doc-number',
  'unknown-fund-category',
  'unknown-fund-level',
  'suspicious-magnitude',
  'text-number',
  'ambiguous-unit',
  'owned-name-taken',
] as const;

export type IssueCode = (typeof ISSUE_CODES)[number];

export type Severity = 'error' | 'warning' | 'info';

export type Lang = 'zh' | 'en';

/** Parameters a message is built from; plain strings so that every host can show them. */
export type IssueParams = Record<string, string>;

/** A problem in the user's workbook: a value, never an exception. */
export interface Issue {
  code: IssueCode;
  severity: Severity;
  sheet: string;
  /** A1 address of the cell to look at (a merged cell by its top-left). */
  cell: string;
  /** 1-based row of `cell`. */
  row: number;
  params: IssueParams;
}

/** Fields of a project row the engine knows; `name`, `budget` and `executed` are required. */
export const FIELDS = [
  'name',
  'docNumber',
  'category',
  'level',
  'initialBudget',
  'budget',
  'executed',
  'rate',
  'outcome',
  'reason',
  'content',
  'office',
  'assessment',
] as const;

export type Field = (typeof FIELDS)[number];

export const REQUIRED_FIELDS: readonly Field[] = ['name', 'budget', 'executed'];

export const AMOUNT_FIELDS: readonly Field[] = ['initialBudget', 'budget', 'executed'];

export const FUND_CATEGORIES = [
  '本级财政资金',
  '共同财政事权转移支付',
  '专项转移支付',
  '一般性转移支付',
  '增发国债',
  '债券资金',
  '其他资金',
] as const;

export type FundCategory = (typeof FUND_CATEGORIES)[number];

/** A value that maps to no category or level is counted here, never silently elsewhere. */
export const UNRECOGNISED = '未识别';

export type CategoryKey = FundCategory | typeof UNRECOGNISED;

export const FUND_LEVELS = ['中央', '省', '市', '本级'] as const;

export type FundLevel = (typeof FUND_LEVELS)[number];

export type LevelKey = FundLevel | typeof UNRECOGNISED;

export type Unit = '元' | '千元' | '万元';

export interface AnalyzeOptions {
  /** Sheet to read; otherwise detected. */
  sheet?: string;
  /** Column overrides, field → column letters (`{ budget: 'G' }`). */
  map?: Partial<Record<Field, string>>;
  /** Unit override; otherwise from a title line, a header or the magnitude. */
  unit?: Unit;
  /** Execution-rate threshold in percent below which a reason is required (default 90). */
  threshold?: number;
  year?: number;
  department?: string;
}

/**
 * An amount as read from one cell, in the source unit, with what its display says about it:
 * `interval` bounds the true value (exact, or ± half a unit of the last displayed digit).
 */
export interface Amount {
  readonly value: Dec;
  readonly interval: Interval;
  /** The cell held a real number (not text), so a formula may refer to it. */
  readonly numeric: boolean;
  /** The value and its display, for the fast checks (value and interval are made from it on demand). */
  readonly q: Quantity;
}

export interface ProjectRow {
  /** 1-based sheet row. */
  row: number;
  name: string;
  docNumber: string;
  /** Canonical category, or 未识别; raw text kept in `categoryRaw`. */
  category: CategoryKey;
  categoryRaw: string;
  level: LevelKey;
  levelRaw: string;
  office: string;
  reason: string;
  content: string;
  outcome: string;
  /**
   * Amounts in the source unit; undefined where the cell is blank or unusable. The engine's
   * records keep them by column and make each anew when read (amounts.ts): getters, which a
   * spread (`{ ...row }`) leaves out, like `rate`.
   */
  budget?: Amount;
  executed?: Amount;
  initialBudget?: Amount;
  /**
   * executed ÷ budget at full precision; null when the budget is 0 or either is missing.
   * Computed when first read: checks and sums go through the amounts' fast paths (rates.ts).
   */
  readonly rate: Dec | null;
}

/** Where the table is and how it reads. */
export interface TableLayout {
  sheet: string;
  /** 1-based header rows (one or two). */
  headerRows: number[];
  /** field → column letters. */
  columns: Partial<Record<Field, string>>;
  /** 0-based column index per field. */
  columnIndex: Partial<Record<Field, number>>;
  unit: Unit;
  /** Where the unit came from, for the report. */
  unitSource: 'option' | 'title' | 'header' | 'magnitude' | 'default';
  year: number | null;
  department: string;
  /** 1-based rows of projects. */
  projectRows: number[];
  /** 1-based row of the 合计/总计 row, if any. */
  totalRow: number | null;
  /** True when detection was not certain (a mapping was guessed or overridden). */
  confident: boolean;
}

export interface LevelFigures {
  budget: Dec;
  executed: Dec;
}

export interface CategoryFigures {
  category: CategoryKey;
  budget: Dec;
  executed: Dec;
  rate: Dec | null;
  byLevel: Record<LevelKey, LevelFigures>;
  /** 1-based rows of the projects in it, for formulas. */
  rows: number[];
}

export interface OfficeFigures {
  office: string;
  projects: number;
  budget: Dec;
  executed: Dec;
  rate: Dec | null;
  rows: number[];
}

/** Every figure in 万元 at full precision; rounded only on output. */
export interface Figures {
  projects: number;
  budget: Dec;
  executed: Dec;
  rate: Dec | null;
  byCategory: CategoryFigures[];
  byOffice: OfficeFigures[];
  lowExecution: ProjectRow[];
}

export type AnalysisResult =
  | { ok: true; analysis: Analysis; error?: never }
  | { ok: false; error: UnusableInput; analysis?: never };

/**
 * Why an input cannot be used at all (the command line's exit 2): a fixed list.
 * `params.detail` refines `not-a-workbook` ('empty' | 'xls' | 'csv' | 'text' | 'zip' | 'other').
 */
export const UNUSABLE_CODES = [
  'file-not-found',
  'not-a-workbook',
  'truncated',
  'password-protected',
  'too-large',
  'no-table',
  'sheet-not-found',
  'bad-option',
] as const;

export type UnusableCode = (typeof UNUSABLE_CODES)[number];

export interface UnusableInput {
  code: UnusableCode;
  params: IssueParams;
}

export interface Analysis {
  layout: TableLayout;
  rows: ProjectRow[];
  issues: Issue[];
  counts: Record<Severity, number>;
  figures: Figures;
  /** The report's section 二, paragraph by paragraph (zh-CN). */
  narrative: string[];
  threshold: number;
}

/** Roles of the sheets the tool owns, and their preferred names. */
export const OWNED_SHEET_NAMES = {
  summary: '预算执行汇总',
  narrative: '绩效自评文字',
  issues: '校验结果',
} as const;

export type SheetRole = keyof typeof OWNED_SHEET_NAMES;

/** Semantic cell styles; each host maps them to its own formatting. */
export type CellStyle =
  | 'title'
  | 'subtitle'
  | 'header'
  | 'text'
  | 'wrap'
  | 'paragraph'
  | 'money'
  | 'percent'
  | 'integer'
  | 'total-text'
  | 'total-money'
  | 'total-percent'
  | 'link'
  | 'note'
  | 'severity-error'
  | 'severity-warning'
  | 'severity-info';

/**
 * One cell the engine asks a host to write. Text is always written as text, never parsed:
 * a value starting with `=`, `+`, `-`, `@`, a tab or a carriage return stays text.
 * Numbers are decimal strings at full precision ("1406.3349"); the style's format rounds them
 * for display. A formula carries the engine's value of it, so a host may cache or check it.
 */
export type PlanCell =
  | { t: 'text'; text: string; style?: CellStyle; link?: { sheet: string; cell: string } }
  | { t: 'number'; value: string; style?: CellStyle }
  | { t: 'formula'; formula: string; value: string; style?: CellStyle }
  | { t: 'empty'; style?: CellStyle };

export interface SheetPlan {
  role: SheetRole;
  /** The name to write under: the preferred one unless a user's sheet holds it. */
  name: string;
  /** How many rows the sheet has, from A1 down. */
  rowCount: number;
  /**
   * Row r's cells from column A (0 ≤ r < rowCount; `[]` outside). Made on demand: the rows of a
   * long project list are never all held at once, and each call makes its row anew, so a host
   * asks once per row, writes it, and lets it go. `rowsOf(plan)` gives them all as arrays.
   */
  row(r: number): readonly PlanCell[];
  /** The widest row's number of cells. */
  width: number;
  /** Every style a cell uses, each once. */
  styles: readonly CellStyle[];
  /** Whether any cell is a formula. */
  hasFormulas: boolean;
  /** Column widths in characters, from column A. */
  columnWidths: number[];
  /** Merged areas, A1 notation ("A1:F1"). */
  merges: string[];
  /** Row heights in points where the default will not do (0-based row index → points). */
  rowHeights?: Record<number, number>;
  /** Rows frozen at the top. */
  freezeRows?: number;
  landscape?: boolean;
}

/** Everything a host writes: the owned sheets to create or replace, the owned sheets to remove. */
export interface WritePlan {
  sheets: SheetPlan[];
  /** Owned sheets from an earlier run that this run does not write (stale), by name. */
  remove: string[];
  /** The sheet to activate when done. */
  activate: string;
}
