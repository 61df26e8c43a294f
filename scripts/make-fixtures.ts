/**
 * Writes the validation fixtures: test/fixtures/issues/<name>.xlsx and beside each
 * <name>.expected.json = { description, issues: [{ code, severity, sheet, cell }] }, the complete
 * list of issues the engine must report for that workbook (sorted by row, then column), plus a
 * README.md index.
 *
 * Each workbook is built with exceljs, then saved through LibreOffice so that a real spreadsheet
 * program wrote it (cached formula results, its own styles and shared strings). What LibreOffice
 * cannot write is put in afterwards at zip level; see `errorConstant`.
 *
 * Fixed data, no randomness, fixed document and zip times: a rerun rewrites identical bytes
 * (with the same LibreOffice version).
 *
 * Run: npx tsc -p tsconfig.build.json && node lib/scripts/make-fixtures.js
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Decimal from 'decimal.js';
import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import type { IssueCode, Severity } from '../src/engine/types';
import { SEVERITY as ENGINE_SEVERITY } from '../src/engine/validate';
import { DOC_DATE, repack, repoRoot, saveThroughLibreOffice } from './make-sample';

type CheckedCode = Exclude<IssueCode, 'ambiguous-unit' | 'owned-name-taken'>;

// The severities are the engine's own: a fixture can never disagree with the contract on them.
const SEVERITY: Record<CheckedCode, Severity> = ENGINE_SEVERITY;

// ---------------------------------------------------------------------------------------------
// Layout

type Field = 'no' | 'name' | 'doc' | 'category' | 'level' | 'initial' | 'budget' | 'executed' | 'rate' | 'reason' | 'office';

type Kind = 'int' | 'text' | 'money' | 'percent';

interface Column {
  field: Field;
  header: string;
  kind: Kind;
  width: number;
  /** A header cell over two header rows: `group` spans this column and its neighbours in row 1 of the header. */
  group?: string;
}

const col = (field: Field, header: string, kind: Kind, width: number, group?: string): Column => ({ field, header, kind, width, group });

/** 序号 | 项目名称 | 资金文号 | 资金类别 | 资金级次 | 全年预算数 | 全年执行数 | 执行率 | 偏差原因及改进措施 | 责任科室 */
const STANDARD: Column[] = [
  col('no', '序号', 'int', 6),
  col('name', '项目名称', 'text', 36),
  col('doc', '资金文号', 'text', 22),
  col('category', '资金类别', 'text', 22),
  col('level', '资金级次', 'text', 10),
  col('budget', '全年预算数', 'money', 14),
  col('executed', '全年执行数', 'money', 14),
  col('rate', '执行率', 'percent', 10),
  col('reason', '偏差原因及改进措施', 'text', 36),
  col('office', '责任科室', 'text', 18),
];

const without = (...fields: Field[]): Column[] => STANDARD.filter((c) => !fields.includes(c.field));

/**
 * What goes in a cell: a number, text (always written as text, even '85.00'), blank, a formula
 * (`{r}` stands for the cell's own row; no cached value, LibreOffice computes it), or an error
 * value typed as a constant (`#N/A` pasted as a value), which LibreOffice cannot write.
 */
type Input = number | string | null | { formula: string } | { errorConstant: '#N/A' | '#REF!' | '#DIV/0!' | '#VALUE!' };

interface Project {
  kind?: 'project';
  no?: Input;
  name: Input;
  doc?: Input;
  category?: Input;
  level?: Input;
  initial?: Input;
  budget: Input;
  executed?: Input;
  /** Defaults to round(executed ÷ budget, 4), the value a correct sheet holds; blank when that has no value. */
  rate?: Input;
  reason?: Input;
  office?: Input;
  /** The issues this row must produce, by the field of the cell they point at. */
  expect?: [CheckedCode, Field][];
}

/** A 小计 row: label in the name column, SUMs of the projects since the previous 小计. */
interface Subtotal {
  kind: 'subtotal';
  label: string;
}

type Row = Project | Subtotal;

interface Total {
  /** 'last': after the projects; 'first': directly under the header. */
  at: 'first' | 'last';
  label?: string;
  /** Typed values in place of the default SUM formulas (people type totals too). */
  cells?: Partial<Record<Field, Input>>;
  expect?: [CheckedCode, Field][];
}

interface Fixture {
  name: string;
  description: string;
  sheet: string;
  columns?: Column[];
  title?: string;
  unitLine?: string;
  rows: Row[];
  total?: Total;
  /** A '填表说明' sheet with instructions and no table, before the table's sheet. */
  instructions?: boolean;
  /** Issues not tied to a row (a missing column), by cell. */
  issues?: { code: CheckedCode; cell: string }[];
}

const TITLE = '某某局2024年度项目支出预算执行明细表';
const LOW_RATE_REASON = '中标价格低于预算价格，按照实际中标价格付款，剩余资金已返还财政';

const MONEY = '#,##0.00';
const PERCENT = '0.00%';

function letter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

function autoRate(p: Project): Input {
  const { budget, executed } = p;
  if (typeof budget !== 'number' || typeof executed !== 'number' || budget === 0) return null;
  return new Decimal(String(executed)).div(String(budget)).toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toNumber();
}

interface Built {
  workbook: ExcelJS.Workbook;
  issues: { code: CheckedCode; cell: string }[];
  /** Cells to turn into error constants after LibreOffice: A1 address → error. */
  errorConstants: Map<string, string>;
}

const THIN: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' },
  left: { style: 'thin' },
  bottom: { style: 'thin' },
  right: { style: 'thin' },
};

