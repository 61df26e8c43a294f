import { columnLetter, quoteSheetName, type WorkbookGrid } from './grid';
import { issueMessage, severityName } from './i18n';
import { D, type Dec, formatRate } from './money';
import {
  type Analysis,
  type CellStyle,
  FUND_LEVELS,
  type Issue,
  type Lang,
  OWNED_SHEET_NAMES,
  type PlanCell,
  type ProjectRow,
  type SheetPlan,
  type SheetRole,
  type WritePlan,
} from './types';
import { SEVERITY } from './validate';
import { ProjectRecord, amountWanValue, hasNumericAmount, recordValues, rowRateValue, rowScoreValue } from './rates';

/** Excel refuses formulas longer than 8,192 characters; stay well below. */
const MAX_FORMULA_LENGTH = 8000;
/** Excel's limit on a cell's text. */
const MAX_CELL_TEXT = 32767;

export interface PlanOptions {
  /** 'fill' writes summary and narrative (or the issues sheet when there are errors); 'check' writes the issues sheet. */
  mode: 'fill' | 'check';
  /** Write the summary even with errors, marked as unchecked. */
  force?: boolean;
  lang?: Lang;
}

export interface PlanResult {
  plan: WritePlan;
  /** Notes for the user, e.g. an owned name taken by a user's sheet. */
  notes: Issue[];
}

/** Text cut to what a cell holds. */
const cellText = (t: string): string => (t.length > MAX_CELL_TEXT ? t.slice(0, MAX_CELL_TEXT) : t);
const text = (t: string, style: CellStyle = 'text'): PlanCell => ({ t: 'text', text: cellText(t), style });
const empty = (style?: CellStyle): PlanCell => ({ t: 'empty', style });
/** A number cell from a decimal's text; a value no spreadsheet cell can hold (a sum past 1.8e308) is written as its text. */
const numText = (value: string, style: CellStyle): PlanCell =>
  Number.isFinite(Number(value)) ? { t: 'number', value, style } : { t: 'text', text: value, style };
/** A number cell of a decimal or a count (a count is a safe integer: its text is always a number). */
const num = (value: Dec | number, style: CellStyle = 'money'): PlanCell =>
  typeof value === 'number' && Number.isSafeInteger(value) ? { t: 'number', value: String(value), style } : numText(typeof value === 'number' ? String(value) : value.toFixed(), style);

/** The shape of a run of rows made on demand: what every row of it has, declared by its maker. */
interface BlockShape {
  /** Cells per row. */
  width: number;
  /** Every style its cells use. */
  styles: CellStyle[];
  /** Whether its rows hold formulas. */
  formulas: boolean;
}

/**
 * A sheet's rows as they are planned: short rows held as written, a long run (one row per
 * project or per issue) made on demand when a host asks for the row, so that 100,000 projects
 * never stand as 1.2 million cell objects at once.
 */
class SheetRows {
  /** Rows so far: the next row's 0-based index. */
  count = 0;
  width = 0;
  hasFormulas = false;
  private readonly used = new Set<CellStyle>();
  private readonly fixed = new Map<number, PlanCell[]>();
  private readonly blocks: { start: number; count: number; make: (i: number) => PlanCell[] }[] = [];

  /** Appends a row; returns its 1-based row number. */
  line(row: PlanCell[]): number {
    this.width = Math.max(this.width, row.length);
    for (const cell of row) {
      if (cell.style) this.used.add(cell.style);
      if (cell.t === 'formula') this.hasFormulas = true;
    }
    this.fixed.set(this.count, row);
    return ++this.count;
  }

  /** Appends `count` rows, row i made by `make(i)` when asked for; `shape` is what each of them has. */
  block(count: number, make: (i: number) => PlanCell[], shape: BlockShape): void {
    if (count <= 0) return;
    this.blocks.push({ start: this.count, count, make });
    this.count += count;
    this.width = Math.max(this.width, shape.width);
    for (const style of shape.styles) this.used.add(style);
    if (shape.formulas) this.hasFormulas = true;
  }

  /** The sheet plan's row access: held rows as they are, block rows made anew. */
  row(r: number): PlanCell[] {
    const held = this.fixed.get(r);
    if (held) return held;
    for (const b of this.blocks) if (r >= b.start && r < b.start + b.count) return b.make(r - b.start);
    return [];
  }

