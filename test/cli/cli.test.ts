import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { REFERENCE, haveReference } from '../helpers/shared';

const ROOT = path.resolve(__dirname, '../..');
const BAD = path.join(ROOT, 'test/fixtures/bad');
const SAMPLE = path.join(ROOT, 'assets/sample/sample-projects.xlsx');

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (s) => (stdout += s + '\n'), stderr: (s) => (stderr += s + '\n') });
  return { code, stdout, stderr };
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jixiao-cli-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('jixiao check', () => {
  test('the bundled sample: exit 0, the report in Chinese', async () => {
    const r = await run(['check', SAMPLE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('项目数：21');
    expect(r.stdout).toContain('全年预算数 1406.33；全年执行数 1357.39；预算执行率 96.52%');
    expect(r.stdout).toContain('本部门2024年度申请预算资金1406.33万元');
    expect(r.stderr).toBe('');
  });

  test('--json prints one object of the documented shape', async () => {
    const r = await run(['check', SAMPLE, '--json']);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual([
      'file', 'sheet', 'headerRows', 'columns', 'unit', 'year', 'department', 'projects', 'rows', 'totals', 'byCategory', 'byOffice', 'issues', 'counts', 'narrative',
    ]);
    expect(report.projects).toBe(21);
    expect(report.headerRows).toEqual([3]);
    expect(report.columns.budget).toBe('G');
    expect(report.totals).toEqual({ budget: '1406.33', executed: '1357.39', rate: '96.52' });
    expect(report.rows[16]).toMatchObject({ row: 20, docNumber: '唐财建[2024]10号', budget: '87.20', executed: '40.97', rate: '46.99', score: '4.70' });
    expect(report.byCategory[0].byLevel).toHaveProperty('本级');
    expect(report.counts).toEqual({ error: 0, warning: 0, info: 0 });
  });

  test('errors found: exit 1; --lang en gives English messages', async () => {
    const file = path.join(ROOT, 'test/fixtures/issues/missing-value.xlsx');
    const zh = await run(['check', file]);
    expect(zh.code).toBe(1);
    expect(zh.stdout).toContain('[错误]');
    const en = await run(['check', file, '--lang', 'en']);
    expect(en.code).toBe(1);
    expect(en.stdout).toContain('[error]');
    expect(en.stdout).toMatch(/has no (project name|full-year budget|executed amount)/);
  });

  test.each([
    ['missing.xlsx', 'file-not-found', '找不到文件'],
    ['empty.xlsx', 'not-a-workbook', '空'],
    ['not-zip.xlsx', 'not-a-workbook', '不是 Excel 工作簿'],
    ['truncated.xlsx', 'truncated', '不完整'],
    ['csv-renamed.xlsx', 'not-a-workbook', 'CSV'],
    ['text-renamed.xlsx', 'not-a-workbook', '文本文件'],
    ['xls-renamed.xlsx', 'not-a-workbook', '.xls'],
    ['docx-renamed.xlsx', 'not-a-workbook', 'Word'],
    ['password.xlsx', 'password-protected', '密码'],
  ])('%s: exit 2, one line (%s)', async (file, code, words) => {
    const r = await run(['check', path.join(BAD, file)]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(words);
    const j = await run(['check', path.join(BAD, file), '--json']);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout)).toEqual({ error: { code, message: expect.any(String) } });
  });

  test('too large: exit 2, one line with the limit', async () => {
    const r = await run(['check', SAMPLE, '--max-size', '0.001']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('超过上限');
    const j = await run(['check', SAMPLE, '--max-size', '0.001', '--json']);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout)).toEqual({ error: { code: 'too-large', message: expect.any(String) } });
  });

  test('no table: exit 2', async () => {
    const r = await run(['check', SAMPLE, '--sheet', '填表说明', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.code).toBe('no-table');
  });

  test('bad options: exit 2, never a stack trace', async () => {
    for (const args of [['check', SAMPLE, '--unit', '美元'], ['check', SAMPLE, '--threshold', 'abc'], ['check', SAMPLE, '--map', 'budget=7'], ['frobnicate', SAMPLE], ['fill', SAMPLE]]) {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.stderr).not.toMatch(/at .*\.(ts|js):\d+/);
    }
  });
});

describe('jixiao fill', () => {
  test.each([
    ['missing.xlsx', 'file-not-found'],
    ['empty.xlsx', 'not-a-workbook'],
    ['not-zip.xlsx', 'not-a-workbook'],
    ['truncated.xlsx', 'truncated'],
    ['csv-renamed.xlsx', 'not-a-workbook'],
    ['text-renamed.xlsx', 'not-a-workbook'],
    ['xls-renamed.xlsx', 'not-a-workbook'],
    ['docx-renamed.xlsx', 'not-a-workbook'],
    ['password.xlsx', 'password-protected'],
  ])('%s: exit 2, one line (%s), no output written', async (file, code) => {
    const out = path.join(tmp, `bad-${file}`);
    const r = await run(['fill', path.join(BAD, file), '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const j = await run(['fill', path.join(BAD, file), '-o', out, '--json']);
    expect(JSON.parse(j.stdout)).toEqual({ error: { code, message: expect.any(String) } });
    expect(fs.existsSync(out)).toBe(false);
  });

  test('refuses -o equal to FILE, and leaves FILE alone', async () => {
    const copy = path.join(tmp, 'same.xlsx');
    fs.copyFileSync(SAMPLE, copy);
    const before = fs.readFileSync(copy);
    const r = await run(['fill', copy, '-o', copy]);
    expect(r.code).toBe(2);
    expect(fs.readFileSync(copy).equals(before)).toBe(true);
  });

  test('writes OUT with the two owned sheets; FILE unchanged', async () => {
    const before = fs.readFileSync(SAMPLE);
    const out = path.join(tmp, 'filled.xlsx');
    const r = await run(['fill', SAMPLE, '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('已写入');
    expect(fs.readFileSync(SAMPLE).equals(before)).toBe(true);
    const check = await run(['check', out, '--json']);
    const report = JSON.parse(check.stdout);
    // The tool's own sheets are not mistaken for the project table on a second read.
    expect(report.sheet).toBe('2024年项目支出明细');
    expect(report.totals.budget).toBe('1406.33');
  });

  test('with errors: writes 校验结果 instead and exits 1; --force writes the summary marked unchecked', async () => {
    const file = path.join(ROOT, 'test/fixtures/issues/missing-value.xlsx');
    const out = path.join(tmp, 'errors.xlsx');
    const r = await run(['fill', file, '-o', out, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).sheets).toEqual(['校验结果']);
    const forced = await run(['fill', file, '-o', out, '--json', '--force']);
    expect(forced.code).toBe(1);
    expect(JSON.parse(forced.stdout).sheets).toEqual(['预算执行汇总', '绩效自评文字', '校验结果']);
  });
});

test('the installed launcher runs (npx jixiao after npm ci)', () => {
  const out = execFileSync(process.execPath, [path.join(ROOT, 'bin/jixiao.js'), 'check', SAMPLE, '--json'], { encoding: 'utf8' });
  expect(JSON.parse(out).projects).toBe(21);
  const bad = spawnSync(process.execPath, [path.join(ROOT, 'bin/jixiao.js'), 'check', path.join(BAD, 'empty.xlsx')], { encoding: 'utf8' });
  expect(bad.status).toBe(2);
});

(haveReference() ? test : test.skip)('the reference workbook checks clean', async () => {
  const r = await run(['check', REFERENCE, '--json']);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout).counts).toEqual({ error: 0, warning: 0, info: 0 });
});
