import { analyze } from '../../src/engine';
import { headerField, twoRowHeaderField } from '../../src/engine/headers';
import { normaliseCategory, normaliseLevel } from '../../src/engine/categories';
import { isValidDocNumber, normaliseDocNumber } from '../../src/engine/text';
import { HEADER, project, sheet, table, workbook } from '../helpers/grid';

describe('header matching', () => {
  test.each([
    ['项目名称', 'name'],
    ['项 目 名 称', 'name'],
    ['年初预算数', 'initialBudget'],
    ['年初预算数（万元）', 'initialBudget'],
    ['全年预算数(万元)', 'budget'],
    ['预算数', 'budget'],
    ['全年执行数（元）', 'executed'],
    ['执行率（%）', 'rate'],
    ['项目主要内容及成效', 'content'],
    ['偏差原因及改进措施', 'reason'],
    ['２０２４年全年预算数', 'budget'],
  ])('%s → %s', (text, field) => {
    expect(headerField(text)).toBe(field);
  });

  test('a header is matched as a whole: 项目主要内容及成效 is not 项目, 年初预算数 is not 预算数', () => {
    expect(headerField('项目主要内容及成效')).not.toBe('name');
    expect(headerField('年初预算数')).not.toBe('budget');
    expect(headerField('项目进展')).toBeNull();
  });

  test('two-row headers: the child decides, the parent disambiguates', () => {
    expect(twoRowHeaderField('预算安排（元）', '年初')).toBe('initialBudget');
    expect(twoRowHeaderField('预算安排（元）', '调整后预算')).toBe('budget');
    expect(twoRowHeaderField('实际支出（元）', '')).toBe('executed');
    expect(twoRowHeaderField('全年执行数', '合计')).toBe('executed');
  });
});

describe('categories, levels and document numbers', () => {
  test.each([
    ['区级财政资金', '本级财政资金'],
    ['增发国债资金', '增发国债'],
    ['共同财政事权转移支付', '共同财政事权转移支付'],
    ['其他资金', '其他资金'],
    ['自筹资金', '未识别'],
  ])('category %s → %s', (raw, canonical) => expect(normaliseCategory(raw)).toBe(canonical));

  test.each([
    ['区', '本级'],
    ['县级', '本级'],
    ['区本级', '本级'],
    ['省级', '省'],
    ['中央资金', '中央'],
    ['乡镇', '未识别'],
  ])('level %s → %s', (raw, canonical) => expect(normaliseLevel(raw)).toBe(canonical));

  test('document-number brackets are one', () => {
    for (const doc of ['唐财建[2024]10号', '唐财建〔2024〕10号', '唐财建【2024】10号', '唐财建（2024）10号']) {
      expect(normaliseDocNumber(doc)).toBe('唐财建〔2024〕10号');
      expect(isValidDocNumber(doc)).toBe(true);
    }
    expect(isValidDocNumber('唐财建2024-10')).toBe(false);
    expect(isValidDocNumber('10号')).toBe(false);
  });
});

describe('locating the table', () => {
  test('skips an instructions sheet and finds the header under a title and a 单位 line', () => {
    const grid = workbook(
      sheet('填表说明', [['填表说明'], ['1. 金额单位为万元'], ['2. 项目名称、全年预算数须填写']]),
      table('明细', [project(1, '甲项目', 10, 10), project(2, '乙项目', 20, 19)]),
    );
    const r = analyze(grid);
    if (!r.ok) throw new Error(r.error.code);
    expect(r.analysis.layout.sheet).toBe('明细');
    expect(r.analysis.layout.headerRows).toEqual([3]);
    expect(r.analysis.layout.projectRows).toEqual([4, 5]);
    expect(r.analysis.layout.unit).toBe('万元');
    expect(r.analysis.layout.unitSource).toBe('title');
    expect(r.analysis.layout.year).toBe(2024);
    expect(r.analysis.layout.department).toBe('某局');
  });

  test('a two-row merged header in 元: 预算安排（元） over 年初 | 调整后预算', () => {
    const grid = workbook(
      sheet(
        'Sheet1',
        [
          ['项目名称', '预算安排（元）', '', '实际支出（元）', '执行率'],
          ['', '年初', '调整后预算', '', ''],
          ['甲项目', 100000, 120000, 110000, { v: 0.9167, fmt: '0.00%' }],
          ['乙项目', 50000, 50000, 50000, { v: 1, fmt: '0.00%' }],
        ],
        { merges: ['A1:A2', 'B1:C1', 'D1:D2', 'E1:E2'] },
      ),
    );
    const r = analyze(grid);
    if (!r.ok) throw new Error(r.error.code);
    expect(r.analysis.layout.headerRows).toEqual([1, 2]);
    expect(r.analysis.layout.columns).toMatchObject({ name: 'A', initialBudget: 'B', budget: 'C', executed: 'D', rate: 'E' });
    expect(r.analysis.layout.unit).toBe('元');
    expect(r.analysis.figures.budget.toFixed(2)).toBe('17.00');
    expect(r.analysis.issues).toEqual([]);
  });

  test('a 合计 row first under the header is a total; 小计 rows are skipped', () => {
    const grid = workbook(
      table('明细', [
        [null, '合计', null, null, null, 30, 29, { v: 0.9667, fmt: '0.00%' }, null, null],
        project(1, '甲项目', 10, 10),
        [null, '小计', null, null, null, 10, 10, null, null, null],
        project(2, '乙项目', 20, 19),
      ]),
    );
    const r = analyze(grid);
    if (!r.ok) throw new Error(r.error.code);
    expect(r.analysis.layout.totalRow).toBe(4);
    expect(r.analysis.layout.projectRows).toEqual([5, 7]);
    expect(r.analysis.issues).toEqual([]);
  });

  test('the tool\'s own sheets are never searched', () => {
    const own = table('预算执行汇总', [project(1, '甲项目', 10, 10)]);
    const grid = { sheets: [own], ownedSheets: ['预算执行汇总'] };
    const r = analyze(grid);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('no-table');
  });

  test('--sheet and --map override detection', () => {
    const grid = workbook(
      sheet('数据', [
        ['名目', '金额A', '金额B'],
        ['甲项目', 10, 9.5],
      ]),
    );
    expect(analyze(grid).ok).toBe(false);
    const r = analyze(grid, { sheet: '数据', map: { name: 'A', budget: 'B', executed: 'C' } });
    if (!r.ok) throw new Error(r.error.code);
    expect(r.analysis.figures.projects).toBe(1);
    expect(r.analysis.figures.executed.toFixed(2)).toBe('9.50');
    const missing = analyze(grid, { sheet: '无此表' });
    expect(missing.ok ? '' : missing.error.code).toBe('sheet-not-found');
  });

  test('a header needs the project name and two more known fields', () => {
    const grid = workbook(sheet('S', [['全年预算数', '全年执行数', '执行率'], [1, 1, 1]]));
    const r = analyze(grid);
    expect(r.ok ? '' : r.error.code).toBe('no-table');
    expect(HEADER.length).toBe(10);
  });
});
