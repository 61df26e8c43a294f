/**
 * The add-in as a user sees it, in headless Chromium (Debian's, never a download): the workbench
 * hosts the real task pane and the real function file against a fake Excel.
 * Screenshots go to test-output/e2e/.
 */
import { execFileSync } from 'child_process';
import ExcelJS from 'exceljs';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { type Browser, type FrameLocator, type Page, chromium } from 'playwright-core';
import { haveTool } from '../helpers/libreoffice';
import { REFERENCE, haveReference } from '../helpers/shared';
import { serveStatic } from './serve';

const ROOT = path.resolve(__dirname, '../..');
const DIST = path.join(ROOT, 'dist-workbench');
const SHOTS = path.join(ROOT, 'test-output', 'e2e');
const FAULTY = path.join(ROOT, 'test/fixtures/issues/mixed.xlsx');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const browserHere = haveTool('chromium');
const maybe = browserHere ? describe : describe.skip;

/** The built workbench; built here when `npm run build:workbench` has not run. */
function ensureBuilt(): void {
  if (fs.existsSync(path.join(DIST, 'index.html'))) return;
  execFileSync(path.join(ROOT, 'node_modules/.bin/webpack'), ['--mode', 'development', '--env', 'workbench'], { cwd: ROOT, stdio: 'pipe' });
}