  /** The row fields of a SheetPlan. */
  plan(): Pick<SheetPlan, 'rowCount' | 'row' | 'width' | 'styles' | 'hasFormulas'> {
    const styles = [...this.used];
    return { rowCount: this.count, row: (r) => this.row(r), width: this.width, styles, hasFormulas: this.hasFormulas };
  }
}

/** Every row of a sheet plan, made and held (for tests, and for hosts of small plans). */
export function rowsOf(plan: SheetPlan): PlanCell[][] {
  return Array.from({ length: plan.rowCount }, (_, r) => [...plan.row(r)]);
}

/** A sheet plan from rows given whole (a fake reading a written sheet back, a test). */
export function sheetPlanOf(sheet: Omit<SheetPlan, 'rowCount' | 'row' | 'width' | 'styles' | 'hasFormulas'> & { cells: PlanCell[][] }): SheetPlan {
  const { cells, ...rest } = sheet;
  const rows = new SheetRows();
  for (const row of cells) rows.line(row);
  return { ...rest, ...rows.plan() };
}

/**
 * Plans the sheets the tool owns: what to write, where, and what to remove.
 * Never names a user's sheet: a taken name is written under another one and reported.
 */
export function planWrite(grid: WorkbookGrid, analysis: Analysis, options: PlanOptions): PlanResult {
  const notes: Issue[] = [];
  const existing = new Set(grid.sheets.map((s) => s.name));
  const owned = new Set(grid.ownedSheets);
  const nameFor = (role: SheetRole): string => {
    const preferred = OWNED_SHEET_NAMES[role];
    if (!existing.has(preferred) || owned.has(preferred)) return preferred;
    // Reuse the alternative an earlier run chose, else the first free one.
    for (let i = 1; i < 100; i++) {
      const candidate = i === 1 ? `${preferred}（助手）` : `${preferred}（助手${i}）`;
      if (owned.has(candidate) || !existing.has(candidate)) {
        notes.push({
          code: 'owned-name-taken',
          severity: SEVERITY['owned-name-taken'],
          sheet: preferred,
          cell: 'A1',
          row: 1,
          params: { name: preferred, used: candidate },
        });
        return candidate;
      }
    }
    throw new Error(`no free sheet name for ${preferred}`);
  };

  const errors = analysis.counts.error > 0;
  const roles: SheetRole[] =
    options.mode === 'check' ? ['issues'] : !errors ? ['summary', 'narrative'] : options.force ? ['summary', 'narrative', 'issues'] : ['issues'];
  const lang = options.lang ?? 'zh';
  const sheets: SheetPlan[] = roles.map((role) => {
    const name = nameFor(role);
    if (role === 'summary') return summarySheet(name, analysis, errors);
    if (role === 'narrative') return narrativeSheet(name, analysis, errors);
    return issuesSheet(name, analysis, lang, options.mode === 'fill' && errors && !options.force);
  });
  const written = new Set(sheets.map((s) => s.name));
  const remove = options.mode === 'check' ? [] : grid.ownedSheets.filter((n) => !written.has(n));
  return { plan: { sheets, remove, activate: sheets[0].name }, notes };
}

/** A formula summing the rows' source cells of a field, or null when a value must be written instead. */
function sumFormula(sheet: string, column: number, rows: ProjectRow[], field: 'budget' | 'executed', divisor: number): string | null {
  if (rows.length === 0) return null;
  const q = quoteSheetName(sheet);
  const col = columnLetter(column);
  const ranges: string[] = [];
  // Stop as soon as the formula cannot fit: scattered rows would make thousands of ranges.
  let length = 0;
  let start = rows[0].row;
  let prev = start;
  const flush = (): boolean => {
    const range = start === prev ? `${q}!${col}${start}` : `${q}!${col}${start}:${col}${prev}`;
    ranges.push(range);
    length += range.length + 1;
    return length <= MAX_FORMULA_LENGTH;
  };
  // Rows in sheet order (as validation gives them) make their ranges in one pass, which stops
  // where the formula grows too long: then no formula is written, whatever the rows after hold.
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!hasNumericAmount(r, field)) return null;
    if (i === 0) continue;
    // Out of order: sorted, once (sorted rows never come here again).
    if (r.row < prev) return sumFormula(sheet, column, [...rows].sort((x, y) => x.row - y.row), field, divisor);
    if (r.row === prev + 1) prev = r.row;
    else {
      if (!flush()) return null;
      start = r.row;
      prev = r.row;
    }
  }
  if (!flush()) return null;
  return formulaOf(ranges, divisor);
}

