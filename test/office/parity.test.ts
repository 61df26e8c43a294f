/**
 * The Office host on the fake Excel gives what the command line gives, for every fixture, the
 * sample and the reference workbook: the same report (issues, figures), the same cells written
 * into the owned sheets, and not one write to a user's sheet.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { createExcelHost } from '../../src/office/excel-host';
import { DEFAULT_SETTINGS } from '../../src/office/types';
import { readWorkbookBytes, readWorkbookFile } from '../../src/xlsx/read';
import { loadFakeExcel } from '../fake-excel/node';
import { ownedSheets, toXlsxBytes } from '../fake-excel/xlsx';
import { REFERENCE, haveReference } from '../helpers/shared';
import { cli, expectSheetAsPlanned, userSheetIds, writesToUserSheets } from './helpers';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/issues');
const SAMPLE = path.join(ROOT, 'assets/sample/sample-projects.xlsx');

const files = [
  SAMPLE,
  ...fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.xlsx'))
    .sort()
    .map((f) => path.join(FIXTURES, f)),
];

async function expectParity(file: string): Promise<void> {
  const expected = await cli(file);
  const fake = await loadFakeExcel(file);
  const users = userSheetIds(fake);
  const host = createExcelHost(fake.run, 'zh');

  let before = fake.syncCount;
  const validated = await host.validate(DEFAULT_SETTINGS);
  if (!validated.ok) throw new Error(`${file}: ${validated.error.message}`);
  expect(validated.value.report).toEqual(expected.report);
  expect(validated.value.table.sheet).toBe(expected.report.sheet);
  expect(fake.syncCount - before).toBe(2);

  before = fake.syncCount;
  const filled = await host.fill(DEFAULT_SETTINGS);
  if (!filled.ok) throw new Error(`${file}: ${filled.error.message}`);
  expect(fake.syncCount - before).toBe(4);
  expect(filled.value.report).toEqual(expected.report);
  expect(filled.value.blocked).toBe(expected.errors > 0);
  expect(filled.value.sheets).toEqual(expected.plan.sheets.map((s) => s.name));
  for (const sp of expected.plan.sheets) expectSheetAsPlanned(fake, sp);
  expect(ownedSheets(fake)).toEqual(expected.plan.sheets.map((s) => ({ role: s.role, name: s.name })));
  expect(writesToUserSheets(fake, users)).toEqual([]);
  // Workbook-level writes are the ownership record only.
  expect(new Set(fake.writeLog.filter((w) => w.sheetId === null).map((w) => w.kind))).toEqual(new Set(['customXml.add']));
  expect(fake.sheetNames().some((n) => n.startsWith('~jixiao'))).toBe(false);
}

describe.each(files.map((f) => [path.relative(ROOT, f), f]))('%s', (_name, file) => {
  test('validate and fill give what the command line gives', async () => {
    await expectParity(file);
  });
});

test('the reference workbook', async () => {
  if (!haveReference()) return;
  await expectParity(REFERENCE);
});

test('saved, the workbook holds the same owned sheets as the command line writes', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jixiao-office-'));
  try {
    for (const file of [SAMPLE, path.join(FIXTURES, 'mixed.xlsx')]) {
      const out = path.join(tmp, `cli-${path.basename(file)}`);
      await main(['fill', file, '-o', out], { stdout: () => undefined, stderr: () => undefined });
      const byCli = await readWorkbookFile(out);
      const fake = await loadFakeExcel(file);
      const result = await createExcelHost(fake.run, 'zh').fill(DEFAULT_SETTINGS);
      expect(result.ok).toBe(true);
      const byHost = await readWorkbookBytes(toXlsxBytes(fake));
      if (!byCli.ok || !byHost.ok) throw new Error('unreadable output');
      expect(byHost.grid.ownedSheets).toEqual(byCli.grid.ownedSheets);
      expect(byHost.grid.sheets.map((s) => s.name)).toEqual(byCli.grid.sheets.map((s) => s.name));
      for (const name of byCli.grid.ownedSheets) {
        const a = byCli.grid.sheets.find((s) => s.name === name);
        const b = byHost.grid.sheets.find((s) => s.name === name);
        expect(b?.formulas).toEqual(a?.formulas);
        expect(b?.values).toEqual(a?.values);
        expect(b?.valueTypes).toEqual(a?.valueTypes);
        expect(b?.numberFormats).toEqual(a?.numberFormats);
        expect([...(b?.merges ?? [])].sort()).toEqual([...(a?.merges ?? [])].sort());
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
