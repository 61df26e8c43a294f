import { type Dec, formatFixed, formatRate } from './money';
import { pow10 } from './num';
import { WAN_SHIFT, amountWanText, rateVsFull, rowRatePercent } from './rates';
import { isPlaceholder } from './text';
import {
  type Amount,
  type CategoryFigures,
  type CategoryKey,
  FUND_CATEGORIES,
  FUND_LEVELS,
  type Figures,
  type FundLevel,
  type ProjectRow,
  UNRECOGNISED,
  type Unit,
} from './types';

/**
 * The report's section 二 (绩效目标实现情况), generated from the figures, in zh-CN.
 * Fixes the seed's own defects by construction: amounts always with two decimals, every
 * category that holds money named (本级 too, so 其中 adds up), no claim the data contradicts.
 *
 * Runs in time linear in the rows, with little garbage: one paragraph per transfer programme,
 * so a long list means tens of thousands of paragraphs.
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
  const texts = new CellTexts();
  const unmet = unmetTargets(rows, texts);
  const paragraphs: string[] = [overall(figures, yearText), coverage(figures, unmet, yearText)];
  transferParagraphs(rows, unit, texts, paragraphs);
  paragraphs.push(closing(figures, unmet, thresholdPercent, texts));
  return paragraphs;
}

function wan(d: Dec): string {
  return `${formatFixed(d)}万元`;
}

/** '.00' … '.99'. */
const CENTS = Array.from({ length: 100 }, (_, c) => `.${String(c).padStart(2, '0')}`);

const NO_RATE = '—（预算为0）';

function pct(rate: Dec | null): string {
  return rate === null ? NO_RATE : `${formatRate(rate)}%`;
}

/** The rate of a project that has one, as `pct(row.rate)` writes it. */
function rowPct(row: ProjectRow): string {
  const p = ratePercent(row);
  return p === null ? NO_RATE : `${p}%`;
}

/**
 * `rowRatePercent(row)` for a project with a rate, from integers when both amounts have digits.
 * With executed = me × 10^-ke and budget = mb × 10^-kb, rate × 10^4 = N / D for the integers
 * N = me × 10^max(s, 0) and D = mb × 10^max(-s, 0), s = kb - ke + 4. Below 2^50 both are exact
 * doubles (a power of ten past 10^22, inexact, makes them larger), and so are the quotient q and
 * the remainder r of N by D once r is brought into [0, D). Rounded half up, the percent in
 * hundredths is q + 1 when 2r > D, q when 2r < D. Within 10^-9 (q + 1) of a tie, or out of those
 * ranges, `rowRatePercent` answers; where this answers, its error-bounded doubles (bounds far
 * tighter than that) give the same, without dividing out the rate.
 */
function ratePercent(row: ProjectRow): string | null {
  const e = row.executed?.q.num;
  const b = row.budget?.q.num;
  if (e && b && e.fast && b.fast && !e.neg && !b.neg && b.m !== 0 && inRange(b.d) && (e.m === 0 || inRange(e.d))) {
    const s = b.k - e.k + 4;
    const N = s >= 0 ? e.m * pow10(s) : e.m;
    const D = s >= 0 ? b.m : b.m * pow10(-s);
    if (N < 2 ** 50 && D < 2 ** 50) {
      let q = Math.floor(N / D);
      let r = N - q * D;
      // The floor of the rounded quotient is the true one or 1 more (rounding never takes a
      // quotient below an integer it reaches): the remainder's sign tells.
      if (r < 0) {
        q--;
        r += D;
      }
      if (Math.abs(2 * r - D) > 2 * D * 1e-9 * (q + 1)) {
        const hundredths = 2 * r > D ? q + 1 : q;
        return `${Math.floor(hundredths / 100)}${CENTS[hundredths % 100]}`;
      }
    }
  }
  return rowRatePercent(row);
}

/** Between 1e-140 and 1e140: a quotient of two such numbers is a normal double. */
function inRange(x: number): boolean {
  return x >= 1e-140 && x <= 1e140;
}

/**
 * `rowPct(row)`, given `rateVsFull(row)`: a rate of exactly 1 (executed equal to budget, which
 * the comparison tells exactly) is written without dividing.
 */
function rowPctVsFull(row: ProjectRow, vsFull: number | null): string {
  if (vsFull === null) return NO_RATE;
  return vsFull === 0 ? '100.00%' : rowPct(row);
}

/**
 * An amount in 万元 with 2 decimals, as `amountWanText(amount, unit)` writes it; 0.00 for none.
 * A fast value is m × 10^-k with m a safe integer below 10^15, so its amount in fen (0.01 万元)
 * is an integer found exactly in doubles: m × 10^(2-k) when k ≤ 2 (while the product stays a
 * safe integer), else m ÷ 10^(k-2) rounded half up through an integer quotient and remainder —
 * the arithmetic of `formatDigits`, without its intermediate strings. Other values take
 * `amountWanText`.
 */
