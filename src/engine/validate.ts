import { type AmountColumn, ProjectAmounts } from './amounts';
import { normaliseCategory, normaliseLevel } from './categories';
import type { CellContent, SheetView } from './cells';
import { cellAddress, parseCellAddress } from './grid';
import { HEADER_SYNONYMS } from './headers';
import { type Interval, type Quantity, QuantitySum, exceeds, exceedsFast, meet, quotientInterval, rateMeetsFast, scaleInterval } from './interval';
import type { Located } from './locate';
import { D, type Dec, formatFixed, formatRate } from './money';
import { Num, approxOf, decideDouble } from './num';
import { ProjectRecord, rateBelow, threshold as thresholdOf } from './rates';
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

/** Reads an amount cell, logging what is wrong with it: the amount, or undefined when there is none to use. */
function readAmount(log: IssueLog, content: CellContent, row: number, col: number, field: Field, required: boolean): Amount | undefined {
  switch (content.kind) {
    case 'empty':
      if (required) log.add('missing-value', row, col, { field });
      return undefined;
    case 'error':
      log.add('formula-error', row, col, { field, error: content.text });
      return undefined;
    case 'text':
      log.add('not-a-number', row, col, { field, text: content.text });
      return undefined;
    case 'boolean':
      log.add('not-a-number', row, col, { field, text: content.value ? 'TRUE' : 'FALSE' });
      return undefined;
    case 'text-number':
      log.add('text-number', row, col, { field, text: content.text, value: content.q.num.toFixed() });
      return content;
    case 'number':
      return content;
  }
}

/** Whether a rate column holds percents (96.52) rather than fractions (0.9652). */
function rateColumnIsPercent(loc: Located): boolean {
  const col = loc.columns.rate;
  if (col === undefined) return false;
  if (loc.ratePercentHeader) return true;
  for (const row of loc.projectRows) {
    const c = loc.view.content(row, col);
    if (c.kind === 'number' && !c.percentFormat && Math.abs(c.q.num.d) > 2) return true;
  }
  return false;
}

/** A reported rate: the cell's quantity, and whether it is in percent (÷ 100 gives the fraction). */
interface ReportedRate {
  q: Quantity;
  percent: boolean;
}

/** The reported rate's fraction interval (the exact path). */
function reportedInterval(r: ReportedRate): Interval {
  return r.percent ? scaleInterval(r.q.interval, new D(1).div(HUNDRED)) : r.q.interval;
}

/** The reported rate, or undefined when the cell is unusable (logged). */
function readRate(
  log: IssueLog,
  content: CellContent,
  row: number,
  col: number,
  percentColumn: boolean,
  budgetNonZero: boolean,
): ReportedRate | undefined {
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
    case 'text-number':
      log.add('text-number', row, col, { field: 'rate', text: content.text, value: content.q.num.toFixed() });
      return { q: content.q, percent: content.percent || percentColumn };
    case 'number':
      return { q: content.q, percent: !content.percentFormat && percentColumn };
  }
}

