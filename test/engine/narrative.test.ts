import { analyze } from '../../src/engine';
import { project, table, workbook, type TestCell } from '../helpers/grid';

function narrative(projects: TestCell[][]): string[] {
  const r = analyze(workbook(table('明细', projects)));
  if (!r.ok) throw new Error(r.error.code);
  return r.analysis.narrative;
}

describe('the narrative', () => {
  test('names every category that holds money, so 其中 adds up, with two decimals everywhere', () => {
    const text = narrative([
      project(1, '办公经费', 100, 100),
      project(2, '防汛补助资金', 4, 4, { category: '共同财政事权转移支付', level: '市', doc: '唐财建[2024]91号' }),
      project(3, '债券项目', 50.5, 50.5, { category: '债券资金', level: '省', doc: '冀财债[2024]3号' }),
    ]).join('\n');
    expect(text).toContain('本部门2024年度申请预算资金154.50万元，其中：本级财政资金100.00万元，共同财政事权转移支付4.00万元（包含中央0.00万元、省0.00万元、市4.00万元），债券资金50.50万元（包含中央0.00万元、省50.50万元、市0.00万元）');
    const amounts = text.match(/[\d.]+万元/g) ?? [];
    expect(amounts.length).toBeGreaterThan(5);
    for (const a of amounts) expect(a).toMatch(/^\d+\.\d{2}万元$/);
  });

  test('one paragraph per transfer project; rows of one programme share it', () => {
    const paragraphs = narrative([
      project(1, '办公经费', 100, 100),
      project(2, '能力提升工程补助资金', 87.2, 40.97, { category: '增发国债', level: '中央', doc: '唐财建[2024]10号', reason: '中标价格低于预算价格' }),
      project(3, '能力提升工程省级补助资金', 7.27, 4.55, { category: '增发国债', level: '省', doc: '唐财建[2024]11号', reason: '中标价格低于预算价格' }),
      project(4, '救助资金', 71.38, 71.38, { category: '共同财政事权转移支付', level: '省', doc: '唐财建[2023]123号' }),
    ]);
    const transfer = paragraphs.filter((p) => /^\d+、/.test(p));
    expect(transfer).toHaveLength(2);
    expect(transfer[0]).toContain('两项目实际支出资金分别为40.97万元及4.55万元，预算执行率分别为46.98%及62.59%');
    expect(transfer[0]).toContain('执行率未达到100%的原因：中标价格低于预算价格');
    expect(transfer[1]).toContain('实际支出资金71.38万元，预算执行率100.00%');
    expect(transfer[1]).not.toContain('原因');
  });

  test('never claims what the data contradicts: no "无…低于" beside a low rate, no reason invented', () => {
    const low = narrative([project(1, '甲', 100, 46.99, { reason: '' }), project(2, '乙', 100, 100)]);
    const closing = low[low.length - 1];
    expect(closing).toContain('有1个项目预算执行率低于90%');
    expect(closing).toContain('尚未说明偏差原因');
    expect(closing).not.toContain('无预算执行率低于');
    // The table has no outcome column: nothing is claimed about the targets.
    expect(low.join('')).not.toContain('绩效目标均已完成');
    const fine = narrative([project(1, '甲', 100, 95), project(2, '乙', 100, 100)]);
    expect(fine[fine.length - 1]).toContain('无预算执行率低于90%的项目');
  });

  test('unrecognised categories are named as such, never folded into 其他资金', () => {
    const text = narrative([project(1, '甲', 10, 10, { category: '自筹资金', level: '本级' })]).join('\n');
    expect(text).toContain('资金类别未识别的资金10.00万元');
    expect(text).not.toContain('其他资金');
  });
});
