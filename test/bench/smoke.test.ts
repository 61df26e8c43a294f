/**
 * A short run of the benchmark (issue 4) at 200 rows: the generator, the engine phases, the
 * command line against bare exceljs as whole processes, the table and results.json, end to end.
 * Times prove nothing here; the shape does. The full run is `npm run bench`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateRows } from '../../scripts/bench/generate';
import { type BenchResults, ENGINE_PHASES, HOST_PHASES, type EngineResult, evaluateTargets, formatTable, runBench } from '../../scripts/bench/run';

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

test('a 200-row run: every section measured or marked LATER, results.json of the expected shape', async () => {
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

  // Not yet measurable: a marked section, never a number.
  expect(written.office).toMatchObject({ status: 'later', actions: [] });
  expect(written.taskpane).toMatchObject({ status: 'later' });
  expect(written.targets.filter((t) => t.met === null).map((t) => t.id)).toEqual(['office-syncs', 'taskpane-bundle']);

  const text = formatTable(written);
  expect(text).toContain('Engine, in process');
  expect(text).toContain('Command line, whole processes');
  expect(text).toMatch(/Office host.*LATER/);
  expect(lines.join('\n')).toContain('engine 200');
}, 90_000);

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