function amountText(amount: Amount | undefined, unit: Unit): string {
  if (amount === undefined) return '0.00';
  const n = amount.q.num;
  const fen = n.fast ? fenOf(n.m, n.k + WAN_SHIFT[unit]) : null;
  if (fen === null) return amountWanText(amount, unit);
  let whole = Math.floor(fen / 100);
  let cents = fen - whole * 100;
  // Near 2^53 the quotient may round up to the next integer: the remainder tells, exactly.
  if (cents < 0) {
    whole -= 1;
    cents += 100;
  }
  return `${n.neg && fen !== 0 ? '-' : ''}${whole}${CENTS[cents]}`;
}

/** round-half-up(m × 10^(2-k)) for a safe integer m below 10^15; null when not a safe integer. */
function fenOf(m: number, k: number): number | null {
  if (k <= 2) {
    if (2 - k > 22) return null; // past the exact powers of ten
    const fen = m * pow10(2 - k);
    return fen <= Number.MAX_SAFE_INTEGER ? fen : null;
  }
  const cut = k - 2;
  if (cut > 15) return 0; // m < 10^15 is below half a fen
  // A quotient m / p short of an integer is short by 1/p at least, over 2^-50 of it since
  // m < 10^15 < 2^50: rounding (2^-53) never lifts it to that integer, so its floor is exact, and
  // so is q × p ≤ m.
  const p = pow10(cut);
  const q = Math.floor(m / p);
  const r = m - q * p;
  return 2 * r >= p ? q + 1 : q;
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

function quotedNames(rows: ProjectRow[]): string {
  return rows.map((r) => `“${r.name}”`).join('、');
}

/**
 * @param unmet the projects whose targets were not all met, or null when the outcome column says
 *   nothing (absent, or blank in some row)
 */
function coverage(f: Figures, unmet: ProjectRow[] | null, yearText: string): string {
  const money = f.byCategory.filter((c) => !c.budget.isZero());
  const inside = money.length > 0 ? `，其中${money.map((c) => `${categoryLabel(c)}${wan(c.budget)}`).join('、')}` : '';
  let text =
    `按照预算绩效管理要求，本部门对${yearText}全部项目开展了绩效自评。` +
    `项目${f.projects}个（与部门开展项目自评个数相同），共涉及预算资金${wan(f.budget)}（与部门开展项目自评金额合计相同）${inside}；` +
    `实际支出${wan(f.executed)}，总体预算执行率为${pct(f.rate)}，绩效自评覆盖率达到100%。`;
  if (unmet !== null) {
    text += unmet.length === 0 ? '各项目均已完成本年度的绩效目标。' : `其中${unmet.length}个项目的绩效目标未全部完成（${quotedNames(unmet)}）。`;
  }
  return text;
}

/** `（为…资金）` of each recognised category. */
const CATEGORY_NATURE = new Map<CategoryKey, string>(FUND_CATEGORIES.map((c) => [c, `为${c}${c.endsWith('资金') ? '' : '资金'}`]));

function natureOf(row: ProjectRow): string {
  if (row.category === UNRECOGNISED) return row.categoryRaw === '' ? '资金类别未填写' : `为${row.categoryRaw}`;
  return CATEGORY_NATURE.get(row.category) as string;
}

function purpose(content: string): string {
  const c = content.replace(/[。；;，,\s]+$/, '');
  if (c === '') return '';
  return /^(主要)?用于/.test(c) ? `，${c}` : `，主要用于${c}`;
}

function trimReason(reason: string): string {
  return reason.replace(/[。；;\s]+$/, '');
}

/** Whether an outcome cell says the targets were met (已完成, 全部完成…), not 未完成 or 部分完成. */
function outcomeMet(outcome: string): boolean {
  const t = outcome.replace(/[\s。.，,]/g, '');
  return /完成/.test(t) && !/(未|没有|尚未|部分|基本|未能)/.test(t);
}

/**
 * What the narrative reads in a cell's text, worked out once per distinct text: outcomes, reasons
 * and contents repeat across thousands of rows. One per call, dropped with it.
 */
class CellTexts {
  private readonly met = new Map<string, boolean>();
  private readonly placeholders = new Map<string, boolean>();
  private readonly reasons = new Map<string, string>();
  private readonly purposes = new Map<string, string>();

  outcomeMet(outcome: string): boolean {
    return remember(this.met, outcome, outcomeMet);
  }

  isPlaceholder(reason: string): boolean {
    return remember(this.placeholders, reason, isPlaceholder);
  }

  /** The reason without its closing punctuation. */
  reason(reason: string): string {
    return remember(this.reasons, reason, trimReason);
  }

  purpose(content: string): string {
    return remember(this.purposes, content, purpose);
  }
}

function remember<T>(cache: Map<string, T>, key: string, compute: (key: string) => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    value = compute(key);
    cache.set(key, value);
  }
  return value;
}

