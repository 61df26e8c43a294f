/**
 * The engine's fast path for exact decimals: most cell values are doubles, and the decimal a
 * double stands for is its 15-significant-digit rendering (see `decimalFromDouble`). Such a
 * decimal is an integer mantissa below 10^15 — exact in a double — times a power of ten, so it
 * can be held, compared, summed and rounded without decimal.js:
 *
 * - `digits15(x)` finds the mantissa and scale of a double's 15-digit decimal without a string;
 * - `Num` holds one decimal as (sign, mantissa, scale) with its correctly rounded double; two
 *   decimals of at most 15 significant digits compare exactly through those doubles (distinct
 *   15-digit decimals round to distinct doubles, and rounding keeps order);
 * - `ExactSum` adds decimals exactly in safe integers, by scale, carrying over to decimal.js
 *   only when a partial sum would leave the safe range;
 * - `Approx` is a double with a bound on its error: a check decided by it is certain, and a
 *   check too close to call returns `undefined` so the caller takes the exact decimal.js path.
 *
 * Every answer is the exact one; speed only changes which path gives it. `setFastPaths(false)`
 * switches every fast path off, so tests compare both paths on the same inputs.
 */
import { D, type Dec } from './money';

let fastPaths = true;

/** Turns the fast paths on or off (tests compare both); returns the previous setting. */
export function setFastPaths(on: boolean): boolean {
  const was = fastPaths;
  fastPaths = on;
  return was;
}

export function fastPathsOn(): boolean {
  return fastPaths;
}

/** 10^0 … 10^22: every one is an exact double. */
const POW10: number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** 10^p as the correctly rounded double (exact for 0 ≤ p ≤ 22). */
export function pow10(p: number): number {
  if (p >= 0) return p <= 22 ? POW10[p] : 10 ** p;
  return -p <= 22 ? 1 / POW10[-p] : 10 ** p;
}

/** A decimal as sign, mantissa and scale: (-1)^neg × m × 10^-k, with m a safe integer not ending in 0 (or 0). */
export interface Digits {
  neg: boolean;
  m: number;
  k: number;
}

/** Mantissa and scale of a plain decimal string ("-12.3400", "1.5e-7"); null past 15 significant digits. */
export function digitsOfString(s: string): Digits | null {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
  if (!match) return null;
  const [, sign, int, frac = '', exp] = match;
  let all = (int + frac).replace(/^0+/, '');
  let k = frac.length - (exp === undefined ? 0 : Number(exp));
  if (all === '') return { neg: false, m: 0, k: 0 };
  // Trailing zeros do not count as significant digits.
  const trimmed = all.replace(/0+$/, '');
  k -= all.length - trimmed.length;
  all = trimmed;
  if (all.length > 15 || !Number.isSafeInteger(k)) return null;
  return { neg: sign === '-', m: Number(all), k };
}

/**
 * The 15-significant-digit decimal of a finite double, as `x.toPrecision(15)` gives it, found
 * with one multiplication: |x| × 10^s lands in [10^14, 10^15) with an error of at most 1/16,
 * so rounding it gives the 15 digits unless the fraction is within reach of one half (then, and
 * for magnitudes past 10^±22, the string is asked).
 *
 * @example
 * digits15(0.1 + 0.2); // { neg: false, m: 3, k: 1 }
 * digits15(-40.971);   // { neg: true, m: 40971, k: 3 }
 */
export function digits15(x: number): Digits {
  const d = digits15Into(x, { neg: false, m: 0, k: 0 });
  return { neg: d.neg, m: d.m, k: d.k };
}

/** Scratch digits for the constructors, which copy them at once: no object per cell. */
const SCRATCH: Digits = { neg: false, m: 0, k: 0 };

function setDigits(out: Digits, neg: boolean, m: number, k: number): Digits {
  if (m === 0) {
    out.neg = false;
    out.m = 0;
    out.k = 0;
    return out;
  }
  if (m < 1e15) {
    // Trailing zeros off in steps of 8, 4, 2 and 1 digits (m < 10^15 has at most 14), each a
    // division, floor and product: exact, since a quotient's fraction (at least 10^-p) stays far
    // above its rounding below 10^15 ÷ 10^p, and several times cheaper than `%` on doubles.
    for (let p = 8; p >= 1; p >>= 1) {
      const d = POW10[p];
      const q = Math.floor(m / d);
      if (q * d === m) {
        m = q;
        k -= p;
      }
    }
  } else {
    while (m % 10 === 0) {
      m /= 10;
      k--;
    }
  }
  out.neg = neg;
  out.m = m;
  out.k = k;
  return out;
}

