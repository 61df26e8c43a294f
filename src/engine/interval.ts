/**
 * The rounding-aware comparison rule, one rule for every check:
 *
 * A number stored with more decimals than its cell displays is exact; otherwise it stands for the
 * interval ± half a unit of its last displayed digit (85 shown as 85.00 is [84.995, 85.005]).
 * A reported rate is likewise ± half a unit of its last displayed digit. A check fails only when
 * the intervals cannot meet.
 *
 * Why: a report printed from a list in 万元 with 2 decimals was often computed from yuan, so its
 * 46.99% is right although the printed 40.97 / 87.20 give 46.98%. Flag only what no value behind
 * the displayed figures can produce.
 */
import Decimal from 'decimal.js';
import { D, Dec, decimalPlaces } from './money';
import { ExactSum, Num, type NumParts, fastPathsOn, pow10 } from './num';

/** A closed interval [lo, hi] of decimals. */
export interface Interval {
  lo: Dec;
  hi: Dec;
}

// Interval bounds are rounded outward (lo down, hi up), so that the 40-digit rounding of a
// non-terminating quotient can never make two intervals that touch look apart.
const Down = D.clone({ precision: 40, rounding: Decimal.ROUND_FLOOR });
const Up = D.clone({ precision: 40, rounding: Decimal.ROUND_CEIL });

type Op = 'add' | 'mul' | 'div';

function down(op: Op, a: Dec, b: Dec): Dec {
  return new D(Down[op](a, b));
}

function up(op: Op, a: Dec, b: Dec): Dec {
  return new D(Up[op](a, b));
}

/**
 * Keeps the number part of a format's first section: quoted literals, [..] brackets (colours,
 * conditions, locales), backslash escapes and the `_x` / `*x` padding pairs removed.
 */
function numberCode(numberFormat: string): string {
  let code = '';
  const f = numberFormat;
  for (let i = 0; i < f.length; i++) {
    const ch = f[i];
    if (ch === ';') break;
    if (ch === '"' || ch === '[') {
      const end = f.indexOf(ch === '"' ? '"' : ']', i + 1);
      i = end < 0 ? f.length : end;
    } else if (ch === '\\' || ch === '_' || ch === '*') {
      i++;
    } else {
      code += ch;
    }
  }
  return code;
}

