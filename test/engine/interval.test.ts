import { D, decimalFromDouble, formatRate, parseNumberText } from '../../src/engine/money';
import {
  Interval,
  cellInterval,
  displayDecimals,
  exactInterval,
  exceeds,
  meet,
  quotientInterval,
  scaleInterval,
  sumIntervals,
} from '../../src/engine/interval';

/** "[lo, hi]" in plain notation, to compare intervals as the user would read them. */
function show(i: Interval | null): string {
  return i === null ? 'null' : `[${i.lo.toFixed()}, ${i.hi.toFixed()}]`;
}

function iv(lo: string, hi: string): Interval {
  return { lo: new D(lo), hi: new D(hi) };
}

/** A numeric cell as a host hands it over: a double and its number format. */
function cell(x: number, numberFormat: string): Interval {
  return cellInterval(decimalFromDouble(x), displayDecimals(numberFormat), true);
}

/** Does the reported rate cell agree with executed ÷ budget under the rounding rule? */
function rateAgrees(executed: Interval, budget: Interval, reported: Interval): boolean {
  const rate = quotientInterval(executed, budget);
  if (rate === null) throw new Error('no rate');
  return meet(rate, reported);
}

describe('displayDecimals', () => {
  const cases: [string, number | null][] = [
    ['0.00', 2],
    ['#,##0.00', 2],
    ['#,##0.00_);[Red](#,##0.00)', 2],
    ['#,##0.00_);(#,##0.00);"-"', 2],
    ['_(* #,##0.00_);_(* (#,##0.00);_(* "-"??_);_(@_)', 2],
    ['0', 0],
    ['#,##0', 0],
    ['0.0', 1],
    ['0.000000', 6],
    ['0.##', 2],
    ['0.0?', 2],
    ['0.00%', 4],
    ['0%', 2],
    ['0.0%', 3],
    ['"¥"#,##0.00', 2],
    ['[$¥-804]#,##0.00', 2],
    ['¥#,##0.00;¥-#,##0.00', 2],
    ['[Red]0.00', 2],
    ['#,##0.00"万元"', 2],
    ['#,##0.00\\元', 2],
    ['0.00"%"', 2],
    ['0.00\\%', 2],
    ['0.00,', -1],
    ['#,##0,', -3],
    ['#,##0.00,,', -4],
    ['0.00,"千"', -1],
    ['[DBNum1][$-804]General', null],
    ['General', null],
    ['general', null],
    ['@', null],
    ['', null],
    ['0.00E+00', null],
    ['##0.0E+0', null],
    ['# ?/?', null],
    ['yyyy-mm-dd', null],
    ['m/d/yyyy', null],
    ['yyyy"年"m"月"d"日"', null],
    ['[$-804]yyyy"年"m"月"d"日";@', null],
    ['h:mm:ss', null],
    ['[h]:mm', null],
    ['mm:ss.0', null],
    ['h:mm AM/PM', null],
    [';;;', null],
  ];

  it.each(cases)('%j shows %p decimals of the stored value', (format, decimals) => {
    expect(displayDecimals(format)).toBe(decimals);
  });
});

describe('exactInterval', () => {
  it('is [0, 0] for 0', () => {
    expect(show(exactInterval(new D(0)))).toBe('[0, 0]');
  });

  it('spans one unit of the 15th significant digit either side', () => {
    expect(show(exactInterval(new D('40.971')))).toBe('[40.9709999999999, 40.9710000000001]');
    expect(show(exactInterval(new D('-40.971')))).toBe('[-40.9710000000001, -40.9709999999999]');
    expect(show(exactInterval(new D('1e-7')))).toBe('[0.000000099999999999999, 0.000000100000000000001]');
  });

  it("lets the reference rate cell's double meet the exact decimal quotient", () => {
    // I25 = H25/G25, cached by the spreadsheet from float sums.
    const rateCell = decimalFromDouble(0.965193283619713);
    const exact = new D('1357.385').div('1406.3349');
    expect(exact.toFixed(20)).toBe('0.96519328361971248811');
    // Half a unit of the 15th digit would start at …7125 and miss the quotient by 1.2e-17.
    expect(exact.lt('0.9651932836197125')).toBe(true);
    const interval = exactInterval(rateCell);
    expect(show(interval)).toBe('[0.965193283619712, 0.965193283619714]');
    expect(meet(interval, { lo: exact, hi: exact })).toBe(true);
  });
});