/** Whether a reported rate meets what executed ÷ budget can be (budget above 0); fast where doubles can tell. */
function rateMeets(reported: ReportedRate, executed: Amount, budget: Amount): boolean {
  const fast = rateMeetsFast(reported.q, reported.percent, executed.q, budget.q);
  if (fast !== undefined) return fast;
  const computed = quotientInterval(executed.interval, budget.interval);
  return !computed || meet(reportedInterval(reported), computed);
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
  const threshold = thresholdOf(thresholdPercent);
  const rows: ProjectRecord[] = [];
  // The amounts, by column: what stays of a row is its record (amounts.ts says why).
  const amounts = new ProjectAmounts(loc.projectRows.length);
  // What the column checks need, gathered as the rows are read (an amount is not read twice).
  const stats: ColumnsStats = {
    budget: new ColumnStats(loc.projectRows.length),
    executed: new ColumnStats(loc.projectRows.length),
    initialBudget: columns.initialBudget === undefined ? undefined : new ColumnStats(loc.projectRows.length),
  };
  // Duplicates are projects of one compacted name and one normalised document number. Names are
  // mostly unique: the first project of each name is kept by name alone (compact returns most
  // names as they are: no string per row), and document numbers are looked at for names met again.
  const firstOfName = new Map<string, ProjectRecord>();
  const rowsOfNameDoc = new Map<string, Map<string, number>>();

  // Text fields merged down over several projects (a category for a group) apply to each.
  const text = (row: number, col: number | undefined): string => (col === undefined ? '' : tidy(view.originText(row, col)));
  const nameCol = columns.name as number;
  const budgetCol = columns.budget as number;
  const executedCol = columns.executed as number;
  const { initialBudget: initialCol, rate: rateCol, docNumber: docCol, category: categoryCol, level: levelCol } = columns;
  const { reason: reasonCol, office: officeCol, content: contentCol, outcome: outcomeCol } = columns;

  for (const row of loc.projectRows) {
    const name = text(row, nameCol);
    if (name === '') log.add('missing-value', row, nameCol, { field: 'name' });

    const budget = readAmount(log, view.content(row, budgetCol), row, budgetCol, 'budget', true);
    const executed = readAmount(log, view.content(row, executedCol), row, executedCol, 'executed', true);
    const initialBudget =
      initialCol === undefined ? undefined : readAmount(log, view.content(row, initialCol), row, initialCol, 'initialBudget', false);
    let amountsSound = budget !== undefined && executed !== undefined;
    if (budget && budget.q.num.isNegative()) {
      log.add('negative-amount', row, budgetCol, { field: 'budget', value: budget.q.num.toFixed() });
      amountsSound = false;
    }
    if (executed && executed.q.num.isNegative()) {
      log.add('negative-amount', row, executedCol, { field: 'executed', value: executed.q.num.toFixed() });
      amountsSound = false;
    }

    let hasRate = false;
    if (amountsSound && budget && executed) {
      if (budget.q.num.isZero()) {
        if (executed.q.num.isPositive()) {
          log.add('zero-budget', row, budgetCol, { executed: executed.q.num.toFixed() });
          amountsSound = false;
        }
      } else {
        hasRate = true;
        if (exceedsFast(executed.q, budget.q) ?? exceeds(executed.interval, budget.interval)) {
          log.add('over-execution', row, executedCol, { budget: budget.q.num.toFixed(), executed: executed.q.num.toFixed() });
        }
      }
    }

    const reason = text(row, reasonCol);
    const docNumber = text(row, docCol);
    const categoryRaw = text(row, categoryCol);
    const levelRaw = text(row, levelCol);
    const category = normaliseCategory(categoryRaw);
    let level = normaliseLevel(levelRaw);
    const index = rows.length;
    amounts.budget.set(index, budget);
    amounts.executed.set(index, executed);
    amounts.initialBudget.set(index, initialBudget);
    if (budget) stats.budget.add(budget, index);
    if (executed) stats.executed.add(executed, index);
    if (initialBudget) stats.initialBudget?.add(initialBudget, index);
    const project = new ProjectRecord(
      {
        row: row + 1,
        name,
        docNumber,
        category: category ?? UNRECOGNISED,
        categoryRaw,
        level: UNRECOGNISED,
        levelRaw,
        office: text(row, officeCol),
        reason,
        content: text(row, contentCol),
        outcome: text(row, outcomeCol),
      },
      amounts,
      index,
      amountsSound && hasRate,
    );

    if (rateCol !== undefined) {
      const budgetNonZero = budget !== undefined && !budget.q.num.isZero();
      const reported = readRate(log, view.content(row, rateCol), row, rateCol, percentColumn, budgetNonZero);
      if (reported && amountsSound && budget && executed && budgetNonZero && hasRate && !rateMeets(reported, executed, budget)) {
        log.add('rate-mismatch', row, rateCol, {
          reported: percentText(midpoint(reportedInterval(reported))),
          computed: percentText(project.rate as Dec),
        });
      }
    }

    if (project.hasRate && rateBelow(project, threshold) && isPlaceholder(reason)) {
      const col = reasonCol ?? rateCol ?? executedCol;
      log.add('low-execution-unexplained', row, col, {
        name,
        rate: percentText(project.rate as Dec),
        threshold: String(thresholdPercent),
      });
    }

    if (docNumber !== '' && !isValidDocNumber(docNumber)) {
      log.add('invalid-doc-number', row, docCol as number, { text: docNumber });
    }

    if (category === UNRECOGNISED) log.add('unknown-fund-category', row, categoryCol as number, { text: categoryRaw });
    if (level === UNRECOGNISED) log.add('unknown-fund-level', row, levelCol as number, { text: levelRaw });
    if (level === null) level = category === '本级财政资金' ? '本级' : UNRECOGNISED;
    project.level = level;

    if (name !== '') {
      const key = compact(name);
      const earlier = firstOfName.get(key);
      if (earlier === undefined) firstOfName.set(key, project);
      else {
        // The name met again: its projects by document number, from the first one on.
        let byDoc = rowsOfNameDoc.get(key);
        if (byDoc === undefined) {
          byDoc = new Map([[normaliseDocNumber(earlier.docNumber), earlier.row - 1]]);
          rowsOfNameDoc.set(key, byDoc);
        }
        const doc = normaliseDocNumber(docNumber);
        const first = byDoc.get(doc);
        if (first !== undefined) log.add('duplicate-project', row, nameCol, { name, docNumber, firstRow: String(first + 1) });
        else byDoc.set(doc, row);
      }
    }

    rows.push(project);
  }

  checkMagnitudes(log, loc, rows, amounts, stats);
  if (loc.totalRow !== null) checkTotals(log, loc, rows.length, stats, percentColumn);
  return { rows, issues: sortIssues(log.issues) };
}

