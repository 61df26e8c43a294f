import { D, type Dec } from './money';
import { ExactSum, type Num, fastPathsOn, pow10 } from './num';
import { ProjectRecord, type Threshold, WAN_SHIFT, rateBelow, threshold as thresholdOf } from './rates';
import {
  type Amount,
  type CategoryFigures,
  type CategoryKey,
  FUND_CATEGORIES,
  FUND_LEVELS,
  type Figures,
  type LevelKey,
  type LevelFigures,
  type OfficeFigures,
  type ProjectRow,
  UNRECOGNISED,
  type Unit,
} from './types';

/** Label under which projects without an office are grouped. */
export const NO_OFFICE = '（未填写科室）';

const LEVEL_KEYS = [...FUND_LEVELS, UNRECOGNISED] as LevelKey[];
const LEVEL_INDEX = new Map<LevelKey, number>(LEVEL_KEYS.map((l, i) => [l, i]));

function rateOf(budget: Dec, executed: Dec): Dec | null {
  return budget.isZero() ? null : executed.div(budget);
}

/** A category or an office: its number (in order of the figures) and its projects' rows. */
interface Group {
  index: number;
  rows: number[];
}

/** Budget and executed sums of a category, of its levels (LEVEL_KEYS order), of an office; the total. */
interface Sums {
  categories: [Dec, Dec][];
  levels: [Dec, Dec][][];
  offices: [Dec, Dec][];
  total: [Dec, Dec];
}

/**
 * Totals and breakdowns in 万元 at full precision, from the rows' cell values.
 * Amounts that could not be read count as nothing; their issues say so.
 */
export function computeFigures(rows: ProjectRow[], unit: Unit, thresholdPercent: number): Figures {
  const shift = WAN_SHIFT[unit];
  // The seven categories always, in the canonical order, then 未识别 if used.
  const categories = new Map<CategoryKey, Group>();
  for (const c of FUND_CATEGORIES) categories.set(c, { index: categories.size, rows: [] });
  const offices = new Map<string, Group>();
  const threshold = thresholdOf(thresholdPercent);
  const lowExecution: ProjectRow[] = [];
  const fast = fastPathsOn() ? new FastSums() : null;
  let fastSoFar = fast !== null;
  // One pass over the rows for all but the sums' exact path: a long table is mostly waiting for
  // memory, each row's objects are best read once.
  for (const row of rows) {
    let cat = categories.get(row.category);
    if (!cat) categories.set(row.category, (cat = { index: categories.size, rows: [] }));
    const officeName = row.office === '' ? NO_OFFICE : row.office;
    let office = offices.get(officeName);
    if (!office) offices.set(officeName, (office = { index: offices.size, rows: [] }));
    cat.rows.push(row.row);
    office.rows.push(row.row);
    if (row instanceof ProjectRecord && fast !== null && row.amountsInArrays()) {
      // Both amounts read where the record keeps them, by column: no object made (amounts.ts).
      if (fastSoFar) fastSoFar = fast.addRecord(row, cat.index, office.index, shift);
      if (recordBelow(row, threshold)) lowExecution.push(row);
      continue;
    }
    if (fastSoFar) fastSoFar = (fast as FastSums).add(row.level, row.budget, row.executed, cat.index, office.index, shift);
    if (below(row, threshold)) lowExecution.push(row);
  }
  const sums = (fastSoFar && (fast as FastSums).sums(categories.size, offices.size)) || exactSums(rows, categories, offices, shift);

  const byCategory: CategoryFigures[] = [...categories].map(([category, { index, rows: catRows }]) => {
    const [budget, executed] = sums.categories[index];
    const byLevel = {} as Record<LevelKey, LevelFigures>;
    LEVEL_KEYS.forEach((l, i) => (byLevel[l] = { budget: sums.levels[index][i][0], executed: sums.levels[index][i][1] }));
    return { category, budget, executed, rate: rateOf(budget, executed), byLevel, rows: catRows };
  });
  const byOffice: OfficeFigures[] = [...offices].map(([name, { index, rows: officeRows }]) => {
    const [budget, executed] = sums.offices[index];
    return { office: name, projects: officeRows.length, budget, executed, rate: rateOf(budget, executed), rows: officeRows };
  });
  const [budget, executed] = sums.total;
  return {
    projects: rows.length,
    budget,
    executed,
    rate: rateOf(budget, executed),
    // The seven categories always, in the canonical order, then 未识别 if used.
    byCategory,
    byOffice,
    lowExecution,
  };
}

/** Budget and executed sums of a group, exact. */
class Pair {
  readonly budget = new ExactSum();
  readonly executed = new ExactSum();

  add(budget: Num | undefined, executed: Num | undefined, shift: number): void {
    if (budget) this.budget.add(budget, shift);
    if (executed) this.executed.add(executed, shift);
  }

