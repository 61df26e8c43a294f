/**
 * The ribbon's function file: the two ExecuteFunction buttons of the manifest, 校验
 * (`validateWorkbook`) and 一键生成 (`generateReport`).
 *
 * A function command has no UI of its own (an Office notification is not available to it in every
 * Excel), so what the user sees is what the host writes and activates: 校验结果 with a link to every
 * problem's cell, or the summary sheets. A failure writes nothing and is logged. Office waits for
 * `event.completed()` after every click, so each handler calls it exactly once on every path,
 * thrown exceptions included.
 */
import type { Lang } from '../engine';
import { createExcelHost } from '../office/excel-host';
import type { AddinHost, HostError, HostSettings } from '../office/types';

/** The part of `Office.AddinCommands.Event` a handler uses. */
export interface CommandEvent {
  completed(): void;
}

/** The part of the `Office` global the function file uses, so tests can drive it without Office. */
export interface OfficeGlobal {
  onReady(): Promise<unknown>;
  actions: { associate(actionId: string, actionFunction: (event: CommandEvent) => void): void };
  context: { displayLanguage: string };
}

export interface CommandEnv {
  excelRun: typeof Excel.run;
  /** Read at click time, inside the handler's guard (Office.context may not be ready). */
  displayLanguage: () => string;
  log?: Pick<Console, 'info' | 'error'>;
}

export type CommandOutcome = { ok: true; message: string; error?: never } | { ok: false; error: HostError; message?: never };

/** The names the manifest's `<FunctionName>` elements use. */
export const COMMAND_NAMES = { validate: 'validateWorkbook', generate: 'generateReport' } as const;

interface CommandWords {
  product: string;
  validated(counts: { error: number; warning: number; info: number }, issuesSheet: string | undefined): string;
  filled(sheets: string[]): string;
  blocked(errors: number, issuesSheet: string | undefined): string;
  failed(action: 'validate' | 'generate', reason: string): string;
  crashed: string;
}

const WORDS: Record<Lang, CommandWords> = {
  zh: {
    product: '绩效自评助手',
    validated: (c, sheet) =>
      `校验完成：错误 ${c.error} 个，警告 ${c.warning} 个，提示 ${c.info} 个` + (sheet ? `；详见工作表“${sheet}”。` : '。'),
    filled: (sheets) => `已生成：${sheets.map((s) => `“${s}”`).join('、')}。`,
    blocked: (errors, sheet) => `发现 ${errors} 个错误，未生成汇总` + (sheet ? `；问题已列在工作表“${sheet}”。` : '。'),
    failed: (action, reason) => `${action === 'validate' ? '校验' : '一键生成'}未完成：${reason}`,
    crashed: '发生内部错误，工作簿未作改动。请把此信息报告给开发者。',
  },
  en: {
    product: 'Performance Self-Evaluation',
    validated: (c, sheet) =>
      `Validation done: ${c.error} error(s), ${c.warning} warning(s), ${c.info} note(s)` + (sheet ? `; see the sheet "${sheet}".` : '.'),
    filled: (sheets) => `Written: ${sheets.map((s) => `"${s}"`).join(', ')}.`,
    blocked: (errors, sheet) => `${errors} error(s) found, no summary written` + (sheet ? `; the problems are listed on the sheet "${sheet}".` : '.'),
    failed: (action, reason) => `${action === 'validate' ? 'Validate' : 'Generate report'} did not finish: ${reason}`,
    crashed: 'An internal error occurred; the workbook was not changed. Please report this message.',
  },
};

/** zh-CN unless Excel's display language is English (`en`, `en-US`, `en-GB` …). */
export function langOf(displayLanguage: string): Lang {
  return displayLanguage.trim().toLowerCase().startsWith('en') ? 'en' : 'zh';
}

function complete(event: CommandEvent, log: Pick<Console, 'error'>): void {
  try {
    event.completed();
  } catch (e) {
    log.error(e);
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.stack ?? `${e.name}: ${e.message}`;
  return String(e);
}

/** Builds the host, loads the workbook's settings, runs `body`, logs the outcome, completes the event. */
async function runCommand(
  action: 'validate' | 'generate',
  event: CommandEvent,
  env: CommandEnv,
  body: (host: AddinHost, settings: HostSettings, words: CommandWords) => Promise<CommandOutcome>,
): Promise<CommandOutcome> {
  const log = env.log ?? console;
  let lang: Lang = 'zh';
  let outcome: CommandOutcome;
  try {
    lang = langOf(env.displayLanguage());
    const host = createExcelHost(env.excelRun, lang);
    const settings = await host.loadSettings();
    outcome = settings.ok ? await body(host, settings.value, WORDS[lang]) : { ok: false, error: settings.error };
  } catch (e) {
    // A broken assumption of ours (the host reports workbook problems as results, never throws).
    outcome = { ok: false, error: { code: 'unknown', message: WORDS[lang].crashed, detail: describe(e) } };
  } finally {
    complete(event, log);
  }
  const words = WORDS[lang];
  if (outcome.ok) {
    log.info(`[${words.product}] ${outcome.message}`);
  } else {
    const detail = outcome.error.detail ? ` (${outcome.error.code}: ${outcome.error.detail})` : ` (${outcome.error.code})`;
    log.error(`[${words.product}] ${words.failed(action, outcome.error.message)}${detail}`);
  }
  return outcome;
}

/** 校验: validates, writes or refreshes 校验结果 (every issue linked to its cell) and activates it. */
export function validateWorkbook(event: CommandEvent, env: CommandEnv): Promise<CommandOutcome> {
  return runCommand('validate', event, env, async (host, settings, words) => {
    const result = await host.validate(settings, { writeIssuesSheet: true });
    if (!result.ok) return { ok: false, error: result.error };
    return { ok: true, message: words.validated(result.value.report.counts, result.value.issuesSheet) };
  });
}

/** 一键生成: validates and writes summary and narrative; with errors the host writes 校验结果 instead. */
export function generateReport(event: CommandEvent, env: CommandEnv): Promise<CommandOutcome> {
  return runCommand('generate', event, env, async (host, settings, words) => {
    const result = await host.fill(settings);
    if (!result.ok) return { ok: false, error: result.error };
    const { blocked, sheets, report } = result.value;
    return { ok: true, message: blocked ? words.blocked(report.counts.error, sheets[0]) : words.filled(sheets) };
  });
}

/**
 * Associates the manifest's function names with the handlers once Office is ready. Takes the
 * globals as parameters so a test can pass fakes.
 */
export async function registerCommands(office: OfficeGlobal, excelRun: typeof Excel.run): Promise<void> {
  await office.onReady();
  const env: CommandEnv = { excelRun, displayLanguage: () => office.context.displayLanguage };
  office.actions.associate(COMMAND_NAMES.validate, (event) => {
    void validateWorkbook(event, env);
  });
  office.actions.associate(COMMAND_NAMES.generate, (event) => {
    void generateReport(event, env);
  });
}

// In the function file's page (office.js loaded by commands.html), register for real. The
// `Excel` namespace is resolved at click time: office.js may define it only after this bundle runs.
if (typeof Office !== 'undefined') {
  const lateExcelRun = ((...args: unknown[]) => (Excel.run as (...a: unknown[]) => Promise<unknown>)(...args)) as typeof Excel.run;
  registerCommands(Office, lateExcelRun).catch((e: unknown) => console.error(e));
}