/** What the checks of a whole column need of its amounts, gathered row by row. */
class ColumnStats {
  /** The amounts' intervals, summed (total-mismatch). */
  readonly sum = new QuantitySum();
  /** The positive amounts' doubles and project indices, in row order (suspicious-magnitude). */
  readonly positives: Float64Array;
  readonly at: Int32Array;
  count = 0;
  /** Whether every positive amount has a fast form: its double then orders and compares it exactly. */
  allFast = true;

  constructor(size: number) {
    this.positives = new Float64Array(size);
    this.at = new Int32Array(size);
  }

  add(a: Amount, index: number): void {
    const q = a.q;
    this.sum.add(q);
    if (q.isPositive()) {
      this.positives[this.count] = q.d;
      this.at[this.count] = index;
      this.count++;
      if (!q.fast) this.allFast = false;
    }
  }
}

interface ColumnsStats {
  budget: ColumnStats;
  executed: ColumnStats;
  initialBudget: ColumnStats | undefined;
}

/**
 * The k-th smallest of xs (0-based), moving xs's elements about: Hoare's selection, linear on
 * average (a sort of every amount of a long column only to read its middle is not).
 */
function select(xs: Float64Array, k: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const pivot = xs[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (xs[i] < pivot) i++;
      while (xs[j] > pivot) j--;
      if (i <= j) {
        const t = xs[i];
        xs[i] = xs[j];
        xs[j] = t;
        i++;
        j--;
      }
    }
    // Now xs[lo..j] ≤ pivot ≤ xs[i..hi], and every element between j and i equals the pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return xs[k];
  }
  return xs[k];
}

/** The largest of xs[0..end). */
function maxBelow(xs: Float64Array, end: number): number {
  let m = -Infinity;
  for (let i = 0; i < end; i++) if (xs[i] > m) m = xs[i];
  return m;
}