function addInstructions(wb: ExcelJS.Workbook): void {
  const ws = wb.addWorksheet('填表说明');
  ws.getColumn(1).width = 60;
  [
    '填表说明',
    '1. 金额单位为万元，保留两位小数显示；',
    '2. 执行率 = 全年执行数 ÷ 全年预算数；',
    '3. 执行率低于90%的项目须填写偏差原因及改进措施；',
    '4. 同一项目分中央、省级资金的，按资金文号分行填列。',
  ].forEach((line, i) => {
    ws.getCell(i + 1, 1).value = line;
    if (i === 0) ws.getCell(i + 1, 1).font = { bold: true };
  });
}

/** The shared layout: title (merged), unit line (merged), one or two header rows, the rows, a 合计. */
function build(f: Fixture): Built {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'jixiao';
  wb.created = DOC_DATE;
  wb.modified = DOC_DATE;
  if (f.instructions) addInstructions(wb);
  const ws = wb.addWorksheet(f.sheet);
  const columns = f.columns ?? STANDARD;
  const width = columns.length;
  const colOf = new Map(columns.map((c, i) => [c.field, i + 1]));
  const address = (field: Field, row: number): string => {
    const c = colOf.get(field);
    if (c === undefined) throw new Error(`${f.name}: no ${field} column`);
    return `${letter(c - 1)}${row}`;
  };
  const issues: Built['issues'] = [...(f.issues ?? [])];
  const errorConstants = new Map<string, string>();
  columns.forEach((c, i) => (ws.getColumn(i + 1).width = c.width));

  ws.mergeCells(1, 1, 1, width);
  ws.getCell(1, 1).value = f.title ?? TITLE;
  ws.getCell(1, 1).font = { bold: true, size: 16 };
  ws.getCell(1, 1).alignment = { horizontal: 'center', vertical: 'middle' };
  ws.getRow(1).height = 28;
  ws.mergeCells(2, 1, 2, width);
  ws.getCell(2, 1).value = f.unitLine ?? '单位：万元';
  ws.getCell(2, 1).alignment = { horizontal: 'right' };

  // Header: one row, or two when some columns sit under a group header.
  const twoRows = columns.some((c) => c.group !== undefined);
  const headerStyle = (cell: ExcelJS.Cell): void => {
    cell.font = { bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.border = THIN;
  };
  let i = 0;
  while (i < columns.length) {
    const c = columns[i];
    if (!twoRows) {
      ws.getCell(3, i + 1).value = c.header;
      headerStyle(ws.getCell(3, i + 1));
      i += 1;
    } else if (c.group === undefined) {
      ws.mergeCells(3, i + 1, 4, i + 1);
      ws.getCell(3, i + 1).value = c.header;
      headerStyle(ws.getCell(3, i + 1));
      headerStyle(ws.getCell(4, i + 1));
      i += 1;
    } else {
      let j = i;
      while (j + 1 < columns.length && columns[j + 1].group === c.group) j += 1;
      ws.mergeCells(3, i + 1, 3, j + 1);
      ws.getCell(3, i + 1).value = c.group;
      for (let k = i; k <= j; k += 1) {
        headerStyle(ws.getCell(3, k + 1));
        ws.getCell(4, k + 1).value = columns[k].header;
        headerStyle(ws.getCell(4, k + 1));
      }
      i = j + 1;
    }
  }
  const firstDataRow = twoRows ? 5 : 4;

  const put = (field: Field, row: number, value: Input, bold = false): void => {
    const c = colOf.get(field);
    if (c === undefined) throw new Error(`${f.name}: no ${field} column`);
    const cell = ws.getCell(row, c);
    const kind = columns[c - 1].kind;
    if (kind === 'money') cell.numFmt = MONEY;
    if (kind === 'percent') cell.numFmt = PERCENT;
    cell.border = THIN;
    if (bold) cell.font = { bold: true };
    if (value === null || value === undefined) return;
    if (typeof value === 'object' && 'formula' in value) {
      cell.value = { formula: value.formula.replace(/\{r\}/g, String(row)) } as ExcelJS.CellFormulaValue;
    } else if (typeof value === 'object') {
      // exceljs writes the error; LibreOffice reads it back as the formula =#N/A and writes that
      // formula out. The constant is restored at zip level (see `errorConstant`).
      cell.value = { error: value.errorConstant } as ExcelJS.CellErrorValue;
      errorConstants.set(cell.address, value.errorConstant);
    } else {
      cell.value = value;
    }
  };

  const projects = f.rows.filter((r): r is Project => r.kind !== 'subtotal');
  const totalRowAt = f.total?.at === 'first' ? firstDataRow : firstDataRow + f.rows.length;
  let row = f.total?.at === 'first' ? firstDataRow + 1 : firstDataRow;
  const firstProjectRow = row;
  const subtotalRows: number[] = [];
  let groupStart = row;
  let serial = 0;
  const money = columns.filter((c) => c.kind === 'money').map((c) => c.field);
  const rateFormula = (r: number): string | null =>
    colOf.has('rate') && colOf.has('budget') && colOf.has('executed')
      ? `IF(${address('budget', r)}=0,"",${address('executed', r)}/${address('budget', r)})`
      : null;

  for (const r of f.rows) {
    if (r.kind === 'subtotal') {
      put('name', row, r.label, true);
      for (const m of money) put(m, row, { formula: `SUM(${address(m, groupStart)}:${address(m, row - 1)})` }, true);
      const rf = rateFormula(row);
      if (rf) put('rate', row, { formula: rf }, true);
      for (const c of columns) if (!['name', 'rate', ...money].includes(c.field)) put(c.field, row, null);
      subtotalRows.push(row);
      groupStart = row + 1;
    } else {
      serial += 1;
      const values: Record<Field, Input> = {
        no: r.no === undefined ? serial : r.no,
        name: r.name,
        doc: r.doc ?? null,
        category: r.category === undefined ? '本级财政资金' : r.category,
        level: r.level === undefined ? '本级' : r.level,
        initial: r.initial ?? null,
        budget: r.budget,
        executed: r.executed ?? null,
        rate: r.rate === undefined ? autoRate(r) : r.rate,
        reason: r.reason ?? null,
        office: r.office === undefined ? '办公室' : r.office,
      };
      for (const field of Object.keys(r) as (keyof Project)[]) {
        if (field !== 'kind' && field !== 'expect' && !colOf.has(field)) throw new Error(`${f.name}: ${field} given, no such column`);
      }
      for (const c of columns) put(c.field, row, values[c.field]);
      for (const [code, field] of r.expect ?? []) issues.push({ code, cell: address(field, row) });
    }
    row += 1;
  }
  const lastProjectRow = row - 1;

  if (f.total) {
    const t = f.total;
    const tr = totalRowAt;
    const firstMoney = columns.findIndex((c) => c.kind === 'money') + 1;
    if (firstMoney > 2) ws.mergeCells(tr, 1, tr, firstMoney - 1);
    ws.getCell(tr, 1).value = t.label ?? '合计';
    ws.getCell(tr, 1).font = { bold: true };
    ws.getCell(tr, 1).alignment = { horizontal: 'center' };
    for (let k = 1; k < firstMoney; k += 1) ws.getCell(tr, k).border = THIN;
    for (const c of columns.slice(firstMoney - 1)) {
      let value: Input = null;
      if (t.cells && c.field in t.cells) value = t.cells[c.field] ?? null;
      else if (c.kind === 'money') {
        value = {
          formula:
            subtotalRows.length > 0
              ? subtotalRows.map((s) => address(c.field, s)).join('+')
              : `SUM(${address(c.field, firstProjectRow)}:${address(c.field, lastProjectRow)})`,
        };
      } else if (c.field === 'rate') {
        const rf = rateFormula(tr);
        value = rf ? { formula: rf } : null;
      }
      put(c.field, tr, value, true);
    }
    for (const [code, field] of t.expect ?? []) issues.push({ code, cell: address(field, tr) });
  }
  if (projects.length === 0) throw new Error(`${f.name}: no projects`);
  return { workbook: wb, issues, errorConstants };
}

// ---------------------------------------------------------------------------------------------
// Zip-level edits

/** The part holding the sheet named `sheet`, from workbook.xml and its relationships. */
function sheetPart(parts: { workbook: string; rels: string }, sheet: string): string {
  const esc = sheet.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const m = new RegExp(`<sheet [^>]*name="${esc.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*r:id="([^"]+)"`).exec(parts.workbook);
  if (!m) throw new Error(`no sheet ${sheet} in workbook.xml`);
  const rel = new RegExp(`<Relationship [^>]*Id="${m[1]}"[^>]*Target="([^"]+)"`).exec(parts.rels)
    ?? new RegExp(`<Relationship [^>]*Target="([^"]+)"[^>]*Id="${m[1]}"`).exec(parts.rels);
  if (!rel) throw new Error(`no relationship ${m[1]}`);
  return rel[1].startsWith('/') ? rel[1].slice(1) : `xl/${rel[1]}`;
}

/**
 * Makes `cell` an error constant, `<c t="e"><v>#N/A</v></c>`, as Excel stores an error pasted
 * as a value. LibreOffice has no error constants: it reads one as the formula `=#N/A` and
 * saves `<f>#N/A</f><v>#N/A</v>`, so the formula is dropped here, on LibreOffice's own cell.
 */
function errorConstant(xml: string, cell: string, error: string): string {
  // Attributes only, so that a self-closing <c …/> cannot match into the next cell.
  const re = new RegExp(`<c r="${cell}"((?:\\s+[\\w:]+="[^"]*")*)>(.*?)</c>`);
  const m = re.exec(xml);
  if (!m) throw new Error(`no cell ${cell} in the saved sheet`);
  if (!m[2].includes(`<v>${error}</v>`)) throw new Error(`cell ${cell} does not hold ${error}: ${m[2]}`);
  const attrs = m[1].replace(/\s+t="[^"]*"/, '');
  return xml.replace(re, `<c r="${cell}"${attrs} t="e"><v>${error}</v></c>`);
}

// ---------------------------------------------------------------------------------------------
// The fixtures. Every row without `expect` is clean: valid category and level, a valid or blank
// document number, executed ≤ budget, rate = round(executed ÷ budget, 4), rate ≥ 90% or a reason.

const FIXTURES: Fixture[] = [
  {
    name: 'clean',
    description:
      'Eight valid projects: document numbers in all four bracket styles (〔〕 [] 【】 （）), one of the previous year, three blank; ' +
      'category and level synonyms (增发国债资金, 区级财政资金, 中央资金, 省级, 市级, 区本级, 区); amounts stored with yuan precision; ' +
      '合计 with SUM formulas and an IF(…) rate formula. No issues.',
    sheet: '项目支出明细',
    rows: [
      { name: '安全生产执法检查专项经费', budget: 85, executed: 85, office: '执法监察大队' },
      { name: '应急指挥调度能力提升补助资金', doc: '唐财建〔2024〕10号', category: '增发国债资金', level: '中央资金', budget: 87.2, executed: 82.5, office: '应急指挥中心' },
      { name: '应急指挥调度能力提升省级补助资金', doc: '唐财建[2024]11号', category: '增发国债', level: '省级', budget: 7.27, executed: 7, office: '应急指挥中心' },
      { name: '自然灾害救助专项资金', doc: '唐财建【2024】12号', category: '共同财政事权转移支付', level: '省', budget: 71.38, executed: 71.38, office: '财务和救灾物资科' },
      { name: '安全生产监管执法专项补助资金', doc: '唐财建（2024）13号', category: '专项转移支付', level: '市级', budget: 12, executed: 11.5, office: '执法监察大队' },
      { name: '提前下达防汛救灾补助资金', doc: '冀财建〔2023〕123号', category: '一般性转移支付', level: '中央', budget: 30, executed: 29.1, office: '财务和救灾物资科' },
      { name: '应急避难场所建设项目', category: '债券资金', level: '区本级', budget: 150, executed: 148.2357, office: '应急救援科' },
      { name: '灾害信息员队伍培训经费', category: '区级财政资金', level: '区', budget: 9.86, executed: 9.86, office: '风险监测和综合减灾科' },
    ],
    total: { at: 'last' },
  },
  {
    name: 'missing-column',
    description:
      'No executed column (全年执行数 deleted; 执行率 is still there and must not be taken for it): one missing-column issue at the ' +
      'first cell of the header row.',
    sheet: '项目明细',
    columns: without('executed'),
    rows: [
      { name: '安全生产执法检查专项经费', budget: 85, rate: 1 },
      { name: '森林草原防灭火专项经费', budget: 96, rate: 0.9688, office: '应急救援科' },
      { name: '防汛抗旱物资储备经费', budget: 73, rate: 1, office: '财务和救灾物资科' },
      { name: '应急值班值守保障经费', budget: 15, rate: 0.98 },
    ],
    issues: [{ code: 'missing-column', cell: 'A3' }],
  },
  {
    name: 'missing-value',
    description:
      'A project with amounts but no name; a blank budget with 5.00 executed (missing-value, not zero-budget); a blank executed ' +
      'amount. Rows with a missing amount have a blank rate and get no other check.',
    sheet: '2024年项目支出',
    rows: [
      { name: '安全生产执法检查专项经费', budget: 85, executed: 85 },
      { name: null, doc: '唐财建〔2024〕31号', category: '专项转移支付', level: '省', budget: 20, executed: 19, expect: [['missing-value', 'name']] },
      { name: '防汛抗旱物资储备经费', budget: null, executed: 5, expect: [['missing-value', 'budget']] },
      { name: '应急值班值守保障经费', budget: 30, executed: null, expect: [['missing-value', 'executed']] },
      { name: '灾害信息员队伍培训经费', budget: 9.86, executed: 9.86 },
    ],
  },
  {
    name: 'not-a-number',
    description: "Text that is no number: budget '待定', executed '约5万', rate '见附件' (budget 20.00 > 0, so the rate is checked).",
    sheet: '项目支出明细表',
    rows: [
      { name: '安全生产执法检查专项经费', budget: 85, executed: 85 },
      { name: '应急物资采购经费', budget: '待定', executed: 0, expect: [['not-a-number', 'budget']] },
      { name: '应急演练经费', budget: 10, executed: '约5万', expect: [['not-a-number', 'executed']] },
      { name: '安全生产宣传教育经费', budget: 20, executed: 19, rate: '见附件', expect: [['not-a-number', 'rate']] },
      { name: '灾害信息员队伍培训经费', budget: 9.86, executed: 9.86 },
    ],
  },
  {
    name: 'formula-error',
    description:
      'Error values: executed =1/0 (#DIV/0!); a budget formula whose referenced sheet was deleted (#REF!, the formula as ' +
      'LibreOffice writes it after the deletion); a rate =G/F giving #DIV/0! where budget and executed are 0 (no issue); ' +
      'a #N/A pasted as a value into the rate cell of a row with budget 10.00 (an error constant, put in at zip level).',
    sheet: 'Sheet1',
    rows: [
      { name: '安全生产执法检查专项经费', budget: 10, executed: 9.8 },
      { name: '应急演练经费', budget: 20, executed: { formula: '1/0' }, expect: [['formula-error', 'executed']] },
      // LibreOffice, deleting the sheet that `=预算调整!C5` points at, leaves `=#REF!` (checked with
      // its own UNO API); written here directly, LibreOffice computes the cached #REF!.
      { name: '应急广播运行维护经费', budget: { formula: '#REF!' }, executed: 15, expect: [['formula-error', 'budget']] },
      { name: '专项转移支付资金', category: '专项转移支付', level: '省', budget: 0, executed: 0, rate: { formula: 'G{r}/F{r}' } },
      { name: '应急物资储备库运维经费', budget: 10, executed: 9.5, rate: { errorConstant: '#N/A' }, expect: [['formula-error', 'rate']] },
      { name: '灾害信息员队伍培训经费', budget: 9.86, executed: 9.86 },
    ],
  },
  {
    name: 'negative-amount',
    description:
      'A write-back row with budget -5.00 and executed -5.00 (two issues: a lone negative budget would leave any executed ' +
      'amount ≥ 0 "over" it, so both are negative and the rate is 100%), and a refund row with executed -1.00 against ' +
      'budget 10.00 (rate -10.00%, reason filled). Only the negative amounts are reported.',
    sheet: '支出明细',
    rows: [
      { name: '安全生产执法检查专项经费', budget: 85, executed: 85 },
      { name: '以前年度结转资金收回', budget: -5, executed: -5, expect: [['negative-amount', 'budget'], ['negative-amount', 'executed']] },
      { name: '应急救援装备维修经费', budget: 10, executed: -1, reason: '退回以前年度多拨付资金，冲减当年支出', office: '应急救援科', expect: [['negative-amount', 'executed']] },
      { name: '灾害信息员队伍培训经费', budget: 9.86, executed: 9.86 },
    ],
  },
  {
    name: 'zero-budget',
    description:
      'Budget 0.00 with 5.00 executed: zero-budget at the budget cell and nothing else (no over-execution). Budget 0.00 with ' +
      '0.00 executed: no issue. Rates blank.',
    sheet: '项目支出',
    rows: [
      { name: '安全生产执法检查专项经费', budget: 85, executed: 85 },
      { name: '应急物资紧急采购经费', budget: 0, executed: 5, expect: [['zero-budget', 'budget']] },
      { name: '专项转移支付资金', category: '专项转移支付', level: '省', budget: 0, executed: 0 },
      { name: '灾害信息员队伍培训经费', budget: 9.86, executed: 9.86 },
    ],
  },
  {
    name: 'over-execution',
    description:
      'By the rounding rule: 10.02 against 10.00 is over; 10.004 (stored, exact) against 10.00 ([9.995, 10.005]) is not; ' +
      '10.01 against 10.00 touch at 10.005 and are not. Rates as a correct sheet holds them (100.20%, 100.04%, 100.10%).',
    sheet: '执行情况',
    rows: [
      { name: '安全生产执法检查专项经费', budget: 50, executed: 49 },
      { name: '应急演练经费', budget: 10, executed: 10.02, expect: [['over-execution', 'executed']] },
      { name: '应急广播运行维护经费', budget: 10, executed: 10.004 },
      { name: '灾害信息员队伍培训经费', budget: 10, executed: 10.01 },
      { name: '应急值班值守保障经费', budget: 15, executed: 15 },
    ],
  },
  {
    name: 'rate-mismatch',
    description:
      'By the rounding rule: 46.99% passes for 40.97 / 87.20 (displayed) and 40.971 / 87.2 (stored), 47.00% fails for both; ' +
      '62.64% passes for 4.55 / 7.27; 64.26% fails for 4.5536 / 7.27. Reasons filled (all rates < 90%).',
    sheet: '预算执行率',
    rows: [
      { name: '应急指挥调度能力提升补助资金（一标段）', doc: '唐财建〔2024〕10号', category: '增发国债', level: '中央', budget: 87.2, executed: 40.97, rate: 0.4699, reason: LOW_RATE_REASON },
      { name: '应急指挥调度能力提升补助资金（二标段）', doc: '唐财建〔2024〕17号', category: '增发国债', level: '中央', budget: 87.2, executed: 40.97, rate: 0.47, reason: LOW_RATE_REASON, expect: [['rate-mismatch', 'rate']] },
      { name: '应急指挥调度能力提升补助资金（三标段）', doc: '唐财建〔2024〕18号', category: '增发国债', level: '中央', budget: 87.2, executed: 40.971, rate: 0.4699, reason: LOW_RATE_REASON },
      { name: '应急指挥调度能力提升补助资金（四标段）', doc: '唐财建〔2024〕19号', category: '增发国债', level: '中央', budget: 87.2, executed: 40.971, rate: 0.47, reason: LOW_RATE_REASON, expect: [['rate-mismatch', 'rate']] },
      { name: '应急指挥调度能力提升省级补助资金（一标段）', doc: '唐财建〔2024〕11号', category: '增发国债', level: '省', budget: 7.27, executed: 4.55, rate: 0.6264, reason: LOW_RATE_REASON },
      { name: '应急指挥调度能力提升省级补助资金（二标段）', doc: '唐财建〔2024〕21号', category: '增发国债', level: '省', budget: 7.27, executed: 4.5536, rate: 0.6426, reason: LOW_RATE_REASON, expect: [['rate-mismatch', 'rate']] },
      { name: '安全生产执法检查专项经费', budget: 85, executed: 85 },
    ],
  },
  {
    name: 'total-mismatch',
    description:
      'Amounts in 元, 合计 typed rather than summed: budget 3,080,001.00 against projects summing to 3,080,000.00 (issue); ' +
      'executed 3,010,000.00 against an exact 3,009,999.999 (three allocations of 333,333.333 stored exact: 尾差, no issue); ' +
      'rate 97.73%, right both for the projects (97.7273%) and for the typed totals (97.7272%).',
    sheet: '项目汇总',
    unitLine: '单位：元',
    rows: [
      { name: '应急物资储备库改造工程', doc: '唐财建〔2024〕31号', budget: 1200000, executed: 1150000, office: '财务和救灾物资科' },
      { name: '应急广播系统运行维护', budget: 860000, executed: 860000, office: '应急指挥中心' },
      { name: '基层应急服务站补助（城区片）', doc: '唐财建〔2024〕32号', category: '共同财政事权转移支付', level: '省', budget: 340000, executed: 333333.333, office: '应急救援科' },
      { name: '基层应急服务站补助（北部片）', doc: '唐财建〔2024〕33号', category: '共同财政事权转移支付', level: '省', budget: 340000, executed: 333333.333, office: '应急救援科' },
      { name: '基层应急服务站补助（南部片）', doc: '唐财建〔2024〕34号', category: '共同财政事权转移支付', level: '省', budget: 340000, executed: 333333.333, office: '应急救援科' },
    ],
    total: { at: 'last', cells: { budget: 3080001, executed: 3010000, rate: 0.9773 }, expect: [['total-mismatch', 'budget']] },
  },
  {
    name: 'duplicate-project',
    description:
      'Same name and same document number as an earlier row (issue on the later row); same name with both documents blank ' +
      '(issue); same name with a different document number (no issue: two documents of one programme).',
    sheet: '项目清单',
    rows: [
      { name: '应急救援队伍建设经费', doc: '唐财建〔2024〕21号', category: '共同财政事权转移支付', level: '省', budget: 40, executed: 40, office: '应急救援科' },
      { name: '防汛抗旱物资储备经费', budget: 73, executed: 73, office: '财务和救灾物资科' },
      { name: '安全生产宣传教育经费', doc: '唐财建〔2024〕22号', category: '专项转移支付', level: '市', budget: 12, executed: 12, office: '宣传教育科' },
      { name: '应急救援队伍建设经费', doc: '唐财建〔2024〕21号', category: '共同财政事权转移支付', level: '省', budget: 40, executed: 40, office: '应急救援科', expect: [['duplicate-project', 'name']] },
      { name: '防汛抗旱物资储备经费', budget: 20, executed: 19.5, office: '财务和救灾物资科', expect: [['duplicate-project', 'name']] },
      { name: '安全生产宣传教育经费', doc: '唐财建〔2024〕23号', category: '专项转移支付', level: '市', budget: 8, executed: 8, office: '宣传教育科' },
      { name: '灾害信息员队伍培训经费', budget: 9.86, executed: 9.86 },
    ],
  },
  {
    name: 'low-execution',
    description:
      "Rates below 90% with the reason blank, '无', '/', '—' or '-' (issue at the reason cell); 89.99% with a real reason and " +
      'exactly 90.00% with a blank reason (no issue).',
    sheet: '执行进度',
    rows: [
      { name: '应急演练经费', budget: 50, executed: 40, expect: [['low-execution-unexplained', 'reason']] },
      { name: '应急广播运行维护经费', budget: 40, executed: 30, reason: '无', expect: [['low-execution-unexplained', 'reason']] },
      { name: '安全生产宣传教育经费', budget: 20, executed: 12, reason: '/', expect: [['low-execution-unexplained', 'reason']] },
      { name: '应急物资储备库运维经费', budget: 10, executed: 8.5, reason: '—', expect: [['low-execution-unexplained', 'reason']] },
      { name: '地震监测设施维护经费', budget: 10, executed: 5, reason: '-', expect: [['low-execution-unexplained', 'reason']] },
      { name: '灾害信息员队伍培训经费', budget: 100, executed: 89.99, reason: '部分培训改为线上开展，节约场地租赁费用' },
      { name: '应急值班值守保障经费', budget: 100, executed: 90 },
      { name: '安全生产执法检查专项经费', budget: 85, executed: 85 },
    ],
  },
  {
    name: 'low-execution-no-reason-column',
    description: 'No deviation-reason column: a rate of 80.00% is reported at the rate cell.',
    sheet: '执行进度表',
    columns: without('reason'),
    rows: [
      { name: '安全生产执法检查专项经费', budget: 85, executed: 85 },
      { name: '应急演练经费', budget: 50, executed: 40, expect: [['low-execution-unexplained', 'rate']] },
      { name: '灾害信息员队伍培训经费', budget: 9.86, executed: 9.86 },
    ],
  },
  {
    name: 'invalid-doc-number',
    description: "'唐财建2024-10' and '10号' are no document numbers (warnings); 〔〕, [], 【】 and （） brackets are all valid.",
    sheet: '资金明细',
    rows: [
      { name: '应急指挥调度能力提升补助资金', doc: '唐财建〔2024〕10号', category: '增发国债', level: '中央', budget: 87.2, executed: 87.2 },
      { name: '应急救援装备购置补助资金', doc: '唐财建2024-10', category: '增发国债', level: '中央', budget: 50, executed: 50, expect: [['invalid-doc-number', 'doc']] },
      { name: '应急指挥调度能力提升省级补助资金', doc: '唐财建[2024]11号', category: '增发国债', level: '省', budget: 7.27, executed: 7.27 },
      { name: '安全生产目标考核奖励资金', doc: '10号', category: '共同财政事权转移支付', level: '市', budget: 4, executed: 4, expect: [['invalid-doc-number', 'doc']] },
      { name: '自然灾害救助专项资金', doc: '唐财建【2024】12号', category: '共同财政事权转移支付', level: '省', budget: 71.38, executed: 71.38 },
      { name: '安全生产监管执法专项补助资金', doc: '唐财建（2024）13号', category: '专项转移支付', level: '市', budget: 12, executed: 12 },
    ],
  },
  {
    name: 'unknown-category-level',
    description: "Category '自筹资金' maps to no fund category; level '乡镇' maps to no fund level. One warning each.",
    sheet: '资金来源',
    rows: [
      { name: '安全生产执法检查专项经费', budget: 85, executed: 85 },
      { name: '企业安全生产标准化创建奖补', category: '自筹资金', budget: 20, executed: 20, expect: [['unknown-fund-category', 'category']] },
      { name: '乡镇应急服务站运行经费', category: '共同财政事权转移支付', level: '乡镇', budget: 16, executed: 15.2, expect: [['unknown-fund-level', 'level']] },
      { name: '灾害信息员队伍培训经费', category: '其他资金', level: '县', budget: 9.86, executed: 9.86 },
    ],
  },
  {
    name: 'suspicious-magnitude',
    description:
      'Six projects of 12–98 万元 and one of 850,000.00 万元 (yuan typed into a 万元 sheet): budget and executed each ≥ 5,000 × ' +
      'their column median (46.80), one warning per column. No 合计 row.',
    sheet: '项目预算',
    rows: [
      { name: '应急值班值守保障经费', budget: 12, executed: 12 },
      { name: '安全生产宣传教育经费', budget: 25.5, executed: 24.8, office: '宣传教育科' },
      { name: '自然灾害综合风险普查成果应用经费', budget: 38, executed: 36.5, office: '风险监测和综合减灾科' },
      { name: '应急救援装备购置经费', budget: 850000, executed: 850000, office: '应急救援科', expect: [['suspicious-magnitude', 'budget'], ['suspicious-magnitude', 'executed']] },
      { name: '防汛物资补充采购经费', budget: 46.8, executed: 46.8, office: '财务和救灾物资科' },
      { name: '重大事故隐患排查整治专班工作经费', budget: 60, executed: 58.2, office: '安全生产综合协调科' },
      { name: '森林草原防灭火专项经费', budget: 98, executed: 95, office: '应急救援科' },
    ],
  },
  {
    name: 'text-number',
    description:
      "Numbers typed as text: budget '85.00' and executed '１２．５０' (full-width). Accepted, one info each, nothing else " +
      '(no 合计 row: SUM would skip the text).',
    sheet: '录入表',
    rows: [
      { name: '应急值班值守保障经费', budget: 15, executed: 15 },
      { name: '安全生产执法检查专项经费', budget: '85.00', executed: 85, rate: 1, expect: [['text-number', 'budget']] },
      { name: '灾害信息员队伍培训经费', budget: 12.5, executed: '１２．５０', rate: 1, expect: [['text-number', 'executed']] },
      { name: '应急广播运行维护经费', budget: 20, executed: 19.6 },
    ],
  },
  {
    name: 'merged-header',
    description:
      'A two-row header: 序号, 项目名称, 实际支出（元） and 执行率 merged over rows 3–4; 预算安排（元） merged over 年初 | 调整后预算. ' +
      'Amounts in 元. No issues.',
    sheet: '项目支出（元）',
    unitLine: '单位：元',
    columns: [
      col('no', '序号', 'int', 6),
      col('name', '项目名称', 'text', 36),
      col('initial', '年初', 'money', 16, '预算安排（元）'),
      col('budget', '调整后预算', 'money', 16, '预算安排（元）'),
      col('executed', '实际支出（元）', 'money', 16),
      col('rate', '执行率', 'percent', 10),
    ],
    rows: [
      { name: '安全生产执法检查专项经费', initial: 850000, budget: 850000, executed: 850000 },
      { name: '防汛抗旱物资储备经费', initial: 730000, budget: 730000, executed: 712345.67 },
      { name: '灾害信息员队伍培训经费', initial: 100000, budget: 98600, executed: 98600 },
      { name: '应急广播运行维护经费', initial: 0, budget: 120000, executed: 118800 },
      { name: '地震监测预警设施维护经费', initial: 231045, budget: 231045, executed: 231000 },
    ],
  },
  {
    name: 'total-first',
    description: 'The 合计 row directly under the header (SUM formulas over the projects below it), correct. No issues.',
    sheet: '汇总在前',
    rows: [
      { name: '安全生产执法检查专项经费', budget: 85, executed: 85, office: '执法监察大队' },
      { name: '重大事故隐患排查整治专班工作经费', budget: 62, executed: 62, office: '安全生产综合协调科' },
      { name: '应急指挥调度能力提升补助资金', doc: '唐财建[2024]10号', category: '增发国债', level: '中央', budget: 87.2, executed: 86.3, office: '应急指挥中心' },
      { name: '应急指挥调度能力提升省级补助资金', doc: '唐财建[2024]11号', category: '增发国债', level: '省', budget: 7.27, executed: 7.27, office: '应急指挥中心' },
      { name: '粉尘涉爆企业专项治理经费', budget: 28, executed: 27.9504, office: '工贸安全监督管理科' },
      { name: '2023年安全生产目标考核奖励资金', doc: '唐财建[2024]91号', category: '共同财政事权转移支付', level: '市', budget: 4, executed: 4, office: '安全生产综合协调科' },
    ],
    total: { at: 'first' },
  },
  {
    name: 'subtotals',
    description: '小计 rows (SUM of their group) between two groups, skipped; 合计 = the sum of the 小计 cells. No issues.',
    sheet: '分类小计',
    rows: [
      { name: '安全生产执法检查专项经费', budget: 85, executed: 85, office: '执法监察大队' },
      { name: '应急值班值守保障经费', budget: 15, executed: 14.6 },
      { name: '灾害信息员队伍培训经费', budget: 10, executed: 9.86, office: '风险监测和综合减灾科' },
      { kind: 'subtotal', label: '小计' },
      { name: '提前下达2024年自然灾害救助专项资金', doc: '唐财建[2023]123号', category: '共同财政事权转移支付', level: '省', budget: 71.38, executed: 71.38, office: '财务和救灾物资科' },
      { name: '2023年安全生产目标考核奖励资金', doc: '唐财建[2024]91号', category: '共同财政事权转移支付', level: '市', budget: 4, executed: 4, office: '安全生产综合协调科' },
      { kind: 'subtotal', label: '小计' },
    ],
    total: { at: 'last' },
  },
  {
    name: 'mixed',
    description:
      'An instructions sheet first, then one table where several rules fire: over-execution; a wrong rate that is also ' +
      'low and unexplained; an invalid document number; a blank executed amount; a duplicate of the first row; an ' +
      'unknown level beside a budget typed as text.',
    sheet: '2024年项目支出明细',
    instructions: true,
    rows: [
      { name: '安全生产执法检查专项经费', doc: '唐财建〔2024〕10号', budget: 100, executed: 98, office: '执法监察大队' },
      { name: '应急救援装备购置经费', budget: 50, executed: 52.3, office: '应急救援科', expect: [['over-execution', 'executed']] },
      {
        name: '应急演练经费', budget: 80, executed: 60, rate: 0.8,
        expect: [['rate-mismatch', 'rate'], ['low-execution-unexplained', 'reason']],
      },
      { name: '自然灾害救助专项资金', doc: '唐财建2024-15', category: '共同财政事权转移支付', level: '省', budget: 30, executed: 29.5, office: '财务和救灾物资科', expect: [['invalid-doc-number', 'doc']] },
      { name: '防汛抗旱物资储备经费', budget: 73, executed: null, office: '财务和救灾物资科', expect: [['missing-value', 'executed']] },
      { name: '安全生产执法检查专项经费', doc: '唐财建〔2024〕10号', budget: 100, executed: 98, office: '执法监察大队', expect: [['duplicate-project', 'name']] },
      {
        name: '乡镇应急服务站运行经费', category: '共同财政事权转移支付', level: '乡镇', budget: '45.00', executed: 45, rate: 1,
        expect: [['unknown-fund-level', 'level'], ['text-number', 'budget']],
      },
    ],
  },
];

// ---------------------------------------------------------------------------------------------

interface Expected {
  description: string;
  issues: { code: CheckedCode; severity: Severity; sheet: string; cell: string }[];
}

function cellOrder(cell: string): [number, number] {
  const m = /^([A-Z]+)(\d+)$/.exec(cell);
  if (!m) throw new Error(`not a cell: ${cell}`);
  let c = 0;
  for (const ch of m[1]) c = c * 26 + (ch.charCodeAt(0) - 64);
  return [Number(m[2]), c];
}

function expectedOf(f: Fixture, built: Built): Expected {
  const issues = [...built.issues]
    .sort((a, b) => {
      const [ra, ca] = cellOrder(a.cell);
      const [rb, cb] = cellOrder(b.cell);
      return ra - rb || ca - cb;
    })
    .map((i) => ({ code: i.code, severity: SEVERITY[i.code], sheet: f.sheet, cell: i.cell }));
  return { description: f.description, issues };
}

function readme(list: { f: Fixture; expected: Expected }[], zipEdits: string[]): string {
  const lines = [
    '# Validation fixtures',
    '',
    'Generated by `scripts/make-fixtures.ts` (`npx tsc -p tsconfig.build.json && node lib/scripts/make-fixtures.js`); do not edit by hand.',
    'Each `<name>.xlsx` was built with exceljs and saved through LibreOffice; `<name>.expected.json` lists every issue the',
    'engine must report for it, sorted by row, then column. Rows not meant to fire are clean in every rule.',
    '',
    '| fixture | sheet | issues | what |',
    '| --- | --- | --- | --- |',
    ...list.map(({ f, expected }) => {
      const codes = expected.issues.map((i) => `${i.code}@${i.cell}`).join(', ') || 'none';
      return `| ${f.name} | ${f.sheet} | ${expected.issues.length}: ${codes} | ${f.description.replace(/\|/g, '\\|')} |`;
    }),
    '',
    'LibreOffice saves text that mixes CJK and Latin characters (唐财建〔2024〕10号) as rich text, one run per script;',
    'the text is the same. What LibreOffice cannot write was put in at zip level, in its saved sheet:',
    ...zipEdits.map((e) => `- ${e}`),
    '',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const root = repoRoot();
  const outDir = path.join(root, 'test', 'fixtures', 'issues');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'jixiao-fixtures-'));
  try {
    const names = new Set<string>();
    const built = await Promise.all(
      FIXTURES.map(async (f) => {
        if (names.has(f.name)) throw new Error(`two fixtures named ${f.name}`);
        names.add(f.name);
        const b = build(f);
        const input = path.join(work, `${f.name}.xlsx`);
        await b.workbook.xlsx.writeFile(input);
        return { f, b, input };
      }),
    );
    const saved = saveThroughLibreOffice(
      built.map((x) => x.input),
      work,
    );

    fs.mkdirSync(outDir, { recursive: true });
    for (const file of fs.readdirSync(outDir)) {
      if (file.endsWith('.xlsx') || file.endsWith('.expected.json')) fs.rmSync(path.join(outDir, file));
    }
    const list: { f: Fixture; expected: Expected }[] = [];
    const zipEdits: string[] = [];
    built.forEach(({ f, b }, i) => {
      const edits: Record<string, (xml: string) => string> = {};
      if (b.errorConstants.size > 0) {
        const parts = unzipSync(saved[i]);
        const part = sheetPart(
          { workbook: strFromU8(parts['xl/workbook.xml']), rels: strFromU8(parts['xl/_rels/workbook.xml.rels']) },
          f.sheet,
        );
        edits[part] = (xml) => [...b.errorConstants].reduce((x, [cell, error]) => errorConstant(x, cell, error), xml);
        for (const [cell, error] of b.errorConstants) zipEdits.push(`${f.name}: ${cell} holds the error constant \`${error}\` (no formula).`);
      }
      fs.writeFileSync(path.join(outDir, `${f.name}.xlsx`), repack(saved[i], edits));
      const expected = expectedOf(f, b);
      fs.writeFileSync(path.join(outDir, `${f.name}.expected.json`), `${JSON.stringify(expected, null, 2)}\n`);
      list.push({ f, expected });
      console.log(`${f.name}: ${expected.issues.length} issue(s)`);
    });
    fs.writeFileSync(path.join(outDir, 'README.md'), readme(list, zipEdits));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
