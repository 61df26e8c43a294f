import { analyze, type Issue } from '../../src/engine';
import { Err, project, table, workbook, type TestCell } from '../helpers/grid';

function issuesOf(projects: TestCell[][], extraRows: TestCell[][] = [], threshold?: number): Pick<Issue, 'code' | 'cell'>[] {
  const r = analyze(workbook(table('明细', projects, extraRows)), threshold === undefined ? {} : { threshold });
  if (!r.ok) throw new Error(r.error.code);
  return r.analysis.issues.map((i) => ({ code: i.code, cell: i.cell }));
}

const pct = (v: number): TestCell => ({ v, fmt: '0.00%' });

describe('each rule fires at its cell', () => {
  test('missing-value: name, budget (a blank budget with execution), executed', () => {
    expect(issuesOf([project(1, '', 10, 10), project(2, '乙', null, 5), project(3, '丙', 10, null)])).toEqual([
      { code: 'missing-value', cell: 'B4' },
      { code: 'missing-value', cell: 'F5' },
      { code: 'missing-value', cell: 'G6' },
    ]);
  });

  test('not-a-number and formula-error; a #DIV/0! rate beside a zero budget is fine', () => {
    expect(
      issuesOf([
        project(1, '甲', '待定', 10),
        project(2, '乙', 10, new Err('#REF!')),
        project(3, '丙', 0, 0, { rate: new Err('#DIV/0!') }),
        project(4, '丁', 10, 10, { rate: new Err('#N/A') }),
        project(5, '戊', 10, 10, { rate: '见附件' }),
      ]),
    ).toEqual([
      { code: 'not-a-number', cell: 'F4' },
      { code: 'formula-error', cell: 'G5' },
      { code: 'formula-error', cell: 'H7' },
      { code: 'not-a-number', cell: 'H8' },
    ]);
  });

  test('negative-amount and zero-budget', () => {
    expect(issuesOf([project(1, '甲', -5, 0, { rate: null }), project(2, '乙', 0, 5, { rate: null })])).toEqual([
      { code: 'negative-amount', cell: 'F4' },
      { code: 'zero-budget', cell: 'F5' },
    ]);
  });

  test('over-execution by the rounding rule: 10.02 > 10.00 fails; 10.01 touches; stored 10.004 is exact', () => {
    expect(
      issuesOf([
        project(1, '甲', 10, 10.02, { rate: null }),
        project(2, '乙', 10, 10.01, { rate: null }),
        project(3, '丙', 10, 10.004, { rate: null }),
      ]),
    ).toEqual([{ code: 'over-execution', cell: 'G4' }]);
  });

  test('rate-mismatch: the boundary cases of the rounding rule', () => {
    const reason = '中标价格低于预算价格';
    expect(
      issuesOf([
        project(1, '甲', 87.2, 40.97, { rate: pct(0.4699), reason }),
        project(2, '乙', 87.2, 40.97, { rate: pct(0.47), reason }),
        project(3, '丙', 87.2, 40.971, { rate: pct(0.4699), reason }),
        project(4, '丁', 87.2, 40.971, { rate: pct(0.47), reason }),
        project(5, '戊', 7.27, 4.55, { rate: pct(0.6264), reason }),
        project(6, '己', 7.27, 4.5536, { rate: pct(0.6426), reason }),
      ]),
    ).toEqual([
      { code: 'rate-mismatch', cell: 'H5' },
      { code: 'rate-mismatch', cell: 'H7' },
      { code: 'rate-mismatch', cell: 'H9' },
    ]);
  });

  test('rates written as percents (96.52) or as text ("96.52%") are read as such', () => {
    expect(
      issuesOf([
        project(1, '甲', 100, 96.52, { rate: { v: 96.52, fmt: '0.00' } }),
        project(2, '乙', 100, 96.52, { rate: '96.52%' }),
      ]),
    ).toEqual([{ code: 'text-number', cell: 'H5' }]);
  });

  test('total-mismatch per column, with 尾差 allowed', () => {
    const projects = [project(1, '甲', 0.333, 0.333), project(2, '乙', 0.333, 0.333), project(3, '丙', 0.334, 0.333)];
    // Budget total shown 2.00 against a sum of 1.000: wrong. Executed 1.00 against 0.999: 尾差, fine.
    expect(issuesOf(projects, [[null, '合计', null, null, null, 2, 1, pct(1)]])).toEqual([
      { code: 'total-mismatch', cell: 'F7' },
      { code: 'rate-mismatch', cell: 'H7' },
    ]);
    expect(issuesOf(projects, [[null, '合计', null, null, null, 1, 1, pct(0.999)]])).toEqual([]);
  });

  test('duplicate-project: same name and document (two blanks are the same)', () => {
    expect(
      issuesOf([
        project(1, '甲', 10, 10, { doc: '唐财建[2024]10号' }),
        project(2, '甲', 10, 10, { doc: '唐财建〔2024〕10号' }),
        project(3, '乙', 10, 10),
        project(4, '乙', 10, 10),
        project(5, '丙', 10, 10, { doc: '唐财建[2024]11号' }),
        project(6, '丙', 10, 10, { doc: '唐财建[2024]12号' }),
      ]),
    ).toEqual([
      { code: 'duplicate-project', cell: 'B5' },
      { code: 'duplicate-project', cell: 'B7' },
    ]);
  });

  test('duplicate-project: each names the first project of its name and document, however many share the name', () => {
    const r = analyze(
      workbook(
        table('明细', [
          project(1, '丁', 10, 10, { doc: '唐财建〔2024〕1号' }),
          project(2, '丁', 10, 10, { doc: '唐财建〔2024〕2号' }),
          project(3, '丁 ', 10, 10, { doc: '唐财建[2024]2号' }),
          project(4, '丁', 10, 10, { doc: '唐财建（2024）1号' }),
          project(5, '丁', 10, 10),
          project(6, '丁', 10, 10),
        ]),
      ),
    );
    if (!r.ok) throw new Error(r.error.code);
    const dupes = r.analysis.issues.filter((i) => i.code === 'duplicate-project').map((i) => [i.cell, i.params.firstRow]);
    expect(dupes).toEqual([
      ['B6', '5'],
      ['B7', '4'],
      ['B9', '8'],
    ]);
  });

  test('low-execution-unexplained: strictly below the threshold with a blank or placeholder reason', () => {
    expect(
      issuesOf([
        project(1, '甲', 100, 80),
        project(2, '乙', 100, 80, { reason: '无' }),
        project(3, '丙', 100, 80, { reason: '/' }),
        project(4, '丁', 100, 89.99, { reason: '部分合同未到付款节点' }),
        project(5, '戊', 100, 90),
      ]),
    ).toEqual([
      { code: 'low-execution-unexplained', cell: 'I4' },
      { code: 'low-execution-unexplained', cell: 'I5' },
      { code: 'low-execution-unexplained', cell: 'I6' },
    ]);
    expect(issuesOf([project(1, '甲', 100, 85)], [], 80)).toEqual([]);
  });

  test('warnings: document number, category, level, magnitude; info: text numbers', () => {
    expect(
      issuesOf([
        project(1, '甲', 10, 10, { doc: '唐财建2024-10' }),
        project(2, '乙', 20, 20, { category: '自筹资金' }),
        project(3, '丙', 30, 30, { level: '乡镇' }),
        project(4, '丁', 40, 40),
        project(5, '戊', 50, 50),
        project(6, '己', 850000, 850000),
        project(7, '庚', '85.00', '１２．５０', { rate: null }),
      ]),
    ).toEqual([
      { code: 'invalid-doc-number', cell: 'C4' },
      { code: 'unknown-fund-category', cell: 'D5' },
      { code: 'unknown-fund-level', cell: 'E6' },
      { code: 'suspicious-magnitude', cell: 'F9' },
      { code: 'suspicious-magnitude', cell: 'G9' },
      { code: 'text-number', cell: 'F10' },
      { code: 'text-number', cell: 'G10' },
      { code: 'low-execution-unexplained', cell: 'I10' },
    ]);
  });

  test('missing-column at the first cell of the header row', () => {
    const grid = table('明细', [project(1, '甲', 10, 10)]);
    grid.values[2] = grid.values[2].map((c) => (c === '全年执行数' ? '备用' : c));
    const r = analyze(workbook(grid));
    if (!r.ok) throw new Error(r.error.code);
    expect(r.analysis.issues.map((i) => [i.code, i.cell, i.params.field])).toEqual([['missing-column', 'A3', 'executed']]);
  });

  test('a merged cell is reported by its top-left address', () => {
    const grid = workbook({
      ...table('明细', [project(1, '甲', 10, 10), project(2, '乙', null, null)]),
      merges: ['A1:J1', 'A2:J2', 'F4:F5'],
    });
    const r = analyze(grid);
    if (!r.ok) throw new Error(r.error.code);
    expect(r.analysis.issues.map((i) => [i.code, i.cell])).toEqual([
      ['missing-value', 'F4'],
      ['missing-value', 'G5'],
    ]);
  });
});

test('ambiguous-unit: no unit stated anywhere fires at the first cell of the header row, with the unit read from magnitude', () => {
  const grid = table('明细', [project(1, '甲', 150000, 150000), project(2, '乙', 80000, 80000)]);
  grid.values[1] = grid.values[1].map(() => '');
  grid.valueTypes[1] = grid.valueTypes[1].map(() => 'Empty');
  const r = analyze(workbook(grid));
  if (!r.ok) throw new Error(r.error.code);
  expect(r.analysis.issues.map((i) => [i.code, i.severity, i.cell, i.params.unit])).toEqual([['ambiguous-unit', 'warning', 'A3', '元']]);
  expect(r.analysis.layout.unit).toBe('元');
  expect(r.analysis.figures.budget.toFixed(2)).toBe('23.00');
});
