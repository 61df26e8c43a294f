import { parseArgs } from 'node:util';
import { FIELDS, type AnalyzeOptions, type Field, type Lang, type Unit, type UnusableInput } from '../engine';

export interface CliOptions {
  command: 'check' | 'fill' | 'help' | 'version';
  file: string;
  out?: string;
  json: boolean;
  force: boolean;
  debug: boolean;
  lang: Lang;
  maxBytes: number;
  analyze: AnalyzeOptions;
}

export const HELP_ZH = `用法：
  jixiao check 文件.xlsx [选项]        校验项目表，打印报告
  jixiao fill 文件.xlsx -o 输出.xlsx [选项]   校验并写入汇总表和绩效自评文字（不改动原文件）

选项：
  --json                 以 JSON 输出报告
  --sheet 名称           指定项目表所在工作表
  --map 字段=列,…        指定列，如 --map 全年预算数=G,全年执行数=H（字段可用中文表头或英文名）
  --unit 元|千元|万元    指定源表金额单位
  --threshold 90         执行率低于该百分比须说明原因（默认 90）
  --year 2024            年度
  --department 名称      单位名称
  --lang zh|en           报告语言（默认 zh）
  --force                有错误时仍生成汇总（标注“未经校验”）
  --max-size 200         文件大小上限（MB，默认 200）
  --debug                出错时打印调用栈

退出码：0 无错误；1 发现错误；2 文件无法使用；3 程序内部错误。`;

export const HELP_EN = `Usage:
  jixiao check FILE [options]           validate the project list and print the report
  jixiao fill FILE -o OUT [options]     validate, then write the summary and narrative sheets (FILE is never changed)

Options: --json, --sheet S, --map field=COL,…, --unit 元|千元|万元, --threshold 90, --year Y,
  --department D, --lang zh|en, --force, --max-size MB (default 200), --debug.
Exit codes: 0 no errors; 1 errors found; 2 unusable input; 3 internal error.`;

/** Field names accepted by --map: the English key or any Chinese header the engine knows. */
function fieldOf(name: string, synonyms: Record<Field, string[]>): Field | undefined {
  if ((FIELDS as readonly string[]).includes(name)) return name as Field;
  for (const field of FIELDS) if (synonyms[field].includes(name)) return field;
  return undefined;
}

export function parseCli(
  argv: string[],
  synonyms: Record<Field, string[]>,
): { ok: true; options: CliOptions } | { ok: false; error: UnusableInput; lang: Lang; json: boolean } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: {
      json: { type: 'boolean' },
      force: { type: 'boolean' },
      debug: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
      out: { type: 'string', short: 'o' },
      sheet: { type: 'string' },
      map: { type: 'string' },
      unit: { type: 'string' },
      threshold: { type: 'string' },
      year: { type: 'string' },
      department: { type: 'string' },
      lang: { type: 'string' },
      'max-size': { type: 'string' },
    },
  });
  const lang: Lang = values.lang === 'en' ? 'en' : 'zh';
  const json = values.json === true;
  const fail = (option: string, value: unknown) => ({
    ok: false as const,
    error: { code: 'bad-option' as const, params: { option, value: String(value ?? '') } },
    lang,
    json,
  });
  if (values.lang !== undefined && values.lang !== 'zh' && values.lang !== 'en') return fail('--lang', values.lang);
  const known = new Set(['json', 'force', 'debug', 'help', 'version', 'out', 'sheet', 'map', 'unit', 'threshold', 'year', 'department', 'lang', 'max-size']);
  for (const key of Object.keys(values)) if (!known.has(key)) return fail(`--${key}`, values[key]);
  for (const key of ['out', 'sheet', 'map', 'unit', 'threshold', 'year', 'department', 'lang', 'max-size']) {
    if (typeof values[key] === 'boolean') return fail(`--${key}`, '');
  }

  const [command, file, ...rest] = positionals;
  if (values.help || command === 'help' || command === undefined) {
    return { ok: true, options: { command: 'help', file: '', json, force: false, debug: false, lang, maxBytes: 0, analyze: {} } };
  }
  if (values.version || command === 'version') {
    return { ok: true, options: { command: 'version', file: '', json, force: false, debug: false, lang, maxBytes: 0, analyze: {} } };
  }
  if (command !== 'check' && command !== 'fill') return fail('command', command);
  if (file === undefined) return fail('FILE', '');
  if (rest.length > 0) return fail('FILE', rest.join(' '));

  const analyze: AnalyzeOptions = {};
  if (typeof values.sheet === 'string') analyze.sheet = values.sheet;
  if (typeof values.unit === 'string') {
    if (!['元', '千元', '万元'].includes(values.unit)) return fail('--unit', values.unit);
    analyze.unit = values.unit as Unit;
  }
  if (typeof values.threshold === 'string') {
    const t = Number(values.threshold);
    if (!Number.isFinite(t) || t < 0 || t > 100) return fail('--threshold', values.threshold);
    analyze.threshold = t;
  }
  if (typeof values.year === 'string') {
    const y = Number(values.year);
    if (!Number.isInteger(y) || y < 1990 || y > 2100) return fail('--year', values.year);
    analyze.year = y;
  }
  if (typeof values.department === 'string') analyze.department = values.department;
  if (typeof values.map === 'string') {
    const map: Partial<Record<Field, string>> = {};
    for (const pair of values.map.split(/[,，]/).filter((p) => p.trim() !== '')) {
      const [name, col] = pair.split(/[=＝]/).map((s) => s.trim());
      const field = name === undefined ? undefined : fieldOf(name, synonyms);
      if (!field || !col || !/^[A-Za-z]{1,3}$/.test(col)) return fail('--map', pair);
      map[field] = col.toUpperCase();
    }
    analyze.map = map;
  }
  let maxBytes = 200 * 1024 * 1024;
  if (typeof values['max-size'] === 'string') {
    const mb = Number(values['max-size']);
    if (!Number.isFinite(mb) || mb <= 0) return fail('--max-size', values['max-size']);
    maxBytes = Math.floor(mb * 1024 * 1024);
  }
  const out = typeof values.out === 'string' ? values.out : undefined;
  if (command === 'fill' && out === undefined) return fail('-o', '');
  return {
    ok: true,
    options: { command, file, out, json, force: values.force === true, debug: values.debug === true, lang, maxBytes, analyze },
  };
}