  values(): [Dec, Dec] {
    return [this.budget.value(), this.executed.value()];
  }
}

/** The sums through `ExactSum`, for amounts the fast sums do not take. */
function exactSums(rows: ProjectRow[], categories: Map<CategoryKey, Group>, offices: Map<string, Group>, shift: number): Sums {
  const total = new Pair();
  const categorySums = Array.from({ length: categories.size }, () => new Pair());
  const levelSums = Array.from({ length: categories.size }, () => LEVEL_KEYS.map(() => new Pair()));
  const officeSums = Array.from({ length: offices.size }, () => new Pair());
  for (const row of rows) {
    const b = row.budget?.q.num;
    const e = row.executed?.q.num;
    const c = (categories.get(row.category) as Group).index;
    const office = (offices.get(row.office === '' ? NO_OFFICE : row.office) as Group).index;
    total.add(b, e, shift);
    categorySums[c].add(b, e, shift);
    levelSums[c][LEVEL_INDEX.get(row.level) as number].add(b, e, shift);
    officeSums[office].add(b, e, shift);
  }
  return {
    categories: categorySums.map((p) => p.values()),
    levels: levelSums.map((levels) => levels.map((p) => p.values())),
    offices: officeSums.map((p) => p.values()),
    total: total.values(),
  };
}

/** Scales (decimal places in 万元) the fast sums keep apart: 0 to SCALES - 1. */
const SCALES = 8;
const LEVELS = LEVEL_KEYS.length;

/**
 * The sums in doubles holding integers, exactly. An amount with digits is m × 10^-s in 万元
 * (s = its scale plus the unit's shift), m a safe integer: amounts with 0 ≤ s < SCALES are added
 * by scale, m to the partial sum of scale s; coarser ones (whole tens, hundreds…: s < 0) to scale
 * 0 as m × 10^-s while that is a safe integer. Every partial sum of every group stays exact while
 * the sum of the magnitudes added at its scale, over all groups, stays below 2^53; that is checked
 * once at the end (a sum of non-negative doubles only grows, so a final total below 2^53 means no
 * addition was rounded). An amount without digits or finer than SCALES - 1, or a table past those
 * bounds, takes `exactSums` instead, as do all amounts when the fast paths are off.
 *
 * Both give the exact sums: all amounts are then multiples of 10^-7 whose magnitudes add up to
 * less than 2^53 × 1.2, so any sum of some of them has at most 24 significant digits: decimal.js
 * (40) adds the partial sums here without rounding, and `ExactSum`, adding the same amounts,
 * rounds nothing either.
 */
class FastSums {
  /** Per category: per level, budget then executed, by scale. */
  private readonly levels: Float64Array[] = [];
  /** Per office: budget then executed, by scale. */
  private readonly offices: Float64Array[] = [];
  /** Sum of the magnitudes added, by scale. */
  private readonly magnitude = new Float64Array(SCALES);

  /** Adds a row's amounts; false when one of them is not for this path (the sums are then void). */
  add(level: LevelKey, budget: Amount | undefined, executed: Amount | undefined, category: number, office: number, shift: number): boolean {
    const levels = (this.levels[category] ??= new Float64Array(LEVELS * 2 * SCALES));
    const officeSums = (this.offices[office] ??= new Float64Array(2 * SCALES));
    const at = (LEVEL_INDEX.get(level) as number) * 2 * SCALES;
    return this.addAmount(budget?.q.num, shift, levels, at, officeSums, 0) && this.addAmount(executed?.q.num, shift, levels, at + SCALES, officeSums, SCALES);
  }

  /** `add` for a record whose two amounts are kept in its list's arrays (`recordInArrays`). */
  addRecord(row: ProjectRecord, category: number, office: number, shift: number): boolean {
    const levels = (this.levels[category] ??= new Float64Array(LEVELS * 2 * SCALES));
    const officeSums = (this.offices[office] ??= new Float64Array(2 * SCALES));
    const at = (LEVEL_INDEX.get(row.level) as number) * 2 * SCALES;
    const { budget, executed } = row.amounts;
    const i = row.index;
    return (
      this.addDigits(budget.negAt(i), budget.mAt(i), budget.kAt(i), shift, levels, at, officeSums, 0) &&
      this.addDigits(executed.negAt(i), executed.mAt(i), executed.kAt(i), shift, levels, at + SCALES, officeSums, SCALES)
    );
  }

  private addAmount(n: Num | undefined, shift: number, levels: Float64Array, levelAt: number, office: Float64Array, officeAt: number): boolean {
    if (n === undefined) return true;
    if (!n.hasDigits) return false;
    return this.addDigits(n.neg, n.m, n.k, shift, levels, levelAt, office, officeAt);
  }