/** The distinct values, in order of first appearance (`[...new Set(values)]`). */
function distinct(values: string[]): string[] {
  if (values.length > 8) return [...new Set(values)];
  // A programme has a few rows: a scan beats building a set.
  const out: string[] = [];
  for (const v of values) if (!out.includes(v)) out.push(v);
  return out;
}

/**
 * Rows of one programme differ only by 中央/省级/市级/县级/区级 and whitespace in their names:
 * a programme's key is `name.replace(/中央|省级|市级|县级|区级|\s+/g, '')`. The key is read in
 * place, never built: `removedAt` tells what the replacement removes at a position. At any
 * position at most one of those alternatives can match (they begin with different characters),
 * and a run of whitespace removed whole leaves what removing its characters one by one leaves, so
 * stepping over them one at a time keeps exactly the characters the replacement keeps.
 */
function removedAt(name: string, i: number): 0 | 1 | 2 {
  const c = name.charCodeAt(i);
  if (c > 0x20 && c < 0xa0) return 0; // printable ASCII: never removed
  if (c > 0x3000) {
    // Beyond U+3000 only U+FEFF is white space to \s; the level words all begin there.
    if (c === 0x4e2d) return name.charCodeAt(i + 1) === 0x592e ? 2 : 0; // 中央
    if (c === 0x7701 || c === 0x5e02 || c === 0x53bf || c === 0x533a) return name.charCodeAt(i + 1) === 0x7ea7 ? 2 : 0; // 省级 市级 县级 区级
    return c === 0xfeff ? 1 : 0;
  }
  return WHITESPACE.test(String.fromCharCode(c)) ? 1 : 0;
}

const WHITESPACE = /\s/;

/** FNV-1a over the key's code units, then murmur3's finaliser to spread it over the low bits (a signed 32-bit integer). */
function keyHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    const removed = removedAt(name, i);
    if (removed === 0) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
    else i += removed - 1;
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Whether two names have the same key. */
function sameKey(a: string, b: string): boolean {
  let i = 0;
  let j = 0;
  for (;;) {
    i = keptFrom(a, i);
    j = keptFrom(b, j);
    if (i === a.length || j === b.length) return i === a.length && j === b.length;
    if (a.charCodeAt(i) !== b.charCodeAt(j)) return false;
    i++;
    j++;
  }
}

/** The first position from i whose character the key keeps (the length if none). */
function keptFrom(name: string, i: number): number {
  while (i < name.length) {
    const removed = removedAt(name, i);
    if (removed === 0) break;
    i += removed;
  }
  return i;
}

/**
 * Transfer rows grouped by programme, as index lists: `first[g]` is the first row of programme g
 * (programmes in order of first appearance, `count` of them), `next[i]` the row after row i in
 * its programme (-1 after the last). Tens of thousands of programmes: no array, object or
 * string per programme or row.
 */
interface Programmes {
  count: number;
  first: Int32Array;
  next: Int32Array;
}

/**
 * Finds each transfer row's programme in a hash table of programme numbers: open addressing
 * with linear probing, at most half full since there are no more programmes than transfer rows,
 * a slot holding 1 + the programme number (0 when empty).
 */
function programmes(rows: ProjectRow[]): Programmes {
  let transfers = 0;
  for (const row of rows) if (row.category !== '本级财政资金') transfers++;
  const first = new Int32Array(transfers);
  const last = new Int32Array(transfers);
  const hashes = new Int32Array(transfers);
  const next = new Int32Array(rows.length).fill(-1);
  const mask = 2 ** Math.ceil(Math.log2(2 * transfers + 1)) - 1;
  const table = new Int32Array(mask + 1);
  let count = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row.category === '本级财政资金') continue;
    const hash = keyHash(row.name);
    let slot = hash & mask;
    let g = table[slot] - 1;
    while (g >= 0 && !(hashes[g] === hash && sameKey(rows[first[g]].name, row.name))) {
      slot = (slot + 1) & mask;
      g = table[slot] - 1;
    }
    if (g < 0) {
      table[slot] = count + 1;
      first[count] = i;
      last[count] = i;
      hashes[count] = hash;
      count++;
    } else {
      next[last[g]] = i;
      last[g] = i;
    }
  }
  return { count, first, next };
}

/** One paragraph per transfer programme, numbered from 1, appended to `out`. */
function transferParagraphs(rows: ProjectRow[], unit: Unit, texts: CellTexts, out: string[]): void {
  const { count, first, next } = programmes(rows);
  for (let g = 0; g < count; g++) out.push(flat(programmeParagraph(g + 1, rows, first[g], next, unit, texts)));
}

