/**
 * The benchmark (issue 4): engine phases in process, the command line as whole processes against
 * bare exceljs, the Office host's syncs and payloads on the fake Excel beside a sync-per-row
 * version, the task pane's initial JavaScript and its load to interactive in headless Chromium;
 * a table on stdout and `bench/results.json`. The engine and command-line claims are ratios, not times.
 *
 *   npm run bench                                     # 1,000, 10,000 and 100,000 rows
 *   node --expose-gc lib/scripts/bench/run.js --sizes 1000,10000 --pairs 3 --iterations 5
 *   node lib/scripts/bench/run.js --no-engine --no-cli          # the Office host and the task pane only
 *
 * Options: --sizes N,N,… · --iterations N (engine, in process; median) · --pairs N (command line;
 * medians of N alternating pairs, at least 3 for a claim) · --seed N · --tmp DIR (workbooks and the
 * production workbench, default bench/tmp) · --out FILE (default bench/results.json; "-" for none)
 * · --no-engine · --no-cli · --no-office · --no-taskpane · --office-sizes N,N,… (default 100,20000)
 * · --loads N (task pane loads, median; default 5) · --workbench DIR (serve this built workbench
 * instead of building a production one) · --no-warmup · --note TEXT (recorded with the results:
 * say what else the machine was doing). JIXIAO_BENCH_MEMORY=resource-usage measures peak memory
 * without GNU time.
 *
 * Run node with --expose-gc: the engine iterations then start from a collected heap. Needs the
 * command line built (lib/src/cli): `npm run bench` builds it first. The task pane section
 * measures dist/ (`npm run build`; built here when missing) and needs /usr/bin/chromium for the
 * load time. See BENCHMARKS.md.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import ExcelJS from 'exceljs';
import { renderReport } from '../../src/cli/render';
import { SheetView } from '../../src/engine/cells';
import { computeFigures } from '../../src/engine/figures';
import { DEFAULT_THRESHOLD, analyze, planWrite, toReport } from '../../src/engine';
import { locateTable } from '../../src/engine/locate';
import { buildNarrative } from '../../src/engine/narrative';
import { validate } from '../../src/engine/validate';
import { applyPlan, zipPackage } from '../../src/xlsx/package';
import { readWorkbookBytes } from '../../src/xlsx/read';
import { DEFAULT_SEED, generateWorkbook } from './generate';
import { OFFICE_ACTIONS, OFFICE_LIMITS, type OfficeSizeResult, type SyncMeter, benchOfficeSize } from './office';
import { type TaskpaneResult, benchTaskpane } from './taskpane';

export const SCHEMA = 'jixiao-bench/1';

/** The issue's targets. */
export const TARGETS = {
  /** Engine time ÷ exceljs's read of the same file, from this many rows up. */
  engineRatio: 0.1,
  engineFromRows: 10_000,
  /** Cost per 1,000 rows may grow at most this much from one size to the next (linear growth). */
  linearGrowth: 1.5,
  checkRatio: 1.25,
  fillRatio: 1.3,
  fillMemoryRatio: 1.5,
  cliSizes: [10_000, 100_000],
  /**
   * Office host: syncs per action constant across sizes, no request over this many bytes: Excel on
   * the web's 5 MB as the fake Excel enforces it (5,000,000, the stricter reading of "5 MB").
   */
  officeMaxRequestBytes: OFFICE_LIMITS.requestBytes,
  officeSizes: [100, 20_000],
  /** Task pane: initial JavaScript, gzip (scripts/report-size.js's budget). */
  taskpaneMaxGzipBytes: 300 * 1024,
} as const;

export interface BenchOptions {
  sizes: number[];
  seed: number;
  /** Engine iterations per size; default 5, 3 from 100,000 rows. */
  iterations?: number;
  pairs: number;
  tmpDir: string;
  /** Where results.json goes; null: not written. */
  out: string | null;
  engine: boolean;
  cli: boolean;
  /** The Office host on the fake Excel, at these row counts. */
  office: boolean;
  officeSizes: number[];
  /** The task pane: bundle size, and `taskpaneLoads` loads to interactive in headless Chromium. */
  taskpane: boolean;
  taskpaneLoads: number;
  /** A built workbench to serve as it is; null: a production one built under tmpDir. */
  workbench: string | null;
  note: string;
  /** Warm-up runs (unmeasured) before the measured ones. */
  warmup: boolean;
  log: (line: string) => void;
}

// ---------------------------------------------------------------------------------------------
// Results

/**
 * The engine's phases (src/engine: the issue's "locate, parse, validate, compute, narrate and
 * plan"; cells are parsed lazily inside locate and validate; the plan's phase makes every planned
 * row once, as a host writing it does). The command line's reader is timed
 * apart (HOST_PHASES): `grid`, exceljs's model turned into the Office.js-shaped grid, is the xlsx
 * host's adapter — in Excel, Office.js hands over that shape itself — and both the reader's share
 * and engine + grid are reported beside the engine's ratio; the command-line ratios count it all.
 */
export const ENGINE_PHASES = ['locate', 'validate', 'figures', 'narrative', 'plan'] as const;
export const HOST_PHASES = ['sniff', 'load', 'grid', 'analyze', 'report', 'package', 'zip'] as const;
type Phase = (typeof ENGINE_PHASES)[number] | (typeof HOST_PHASES)[number] | 'exceljsRead' | 'engine';

