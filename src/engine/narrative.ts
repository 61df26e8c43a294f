import { type Dec, formatFixed, formatRate } from './money';
import { amountWanText, rateVsFull, rowRatePercent } from './rates';
import { isPlaceholder } from './text';
import {
  type CategoryFigures,
  type Figures,
  FUND_LEVELS,
  type FundLevel,
  type ProjectRow,
  UNRECOGNISED,
  type Unit,
} from './types';

/**
 * The report's section 二 (绩效目标实现情况), generated from the figures, in zh-CN.
 * Fixes the seed's own defects by construction: amounts always with two decimals, every
 * category that holds money named (本级 too, so 其中 adds up), no claim the data contradicts.
 */
export function buildNarrative(input: {
  rows: ProjectRow[];
  figures: Figures;
  unit: Unit;
  year: number | null;
  thresholdPercent: number;
}): string[] {
  const { figures, rows, unit, year, thresholdPercent } = input;
  const yearText = year === null ? '本年度' : `${year}年度`;
  const paragraphs: string[] = [];
  paragraphs.push(overall(figures, yearText));
  paragraphs.push(coverage(figures, rows, yearText));
  paragraphs.push(...transferParagraphs(rows, unit));
  paragraphs.push(closing(figures, rows, thresholdPercent));
  return paragraphs;
}

function wan(d: Dec): string {
  return `${formatFixed(d)}万元`;
}

function pct(rate: Dec | null): string {
  return rate === null ? '—（预算为0）' : `${formatRate(rate)}%`;
}

/** A project's rate as `pct(row.rate)` writes it. */
function rowPct(row: ProjectRow): string {
  const p = rowRatePercent(row);
  return p === null ? '—（预算为0）' : `${p}%`;
}

function holdsMoney(c: CategoryFigures): boolean {
  return !c.budget.isZero() || !c.executed.isZero();
}

function categoryLabel(c: CategoryFigures): string {
  return c.category === UNRECOGNISED ? '资金类别未识别的资金' : c.category;
}

const TRANSFER_LEVELS: FundLevel[] = ['中央', '省', '市'];

/** 共同财政事权转移支付75.38万元（包含中央0.00万元、省71.38万元、市4.00万元）. */
function categoryPart(c: CategoryFigures, key: 'budget' | 'executed', verb: string): string {
  const amount = c[key];
  const levels = c.category === '本级财政资金' ? [] : [...TRANSFER_LEVELS];
  // Name 本级 and unrecognised levels wherever they hold money, so the parts add up.
  if (c.category !== '本级财政资金' && !c.byLevel['本级'][key].isZero()) levels.push('本级');
  const unknown = c.byLevel[UNRECOGNISED][key];
  const otherLevels = c.category === '本级财政资金' ? FUND_LEVELS.filter((l) => l !== '本级' && !c.byLevel[l][key].isZero()) : [];
  const shown = [...levels, ...otherLevels];
  const parts = shown.map((l) => `${l}${wan(c.byLevel[l][key])}`);
  if (!unknown.isZero()) parts.push(`级次未识别${wan(unknown)}`);
  if (c.category === '本级财政资金' && parts.length > 0) parts.unshift(`本级${wan(c.byLevel['本级'][key])}`);
  const detail = parts.length > 0 ? `（包含${parts.join('、')}）` : '';
  return `${categoryLabel(c)}${verb}${wan(amount)}${detail}`;
}

function overall(f: Figures, yearText: string): string {
  const money = f.byCategory.filter(holdsMoney);
  const budgetParts = money.filter((c) => !c.budget.isZero()).map((c) => categoryPart(c, 'budget', ''));
  const executedParts = money.filter((c) => !c.executed.isZero()).map((c) => categoryPart(c, 'executed', c.category === '增发国债' ? '支付' : ''));
  const budget = budgetParts.length > 0 ? `，其中：${budgetParts.join('，')}` : '';
  const executed = executedParts.length > 0 ? `，其中：${executedParts.join('，')}` : '';
  return `本部门${yearText}申请预算资金${wan(f.budget)}${budget}；分配拨付${wan(f.executed)}${executed}；预算执行率${pct(f.rate)}。`;
}

function coverage(f: Figures, rows: ProjectRow[], yearText: string): string {
  const money = f.byCategory.filter((c) => !c.budget.isZero());
  const inside = money.length > 0 ? `，其中${money.map((c) => `${categoryLabel(c)}${wan(c.budget)}`).join('、')}` : '';
  let text =
    `按照预算绩效管理要求，本部门对${yearText}全部项目开展了绩效自评。` +
    `项目${f.projects}个（与部门开展项目自评个数相同），共涉及预算资金${wan(f.budget)}（与部门开展项目自评金额合计相同）${inside}；` +
    `实际支出${wan(f.executed)}，总体预算执行率为${pct(f.rate)}，绩效自评覆盖率达到100%。`;
  const withOutcome = rows.filter((r) => r.outcome !== '');
  if (withOutcome.length === rows.length && rows.length > 0) {
    const unfinished = rows.filter((r) => !outcomeMet(r.outcome));
    text +=
      unfinished.length === 0
        ? '各项目均已完成本年度的绩效目标。'
        : `其中${unfinished.length}个项目的绩效目标未全部完成（${unfinished.map((r) => `“${r.name}”`).join('、')}）。`;
  }
  return text;
}

