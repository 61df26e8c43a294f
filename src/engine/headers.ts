import { compact } from './text';
import type { Field, Unit } from './types';

/** Header spellings per field, as met in practice (domain.md). */
export const HEADER_SYNONYMS: Record<Field, string[]> = {
  name: ['项目名称', '项目', '资金名称', '项目(资金)名称', '资金项目名称', '项目名'],
  docNumber: ['资金文号', '文号', '指标文号', '文件号', '资金文件号', '下达文号', '指标文件号'],
  category: ['资金类别', '资金性质', '资金来源', '资金类型', '资金种类'],
  level: ['资金级次', '级次', '资金来源级次', '资金层级', '资金级别'],
  initialBudget: ['年初预算数', '年初', '年初预算', '年初预算金额', '年初数'],
  budget: ['全年预算数', '调整后预算', '预算数', '预算安排', '调整后预算数', '全年预算', '预算金额', '全年预算金额', '预算'],
  executed: ['全年执行数', '实际支出', '执行数', '支出数', '分配拨付', '实际支出数', '全年支出数', '执行金额', '支出金额', '实际执行数', '全年执行'],
  rate: ['执行率', '预算执行率', '支出进度', '执行进度', '预算执行进度'],
  outcome: ['绩效目标完成情况', '完成情况', '目标完成情况'],
  reason: ['偏差原因及改进措施', '偏差原因', '未完成原因', '说明', '偏差原因分析及改进措施', '原因说明', '备注'],
  content: ['项目主要内容及成效', '主要用途', '项目主要内容', '主要内容及成效', '资金用途'],
  office: ['责任科室', '实施科室', '责任处室', '科室', '责任股室', '实施单位'],
  assessment: ['事前绩效评估', '事前评估'],
};

/** Header texts that say only "amount" and need their parent header to mean something. */
const GENERIC_CHILDREN = new Set(['合计', '小计', '金额', '数额', '数', '全年', '本年', '总计']);

const SYNONYM_TO_FIELD: Map<string, Field> = (() => {
  const m = new Map<string, Field>();
  for (const field of Object.keys(HEADER_SYNONYMS) as Field[]) {
    for (const s of HEADER_SYNONYMS[field]) m.set(compact(s), field);
  }
  return m;
})();

const UNIT_IN_BRACKETS = /[([{【〔]\s*(单位[:：]?)?\s*(万元|千元|元|%|％)\s*[)\]}】〕]/g;

/** Unit named in a header's brackets, e.g. 预算安排（元） → 元. */
export function unitOfHeader(text: string): Unit | null {
  const t = text.normalize('NFKC');
  const m = /[([{【〔]\s*(?:单位[:：]?)?\s*(万元|千元|元)\s*[)\]}】〕]/.exec(t);
  return m ? (m[1] as Unit) : null;
}

/** Header text reduced for matching: full-width folded, spaces and a bracketed unit removed. */
export function normaliseHeader(text: string): string {
  let t = compact(text).replace(UNIT_IN_BRACKETS, '');
  // Leading numbering ("1.", "(一)") and trailing punctuation or required-markers.
  t = t.replace(/^[0-9一二三四五六七八九十]+[.、)]/, '').replace(/[*:：]+$/, '').replace(/^[*]+/, '');
  return t;
}

/**
 * The field a header cell names, matched as a whole after normalising; `null` when none.
 * A year or "本年" prefix is tolerated (2024年全年预算数 is 全年预算数).
 * @example headerField('年初预算数（万元）') // 'initialBudget' — not 'budget'
 */
export function headerField(text: string): Field | null {
  const t = normaliseHeader(text);
  if (t === '') return null;
  const direct = SYNONYM_TO_FIELD.get(t);
  if (direct) return direct;
  const stripped = t.replace(/^(?:(?:19|20)\d{2}年(?:度)?|本年度?|当年)/, '');
  if (stripped !== t && stripped !== '') return SYNONYM_TO_FIELD.get(stripped) ?? null;
  return null;
}

/** Whether a child header only says "amount" (合计, 金额…), so the parent decides. */
export function isGenericChild(text: string): boolean {
  return GENERIC_CHILDREN.has(normaliseHeader(text));
}

/**
 * The field of a column under a two-row header: the child decides, the parent disambiguates.
 * 预算安排 over 年初 → initialBudget; 预算安排 over 调整后预算 → budget; 实际支出 over (blank) → executed.
 */
export function twoRowHeaderField(parent: string, child: string): Field | null {
  const childField = headerField(child);
  const parentField = headerField(parent);
  if (child.trim() === '' || isGenericChild(child)) return parentField;
  if (childField === null) return null;
  // 年初 under a budget parent is the initial budget; a bare 预算 child under 年初 likewise.
  if (parentField === 'initialBudget' && (childField === 'budget' || childField === 'initialBudget')) return 'initialBudget';
  if (parentField === 'executed' && (childField === 'budget' || childField === 'executed')) return 'executed';
  return childField;
}
