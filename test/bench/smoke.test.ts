/**
 * A short run of the benchmark (issue 4) at 200 rows: the generator, the engine phases, the
 * command line against bare exceljs as whole processes, the Office host on the fake Excel at 100
 * rows beside its sync-per-row version, the task pane's bundle (dist/, built when missing) and one
 * load of the built workbench in headless Chromium (dist-workbench, built when missing, as the
 * browser tests do), the table and results.json, end to end. Times prove nothing here; the shape
 * does. The full run is `npm run bench`.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateRows } from '../../scripts/bench/generate';
import type { OfficeSizeResult } from '../../scripts/bench/office';
import {
  type BenchResults,
  ENGINE_PHASES,
  HOST_PHASES,
  type EngineResult,
  type OfficeSection,
  TARGETS,
  evaluateTargets,
  formatTable,
  runBench,
} from '../../scripts/bench/run';
import { CHROMIUM, type TaskpaneResult } from '../../scripts/bench/taskpane';

const ROOT = path.resolve(__dirname, '../..');
const WORKBENCH = path.join(ROOT, 'dist-workbench');

/** The built workbench; built here when `npm run build:workbench` has not run (as test/e2e does). */
function ensureWorkbench(): void {
  if (fs.existsSync(path.join(WORKBENCH, 'index.html'))) return;
  execFileSync(path.join(ROOT, 'node_modules/.bin/webpack'), ['--mode', 'development', '--env', 'workbench'], { cwd: ROOT, stdio: 'pipe' });
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jixiao-bench-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const positive = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x) && x > 0;

test('the generator gives the same clean list for the same seed', () => {
  const a = generateRows(300, 7);
  expect(generateRows(300, 7)).toEqual(a);
  expect(generateRows(300, 8)).not.toEqual(a);
  expect(new Set(a.map((r) => `${r.name}|${r.docNumber}`)).size).toBe(300);
  for (const r of a) {
    expect(r.name.length).toBeGreaterThanOrEqual(20);
    expect(r.name.length).toBeLessThanOrEqual(48);
    expect(r.executed).toBeLessThanOrEqual(r.budget);
    expect(Number.isInteger(r.budget)).toBe(true);
  }
});

test('a 200-row run: every section measured, results.json of the expected shape', async () => {
  ensureWorkbench();
  const out = path.join(tmp, 'results.json');
  const lines: string[] = [];
  const results = await runBench({
    sizes: [200],
    seed: 20240601,
    iterations: 1,
    pairs: 1,
    tmpDir: path.join(tmp, 'work'),
    out,
    engine: true,
    cli: true,
    office: true,
    officeSizes: [100],
    taskpane: true,
    taskpaneLoads: 1,
    workbench: WORKBENCH,
    note: 'smoke',
    warmup: false,
    log: (l) => lines.push(l),
  });
  const written = JSON.parse(fs.readFileSync(out, 'utf8')) as BenchResults;
  expect(written).toEqual(JSON.parse(JSON.stringify(results)));

  expect(written.schema).toBe('jixiao-bench/1');
  expect(typeof written.machine.cpuModel).toBe('string');
  expect(positive(written.machine.cpuCount)).toBe(true);
  expect(positive(written.machine.totalMemoryMB)).toBe(true);
  expect(written.machine.node).toBe(process.version);
  expect(written.conditions.note).toBe('smoke');
  expect(written.files).toEqual([expect.objectContaining({ rows: 200 })]);

  // The engine found the whole clean list, and timed every phase.
  const [e] = written.engine;
  expect(e).toMatchObject({ rows: 200, projects: 200, iterations: 1, counts: { error: 0 } });
  for (const phase of ['exceljsRead', ...ENGINE_PHASES, 'engine', ...HOST_PHASES] as const) {
    expect(Number.isFinite(e.medianMs[phase]) && e.medianMs[phase] >= 0).toBe(true);
  }
  expect(positive(e.ratioToRead)).toBe(true);
  expect(positive(e.per1kRowsMs)).toBe(true);
  // The bench's workbooks are plain ones: the fast reader builds their grid, not exceljs.
  expect(e.reader).toBe('fast');

  // The command line ran as whole processes beside the bare exceljs scripts, with peak memory.
  const [c] = written.cli;
  expect(c.rows).toBe(200);
  for (const cmp of [c.check, c.fill]) {
    expect(cmp.toolMs).toHaveLength(1);
    expect(cmp.bareMs).toHaveLength(1);
    expect(positive(cmp.ratio)).toBe(true);
    expect(positive(cmp.medianToolPeakMB)).toBe(true);
    expect(positive(cmp.medianBarePeakMB)).toBe(true);
    expect(positive(cmp.memoryRatio)).toBe(true);
  }

  // The Office host on the fake Excel: both actions, metered, beside the sync-per-row version.
  const office = written.office as OfficeSection;
  expect(office.limits).toEqual({ requestBytes: 5_000_000, responseBytes: 5_000_000 });
  expect(office.sizes).toHaveLength(1);
  const [o] = office.sizes;
  expect(o).toMatchObject({ rows: 100, columns: 20, projects: 100, errors: 0, sheetsWritten: ['预算执行汇总', '绩效自评文字'] });
  expect(o.actions.map((a) => a.action)).toEqual(['validate', 'fill']);
  for (const a of o.actions) {
    expect(a.sameResult).toBe(true);
    for (const m of [a.host, a.naive]) {
      expect(m.failedSyncs).toBe(0);
      expect(positive(m.maxRequestBytes) && positive(m.maxResponseBytes)).toBe(true);
      expect(m.totalRequestBytes).toBeGreaterThanOrEqual(m.maxRequestBytes);
      expect(m.totalResponseBytes).toBeGreaterThanOrEqual(m.maxResponseBytes);
      expect(m.maxRequestBytes).toBeLessThanOrEqual(office.limits.requestBytes);
      expect(m.limitFloorSyncs).toBeGreaterThanOrEqual(1);
      expect(m.syncs).toBeGreaterThanOrEqual(m.limitFloorSyncs);
    }
    // A sync per row: at least one per row of the table read.
    expect(a.naive.syncs).toBeGreaterThan(o.rows);
    expect(a.host.syncs).toBeLessThan(10);
  }

  // The task pane: dist/'s initial JavaScript as `npm run build` reports it, and one load.
  const tp = written.taskpane as TaskpaneResult;
  expect(tp.bundle.scripts.length).toBeGreaterThan(0);
  expect(positive(tp.bundle.gzipBytes)).toBe(true);
  expect(tp.bundle.rawBytes).toBeGreaterThan(tp.bundle.gzipBytes);
  expect(tp.bundle.budgetBytes).toBe(TARGETS.taskpaneMaxGzipBytes);
  if (fs.existsSync(CHROMIUM)) {
    expect(tp.load).toMatchObject({ served: 'dist-workbench', build: 'given', loads: 1 });
    expect(tp.load?.paneMs).toHaveLength(1);
    expect(positive(tp.load?.medianPaneMs)).toBe(true);
    // The workbench's page starts before the pane's iframe does.
    expect(tp.load?.medianPageMs).toBeGreaterThan(tp.load?.medianPaneMs ?? Infinity);
  } else expect(tp.loadSkipped).toContain(CHROMIUM);

  // One office size: constancy across sizes is not measured; everything else is.
  expect(written.targets.filter((t) => t.met === null).map((t) => t.id)).toEqual(['office-syncs', 'office-syncs']);
  expect(written.targets.find((t) => t.id === 'office-request')).toMatchObject({ rows: 100, met: true });
  expect(written.targets.find((t) => t.id === 'taskpane-bundle')?.measured).toBe(tp.bundle.gzipBytes);

  const text = formatTable(written);
  expect(text).toContain('Engine, in process');
  expect(text).toContain('Command line, whole processes');
  expect(text).toContain('Office host on the fake Excel');
  expect(text).toContain('Task pane: initial JavaScript');
  expect(text).not.toContain('LATER');
  expect(lines.join('\n')).toContain('engine 200');
  expect(lines.join('\n')).toContain('office 100 fill');
}, 240_000);