/** `digits15`, written into `out` (returned); the string path may return another object. */
function digits15Into(x: number, out: Digits): Digits {
  if (x === 0) return setDigits(out, false, 0, 0);
  const neg = x < 0;
  const a = neg ? -x : x;
  let s = 14 - Math.floor(Math.log10(a));
  for (let attempt = 0; attempt < 2 && s >= -22 && s <= 22; attempt++) {
    const y = s >= 0 ? a * POW10[s] : a / POW10[-s];
    if (y < 1e14) {
      s++;
      continue;
    }
    if (y >= 1e15) {
      s--;
      continue;
    }
    const floor = Math.floor(y);
    const frac = y - floor;
    if (frac > 0.4 && frac < 0.6) break; // too near a tie to trust the double: ask the string
    const m = frac >= 0.5 ? floor + 1 : floor;
    if (m >= 1e15) break;
    return setDigits(out, neg, m, s);
  }
  return digitsOfString(x.toPrecision(15)) as Digits;
}

/** The decimal digits of (neg, m, k) written out in full, as Decimal#toFixed() writes them. */
export function digitsToString(d: Digits): string {
  const { neg, m, k } = d;
  if (m === 0) return '0';
  let body: string;
  const s = String(m);
  if (k <= 0) body = s + '0'.repeat(-k);
  else if (k < s.length) body = `${s.slice(0, s.length - k)}.${s.slice(s.length - k)}`;
  else body = `0.${'0'.repeat(k - s.length)}${s}`;
  return neg ? `-${body}` : body;
}

/**
 * Rounds half away from zero to `places` decimals and writes exactly that many, from digits:
 * integer arithmetic only. The same as `formatFixed(new D(digitsToString(d)), places)`.
 */
export function formatDigits(d: Digits, places: number): string {
  let { m, k } = d;
  if (k > places) {
    const cut = k - places;
    if (cut > 15) m = 0; // below half a unit of the last place kept: rounds to 0
    else {
      const p = POW10[cut];
      const q = Math.floor(m / p);
      const r = m - q * p;
      m = 2 * r >= p ? q + 1 : q;
    }
    k = places;
  }
  const neg = d.neg && m !== 0;
  // Now m × 10^-k with k ≤ places: pad to `places` decimals.
  const s = k < 0 ? String(m) + '0'.repeat(-k) : String(m);
  const kk = Math.max(k, 0);
  const padded = s.padStart(kk + 1, '0');
  const int = padded.slice(0, padded.length - kk);
  const frac = padded.slice(padded.length - kk) + '0'.repeat(places - kk);
  return `${neg ? '-' : ''}${int}${places > 0 ? `.${frac}` : ''}`;
}

/**
 * The double nearest to the digits' decimal: one correctly rounded division or product while
 * the power of ten is exact, the string's parse beyond.
 */
function doubleOf(digits: Digits): number {
  const { neg, m, k } = digits;
  if (m === 0) return 0;
  const v = k >= 0 && k <= 22 ? m / POW10[k] : k < 0 && k >= -22 ? m * POW10[-k] : Number(`${m}e${-k}`);
  return neg ? -v : v;
}

/** The number of decimal digits of a positive safe integer. */
function digitCount(m: number): number {
  let n = 1;
  while (n < 16 && m >= POW10[n]) n++;
  return n;
}

/**
 * A fast value's fields as a store of values keeps them (amounts.ts): a Num is made from them
 * without reading the double's digits again. Mutable, to be filled and handed over at once.
 */
export class NumParts {
  d = 0;
  neg = false;
  m = 0;
  k = 0;
}

/**
 * One decimal value held fast: its digits (when it has at most 15 significant digits) and its
 * correctly rounded double. Built once per cell; the decimal.js value is made on demand.
 */
export class Num {
  /** The decimal rounded to the nearest double. */
  readonly d: number;
  /** Whether the digits below hold the decimal (at most 15 significant digits); else `dec` does. */
  readonly hasDigits: boolean;
  /** Sign, mantissa and scale, as in `Digits` (kept flat: one object per cell value, not two). */
  readonly neg: boolean;
  readonly m: number;
  readonly k: number;
  private dec: Dec | undefined;

