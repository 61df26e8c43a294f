/**
 * Settings that persist in the workbook, selecting a problem's cell, the ribbon's 校验 (validate
 * with the issues sheet), and the error dictionaries.
 */
import * as path from 'path';
import { hostErrorCode, toHostError } from '../../src/office/errors';
import { createExcelHost, parseStoredSettings, SETTINGS_KEY } from '../../src/office/excel-host';
import { enUS, HOST_NOTES, zhCN } from '../../src/office/messages';
import { DEFAULT_SETTINGS, type HostErrorCode } from '../../src/office/types';
import { FakeExcel, FakeOfficeError } from '../fake-excel';
import { loadFakeExcel } from '../fake-excel/node';
import { ownedSheets } from '../fake-excel/xlsx';
import { project, sheet, table, workbook } from '../helpers/grid';
import { cli, expectSheetAsPlanned, userSheetIds, writesToUserSheets } from './helpers';

const FIXTURES = path.resolve(__dirname, '../fixtures/issues');

function small(): FakeExcel {
  return FakeExcel.fromGrid(
    workbook(
      table('明细', [project(1, '道路维修', 10, 5, { doc: '丰财预〔2024〕1号' }), project(2, '学校改造', 20, 19, { doc: '丰财预〔2024〕2号' })]),
      sheet('隐藏', [['x']]),
    ),
  );
}

describe('settings persist in the workbook', () => {
  test('none saved: the defaults', async () => {
    const r = await createExcelHost(small().run, 'zh').loadSettings();
    expect(r).toEqual({ ok: true, value: DEFAULT_SETTINGS });
  });

  test('saved by one, loaded by a colleague: the same settings, and the same result', async () => {
    const fake = small();
    const settings = { threshold: 40, year: 2024, department: '丰南区某局', sheet: '明细', unit: '万元' as const, map: { budget: 'f', executed: 'G' } };
    expect(await createExcelHost(fake.run, 'zh').saveSettings(settings)).toEqual({ ok: true, value: undefined });
    expect(typeof fake.model.settings.get(SETTINGS_KEY)).toBe('string');
    const colleague = createExcelHost(fake.run, 'zh');
    const loaded = await colleague.loadSettings();
    if (!loaded.ok) throw new Error(loaded.error.message);
    expect(loaded.value).toEqual({ ...settings, map: { budget: 'F', executed: 'G' } });
    const a = await createExcelHost(fake.run, 'zh').validate(settings);
    const b = await colleague.validate(loaded.value);
    expect(a).toEqual(b);
    // A threshold of 40%: the 50% project needs no reason.
    expect(b.ok && b.value.report.issues.map((i) => i.code)).toEqual([]);
  });

  test('settings change the result exactly as the same options change the command line’s', async () => {
    const file = path.join(FIXTURES, 'low-execution.xlsx');
    const fake = await loadFakeExcel(file);
    const r = await createExcelHost(fake.run, 'zh').validate({ threshold: 70 });
    expect(r.ok && r.value.report).toEqual((await cli(file, { threshold: 70 })).report);
  });

  test('a save in cell-edit mode says so', async () => {
    const fake = small();
    fake.cellEditMode = true;
    expect(await createExcelHost(fake.run, 'zh').saveSettings(DEFAULT_SETTINGS)).toMatchObject({ ok: false, error: { code: 'cell-edit-mode' } });
    fake.cellEditMode = false;
    fake.failSync({ at: fake.syncCount + 1, code: 'GeneralException' });
    expect(await createExcelHost(fake.run, 'zh').saveSettings(DEFAULT_SETTINGS)).toMatchObject({ ok: false, error: { code: 'unknown' } });
  });

  test.each([
    ['not JSON', '{threshold: 80', DEFAULT_SETTINGS],
    ['not an object', '[1,2]', DEFAULT_SETTINGS],
    ['invalid fields dropped, valid kept', JSON.stringify({ threshold: 'abc', year: 2024.5, unit: '斤', department: '某局', map: { budget: '1', executed: 'h', nope: 'A' } }), { threshold: 90, department: '某局', map: { executed: 'H' } }],
    ['out of range', JSON.stringify({ threshold: 150, year: 1800 }), DEFAULT_SETTINGS],
  ])('%s', async (_what, stored, expected) => {
    expect(parseStoredSettings(stored)).toEqual(expected);
    const fake = small();
    fake.model.settings.set(SETTINGS_KEY, stored);
    expect(await createExcelHost(fake.run, 'zh').loadSettings()).toEqual({ ok: true, value: expected });
  });
});

