import { normaliseCategory, normaliseLevel } from './categories';
import type { CellContent, SheetView } from './cells';
import { cellAddress, parseCellAddress } from './grid';
import { HEADER_SYNONYMS } from './headers';
import { type Interval, exceeds, meet, quotientInterval, scaleInterval, sumIntervals } from './interval';
import type { Located } from './locate';
import { D, type Dec, formatFixed, formatRate } from './money';
import { compact, isPlaceholder, isValidDocNumber, normaliseDocNumber, tidy } from './text';
import {
  type Amount,
  type Field,
  type Issue,
  type IssueCode,
  type IssueParams,
  ISSUE_CODES,
  type ProjectRow,
  REQUIRED_FIELDS,
  type Severity,
  UNRECOGNISED,
} from './types';

export const SEVERITY: Record<IssueCode, Severity> = {
  'missing-column': 'error',
  'missing-value': 'error',
  'not-a-number': 'error',
  'formula-error': 'error',
  'negative-amount': 'error',
  'zero-budget': 'error',
  'over-execution': 'error',
  'rate-mismatch': 'error',
  'total-mismatch': 'error',
  'duplicate-project': 'error',
  'low-execution-unexplained': 'warning',
  'invalid-doc-number': 'warning',
  'unknown-fund-category': 'warning',
  'unknown-fund-level': 'warning',
  'suspicious-magnitude': 'warning',
  'ambiguous-unit': 'warning',
  'text-number': 'info',
  'owned-name-taken': 'info',
};

/** An amount ≥ this many times the column's median looks like 元 typed into a 万元 column. */
const MAGNITUDE_FACTOR = 5000;
const MAGNITUDE_MIN_VALUES = 5;

const HUNDRED = new D(100);

/** Collects issues; a merged cell is reported by its top-left address. */
class IssueLog {
  readonly issues: Issue[] = [];
  constructor(private readonly view: SheetView) {}

  add(code: IssueCode, row: number, col: number, params: IssueParams = {}): void {
    const [r, c] = this.view.origin(row, col);
    this.issues.push({ code, severity: SEVERITY[code], sheet: this.view.name, cell: cellAddress(r, c), row: r + 1, params });
  }
}

type AmountRead = { ok: true; amount: Amount } | { ok: false; blank: boolean };

/** Reads an amount cell, logging what is wrong with it. */
function readAmount(log: IssueLog, content: CellContent, row: number, col: number, field: Field, required: boolean): AmountRead {
  switch (content.kind) {
    case 'empty':
      if (required) log.add('missing-value', row, col, { field });
      return { ok: false, blank: true };
    case 'error':
      log.add('formula-error', row, col, { field, error: content.text });
      return { ok: false, blank: false };
    case 'text':
      log.add('not-a-number', row, col, { field, text: content.text });
      return { ok: false, blank: false };
    case 'boolean':
      log.add('not-a-number', row, col, { field, text: content.value ? 'TRUE' : 'FALSE' });
      return { ok: false, blank: false };
    case 'text-number':
      log.add('text-number', row, col, { field, text: content.text, value: content.value.toFixed() });
      return { ok: true, amount: { value: content.value, interval: content.interval, numeric: false } };
    case 'number':
      return { ok: true, amount: { value: content.value, interval: content.interval, numeric: true } };
  }
}

/** Whether a rate column holds percents (96.52) rather than fractions (0.9652). */
function rateColumnIsPercent(loc: Located): boolean {
  const col = loc.columns.rate;
  if (col === undefined) return false;
  if (loc.ratePercentHeader) return true;
  for (const row of loc.projectRows) {
    const c = loc.view.content(row, col);
    if (c.kind === 'number' && !c.percentFormat && c.value.abs().gt(2)) return true;
  }
  return false;
}

/** The reported rate as a fraction interval, or undefined when the cell is unusable (logged). */
function readRate(
  log: IssueLog,
  content: CellContent,
  row: number,
  col: number,
  percentColumn: boolean,
  budgetNonZero: boolean,
): Interval | undefined {
  switch (content.kind) {
    case 'empty':
      return undefined;
    case 'error':
      // #DIV/0! in a rate beside a zero budget is what the formula should give.
      if (budgetNonZero) log.add('formula-error', row, col, { field: 'rate', error: content.text });
      return undefined;
    case 'text':
      log.add('not-a-number', row, col, { field: 'rate', text: content.text });
      return undefined;
    case 'boolean':
      log.add('not-a-number', row, col, { field: 'rate', text: content.value ? 'TRUE' : 'FALSE' });
      return undefined;
    case 'text-number': {
      log.add('text-number', row, col, { field: 'rate', text: content.text, value: content.value.toFixed() });
      const asPercent = content.percent || percentColumn;
      return asPercent ? scaleInterval(content.interval, new D(1).div(HUNDRED)) : content.interval;
    }
    case 'number': {
      const asPercent = !content.percentFormat && percentColumn;
      return asPercent ? scaleInterval(content.interval, new D(1).div(HUNDRED)) : content.interval;
    }
  }
}