/** The formula of a sum's ranges: one single cell is referred to as it is; anything else is summed. */
function formulaOf(ranges: string[], divisor: number): string | null {
  const body = ranges.length === 1 && !ranges[0].includes(':') ? ranges[0] : `SUM(${ranges.join(',')})`;
  const formula = divisor === 1 ? `=${body}` : `=${body}/${divisor}`;
  return formula.length <= MAX_FORMULA_LENGTH ? formula : null;
}

function unitDivisor(analysis: Analysis): number {
  return analysis.layout.unit === '元' ? 10000 : analysis.layout.unit === '千元' ? 10 : 1;
}

/** A money cell: a formula over the source cells where they are numbers, else the engine's value. */
function moneyCell(analysis: Analysis, field: 'budget' | 'executed', rows: ProjectRow[], value: Dec, style: CellStyle = 'money'): PlanCell {
  const column = analysis.layout.columnIndex[field];
  if (column !== undefined) {
    const formula = sumFormula(analysis.layout.sheet, column, rows, field, unitDivisor(analysis));
    if (formula) return { t: 'formula', formula, value: value.toFixed(), style };
  }
  return num(value, style);
}

/** A formula referring to a project's source amount cell is `${budget or executed}${row}${suffix}`; null without the column. */
interface SourceRefs {
  budget: string | null;
  executed: string | null;
  suffix: string;
}

function sourceRefs(analysis: Analysis): SourceRefs {
  const q = quoteSheetName(analysis.layout.sheet);
  const divisor = unitDivisor(analysis);
  const { budget, executed } = analysis.layout.columnIndex;
  return {
    budget: budget === undefined ? null : `=${q}!${columnLetter(budget)}`,
    executed: executed === undefined ? null : `=${q}!${columnLetter(executed)}`,
    suffix: divisor === 1 ? '' : `/${divisor}`,
  };
}

/**
 * One project's amount cell, given its value in 万元: a formula referring to its source cell
 * where that holds a number, else the value (what `moneyCell` gives for one row, without a sum).
 */
function projectMoneyCell(refs: SourceRefs, field: 'budget' | 'executed', row: number, value: string, numeric: boolean): PlanCell {
  const start = refs[field];
  if (start !== null && numeric) return { t: 'formula', formula: `${start}${row}${refs.suffix}`, value, style: 'money' };
  // A cell's value in 万元 is a finite number (a text's number was finite to be read as one).
  return { t: 'number', value, style: 'money' };
}

/** A rate cell computed in the sheet from the budget and executed cells beside it. */
function rateCell(budgetRef: string, executedRef: string, rate: Dec | null, style: CellStyle = 'percent'): PlanCell {
  return { t: 'formula', formula: `=IF(${budgetRef}=0,"—",${executedRef}/${budgetRef})`, value: rate === null ? '—' : rate.toFixed(), style };
}

