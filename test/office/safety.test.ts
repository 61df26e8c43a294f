/**
 * The host never writes a user's cell, never lets Excel take user text for a formula, replaces
 * only its own sheets, and leaves no half-written sheet whatever fails; errors say what happened.
 */
import { type WorkbookGrid } from '../../src/engine';
import { rowsOf } from '../../src/engine/plan';
import { createExcelHost } from '../../src/office/excel-host';
import { hostMessage } from '../../src/office/messages';
import { DEFAULT_SETTINGS, type HostResult } from '../../src/office/types';
import { FakeExcel } from '../fake-excel';
import { ownedSheets } from '../fake-excel/xlsx';
import { project, sheet, table, workbook } from '../helpers/grid';
import { cliOnGrid, expectSheetAsPlanned, userSheetIds, writesToUserSheets } from './helpers';

function projects(names: string[], extra: { reason?: string } = {}): ReturnType<typeof project>[] {
  return names.map((name, i) => project(i + 1, name, 10 + i, 9.5 + i, { doc: `丰财预〔2024〕${i + 1}号`, reason: extra.reason ?? '' }));
}

function baseGrid(): WorkbookGrid {
  return workbook(sheet('说明', [['本工作簿用于填报项目支出']]), table('明细', projects(['道路维修', '学校改造', '河道治理', '绿化养护'])));
}

function expectNoTemporarySheets(fake: FakeExcel): void {
  expect(fake.sheetNames().filter((n) => n.startsWith('~jixiao'))).toEqual([]);
}

/** The record names exactly the owned sheets that exist. */
function expectRecordTrue(fake: FakeExcel): void {
  const names = new Set(fake.sheetNames());
  for (const o of ownedSheets(fake)) expect(names.has(o.name)).toBe(true);
}

function failed<T>(r: HostResult<T>): { code: string; message: string } {
  if (r.ok) throw new Error('expected a failure');
  return r.error;
}

describe('user text stays text', () => {
  const injections = ['=1+1', '+8613800000000', '-5', '@SUM(A1)'];

  test('project names that Excel would take for formulas or numbers are written as text', async () => {
    const grid = workbook(table('明细', projects(injections, { reason: '=HYPERLINK("http://evil","点击")' })));
    const fake = FakeExcel.fromGrid(grid);
    const result = await createExcelHost(fake.run, 'zh').fill(DEFAULT_SETTINGS);
    if (!result.ok) throw new Error(result.error.message);
    const expected = cliOnGrid(grid, 'Book1.xlsx');
    for (const sp of expected.plan.sheets) expectSheetAsPlanned(fake, sp);
    const summary = fake.sheet('预算执行汇总');
    const texts = new Map<string, { type: string; formula?: string }>();
    for (const [k, cell] of summary.cells) {
      const shown = fake.model.present(summary, Math.floor(k / 16384), k % 16384);
      if (typeof shown.value === 'string') texts.set(shown.value, { type: shown.type, formula: cell.formula });
    }
    for (const name of [...injections, '=HYPERLINK("http://evil","点击")']) {
      expect([name, texts.get(name)]).toEqual([name, { type: 'String', formula: undefined }]);
    }
    // Formulas in the owned sheets are the plan's, none other.
    const planned = new Set(expected.plan.sheets.flatMap((s) => rowsOf(s).flat().flatMap((c) => (c?.t === 'formula' ? [c.formula] : []))));
    for (const name of expected.plan.sheets.map((s) => s.name)) {
      for (const cell of fake.sheet(name).cells.values()) if (cell.formula !== undefined) expect(planned).toContain(cell.formula);
    }
  });
});

