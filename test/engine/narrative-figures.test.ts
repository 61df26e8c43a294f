/**
 * buildNarrative and computeFigures take shortcuts on long lists: programme keys read in place,
 * amounts written from their digits, sums in doubles by scale, low rates told from doubles. Each
 * must give what the plain definition gives, with the engine's fast paths on and off.
 */
import { analyze, type Analysis, type Figures, type ProjectRow } from '../../src/engine';
import { computeFigures } from '../../src/engine/figures';
import { D, type Dec, toWan } from '../../src/engine/money';
import { buildNarrative } from '../../src/engine/narrative';
import { setFastPaths } from '../../src/engine/num';
import { HEADER, project, sheet, type TestCell, workbook } from '../helpers/grid';

type Unit = '元' | '千元' | '万元';

function analysed(projects: TestCell[][], unit: Unit = '万元', threshold = 90): Analysis {
  const r = analyze(workbook(sheet('明细', [['某局2024年度项目支出明细表'], [`单位：${unit}`], HEADER, ...projects])), { threshold });
  if (!r.ok) throw new Error(r.error.code);
  return r.analysis;
}

/** The same with the fast paths off. */
function slowly<T>(f: () => T): T {
  const was = setFastPaths(false);
  try {
    return f();
  } finally {
    setFastPaths(was);
  }
}