function summarySheet(name: string, analysis: Analysis, unchecked: boolean): SheetPlan {
  const { layout, figures, rows } = analysis;
  const width = 12;
  const sheet = new SheetRows();
  const merges: string[] = [];
  const line = (row: PlanCell[]): number => sheet.line(row); // 1-based row just written
  const wide = (t: string, style: CellStyle): void => {
    const r = line([text(t, style), ...Array.from({ length: width - 1 }, () => empty(style))]);
    merges.push(`A${r}:${columnLetter(width - 1)}${r}`);
  };
  const yearText = layout.year === null ? '' : `${layout.year}年度`;
  wide(`${layout.department}${yearText}项目支出预算执行汇总表`, 'title');
  const first = rows[0]?.row;
  const last = rows[rows.length - 1]?.row;
  wide(
    `数据来源：工作表“${layout.sheet}”${first ? `第${first}–${last}行` : ''}，共${figures.projects}个项目；金额单位：万元`,
    'subtitle',
  );
  wide(
    unchecked
      ? `【未经校验】源数据存在${analysis.counts.error}个错误，本表按要求强制生成，仅供参考；请先修正“校验结果”中的错误。`
      : '本表由绩效自评助手生成：金额为引用源单元格的公式，可逐项追溯；请勿手工修改，重新生成时将覆盖。',
    unchecked ? 'severity-error' : 'note',
  );
  line([]);

  // 一、总体情况
  wide('一、总体情况', 'subtitle');
  line(['项目数', '全年预算数', '全年执行数', '预算执行率'].map((h) => text(h, 'header')));
  const r = sheet.count + 1;
  line([
    num(figures.projects, 'integer'),
    moneyCell(analysis, 'budget', rows, figures.budget),
    moneyCell(analysis, 'executed', rows, figures.executed),
    rateCell(`B${r}`, `C${r}`, figures.rate),
  ]);
  line([]);

  // 二、按资金类别和级次
  wide('二、按资金类别和级次', 'subtitle');
  line(
    ['资金类别', '预算数', '其中：中央', '省', '市', '本级', '执行数', '其中：中央', '省', '市', '本级', '执行率'].map((h) =>
      text(h, 'header'),
    ),
  );
  const catStart = sheet.count + 1;
  // The rows of each category, and of each level in it, gathered in one pass (in sheet order).
  // Levels by category in maps of their own: no key string made per row.
  const byCategory = new Map<string, ProjectRow[]>();
  const byLevel = new Map<string, Map<string, ProjectRow[]>>();
  const gather = (map: Map<string, ProjectRow[]>, key: string, p: ProjectRow): void => {
    const list = map.get(key);
    if (list) list.push(p);
    else map.set(key, [p]);
  };
  for (const p of rows) {
    gather(byCategory, p.category, p);
    let levels = byLevel.get(p.category);
    if (levels === undefined) byLevel.set(p.category, (levels = new Map()));
    gather(levels, p.level, p);
  }
  for (const c of figures.byCategory) {
    const inCat = byCategory.get(c.category) ?? [];
    const rr = sheet.count + 1;
    const levelCells = (field: 'budget' | 'executed'): PlanCell[] =>
      FUND_LEVELS.map((level) => moneyCell(analysis, field, byLevel.get(c.category)?.get(level) ?? [], c.byLevel[level][field]));
    line([
      text(c.category),
      moneyCell(analysis, 'budget', inCat, c.budget),
      ...levelCells('budget'),
      moneyCell(analysis, 'executed', inCat, c.executed),
      ...levelCells('executed'),
      rateCell(`B${rr}`, `G${rr}`, c.rate),
    ]);
  }
  const catEnd = sheet.count;
  const tr = sheet.count + 1;
  const colSum = (col: string, value: Dec): PlanCell => ({
    t: 'formula',
    formula: `=SUM(${col}${catStart}:${col}${catEnd})`,
    value: value.toFixed(),
    style: 'total-money',
  });
  const levelTotals = (field: 'budget' | 'executed', cols: string[]): PlanCell[] =>
    FUND_LEVELS.map((level, i) =>
      colSum(
        cols[i],
        figures.byCategory.reduce((s, c) => s.plus(c.byLevel[level][field]), new D(0)),
      ),
    );
  line([
    text('合计', 'total-text'),
    colSum('B', figures.budget),
    ...levelTotals('budget', ['C', 'D', 'E', 'F']),
    colSum('G', figures.executed),
    ...levelTotals('executed', ['H', 'I', 'J', 'K']),
    rateCell(`B${tr}`, `G${tr}`, figures.rate, 'total-percent'),
  ]);
  line([]);

  // 三、按责任科室
  wide('三、按责任科室', 'subtitle');
  line(['责任科室', '项目数', '预算数', '执行数', '执行率'].map((h) => text(h, 'header')));
  // Each office's projects looked up by row: a scan of all rows per office grows with offices × rows.
  const byRow: ProjectRow[] = [];
  for (const p of rows) byRow[p.row] = p;
  for (const o of figures.byOffice) {
    const inOffice = o.rows.map((r) => byRow[r]);
    const rr = sheet.count + 1;
    line([
      text(o.office),
      num(o.projects, 'integer'),
      moneyCell(analysis, 'budget', inOffice, o.budget),
      moneyCell(analysis, 'executed', inOffice, o.executed),
      rateCell(`C${rr}`, `D${rr}`, o.rate),
    ]);
  }
  line([]);

  // 四、项目明细
  wide('四、项目明细', 'subtitle');
  line(
    ['序号', '项目名称', '资金文号', '资金类别', '资金级次', '责任科室', '全年预算数', '全年执行数', '执行率', '执行率得分', '偏差原因及改进措施', '源行号'].map(
      (h) => text(h, 'header'),
    ),
  );
  const refs = sourceRefs(analysis);
  const { unit } = layout;
  // One row per project, made when the host writes it.
  const detailTop = sheet.count + 1;
  // The cells are literals here, not text() or num(): V8 decides per literal whether to allocate
  // in the old generation, and the helpers' literals also make the cells that stay (headings),
  // so their objects go there; a detail row's cells die young, once written (3–4× faster).
  const detail = (i: number): PlanCell[] => {
    const p = rows[i];
    const rr = detailTop + i;
    let budgetCell: PlanCell;
    let executedCell: PlanCell;
    let rate: string;
    let score: string | null;
    // A record's values read where its list keeps them (amounts.ts), when it can: nothing made.
    const v = p instanceof ProjectRecord ? recordValues(p, unit) : null;
    if (v !== null) {
      // Both amounts are numeric cells.
      budgetCell = projectMoneyCell(refs, 'budget', p.row, v.budget, true);
      executedCell = projectMoneyCell(refs, 'executed', p.row, v.executed, true);
      rate = v.rate;
      score = v.score;
    } else {
      const { budget, executed } = p;
      budgetCell = budget ? projectMoneyCell(refs, 'budget', p.row, amountWanValue(budget, unit), budget.numeric) : { t: 'empty', style: 'money' };
      executedCell = executed ? projectMoneyCell(refs, 'executed', p.row, amountWanValue(executed, unit), executed.numeric) : { t: 'empty', style: 'money' };
      rate = rowRateValue(p);
      score = rowScoreValue(p);
    }
    return [
      { t: 'number', value: String(i + 1), style: 'integer' },
      { t: 'text', text: cellText(p.name), style: 'wrap' },
      { t: 'text', text: cellText(p.docNumber), style: 'text' },
      { t: 'text', text: p.category, style: 'text' },
      { t: 'text', text: p.level, style: 'text' },
      { t: 'text', text: cellText(p.office), style: 'text' },
      budgetCell,
      executedCell,
      { t: 'formula', formula: `=IF(G${rr}=0,"—",H${rr}/G${rr})`, value: rate, style: 'percent' },
      // A score is at most 10: always a number.
      score === null ? { t: 'text', text: '—', style: 'text' } : { t: 'number', value: score, style: 'money' },
      { t: 'text', text: cellText(p.reason), style: 'wrap' },
      { t: 'number', value: String(p.row), style: 'integer' },
    ];
  };
  // Every detail row: integer, wrap, text, money (an amount, or its empty cell, or the score) and percent.
  sheet.block(rows.length, detail, { width, styles: ['integer', 'wrap', 'text', 'money', 'percent'], formulas: true });
  line([]);

  // 五、执行率低于阈值的项目
  wide(`五、预算执行率低于${analysis.threshold}%的项目（${figures.lowExecution.length}个）`, 'subtitle');
  line(['项目名称', '执行率', '偏差原因及改进措施'].map((h) => text(h, 'header')));
  for (const p of figures.lowExecution) {
    line([text(p.name, 'wrap'), text(`${formatRate(p.rate)}%`), text(p.reason === '' ? '（未填写）' : p.reason, 'wrap')]);
  }
  if (figures.lowExecution.length === 0) line([text('无'), empty(), empty()]);

  return {
    role: 'summary',
    name,
    ...sheet.plan(),
    columnWidths: [26, 30, 20, 18, 10, 16, 14, 14, 12, 12, 36, 10],
    merges,
    freezeRows: 0,
    landscape: true,
  };
}