export interface EngineResult {
  rows: number;
  fileBytes: number;
  iterations: number;
  /** Medians in milliseconds, wall clock. `engine` is the median of the per-iteration sums of ENGINE_PHASES. */
  medianMs: Record<Phase, number>;
  /**
   * The same on the process's CPU clock (user + system, every thread, so GC helpers too): steadier
   * than the wall clock on a shared machine, where waiting for a core counts on the wall only.
   */
  medianCpuMs: Record<Phase, number>;
  samplesMs: Record<Phase, number[]>;
  /** engine ÷ exceljsRead (medians, wall clock): the issue's figure. */
  ratioToRead: number;
  /** The same ratio on the CPU clock. */
  ratioToReadCpu: number;
  /** (engine + grid) ÷ exceljsRead: the engine with the xlsx host's adapter, for comparison. */
  ratioWithGridToRead: number;
  /**
   * (sniff + grid) ÷ exceljsRead: with exceljs as the reader, what ours adds to exceljs's own load;
   * with the fast reader (`reader: 'fast'`), our whole read against exceljs's.
   */
  readOverheadRatio: number;
  /** The reader that built the grid in the first iteration. */
  reader: 'fast' | 'exceljs';
  per1kRowsMs: number;
  /** What the engine found: a clean list has projects = rows and no error. */
  projects: number;
  counts: { error: number; warning: number; info: number };
}

export interface ProcessSample {
  ms: number;
  /** User + system CPU time of the child, when the memory method reports it. */
  cpuMs: number | null;
  peakRssKB: number | null;
  code: number;
}

export interface Comparison {
  tool: string;
  bare: string;
  toolMs: number[];
  bareMs: number[];
  toolPeakKB: (number | null)[];
  barePeakKB: (number | null)[];
  medianToolMs: number;
  medianBareMs: number;
  /** median tool ÷ median bare. */
  ratio: number;
  /** The median of the pairs' own ratios: less sensitive to drift across the run. */
  medianPairRatio: number;
  /** median tool CPU time ÷ median bare CPU time: steadier on a shared machine. */
  cpuRatio: number | null;
  medianToolPeakMB: number | null;
  medianBarePeakMB: number | null;
  memoryRatio: number | null;
}

export interface CliResult {
  rows: number;
  pairs: number;
  check: Comparison;
  fill: Comparison;
}

export interface TargetResult {
  id: string;
  rows: number | null;
  target: string;
  measured: number | null;
  /** The measured value in words, where a bare number would not say it (counts, bytes). */
  detail?: string;
  /** null: not measured in this run. */
  met: boolean | null;
}

export interface OfficeSection {
  target: string;
  /** Excel on the web's limits, as the fake Excel enforces them. */
  limits: { requestBytes: number; responseBytes: number };
  sizes: OfficeSizeResult[];
}

export interface BenchResults {
  schema: typeof SCHEMA;
  date: string;
  machine: {
    os: string;
    arch: string;
    cpuModel: string;
    cpuCount: number;
    totalMemoryMB: number;
    node: string;
    exceljs: string;
    loadAverageStart: number[];
    loadAverageEnd: number[];
  };
  conditions: { note: string; memoryMethod: MemoryMethod; gcExposed: boolean };
  options: {
    sizes: number[];
    seed: number;
    iterations: number | null;
    pairs: number;
    officeSizes: number[] | null;
    taskpaneLoads: number | null;
    workbench: string | null;
  };
  files: { rows: number; bytes: number; file: string }[];
  engine: EngineResult[];
  cli: CliResult[];
  /** The Office.js host on the fake Excel; null with --no-office. */
  office: OfficeSection | null;
  /** The task pane's bundle and load time; null with --no-taskpane. */
  taskpane: TaskpaneResult | null;
  targets: TargetResult[];
}

// ---------------------------------------------------------------------------------------------
// Helpers

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const now = (): number => performance.now();
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = up;
  }
  return dir;
}

function exceljsVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(require.resolve('exceljs/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

// ---------------------------------------------------------------------------------------------
// Engine, in process

/** A moment on two clocks: the wall, and the CPU time of this process (all its threads). */
interface Stamp {
  wall: number;
  cpu: number;
}

function stamp(): Stamp {
  const u = process.cpuUsage();
  return { wall: performance.now(), cpu: (u.user + u.system) / 1000 };
}

type Lap = Stamp;

const lap = (from: Stamp, to: Stamp = stamp()): Lap => ({ wall: to.wall - from.wall, cpu: to.cpu - from.cpu });

interface LoadMarks {
  start?: Stamp;
  end?: Stamp;
}

/**
 * Times exceljs's `load` inside our reader without touching the reader: the reader's own time is
 * then split exactly into sniff (before load), load, and grid (after it). Restored after use.
 */
async function withLoadTimed<T>(marks: LoadMarks, fn: () => Promise<T>): Promise<T> {
  const proto = Object.getPrototypeOf(new ExcelJS.Workbook().xlsx) as { load: (...args: unknown[]) => Promise<unknown> };
  const original = proto.load;
  proto.load = async function (this: unknown, ...args: unknown[]) {
    marks.start = stamp();
    try {
      return await original.apply(this, args);
    } finally {
      marks.end = stamp();
    }
  };
  try {
    return await fn();
  } finally {
    proto.load = original;
  }
}

type RunPhase = Exclude<Phase, 'exceljsRead' | 'engine'>;

interface EngineRun {
  laps: Record<RunPhase, Lap>;
  /** Which reader built the grid: the fast one (no exceljs) or exceljs's load. */
  reader: 'fast' | 'exceljs';
  projects: number;
  counts: { error: number; warning: number; info: number };
}

async function exceljsRead(file: string): Promise<Lap> {
  gc();
  const t = stamp();
  await new ExcelJS.Workbook().xlsx.readFile(file);
  return lap(t);
}

/** Our reader, then the engine phase by phase, then what `check` and `fill` do with the result. */
async function engineRun(file: string, bytes: Uint8Array): Promise<EngineRun> {
  gc();
  const marks: LoadMarks = {};
  const t0 = stamp();
  const read = await withLoadTimed(marks, () => readWorkbookBytes(bytes));
  const t1 = stamp();
  if (!read.ok) throw new Error(`${file}: unreadable: ${read.error.code}`);
  // The fast reader (src/xlsx/fast-read.ts) builds the grid without exceljs: then the whole read is
  // our reader's, reported as grid (sniff and load 0); exceljs's load is timed when it is the reader.
  const reader: 'fast' | 'exceljs' = marks.start && marks.end ? 'exceljs' : 'fast';
  const { grid } = read;
  // exceljs's model is garbage now; collected here, it is not billed to the first engine phase
  // (the bare read's garbage is likewise collected outside its timing).
  gc();
  const threshold = DEFAULT_THRESHOLD;

  // The phases of `analyze`, called one by one (src/engine/index.ts).
  let t = stamp();
  const views = grid.sheets.map((s) => new SheetView(s));
  const found = locateTable(views, grid.ownedSheets, {});
  const locate = lap(t);
  if (!found.ok) throw new Error(`${file}: no table: ${found.error.code}`);
  const loc = found.located;
  t = stamp();
  const { rows } = validate(loc, threshold);
  const validateLap = lap(t);
  t = stamp();
  const figures = computeFigures(rows, loc.unit, threshold);
  const figuresLap = lap(t);
  t = stamp();
  buildNarrative({ rows, figures, unit: loc.unit, year: loc.year, thresholdPercent: threshold });
  const narrative = lap(t);

  // The facade as hosts call it: its result feeds the plan, and its time checks the phases' sum.
  t = stamp();
  const result = analyze(grid, {});
  const analyzeLap = lap(t);
  if (!result.ok) throw new Error(`${file}: analyze failed: ${result.error.code}`);
  const { analysis } = result;
  t = stamp();
  const { plan } = planWrite(grid, analysis, { mode: 'fill', lang: 'zh' });
  // A plan's long runs of rows (one per project) are made when a host asks for them: every row
  // is made once here, so that the plan's phase bears what writing it will ask of the engine.
  let plannedCells = 0;
  for (const sp of plan.sheets) for (let r = 0; r < sp.rowCount; r++) plannedCells += sp.row(r).length;
  const planLap = lap(t);
  if (plannedCells < analysis.rows.length) throw new Error(`${file}: the plan made ${plannedCells} cells for ${analysis.rows.length} projects`);

  // What `check` adds (the report, rendered) and what `fill` adds (the package, zipped).
  t = stamp();
  renderReport(toReport(analysis, file, 'zh'), 'zh');
  const report = lap(t);
  t = stamp();
  const entries = applyPlan(read.entries, plan, { now: new Date(Date.UTC(2025, 0, 15)) });
  const packageLap = lap(t);
  t = stamp();
  zipPackage(entries);
  const zip = lap(t);

  return {
    laps: {
      sniff: marks.start ? lap(t0, marks.start) : lap(t0, t0),
      load: marks.start && marks.end ? lap(marks.start, marks.end) : lap(t0, t0),
      grid: marks.end ? lap(marks.end, t1) : lap(t0, t1),
      locate,
      validate: validateLap,
      figures: figuresLap,
      narrative,
      plan: planLap,
      analyze: analyzeLap,
      report,
      package: packageLap,
      zip,
    },
    projects: analysis.figures.projects,
    counts: analysis.counts,
    reader,
  };
}

async function benchEngine(rows: number, file: string, iterations: number, warmup: boolean): Promise<EngineResult> {
  const bytes = new Uint8Array(fs.readFileSync(file));
  if (warmup) {
    await exceljsRead(file);
    await engineRun(file, bytes);
  }
  const its: { laps: Record<Phase, Lap>; run: EngineRun }[] = [];
  for (let i = 0; i < iterations; i++) {
    // Alternate which goes first, so that neither always meets the other's garbage.
    let bare: Lap;
    let run: EngineRun;
    if (i % 2 === 0) {
      bare = await exceljsRead(file);
      run = await engineRun(file, bytes);
    } else {
      run = await engineRun(file, bytes);
      bare = await exceljsRead(file);
    }
    const engine = ENGINE_PHASES.reduce((s, p) => ({ wall: s.wall + run.laps[p].wall, cpu: s.cpu + run.laps[p].cpu }), { wall: 0, cpu: 0 });
    its.push({ laps: { ...run.laps, exceljsRead: bare, engine }, run });
  }
  const phases: Phase[] = ['exceljsRead', ...ENGINE_PHASES, 'engine', ...HOST_PHASES.filter((p) => !(ENGINE_PHASES as readonly string[]).includes(p))];
  const samplesMs = {} as Record<Phase, number[]>;
  const medianMs = {} as Record<Phase, number>;
  const medianCpuMs = {} as Record<Phase, number>;
  for (const p of phases) {
    samplesMs[p] = its.map((it) => round(it.laps[p].wall, 2));
    medianMs[p] = round(median(its.map((it) => it.laps[p].wall)), 2);
    medianCpuMs[p] = round(median(its.map((it) => it.laps[p].cpu)), 2);
  }
  const { projects, counts, reader } = its[0].run;
  return {
    rows,
    fileBytes: bytes.length,
    iterations,
    medianMs,
    medianCpuMs,
    samplesMs,
    ratioToRead: round(medianMs.engine / medianMs.exceljsRead, 4),
    ratioToReadCpu: round(medianCpuMs.engine / medianCpuMs.exceljsRead, 4),
    ratioWithGridToRead: round(median(its.map((it) => (it.laps.engine.wall + it.laps.grid.wall) / it.laps.exceljsRead.wall)), 4),
    readOverheadRatio: round(median(its.map((it) => (it.laps.sniff.wall + it.laps.grid.wall) / it.laps.exceljsRead.wall)), 4),
    per1kRowsMs: round(medianMs.engine / (rows / 1000), 3),
    reader,
    projects,
    counts,
  };
}

// ---------------------------------------------------------------------------------------------
// Command line, whole processes

export type MemoryMethod = 'gnu-time' | 'resource-usage';

const GNU_TIME = '/usr/bin/time';

/** GNU time's %M when it is there (apt package `time`); otherwise the child reports its own maxRSS. */
export function memoryMethod(): MemoryMethod {
  // JIXIAO_BENCH_MEMORY=resource-usage forces the fallback (to check it where GNU time exists).
  if (process.env.JIXIAO_BENCH_MEMORY === 'resource-usage') return 'resource-usage';
  try {
    fs.accessSync(GNU_TIME, fs.constants.X_OK);
    return 'gnu-time';
  } catch {
    return 'resource-usage';
  }
}

/** Preloaded into the child under 'resource-usage': on exit, writes "peakKB userSeconds systemSeconds", as GNU time's "%M %U %S". */
const RSS_PRELOAD =
  "process.on('exit', () => { const u = process.resourceUsage(); require('fs').writeFileSync(process.env.JIXIAO_BENCH_RSS_FILE, " +
  "`${u.maxRSS} ${u.userCPUTime / 1e6} ${u.systemCPUTime / 1e6}`); });\n";

interface Runner {
  method: MemoryMethod;
  cwd: string;
  tmpDir: string;
}

/** Runs `node ARGS` to its end: wall time from spawn to exit, peak RSS, exit code. */
function runNode(runner: Runner, args: string[]): Promise<ProcessSample & { stderr: string }> {
  const memFile = path.join(runner.tmpDir, `rss-${process.pid}-${Math.random().toString(36).slice(2)}.txt`);
  let command: string;
  let argv: string[];
  const env = { ...process.env };
  if (runner.method === 'gnu-time') {
    command = GNU_TIME;
    argv = ['-f', '%M %U %S', '-o', memFile, process.execPath, ...args];
  } else {
    const preload = path.join(runner.tmpDir, 'rss-preload.js');
    fs.writeFileSync(preload, RSS_PRELOAD);
    command = process.execPath;
    argv = ['--require', preload, ...args];
    env.JIXIAO_BENCH_RSS_FILE = memFile;
  }
  return new Promise((resolve, reject) => {
    const t = now();
    const child = spawn(command, argv, { cwd: runner.cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 4000) stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = now() - t;
      let peakRssKB: number | null = null;
      let cpuMs: number | null = null;
      try {
        // GNU time writes "Command exited with non-zero status N" first when the child fails.
        const last = fs.readFileSync(memFile, 'utf8').trim().split('\n').pop() ?? '';
        const m = /^(\d+) ([\d.]+) ([\d.]+)$/.exec(last);
        if (m) {
          peakRssKB = Number(m[1]);
          cpuMs = (Number(m[2]) + Number(m[3])) * 1000;
        }
        fs.rmSync(memFile, { force: true });
      } catch {
        peakRssKB = null;
      }
      resolve({ ms, cpuMs, peakRssKB, code: code ?? -1, stderr });
    });
  });
}

/** The bare exceljs scripts the command line is measured against: exactly what the issue names. */
export const BARE_READ = "new (require('exceljs').Workbook)().xlsx.readFile(process.argv[1]).catch((e) => { console.error(e); process.exit(9); });";
export const BARE_ROUND_TRIP =
  "const wb = new (require('exceljs').Workbook)(); wb.xlsx.readFile(process.argv[1]).then(() => wb.xlsx.writeFile(process.argv[2])).catch((e) => { console.error(e); process.exit(9); });";

async function compare(
  runner: Runner,
  label: { tool: string; bare: string },
  tool: { args: string[]; ok: (code: number) => boolean },
  bare: { args: string[] },
  pairs: number,
  warmup: boolean,
): Promise<Comparison> {
  const once = async (which: 'tool' | 'bare'): Promise<ProcessSample> => {
    const r = await runNode(runner, which === 'tool' ? tool.args : bare.args);
    const fine = which === 'tool' ? tool.ok(r.code) : r.code === 0;
    if (!fine) throw new Error(`${which === 'tool' ? label.tool : label.bare} exited ${r.code}: ${r.stderr.trim()}`);
    return { ms: r.ms, cpuMs: r.cpuMs, peakRssKB: r.peakRssKB, code: r.code };
  };
  if (warmup) {
    await once('tool');
    await once('bare');
  }
  const toolS: ProcessSample[] = [];
  const bareS: ProcessSample[] = [];
  for (let i = 0; i < pairs; i++) {
    // Alternating, and the order swapped every pair: drift in the machine's load hits both.
    if (i % 2 === 0) {
      toolS.push(await once('tool'));
      bareS.push(await once('bare'));
    } else {
      bareS.push(await once('bare'));
      toolS.push(await once('tool'));
    }
  }
  const toolMs = toolS.map((s) => round(s.ms, 1));
  const bareMs = bareS.map((s) => round(s.ms, 1));
  const peaks = (s: ProcessSample[]): number[] => s.map((x) => x.peakRssKB).filter((x): x is number => x !== null);
  const toolPeak = peaks(toolS);
  const barePeak = peaks(bareS);
  const mb = (kb: number[]): number | null => (kb.length ? round(median(kb) / 1024, 1) : null);
  const cpu = (s: ProcessSample[]): number[] => s.map((x) => x.cpuMs).filter((x): x is number => x !== null);
  const toolCpu = cpu(toolS);
  const bareCpu = cpu(bareS);
  return {
    tool: label.tool,
    bare: label.bare,
    toolMs,
    bareMs,
    toolPeakKB: toolS.map((s) => s.peakRssKB),
    barePeakKB: bareS.map((s) => s.peakRssKB),
    medianToolMs: round(median(toolMs), 1),
    medianBareMs: round(median(bareMs), 1),
    ratio: round(median(toolMs) / median(bareMs), 4),
    medianPairRatio: round(median(toolMs.map((t, i) => t / bareMs[i])), 4),
    cpuRatio: toolCpu.length && bareCpu.length && median(bareCpu) > 0 ? round(median(toolCpu) / median(bareCpu), 4) : null,
    medianToolPeakMB: mb(toolPeak),
    medianBarePeakMB: mb(barePeak),
    memoryRatio: toolPeak.length && barePeak.length ? round(median(toolPeak) / median(barePeak), 4) : null,
  };
}

async function benchCli(rows: number, file: string, runner: Runner, pairs: number, warmup: boolean): Promise<CliResult> {
  const root = repoRoot();
  const bin = path.join(root, 'bin', 'jixiao.js');
  if (!fs.existsSync(path.join(root, 'lib', 'src', 'cli', 'main.js'))) {
    throw new Error('lib/src/cli/main.js is missing: run `npm run build:cli` first');
  }
  const fillOut = path.join(runner.tmpDir, `out-fill-${rows}.xlsx`);
  const bareOut = path.join(runner.tmpDir, `out-bare-${rows}.xlsx`);
  const check = await compare(
    runner,
    { tool: 'jixiao check FILE', bare: 'node -e "<exceljs readFile>" FILE' },
    // 0: no errors; 1: errors found (the report was still made). 2 and 3 mean it did not run.
    { args: [bin, 'check', file], ok: (code) => code === 0 || code === 1 },
    { args: ['-e', BARE_READ, file] },
    pairs,
    warmup,
  );
  const fill = await compare(
    runner,
    { tool: 'jixiao fill FILE -o OUT', bare: 'node -e "<exceljs readFile, then writeFile>" FILE OUT' },
    { args: [bin, 'fill', file, '-o', fillOut], ok: (code) => code === 0 && fs.existsSync(fillOut) },
    { args: ['-e', BARE_ROUND_TRIP, file, bareOut] },
    pairs,
    warmup,
  );
  for (const f of [fillOut, bareOut]) fs.rmSync(f, { force: true });
  return { rows, pairs, check, fill };
}

// ---------------------------------------------------------------------------------------------
// Targets

export function evaluateTargets(
  engine: EngineResult[],
  cli: CliResult[],
  office: OfficeSection | null = null,
  taskpane: TaskpaneResult | null = null,
): TargetResult[] {
  const out: TargetResult[] = [];
  for (const e of engine) {
    if (e.rows < TARGETS.engineFromRows) continue;
    out.push({
      id: 'engine-ratio',
      rows: e.rows,
      target: `engine ≤ ${TARGETS.engineRatio * 100}% of exceljs's read`,
      measured: e.ratioToRead,
      met: e.ratioToRead <= TARGETS.engineRatio,
    });
  }
  // Linear growth: per-1,000-row cost from each size (≥ 1,000 rows) to the next.
  const sized = engine.filter((e) => e.rows >= 1000).sort((a, b) => a.rows - b.rows);
  for (let i = 1; i < sized.length; i++) {
    const growth = round(sized[i].per1kRowsMs / sized[i - 1].per1kRowsMs, 3);
    out.push({
      id: 'engine-linear',
      rows: sized[i].rows,
      target: `cost per 1,000 rows at ${sized[i].rows} ≤ ${TARGETS.linearGrowth}× that at ${sized[i - 1].rows}`,
      measured: growth,
      met: growth <= TARGETS.linearGrowth,
    });
  }
  for (const c of cli) {
    if (!(TARGETS.cliSizes as readonly number[]).includes(c.rows)) continue;
    out.push({ id: 'cli-check', rows: c.rows, target: `check ≤ ${TARGETS.checkRatio}× bare exceljs read`, measured: c.check.ratio, met: c.check.ratio <= TARGETS.checkRatio });
    out.push({ id: 'cli-fill', rows: c.rows, target: `fill ≤ ${TARGETS.fillRatio}× bare exceljs read + write`, measured: c.fill.ratio, met: c.fill.ratio <= TARGETS.fillRatio });
    out.push({
      id: 'cli-fill-memory',
      rows: c.rows,
      target: `fill peak RSS ≤ ${TARGETS.fillMemoryRatio}× bare round trip`,
      measured: c.fill.memoryRatio,
      met: c.fill.memoryRatio === null ? null : c.fill.memoryRatio <= TARGETS.fillMemoryRatio,
    });
  }
  out.push(...officeTargets(office), taskpaneTarget(taskpane));
  return out;
}

/** Bytes in decimal units, as the 5 MB limit is counted (5,000,000). */
const MB = (n: number): string => (n < 10_000 ? `${n} B` : n < 1e6 ? `${(n / 1e3).toFixed(1)} kB` : `${(n / 1e6).toFixed(2)} MB`);

/**
 * Per action, the host's syncs at the largest size against the smallest (measured: their ratio; met
 * when equal); per size, the largest request of any host action against the limit.
 */
function officeTargets(office: OfficeSection | null): TargetResult[] {
  const out: TargetResult[] = [];
  const sizes = [...(office?.sizes ?? [])].sort((a, b) => a.rows - b.rows);
  const small = sizes[0];
  const large = sizes[sizes.length - 1];
  for (const action of OFFICE_ACTIONS) {
    const target = `host ${action}: syncs constant across sizes`;
    const at = (s: OfficeSizeResult | undefined): SyncMeter | undefined => s?.actions.find((a) => a.action === action)?.host;
    const a = at(small);
    const b = at(large);
    if (!office) out.push({ id: 'office-syncs', rows: null, target, measured: null, detail: 'not measured (--no-office)', met: null });
    else if (!a || !b || small === large) {
      out.push({ id: 'office-syncs', rows: large?.rows ?? null, target, measured: null, detail: `one size only${a ? `: ${a.syncs} syncs` : ''}`, met: null });
    } else {
      out.push({
        id: 'office-syncs',
        rows: large.rows,
        target,
        measured: round(b.syncs / a.syncs, 3),
        detail: `${a.syncs} syncs at ${small.rows} rows, ${b.syncs} at ${large.rows} (the limit alone forces ≥ ${b.limitFloorSyncs})`,
        met: b.syncs === a.syncs,
      });
    }
  }
  const target = `no request over ${TARGETS.officeMaxRequestBytes.toLocaleString('en-US')} bytes (5 MB)`;
  if (!office) out.push({ id: 'office-request', rows: null, target, measured: null, detail: 'not measured (--no-office)', met: null });
  for (const s of sizes) {
    const largest = s.actions.reduce((m, a) => (a.host.maxRequestBytes > m.host.maxRequestBytes ? a : m), s.actions[0]);
    const bytes = largest?.host.maxRequestBytes ?? 0;
    out.push({ id: 'office-request', rows: s.rows, target, measured: bytes, detail: `${MB(bytes)} (${largest?.action})`, met: bytes <= TARGETS.officeMaxRequestBytes });
  }
  return out;
}

function taskpaneTarget(taskpane: TaskpaneResult | null): TargetResult {
  const target = `task pane initial JavaScript ≤ ${TARGETS.taskpaneMaxGzipBytes / 1024} KB gzip`;
  if (!taskpane) return { id: 'taskpane-bundle', rows: null, target, measured: null, detail: 'not measured (--no-taskpane)', met: null };
  const gzip = taskpane.bundle.gzipBytes;
  return { id: 'taskpane-bundle', rows: null, target, measured: gzip, detail: `${(gzip / 1024).toFixed(1)} KB (${taskpane.bundle.dist}/)`, met: gzip <= TARGETS.taskpaneMaxGzipBytes };
}

// ---------------------------------------------------------------------------------------------
// The table

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)];
}

