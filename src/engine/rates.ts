/**
 * Project rows and their rates, with the fast paths of num.ts: a rate is divided out in
 * decimal.js only when a check too close to call, or a caller, asks for it.
 */
import type { ProjectAmounts } from './amounts';
import { D, type Dec, formatFixed, formatRate, toWan } from './money';
import { type Approx, Num, approxOf, decide, digits15, digitsToString, fastPathsOn, formatDigits, quotientInto, scaleInto } from './num';
import type { Amount, ProjectRow, Unit } from './types';

/** Places the decimal point moves to turn the unit into 万元. */
export const WAN_SHIFT: Record<Unit, number> = { 元: 4, 千元: 1, 万元: 0 };

/** What a project row holds besides its rate and its amounts. */
export type ProjectFields = Omit<ProjectRow, 'rate' | 'budget' | 'executed' | 'initialBudget'>;

// The class takes the fields' declarations from this interface (assigned in the constructor).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface ProjectRecord extends ProjectFields {}

/**
 * A project row whose amounts are kept by column (amounts.ts), each made when read, and
 * whose rate (executed ÷ budget) is divided out when first read.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ProjectRecord implements ProjectRow {
  /** Whether the row has a rate: both amounts sound and the budget not 0. */
  readonly hasRate: boolean;
  private exactRate: Dec | null | undefined;

  constructor(
    fields: ProjectFields,
    /** The list's amounts, by column: loops over every row may read them there, making nothing. */
    readonly amounts: ProjectAmounts,
    /** The project's place in the amounts' columns. */
    readonly index: number,
    hasRate: boolean,
  ) {
    // Field by field, in one order: every record has one shape (Object.assign is slower per row).
    this.row = fields.row;
    this.name = fields.name;
    this.docNumber = fields.docNumber;
    this.category = fields.category;
    this.categoryRaw = fields.categoryRaw;
    this.level = fields.level;
    this.levelRaw = fields.levelRaw;
    this.office = fields.office;
    this.reason = fields.reason;
    this.content = fields.content;
    this.outcome = fields.outcome;
    this.hasRate = hasRate && amounts.budget.has(index) && amounts.executed.has(index);
  }

  /** Whether the field's amount is there and a real number (`amountOf(this, field)?.numeric`, nothing made). */
  hasNumeric(field: 'initialBudget' | 'budget' | 'executed'): boolean {
    const column = field === 'budget' ? this.amounts.budget : field === 'executed' ? this.amounts.executed : this.amounts.initialBudget;
    return column.isNumeric(this.index);
  }

  /** Whether the budget and the amount executed are both kept in the list's arrays (numeric cells, fast values). */
  amountsInArrays(): boolean {
    return this.amounts.budget.inArrays(this.index) && this.amounts.executed.inArrays(this.index);
  }

  get budget(): Amount | undefined {
    return this.amounts.budget.get(this.index);
  }

  get executed(): Amount | undefined {
    return this.amounts.executed.get(this.index);
  }

  get initialBudget(): Amount | undefined {
    return this.amounts.initialBudget.get(this.index);
  }

  get rate(): Dec | null {
    if (this.exactRate === undefined) {
      this.exactRate = this.hasRate ? (this.executed as Amount).value.div((this.budget as Amount).value) : null;
    }
    return this.exactRate;
  }
}

/**
 * A row's amount of a field, each read by its name: a property named by a variable makes the
 * access polymorphic, and these run once per row.
 */
export function amountOf(row: ProjectRow, field: 'initialBudget' | 'budget' | 'executed'): Amount | undefined {
  return field === 'budget' ? row.budget : field === 'executed' ? row.executed : row.initialBudget;
}

/** Whether the row's amount of a field is there and a real number, which a formula may refer to. */
export function hasNumericAmount(row: ProjectRow, field: 'initialBudget' | 'budget' | 'executed'): boolean {
  if (row instanceof ProjectRecord) return row.hasNumeric(field);
  return amountOf(row, field)?.numeric === true;
}

function hasRate(row: ProjectRow): boolean {
  return row instanceof ProjectRecord ? row.hasRate : row.rate !== null;
}

/** rateApprox's answer: one object, reused (read at once by each caller, never kept). */
const RATE_APPROX: Approx = { v: 0, err: 0 };

/**
 * executed ÷ budget as a double with its error bound; null without a fast form. The answer is a
 * shared scratch object, valid until the next call: read it at once.
 */
function rateApprox(row: ProjectRow): Approx | null {
  const { budget, executed } = row;
  if (!hasRate(row) || !budget || !executed) return null;
  const b = budget.q.num;
  const e = executed.q.num;
  if (!b.fast || !e.fast) return null;
  return quotientInto(e, b, RATE_APPROX);
}

/** The threshold as a fraction, exact and fast: 90 → 0.9. */
export interface Threshold {
  fraction: Dec;
  approx: Approx;
}

export function threshold(percent: number): Threshold {
  const fraction = new D(percent).div(100);
  const n = Num.fromDec(fraction);
  return { fraction, approx: n.fast ? approxOf(n) : { v: fraction.toNumber(), err: Infinity } };
}

/** Whether the row has a rate below the threshold: `rate !== null && rate.lt(t)`, exactly. */
export function rateBelow(row: ProjectRow, t: Threshold): boolean {
  if (!hasRate(row)) return false;
  const a = rateApprox(row);
  const c = a ? decide(a, t.approx) : undefined;
  if (c !== undefined) return c < 0;
  return (row.rate as Dec).lt(t.fraction);
}

/** The rate against 100%: -1, 0 or 1 (executed against budget, the budget being above 0); null without a rate. */
export function rateVsFull(row: ProjectRow): number | null {
  if (!hasRate(row)) return null;
  return Num.compare((row.executed as Amount).q.num, (row.budget as Amount).q.num);
}