  /** Adds neg·m × 10^-k (a value with digits); false when it is not for this path. */
  private addDigits(neg: boolean, mantissa: number, k: number, shift: number, levels: Float64Array, levelAt: number, office: Float64Array, officeAt: number): boolean {
    let m = mantissa;
    if (m === 0) return true;
    let scale = k + shift;
    if (scale >= SCALES) return false;
    if (scale < 0) {
      if (scale < -22) return false; // past the exact powers of ten
      m *= pow10(-scale);
      if (m > Number.MAX_SAFE_INTEGER) return false;
      scale = 0;
    }
    this.magnitude[scale] += m;
    if (neg) m = -m;
    levels[levelAt + scale] += m;
    office[officeAt + scale] += m;
    return true;
  }

  /** The sums, or null when some partial sum may have been rounded. */
  sums(categories: number, offices: number): Sums | null {
    for (const m of this.magnitude) if (!(m < 2 ** 53)) return null;
    const levels: [Dec, Dec][][] = [];
    const categorySums: [Dec, Dec][] = [];
    const total = new Float64Array(2 * SCALES);
    for (let c = 0; c < categories; c++) {
      const all = this.levels[c] ?? new Float64Array(LEVELS * 2 * SCALES);
      const category = new Float64Array(2 * SCALES);
      const byLevel: [Dec, Dec][] = [];
      for (let l = 0; l < LEVELS; l++) {
        const level = all.subarray(l * 2 * SCALES, (l + 1) * 2 * SCALES);
        // Sums of partial sums at one scale: bounded by that scale's magnitude, exact too.
        for (let i = 0; i < 2 * SCALES; i++) category[i] += level[i];
        byLevel.push(pairOf(level));
      }
      for (let i = 0; i < 2 * SCALES; i++) total[i] += category[i];
      levels.push(byLevel);
      categorySums.push(pairOf(category));
    }
    const officeSums = Array.from({ length: offices }, (_, o) => pairOf(this.offices[o]));
    return { categories: categorySums, levels, offices: officeSums, total: pairOf(total) };
  }
}

/** Budget and executed from their partial sums by scale. */
function pairOf(partials: Float64Array): [Dec, Dec] {
  return [decimalOf(partials, 0), decimalOf(partials, SCALES)];
}

/** Σ partials[from + s] × 10^-s, exact; 0 (never -0) when nothing is left. */
function decimalOf(partials: Float64Array, from: number): Dec {
  let total: Dec | null = null;
  for (let s = 0; s < SCALES; s++) {
    const m = partials[from + s];
    if (m === 0) continue;
    const d = new D(`${m}e${-s}`);
    total = total === null ? d : total.plus(d);
  }
  return total === null || total.isZero() ? new D(0) : total;
}

/**
 * `rateBelow(row, t)`: the rate (executed ÷ budget) is below the threshold. Decided from the
 * doubles when the quotient is clearly apart from the threshold; `rateBelow` decides the rest.
 *
 * Amounts with digits are within 2^-53 of their doubles, relative, and so is a threshold with a
 * fast form; between 1e-140 and 1e140 their quotient neither overflows nor leaves the normal
 * doubles, so it is within 2^-51 of the rate: a quotient more than 10^-9 apart from the threshold,
 * relative, is on the rate's side. Where this decides, `rateBelow` decides the same from its own
 * bounds, without dividing out the rate.
 */
function below(row: ProjectRow, t: Threshold): boolean {
  if (row instanceof ProjectRecord && fastPathsOn()) {
    if (!row.hasRate) return false;
    const b = row.budget?.q.num;
    const e = row.executed?.q.num;
    const side = b && e && b.hasDigits && e.hasDigits ? belowByDoubles(e.d, b.d, t) : undefined;
    if (side !== undefined) return side;
  }
  return rateBelow(row, t);
}

/** `below(row, t)` for a record whose two amounts are in its list's arrays (fast paths on). */
function recordBelow(row: ProjectRecord, t: Threshold): boolean {
  if (!row.hasRate) return false;
  return belowByDoubles(row.amounts.executed.dAt(row.index), row.amounts.budget.dAt(row.index), t) ?? rateBelow(row, t);
}

/** Whether executed ÷ budget is below the threshold, from two amounts' doubles; undefined when they cannot tell (see `below`). */
function belowByDoubles(executed: number, budget: number, t: Threshold): boolean | undefined {
  const tv = t.approx.v;
  if (!(inRange(budget) && (executed === 0 || inRange(executed)) && inRange(tv) && t.approx.err < Infinity)) return undefined;
  const q = executed / budget;
  if (q < tv * (1 - 1e-9)) return true;
  if (q > tv * (1 + 1e-9)) return false;
  return undefined;
}

function inRange(x: number): boolean {
  return x >= 1e-140 && x <= 1e140;
}
