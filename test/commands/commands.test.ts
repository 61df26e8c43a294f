/**
 * The ribbon's function file, driven without Office: a fake `Office` global and a stub host in
 * place of the Excel host. Office waits for `event.completed()` after a function command, so
 * every path (success, a failed result, a thrown exception) must call it exactly once, and only
 * once the work is done.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { AddinHost, HostSettings, ValidateOutcome } from '../../src/office/types';

const mockCreateExcelHost = jest.fn();
// `virtual` lets this run before src/office/excel-host.ts exists; once it does, the mock replaces it.
jest.mock('../../src/office/excel-host', () => ({ createExcelHost: (...args: unknown[]) => mockCreateExcelHost(...args) }), { virtual: true });

import {
  COMMAND_NAMES,
  generateReport,
  langOf,
  registerCommands,
  validateWorkbook,
  type CommandEnv,
  type CommandEvent,
  type OfficeGlobal,
} from '../../src/commands/commands';

const ROOT = path.resolve(__dirname, '..', '..');
const SETTINGS: HostSettings = { threshold: 85, sheet: '项目明细' };
const COUNTS = { error: 2, warning: 1, info: 0 };
// Only the fields the commands read; the host contract's full report is the engine's business.
const REPORT = { counts: COUNTS } as unknown as ValidateOutcome['report'];
const TABLE = { sheet: '项目明细' } as unknown as ValidateOutcome['table'];

type MockOf<F extends (...args: never[]) => unknown> = jest.Mock<ReturnType<F>, Parameters<F>>;

interface Stub {
  lang: AddinHost['lang'];
  loadSettings: MockOf<AddinHost['loadSettings']>;
  saveSettings: MockOf<AddinHost['saveSettings']>;
  validate: MockOf<AddinHost['validate']>;
  fill: MockOf<AddinHost['fill']>;
  selectCell: MockOf<AddinHost['selectCell']>;
}

function mockOf<F extends (...args: never[]) => unknown>(impl: (...args: Parameters<F>) => ReturnType<F>): MockOf<F> {
  return jest.fn<ReturnType<F>, Parameters<F>>(impl);
}

function stubHost(lang: 'zh' | 'en' = 'zh'): Stub {
  return {
    lang,
    loadSettings: mockOf<AddinHost['loadSettings']>(async () => ({ ok: true, value: SETTINGS })),
    saveSettings: mockOf<AddinHost['saveSettings']>(async () => ({ ok: true, value: undefined })),
    validate: mockOf<AddinHost['validate']>(async () => ({ ok: true, value: { table: TABLE, report: REPORT, issuesSheet: '校验结果' } })),
    fill: mockOf<AddinHost['fill']>(async () => ({
      ok: true,
      value: { table: TABLE, report: { ...REPORT, counts: { error: 0, warning: 1, info: 0 } }, sheets: ['预算执行汇总', '绩效自评文字'], blocked: false, notes: [] },
    })),
    selectCell: mockOf<AddinHost['selectCell']>(async () => ({ ok: true, value: undefined })),
  };
}

/** The stub method a handler's work goes to (validate or fill), typed loosely so either fits. */
const workOf = (host: Stub, work: 'validate' | 'fill'): jest.Mock => host[work] as unknown as jest.Mock;

const excelRun = jest.fn() as unknown as typeof Excel.run;

function setup(displayLanguage: string | (() => string) = 'zh-CN') {
  const host = stubHost();
  mockCreateExcelHost.mockReset();
  mockCreateExcelHost.mockReturnValue(host);
  const event = { completed: jest.fn() };
  const log = { info: jest.fn(), error: jest.fn() };
  const env: CommandEnv = {
    excelRun,
    displayLanguage: typeof displayLanguage === 'function' ? displayLanguage : () => displayLanguage,
    log,
  };
  return { host, event, log, env };
}

const HANDLERS = [
  { name: 'validateWorkbook', run: validateWorkbook, work: 'validate' as const },
  { name: 'generateReport', run: generateReport, work: 'fill' as const },
];

