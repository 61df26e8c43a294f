/**
 * The contract between the task pane (and the ribbon commands) and a workbook host.
 * The UI receives an `AddinHost` as a prop, so it runs the same against Excel (Office.js),
 * the fake Excel of the workbench, or a stub in a unit test.
 */
import type { Field, Lang, Report, Unit } from '../engine';

/** Settings that persist in the workbook, so a colleague who opens the file gets the same result. */
export interface HostSettings {
  threshold: number;
  year?: number;
  department?: string;
  sheet?: string;
  unit?: Unit;
  /** Column overrides, field → column letters. */
  map?: Partial<Record<Field, string>>;
}

export const DEFAULT_SETTINGS: HostSettings = { threshold: 90 };

export interface DetectedTable {
  sheet: string;
  headerRows: number[];
  /** Number of project rows. */
  projects: number;
  unit: Unit;
  unitSource: 'option' | 'title' | 'header' | 'magnitude' | 'default';
  year: number | null;
  department: string;
  columns: Partial<Record<Field, string>>;
  /** False when the mapping was guessed or overridden: the pane then offers the column editor. */
  confident: boolean;
}

export type ProgressStep = 'reading' | 'analysing' | 'writing' | 'done';

export interface Progress {
  step: ProgressStep;
  /** 0..1 where known (chunked reads and writes). */
  fraction?: number;
}

/** Why an action failed, mapped from Excel's `error.code` (never its localized message). */
export type HostErrorCode =
  | 'cell-edit-mode'
  | 'protected-sheet'
  | 'payload-too-large'
  | 'too-many-cells'
  | 'item-not-found'
  | 'unsupported-excel'
  | 'no-table'
  | 'sheet-not-found'
  | 'write-failed'
  | 'unknown';

export interface HostError {
  code: HostErrorCode;
  /** The message to show, in the pane's language. */
  message: string;
  /** Excel's own error code or text, for a support request. */
  detail?: string;
}

export type HostResult<T> = { ok: true; value: T; error?: never } | { ok: false; error: HostError; value?: never };

export interface ValidateOutcome {
  table: DetectedTable;
  report: Report;
  /** The issues sheet written (ribbon 校验), if any. */
  issuesSheet?: string;
}

export interface FillOutcome {
  table: DetectedTable;
  report: Report;
  /** Names of the sheets written, in order. */
  sheets: string[];
  /** True when errors stopped the summary: only the issues sheet was written. */
  blocked: boolean;
  /** What the user should know about the writing, e.g. a taken sheet name written under another. */
  notes: string[];
}

export interface AddinHost {
  /** The language to show: zh-CN unless Excel's display language is English. */
  readonly lang: Lang;
  loadSettings(): Promise<HostResult<HostSettings>>;
  saveSettings(settings: HostSettings): Promise<HostResult<void>>;
  /** Reads and validates; with `writeIssuesSheet` also writes 校验结果 and activates it. */
  validate(
    settings: HostSettings,
    options?: { writeIssuesSheet?: boolean; onProgress?: (p: Progress) => void },
  ): Promise<HostResult<ValidateOutcome>>;
  /** Validates and writes summary and narrative; with errors writes 校验结果 instead (unless forced). */
  fill(settings: HostSettings, options?: { force?: boolean; onProgress?: (p: Progress) => void }): Promise<HostResult<FillOutcome>>;
  /** Activates the sheet and selects the cell (a problem is shown by selecting, never by formatting). */
  selectCell(sheet: string, cell: string): Promise<HostResult<void>>;
}