const PLACEHOLDER = /[0#?]/;

/**
 * How many decimals of the stored value a number format displays; null when the display says
 * nothing about rounding (General, text, scientific, fraction, date/time: the value is exact).
 *
 * Only the first section counts. A `%` shows the value × 100 (2 more decimals of the stored
 * value); each comma right after the digits shows the value ÷ 1000 (3 fewer), so the result
 * can be negative.
 *
 * @example
 * displayDecimals('#,##0.00_);[Red](#,##0.00)'); // 2
 * displayDecimals('0.00%');                      // 4
 * displayDecimals('0.00,');                      // -1
 * displayDecimals('General');                    // null
 */
export function displayDecimals(numberFormat: string): number | null {
  // A sheet has a handful of formats and a cell per row for each: parse each format once.
  let known = DISPLAY_DECIMALS.get(numberFormat);
  if (known === undefined) {
    known = parseDisplayDecimals(numberFormat);
    if (DISPLAY_DECIMALS.size < 10_000) DISPLAY_DECIMALS.set(numberFormat, known);
  }
  return known;
}

const DISPLAY_DECIMALS = new Map<string, number | null>();

function parseDisplayDecimals(numberFormat: string): number | null {
  const code = numberCode(numberFormat);
  // Any unquoted letter means General, a date/time token (y m d h s, AM/PM, era) or an
  // exponent: none of them rounds to a fixed number of decimals.
  if (/[A-Za-z@/]/.test(code)) return null;
  let last = -1;
  for (let i = 0; i < code.length; i++) if (PLACEHOLDER.test(code[i])) last = i;
  if (last < 0) return null;

  const dot = code.indexOf('.');
  let decimals = 0;
  if (dot >= 0) for (const ch of code.slice(dot + 1)) if (PLACEHOLDER.test(ch)) decimals++;
  const percents = (code.match(/%/g) ?? []).length;
  let scalingCommas = 0;
  while (code[last + 1 + scalingCommas] === ',') scalingCommas++;
  return decimals + 2 * percents - 3 * scalingCommas;
}

/**
 * The interval of a double taken as exact: ± one unit of its 15th significant digit.
 *
 * Half a unit would cover only the 15-digit rendering. A formula result also carries binary
 * error from its inputs: the reference workbook's rate cell holds 0.965193283619713, computed by
 * float sums (1357.3849999999998 / 1406.3348999999998); the exact quotient
 * 1357.385 / 1406.3349 = 0.96519328361971248811… lies 1.2e-17 below the half-unit interval. One
 * unit keeps the rendering's half unit and leaves half a unit for that error.
 *
 * @example
 * exactInterval(new D('0.965193283619713'));
 * // { lo: 0.965193283619712, hi: 0.965193283619714 }
 */
export function exactInterval(v: Dec): Interval {
  if (v.isZero()) return { lo: new D(0), hi: new D(0) };
  const unit = new D(`1e${v.e - 14}`);
  return { lo: v.minus(unit), hi: v.plus(unit) };
}

/**
 * The decimal place of the last non-zero digit: 2 for 40.97, 0 for 85, -1 for 12340. Needed
 * beside decimalPlaces for formats that scale by thousands ("0.00," shows 12340 as 12.34).
 */
function lastDigitPlace(v: Dec): number {
  if (v.isZero()) return -Infinity;
  const places = decimalPlaces(v);
  if (places > 0) return places;
  const digits = v.abs().toFixed(0);
  return -(digits.length - digits.replace(/0+$/, '').length);
}

/**
 * The interval a cell's value stands for, given the decimals its display shows.
 *
 * `shownDecimals` is `displayDecimals(format)` for a numeric cell, or the decimals written in the
 * text for a number typed as text (with `fromDouble` false).
 *
 * @example
 * cellInterval(new D('85'), 2, true);     // [84.995, 85.005]
 * cellInterval(new D('40.971'), 2, true); // exact: exactInterval(40.971)
 * cellInterval(new D('85'), null, false); // [85, 85]
 */
export function cellInterval(value: Dec, shownDecimals: number | null, fromDouble: boolean): Interval {
  if (shownDecimals === null || lastDigitPlace(value) > shownDecimals) {
    return fromDouble ? exactInterval(value) : { lo: value, hi: value };
  }
  const half = new D(`5e${-shownDecimals - 1}`);
  return { lo: value.minus(half), hi: value.plus(half) };
}

/**
 * The interval of a sum; [0, 0] for no parts.
 *
 * @example
 * sumIntervals([cellInterval(new D('40.97'), 2, true), cellInterval(new D('4.55'), 2, true)]);
 * // [45.51, 45.53]
 */
export function sumIntervals(parts: Interval[]): Interval {
  let lo = new D(0);
  let hi = new D(0);
  for (const p of parts) {
    lo = down('add', lo, p.lo);
    hi = up('add', hi, p.hi);
  }
  return { lo, hi };
}

/**
 * True when the closed intervals share a point (touching counts): the check passes.
 *
 * @example
 * meet({ lo: new D(1), hi: new D(2) }, { lo: new D(2), hi: new D(3) }); // true
 */
export function meet(a: Interval, b: Interval): boolean {
  return a.lo.lte(b.hi) && b.lo.lte(a.hi);
}

/**
 * Every quotient num ÷ den can take; null when den reaches 0 or below (no rate without a
 * positive budget).
 *
 * @example
 * quotientInterval(cellInterval(new D('40.97'), 2, true), cellInterval(new D('87.2'), 2, true));
 * // ≈ [0.469755, 0.469924]
 */
export function quotientInterval(num: Interval, den: Interval): Interval | null {
  if (den.lo.lte(0)) return null;
  return extremes('div', num, den.lo, den.hi);
}

/**
 * The interval times a constant (a unit conversion, a percentage to a fraction).
 *
 * @example
 * scaleInterval({ lo: new D('96.515'), hi: new D('96.525') }, new D('0.01'));
 * // [0.96515, 0.96525]
 */
export function scaleInterval(a: Interval, k: Dec): Interval {
  return extremes('mul', a, k, k);
}

/** The hull of a op b for b in {b1, b2} and a at either end, rounded outward. */
function extremes(op: 'mul' | 'div', a: Interval, b1: Dec, b2: Dec): Interval {
  // Amounts and rates are almost always ≥ 0 over a positive divisor: then both operations grow
  // with a and the hull's ends are two of the corners (2 operations instead of 8 per check).
  if (!a.lo.isNegative() && b1.gt(0) && b1.lte(b2)) {
    return op === 'div' ? { lo: down(op, a.lo, b2), hi: up(op, a.hi, b1) } : { lo: down(op, a.lo, b1), hi: up(op, a.hi, b2) };
  }
  const pairs: [Dec, Dec][] = [
    [a.lo, b1],
    [a.lo, b2],
    [a.hi, b1],
    [a.hi, b2],
  ];
  const los = pairs.map(([x, y]) => down(op, x, y));
  const his = pairs.map(([x, y]) => up(op, x, y));
  return { lo: D.min(...los), hi: D.max(...his) };
}

/**
 * True when every value of `a` is above every value of `b`: executed certainly over budget.
 *
 * @example
 * exceeds(cellInterval(new D('87.22'), 2, true), cellInterval(new D('87.2'), 2, true)); // true
 * exceeds(cellInterval(new D('87.205'), 3, true), cellInterval(new D('87.2'), 2, true)); // false
 */
export function exceeds(a: Interval, b: Interval): boolean {
  return a.lo.gt(b.hi);
}

// ---------------------------------------------------------------------------------------------
// The same rule, fast: a quantity keeps its value's digits and its width, and a check is first
// tried on doubles with error bounds (see num.ts). Each fast check answers exactly what the
// interval functions above answer, or undefined when the doubles cannot tell; the caller then
// asks those functions.

/**
 * A cell's value with what its display says: the interval it stands for is made only when a
 * check needs the exact path. A quantity is its own number (one object per cell, not two).
 */
export class Quantity extends Num {
  private iv: Interval | undefined;
  /** `displayDecimals` of the cell's format, or the decimals written in a number typed as text. */
  readonly shown: number | null;
  /** The value came from a double (a numeric cell): exact values then carry one unit of the 15th digit. */
  readonly fromDouble: boolean;

  /** `value`: a cell's double (the decimal of its 15 significant digits), a decimal, or a Num. */
  constructor(value: number | Dec | Num | NumParts, shown: number | null, fromDouble: boolean) {
    super(value);
    this.shown = shown;
    this.fromDouble = fromDouble;
  }

  /** The number: the quantity itself. */
  get num(): Num {
    return this;
  }

  /** The quantity itself: an amount's `q` (types.ts). */
  get q(): Quantity {
    return this;
  }

  /** `cellInterval(value, shown, fromDouble)`. */
  get interval(): Interval {
    if (this.iv === undefined) this.iv = cellInterval(this.value, this.shown, this.fromDouble);
    return this.iv;
  }

  /**
   * The half-width's leading digit: 1 (one unit of the 15th significant digit of a double's
   * value), 5 (half a unit of the last digit shown), or 0 for none; its place is `widthPlace`.
   * Two numbers, not a Digits object: the checks ask this of every amount of every row.
   */
  private widthLead(): 0 | 1 | 5 {
    if (this.shown === null || this.lastDigitPlace() > this.shown) return this.fromDouble && !this.isZero() ? 1 : 0;
    return 5;
  }

  /** The half-width is lead × 10^-place. */
  private widthPlace(lead: 1 | 5): number {
    return lead === 1 ? 14 - this.exponent() : (this.shown as number) + 1;
  }

  /** Adds the half-width to an exact sum (nothing for none). Fast values only. */
  addWidthTo(sum: ExactSum): void {
    const lead = this.widthLead();
    if (lead !== 0) sum.addDigits(lead, this.widthPlace(lead));
  }

  /**
   * The interval's half-width as a double (0 for none; within two roundings, of 10^p and of the
   * product); NaN when the value has no fast form.
   */
  halfWidth(): number {
    if (!this.fast) return NaN;
    const lead = this.widthLead();
    return lead === 0 ? 0 : lead * pow10(-this.widthPlace(lead));
  }
}

// The fast checks below work on plain doubles, no object per operation: each value, width and
// operation result is within U of its own magnitude (one rounding, 2^-53, taken twice over for
// the rounding of the bounds' own sums), so an expression's error is bounded by U times the sum
// of the magnitudes it went through. Values so small that doubles lose relative precision
// (below 1e-290) and non-finite ones are never decided here.
const U = 2 ** -52;
const TINY = 1e-290;

/** Whether doubles can bound a value: finite, and 0 or not below TINY (one value: no array per call). */
function usable(x: number): boolean {
  const a = Math.abs(x);
  return a < Infinity && (x === 0 || a >= TINY);
}

/** `exceeds(a.interval, b.interval)`, or undefined when doubles cannot tell. */
export function exceedsFast(a: Quantity, b: Quantity): boolean | undefined {
  const wa = a.halfWidth();
  const wb = b.halfWidth();
  const xa = a.num.d;
  const xb = b.num.d;
  if (!(usable(wa) && usable(wb) && usable(xa) && usable(xb))) return undefined;
  const lo = xa - wa; // a.lo
  const hi = xb + wb; // b.hi
  const diff = lo - hi;
  const bound = U * (Math.abs(xa) + wa + Math.abs(lo) + Math.abs(xb) + wb + Math.abs(hi) + Math.abs(diff));
  if (diff > bound) return true;
  if (diff < -bound) return false;
  return undefined;
}

/**
 * Whether a reported rate meets the quotient interval of executed ÷ budget, as
 * `meet(reported, quotientInterval(executed, budget))` answers for a budget above 0;
 * undefined when doubles cannot tell. `percent`: the reported value is in percent.
 */
export function rateMeetsFast(reported: Quantity, percent: boolean, executed: Quantity, budget: Quantity): boolean | undefined {
  const wr = reported.halfWidth();
  const we = executed.halfWidth();
  const wb = budget.halfWidth();
  const xr = reported.num.d;
  const xe = executed.num.d;
  const xb = budget.num.d;
  if (!(usable(wr) && usable(we) && usable(wb) && usable(xr) && usable(xe) && usable(xb))) return undefined;
  // Ends and their errors.
  const eLo = xe - we;
  const eHi = xe + we;
  const bLo = xb - wb;
  const bHi = xb + wb;
  const eErr = U * (Math.abs(xe) + we + Math.abs(eLo) + Math.abs(eHi));
  const bErr = U * (Math.abs(xb) + wb + Math.abs(bLo) + Math.abs(bHi));
  // Only the common case: a numerator certainly ≥ 0 over a divisor certainly above 0.
  if (!(eLo > eErr || (eLo === 0 && we === 0 && xe === 0))) return undefined;
  if (!(bLo > 2 * bErr)) return undefined;
  const qLo = eLo / bHi;
  const qHi = eHi / bLo;
  // |A/B - a/b| ≤ (|a| eB + |b| eA) / (|b| (|b| - eB)), plus the division's rounding.
  const qLoErr = (Math.abs(eLo) * bErr + bHi * eErr) / (bHi * (bHi - bErr)) + U * Math.abs(qLo);
  const qHiErr = (Math.abs(eHi) * bErr + bLo * eErr) / (bLo * (bLo - bErr)) + U * Math.abs(qHi);
  let rLo = xr - wr;
  let rHi = xr + wr;
  let rErr = U * (Math.abs(xr) + wr + Math.abs(rLo) + Math.abs(rHi));
  if (percent) {
    rLo /= 100;
    rHi /= 100;
    rErr = rErr / 100 + U * (Math.abs(rLo) + Math.abs(rHi));
  }
  // meet: rLo ≤ qHi and qLo ≤ rHi. Outward rounding of the exact path widens its intervals by
  // far less than these bounds, so a decided answer is its answer too.
  const d1 = rLo - qHi;
  const b1 = rErr + qHiErr + U * (Math.abs(rLo) + Math.abs(qHi) + Math.abs(d1));
  const d2 = qLo - rHi;
  const b2 = rErr + qLoErr + U * (Math.abs(qLo) + Math.abs(rHi) + Math.abs(d2));
  if (d1 > b1 || d2 > b2) return false;
  if (d1 < -b1 && d2 < -b2) return true;
  return undefined;
}

/**
 * `sumIntervals` of the intervals of quantities added one by one, exactly: the values and the
 * half-widths are summed apart in safe integers, the few without a fast form through their
 * intervals. No array of the quantities is made (a total is checked against every row).
 */
export class QuantitySum {
  private readonly values = new ExactSum();
  private readonly widths = new ExactSum();
  /** The quantities without a fast form (all of them when the fast paths are off). */
  private readonly slow: Quantity[] = [];
  /** How many quantities were added. */
  count = 0;

  add(p: Quantity): void {
    this.count++;
    if (!p.num.fast) {
      this.slow.push(p);
      return;
    }
    this.values.add(p.num);
    p.addWidthTo(this.widths);
  }

  /** `sumIntervals` of the intervals added. */
  interval(): Interval {
    const rest = sumIntervals(this.slow.map((p) => p.interval));
    if (!fastPathsOn()) return rest;
    const v = this.values.value();
    const w = this.widths.value();
    return { lo: v.minus(w).plus(rest.lo), hi: v.plus(w).plus(rest.hi) };
  }

  /** The exact sum of the values added. */
  total(): Dec {
    let t = this.values.value();
    for (const p of this.slow) t = t.plus(p.num.value);
    return t.isZero() ? new D(0) : t;
  }
}

/** `sumIntervals` of the quantities' intervals, exactly (QuantitySum). */
export function sumQuantities(parts: Quantity[]): Interval {
  const sum = new QuantitySum();
  for (const p of parts) sum.add(p);
  return sum.interval();
}
