import * as fs from 'fs';
import * as path from 'path';
import {
  analyze,
  dictionary,
  issueMessage,
  type Lang,
  planWrite,
  toReport,
  type UnusableInput,
  unusableMessage,
} from '../engine';
import { HEADER_SYNONYMS } from '../engine/headers';
import { writeFileAtomic } from '../xlsx/atomic';
import { UnwritablePackage, applyPlan, zipPackage } from '../xlsx/package';
import { readWorkbookFile } from '../xlsx/read';
import { HELP_EN, HELP_ZH, parseCli } from './args';
import { renderReport } from './render';

export const EXIT = { ok: 0, errors: 1, unusable: 2, internal: 3 } as const;

type Out = { stdout: (s: string) => void; stderr: (s: string) => void };

const defaultOut: Out = {
  stdout: (s) => process.stdout.write(s + '\n'),
  stderr: (s) => process.stderr.write(s + '\n'),
};

function unusable(error: UnusableInput, lang: Lang, json: boolean, out: Out): number {
  const message = unusableMessage(error, lang);
  if (json) out.stdout(JSON.stringify({ error: { code: error.code, message } }));
  else out.stderr(message);
  return EXIT.unusable;
}

/**
 * Runs the command line; returns the exit code. Never throws: a bug becomes exit 3 with one line
 * asking to report it (the stack only with --debug).
 */
export async function main(argv: string[], out: Out = defaultOut): Promise<number> {
  const debug = argv.includes('--debug');
  const lang: Lang = argv.includes('en') && argv[argv.indexOf('en') - 1] === '--lang' ? 'en' : 'zh';
  const json = argv.includes('--json');
  try {
    return await run(argv, out);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    const message = `${dictionary(lang).ui.internalError} ${detail}`;
    if (json) out.stdout(JSON.stringify({ error: { code: 'internal-error', message } }));
    else out.stderr(message);
    if (debug && err instanceof Error && err.stack) out.stderr(err.stack);
    return EXIT.internal;
  }
}

async function run(argv: string[], out: Out): Promise<number> {
  const parsed = parseCli(argv, HEADER_SYNONYMS);
  if (!parsed.ok) return unusable(parsed.error, parsed.lang, parsed.json, out);
  const o = parsed.options;
  if (o.command === 'help') {
    out.stdout(o.lang === 'en' ? HELP_EN : HELP_ZH);
    return EXIT.ok;
  }
  if (o.command === 'version') {
    out.stdout(readVersion());
    return EXIT.ok;
  }

  if (o.command === 'fill' && o.out !== undefined && samePath(o.file, o.out)) {
    return unusable({ code: 'bad-option', params: { option: '-o', value: o.out } }, o.lang, o.json, out);
  }
  const read = await readWorkbookFile(o.file, { maxBytes: o.maxBytes });
  if (!read.ok) return unusable(read.error, o.lang, o.json, out);
  if (o.command === 'fill' && o.out !== undefined && !extensionFits(o.out, read.kind)) {
    return unusable({ code: 'bad-option', params: { option: '-o', value: `${o.out}（.${read.kind}）` } }, o.lang, o.json, out);
  }

  const result = analyze(read.grid, o.analyze);
  if (!result.ok) return unusable(result.error, o.lang, o.json, out);
  const { analysis } = result;
  const report = toReport(analysis, o.file, o.lang);
  const code = analysis.counts.error > 0 ? EXIT.errors : EXIT.ok;

  if (o.command === 'check') {
    out.stdout(o.json ? JSON.stringify(report, null, 2) : renderReport(report, o.lang));
    return code;
  }

  const target = o.out as string;
  const { plan, notes } = planWrite(read.grid, analysis, { mode: 'fill', force: o.force, lang: o.lang });
  let entries: ReturnType<typeof applyPlan>;
  try {
    entries = applyPlan(read.entries, plan);
  } catch (e) {
    // A package a reader tolerates but that cannot be edited safely is unusable input, said so.
    if (e instanceof UnwritablePackage) return unusable({ code: 'not-a-workbook', params: { detail: 'unwritable' } }, o.lang, o.json, out);
    throw e;
  }
  fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  await writeFileAtomic(target, zipPackage(entries));

  const d = dictionary(o.lang).ui;
  if (o.json) {
    out.stdout(
      JSON.stringify(
        { ...report, output: target, sheets: plan.sheets.map((s) => s.name), notes: notes.map((n) => issueMessage(n, o.lang)) },
        null,
        2,
      ),
    );
  } else {
    out.stdout(renderReport(report, o.lang));
    out.stdout('');
    for (const n of notes) out.stdout(issueMessage(n, o.lang));
    if (analysis.counts.error > 0 && o.force) out.stdout(d.forced);
    out.stdout(analysis.counts.error > 0 && !o.force ? d.wroteWithErrors(target) : d.wrote(target));
  }
  return code;
}

function samePath(a: string, b: string): boolean {
  const resolve = (p: string): string => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  return resolve(a) === resolve(b);
}

/** The output keeps the input's type: a macro-enabled workbook must stay .xlsm to open in Excel. */
function extensionFits(out: string, kind: 'xlsx' | 'xlsm'): boolean {
  const ext = path.extname(out).toLowerCase();
  return kind === 'xlsm' ? ext === '.xlsm' : ext === '.xlsx';
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return 'unknown';
  }
}