/**
 * The string made one flat run of characters now (reading a character flattens a string in
 * V8). Built by concatenation, a paragraph is a tree of its pieces; tens of thousands of such
 * trees outliving the call cost the garbage collector several times what their text does.
 */
function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

/** The paragraph of the programme whose rows are `first`, `next[first]`, …. */
function programmeParagraph(n: number, rows: ProjectRow[], first: number, next: Int32Array, unit: Unit, texts: CellTexts): string {
  let count = 0;
  let intro = '';
  let allFull = true;
  let vsFull: number | null = null;
  // Contents and reasons to name, distinct; most programmes have one row and one content.
  let content = '';
  let contents: string[] | null = null;
  let reasons: string[] | null = null;
  for (let i = first; i !== -1; i = next[i]) {
    const r = rows[i];
    intro += `${count > 0 ? '及' : ''}${r.name}${r.docNumber ? `（${r.docNumber}）` : ''}专项资金${amountText(r.budget, unit)}万元（${natureOf(r)}）`;
    count++;
    if (r.content !== '') {
      if (contents !== null) contents.push(r.content);
      else if (content === '') content = r.content;
      else if (r.content !== content) contents = [content, r.content];
    }
    vsFull = rateVsFull(r);
    if (vsFull !== 0) allFull = false;
    // Below 100%: its reason, unless a placeholder, is given.
    if (vsFull !== null && vsFull < 0 && !texts.isPlaceholder(r.reason)) (reasons ??= []).push(r.reason);
  }
  const use = texts.purpose(contents === null ? content : distinct(contents).join('；'));
  let spending: string;
  if (count === 1) spending = `实际支出资金${amountText(rows[first].executed, unit)}万元，预算执行率${rowPctVsFull(rows[first], vsFull)}。`;
  else {
    // Listed as 甲、乙及丙.
    let amounts = '';
    let rates = '';
    for (let i = first, j = 0; i !== -1; i = next[i], j++) {
      const sep = j === 0 ? '' : j === count - 1 ? '及' : '、';
      amounts += `${sep}${amountText(rows[i].executed, unit)}万元`;
      if (!allFull) rates += `${sep}${rowPctVsFull(rows[i], rateVsFull(rows[i]))}`;
    }
    spending =
      `${count === 2 ? '两' : count}项目实际支出资金分别为${amounts}，` +
      (allFull ? '预算执行率均为100.00%。' : `预算执行率分别为${rates}。`);
  }
  const why = reasons === null ? '' : `执行率未达到100%的原因：${distinct(reasons).map((r) => texts.reason(r)).join('；')}。`;
  return `${n}、${intro}${use}。${spending}${why}`;
}

/**
 * The projects whose targets the outcome column says were not all met; null when it says
 * nothing of some project (the column is absent or a cell blank), or there are no projects.
 */
function unmetTargets(rows: ProjectRow[], texts: CellTexts): ProjectRow[] | null {
  if (rows.length === 0) return null;
  const unmet: ProjectRow[] = [];
  for (const r of rows) {
    if (r.outcome === '') return null;
    if (!texts.outcomeMet(r.outcome)) unmet.push(r);
  }
  return unmet;
}

/** What the outcome column says of the targets; nothing when it says nothing, never a guess. */
function targetsClause(unmet: ProjectRow[] | null): string {
  if (unmet === null) return '';
  return unmet.length === 0 ? '本年度本部门各项目的绩效目标均已完成' : `本年度有${unmet.length}个项目的绩效目标未全部完成`;
}

function closing(f: Figures, unmet: ProjectRow[] | null, thresholdPercent: number, texts: CellTexts): string {
  const low = f.lowExecution;
  const clause = targetsClause(unmet);
  const targets = clause === '' ? '本年度' : `${clause}；`;
  if (low.length === 0) {
    return `${targets}无预算执行率低于${thresholdPercent}%的项目，预算完成情况较好。下一年度，我们将在保持的基础上进一步提高预算执行率，做好下一年度的工作。`;
  }
  const names = low.map((r) => `“${r.name}”（${rowPct(r)}）`).join('、');
  let unexplained = 0;
  for (const r of low) if (texts.isPlaceholder(r.reason)) unexplained++;
  const reasons =
    unexplained === 0 ? '均已说明偏差原因' : `其中${unexplained}个项目尚未说明偏差原因，需补充说明并提出改进措施`;
  return (
    `${targets}有${low.length}个项目预算执行率低于${thresholdPercent}%：${names}，${reasons}。` +
    '下一年度，我们将加强预算执行监控，科学测算项目预算，进一步提高预算执行率，做好下一年度的工作。'
  );
}
