/**
 * The engine's fast paths (src/engine/num.ts, the Quantity checks in interval.ts, rates.ts) must
 * answer exactly what the decimal.js paths answer. Unit properties first, then the whole engine
 * run twice — fast paths on and off — over generated tables full of boundary cases, the fixtures,
 * the sample and (when present) the reference workbook: every issue, figure, sentence and planned
 * cell must be the same.
 */
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { analyze, planWrite, toReport, type WorkbookGrid } from '../../src/engine';
import { rowsOf } from '../../src/engine/plan';
import { exceeds, meet, quotientInterval, scaleInterval, Quantity, exceedsFast, rateMeetsFast, sumIntervals, sumQuantities } from '../../src/engine/interval';
import { D, decimalFromDouble, formatFixed } from '../../src/engine/money';
import { ExactSum, Num, digits15, digitsOfString, digitsToString, formatDigits, setFastPaths } from '../../src/engine/num';
import { readWorkbookFile } from '../../src/xlsx/read';
import { HEADER, sheet, type TestCell, workbook } from '../helpers/grid';
import { REFERENCE, haveReference } from '../helpers/shared';

const SEED = 20261125;

/** Doubles of every kind a cell holds: money with few decimals, float noise, ties, extremes. */
const doubles = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -1e9, max: 1e9 }).chain((m) => fc.integer({ min: 0, max: 8 }).map((k) => m / 10 ** k)),
  fc.integer({ min: 0, max: 1e6 }).chain((m) => fc.constantFrom(m / 100 + 0.005, m / 1000 + 0.0005, (m + 0.5) / 1e4, m * 0.1 + 0.2)),
  fc.constantFrom(0.1 + 0.2, 1.005, 1357.3849999999998, 1406.3348999999998, 0.965193283619713, 999999999999999.9, 1e15, 1e-7, 5e-324, 1.7976931348623157e308, -0, 0.5, 2.5e-15, 123456789.12345679),
);

/**
 * Values whose sums and interval ends fit decimal.js's 40 significant digits (from 1e-6 to 1e13):
 * beyond them the decimal.js path itself rounds, and the fast path's exact sums are the truer.
 */
const money = doubles.filter((x) => x === 0 || (Math.abs(x) >= 1e-6 && Math.abs(x) <= 1e13));