function percentText(fraction: Dec): string {
  return formatRate(fraction) ?? '';
}

function midpoint(i: Interval): Dec {
  return i.lo.plus(i.hi).div(2);
}

export interface ValidationResult {
  rows: ProjectRow[];
  issues: Issue[];
}

/**
 * Reads every project row and checks it, collecting every issue in one pass.
 * Rows whose amounts are unusable still appear (with the amount undefined) so that nothing
 * the user wrote silently disappears from the count.
 */
export function validate(loc: Located, thresholdPercent: number): ValidationResult {
  const { view, columns } = loc;
  const log = new IssueLog(view);
  const headerRow = loc.headerRows[0];

  for (const field of REQUIRED_FIELDS) {
    if (columns[field] === undefined) {
      log.add('missing-column', headerRow, loc.headerLeft, {
        field,
        synonyms: HEADER_SYNONYMS[field].slice(0, 4).join('、'),
      });
    }
  }
  if (loc.unitSource === 'magnitude') log.add('ambiguous-unit', headerRow, loc.headerLeft, { unit: loc.unit });
  // Without the three required columns there is nothing sound to check row by row.
  if (REQUIRED_FIELDS.some((f) => columns[f] === undefined)) return { rows: [], issues: sortIssues(log.issues) };

  const percentColumn = rateColumnIsPercent(loc);
  const threshold = new D(thresholdPercent).div(HUNDRED);
  const rows: ProjectRow[] = [];
  const seen = new Map<string, number>();

  const text = (row: number, field: Field): string => {
    const col = columns[field];
    if (col === undefined) return '';
    // Text fields merged down over several projects (a category for a group) apply to each.
    const [r, c] = view.origin(row, col);
    return tidy(view.text(r, c));
  };

  for (const row of loc.projectRows) {
    const nameCol = columns.name as number;
    const budgetCol = columns.budget as number;
    const executedCol = columns.executed as number;
    const name = text(row, 'name');
    if (name === '') log.add('missing-value', row, nameCol, { field: 'name' });

    const budgetRead = readAmount(log, view.content(row, budgetCol), row, budgetCol, 'budget', true);
    const executedRead = readAmount(log, view.content(row, executedCol), row, executedCol, 'executed', true);
    let initialBudget: Amount | undefined;
    if (columns.initialBudget !== undefined) {
      const r = readAmount(log, view.content(row, columns.initialBudget), row, columns.initialBudget, 'initialBudget', false);
      if (r.ok) initialBudget = r.amount;
    }
    const budget = budgetRead.ok ? budgetRead.amount : undefined;
    const executed = executedRead.ok ? executedRead.amount : undefined;
    let amountsSound = budget !== undefined && executed !== undefined;
    if (budget && budget.value.isNegative() && !budget.value.isZero()) {
      log.add('negative-amount', row, budgetCol, { field: 'budget', value: budget.value.toFixed() });
      amountsSound = false;
    }
    if (executed && executed.value.isNegative() && !executed.value.isZero()) {
      log.add('negative-amount', row, executedCol, { field: 'executed', value: executed.value.toFixed() });
      amountsSound = false;
    }

    let rate: Dec | null = null;
    if (amountsSound && budget && executed) {
      if (budget.value.isZero()) {
        if (executed.value.gt(0)) {
          log.add('zero-budget', row, budgetCol, { executed: executed.value.toFixed() });
          amountsSound = false;
        }
      } else {
        rate = executed.value.div(budget.value);
        if (exceeds(executed.interval, budget.interval)) {
          log.add('over-execution', row, executedCol, { budget: budget.value.toFixed(), executed: executed.value.toFixed() });
        }
      }
    }

    if (columns.rate !== undefined) {
      const budgetNonZero = budget !== undefined && !budget.value.isZero();
      const reported = readRate(log, view.content(row, columns.rate), row, columns.rate, percentColumn, budgetNonZero);
      if (reported && amountsSound && budget && executed && budgetNonZero && rate !== null) {
        const computed = quotientInterval(executed.interval, budget.interval);
        if (computed && !meet(reported, computed)) {
          log.add('rate-mismatch', row, columns.rate, { reported: percentText(midpoint(reported)), computed: percentText(rate) });
        }
      }
    }

    const reason = text(row, 'reason');
    if (amountsSound && rate !== null && rate.lt(threshold) && isPlaceholder(reason)) {
      const col = columns.reason ?? columns.rate ?? executedCol;
      log.add('low-execution-unexplained', row, col, {
        name,
        rate: percentText(rate),
        threshold: String(thresholdPercent),
      });
    }

    const docNumber = text(row, 'docNumber');
    if (docNumber !== '' && !isValidDocNumber(docNumber)) {
      log.add('invalid-doc-number', row, columns.docNumber as number, { text: docNumber });
    }

    const categoryRaw = text(row, 'category');
    const category = normaliseCategory(categoryRaw);
    if (category === UNRECOGNISED) log.add('unknown-fund-category', row, columns.category as number, { text: categoryRaw });
    const levelRaw = text(row, 'level');
    let level = normaliseLevel(levelRaw);
    if (level === UNRECOGNISED) log.add('unknown-fund-level', row, columns.level as number, { text: levelRaw });
    if (level === null) level = category === '本级财政资金' ? '本级' : UNRECOGNISED;

    if (name !== '') {
      const key = `${compact(name)}\u0000${normaliseDocNumber(docNumber)}`;
      const first = seen.get(key);
      if (first !== undefined) log.add('duplicate-project', row, nameCol, { name, docNumber, firstRow: String(first + 1) });
      else seen.set(key, row);
    }

    rows.push({
      row: row + 1,
      name,
      docNumber,
      category: category ?? UNRECOGNISED,
      categoryRaw,
      level,
      levelRaw,
      office: text(row, 'office'),
      reason,
      content: text(row, 'content'),
      outcome: text(row, 'outcome'),
      budget,
      executed,
      initialBudget,
      rate: amountsSound ? rate : null,
    });
  }

  checkMagnitudes(log, loc, rows);
  if (loc.totalRow !== null) checkTotals(log, loc, rows, percentColumn);
  return { rows, issues: sortIssues(log.issues) };
}

