/**
 * Syncs per action are constant whatever the row count, plus one per chunk where a request or a
 * response would pass Excel on the web's 5 MB: measured at 100 and 20,000 rows of long CJK text
 * (20 columns, ~30 characters each), where the naive single read and single write both fail.
 */
import { columnLetter } from '../../src/engine';
import { rowsOf } from '../../src/engine/plan';
import { createExcelHost } from '../../src/office/excel-host';
import { DEFAULT_SETTINGS } from '../../src/office/types';
import { readWorkbookBytes } from '../../src/xlsx/read';
import { FakeExcel, type SyncRecord } from '../fake-excel';
import type { WorkbookGrid } from '../../src/engine';
import { fakeFromXlsx } from '../fake-excel/xlsx';
import { cliOnGrid, expectSheetAsPlanned, longCjkWorkbook, userSheetIds, writesToUserSheets } from './helpers';

const LIMIT = 5_000_000;

interface Measured {
  syncs: SyncRecord[];
  request: number;
  response: number;
}

async function measure(fake: FakeExcel, action: () => Promise<unknown>): Promise<Measured> {
  const before = fake.syncs.length;
  await action();
  const syncs = fake.syncs.slice(before);
  return { syncs, request: syncs.reduce((n, s) => n + s.requestBytes, 0), response: syncs.reduce((n, s) => n + s.responseBytes, 0) };
}

function expectWithinLimits(m: Measured): void {
  for (const s of m.syncs) {
    expect(s.error).toBeUndefined();
    expect(s.requestBytes).toBeLessThanOrEqual(LIMIT);
    expect(s.responseBytes).toBeLessThanOrEqual(LIMIT);
  }
}

/** Chunks carry at least 3 MB on average: the extra syncs are those the limit makes necessary. */
function chunkAllowance(bytes: number): number {
  return Math.max(0, Math.ceil(bytes / 3_000_000) - 1);
}

describe('100 rows', () => {
  test('validate takes 2 syncs and fill 4', async () => {
    const fake = await fakeFromXlsx(await longCjkWorkbook(100));
    const host = createExcelHost(fake.run, 'zh');
    const v = await measure(fake, async () => expect((await host.validate(DEFAULT_SETTINGS)).ok).toBe(true));
    expect(v.syncs).toHaveLength(2);
    const f = await measure(fake, async () => expect((await host.fill(DEFAULT_SETTINGS)).ok).toBe(true));
    expect(f.syncs).toHaveLength(4);
    expectWithinLimits(v);
    expectWithinLimits(f);
    // Writes run with calculation suspended.
    expect(f.syncs.slice(2).every((s) => s.suspended)).toBe(true);
  });
});

test('a 300-row table beside other sheets still validates in 2 syncs and fills in 4', async () => {
  const read = await readWorkbookBytes(await longCjkWorkbook(300));
  if (!read.ok) throw new Error('unreadable');
  const note = (name: string): WorkbookGrid['sheets'][number] => ({
    name,
    top: 0,
    left: 0,
    values: [['填表说明：金额单位为万元。']],
    valueTypes: [['String']],
    numberFormats: [['General']],
    merges: [],
  });
  const grid: WorkbookGrid = { sheets: [note('说明'), ...read.grid.sheets, note('附表一'), note('附表二')], ownedSheets: [] };
  const fake = FakeExcel.fromGrid(grid);
  const host = createExcelHost(fake.run, 'zh');
  const v = await measure(fake, async () => {
    const r = await host.validate(DEFAULT_SETTINGS);
    expect(r.ok && r.value.report).toEqual(cliOnGrid(grid, 'Book1.xlsx').report);
  });
  expect(v.syncs).toHaveLength(2);
  const f = await measure(fake, async () => expect((await host.fill(DEFAULT_SETTINGS)).ok).toBe(true));
  expect(f.syncs).toHaveLength(4);
});

describe('20,000 rows of long CJK text', () => {
  let grid: WorkbookGrid;
  beforeAll(async () => {
    const read = await readWorkbookBytes(await longCjkWorkbook(20000));
    if (!read.ok) throw new Error('unreadable');
    grid = read.grid;
  }, 300000);

  test('reading all of it in one sync, or writing the summary in one, fails on Excel on the web', async () => {
    const fake = FakeExcel.fromGrid(grid);
    await expect(
      fake.run(async (context) => {
        context.workbook.worksheets.getItem('项目明细').getUsedRange(true).load('values,valueTypes,numberFormat,formulas');
        await context.sync();
      }),
    ).rejects.toMatchObject({ code: 'ResponsePayloadSizeLimitExceeded' });
    const summary = cliOnGrid(grid, 'x.xlsx').plan.sheets[0];
    const width = summary.width;
    const values = rowsOf(summary).map((row) => Array.from({ length: width }, (_, c) => (row[c]?.t === 'text' ? (row[c] as { text: string }).text : null)));
    await expect(
      fake.run(async (context) => {
        const ws = context.workbook.worksheets.add('naive');
        ws.getRange(`A1:${columnLetter(width - 1)}${values.length}`).values = values;
        await context.sync();
      }),
    ).rejects.toMatchObject({ code: 'RequestPayloadSizeLimitExceeded' });
  }, 300000);

  test('the host chunks: every sync under 5 MB, syncs constant plus one per chunk, same result as the command line', async () => {
    // Loaded through the .xlsx reader, as every fake is (fromGrid is what fakeFromXlsx does).
    const fake = FakeExcel.fromGrid(grid);
    const users = userSheetIds(fake);
    const host = createExcelHost(fake.run, 'zh');
    const fractions: number[] = [];
    let report;
    const v = await measure(fake, async () => {
      const r = await host.validate(DEFAULT_SETTINGS, { onProgress: (p) => p.step === 'reading' && p.fraction !== undefined && fractions.push(p.fraction) });
      if (!r.ok) throw new Error(r.error.message);
      report = r.value.report;
    });
    expectWithinLimits(v);
    expect(v.response).toBeGreaterThan(LIMIT);
    expect(v.syncs.length).toBeGreaterThan(2);
    expect(v.syncs.length).toBeLessThanOrEqual(2 + chunkAllowance(v.response));
    expect(fractions[fractions.length - 1]).toBe(1);

    const expected = cliOnGrid(grid, 'Book1.xlsx');
    expect(report).toEqual(expected.report);
    expect(expected.errors).toBe(0);

    const f = await measure(fake, async () => {
      const r = await host.fill(DEFAULT_SETTINGS);
      if (!r.ok) throw new Error(r.error.message);
    });
    expectWithinLimits(f);
    expect(f.request).toBeGreaterThan(LIMIT);
    // Reading as validate did, writing in chunks, one swap.
    expect(f.syncs.length).toBeLessThanOrEqual(v.syncs.length + 1 + chunkAllowance(f.request) + 1);
    for (const sp of expected.plan.sheets) expectSheetAsPlanned(fake, sp);
    expect(writesToUserSheets(fake, users)).toEqual([]);
    console.log(
      `20,000 rows: validate ${v.syncs.length} syncs (response ${(v.response / 1e6).toFixed(1)} MB, largest ${(Math.max(...v.syncs.map((s) => s.responseBytes)) / 1e6).toFixed(2)} MB); ` +
        `fill ${f.syncs.length} syncs (request ${(f.request / 1e6).toFixed(1)} MB, largest ${(Math.max(...f.syncs.map((s) => s.requestBytes)) / 1e6).toFixed(2)} MB)`,
    );
  }, 300000);
});