describe.each(HANDLERS)('$name', ({ run, work }) => {
  test('on success: runs the host with the workbook settings, completes once, logs the outcome', async () => {
    const { host, event, log, env } = setup();
    const outcome = await run(event, env);
    expect(outcome.ok).toBe(true);
    expect(event.completed).toHaveBeenCalledTimes(1);
    expect(mockCreateExcelHost).toHaveBeenCalledWith(excelRun, 'zh');
    expect(host.loadSettings).toHaveBeenCalledTimes(1);
    if (work === 'validate') {
      expect(host.validate).toHaveBeenCalledWith(SETTINGS, { writeIssuesSheet: true });
      expect(host.fill).not.toHaveBeenCalled();
      expect(outcome.message).toBe('校验完成：错误 2 个，警告 1 个，提示 0 个；详见工作表“校验结果”。');
    } else {
      expect(host.fill).toHaveBeenCalledWith(SETTINGS);
      expect(host.fill.mock.calls[0]).toHaveLength(1); // never forced from the ribbon
      expect(host.validate).not.toHaveBeenCalled();
      expect(outcome.message).toBe('已生成：“预算执行汇总”、“绩效自评文字”。');
    }
    expect(log.error).not.toHaveBeenCalled();
    expect(log.info).toHaveBeenCalledWith(`[绩效自评助手] ${outcome.message}`);
    expect(host.saveSettings).not.toHaveBeenCalled();
    expect(host.selectCell).not.toHaveBeenCalled();
  });

  test('completes only after the host has finished writing', async () => {
    const { host, event, env } = setup();
    let finish: () => void = () => undefined;
    workOf(host, work).mockImplementation(
      () =>
        new Promise((resolve) => {
          finish = () => resolve({ ok: false, error: { code: 'write-failed', message: '写入失败' } });
        }),
    );
    const pending = run(event, env);
    await new Promise((r) => setImmediate(r));
    expect(workOf(host, work)).toHaveBeenCalledTimes(1);
    expect(event.completed).not.toHaveBeenCalled();
    finish();
    await pending;
    expect(event.completed).toHaveBeenCalledTimes(1);
  });

  test('on an ok:false result: completes once, logs the host message with its code, does nothing else', async () => {
    const { host, event, log, env } = setup();
    workOf(host, work).mockResolvedValue({ ok: false, error: { code: 'cell-edit-mode', message: '请先退出单元格编辑，再试一次。', detail: 'InvalidOperationInCellEditMode' } });
    const outcome = await run(event, env);
    expect(outcome).toEqual({ ok: false, error: expect.objectContaining({ code: 'cell-edit-mode' }) });
    expect(event.completed).toHaveBeenCalledTimes(1);
    expect(log.error).toHaveBeenCalledTimes(1);
    expect(log.error.mock.calls[0][0]).toContain('请先退出单元格编辑，再试一次。');
    expect(log.error.mock.calls[0][0]).toContain('cell-edit-mode: InvalidOperationInCellEditMode');
    expect(log.info).not.toHaveBeenCalled();
    expect(host.selectCell).not.toHaveBeenCalled();
  });

  test('when the settings cannot be read: completes once and writes nothing', async () => {
    const { host, event, log, env } = setup();
    host.loadSettings.mockResolvedValue({ ok: false, error: { code: 'unsupported-excel', message: '此 Excel 版本过旧：缺少 ExcelApi 1.13。' } });
    const outcome = await run(event, env);
    expect(outcome.ok).toBe(false);
    expect(outcome.error?.code).toBe('unsupported-excel');
    expect(host.validate).not.toHaveBeenCalled();
    expect(host.fill).not.toHaveBeenCalled();
    expect(event.completed).toHaveBeenCalledTimes(1);
    expect(log.error.mock.calls[0][0]).toContain('缺少 ExcelApi 1.13');
  });

  test('when the host throws: completes once and reports an internal error', async () => {
    const { host, event, log, env } = setup();
    workOf(host, work).mockRejectedValue(new TypeError('boom'));
    const outcome = await run(event, env);
    expect(outcome.ok).toBe(false);
    expect(outcome.error?.code).toBe('unknown');
    expect(outcome.error?.detail).toContain('TypeError: boom');
    expect(event.completed).toHaveBeenCalledTimes(1);
    expect(log.error).toHaveBeenCalledTimes(1);
  });

  test('when building the host throws, or reading the display language does: completes once', async () => {
    const a = setup();
    mockCreateExcelHost.mockImplementation(() => {
      throw new Error('no Excel');
    });
    await expect(run(a.event, a.env)).resolves.toMatchObject({ ok: false });
    expect(a.event.completed).toHaveBeenCalledTimes(1);

    const b = setup(() => {
      throw new Error('Office.context is not ready');
    });
    await expect(run(b.event, b.env)).resolves.toMatchObject({ ok: false, error: { code: 'unknown' } });
    expect(b.event.completed).toHaveBeenCalledTimes(1);
    expect(mockCreateExcelHost).not.toHaveBeenCalled();
  });

  test('when event.completed itself throws: the handler still settles and logs it', async () => {
    const { event, log, env } = setup();
    event.completed.mockImplementation(() => {
      throw new Error('already completed');
    });
    await expect(run(event, env)).resolves.toMatchObject({ ok: true });
    expect(event.completed).toHaveBeenCalledTimes(1);
    expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ message: 'already completed' }));
  });

  test('in English Excel: the host gets lang en and the log is English', async () => {
    const { event, log, env } = setup('en-GB');
    await run(event, env);
    expect(mockCreateExcelHost).toHaveBeenCalledWith(excelRun, 'en');
    expect(log.info.mock.calls[0][0]).toMatch(/^\[Performance Self-Evaluation\] (Validation done|Written)/);
  });
});