function narrativeSheet(name: string, analysis: Analysis, unchecked: boolean): SheetPlan {
  const { layout } = analysis;
  const sheet = new SheetRows();
  const yearText = layout.year === null ? '' : `（${layout.year}年度）`;
  sheet.line([text(`绩效目标实现情况${yearText}`, 'title')]);
  sheet.line([
    text(
      unchecked
        ? `【未经校验】源数据存在${analysis.counts.error}个错误，以下文字仅供参考。`
        : `以下文字由绩效自评助手根据工作表“${layout.sheet}”生成，可直接用于自评报告“二、绩效目标实现情况”。`,
      unchecked ? 'severity-error' : 'note',
    ),
  ]);
  sheet.line([]);
  const rowHeights: Record<number, number> = {};
  const { narrative } = analysis;
  for (let i = 0; i < narrative.length; i++) {
    // An estimate: a character outside the BMP counts twice (a line may come out a little tall).
    rowHeights[sheet.count + i] = Math.max(1, Math.ceil(narrative[i].length / 32)) * 16 + 6;
  }
  // One row per paragraph, made when the host writes it (a long list has tens of thousands), its
  // cell a literal of its own (see the detail rows of the summary).
  sheet.block(narrative.length, (i) => [{ t: 'text', text: cellText(narrative[i]), style: 'paragraph' }], { width: 1, styles: ['paragraph'], formulas: false });
  return { role: 'narrative', name, ...sheet.plan(), columnWidths: [68], merges: [], rowHeights };
}