/** round-half-up(rate × 10^pow) when doubles can tell it, for a rate ≥ 0. */
function roundedRate(row: ProjectRow, pow: number): number | undefined {
  const a = rateApprox(row);
  if (!a || !(a.v >= 0)) return undefined;
  const y = scaleInto(a, 10 ** pow, a);
  const lo = Math.floor(y.v - y.err + 0.5);
  const hi = Math.floor(y.v + y.err + 0.5);
  return lo === hi && lo >= 0 && Number.isSafeInteger(lo) ? lo : undefined;
}

/** `formatRate(row.rate)`: percent with 2 decimals, half up; null without a rate. */
export function rowRatePercent(row: ProjectRow): string | null {
  if (!hasRate(row)) return null;
  const n = roundedRate(row, 4);
  return n !== undefined ? formatDigits({ neg: false, m: n, k: 2 }, 2) : formatRate(row.rate);
}

/** `formatFixed(executionScore(row.rate))`: 10 × rate capped at 10, 2 decimals; null without a rate. */
export function rowScoreText(row: ProjectRow): string | null {
  if (!hasRate(row)) return null;
  if ((rateVsFull(row) as number) >= 0) return '10.00';
  const n = roundedRate(row, 3);
  if (n !== undefined) return formatDigits({ neg: false, m: n, k: 2 }, 2);
  return formatFixed(executionScore(row.rate) as Dec);
}

/**
 * Score for budget execution in the project self-evaluation table: 10 × rate, capped at 10,
 * rounded to 2 decimals on output. Null when there is no rate.
 */
export function executionScore(rate: Dec | null): Dec | null {
  if (rate === null) return null;
  const score = rate.times(10);
  return score.gt(10) ? new D(10) : score;
}

/** 15 significant digits of a double, as a cell value. */
function doubleText(x: number): string {
  return digitsToString(digits15(x));
}

/**
 * The rate as the spreadsheet computes it from the two cells (a double, 15 significant digits):
 * a formula's cached value. '—' without a rate.
 */
export function rowRateValue(row: ProjectRow): string {
  if (!hasRate(row)) return '—';
  return rateValueOf(row, (row.executed as Amount).q.num.d, (row.budget as Amount).q.num.d);
}

/** The rate's cell value from the amounts' doubles (the row having a rate). */
function rateValueOf(row: ProjectRow, executed: number, budget: number): string {
  const x = executed / budget;
  // Past the doubles' range (a budget of 1e-320): the exact quotient.
  return Number.isFinite(x) && x !== 0 ? doubleText(x) : (row.rate as Dec).toFixed();
}

/** The execution score (10 × rate, at most 10) as a cell value; null without a rate. */
export function rowScoreValue(row: ProjectRow): string | null {
  if (!hasRate(row)) return null;
  return scoreValueOf(row, rateVsFull(row) as number, (row.executed as Amount).q.num.d, (row.budget as Amount).q.num.d);
}

/** The score's cell value from the rate against 100% and the amounts' doubles (the row having a rate). */
function scoreValueOf(row: ProjectRow, vsFull: number, executed: number, budget: number): string {
  if (vsFull >= 0) return '10';
  const x = (10 * executed) / budget;
  return Number.isFinite(x) && x !== 0 ? doubleText(Math.min(x, 10)) : (executionScore(row.rate) as Dec).toFixed();
}

/** An amount in 万元 written in full, for a cell value (Decimal#toFixed() of toWan). */
export function amountWanValue(amount: Amount, unit: Unit): string {
  const n = amount.q.num;
  if (n.hasDigits && fastPathsOn()) return digitsToString({ neg: n.neg, m: n.m, k: n.k + WAN_SHIFT[unit] });
  return toWan(amount.value, unit).toFixed();
}

/**
 * The cell values of a record's budget, amount executed, rate and score, read where its list
 * keeps them (amounts.ts), nothing made: what amountWanValue, rowRateValue and rowScoreValue
 * give. Null unless the fast paths are on and both amounts are in the arrays (numeric cells).
 */
export function recordValues(row: ProjectRecord, unit: Unit): RecordValues | null {
  if (!fastPathsOn() || !row.amountsInArrays()) return null;
  const { budget, executed } = row.amounts;
  const i = row.index;
  const shift = WAN_SHIFT[unit];
  const bd = budget.dAt(i);
  const ed = executed.dAt(i);
  // rateVsFull: both amounts fast, so Num.compare compares their doubles.
  const vsFull = ed < bd ? -1 : ed > bd ? 1 : 0;
  const values = RECORD_VALUES;
  values.budget = digitsToString({ neg: budget.negAt(i), m: budget.mAt(i), k: budget.kAt(i) + shift });
  values.executed = digitsToString({ neg: executed.negAt(i), m: executed.mAt(i), k: executed.kAt(i) + shift });
  values.rate = row.hasRate ? rateValueOf(row, ed, bd) : '—';
  values.score = row.hasRate ? scoreValueOf(row, vsFull, ed, bd) : null;
  return values;
}

export interface RecordValues {
  budget: string;
  executed: string;
  rate: string;
  score: string | null;
}

/** recordValues's answer: one object, reused (read at once, never kept). */
const RECORD_VALUES: RecordValues = { budget: '', executed: '', rate: '', score: null };

/** An amount in 万元 with 2 decimals, half up (formatFixed of toWan). */
export function amountWanText(amount: Amount, unit: Unit): string {
  const n = amount.q.num;
  if (n.hasDigits && fastPathsOn()) return formatDigits({ neg: n.neg, m: n.m, k: n.k + WAN_SHIFT[unit] }, 2);
  return formatFixed(toWan(amount.value, unit));
}