describe('only its own sheets', () => {
  test('a second fill replaces its own sheets: no copies, same places', async () => {
    const grid = baseGrid();
    const fake = FakeExcel.fromGrid(grid);
    const host = createExcelHost(fake.run, 'zh');
    expect((await host.fill(DEFAULT_SETTINGS)).ok).toBe(true);
    const once = fake.sheetNames();
    const record = ownedSheets(fake);
    expect((await host.fill(DEFAULT_SETTINGS)).ok).toBe(true);
    expect(fake.sheetNames()).toEqual(once);
    expect(once).toEqual(['说明', '明细', '预算执行汇总', '绩效自评文字']);
    expect(ownedSheets(fake)).toEqual(record);
    expect(fake.model.parts).toHaveLength(1);
    for (const sp of cliOnGrid(grid, 'Book1.xlsx').plan.sheets) expectSheetAsPlanned(fake, sp);
    expectNoTemporarySheets(fake);
  });

  test('an owned sheet keeps its tab position when replaced', async () => {
    const fake = FakeExcel.fromGrid(baseGrid());
    const host = createExcelHost(fake.run, 'zh');
    expect((await host.fill(DEFAULT_SETTINGS)).ok).toBe(true);
    // The user drags the summary to the front.
    const summary = fake.sheet('预算执行汇总');
    fake.model.sheets = [summary, ...fake.model.sheets.filter((s) => s !== summary)];
    expect((await host.fill(DEFAULT_SETTINGS)).ok).toBe(true);
    expect(fake.sheetNames()).toEqual(['预算执行汇总', '说明', '明细', '绩效自评文字']);
  });

  test('a user’s sheet named 预算执行汇总 is never touched: the tool writes under another name', async () => {
    const grid = workbook(sheet('预算执行汇总', [['我自己的汇总', 123], ['请勿改动', '=1+1']]), table('明细', projects(['道路维修', '学校改造'])));
    const fake = FakeExcel.fromGrid(grid);
    const users = userSheetIds(fake);
    const before = JSON.stringify(fake.presentedValues('预算执行汇总'));
    const host = createExcelHost(fake.run, 'zh');
    const result = await host.fill(DEFAULT_SETTINGS);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.sheets).toEqual(['预算执行汇总（助手）', '绩效自评文字']);
    expect(result.value.notes).toEqual(['工作表“预算执行汇总”是您自己的工作表，助手未改动它，结果已写入“预算执行汇总（助手）”。']);
    expect(JSON.stringify(fake.presentedValues('预算执行汇总'))).toBe(before);
    expect(writesToUserSheets(fake, users)).toEqual([]);
    for (const sp of cliOnGrid(grid, 'Book1.xlsx').plan.sheets) expectSheetAsPlanned(fake, sp);
    // Again: the alternative name is reused, the user's sheet still untouched.
    expect((await host.fill(DEFAULT_SETTINGS)).ok).toBe(true);
    expect(fake.sheetNames()).toEqual(['预算执行汇总', '明细', '预算执行汇总（助手）', '绩效自评文字']);
    expect(writesToUserSheets(fake, users)).toEqual([]);
  });

  test('with errors, fill writes 校验结果 instead and removes its stale summary', async () => {
    const fake = FakeExcel.fromGrid(baseGrid());
    const host = createExcelHost(fake.run, 'zh');
    expect((await host.fill(DEFAULT_SETTINGS)).ok).toBe(true);
    // The user breaks a figure: executed over budget.
    const cell = fake.sheet('明细').get(3, 6);
    if (!cell) throw new Error('no cell');
    cell.value = 99;
    fake.model.touch();
    const result = await host.fill(DEFAULT_SETTINGS);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.blocked).toBe(true);
    expect(fake.sheetNames()).toEqual(['说明', '明细', '校验结果']);
    expect(ownedSheets(fake)).toEqual([{ role: 'issues', name: '校验结果' }]);
    expect(fake.model.activeSheetId).toBe(fake.sheet('校验结果').id);
  });
});

