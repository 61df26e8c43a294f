/**
 * The engine's facade: plain data in, plain data out. Hosts (the command line on .xlsx files,
 * the Office.js add-in, the workbench) read cells, call `analyze`, then write `planWrite`'s plan.
 */
import { SheetView } from './cells';
import { computeFigures } from './figures';
import type { WorkbookGrid } from './grid';
import { columnLetter } from './grid';
import { locateTable } from './locate';
import { buildNarrative } from './narrative';
import { type AnalysisResult, type AnalyzeOptions, type Field, type Severity } from './types';
import { validate } from './validate';

export const DEFAULT_THRESHOLD = 90;

/**
 * Finds the project table, validates every row, computes the figures and writes the narrative.
 * A problem in the workbook is an issue in the result; only an unusable workbook (no table) is
 * an error result.
 * @example
 * const result = analyze(grid, { threshold: 90 });
 * if (result.ok) console.log(result.analysis.figures.rate?.toFixed(4));
 */
export function analyze(grid: WorkbookGrid, options: AnalyzeOptions = {}): AnalysisResult {
  const views = grid.sheets.map((s) => new SheetView(s));
  const found = locateTable(views, grid.ownedSheets, options);
  if (!found.ok) return { ok: false, error: found.error };
  const loc = found.located;
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const { rows, issues } = validate(loc, threshold);
  const figures = computeFigures(rows, loc.unit, threshold);
  const narrative = buildNarrative({ rows, figures, unit: loc.unit, year: loc.year, thresholdPercent: threshold });
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const issue of issues) counts[issue.severity]++;
  const columns: Partial<Record<Field, string>> = {};
  for (const [field, col] of Object.entries(loc.columns)) columns[field as Field] = columnLetter(col as number);
  return {
    ok: true,
    analysis: {
      layout: {
        sheet: loc.view.name,
        headerRows: loc.headerRows.map((r) => r + 1),
        columns,
        columnIndex: { ...loc.columns },
        unit: loc.unit,
        unitSource: loc.unitSource,
        year: loc.year,
        department: loc.department,
        projectRows: loc.projectRows.map((r) => r + 1),
        totalRow: loc.totalRow === null ? null : loc.totalRow + 1,
        confident: loc.confident,
      },
      rows,
      issues,
      counts,
      figures,
      narrative,
      threshold,
    },
  };
}

export * from './types';
export * from './grid';
export { issueMessage, unusableMessage, fieldName, severityName, dictionary } from './i18n';
export { toReport, type Report } from './report';
export { planWrite, rowsOf, sheetPlanOf } from './plan';