  /**
   * From a cell's double (the decimal of its 15 significant digits), a decimal.js value,
   * another Num (copied: a subclass, a cell's quantity, is then its own number, one object), or
   * the parts of a Num made from a double, kept in a store (the same Num again).
   */
  protected constructor(source: number | Dec | Num | NumParts) {
    if (typeof source === 'number') {
      const digits = digits15Into(source, SCRATCH);
      this.d = doubleOf(digits);
      this.hasDigits = true;
      this.neg = digits.neg;
      this.m = digits.m;
      this.k = digits.k;
      this.dec = undefined;
    } else if (source instanceof Num) {
      this.d = source.d;
      this.hasDigits = source.hasDigits;
      this.neg = source.neg;
      this.m = source.m;
      this.k = source.k;
      this.dec = source.dec;
    } else if (source instanceof NumParts) {
      // The fields of a Num made from a double, kept apart and given back (amounts.ts).
      this.d = source.d;
      this.hasDigits = true;
      this.neg = source.neg;
      this.m = source.m;
      this.k = source.k;
      this.dec = undefined;
    } else {
      const digits = source.isZero() ? { neg: false, m: 0, k: 0 } : source.sd() <= 15 ? digitsOfString(source.toFixed()) : null;
      this.d = source.toNumber();
      this.hasDigits = digits !== null;
      this.neg = digits?.neg ?? false;
      this.m = digits?.m ?? 0;
      this.k = digits?.k ?? 0;
      this.dec = source;
    }
  }

  /** The decimal a cell's double stands for (its 15 significant digits). */
  static fromDouble(x: number): Num {
    return new Num(x);
  }

  /** A decimal already held by decimal.js (a number typed as text, a sum). */
  static fromDec(value: Dec): Num {
    return new Num(value);
  }

  /** The exact value. */
  get value(): Dec {
    if (this.dec === undefined) this.dec = new D(digitsToString(this as Digits));
    return this.dec;
  }

  /** Whether the double `d` orders and equates exactly with other fast values. */
  get fast(): boolean {
    return fastPaths && this.hasDigits;
  }

  isZero(): boolean {
    return this.d === 0 && (this.hasDigits || this.value.isZero());
  }

  /** Strictly negative. */
  isNegative(): boolean {
    return this.hasDigits ? this.neg && this.m !== 0 : this.value.isNegative() && !this.value.isZero();
  }

  /** Strictly positive. */
  isPositive(): boolean {
    return this.hasDigits ? !this.neg && this.m !== 0 : this.value.gt(0);
  }

  /** The decimal written in full (Decimal#toFixed()). */
  toFixed(): string {
    return this.hasDigits ? digitsToString(this) : this.value.toFixed();
  }

  /** Decimal exponent of the leading digit (decimal.js's `e`); the value must not be 0. */
  exponent(): number {
    if (this.hasDigits) return digitCount(this.m) - 1 - this.k;
    return this.value.e;
  }

  /** The decimal place of the last non-zero digit: 2 for 40.97, 0 for 85, -1 for 12340. */
  lastDigitPlace(): number {
    if (this.hasDigits) return this.m === 0 ? -Infinity : this.k;
    return NaN; // callers take the exact path
  }

  /** a vs b: -1, 0, 1. Exact. */
  static compare(a: Num, b: Num): number {
    if (a.fast && b.fast) return a.d < b.d ? -1 : a.d > b.d ? 1 : 0;
    return a.value.comparedTo(b.value);
  }
}

// ---------------------------------------------------------------------------------------------
// Exact sums

/**
 * Adds decimals exactly. Digits go to a safe-integer partial sum per scale; a partial sum about
 * to leave the safe range is carried into a decimal.js total, as is any value without digits.
 *
 * @example
 * const s = new ExactSum(); s.add(Num.fromDouble(0.1)); s.add(Num.fromDouble(0.2));
 * s.value().toString(); // "0.3"
 */
export class ExactSum {
  /** Partial sums by scale k. */
  private readonly parts = new Map<number, number>();
  private lastK = NaN;
  private lastSum = 0;
  private spill: Dec | null = null;