const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const x2 = (x: number | null): string => (x === null ? '—' : `${x.toFixed(2)}×`);
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const mark = (met: boolean | null): string => (met === null ? '—' : met ? 'met' : 'MISSED');

export function formatTable(r: BenchResults): string {
  const lines: string[] = [];
  const m = r.machine;
  lines.push(`jixiao benchmark — ${r.date}`);
  lines.push(`${m.cpuModel} × ${m.cpuCount}, ${(m.totalMemoryMB / 1024).toFixed(1)} GB, ${m.os} ${m.arch}, Node ${m.node}, exceljs ${m.exceljs}`);
  lines.push(`load average at start ${m.loadAverageStart.map((x) => x.toFixed(2)).join(' ')}, at end ${m.loadAverageEnd.map((x) => x.toFixed(2)).join(' ')}`);
  if (r.conditions.note) lines.push(`note: ${r.conditions.note}`);
  lines.push('');
  if (r.engine.length) {
    lines.push(`Engine, in process: medians of ${r.engine.map((e) => e.iterations).join('/')} iterations, ms; ratio to exceljs's read of the same file`);
    lines.push(
      ...table(
        ['rows', 'MB', 'exceljs read', 'sniff', 'grid', 'locate', 'validate', 'figures', 'narrative', 'plan', 'engine', 'engine/read', '(CPU)', '+grid/read', 'per 1k rows', 'report', 'package', 'zip'],
        r.engine.map((e) => [
          String(e.rows),
          (e.fileBytes / 1048576).toFixed(1),
          ms(e.medianMs.exceljsRead),
          ms(e.medianMs.sniff),
          ms(e.medianMs.grid),
          ms(e.medianMs.locate),
          ms(e.medianMs.validate),
          ms(e.medianMs.figures),
          ms(e.medianMs.narrative),
          ms(e.medianMs.plan),
          ms(e.medianMs.engine),
          pct(e.ratioToRead),
          pct(e.ratioToReadCpu),
          pct(e.ratioWithGridToRead),
          ms(e.per1kRowsMs),
          ms(e.medianMs.report),
          ms(e.medianMs.package),
          ms(e.medianMs.zip),
        ]),
      ),
    );
    lines.push('engine = locate + validate + figures + narrative + plan (cells parsed inside locate and validate); +grid/read: engine + grid ÷ read');
    lines.push(`reader: ${r.engine.map((e) => `${e.rows} rows ${e.reader}`).join(', ')} — fast: the grid straight from the XML, the whole read under grid (sniff, load 0); exceljs: grid = exceljs's model → the Office.js-shaped grid`);
    lines.push('(CPU): the same ratio on the CPU clock, steadier when the machine is shared; the targets use the wall clock');
    lines.push('');
  }
  if (r.cli.length) {
    lines.push(`Command line, whole processes: medians of ${r.cli.map((c) => c.pairs).join('/')} alternating pairs, ms; peak RSS (${r.conditions.memoryMethod}), MB`);
    lines.push(
      ...table(
        ['rows', 'check', 'bare read', 'ratio', '(CPU)', 'fill', 'bare r+w', 'ratio', '(CPU)', 'check RSS', 'read RSS', 'fill RSS', 'r+w RSS', 'fill mem'],
        r.cli.map((c) => [
          String(c.rows),
          ms(c.check.medianToolMs),
          ms(c.check.medianBareMs),
          x2(c.check.ratio),
          x2(c.check.cpuRatio),
          ms(c.fill.medianToolMs),
          ms(c.fill.medianBareMs),
          x2(c.fill.ratio),
          x2(c.fill.cpuRatio),
          c.check.medianToolPeakMB?.toFixed(0) ?? '—',
          c.check.medianBarePeakMB?.toFixed(0) ?? '—',
          c.fill.medianToolPeakMB?.toFixed(0) ?? '—',
          c.fill.medianBarePeakMB?.toFixed(0) ?? '—',
          x2(c.fill.memoryRatio),
        ]),
      ),
    );
    lines.push('');
  }
  if (r.office) lines.push(...officeTable(r.office), '');
  if (r.taskpane) lines.push(...taskpaneLines(r.taskpane), '');
  lines.push('Targets');
  for (const t of r.targets) {
    const measured = t.detail ?? (t.measured === null ? '—' : t.id === 'engine-ratio' ? pct(t.measured) : `${t.measured.toFixed(2)}${t.id === 'engine-linear' ? '' : '×'}`);
    lines.push(`  ${mark(t.met).padEnd(6)}  ${t.rows === null ? '' : `${t.rows} rows: `}${t.target} — measured ${measured}`);
  }
  return lines.join('\n');
}

