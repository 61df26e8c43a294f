/**
 * locateTable classifies each row below the header once, with the label check on short texts only
 * (compactUpTo) and without keeping every row's kind. Its project rows and total row must be what
 * the row-by-row classification it replaced gives (copied below as the reference), over random
 * tables of projects, totals, subtotals, notes and blanks written every way met in practice.
 */
import fc from 'fast-check';
import { SheetView } from '../../src/engine/cells';
import { locateTable } from '../../src/engine/locate';
import type { Field } from '../../src/engine/types';
import { HEADER, sheet, type TestCell, workbook } from '../helpers/grid';

const SEED = 20261125;

// ---- The reference: locate.ts's row classification before the fast paths ----

const refCompact = (text: string): string => text.normalize('NFKC').replace(/[\s\u3000\u00a0\u200b\ufeff]+/g, '');
const TOTAL_LABEL = /^(合计|总计|共计|总合计|合计数)$/;
const SUBTOTAL_LABEL = /(小计|其中[:：]?)/;
const NOTE_LABEL = /^(注|注[:：]|说明[:：]|备注[:：]|填表人|填报人|审核人|制表|制表人|单位负责人|财务负责人|联系电话|填报日期)/;

function refFirstText(view: SheetView, row: number): string {
  for (let col = 0; col < view.colCount; col++) {
    const t = view.text(row, col);
    if (t !== '') return t;
  }
  return '';
}

function refClassifyRow(view: SheetView, row: number, columns: Partial<Record<Field, number>>): string {
  const amountCols = [columns.budget, columns.executed, columns.initialBudget].filter((c): c is number => c !== undefined);
  const firstAmount = amountCols.length ? Math.min(...amountCols) : view.colCount;
  const fieldCols = [columns.name, ...amountCols].filter((c): c is number => c !== undefined);
  let anything = false;
  for (let col = 0; col < view.colCount; col++) {
    if (!view.isEmpty(row, col)) {
      anything = true;
      break;
    }
  }
  if (!anything) return 'blank';
  for (let col = 0; col < Math.max(firstAmount, (columns.name ?? 0) + 1); col++) {
    const t = refCompact(view.text(row, col));
    if (t === '') continue;
    if (TOTAL_LABEL.test(t)) return 'total';
    if (SUBTOTAL_LABEL.test(t) && t.length <= 12) return 'subtotal';
  }
  const name = columns.name !== undefined ? refCompact(view.text(row, columns.name)) : '';
  const hasAmount = amountCols.some((c) => !view.isEmpty(row, c));
  if (!hasAmount && NOTE_LABEL.test(name === '' ? refCompact(refFirstText(view, row)) : name)) return 'note';
  if (!hasAmount && name === '' && /^(单位[:：]|金额单位)/.test(refCompact(refFirstText(view, row)))) return 'note';
  if (fieldCols.every((c) => view.isEmpty(row, c))) return 'blank';
  return 'project';
}

function refRows(view: SheetView, dataStart: number, columns: Partial<Record<Field, number>>): { projectRows: number[]; totalRow: number | null } {
  const kinds: { row: number; kind: string }[] = [];
  for (let row = dataStart; row < view.rowCount; row++) kinds.push({ row, kind: refClassifyRow(view, row, columns) });
  const meaningful = kinds.filter((k) => k.kind !== 'blank' && k.kind !== 'note');
  const firstTotal = meaningful.filter((k) => k.kind === 'total')[0];
  const lastMeaningful = meaningful[meaningful.length - 1];
  let totalRow: number | null = null;
  if (firstTotal && firstTotal === meaningful[0]) totalRow = firstTotal.row;
  else if (lastMeaningful && lastMeaningful.kind === 'total') totalRow = lastMeaningful.row;
  return { projectRows: kinds.filter((k) => k.kind === 'project').map((k) => k.row), totalRow };
}

// ---- Random tables ----

/** Texts for the columns before the amounts: labels however spaced or written, names, notes. */
const labelish = fc.constantFrom<TestCell>(
  '合计',
  ' 合 计 ',
  '合\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000计',
  '合          计',
  '总合计',
  '合计数',
  '共计',
  '总计：',
  '小计',
  '⼩计',
  '小\u200b计',
  '其中：',
  '其中:本级',
  '其中：中央财政补助资金',
  '其中：中央财政补助资金款',
  '其中：中央财政补助资金部分',
  '其中中央\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000补助',
  '各镇小计（含街道）',
  '注：金额单位为万元',
  '填表人：张三',
  '说明:',
  '单位：万元',
  '金额单位：元',
  '甲项目',
  '乡村振兴（衔接）项目',
  '２０２４年东田庄镇中央基层应急能力专项整治补助资金（第一批）',
  '唐财建〔2024〕10号',
  '增发国债资金',
  '区本级',
  '',
  null,
  1,
  12345,
  true,
);
const amount = fc.constantFrom<TestCell>(null, '', 10, 0, -5, '12.5', ' ', '—');
const row = fc
  .tuple(labelish, labelish, labelish, labelish, labelish, amount, amount, amount, labelish, labelish)
  .map((cells): TestCell[] => cells);

describe('locateTable rows', () => {
  test('project rows and total row as the row-by-row classification gives them', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 12 }), (rows) => {
        const grid = workbook(sheet('明细', [['某局2024年度项目支出明细表'], ['单位：万元'], HEADER, ...rows]));
        const views = grid.sheets.map((s) => new SheetView(s));
        const found = locateTable(views, [], {});
        if (!found.ok) throw new Error(found.error.code);
        const { view, columns, headerRows, projectRows, totalRow } = found.located;
        expect({ projectRows, totalRow }).toEqual(refRows(view, headerRows[headerRows.length - 1] + 1, columns));
      }),
      { seed: SEED, numRuns: 5_000 },
    );
  });
});