/** The median of a column's positive amounts, exactly. */
function median(stats: ColumnStats, column: AmountColumn): Dec {
  const count = stats.count;
  if (stats.allFast) {
    // Fast values order exactly by their doubles, and a double gives back its value (num.ts):
    // the middle is selected among the doubles, with no object per value.
    const ds = stats.positives.slice(0, count);
    const mid = Math.floor(count / 2);
    const upper = select(ds, mid);
    const at = (x: number): Dec => Num.fromDouble(x).value;
    // After the selection, everything before mid is at most the middle one: its largest is the one below.
    return count % 2 === 1 ? at(upper) : at(maxBelow(ds, mid)).plus(at(upper)).div(2);
  }
  const sorted: Num[] = [];
  for (let j = 0; j < count; j++) sorted.push((column.get(stats.at[j]) as Amount).q);
  sorted.sort((a, b) => Num.compare(a, b));
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid].value : sorted[mid - 1].value.plus(sorted[mid].value).div(2);
}

function checkMagnitudes(log: IssueLog, loc: Located, rows: ProjectRow[], amounts: ProjectAmounts, stats: ColumnsStats): void {
  const fields = ['initialBudget', 'budget', 'executed'] as const;
  for (const field of fields) {
    const col = loc.columns[field];
    const s = stats[field];
    if (col === undefined || s === undefined || s.count < MAGNITUDE_MIN_VALUES) continue;
    const column = amounts[field];
    const m = median(s, column);
    const limit = m.times(MAGNITUDE_FACTOR);
    const limitApprox = approxOf(Num.fromDec(limit));
    const quantity = (j: number): Quantity => (column.get(s.at[j]) as Amount).q;
    for (let j = 0; j < s.count; j++) {
      // A fast value's double (kept in `positives`) decides unless too close to call; then its exact value.
      const c = s.allFast || quantity(j).fast ? decideDouble(s.positives[j], limitApprox) : undefined;
      if (c === undefined ? quantity(j).value.gte(limit) : c >= 0) {
        log.add('suspicious-magnitude', rows[s.at[j]].row - 1, col, {
          field,
          value: quantity(j).toFixed(),
          median: formatFixed(m),
          times: String(MAGNITUDE_FACTOR),
          unit: loc.unit,
        });
      }
    }
  }
}

function checkTotals(log: IssueLog, loc: Located, rowCount: number, stats: ColumnsStats, percentColumn: boolean): void {
  const row = loc.totalRow as number;
  const { view } = loc;
  const sums: Partial<Record<'budget' | 'executed', { acc: QuantitySum; interval: Interval }>> = {};
  for (const field of ['initialBudget', 'budget', 'executed'] as const) {
    const col = loc.columns[field];
    const acc = stats[field]?.sum;
    if (col === undefined || acc === undefined) continue;
    const content = view.content(row, col);
    const read = readAmount(log, content, row, col, field, false);
    // A project whose amount is unusable makes the sum unknowable; its own issue says why.
    const complete = acc.count === rowCount || (field === 'initialBudget' && acc.count > 0);
    if (!complete) continue;
    const sum = acc.interval();
    if (field !== 'initialBudget') sums[field] = { acc, interval: sum };
    if (read !== undefined && !meet(read.interval, sum)) {
      log.add('total-mismatch', row, col, {
        field,
        reported: read.q.num.toFixed(),
        computed: formatFixed(midpoint(sum), 4).replace(/\.?0+$/, ''),
      });
    }
  }
  const rateCol = loc.columns.rate;
  // Both sums complete: every project has a budget and an amount executed.
  if (rateCol !== undefined && sums.budget && sums.executed) {
    const totalBudget = sums.budget.acc.total();
    const totalExecuted = sums.executed.acc.total();
    const reported = readRate(log, view.content(row, rateCol), row, rateCol, percentColumn, !totalBudget.isZero());
    const computed = quotientInterval(sums.executed.interval, sums.budget.interval);
    if (reported && computed && !totalBudget.isZero() && !meet(reportedInterval(reported), computed)) {
      log.add('rate-mismatch', row, rateCol, {
        reported: percentText(midpoint(reportedInterval(reported))),
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