test('一键生成 with errors: the host wrote 校验结果 instead, and the log says why', async () => {
  const { host, event, log, env } = setup();
  host.fill.mockResolvedValue({ ok: true, value: { table: TABLE, report: REPORT, sheets: ['校验结果'], blocked: true, notes: [] } });
  const outcome = await generateReport(event, env);
  expect(outcome).toEqual({ ok: true, message: '发现 2 个错误，未生成汇总；问题已列在工作表“校验结果”。' });
  expect(event.completed).toHaveBeenCalledTimes(1);
  expect(log.info).toHaveBeenCalledTimes(1);
});

test('langOf: English display languages give en, everything else zh', () => {
  expect(['en', 'en-US', 'EN-gb', ' en-AU'].map(langOf)).toEqual(['en', 'en', 'en', 'en']);
  expect(['zh-CN', 'zh-TW', 'fr-FR', 'de-DE', ''].map(langOf)).toEqual(['zh', 'zh', 'zh', 'zh', 'zh']);
});

describe('registerCommands', () => {
  function fakeOffice(displayLanguage = 'zh-CN') {
    let ready: () => void = () => undefined;
    const associated = new Map<string, (event: CommandEvent) => void>();
    const office: OfficeGlobal = {
      onReady: () => new Promise<void>((resolve) => (ready = resolve)),
      actions: { associate: (id, fn) => void associated.set(id, fn) },
      context: { displayLanguage },
    };
    return { office, associated, ready: () => ready() };
  }

  test('associates both function names once Office is ready, and not before', async () => {
    const { office, associated, ready } = fakeOffice();
    const registered = registerCommands(office, excelRun);
    await new Promise((r) => setImmediate(r));
    expect(associated.size).toBe(0);
    ready();
    await registered;
    expect([...associated.keys()].sort()).toEqual(['generateReport', 'validateWorkbook']);
  });

  test('the associated names are exactly the manifest’s FunctionName values', () => {
    const manifest = fs.readFileSync(path.join(ROOT, 'manifest.xml'), 'utf8');
    const names = [...manifest.matchAll(/<FunctionName>\s*([^<\s]+)\s*<\/FunctionName>/g)].map((m) => m[1]).sort();
    expect(names).toEqual(Object.values(COMMAND_NAMES).sort());
  });

  test.each([
    ['validateWorkbook', 'validate'],
    ['generateReport', 'fill'],
  ] as const)('a click on %s runs the handler and completes the event once', async (name, work) => {
    const { host } = setup();
    const { office, associated, ready } = fakeOffice('en-US');
    const registered = registerCommands(office, excelRun);
    ready();
    await registered;
    const event = { completed: jest.fn() };
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const infos = jest.spyOn(console, 'info').mockImplementation(() => undefined);
    try {
      workOf(host, work).mockRejectedValue(new Error('thrown inside Excel.run'));
      (associated.get(name) as (e: CommandEvent) => void)(event);
      await new Promise((r) => setTimeout(r, 10));
      expect(event.completed).toHaveBeenCalledTimes(1);
      expect(mockCreateExcelHost).toHaveBeenCalledWith(excelRun, 'en');
      expect(errors).toHaveBeenCalledTimes(1);
    } finally {
      errors.mockRestore();
      infos.mockRestore();
    }
  });
});

test('commands.html loads office.js from Microsoft’s CDN and leaves the bundle to the build', () => {
  const html = fs.readFileSync(path.join(ROOT, 'src', 'commands', 'commands.html'), 'utf8');
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts).toEqual(['<script type="text/javascript" src="https://appsforoffice.microsoft.com/lib/1/hosted/office.js">']);
  expect(html).toMatch(/<meta charset="UTF-8"/i);
});