describe('cellInterval', () => {
  it('gives ± half a unit of the last displayed digit', () => {
    expect(show(cellInterval(new D('85'), 2, true))).toBe('[84.995, 85.005]');
    expect(show(cellInterval(new D('87.2'), 2, true))).toBe('[87.195, 87.205]');
    expect(show(cellInterval(new D('40.97'), 2, true))).toBe('[40.965, 40.975]');
    expect(show(cellInterval(new D('85'), 0, true))).toBe('[84.5, 85.5]');
    expect(show(cellInterval(new D('0'), 2, true))).toBe('[-0.005, 0.005]');
  });

  it('takes a value stored with more decimals than shown as exact', () => {
    expect(show(cellInterval(new D('40.971'), 2, true))).toBe(show(exactInterval(new D('40.971'))));
    expect(show(cellInterval(new D('40.971'), 2, false))).toBe('[40.971, 40.971]');
    expect(show(cellInterval(new D('4.5536'), 2, true))).toBe(show(exactInterval(new D('4.5536'))));
  });

  it('takes General (null) as exact', () => {
    expect(show(cellInterval(new D('85'), null, true))).toBe(show(exactInterval(new D('85'))));
    expect(show(cellInterval(new D('85'), null, false))).toBe('[85, 85]');
  });

  it('reads a text number by the decimals written in it', () => {
    const t = parseNumberText('85.00');
    expect(t).toBeDefined();
    if (!t) return;
    expect(show(cellInterval(t.value, t.decimals, false))).toBe('[84.995, 85.005]');
  });

  it('handles formats that show thousands (negative decimals)', () => {
    // "0.00," shows 12340 as 12.34: it stands for [12335, 12345]; 12345 shows more than that.
    expect(show(cellInterval(new D('12340'), -1, true))).toBe('[12335, 12345]');
    expect(show(cellInterval(new D('12345'), -1, false))).toBe('[12345, 12345]');
    expect(show(cellInterval(new D('12000'), -3, false))).toBe('[11500, 12500]');
  });

  it('reads a percent cell in fractions of the stored value', () => {
    expect(show(cell(0.4699, '0.00%'))).toBe('[0.46985, 0.46995]');
    expect(show(cell(0.47, '0.00%'))).toBe('[0.46995, 0.47005]');
    expect(show(cell(1, '0%'))).toBe('[0.995, 1.005]');
  });
});

describe('the rounding-aware rate check, with the seed numbers', () => {
  // 唐财建[2024]10号: 87.20 budget, 40.97 executed, reported 46.99%.
  it('passes 46.99% and fails 47.00% for displayed 40.97 / 87.20', () => {
    const executed = cell(40.97, '0.00');
    const budget = cell(87.2, '0.00');
    // The trap: the printed figures alone give 46.98%.
    expect(formatRate(new D('40.97').div('87.20'))).toBe('46.98');
    expect(rateAgrees(executed, budget, cell(0.4699, '0.00%'))).toBe(true);
    expect(rateAgrees(executed, budget, cell(0.47, '0.00%'))).toBe(false);
  });

  it('passes 46.99% and fails 47.00% for stored 40.971 / 87.2', () => {
    const executed = cell(40.971, '0.00');
    const budget = cell(87.2, '0.00');
    // 40.971 has 3 decimals in a 2-decimal format: exact. 87.2 is not.
    expect(executed.hi.minus(executed.lo).lt('1e-12')).toBe(true);
    expect(show(budget)).toBe('[87.195, 87.205]');
    expect(rateAgrees(executed, budget, cell(0.4699, '0.00%'))).toBe(true);
    expect(rateAgrees(executed, budget, cell(0.47, '0.00%'))).toBe(false);
  });

  // 唐财建[2024]11号: 7.27 budget, 4.55 executed, reported 62.64%.
  it('passes 62.64% for displayed 4.55 / 7.27', () => {
    expect(formatRate(new D('4.55').div('7.27'))).toBe('62.59');
    expect(rateAgrees(cell(4.55, '0.00'), cell(7.27, '0.00'), cell(0.6264, '0.00%'))).toBe(true);
  });

  it('fails 64.26% but passes 62.64% for stored 4.5536 / 7.27', () => {
    const executed = cell(4.5536, '#,##0.00');
    const budget = cell(7.27, '#,##0.00');
    expect(rateAgrees(executed, budget, cell(0.6426, '0.00%'))).toBe(false);
    expect(rateAgrees(executed, budget, cell(0.6264, '0.00%'))).toBe(true);
  });

  it('reads a rate typed as text the same way', () => {
    const t = parseNumberText('46.99%');
    expect(t?.percent).toBe(true);
    if (!t) return;
    const reported = scaleInterval(cellInterval(t.value, t.decimals, false), new D('0.01'));
    expect(show(reported)).toBe('[0.46985, 0.46995]');
    expect(rateAgrees(cell(40.97, '0.00'), cell(87.2, '0.00'), reported)).toBe(true);
  });

  it('checks the reference totals: 1357.385 / 1406.3349 is 96.52%', () => {
    const executed = cell(1357.385, '#,##0.00');
    const budget = cell(1406.3349, '#,##0.00');
    const rateCell = cell(0.965193283619713, '0.00%');
    expect(rateAgrees(executed, budget, rateCell)).toBe(true);
    expect(rateAgrees(executed, budget, cell(0.9652, '0.00%'))).toBe(true);
    expect(rateAgrees(executed, budget, cell(0.9653, '0.00%'))).toBe(false);
    expect(rateAgrees(executed, budget, cell(0.9651, '0.00%'))).toBe(false);
  });
});