const int = (n: number): string => n.toLocaleString('en-US');
const syncCount = (m: SyncMeter): string => int(m.syncs) + (m.failedSyncs ? ` (${m.failedSyncs} refused)` : '');

function officeTable(o: OfficeSection): string[] {
  const columns = [...new Set(o.sizes.map((s) => s.columns))].join('/');
  const lines = [
    `Office host on the fake Excel (${columns} columns of long CJK text; the fake's meters: UTF-8 bytes of each sync's request and response; kB, MB = 10³, 10⁶ bytes; limit ${MB(o.limits.requestBytes)} each way)`,
  ];
  lines.push(
    ...table(
      ['rows', 'action', 'syncs', 'floor', 'largest req', 'total req', 'largest resp', 'total resp', 'ms (fake)', '| naive syncs', 'largest req', 'total req', 'ms (fake)', 'same'],
      o.sizes.flatMap((s) =>
        s.actions.map((a) => [
          String(s.rows),
          a.action,
          syncCount(a.host),
          int(a.host.limitFloorSyncs),
          MB(a.host.maxRequestBytes),
          MB(a.host.totalRequestBytes),
          MB(a.host.maxResponseBytes),
          MB(a.host.totalResponseBytes),
          ms(a.host.ms),
          syncCount(a.naive),
          MB(a.naive.maxRequestBytes),
          MB(a.naive.totalRequestBytes),
          ms(a.naive.ms),
          a.sameResult ? 'yes' : 'NO',
        ]),
      ),
    ),
  );
  lines.push('floor: the fewest syncs that could carry the bytes under the limit; naive: the same action with one sync per row (read and write), measured on the same fake');
  lines.push('same: the naive version gave the host\'s report (validate) and wrote the same cells (fill); ms (fake): time on the fake, not Excel\'s (a real sync is a round trip)');
  return lines;
}

