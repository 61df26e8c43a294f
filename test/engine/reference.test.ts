import { analyze, toReport, type Report } from '../../src/engine';
import { readWorkbookFile } from '../../src/xlsx/read';
import { REFERENCE, haveReference } from '../helpers/shared';

const available = haveReference();
const maybe = available ? describe : describe.skip;

maybe('the reference workbook (fengnan-2024-projects.xlsx)', () => {
  let report: Report;

  beforeAll(async () => {
    const read = await readWorkbookFile(REFERENCE);
    if (!read.ok) throw new Error(`unreadable: ${read.error.code}`);
    const result = analyze(read.grid, {});
    if (!result.ok) throw new Error(`no table: ${result.error.code}`);
    report = toReport(result.analysis, REFERENCE, 'zh');
  });

  test('finds the table: 21 projects, header row 3, unit 万元, year 2024', () => {
    expect(report.sheet).toBe('2024年项目支出明细');
    expect(report.headerRows).toEqual([3]);
    expect(report.projects).toBe(21);
    expect(report.unit).toBe('万元');
    expect(report.year).toBe(2024);
    expect(report.columns).toMatchObject({ name: 'B', docNumber: 'C', category: 'D', level: 'E', initialBudget: 'F', budget: 'G', executed: 'H', rate: 'I', reason: 'K', office: 'M' });
  });

  test('0 errors and 0 warnings', () => {
    expect(report.issues.filter((i) => i.severity !== 'info')).toEqual([]);
    expect(report.counts.error).toBe(0);
    expect(report.counts.warning).toBe(0);
  });

  test('totals 1406.33 / 1357.39 / 96.52', () => {
    expect(report.totals).toEqual({ budget: '1406.33', executed: '1357.39', rate: '96.52' });
  });

  test('every breakdown in the reference README', () => {
    const cat = (name: string) => report.byCategory.find((c) => c.category === name)!;
    expect(report.byCategory.map((c) => c.category)).toEqual(['本级财政资金', '共同财政事权转移支付', '专项转移支付', '一般性转移支付', '增发国债', '债券资金', '其他资金']);
    expect(cat('共同财政事权转移支付')).toMatchObject({ budget: '75.38', executed: '75.38' });
    expect(cat('共同财政事权转移支付').byLevel).toMatchObject({ 中央: { budget: '0.00' }, 省: { budget: '71.38' }, 市: { budget: '4.00' } });
    expect(cat('专项转移支付')).toMatchObject({ budget: '0.00', executed: '0.00' });
    expect(cat('债券资金')).toMatchObject({ budget: '0.00', executed: '0.00' });
    expect(cat('增发国债')).toMatchObject({ budget: '542.59', executed: '493.64' });
    expect(cat('增发国债').byLevel).toMatchObject({
      中央: { budget: '500.80', executed: '454.57' },
      省: { budget: '41.79', executed: '39.07' },
      市: { budget: '0.00', executed: '0.00' },
    });
    expect(cat('本级财政资金')).toMatchObject({ budget: '788.36', executed: '788.36' });
    const row = (doc: string) => report.rows.find((r) => r.docNumber === doc)!;
    expect(row('唐财建[2024]10号')).toMatchObject({ budget: '87.20', executed: '40.97', rate: '46.99' });
    expect(row('唐财建[2024]11号')).toMatchObject({ budget: '7.27', executed: '4.55', rate: '62.64' });
  });

  test("the narrative holds the seed's figures and names the 本级 money", () => {
    const text = report.narrative.join('\n');
    expect(text).toContain('本部门2024年度申请预算资金1406.33万元');
    expect(text).toContain('增发国债542.59万元（包含中央500.80万元、省41.79万元');
    expect(text).toContain('增发国债支付493.64万元（包含中央454.57万元、省39.07万元');
    expect(text).toContain('共同财政事权转移支付75.38万元（包含中央0.00万元、省71.38万元、市4.00万元）');
    expect(text).toContain('预算执行率96.52%');
    expect(text).toContain('本级财政资金788.36万元');
    expect(text).toContain('分别为40.97万元及4.55万元');
    expect(text).toContain('预算执行率分别为46.99%及62.64%');
    // The seed's defects are not repeated: amounts always with 2 decimals, no 无偏离 claim beside 46.99%.
    expect(text).not.toMatch(/[^0-9.]413\.6万元/);
    expect(text).not.toContain('无偏离较大项目');
  });
});
