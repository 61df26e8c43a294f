import { analyze, type Lang, type Report, toReport } from '../../src/engine';
import type { AddinHost, DetectedTable, HostResult, HostSettings } from '../../src/office/types';
import { project, table, workbook } from '../helpers/grid';

export const XSS_NAME = '<img src=x onerror=alert(1)>';

/** A real project list: one clean row, a low rate without reason (named XSS_NAME), an over-execution, a number stored as text. */
export function sampleGrid() {
  return workbook(
    table('明细', [
      project(1, '应急物资储备', 100, 95),
      project(2, XSS_NAME, 87.2, 40.97, { doc: '唐财建〔2024〕10号', category: '专项转移支付', level: '省', office: '财务和救灾物资科' }),
      project(3, '森林防火', 10, 12, { rate: null, category: '增发国债', level: '中央' }),
      project(4, '安全生产宣传', '20.00', 19, { rate: null }),
    ]),
  );
}

/** The engine's own report and detected table for a grid, as the Excel host returns them. */
export function analysed(lang: Lang, settings: Partial<HostSettings> = {}): { report: Report; table: DetectedTable } {
  const r = analyze(sampleGrid(), { threshold: settings.threshold, map: settings.map });
  if (!r.ok) throw new Error(r.error.code);
  const { layout, figures } = r.analysis;
  const table: DetectedTable = {
    sheet: layout.sheet,
    headerRows: layout.headerRows,
    projects: figures.projects,
    unit: layout.unit,
    unitSource: layout.unitSource,
    year: layout.year,
    department: layout.department,
    columns: layout.columns,
    confident: layout.confident,
  };
  return { report: toReport(r.analysis, '', lang), table };
}

export const ok = <T,>(value: T): HostResult<T> => ({ ok: true, value });

export type StubHost = AddinHost & { [K in Exclude<keyof AddinHost, 'lang'>]: jest.Mock };

/** A host that answers from the real engine; every method a jest mock to inspect or override. */
export function stubHost(lang: Lang = 'zh', saved: HostSettings = { threshold: 90 }): StubHost {
  return {
    lang,
    loadSettings: jest.fn(async () => ok({ ...saved })),
    saveSettings: jest.fn(async () => ok(undefined)),
    validate: jest.fn(async (settings: HostSettings) => ok(analysed(lang, settings))),
    fill: jest.fn(async (settings: HostSettings) => ok({ ...analysed(lang, settings), sheets: ['预算执行汇总', '绩效自评文字'], blocked: false, notes: [] })),
    selectCell: jest.fn(async () => ok(undefined)),
  };
}