function taskpaneLines(t: TaskpaneResult): string[] {
  const k = (n: number): string => `${(n / 1024).toFixed(1)} KB`;
  const b = t.bundle;
  const lines = [
    `Task pane: initial JavaScript in ${b.dist}/ (${b.builtByBench ? 'built by the bench' : `built ${b.builtAt}`}): ${b.scripts.join(', ')} — ${k(b.rawBytes)} raw, ${k(b.gzipBytes)} gzip (budget ${k(b.budgetBytes)})`,
  ];
  const l = t.load;
  if (!l) {
    lines.push(`Task pane load to interactive: not measured (${t.loadSkipped ?? 'skipped'})`);
    return lines;
  }
  lines.push(
    `Task pane load to interactive (校验 enabled), ${l.browser} headless, ${l.build === 'production' ? 'production' : 'given'} workbench ${l.served}/, medians of ${l.loads} loads: ` +
      `${ms(l.medianPaneMs)} ms from the pane's navigation start, ${ms(l.medianPageMs)} ms from the workbench page's (page, sample workbook, then the pane)`,
  );
  lines.push(`  pane ms: ${l.paneMs.map(ms).join(', ')}; page ms: ${l.pageMs.map(ms).join(', ')}; served pane ${k(l.paneGzipBytes)} gzip`);
  if (!l.sameBundleAsDist) lines.push(`  note: the served pane's bundle is not ${b.dist}/'s (${l.paneScripts.join(', ')}): ${b.dist}/ predates the current sources; rerun npm run build`);
  return lines;
}