describe('a failure leaves no half-written sheet', () => {
  test('a sync failing mid-write: nothing of ours is left, and the pane says what happened', async () => {
    const fake = FakeExcel.fromGrid(baseGrid());
    const names = fake.sheetNames();
    fake.failSync({ at: fake.syncCount + 3, code: 'GeneralException', applied: 0.5 });
    const error = failed(await createExcelHost(fake.run, 'zh').fill(DEFAULT_SETTINGS));
    expect(error.code).toBe('write-failed');
    expect(error.message).toBe(hostMessage('write-failed', 'zh', { code: 'GeneralException' }));
    expect(fake.sheetNames()).toEqual(names);
    expect(fake.model.parts).toEqual([]);
  });

  test.each([0, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99])('the swap failing after %p of it: each owned sheet is whole, old or new', async (applied) => {
    const grid = baseGrid();
    const fake = FakeExcel.fromGrid(grid);
    const users = userSheetIds(fake);
    const host = createExcelHost(fake.run, 'zh');
    expect((await host.fill(DEFAULT_SETTINGS)).ok).toBe(true);
    const old = cliOnGrid(grid, 'Book1.xlsx').plan;
    // New data, so that old and new sheets differ: a reason for the first project.
    const cell = fake.sheet('明细').ensure(3, 8);
    cell.value = '资金按进度拨付';
    cell.type = 'String';
    fake.model.touch();
    const next = cliOnGrid(withValue(grid, 3, 8, '资金按进度拨付'), 'Book1.xlsx').plan;
    const rows = (p: typeof old): string => JSON.stringify(p.sheets.map(rowsOf));
    expect(rows(next)).not.toBe(rows(old));
    fake.failSync({ at: fake.syncCount + 4, code: 'GeneralException', applied });
    const error = failed(await host.fill(DEFAULT_SETTINGS));
    expect(error.code).toBe('write-failed');
    expectNoTemporarySheets(fake);
    expectRecordTrue(fake);
    expect(writesToUserSheets(fake, users)).toEqual([]);
    for (const [i, name] of ['预算执行汇总', '绩效自评文字'].entries()) {
      expect(fake.sheetNames()).toContain(name);
      expect(ownedSheets(fake).map((o) => o.name)).toContain(name);
      let matched = false;
      for (const plan of [old, next]) {
        try {
          expectSheetAsPlanned(fake, plan.sheets[i]);
          matched = true;
        } catch {
          // try the other
        }
      }
      expect([name, matched]).toEqual([name, true]);
    }
    // And the next fill completes.
    expect((await host.fill(DEFAULT_SETTINGS)).ok).toBe(true);
    for (const sp of next.sheets) expectSheetAsPlanned(fake, sp);
  });

  test('when even the cleanup fails, the pane says so, and the next write removes the leftovers', async () => {
    const fake = FakeExcel.fromGrid(baseGrid());
    const host = createExcelHost(fake.run, 'zh');
    fake.failSync({ at: fake.syncCount + 3, code: 'GeneralException', applied: 0.9 });
    fake.failSync({ at: fake.syncCount + 4, code: 'GeneralException', applied: 0 });
    const error = failed(await host.fill(DEFAULT_SETTINGS));
    expect(error.code).toBe('write-failed');
    expect(error.message).toContain('~jixiao-');
    const hidden = fake.model.sheets.filter((s) => s.name.startsWith('~jixiao'));
    expect(hidden.length).toBeGreaterThan(0);
    expect(hidden.every((s) => s.visibility === 'Hidden')).toBe(true);
    // Leftovers are never mistaken for the table (an old summary has a project header).
    const v = await host.validate(DEFAULT_SETTINGS);
    expect(v.ok && v.value.table.sheet).toBe('明细');
    expect((await host.fill(DEFAULT_SETTINGS)).ok).toBe(true);
    expectNoTemporarySheets(fake);
    expect(fake.sheetNames()).toEqual(['说明', '明细', '预算执行汇总', '绩效自评文字']);
  });
});

describe('Excel errors become clear messages by code', () => {
  test('a protected owned sheet is left alone, with its name in the message', async () => {
    const fake = FakeExcel.fromGrid(baseGrid());
    const host = createExcelHost(fake.run, 'zh');
    expect((await host.fill(DEFAULT_SETTINGS)).ok).toBe(true);
    fake.protectSheet('预算执行汇总');
    const writes = fake.writeLog.length;
    const error = failed(await host.fill(DEFAULT_SETTINGS));
    expect(error.code).toBe('protected-sheet');
    expect(error.message).toContain('预算执行汇总');
    expect(fake.writeLog.length).toBe(writes);
  });

  test('a protected workbook structure', async () => {
    const fake = FakeExcel.fromGrid(baseGrid());
    fake.protectStructure();
    const error = failed(await createExcelHost(fake.run, 'zh').fill(DEFAULT_SETTINGS));
    expect(error.code).toBe('protected-sheet');
    expect(error.message).toContain('保护工作簿');
    expect(fake.writeLog).toEqual([]);
  });

  test('AccessDenied while writing is a protection problem, and is cleaned up', async () => {
    const fake = FakeExcel.fromGrid(baseGrid());
    const names = fake.sheetNames();
    fake.failSync({ at: fake.syncCount + 3, code: 'AccessDenied', applied: 0.3 });
    const error = failed(await createExcelHost(fake.run, 'zh').fill(DEFAULT_SETTINGS));
    expect(error.code).toBe('protected-sheet');
    expect(fake.sheetNames()).toEqual(names);
  });

  test('cell-edit mode, in both languages', async () => {
    const fake = FakeExcel.fromGrid(baseGrid());
    fake.cellEditMode = true;
    const zh = failed(await createExcelHost(fake.run, 'zh').validate(DEFAULT_SETTINGS));
    expect(zh).toMatchObject({ code: 'cell-edit-mode', message: 'Excel 正在编辑单元格。请按 Enter 或 Esc 结束编辑后重试。' });
    const en = failed(await createExcelHost(fake.run, 'en').fill(DEFAULT_SETTINGS));
    expect(en).toMatchObject({ code: 'cell-edit-mode', message: 'Excel is editing a cell. Press Enter or Esc to finish editing, then try again.' });
    expect(fake.writeLog).toEqual([]);
  });

  test.each([
    ['ItemNotFound', 'item-not-found'],
    ['ApiNotFound', 'unsupported-excel'],
    ['ResponsePayloadSizeLimitExceeded', 'payload-too-large'],
    ['GeneralException', 'unknown'],
  ])('%s while reading → %s', async (code, expected) => {
    const fake = FakeExcel.fromGrid(baseGrid());
    fake.failSync({ at: fake.syncCount + 1, code, applied: 0 });
    const error = failed(await createExcelHost(fake.run, 'zh').validate(DEFAULT_SETTINGS));
    expect(error.code).toBe(expected);
    // Our words, never Excel's (localized, and not what to do).
    expect(error.message).toBe(hostMessage(expected as Parameters<typeof hostMessage>[0], 'zh', { code }));
  });

  test('a sheet over the 5,000,000-cell read limit is named, with its used range', async () => {
    const fake = FakeExcel.fromGrid(baseGrid());
    // A stray value far to the right makes the used range 400 × 16,384 cells.
    const stray = fake.sheet('明细').ensure(399, 16383);
    stray.value = 'x';
    stray.type = 'String';
    const error = failed(await createExcelHost(fake.run, 'zh').validate(DEFAULT_SETTINGS));
    expect(error.code).toBe('too-many-cells');
    expect(error.message).toContain('“明细”');
    // Excel gives a range of whole rows as 1:400.
    expect(error.message).toMatch(/ (?:A1:XFD400|1:400) /);
  });

  test('no table, and a chosen sheet that does not exist', async () => {
    const fake = FakeExcel.fromGrid(workbook(sheet('说明', [['无表格']])));
    const none = failed(await createExcelHost(fake.run, 'zh').validate(DEFAULT_SETTINGS));
    expect(none.code).toBe('no-table');
    expect(none.message).toContain('说明');
    const missing = failed(await createExcelHost(fake.run, 'zh').validate({ ...DEFAULT_SETTINGS, sheet: '不存在' }));
    expect(missing).toMatchObject({ code: 'sheet-not-found' });
    expect(missing.message).toContain('不存在');
  });
});