/** Rows of one programme differ only by 中央/省级/市级 in their names. */
function programmeKey(name: string): string {
  return name.replace(/中央|省级|市级|县级|区级/g, '').replace(/\s+/g, '');
}

function natureOf(row: ProjectRow): string {
  if (row.category === UNRECOGNISED) return row.categoryRaw === '' ? '资金类别未填写' : `为${row.categoryRaw}`;
  return `为${row.category}${row.category.endsWith('资金') ? '' : '资金'}`;
}

function purpose(content: string): string {
  const c = content.replace(/[。；;，,\s]+$/, '');
  if (c === '') return '';
  return /^(主要)?用于/.test(c) ? `，${c}` : `，主要用于${c}`;
}

function reasonSentence(rows: ProjectRow[]): string {
  const below = rows.filter((r) => (rateVsFull(r) ?? 0) < 0);
  const reasons = [...new Set(below.map((r) => r.reason).filter((r) => !isPlaceholder(r)))].map((r) => r.replace(/[。；;\s]+$/, ''));
  if (reasons.length === 0) return '';
  return `执行率未达到100%的原因：${reasons.join('；')}。`;
}

function transferParagraphs(rows: ProjectRow[], unit: Unit): string[] {
  const transfers = rows.filter((r) => r.category !== '本级财政资金');
  const groups: ProjectRow[][] = [];
  const byKey = new Map<string, ProjectRow[]>();
  for (const row of transfers) {
    const key = programmeKey(row.name);
    const group = byKey.get(key);
    if (group) group.push(row);
    else {
      const fresh = [row];
      byKey.set(key, fresh);
      groups.push(fresh);
    }
  }
  const wanOf = (row: ProjectRow, key: 'budget' | 'executed'): string => {
    const a = row[key];
    return `${a === undefined ? '0.00' : amountWanText(a, unit)}万元`;
  };
  return groups.map((group, i) => {
    const intro = group
      .map((r) => `${r.name}${r.docNumber ? `（${r.docNumber}）` : ''}专项资金${wanOf(r, 'budget')}（${natureOf(r)}）`)
      .join('及');
    const contents = [...new Set(group.map((r) => r.content).filter((c) => c !== ''))];
    const use = purpose(contents.join('；'));
    let spending: string;
    if (group.length === 1) {
      const r = group[0];
      spending = `实际支出资金${wanOf(r, 'executed')}，预算执行率${rowPct(r)}。`;
    } else {
      const amounts = group.map((r) => wanOf(r, 'executed'));
      const rates = group.map((r) => rowPct(r));
      const allFull = group.every((r) => rateVsFull(r) === 0);
      const count = group.length === 2 ? '两' : String(group.length);
      spending =
        `${count}项目实际支出资金分别为${joinAnd(amounts)}，` +
        (allFull ? '预算执行率均为100.00%。' : `预算执行率分别为${joinAnd(rates)}。`);
    }
    return `${i + 1}、${intro}${use}。${spending}${reasonSentence(group)}`;
  });
}

function joinAnd(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join('、')}及${items[items.length - 1]}`;
}

/** Whether an outcome cell says the targets were met (已完成, 全部完成…), not 未完成 or 部分完成. */
function outcomeMet(outcome: string): boolean {
  const t = outcome.replace(/[\s。.，,]/g, '');
  return /完成/.test(t) && !/(未|没有|尚未|部分|基本|未能)/.test(t);
}

/** What the outcome column says of the targets; nothing when it is absent or blank, never a guess. */
function targetsClause(rows: ProjectRow[]): string {
  const stated = rows.filter((r) => r.outcome !== '');
  if (rows.length === 0 || stated.length < rows.length) return '';
  const unmet = rows.filter((r) => !outcomeMet(r.outcome));
  return unmet.length === 0 ? '本年度本部门各项目的绩效目标均已完成' : `本年度有${unmet.length}个项目的绩效目标未全部完成`;
}

function closing(f: Figures, rows: ProjectRow[], thresholdPercent: number): string {
  const low = f.lowExecution;
  const clause = targetsClause(rows);
  const targets = clause === '' ? '本年度' : `${clause}；`;
  if (low.length === 0) {
    return `${targets}无预算执行率低于${thresholdPercent}%的项目，预算完成情况较好。下一年度，我们将在保持的基础上进一步提高预算执行率，做好下一年度的工作。`;
  }
  const names = low.map((r) => `“${r.name}”（${rowPct(r)}）`).join('、');
  const unexplained = low.filter((r) => isPlaceholder(r.reason)).length;
  const reasons =
    unexplained === 0 ? '均已说明偏差原因' : `其中${unexplained}个项目尚未说明偏差原因，需补充说明并提出改进措施`;
  return (
    `${targets}有${low.length}个项目预算执行率低于${thresholdPercent}%：${names}，${reasons}。` +
    '下一年度，我们将加强预算执行监控，科学测算项目预算，进一步提高预算执行率，做好下一年度的工作。'
  );
}