// ---------------------------------------------------------------------------------------------
// The run

export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const { log } = options;
  const loadAverageStart = os.loadavg();
  fs.mkdirSync(options.tmpDir, { recursive: true });
  const sizes = [...options.sizes].sort((a, b) => a - b);
  const files: BenchResults['files'] = [];
  const paths: string[] = [];
  // The engine and command-line workbooks (the Office host makes its own).
  for (const rows of options.engine || options.cli ? sizes : []) {
    const t = now();
    const g = await generateWorkbook(rows, options.seed, options.tmpDir);
    paths.push(path.resolve(g.file));
    files.push({ rows, bytes: g.bytes, file: path.relative(repoRoot(), path.resolve(g.file)) });
    log(`${g.written ? 'generated' : 'reusing'} ${rows} rows: ${(g.bytes / 1048576).toFixed(1)} MB${g.written ? ` in ${ms(now() - t)} ms` : ''}`);
  }

  const engine: EngineResult[] = [];
  if (options.engine) {
    for (const [i, rows] of sizes.entries()) {
      const iterations = options.iterations ?? (rows >= 100_000 ? 3 : 5);
      // Only the first size warms up: the JIT is warm for the larger ones.
      const e = await benchEngine(rows, paths[i], iterations, options.warmup && i === 0);
      engine.push(e);
      log(`engine ${rows}: ${ms(e.medianMs.engine)} ms vs exceljs read ${ms(e.medianMs.exceljsRead)} ms (${pct(e.ratioToRead)})`);
    }
  }

  const method = memoryMethod();
  const cli: CliResult[] = [];
  if (options.cli) {
    const runner: Runner = { method, cwd: repoRoot(), tmpDir: path.resolve(options.tmpDir) };
    for (const [i, rows] of sizes.entries()) {
      const c = await benchCli(rows, paths[i], runner, options.pairs, options.warmup);
      cli.push(c);
      log(`cli ${rows}: check ${x2(c.check.ratio)}, fill ${x2(c.fill.ratio)}, fill memory ${x2(c.fill.memoryRatio)}`);
    }
  }

  let office: OfficeSection | null = null;
  if (options.office) {
    office = {
      target: `syncs per action constant across sizes; no request over ${TARGETS.officeMaxRequestBytes} bytes (5 MB)`,
      limits: OFFICE_LIMITS,
      sizes: [],
    };
    for (const rows of [...options.officeSizes].sort((a, b) => a - b)) office.sizes.push(await benchOfficeSize(rows, options.seed, options.tmpDir, log));
  }

  const taskpane = options.taskpane
    ? await benchTaskpane({ root: repoRoot(), tmpDir: options.tmpDir, loads: options.taskpaneLoads, workbench: options.workbench, warmup: options.warmup, log })
    : null;

  const cpus = os.cpus();
  const results: BenchResults = {
    schema: SCHEMA,
    date: new Date().toISOString(),
    machine: {
      os: `${os.type()} ${os.release()}`,
      arch: os.arch(),
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      cpuCount: cpus.length,
      totalMemoryMB: Math.round(os.totalmem() / 1048576),
      node: process.version,
      exceljs: exceljsVersion(),
      loadAverageStart: loadAverageStart.map((x) => round(x, 2)),
      loadAverageEnd: os.loadavg().map((x) => round(x, 2)),
    },
    conditions: { note: options.note, memoryMethod: method, gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function' },
    options: {
      sizes,
      seed: options.seed,
      iterations: options.iterations ?? null,
      pairs: options.pairs,
      officeSizes: options.office ? [...options.officeSizes].sort((a, b) => a - b) : null,
      taskpaneLoads: options.taskpane ? options.taskpaneLoads : null,
      workbench: options.taskpane && options.workbench ? path.relative(repoRoot(), path.resolve(options.workbench)) : null,
    },
    files,
    engine,
    cli,
    office,
    taskpane,
    targets: evaluateTargets(engine, cli, office, taskpane),
  };
  if (options.out) {
    fs.mkdirSync(path.dirname(options.out), { recursive: true });
    fs.writeFileSync(options.out, JSON.stringify(results, null, 2) + '\n');
  }
  return results;
}