describe('sumIntervals', () => {
  it('is [0, 0] for nothing', () => {
    expect(show(sumIntervals([]))).toBe('[0, 0]');
  });

  it('adds the bounds', () => {
    expect(show(sumIntervals([cell(40.97, '0.00'), cell(4.55, '0.00')]))).toBe('[45.51, 45.53]');
    expect(show(sumIntervals([iv('1', '2'), iv('-3', '-1'), iv('0.5', '0.5')]))).toBe('[-1.5, 1.5]');
  });

  it('lets rounded parts meet their total (尾差 is no error)', () => {
    // 增发国债 executed by level: 454.57 + 39.07 (+ 0) printed, 493.64 printed as the total.
    const parts = sumIntervals([cell(454.57, '0.00'), cell(39.07, '0.00'), cell(0, '0.00')]);
    expect(show(parts)).toBe('[493.625, 493.655]');
    expect(meet(parts, cell(493.64, '0.00'))).toBe(true);
    expect(meet(parts, cell(493.66, '0.00'))).toBe(true);
    expect(meet(parts, cell(493.67, '0.00'))).toBe(false);
  });
});

describe('meet', () => {
  it('counts touching as meeting, both ways round', () => {
    expect(meet(iv('1', '2'), iv('2', '3'))).toBe(true);
    expect(meet(iv('2', '3'), iv('1', '2'))).toBe(true);
    expect(meet(iv('1', '3'), iv('1.5', '2'))).toBe(true);
  });

  it('fails apart intervals, both ways round', () => {
    expect(meet(iv('1', '2'), iv('2.0000001', '3'))).toBe(false);
    expect(meet(iv('2.0000001', '3'), iv('1', '2'))).toBe(false);
  });
});

describe('quotientInterval', () => {
  it('is null without a positive divisor', () => {
    expect(quotientInterval(iv('1', '2'), iv('0', '0'))).toBeNull();
    expect(quotientInterval(iv('1', '2'), iv('-0.005', '0.005'))).toBeNull();
    expect(quotientInterval(iv('1', '2'), iv('0', '1'))).toBeNull();
    expect(quotientInterval(iv('1', '2'), iv('-4', '-2'))).toBeNull();
  });

  it('covers every quotient, negative numerators included', () => {
    expect(show(quotientInterval(iv('1', '2'), iv('4', '5')))).toBe('[0.2, 0.5]');
    expect(show(quotientInterval(iv('-2', '1'), iv('2', '4')))).toBe('[-1, 0.5]');
    expect(show(quotientInterval(iv('-2', '-1'), iv('2', '4')))).toBe('[-1, -0.25]');
  });

  it('rounds a non-terminating quotient outward', () => {
    const q = quotientInterval(iv('1', '1'), iv('3', '3')) as Interval;
    // 40 significant digits: the last one rounded down below, up above.
    expect(q.lo.toFixed()).toBe('0.' + '3'.repeat(40));
    expect(q.hi.toFixed()).toBe('0.' + '3'.repeat(39) + '4');
  });

  it('gives the range behind two displayed figures', () => {
    const q = quotientInterval(cell(40.97, '0.00'), cell(87.2, '0.00')) as Interval;
    expect(formatRate(q.lo, 4)).toBe('46.9755');
    expect(formatRate(q.hi, 4)).toBe('46.9924');
  });
});

describe('scaleInterval', () => {
  it('multiplies by a constant, swapping for a negative one', () => {
    expect(show(scaleInterval(iv('96.515', '96.525'), new D('0.01')))).toBe('[0.96515, 0.96525]');
    expect(show(scaleInterval(iv('1', '2'), new D('-3')))).toBe('[-6, -3]');
    expect(show(scaleInterval(iv('8.5', '8.6'), new D('10000')))).toBe('[85000, 86000]');
  });
});

describe('exceeds', () => {
  const budget = (): Interval => cell(87.2, '0.00');
  const over = (v: string, shown: number | null): Interval => cellInterval(new D(v), shown, false);

  it('flags only a certain over-execution', () => {
    expect(exceeds(over('87.22', 2), budget())).toBe(true);
    expect(exceeds(over('87.2051', null), budget())).toBe(true);
  });

  it('does not flag what rounding can explain', () => {
    // 87.21 shown stands for [87.205, 87.215]: it touches 87.20's [87.195, 87.205].
    expect(exceeds(over('87.21', 2), budget())).toBe(false);
    expect(exceeds(over('87.205', null), budget())).toBe(false);
    expect(exceeds(over('87.2', 2), budget())).toBe(false);
  });
});