maybe('the workbench (task pane + ribbon against a fake Excel)', () => {
  let browser: Browser;
  let server: { url: string; close: () => Promise<void> };
  let page: Page;
  let pane: FrameLocator;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  let tmp: string;

  beforeAll(async () => {
    ensureBuilt();
    fs.mkdirSync(SHOTS, { recursive: true });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jixiao-e2e-'));
    server = await serveStatic(DIST);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(server.url);
    pane = page.frameLocator('iframe[title="任务窗格"]');
    await pane.getByRole('button', { name: '校验', exact: true }).waitFor();
  }, 240000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function openFile(file: string): Promise<void> {
    await page.getByTestId('open-file').setInputFiles(file);
    await page.getByRole('status').filter({ hasText: path.basename(file) }).waitFor();
    await pane.getByRole('button', { name: '校验', exact: true }).waitFor();
  }

  async function shot(name: string): Promise<void> {
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  }

  const sheetTabs = () => page.getByRole('tablist', { name: '工作表' }).getByRole('tab');

  test('the pane opens on the bundled sample and validates it clean', async () => {
    await pane.getByRole('button', { name: '校验', exact: true }).click();
    await pane.getByText('校验完成').waitFor();
    await expect(pane.getByText('未发现问题。').first().isVisible()).resolves.toBe(true);
    await expect(pane.getByText('2024年项目支出明细').first().isVisible()).resolves.toBe(true);
    await shot('01-sample-validated');
  });

  (haveReference() ? test : test.skip)('校验 on the reference workbook: 21 projects, no problems', async () => {
    await openFile(REFERENCE);
    await pane.getByRole('button', { name: '校验', exact: true }).click();
    await pane.getByText('校验完成').waitFor();
    await expect(pane.getByText('未发现问题。').first().isVisible()).resolves.toBe(true);
    await expect(pane.getByText('21', { exact: true }).first().isVisible()).resolves.toBe(true);
    await shot('02-reference-validated');
  });

  test('校验 on a faulty fixture shows the counts; clicking an issue selects its cell', async () => {
    await openFile(FAULTY);
    await pane.getByRole('button', { name: '校验', exact: true }).click();
    await pane.getByText('校验完成').waitFor();
    const expected = JSON.parse(fs.readFileSync(FAULTY.replace(/\.xlsx$/, '.expected.json'), 'utf8')) as {
      issues: { severity: string; sheet: string; cell: string }[];
    };
    const errors = expected.issues.filter((i) => i.severity === 'error').length;
    const warnings = expected.issues.filter((i) => i.severity === 'warning').length;
    const infos = expected.issues.filter((i) => i.severity === 'info').length;
    await pane.getByText(`${errors} 个错误，${warnings} 个警告，${infos} 个提示`).first().waitFor();

    const target = expected.issues[expected.issues.length - 1];
    const issueButton = pane.getByRole('button', { name: new RegExp(`^${target.sheet}!${target.cell}：`) });
    await issueButton.click();
    const selected = page.locator(`table[data-sheet="${target.sheet}"] td[data-selected="true"]`);
    await selected.waitFor();
    await expect(selected.getAttribute('data-address')).resolves.toBe(target.cell);

    // The keyboard does the same: focus another issue and press Enter.
    const first = expected.issues.find((i) => i.cell !== target.cell && i.sheet === target.sheet) ?? expected.issues[0];
    await pane.getByRole('button', { name: new RegExp(`^${first.sheet}!${first.cell}：`) }).focus();
    await page.keyboard.press('Enter');
    await page.locator(`table[data-sheet="${first.sheet}"] td[data-selected="true"][data-address="${first.cell}"]`).waitFor();
    await shot('03-faulty-issue-selected');
  });

  test('生成汇总与文字 on the sample writes the two sheets', async () => {
    await page.getByRole('button', { name: '打开示例工作簿' }).click();
    await page.getByRole('status').filter({ hasText: 'sample-projects.xlsx' }).waitFor();
    await pane.getByRole('button', { name: '生成汇总与文字' }).click();
    await pane.getByText('已写入工作表', { exact: false }).first().waitFor();
    await sheetTabs().filter({ hasText: '预算执行汇总' }).waitFor();
    await sheetTabs().filter({ hasText: '绩效自评文字' }).waitFor();
    await sheetTabs().filter({ hasText: '预算执行汇总' }).click();
    await page.locator('table[data-sheet="预算执行汇总"]').getByText('1,406.33').first().waitFor();
    await shot('04-sample-generated');
  });

  test('a project named <img src=x onerror=alert(1)> shows as text and runs nothing', async () => {
    const file = path.join(tmp, 'injection.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('明细');
    ws.addRow(['单位：万元']);
    ws.addRow(['项目名称', '全年预算数', '全年执行数', '偏差原因及改进措施']);
    ws.addRow(['<img src=x onerror=alert(1)>', 100, 50, '']);
    ws.addRow(['正常项目', 10, 10, '']);
    await wb.xlsx.writeFile(file);
    await openFile(file);
    await pane.getByRole('button', { name: '校验', exact: true }).click();
    await pane.getByText('校验完成').waitFor();
    await pane.getByText('<img src=x onerror=alert(1)>', { exact: false }).first().waitFor();
    await expect(pane.locator('img').count()).resolves.toBe(0);
    await pane.getByRole('button', { name: '生成汇总与文字' }).click();
    await pane.getByText(/已写入工作表|存在错误/).first().waitFor();
    await expect(pane.locator('img').count()).resolves.toBe(0);
    expect(dialogs).toEqual([]);
    await shot('05-injection-as-text');
  });

  test('the ribbon functions run through their associated actions', async () => {
    await openFile(FAULTY);
    await page.getByRole('toolbar').getByRole('button', { name: '校验', exact: true }).click();
    await page.getByRole('status').filter({ hasText: '“校验”已完成（event.completed 已调用）' }).waitFor();
    await sheetTabs().filter({ hasText: '校验结果' }).waitFor();
    await expect(page.locator('table[data-sheet="校验结果"]').isVisible()).resolves.toBe(true);

    await page.getByRole('button', { name: '打开示例工作簿' }).click();
    await page.getByRole('status').filter({ hasText: 'sample-projects.xlsx' }).waitFor();
    await page.getByRole('toolbar').getByRole('button', { name: '一键生成' }).waitFor();
    // The function file reloads with the new workbook; retry until it has associated its actions.
    await page.waitForFunction(() => document.querySelector('iframe[title="函数文件"]') !== null);
    for (let attempt = 0; attempt < 20; attempt++) {
      await page.getByRole('toolbar').getByRole('button', { name: '一键生成' }).click();
      const status = (await page.getByRole('status').textContent()) ?? '';
      if (!status.includes('尚未关联')) break;
      await page.waitForTimeout(250);
    }
    await page.getByRole('status').filter({ hasText: '“一键生成”已完成（event.completed 已调用）' }).waitFor();
    await sheetTabs().filter({ hasText: '预算执行汇总' }).waitFor();
    await sheetTabs().filter({ hasText: '绩效自评文字' }).waitFor();
    await shot('06-ribbon-generated');
    expect(pageErrors).toEqual([]);
  });
});