function issuesSheet(name: string, analysis: Analysis, lang: Lang, blocking: boolean): SheetPlan {
  const { counts, issues } = analysis;
  const sheet = new SheetRows();
  sheet.line([
    text(
      counts.error > 0
        ? `校验未通过：${counts.error}个错误，${counts.warning}个警告，${counts.info}个提示`
        : `校验通过：0个错误，${counts.warning}个警告，${counts.info}个提示`,
      'title',
    ),
    ...Array.from({ length: 5 }, () => empty('title')),
  ]);
  sheet.line([
    text(
      blocking
        ? '存在错误，因此未生成汇总表和绩效自评文字。请按下表逐项修改源数据后重新生成；点击“单元格”列可跳转到问题所在。'
        : '点击“单元格”列可跳转到问题所在单元格。错误须修改；警告请核实；提示仅供参考。',
      blocking ? 'severity-error' : 'note',
    ),
    ...Array.from({ length: 5 }, () => empty(blocking ? 'severity-error' : 'note')),
  ]);
  sheet.line([]);
  sheet.line(['序号', '级别', '问题代码', '工作表', '单元格', '问题说明及修改建议'].map((h) => text(h, 'header')));
  // One row per issue (there may be one per project), made when the host writes it.
  // Literals, not text() or num(), as in the summary's detail rows (V8 allocates per literal).
  const issueRow = (i: number): PlanCell[] => {
    const issue = issues[i];
    return [
      { t: 'number', value: String(i + 1), style: 'integer' },
      { t: 'text', text: severityName(issue.severity, lang), style: `severity-${issue.severity}` },
      { t: 'text', text: issue.code, style: 'text' },
      { t: 'text', text: cellText(issue.sheet), style: 'text' },
      { t: 'text', text: issue.cell, style: 'link', link: { sheet: issue.sheet, cell: issue.cell } },
      { t: 'text', text: cellText(issueMessage(issue, lang)), style: 'wrap' },
    ];
  };
  const severities = [...new Set(issues.map((issue) => `severity-${issue.severity}` as CellStyle))];
  sheet.block(issues.length, issueRow, { width: 6, styles: ['integer', ...severities, 'text', 'link', 'wrap'], formulas: false });
  if (issues.length === 0) sheet.line([empty(), text('—'), empty(), empty(), empty(), text('未发现问题。', 'wrap')]);
  return {
    role: 'issues',
    name,
    ...sheet.plan(),
    columnWidths: [6, 8, 26, 22, 10, 90],
    merges: ['A1:F1', 'A2:F2'],
    freezeRows: 4,
    landscape: true,
  };
}
