import type { Field, Severity } from '../types';
import type { MessageTable, UnusableTable } from './zh-CN';
import type { ui as zhUi } from './zh-CN';

export const fieldNames: Record<Field, string> = {
  name: 'project name',
  docNumber: 'document number',
  category: 'fund category',
  level: 'fund level',
  initialBudget: 'initial budget',
  budget: 'full-year budget',
  executed: 'executed amount',
  rate: 'execution rate',
  outcome: 'outcome',
  reason: 'deviation reason',
  content: 'content and effect',
  office: 'responsible office',
  assessment: 'ex-ante assessment',
};

export const severityNames: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'info' };

export const messages: MessageTable = {
  'missing-column': (p) =>
    `Required column "${p.fieldName}" not found. Add it to the header (usual headers: ${p.synonyms}) or name its column (in the pane: Adjust column mapping; on the command line: --map ${p.field}=COLUMN).`,
  'missing-value': (p) => `The project has no ${p.fieldName}. Fill in this cell${p.field === 'name' ? '' : ' (enter 0 if there is no amount)'}.`,
  'not-a-number': (p) => `${cap(p.fieldName)} "${p.text}" is not a number. Enter a number (e.g. 85.00); put remarks in the notes or reason column.`,
  'formula-error': (p) => `The ${p.fieldName} cell holds the error ${p.error}. Check its formula or enter a value.`,
  'negative-amount': (p) => `${cap(p.fieldName)} is negative (${p.value}). Amounts cannot be below 0; correct it.`,
  'zero-budget': (p) => `The full-year budget is 0 but ${p.executed} was executed. Enter the real full-year budget.`,
  'over-execution': (p) =>
    `Executed ${p.executed} exceeds the budget ${p.budget}: a rate above 100%, which the national system refuses. Check the executed amount or the budget.`,
  'rate-mismatch': (p) =>
    `The reported rate ${p.reported}% does not match executed ÷ budget (${p.computed}%), even allowing for rounding. Use ${p.computed}% or the formula =executed/budget.`,
  'total-mismatch': (p) =>
    `The total's ${p.fieldName} ${p.reported} differs from the sum of the projects, ${p.computed} (rounding allowed). Use =SUM(…) instead.`,
  'duplicate-project': (p) =>
    `Project "${p.name}" ${p.docNumber ? `(${p.docNumber})` : '(no document number)'} repeats row ${p.firstRow}. Delete the duplicate or correct its document number.`,
  'low-execution-unexplained': (p) =>
    `Project "${p.name}" executed ${p.rate}%, below ${p.threshold}%, with no reason given. Explain the deviation and the remedy in the reason column.`,
  'invalid-doc-number': (p) => `Document number "${p.text}" is malformed. The form is AGENCY〔YEAR〕N号, e.g. 唐财建〔2024〕10号.`,
  'unknown-fund-category': (p) =>
    `Fund category "${p.text}" is not recognised and is counted as 未识别. Use one of 本级财政资金, 共同财政事权转移支付, 专项转移支付, 一般性转移支付, 增发国债, 债券资金, 其他资金.`,
  'unknown-fund-level': (p) => `Fund level "${p.text}" is not recognised and is counted as 未识别. Use 中央, 省, 市 or 本级.`,
  'suspicious-magnitude': (p) =>
    `${cap(p.fieldName)} ${p.value} is over ${p.times} times the column's median ${p.median}: 元 entered in a ${p.unit} column? Check the unit.`,
  'text-number': (p) => `The number "${p.text}" is stored as text; read as ${p.value}. Convert it to a number.`,
  'ambiguous-unit': (p) => `No unit is stated; amounts were read as ${p.unit} from their size. State "单位：万元" under the title, or set the unit (in the pane's settings; on the command line: --unit).`,
  'owned-name-taken': (p) => `Sheet "${p.name}" is yours and was left untouched; the result was written to "${p.used}".`,
};

export const unusable: UnusableTable = {
  'file-not-found': (p) => `File not found: ${p.path}`,
  'not-a-workbook': (p) =>
    ({
      empty: 'The file is empty (0 bytes), not an Excel workbook.',
      xls: 'This is an Excel 97-2003 (.xls) file. Save it as .xlsx in Excel and try again.',
      csv: 'This is a CSV text file, not an Excel workbook. Open it in Excel and save it as .xlsx.',
      text: 'This is a text file, not an Excel workbook.',
      zip: 'This is an archive or another Office document (e.g. Word), not an Excel workbook.',
      unwritable: 'The workbook\'s internal structure is incomplete or irregular, so it cannot be written safely (checking still works). Open it in Excel, save it as .xlsx, then generate again.',
    })[p.detail ?? ''] ?? 'Unrecognised file format: not an Excel workbook (.xlsx/.xlsm).',
  truncated: () => 'The file is damaged or incomplete (an interrupted download or copy?). Get the original again.',
  'password-protected': () => 'The workbook has a password to open. Remove it in Excel (File → Info → Protect Workbook) and try again.',
  'too-large': (p) =>
    p.detail === 'uncompressed'
      ? `The workbook inflates to too much (${p.size} MB; the limit is ${p.limit} MB): a project list is far smaller, so the file may be damaged or a crafted archive (a zip bomb). It was not read.`
      : `The file is too large (${p.size} MB; the limit is ${p.limit} MB). Raise the limit with --max-size.`,
  'no-table': (p) =>
    `No project table found: no header row names the project and at least two other known columns. Sheets searched: ${p.sheets || '(none)'}. Use --sheet and --map.`,
  'sheet-not-found': (p) => `Sheet "${p.sheet}" not found.`,
  'bad-option': (p) => `Invalid value "${p.value}" for ${p.option}.`,
};

export const ui: typeof zhUi = {
  file: 'File',
  sheet: 'Sheet',
  headerRows: 'Header rows',
  unit: 'Unit',
  year: 'Year',
  department: 'Department',
  projects: 'Projects',
  totals: 'Totals',
  budget: 'Full-year budget',
  executed: 'Executed',
  rate: 'Execution rate',
  byCategory: 'By fund category and level',
  byOffice: 'By office',
  issues: 'Validation',
  noIssues: 'No problems found.',
  counts: (e: number, w: number, i: number) => `${e} errors, ${w} warnings, ${i} info`,
  narrative: 'Self-evaluation text (zh-CN)',
  unitNote: '(amounts in 万元)',
  wrote: (path: string) => `Wrote ${path}`,
  wroteWithErrors: (path: string) => `Errors found; the validation sheet was written to ${path}`,
  forced: 'Warning: the data has errors; the summary was written anyway (--force) and marked as unchecked.',
  ownedNameTaken: (name: string, used: string) => `Sheet "${name}" is taken; the result went to "${used}".`,
  internalError: 'Internal error: a bug in jixiao, not a problem with your file. Please report this line and the file:',
  usage: 'Usage',
};

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