test('targets: Office syncs constant across sizes, no request over the limit, the pane within budget', () => {
  const size = (rows: number, validate: number, fill: number, largestRequest: number): OfficeSizeResult =>
    ({
      rows,
      actions: [
        { action: 'validate', host: { syncs: validate, maxRequestBytes: 2000, limitFloorSyncs: 1 } },
        { action: 'fill', host: { syncs: fill, maxRequestBytes: largestRequest, limitFloorSyncs: 1 } },
      ],
    }) as OfficeSizeResult;
  const office = (sizes: OfficeSizeResult[]): OfficeSection => ({ target: '', limits: { requestBytes: 5_000_000, responseBytes: 5_000_000 }, sizes });
  const pane = (gzipBytes: number): TaskpaneResult => ({ target: '', bundle: { gzipBytes, dist: 'dist' } as TaskpaneResult['bundle'], load: null });

  const t = evaluateTargets([], [], office([size(20_000, 2, 9, 5_000_001), size(100, 2, 4, 1000)]), pane(300 * 1024));
  expect(t.filter((x) => x.id === 'office-syncs').map((x) => [x.rows, x.measured, x.met])).toEqual([
    [20_000, 1, true],
    [20_000, 2.25, false],
  ]);
  expect(t.filter((x) => x.id === 'office-request').map((x) => [x.rows, x.met])).toEqual([
    [100, true],
    [20_000, false],
  ]);
  expect(t.find((x) => x.id === 'taskpane-bundle')?.met).toBe(true);
  expect(evaluateTargets([], [], null, pane(300 * 1024 + 1)).find((x) => x.id === 'taskpane-bundle')?.met).toBe(false);
  // Not run: each target present, none met or missed.
  const none = evaluateTargets([], [], null, null);
  expect(none.map((x) => [x.id, x.met])).toEqual([
    ['office-syncs', null],
    ['office-syncs', null],
    ['office-request', null],
    ['taskpane-bundle', null],
  ]);
});

test('targets: ratios from 10,000 rows, linear growth between sizes', () => {
  const engine = (rows: number, ratio: number, per1k: number): EngineResult =>
    ({ rows, ratioToRead: ratio, per1kRowsMs: per1k }) as EngineResult;
  const targets = evaluateTargets([engine(1000, 0.5, 10), engine(10_000, 0.09, 9), engine(100_000, 0.2, 27)], []);
  expect(targets.filter((t) => t.id === 'engine-ratio').map((t) => [t.rows, t.met])).toEqual([
    [10_000, true],
    [100_000, false],
  ]);
  // 9 → 27 ms per 1,000 rows is growth of 3×: not linear.
  expect(targets.filter((t) => t.id === 'engine-linear').map((t) => [t.rows, t.met])).toEqual([
    [10_000, true],
    [100_000, false],
  ]);
});