export function parseOptions(argv: string[]): BenchOptions {
  const root = repoRoot();
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`${name} needs a value`);
    return v;
  };
  const int = (name: string, fallback: number | undefined): number | undefined => {
    const v = value(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: not a positive integer: ${v}`);
    return n;
  };
  const counts = (name: string, fallback: string): number[] =>
    (value(name) ?? fallback).split(',').map((s) => {
      const n = Number(s.replace(/_/g, ''));
      if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: not a row count: ${s}`);
      return n;
    });
  const sizes = counts('--sizes', '1000,10000,100000');
  const workbench = value('--workbench');
  const out = value('--out') ?? path.join(root, 'bench', 'results.json');
  return {
    sizes,
    seed: int('--seed', DEFAULT_SEED) as number,
    iterations: int('--iterations', undefined),
    pairs: int('--pairs', 3) as number,
    tmpDir: path.resolve(value('--tmp') ?? path.join(root, 'bench', 'tmp')),
    out: out === '-' ? null : path.resolve(out),
    engine: !argv.includes('--no-engine'),
    cli: !argv.includes('--no-cli'),
    office: !argv.includes('--no-office'),
    officeSizes: counts('--office-sizes', TARGETS.officeSizes.join(',')),
    taskpane: !argv.includes('--no-taskpane'),
    taskpaneLoads: int('--loads', 5) as number,
    workbench: workbench === undefined ? null : path.resolve(workbench),
    note: value('--note') ?? '',
    warmup: !argv.includes('--no-warmup'),
    log: (line) => process.stderr.write(`${line}\n`),
  };
}

async function main(argv: string[]): Promise<void> {
  const options = parseOptions(argv);
  if (options.cli && options.pairs < 3) options.log(`note: --pairs ${options.pairs}: fewer than 3 pairs supports no claim`);
  if (options.engine && typeof (globalThis as { gc?: unknown }).gc !== 'function') options.log('note: run node with --expose-gc for steadier engine timings');
  const results = await runBench(options);
  process.stdout.write(formatTable(results) + '\n');
  if (options.out) process.stderr.write(`wrote ${path.relative(process.cwd(), options.out)}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
