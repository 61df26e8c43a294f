import { issueMessage } from './i18n';
import { type Dec, formatFixed, formatRate } from './money';
import { amountWanText, rowRatePercent, rowScoreText } from './rates';
import {
  type Analysis,
  type Field,
  FUND_LEVELS,
  type IssueCode,
  type IssueParams,
  type Lang,
  type Severity,
  UNRECOGNISED,
  type Unit,
} from './types';

/** The `--json` report: amounts are strings in 万元 with 2 decimals, rates percent strings or null. */
export interface Report {
  file: string;
  sheet: string;
  headerRows: number[];
  columns: Partial<Record<Field, string>>;
  unit: Unit;
  year: number | null;
  department: string;
  projects: number;
  rows: {
    row: number;
    name: string;
    docNumber: string;
    category: string;
    level: string;
    office: string;
    budget: string | null;
    executed: string | null;
    rate: string | null;
    score: string | null;
    reason: string;
  }[];
  totals: { budget: string; executed: string; rate: string | null };
  byCategory: {
    category: string;
    budget: string;
    executed: string;
    rate: string | null;
    byLevel: Record<string, { budget: string; executed: string }>;
  }[];
  byOffice: { office: string; projects: number; budget: string; executed: string; rate: string | null }[];
  issues: { code: IssueCode; severity: Severity; sheet: string; cell: string; row: number; params: IssueParams; message: string }[];
  counts: Record<Severity, number>;
  narrative: string[];
}

const money = (d: Dec): string => formatFixed(d);

/** The analysis as the plain JSON object the command line prints and the task pane shows. */
export function toReport(analysis: Analysis, file: string, lang: Lang): Report {
  const { layout, figures } = analysis;
  return {
    file,
    sheet: layout.sheet,
    headerRows: layout.headerRows,
    columns: layout.columns,
    unit: layout.unit,
    year: layout.year,
    department: layout.department,
    projects: figures.projects,
    rows: analysis.rows.map((r) => ({
      row: r.row,
      name: r.name,
      docNumber: r.docNumber,
      category: r.category,
      level: r.level,
      office: r.office,
      budget: r.budget ? amountWanText(r.budget, layout.unit) : null,
      executed: r.executed ? amountWanText(r.executed, layout.unit) : null,
      rate: rowRatePercent(r),
      score: rowScoreText(r),
      reason: r.reason,
    })),
    totals: { budget: money(figures.budget), executed: money(figures.executed), rate: formatRate(figures.rate) },
    byCategory: figures.byCategory.map((c) => {
      const byLevel: Record<string, { budget: string; executed: string }> = {};
      for (const level of FUND_LEVELS) byLevel[level] = { budget: money(c.byLevel[level].budget), executed: money(c.byLevel[level].executed) };
      const unknown = c.byLevel[UNRECOGNISED];
      if (!unknown.budget.isZero() || !unknown.executed.isZero()) {
        byLevel[UNRECOGNISED] = { budget: money(unknown.budget), executed: money(unknown.executed) };
      }
      return { category: c.category, budget: money(c.budget), executed: money(c.executed), rate: formatRate(c.rate), byLevel };
    }),
    byOffice: figures.byOffice.map((o) => ({
      office: o.office,
      projects: o.projects,
      budget: money(o.budget),
      executed: money(o.executed),
      rate: formatRate(o.rate),
    })),
    issues: analysis.issues.map((i) => ({ ...i, message: issueMessage(i, lang) })),
    counts: analysis.counts,
    narrative: analysis.narrative,
  };
}