describe('reading what is larger than assumed', () => {
  const LONG = '绩效目标完成情况良好资金使用规范'.repeat(12);

  function wide(rows: number, text: (r: number) => string): WorkbookGrid {
    const header = ['序号', '项目名称', '资金文号', '资金类别', '资金级次', '全年预算数', '全年执行数', '执行率', '偏差原因及改进措施', '责任科室', ...Array.from({ length: 22 }, (_, i) => `说明${i + 1}`)];
    const body = Array.from({ length: rows }, (_, i) => [
      ...project(i + 1, `项目${i + 1}`, 10, 9.5, { doc: `丰财预〔2024〕${i + 1}号` }),
      ...Array.from({ length: 22 }, () => text(i)),
    ]);
    return workbook(sheet('明细', [['单位：万元'], header, ...body]));
  }

  test('heavier cells than the first sync assumes: it is read again without its first rows, then in chunks', async () => {
    const grid = wide(400, () => LONG);
    const fake = FakeExcel.fromGrid(grid);
    const result = await createExcelHost(fake.run, 'zh').validate(DEFAULT_SETTINGS);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.report).toEqual(cliOnGrid(grid, 'Book1.xlsx').report);
    expect(fake.syncs.some((s) => s.error === 'ResponsePayloadSizeLimitExceeded')).toBe(true);
    expect(fake.syncs.filter((s) => !s.error).every((s) => s.responseBytes <= 5_000_000)).toBe(true);
  });

  test('later rows heavier than the first: a refused chunk is halved and read again', async () => {
    const grid = wide(3000, (r) => (r < 500 ? '短' : LONG));
    const fake = FakeExcel.fromGrid(grid);
    const result = await createExcelHost(fake.run, 'zh').validate(DEFAULT_SETTINGS);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.report).toEqual(cliOnGrid(grid, 'Book1.xlsx').report);
    expect(fake.syncs.filter((s) => s.error === 'ResponsePayloadSizeLimitExceeded').length).toBeGreaterThan(0);
  });
});

/** The grid with one text cell's value changed (row and column 0-based in the sheet '明细'). */
function withValue(grid: WorkbookGrid, row: number, col: number, value: string): WorkbookGrid {
  const copy = JSON.parse(JSON.stringify(grid)) as WorkbookGrid;
  const s = copy.sheets.find((x) => x.name === '明细');
  if (!s) throw new Error('no sheet');
  s.values[row - s.top][col - s.left] = value;
  s.valueTypes[row - s.top][col - s.left] = 'String';
  return copy;
}
