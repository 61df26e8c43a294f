/**
 * The amounts of a project list, kept by column in typed arrays.
 *
 * A long list's amounts live as long as its analysis. Kept as one object per amount (with its
 * double and mantissa boxed beside it), they were most of what the garbage collector copied while
 * the rows were read: three amounts a row, each copied from the young generation to the old. Here
 * a numeric cell's amount is five numbers in five arrays; the rare others (a number typed as
 * text) are kept as they were read. Reading one back makes a new amount, equal in every field to
 * the one stored: the same value, display, interval and kind (reading the same project's again,
 * with no other read or write of the column between, gives the same object).
 */
import { NumberContent } from './cells';
import { NumParts } from './num';
import type { Amount } from './types';

const PRESENT = 1;
/** Kept as read, in `others`. */
const OTHER = 2;
const NEG = 4;
const PERCENT_FORMAT = 8;

/** One scratch object to hand a stored amount's parts to its constructor (which copies them). */
const PARTS = new NumParts();

/** The amounts of one column (budget, say), by project index. */
export class AmountColumn {
  private readonly d: Float64Array;
  private readonly m: Float64Array;
  private readonly k: Int16Array;
  /** `shown`, or -1 for null. */
  private readonly shown: Int8Array;
  private readonly flags: Uint8Array;
  private readonly others = new Map<number, Amount>();
  /**
   * The amount made last, and its project: reads of one project's amount follow each other (a
   * row's cells, its rate, its score, its sentence), and each then gives the same object.
   */
  private lastIndex = -1;
  private last: Amount | undefined = undefined;

  constructor(readonly size: number) {
    this.d = new Float64Array(size);
    this.m = new Float64Array(size);
    this.k = new Int16Array(size);
    this.shown = new Int8Array(size);
    this.flags = new Uint8Array(size);
  }

  /** Keeps project i's amount (nothing for undefined); a read of project i right after gives `a` itself. */
  set(i: number, a: Amount | undefined): void {
    if ((this.flags[i] & OTHER) !== 0) this.others.delete(i);
    // The amount kept is the one a read of it right after gives (the same object).
    this.lastIndex = i;
    this.last = a;
    this.flags[i] = 0;
    if (a === undefined) return;
    if (a instanceof NumberContent && a.hasDigits && (a.shown === null || (Number.isInteger(a.shown) && a.shown >= 0 && a.shown <= 127)) && Math.abs(a.k) < 32768) {
      this.d[i] = a.d;
      this.m[i] = a.m;
      this.k[i] = a.k;
      this.shown[i] = a.shown === null ? -1 : a.shown;
      this.flags[i] = PRESENT | (a.neg ? NEG : 0) | (a.percentFormat ? PERCENT_FORMAT : 0);
    } else {
      this.others.set(i, a);
      this.flags[i] = PRESENT | OTHER;
    }
  }

  /** Whether project i has an amount here. */
  has(i: number): boolean {
    return this.flags[i] !== 0;
  }

  // Reads without an object, for the loops over every row (figures, plan): project i's amount
  // when `inArrays(i)`, a numeric cell's fast value (hasDigits), as its Num fields would give it.

  /** Whether project i's amount is kept in the arrays (its d, neg, m and k below). */
  inArrays(i: number): boolean {
    return (this.flags[i] & (PRESENT | OTHER)) === PRESENT;
  }

  dAt(i: number): number {
    return this.d[i];
  }

  negAt(i: number): boolean {
    return (this.flags[i] & NEG) !== 0;
  }

  mAt(i: number): number {
    return this.m[i];
  }

  kAt(i: number): number {
    return this.k[i];
  }

  /** Whether project i has an amount here that is a real number (`get(i)?.numeric`, nothing made). */
  isNumeric(i: number): boolean {
    const f = this.flags[i];
    if (f === 0) return false;
    // Kept in the arrays: a numeric cell's amount.
    return (f & OTHER) === 0 || (this.others.get(i) as Amount).numeric;
  }

  /** Project i's amount, made from what is kept (anew, unless it was the last one made); undefined for none. */
  get(i: number): Amount | undefined {
    if (i === this.lastIndex) return this.last;
    const a = this.make(i);
    this.lastIndex = i;
    this.last = a;
    return a;
  }

  private make(i: number): Amount | undefined {
    const f = this.flags[i];
    if (f === 0) return undefined;
    if ((f & OTHER) !== 0) return this.others.get(i);
    PARTS.d = this.d[i];
    PARTS.neg = (f & NEG) !== 0;
    PARTS.m = this.m[i];
    PARTS.k = this.k[i];
    const shown = this.shown[i];
    return new NumberContent(PARTS, shown < 0 ? null : shown, (f & PERCENT_FORMAT) !== 0);
  }
}

/** The three amount columns of a project list. */
export class ProjectAmounts {
  readonly budget: AmountColumn;
  readonly executed: AmountColumn;
  readonly initialBudget: AmountColumn;

  constructor(size: number) {
    this.budget = new AmountColumn(size);
    this.executed = new AmountColumn(size);
    this.initialBudget = new AmountColumn(size);
  }
}