  /** Adds the value × 10^-shift (shift moves the decimal point: 4 turns 元 into 万元). */
  add(n: Num, shift = 0): void {
    if (!n.hasDigits || !fastPaths) {
      const v = shift === 0 ? n.value : n.value.div(pow10(shift));
      this.spill = this.spill === null ? v : this.spill.plus(v);
      return;
    }
    if (n.m === 0) return;
    this.addDigits(n.neg ? -n.m : n.m, n.k + shift);
  }

  /** Adds m × 10^-k, m a safe integer below 2^50 in magnitude. */
  addDigits(m: number, k: number): void {
    // Most values of a column share one scale: keep its partial sum at hand.
    if (k === this.lastK) {
      const next = this.lastSum + m;
      if (Math.abs(next) < 2 ** 52) {
        this.lastSum = next;
        return;
      }
    }
    this.settleLast();
    this.lastK = k;
    this.lastSum = 0;
    this.addPart(m, k);
  }

  /** Moves the partial sum at hand into the others. */
  private settleLast(): void {
    if (this.lastSum !== 0) this.addPart(this.lastSum, this.lastK);
    this.lastSum = 0;
  }

  private addPart(m: number, k: number): void {
    const prev = this.parts.get(k) ?? 0;
    const next = prev + m;
    if (Number.isSafeInteger(next) && Math.abs(next) < 2 ** 52) this.parts.set(k, next);
    else {
      const carried = new D(`${prev}e${-k}`).plus(new D(`${m}e${-k}`));
      this.spill = this.spill === null ? carried : this.spill.plus(carried);
      this.parts.delete(k);
    }
  }

  /** The exact total (0 for nothing added). */
  value(): Dec {
    this.settleLast();
    let total = this.spill ?? new D(0);
    for (const [k, m] of this.parts) if (m !== 0) total = total.plus(new D(`${m}e${-k}`));
    return total.isZero() ? new D(0) : total;
  }
}

// ---------------------------------------------------------------------------------------------
// Doubles with an error bound

/** Relative error allowed per operation: 4 units of the last place, for headroom in the bounds' own arithmetic. */
const U = 2 ** -50;

/** A real number known to lie within `err` of the double `v`. */
export interface Approx {
  v: number;
  err: number;
}

/** The error bound of a value's double; below 1e-290 doubles lose relative precision (subnormals), so none is claimed there. */
function errOf(v: number): number {
  return v !== 0 && Math.abs(v) < 1e-290 ? Infinity : U * Math.abs(v);
}

/** A value's double and its error bound. */
export function approxOf(n: Num): Approx {
  const v = n.d;
  return { v, err: errOf(v) };
}

/**
 * a ÷ b from their doubles, written into `out` (the row checks ask this of every row: no object
 * made); null when b may be 0.
 */
export function quotientInto(a: Num, b: Num, out: Approx): Approx | null {
  const av = a.d;
  const bv = b.d;
  const aErr = errOf(av);
  const bErr = errOf(bv);
  const bb = Math.abs(bv);
  if (!(bb > bErr * 2)) return null;
  const v = av / bv;
  out.v = v;
  out.err = (Math.abs(av) * bErr + bb * aErr) / (bb * (bb - bErr)) + U * Math.abs(v);
  return out;
}

/** a × x, x an exact double, written into `out` (which may be `a`). */
export function scaleInto(a: Approx, x: number, out: Approx): Approx {
  const v = a.v * x;
  out.err = Math.abs(x) * a.err + U * Math.abs(v);
  out.v = v;
  return out;
}

/** `decide(approxOf(n), b)` for a fast value n whose double is v, no object made. */
export function decideDouble(v: number, b: Approx): -1 | 0 | 1 | undefined {
  return decideBounds(v, errOf(v), b);
}

/** -1 when certainly a < b, 1 when certainly a > b, 0 when certainly equal (both exact), undefined when too close to call. */
export function decide(a: Approx, b: Approx): -1 | 0 | 1 | undefined {
  return decideBounds(a.v, a.err, b);
}

function decideBounds(av: number, aErr: number, b: Approx): -1 | 0 | 1 | undefined {
  const diff = av - b.v;
  const bound = aErr + b.err + U * Math.abs(diff);
  if (diff > bound) return 1;
  if (diff < -bound) return -1;
  if (aErr === 0 && b.err === 0 && diff === 0) return 0;
  return undefined;
}