function median(values: Dec[]): Dec {
  // Ordered by the doubles, ties by the decimals: exact (rounding to a double never reverses an
  // order), and it spares n log n decimal comparisons, 2 s of a 100,000-row check.
  const keyed = values.map((v) => ({ v, n: v.toNumber() }));
  keyed.sort((a, b) => a.n - b.n || a.v.comparedTo(b.v));
  const sorted = keyed.map((k) => k.v);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : sorted[mid - 1].plus(sorted[mid]).div(2);
}

function checkMagnitudes(log: IssueLog, loc: Located, rows: ProjectRow[]): void {
  const fields = ['initialBudget', 'budget', 'executed'] as const;
  for (const field of fields) {
    const col = loc.columns[field];
    if (col === undefined) continue;
    const positives = rows.map((r) => r[field]?.value).filter((v): v is Dec => v !== undefined && v.gt(0));
    if (positives.length < MAGNITUDE_MIN_VALUES) continue;
    const m = median(positives);
    const limit = m.times(MAGNITUDE_FACTOR);
    for (const r of rows) {
      const v = r[field]?.value;
      if (v !== undefined && v.gt(0) && v.gte(limit)) {
        log.add('suspicious-magnitude', r.row - 1, col, {
          field,
          value: v.toFixed(),
          median: formatFixed(m),
          times: String(MAGNITUDE_FACTOR),
          unit: loc.unit,
        });
      }
    }
  }
}

function checkTotals(log: IssueLog, loc: Located, rows: ProjectRow[], percentColumn: boolean): void {
  const row = loc.totalRow as number;
  const { view } = loc;
  const sums: Partial<Record<'budget' | 'executed', Interval>> = {};
  for (const field of ['initialBudget', 'budget', 'executed'] as const) {
    const col = loc.columns[field];
    if (col === undefined) continue;
    const content = view.content(row, col);
    const read = readAmount(log, content, row, col, field, false);
    const parts = rows.map((r) => r[field]);
    // A project whose amount is unusable makes the sum unknowable; its own issue says why.
    const complete = parts.every((p) => p !== undefined) || (field === 'initialBudget' && parts.some((p) => p !== undefined));
    if (!complete) continue;
    const sum = sumIntervals(parts.flatMap((p) => (p ? [p.interval] : [])));
    if (field !== 'initialBudget') sums[field] = sum;
    if (read.ok && !meet(read.amount.interval, sum)) {
      log.add('total-mismatch', row, col, {
        field,
        reported: read.amount.value.toFixed(),
        computed: formatFixed(midpoint(sum), 4).replace(/\.?0+$/, ''),
      });
    }
  }
  const rateCol = loc.columns.rate;
  if (rateCol !== undefined && sums.budget && sums.executed && rows.every((r) => r.budget && r.executed)) {
    const totalBudget = rows.reduce((s, r) => s.plus((r.budget as Amount).value), new D(0));
    const totalExecuted = rows.reduce((s, r) => s.plus((r.executed as Amount).value), new D(0));
    const reported = readRate(log, view.content(row, rateCol), row, rateCol, percentColumn, !totalBudget.isZero());
    const computed = quotientInterval(sums.executed, sums.budget);
    if (reported && computed && !totalBudget.isZero() && !meet(reported, computed)) {
      log.add('rate-mismatch', row, rateCol, {
        reported: percentText(midpoint(reported)),
        computed: percentText(totalExecuted.div(totalBudget)),
      });
    }
  }
}

const CODE_ORDER = new Map<string, number>(ISSUE_CODES.map((c, i) => [c, i]));

function columnOf(cell: string): number {
  return parseCellAddress(cell)?.col ?? 0;
}

/** Issues in reading order: by row, then column, then code. */
export function sortIssues(issues: Issue[]): Issue[] {
  return [...issues].sort(
    (a, b) => a.row - b.row || columnOf(a.cell) - columnOf(b.cell) || (CODE_ORDER.get(a.code) ?? 0) - (CODE_ORDER.get(b.code) ?? 0),
  );
}
