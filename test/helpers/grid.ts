import type { RawValue, SheetGrid, ValueType, WorkbookGrid } from '../../src/engine/grid';

/** An error value in a test grid: becomes its text with valueType 'Error', as Office.js gives it. */
export class Err {
  constructor(readonly text: string) {}
}

export type TestCell = string | number | boolean | null | Err | { v: number | string; fmt: string };

/**
 * Builds a sheet as Office.js presents it from rows of plain values; numbers get `numberFormat`
 * (default '#,##0.00') unless given as { v, fmt }.
 */
export function sheet(name: string, rows: TestCell[][], options: { merges?: string[]; numberFormat?: string } = {}): SheetGrid {
  const values: RawValue[][] = [];
  const valueTypes: ValueType[][] = [];
  const numberFormats: string[][] = [];
  for (const row of rows) {
    const v: RawValue[] = [];
    const t: ValueType[] = [];
    const f: string[] = [];
    for (const cell of row) {
      if (cell === null || cell === '') {
        v.push('');
        t.push('Empty');
        f.push('General');
      } else if (cell instanceof Err) {
        v.push(cell.text);
        t.push('Error');
        f.push('General');
      } else if (typeof cell === 'object') {
        v.push(cell.v);
        t.push(typeof cell.v === 'number' ? 'Double' : 'String');
        f.push(cell.fmt);
      } else if (typeof cell === 'number') {
        v.push(cell);
        t.push('Double');
        f.push(options.numberFormat ?? '#,##0.00');
      } else if (typeof cell === 'boolean') {
        v.push(cell);
        t.push('Boolean');
        f.push('General');
      } else {
        v.push(cell);
        t.push('String');
        f.push('General');
      }
    }
    values.push(v);
    valueTypes.push(t);
    numberFormats.push(f);
  }
  return { name, top: 0, left: 0, values, valueTypes, numberFormats, merges: options.merges ?? [] };
}

export function workbook(...sheets: SheetGrid[]): WorkbookGrid {
  return { sheets, ownedSheets: [] };
}

export const HEADER = ['序号', '项目名称', '资金文号', '资金类别', '资金级次', '全年预算数', '全年执行数', '执行率', '偏差原因及改进措施', '责任科室'];

/** A project row in the common layout; rate as a fraction with format 0.00%. */
export function project(n: number, name: string, budget: TestCell, executed: TestCell, extra: Partial<{ doc: string; category: string; level: string; rate: TestCell; reason: string; office: string }> = {}): TestCell[] {
  const rate: TestCell =
    extra.rate !== undefined
      ? extra.rate
      : typeof budget === 'number' && typeof executed === 'number' && budget !== 0
        ? { v: Math.round((executed / budget) * 10000) / 10000, fmt: '0.00%' }
        : null;
  return [n, name, extra.doc ?? '', extra.category ?? '本级财政资金', extra.level ?? '本级', budget, executed, rate, extra.reason ?? '', extra.office ?? '办公室'];
}

/** The usual layout: title, 单位 line, header at row 3, projects from row 4. */
export function table(name: string, projects: TestCell[][], extraRows: TestCell[][] = []): SheetGrid {
  return sheet(name, [['某局2024年度项目支出明细表'], ['单位：万元'], HEADER, ...projects, ...extraRows], { merges: ['A1:J1', 'A2:J2'] });
}
