import { type Dec } from './money';
import { ExactSum } from './num';
import { WAN_SHIFT, rateBelow, threshold as thresholdOf } from './rates';
import {
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


function rateOf(budget: Dec, executed: Dec): Dec | null {
  return budget.isZero() ? null : executed.div(budget);
}

/** Budget and executed sums of a group, exact. */
class Pair {
  readonly budget = new ExactSum();
  readonly executed = new ExactSum();
}

/**
 * Totals and breakdowns in 万元 at full precision, from the rows' cell values.
 * Amounts that could not be read count as nothing; their issues say so.
 */
export function computeFigures(rows: ProjectRow[], unit: Unit, thresholdPercent: number): Figures {
  const shift = WAN_SHIFT[unit];
  interface CategoryAcc {
    sums: Pair;
    levels: Map<LevelKey, Pair>;
    rows: number[];
  }
  const categories = new Map<CategoryKey, CategoryAcc>();
  const fresh = (): CategoryAcc => ({ sums: new Pair(), levels: new Map(LEVEL_KEYS.map((l) => [l, new Pair()])), rows: [] });
  for (const category of FUND_CATEGORIES) categories.set(category, fresh());
  const offices = new Map<string, { sums: Pair; projects: number; rows: number[] }>();
  const total = new Pair();

  for (const row of rows) {
    const b = row.budget?.q.num;
    const e = row.executed?.q.num;
    let cat = categories.get(row.category);
    if (!cat) categories.set(row.category, (cat = fresh()));
    const officeName = row.office === '' ? NO_OFFICE : row.office;
    let office = offices.get(officeName);
    if (!office) offices.set(officeName, (office = { sums: new Pair(), projects: 0, rows: [] }));
    const level = cat.levels.get(row.level) as Pair;
    if (b) {
      total.budget.add(b, shift);
      cat.sums.budget.add(b, shift);
      level.budget.add(b, shift);
      office.sums.budget.add(b, shift);
    }
    if (e) {
      total.executed.add(e, shift);
      cat.sums.executed.add(e, shift);
      level.executed.add(e, shift);
      office.sums.executed.add(e, shift);
    }
    cat.rows.push(row.row);
    office.projects++;
    office.rows.push(row.row);
  }

  const levelFigures = (levels: Map<LevelKey, Pair>): Record<LevelKey, LevelFigures> => {
    const out = {} as Record<LevelKey, LevelFigures>;
    for (const [level, pair] of levels) out[level] = { budget: pair.budget.value(), executed: pair.executed.value() };
    return out;
  };
  const byCategory: CategoryFigures[] = [...categories].map(([category, acc]) => {
    const budget = acc.sums.budget.value();
    const executed = acc.sums.executed.value();
    return { category, budget, executed, rate: rateOf(budget, executed), byLevel: levelFigures(acc.levels), rows: acc.rows };
  });
  const byOffice: OfficeFigures[] = [...offices].map(([name, acc]) => {
    const budget = acc.sums.budget.value();
    const executed = acc.sums.executed.value();
    return { office: name, projects: acc.projects, budget, executed, rate: rateOf(budget, executed), rows: acc.rows };
  });
  const budget = total.budget.value();
  const executed = total.executed.value();
  const threshold = thresholdOf(thresholdPercent);
  return {
    projects: rows.length,
    budget,
    executed,
    rate: rateOf(budget, executed),
    // The seven categories always, in the canonical order, then 未识别 if used.
    byCategory,
    byOffice,
    lowExecution: rows.filter((r) => rateBelow(r, threshold)),
  };
}
