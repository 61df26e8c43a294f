import * as fs from 'fs';
import * as path from 'path';
import { analyze } from '../../src/engine';
import { readWorkbookFile } from '../../src/xlsx/read';

/**
 * One test per fixture workbook in test/fixtures/issues/, its full expected issue list beside it
 * (written by scripts/make-fixtures.ts, saved through LibreOffice): every expected issue fires at
 * its cell, and nothing else fires.
 */
const DIR = path.resolve(__dirname, '../fixtures/issues');
const fixtures = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((f) => f.endsWith('.xlsx')).sort() : [];

interface Expected {
  description: string;
  issues: { code: string; severity: string; sheet: string; cell: string }[];
}

test('the fixture folder holds workbooks', () => {
  expect(fixtures.length).toBeGreaterThanOrEqual(15);
});

describe.each(fixtures)('%s', (file) => {
  test('reports exactly its expected issues', async () => {
    const expected = JSON.parse(fs.readFileSync(path.join(DIR, file.replace(/\.xlsx$/, '.expected.json')), 'utf8')) as Expected;
    const read = await readWorkbookFile(path.join(DIR, file));
    if (!read.ok) throw new Error(`${file}: unreadable (${read.error.code})`);
    const result = analyze(read.grid, {});
    if (!result.ok) throw new Error(`${file}: ${result.error.code}`);
    const actual = result.analysis.issues.map((i) => ({ code: i.code, severity: i.severity, sheet: i.sheet, cell: i.cell }));
    const key = (i: { code: string; cell: string }) => `${i.cell}:${i.code}`;
    expect(actual.map(key).sort()).toEqual(expected.issues.map(key).sort());
    expect([...actual].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      [...expected.issues].sort((a, b) => key(a).localeCompare(key(b))),
    );
  });
});

test('every issue code except the structural ones fires in some fixture', () => {
  const fired = new Set<string>();
  for (const file of fixtures) {
    const expected = JSON.parse(fs.readFileSync(path.join(DIR, file.replace(/\.xlsx$/, '.expected.json')), 'utf8')) as Expected;
    for (const i of expected.issues) fired.add(i.code);
  }
  for (const code of [
    'missing-column', 'missing-value', 'not-a-number', 'formula-error', 'negative-amount', 'zero-budget',
    'over-execution', 'rate-mismatch', 'total-mismatch', 'duplicate-project', 'low-execution-unexplained',
    'invalid-doc-number', 'unknown-fund-category', 'unknown-fund-level', 'suspicious-magnitude', 'text-number',
  ]) {
    expect(fired).toContain(code);
  }
});