function rand(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('programmes: rows whose names differ only by 中央/省级/市级/县级/区级 and white space', () => {
  /** The definition the narrative keeps to. */
  const key = (name: string): string => name.replace(/中央|省级|市级|县级|区级/g, '').replace(/\s+/g, '');

  /** Transfer rows with these names, 1.00 万元 each, no document number, no content. */
  function named(names: string[]): ProjectRow[] {
    const [template] = analysed([project(1, '模板', 1, 1, { category: '专项转移支付', level: '省' })]).rows;
    // The record's rate and amounts are read through getters, which a spread leaves out.
    const { rate, budget, executed, initialBudget } = template;
    return names.map((name, i) => ({ ...template, rate, budget, executed, initialBudget, row: i + 4, name }));
  }

  function expectGrouped(names: string[]): void {
    const rows = named(names);
    const paragraphs = buildNarrative({ rows, figures: computeFigures(rows, '万元', 90), unit: '万元', year: 2024, thresholdPercent: 90 });
    const groups = new Map<string, string[]>();
    for (const name of names) {
      const group = groups.get(key(name));
      if (group) group.push(name);
      else groups.set(key(name), [name]);
    }
    const transfers = paragraphs.slice(2, -1);
    expect(transfers).toHaveLength(groups.size);
    let g = 0;
    for (const group of groups.values()) {
      const intro = group.map((n) => `${n}专项资金1.00万元（为专项转移支付资金）`).join('及');
      const paragraph = transfers[g];
      g++;
      if (!paragraph.startsWith(`${g}、${intro}。`)) throw new Error(`programme ${g} (${JSON.stringify(group)}): ${JSON.stringify(paragraph.slice(0, 200))}`);
    }
  }

  test('every UTF-16 code unit between two characters: white space is dropped, nothing else', () => {
    const names = ['项目'];
    for (let c = 0; c <= 0xffff; c++) names.push(`项${String.fromCharCode(c)}目`);
    expectGrouped(names);
  });

  test('level words, their halves, white space and surrogate pairs mixed at random', () => {
    const alphabet = ['中', '央', '省', '市', '县', '区', '级', ' ', '\u3000', '\u00a0', '\t', '\u200b', '\ufeff', '\u180e', 'A', '1', '项', '𠀀', '中央', '省级'];
    const next = rand(20240601);
    const names: string[] = [];
    for (let i = 0; i < 4000; i++) {
      let name = '';
      const length = Math.floor(next() * 7);
      for (let j = 0; j < length; j++) name += alphabet[Math.floor(next() * alphabet.length)];
      names.push(name);
    }
    expectGrouped(names);
  });

  test('the cases that look alike', () => {
    expectGrouped(['项目', '项中央目', '项中 央目', '项中中央央目', '项中央央目', '项省级级目', '项 省 级目', '项县级目', '项区级目', '项市级目', '项市 级目', '项中央省级目', '项中央目 ', ' 项目']);
  });
});

describe('amounts and rates in the narrative are the same with the fast paths off', () => {
  const amounts = [0, 0.005, 0.004, -0.004, -0.005, 1.005, 87.2, 40.971, 4.5536, 300, 1e6, 1e-7, 12345678.125, 123456789012.345, 5e14, 9.99999999e15, 1e20, 0.1 + 0.2, 1 / 3, '1,234.5', '(12.5)'];

  test.each(['元', '千元', '万元'] as Unit[])('in %s', (unit) => {
    const next = rand(7);
    const projects: TestCell[][] = [];
    for (let i = 0; i < 400; i++) {
      const b = amounts[Math.floor(next() * amounts.length)];
      const e = next() < 0.5 ? b : amounts[Math.floor(next() * amounts.length)];
      const name = `项目${i % 150}${['中央', '省级', ''][i % 3]}资金`;
      projects.push(project(i + 1, name, b, e, { category: ['专项转移支付', '增发国债', '本级财政资金', '自筹'][i % 4], level: ['中央', '省', '市', '本级', ''][i % 5], reason: ['', '无', '资金下达较晚。'][i % 3] }));
    }
    // Rates on a tie of their hundredths of a percent (12.345%), and a hair off it.
    const ties: [number, number][] = [[2, 0.2469], [8, 0.9876], [3, 0.37035], [200, 24.69], [3, 0.370350000001], [3, 0.370349999999], [1e-7, 1.2345e-8]];
    ties.forEach(([b, e], i) => projects.push(project(500 + i, `并列${i}`, b, e, { category: '专项转移支付' })));
    const fast = analysed(projects, unit).narrative;
    const slow = slowly(() => analysed(projects, unit).narrative);
    expect(fast).toEqual(slow);
  });
});

describe('figures: the sums by scale and the low rates from doubles', () => {
  /** Every figure as text, the low-rate projects by row. */
  function plain(f: Figures): unknown {
    return JSON.parse(JSON.stringify({ ...f, lowExecution: f.lowExecution.map((r) => r.row) }));
  }

  function wan(rows: ProjectRow[], key: 'budget' | 'executed', unit: Unit): Dec {
    let total = new D(0);
    for (const r of rows) {
      const a = r[key];
      if (a) total = total.plus(toWan(a.value, unit));
    }
    return total;
  }

  function check(projects: TestCell[][], unit: Unit, threshold = 90): void {
    const a = analysed(projects, unit, threshold);
    const fast = computeFigures(a.rows, unit, threshold);
    const slow = slowly(() => computeFigures(a.rows, unit, threshold));
    expect(plain(fast)).toEqual(plain(slow));
    // Against decimal.js sums and rates, row by row.
    expect(fast.budget.eq(wan(a.rows, 'budget', unit))).toBe(true);
    expect(fast.executed.eq(wan(a.rows, 'executed', unit))).toBe(true);
    for (const c of fast.byCategory) {
      const rows = a.rows.filter((r) => r.category === c.category);
      expect(c.budget.eq(wan(rows, 'budget', unit))).toBe(true);
      for (const [level, sums] of Object.entries(c.byLevel)) expect(sums.executed.eq(wan(rows.filter((r) => r.level === level), 'executed', unit))).toBe(true);
    }
    for (const o of fast.byOffice) expect(o.executed.eq(wan(a.rows.filter((r) => (r.office || '（未填写科室）') === o.office), 'executed', unit))).toBe(true);
    const low = a.rows.filter((r) => r.rate !== null && r.rate.lt(new D(threshold).div(100))).map((r) => r.row);
    expect(fast.lowExecution.map((r) => r.row)).toEqual(low);
  }

  function table(amounts: TestCell[], seed: number): TestCell[][] {
    const next = rand(seed);
    const projects: TestCell[][] = [];
    for (let i = 0; i < 300; i++) {
      const b = amounts[Math.floor(next() * amounts.length)];
      const e = amounts[Math.floor(next() * amounts.length)];
      projects.push(project(i + 1, `项目${i}`, b, e, { category: ['专项转移支付', '本级财政资金', '自筹', '债券资金'][i % 4], level: ['中央', '省', '区级', '乡镇'][i % 4], office: ['办公室', '', '财务科'][i % 3] }));
    }
    return projects;
  }

  // Up to 3 decimals: at most 7 in 万元 whatever the unit, all summed by scale.
  const byScale: TestCell[] = [85, 87.2, 40.971, 40.97, 300, 1e6, 1.5e9, 0.1 + 0.2, 1.005, '1,234.5', '12.5', -12.5, 0, 0.001];

  test.each(['元', '千元', '万元'] as Unit[])('amounts summed by scale, in %s', (unit) => check(table(byScale, 11), unit));

  test.each(['元', '千元', '万元'] as Unit[])('with amounts too fine for it, in %s', (unit) => check(table([...byScale, 0.12345678, 1 / 3, 4.5536], 13), unit));

  test('sums past 2^53 at one scale', () => {
    const projects: TestCell[][] = [];
    for (let i = 0; i < 2000; i++) projects.push(project(i + 1, `项目${i}`, 9e12 + i / 100, 4.5e12, { category: '本级财政资金' }));
    check(projects, '万元');
  });

  test('rates on either side of the threshold, by a hair', () => {
    const projects: TestCell[][] = [];
    const budgets = [100, 87.2, 7.27, 1e-7, 123456789.123456, 3];
    let n = 0;
    for (const b of budgets) {
      for (const f of [0.9, 0.9 * (1 + 1e-12), 0.9 * (1 - 1e-12), 0.4699, 1, 0.855, 0.85500001]) {
        n++;
        projects.push(project(n, `项目${n}`, b, b * f));
      }
    }
    for (const threshold of [90, 85.5, 46.99, 100]) check(projects, '万元', threshold);
  });
});