describe('num.ts units', () => {
  test('digits15 is toPrecision(15), for any double', () => {
    fc.assert(
      fc.property(doubles, (x) => {
        const got = digits15(x);
        const want = x === 0 ? { neg: false, m: 0, k: 0 } : digitsOfString(x.toPrecision(15));
        expect(got).toEqual(want);
      }),
      { seed: SEED, numRuns: 20_000 },
    );
  });

  test('Num holds the decimal of decimalFromDouble, and compares exactly', () => {
    fc.assert(
      fc.property(doubles, doubles, (x, y) => {
        const a = Num.fromDouble(x);
        const b = Num.fromDouble(y);
        expect(a.value.eq(decimalFromDouble(x))).toBe(true);
        expect(a.toFixed()).toBe(decimalFromDouble(x).toFixed());
        expect(Num.compare(a, b)).toBe(decimalFromDouble(x).comparedTo(decimalFromDouble(y)));
        expect(a.isNegative()).toBe(decimalFromDouble(x).lt(0));
        expect(a.isZero()).toBe(decimalFromDouble(x).isZero());
      }),
      { seed: SEED, numRuns: 20_000 },
    );
  });

  test('formatDigits rounds half up as formatFixed does', () => {
    fc.assert(
      fc.property(doubles, fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 4 }), (x, places, shift) => {
        const d = digits15(x);
        const shifted = { ...d, k: d.k + shift };
        expect(formatDigits(shifted, places)).toBe(formatFixed(new D(digitsToString(shifted)), places));
      }),
      { seed: SEED, numRuns: 20_000 },
    );
  });

  test('ExactSum adds exactly, past the safe integers too', () => {
    fc.assert(
      fc.property(fc.array(money, { maxLength: 60 }), fc.integer({ min: 0, max: 4 }), (xs, shift) => {
        const sum = new ExactSum();
        let want = new D(0);
        for (const x of xs) {
          sum.add(Num.fromDouble(x), shift);
          want = want.plus(decimalFromDouble(x).div(10 ** shift));
        }
        expect(sum.value().eq(want)).toBe(true);
      }),
      { seed: SEED, numRuns: 3_000 },
    );
    // 100,000 amounts of 15 digits: the partial sums leave the safe range many times.
    const big = new ExactSum();
    let want = new D(0);
    for (let i = 0; i < 100_000; i++) {
      const x = 987654321.123456 + i;
      big.add(Num.fromDouble(x));
      want = want.plus(decimalFromDouble(x));
    }
    expect(big.value().toFixed()).toBe(want.toFixed());
  });

  test('the fast checks answer as the interval functions do, or not at all', () => {
    const quantity = fc.record({ x: money, shown: fc.option(fc.integer({ min: -3, max: 6 })), fromDouble: fc.boolean() });
    const q = (v: { x: number; shown: number | null; fromDouble: boolean }): Quantity => new Quantity(Num.fromDouble(v.x), v.shown, v.fromDouble);
    let decided = 0;
    fc.assert(
      fc.property(quantity, quantity, quantity, fc.boolean(), (a, b, r, percent) => {
        const qa = q(a);
        const qb = q(b);
        const fast = exceedsFast(qa, qb);
        if (fast !== undefined) {
          decided++;
          expect(fast).toBe(exceeds(qa.interval, qb.interval));
        }
        const qr = q(r);
        const meets = rateMeetsFast(qr, percent, qa, qb);
        const computed = quotientInterval(qa.interval, qb.interval);
        if (meets !== undefined) {
          expect(computed).not.toBeNull();
          const reported = percent ? scaleInterval(qr.interval, new D(1).div(100)) : qr.interval;
          expect(meets).toBe(meet(reported, computed as NonNullable<typeof computed>));
        }
        const sum = sumQuantities([qa, qb, qr]);
        const want = sumIntervals([qa.interval, qb.interval, qr.interval]);
        expect([sum.lo.eq(want.lo), sum.hi.eq(want.hi)]).toEqual([true, true]);
      }),
      { seed: SEED, numRuns: 10_000 },
    );
    expect(decided).toBeGreaterThan(5_000);
  });

  test('near ties: a rate within a hair of its reported value, an amount within a hair of its budget', () => {
    // Pairs built to sit on the boundary of each check: the fast path must defer or agree.
    for (let i = 1; i <= 2000; i++) {
      const budget = i * 1.37;
      for (const executed of [budget, budget + 0.005, budget + 0.0049, budget - 0.005, budget * 0.9]) {
        const qb = new Quantity(Num.fromDouble(budget), 2, true);
        const qe = new Quantity(Num.fromDouble(executed), 2, true);
        const fast = exceedsFast(qe, qb);
        if (fast !== undefined) expect(fast).toBe(exceeds(qe.interval, qb.interval));
        const rate = executed / budget;
        for (const reported of [rate, Math.round(rate * 1e4) / 1e4, Math.round(rate * 1e4) / 1e4 + 0.00005]) {
          const qr = new Quantity(Num.fromDouble(reported), 4, true);
          const m = rateMeetsFast(qr, false, qe, qb);
          if (m !== undefined) expect(m).toBe(meet(qr.interval, quotientInterval(qe.interval, qb.interval) as NonNullable<ReturnType<typeof quotientInterval>>));
        }
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The whole engine, both ways

/** Everything a host takes from the engine, as plain JSON. */
function outcome(grid: WorkbookGrid, threshold: number): string {
  const result = analyze(grid, { threshold });
  if (!result.ok) return JSON.stringify(result.error);
  const report = toReport(result.analysis, 'f.xlsx', 'zh');
  const written = planWrite(grid, result.analysis, { mode: 'fill', force: true }).plan;
  // Every planned row, made: a sheet plan's rows are made on demand.
  const plan = { ...written, sheets: written.sheets.map((s) => ({ ...s, cells: rowsOf(s) })) };
  const exact = result.analysis.rows.map((r) => [r.rate?.toFixed() ?? null, r.budget?.value.toFixed(), r.budget?.interval.lo.toFixed()]);
  const figures = { ...result.analysis.figures, lowExecution: result.analysis.figures.lowExecution.map((r) => r.row) };
  return JSON.stringify({ report, plan, exact, figures });
}

function bothWays(grid: WorkbookGrid, threshold = 90): [unknown, unknown] {
  const fast = outcome(grid, threshold);
  const was = setFastPaths(false);
  try {
    return [JSON.parse(fast), JSON.parse(outcome(grid, threshold))];
  } finally {
    setFastPaths(was);
  }
}

/** A table of projects whose amounts sit on every boundary the checks have. */
function boundaryTable(rand: () => number, rows: number): WorkbookGrid {
  const pick = <T,>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const formats = ['#,##0.00', '0.00', 'General', '0', '0.0000', '#,##0.00,', '0.000'];
  const rateFormats = ['0.00%', '0.0000', 'General', '0.00'];
  const lines: TestCell[][] = [['2024年度项目支出明细'], ['单位：万元'], HEADER];
  let sumB = 0;
  let sumE = 0;
  for (let i = 0; i < rows; i++) {
    const budget = pick([Math.round(rand() * 1e6) / 100, Math.round(rand() * 1e8) / 1e4, Math.round(rand() * 1000), 0.1 + 0.2, 1.005, 87.2, 7.27, 1e-7, 123456789.123456, 0]);
    const executed = pick([
      budget,
      budget * 0.9,
      budget * 0.9 + 1e-12,
      budget + 0.005,
      budget + 0.0049,
      budget - 0.005,
      Math.round(budget * rand() * 100) / 100,
      40.97,
      4.5536,
      -1,
    ]);
    sumB += budget;
    sumE += executed;
    const rate = budget === 0 ? 0 : executed / budget;
    const reported = pick([rate, Math.round(rate * 1e4) / 1e4, Math.round(rate * 1e4) / 1e4 + 0.00005, rate * 100, Math.round(rate * 1e4) / 100, `${(rate * 100).toFixed(2)}%`, 0.4699, 0.6264, 0.6426]);
    const fmt = pick(formats);
    lines.push([
      i + 1,
      pick(['道路维修', '学校建设', '信息化系统建设', '河道 综合治理', 'ＡＢＣ项目', '老旧小区改造（中央）', '老旧小区改造（省级）']) + (rand() < 0.9 ? String(i) : ''),
      pick(['唐财建〔2024〕10号', '唐财建[2024]11号', '冀财预【2023】5号', '唐财建2024-10', '']),
      pick(['本级财政资金', '专项转移支付', '增发国债资金', '一般性转移支付', '区级财政资金', '未知类别', '']),
      pick(['中央', '省级', '市', '区本级', '乡镇', '']),
      rand() < 0.05 ? String(budget) : { v: budget, fmt },
      rand() < 0.05 ? `${executed}` : { v: executed, fmt },
      typeof reported === 'string' ? reported : { v: reported, fmt: pick(rateFormats) },
      pick(['', '项目跨年度实施', '无', '—']),
      pick(['办公室', '财务科', '规划科', '']),
    ]);
  }
  const total = pick([sumB, Math.round(sumB * 100) / 100, sumB + 0.01, sumB + 0.004]);
  lines.push(['合计', '', '', '', '', { v: total, fmt: pick(formats) }, { v: pick([sumE, Math.round(sumE * 100) / 100, sumE - 0.006]), fmt: '#,##0.00' }, { v: sumB === 0 ? 0 : sumE / sumB, fmt: '0.00%' }, '', '']);
  return workbook(sheet('项目明细', lines));
}

function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

describe('the engine gives the same answers with and without its fast paths', () => {
  test('300 generated tables on the checks’ boundaries', () => {
    const rand = sfc32(SEED, 1, 2, 3);
    for (let i = 0; i < 300; i++) {
      const grid = boundaryTable(rand, 5 + Math.floor(rand() * 40));
      const threshold = [90, 85, 100, 46.99][i % 4];
      const [fast, slow] = bothWays(grid, threshold);
      expect(fast).toEqual(slow);
    }
  });

  const files = [
    ...fs
      .readdirSync(path.join(__dirname, '..', 'fixtures', 'issues'))
      .filter((f) => f.endsWith('.xlsx'))
      .map((f) => path.join(__dirname, '..', 'fixtures', 'issues', f)),
    path.join(__dirname, '..', '..', 'assets', 'sample', 'sample-projects.xlsx'),
  ];
  test.each(files.map((f) => [path.basename(f), f]))('%s', async (_name, file) => {
    const read = await readWorkbookFile(file);
    if (!read.ok) throw new Error(read.error.code);
    const [fast, slow] = bothWays(read.grid);
    expect(fast).toEqual(slow);
  });

  (haveReference() ? test : test.skip)('the reference workbook', async () => {
    const read = await readWorkbookFile(REFERENCE);
    if (!read.ok) throw new Error(read.error.code);
    const [fast, slow] = bothWays(read.grid);
    expect(fast).toEqual(slow);
  });
});