describe('a problem is shown by selecting its cell', () => {
  test('activates the sheet and selects the cell, writing nothing', async () => {
    const fake = small();
    const before = fake.syncCount;
    expect(await createExcelHost(fake.run, 'zh').selectCell('明细', 'i4')).toEqual({ ok: true, value: undefined });
    expect(fake.model.activeSheetId).toBe(fake.sheet('明细').id);
    expect(fake.model.selection).toEqual({ sheetId: fake.sheet('明细').id, address: 'I4' });
    expect(fake.writeLog).toEqual([]);
    expect(fake.syncCount - before).toBe(2);
  });

  test('a sheet gone, a hidden sheet, a bad address', async () => {
    const fake = small();
    fake.sheet('隐藏').visibility = 'Hidden';
    const host = createExcelHost(fake.run, 'zh');
    expect(await host.selectCell('没有', 'A1')).toMatchObject({ ok: false, error: { code: 'item-not-found' } });
    const hidden = await host.selectCell('隐藏', 'A1');
    expect(hidden).toMatchObject({ ok: false, error: { code: 'item-not-found' } });
    expect(!hidden.ok && hidden.error.message).toContain('已隐藏');
    expect(await host.selectCell('明细', 'A0')).toMatchObject({ ok: false, error: { code: 'item-not-found' } });
  });
});

describe('the ribbon’s 校验', () => {
  test('validate with the issues sheet writes 校验结果 as the command line plans it, and activates it', async () => {
    const file = path.join(FIXTURES, 'mixed.xlsx');
    const expected = await cli(file);
    const fake = await loadFakeExcel(file);
    const users = userSheetIds(fake);
    const before = fake.syncCount;
    const r = await createExcelHost(fake.run, 'zh').validate(DEFAULT_SETTINGS, { writeIssuesSheet: true });
    if (!r.ok) throw new Error(r.error.message);
    expect(fake.syncCount - before).toBe(4);
    expect(r.value.issuesSheet).toBe('校验结果');
    expect(r.value.report).toEqual(expected.report);
    expectSheetAsPlanned(fake, expected.checkPlan.sheets[0]);
    expect(fake.model.activeSheetId).toBe(fake.sheet('校验结果').id);
    expect(ownedSheets(fake)).toEqual([{ role: 'issues', name: '校验结果' }]);
    expect(writesToUserSheets(fake, users)).toEqual([]);
    // Every issue's link leads to its cell.
    const links = [...fake.sheet('校验结果').cells.values()].flatMap((c) => (c.hyperlink ? [c.hyperlink.documentReference] : []));
    expect(links).toHaveLength(expected.report.issues.length);
  });

  test('plain validate writes nothing at all', async () => {
    const fake = small();
    expect((await createExcelHost(fake.run, 'zh').validate(DEFAULT_SETTINGS)).ok).toBe(true);
    expect(fake.writeLog).toEqual([]);
  });
});

describe('error dictionaries', () => {
  const CODES: HostErrorCode[] = [
    'cell-edit-mode',
    'protected-sheet',
    'payload-too-large',
    'too-many-cells',
    'item-not-found',
    'unsupported-excel',
    'no-table',
    'sheet-not-found',
    'write-failed',
    'unknown',
  ];

  test('every code and note has a message in zh-CN and en-US, with the same parameters', () => {
    const params = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    expect(Object.keys(zhCN.messages).sort()).toEqual([...CODES].sort());
    expect(Object.keys(enUS.messages).sort()).toEqual([...CODES].sort());
    for (const code of CODES) expect(params(enUS.messages[code])).toEqual(params(zhCN.messages[code]));
    for (const note of HOST_NOTES) expect(params(enUS.notes[note])).toEqual(params(zhCN.notes[note]));
  });

  test('decided by the code, never the message', () => {
    const a = new FakeOfficeError('InvalidOperationInCellEditMode', 'Excel befindet sich im Bearbeitungsmodus.');
    const b = new FakeOfficeError('GeneralException', 'Excel is in cell edit mode.');
    expect(toHostError(a, 'zh', 'read').code).toBe('cell-edit-mode');
    expect(toHostError(b, 'zh', 'read').code).toBe('unknown');
    expect(toHostError(b, 'zh', 'write').code).toBe('write-failed');
    expect(toHostError(a, 'zh', 'write').code).toBe('cell-edit-mode');
    expect(toHostError(new TypeError('x is undefined'), 'zh', 'write').code).toBe('unknown');
    expect(hostErrorCode('PropertyNotLoaded', 'write')).toBe('unknown');
    expect(hostErrorCode('AccessDenied', 'write')).toBe('protected-sheet');
    expect(hostErrorCode('ItemNotFound', 'select')).toBe('item-not-found');
    expect(toHostError(a, 'zh', 'read').detail).toContain('InvalidOperationInCellEditMode');
  });
});
