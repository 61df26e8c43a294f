import { D, type Dec, toWan } from './money';
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

function zeroLevels(): Record<LevelKey, LevelFigures> {
  const levels = {} as Record<LevelKey, LevelFigures>;
  for (const level of [...FUND_LEVELS, UNRECOGNISED] as LevelKey[]) levels[level] = { budget: new D(0), executed: new D(0) };
  return levels;
}

function rateOf(budget: Dec, executed: Dec): Dec | null {
  return budget.isZero() ? null : executed.div(budget);
}

/**
 * Totals and breakdowns in 万元 at full precision, from the rows' cell values.
 * Amounts that could not be read count as nothing; their issues say so.
 */
export function computeFigures(rows: ProjectRow[], unit: Unit, thresholdPercent: number): Figures {
  const wan = (v: Dec | undefined): Dec => (v === undefined ? new D(0) : toWan(v, unit));
  const categories = new Map<CategoryKey, CategoryFigures>();
  for (const category of FUND_CATEGORIES) {
    categories.set(category, { category, budget: new D(0), executed: new D(0), rate: null, byLevel: zeroLevels(), rows: [] });
  }
  const offices = new Map<string, OfficeFigures>();
  let budget = new D(0);
  let executed = new D(0);

  for (const row of rows) {
    const b = wan(row.budget?.value);
    const e = wan(row.executed?.value);
    budget = budget.plus(b);
    executed = executed.plus(e);

    let cat = categories.get(row.category);
    if (!cat) {
      cat = { category: row.category, budget: new D(0), executed: new D(0), rate: null, byLevel: zeroLevels(), rows: [] };
      categories.set(row.category, cat);
    }
    cat.budget = cat.budget.plus(b);
    cat.executed = cat.executed.plus(e);
    cat.byLevel[row.level].budget = cat.byLevel[row.level].budget.plus(b);
    cat.byLevel[row.level].executed = cat.byLevel[row.level].executed.plus(e);
    cat.rows.push(row.row);

    const officeName = row.office === '' ? NO_OFFICE : row.office;
    let office = offices.get(officeName);
    if (!office) {
      office = { office: officeName, projects: 0, budget: new D(0), executed: new D(0), rate: null, rows: [] };
      offices.set(officeName, office);
    }
    office.projects++;
    office.budget = office.budget.plus(b);
    office.executed = office.executed.plus(e);
    office.rows.push(row.row);
  }

  for (const cat of categories.values()) cat.rate = rateOf(cat.budget, cat.executed);
  for (const office of offices.values()) office.rate = rateOf(office.budget, office.executed);

  const threshold = new D(thresholdPercent).div(100);
  return {
    projects: rows.length,
    budget,
    executed,
    rate: rateOf(budget, executed),
    // The seven categories always, in the canonical order, then 未识别 if used.
    byCategory: [...categories.values()],
    byOffice: [...offices.values()],
    lowExecution: rows.filter((r) => r.rate !== null && r.rate.lt(threshold)),
  };
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
