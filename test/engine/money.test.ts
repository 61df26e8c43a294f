import type Decimal from 'decimal.js';
import {
  D,
  Dec,
  decimalFromDouble,
  decimalPlaces,
  formatFixed,
  formatRate,
  parseNumberText,
  roundHalfUp,
  sumDec,
  toWan,
} from '../../src/engine/money';

/** 全年预算数 (G4:G24) and 全年执行数 (H4:H24) of the reference workbook, as the cells hold them. */
const REFERENCE_BUDGET = [
  85, 62, 158, 96, 73, 41.5, 68.8, 23.65, 54, 18, 32.5, 9.86, 15, 27.9504, 23.1045, 71.38, 87.2,
  7.27, 413.6, 34.52, 4,
];
const REFERENCE_EXECUTED = [
  85, 62, 158, 96, 73, 41.5, 68.8, 23.65, 54, 18, 32.5, 9.86, 15, 27.9504, 23.1, 71.38, 40.971,
  4.5536, 413.6, 34.52, 4,
];

describe('D', () => {
  it('is a 40-digit, half-up constructor whose instances are decimal.js Decimals', () => {
    expect(D.precision).toBe(40);
    expect(D.rounding).toBe(D.ROUND_HALF_UP);
    // Compiles only if a clone's instances fit types.ts's `Decimal` fields, both ways.
    const x: Decimal = new D(1);
    const y: Dec = x;
    expect(y.eq(1)).toBe(true);
  });

  it('has no binary-float error', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(new D('0.1').plus('0.2').toString()).toBe('0.3');
  });
});

describe('decimalFromDouble', () => {
  it('undoes binary noise through 15 significant digits', () => {
    expect(decimalFromDouble(0.1 + 0.2).toString()).toBe('0.3');
    expect(decimalFromDouble(0.1).plus(decimalFromDouble(0.2)).eq('0.3')).toBe(true);
    expect(decimalFromDouble(1.005).toString()).toBe('1.005');
    expect(decimalFromDouble(40.971).toString()).toBe('40.971');
    expect(decimalFromDouble(1406.3348999999998).toString()).toBe('1406.3349');
    expect(decimalFromDouble(-23.1045).toString()).toBe('-23.1045');
    expect(decimalFromDouble(13573850).toString()).toBe('13573850');
  });

  it('keeps tiny values', () => {
    expect(decimalFromDouble(1e-7).eq('0.0000001')).toBe(true);
    expect(decimalFromDouble(1e-7).toFixed()).toBe('0.0000001');
  });

  it('turns -0 into 0', () => {
    const z = decimalFromDouble(-0);
    expect(z.isZero()).toBe(true);
    expect(z.isNegative()).toBe(false);
    expect(formatFixed(z)).toBe('0.00');
  });

  it('throws on NaN and infinities (callers filter them)', () => {
    expect(() => decimalFromDouble(NaN)).toThrow(/not a finite number/);
    expect(() => decimalFromDouble(Infinity)).toThrow(/not a finite number/);
    expect(() => decimalFromDouble(-Infinity)).toThrow(/not a finite number/);
  });
});

describe('parseNumberText', () => {
  const accepted: [string, string, boolean, number][] = [
    // text, value, percent, decimals
    ['85', '85', false, 0],
    ['85.00', '85', false, 2],
    ['  85.00 ', '85', false, 2],
    ['\u300085.00\u3000', '85', false, 2],
    ['\u00a085.00\u00a0', '85', false, 2],
    ['1 234.5', '1234.5', false, 1],
    ['1\u3000234', '1234', false, 0],
    ['1,234.56', '1234.56', false, 2],
    ['1,234', '1234', false, 0],
    ['1,234,567.8', '1234567.8', false, 1],
    ['1，234.56', '1234.56', false, 2],
    ['１２３．４５', '123.45', false, 2],
    ['１，２３４．５０', '1234.5', false, 2],
    ['－５', '-5', false, 0],
    ['＋５', '5', false, 0],
    ['-12.5', '-12.5', false, 1],
    ['+12.5', '12.5', false, 1],
    ['96.52%', '96.52', true, 2],
    ['96.52 %', '96.52', true, 2],
    ['９６．５２％', '96.52', true, 2],
    ['100%', '100', true, 0],
    ['¥1,234.50', '1234.5', false, 2],
    ['￥1,234.50', '1234.5', false, 2],
    ['-¥5', '-5', false, 0],
    ['¥-5', '-5', false, 0],
    ['(12.5)', '-12.5', false, 1],
    ['（12.5）', '-12.5', false, 1],
    ['(¥12.5)', '-12.5', false, 1],
    ['(1,234.00)', '-1234', false, 2],
    ['.5', '0.5', false, 1],
    ['5.', '5', false, 0],
    ['0', '0', false, 0],
    ['-0.00', '0', false, 2],
    ['1.5E+3', '1500', false, 0],
    ['1.25e-2', '0.0125', false, 4],
  ];

  it.each(accepted)('reads %j as %s (percent %s, %i decimals)', (text, value, percent, decimals) => {
    const r = parseNumberText(text);
    expect(r).toBeDefined();
    expect(r?.value.toString()).toBe(value);
    expect(r?.percent).toBe(percent);
    expect(r?.decimals).toBe(decimals);
  });

  it('gives 0 for a negative zero, not -0', () => {
    expect(parseNumberText('-0.00')?.value.isNegative()).toBe(false);
  });

  const refused = [
    '',
    '   ',
    '\u3000',
    '1.2.3',
    '12abc',
    '--5',
    '+-5',
    '(-5)',
    ',',
    '1,23',
    '12,3456',
    '.',
    '%',
    '¥',
    '()',
    '85元',
    '85万元',
    '85 万元',
    '1e',
    '5%%',
    'NaN',
    'Infinity',
  ];

  it.each(refused)('refuses %j', (text) => {
    expect(parseNumberText(text)).toBeUndefined();
  });
});

describe('roundHalfUp', () => {
  it('rounds half away from zero (四舍五入), not the binary double', () => {
    // The double 1.005 is 1.00499999999999989…, which is why Number#toFixed gives "1.00".
    expect((1.005).toFixed(2)).toBe('1.00');
    expect(roundHalfUp(decimalFromDouble(1.005), 2).toString()).toBe('1.01');
    expect(roundHalfUp(new D('-1.005'), 2).toString()).toBe('-1.01');
    expect(roundHalfUp(new D('2.675'), 2).toString()).toBe('2.68');
    expect(roundHalfUp(new D('2.665'), 2).toString()).toBe('2.67');
    expect(roundHalfUp(new D('1357.385'), 2).toString()).toBe('1357.39');
    expect(roundHalfUp(new D('-1357.385'), 2).toString()).toBe('-1357.39');
  });

  it('rounds below half down and to whole numbers', () => {
    expect(roundHalfUp(new D('1.004999'), 2).toString()).toBe('1');
    expect(roundHalfUp(new D('0.5'), 0).toString()).toBe('1');
    expect(roundHalfUp(new D('-2.5'), 0).toString()).toBe('-3');
    expect(roundHalfUp(new D('-2.4'), 0).toString()).toBe('-2');
  });

  it('never gives a negative zero', () => {
    expect(roundHalfUp(new D('-0.001'), 2).isNegative()).toBe(false);
  });
});

describe('formatFixed', () => {
  it('pads to the places (the seed wrote 413.6 and 4 beside 40.97)', () => {
    expect(formatFixed(new D('413.6'))).toBe('413.60');
    expect(formatFixed(new D('4'))).toBe('4.00');
    expect(formatFixed(new D('40.971'))).toBe('40.97');
    expect(formatFixed(new D('-12.5'))).toBe('-12.50');
    expect(formatFixed(new D('1.005'))).toBe('1.01');
    expect(formatFixed(new D('-1.005'))).toBe('-1.01');
  });

  it('honours other places', () => {
    expect(formatFixed(new D('27.9504'), 4)).toBe('27.9504');
    expect(formatFixed(new D('27.95045'), 4)).toBe('27.9505');
    expect(formatFixed(new D('2.5'), 0)).toBe('3');
  });

  it('never writes "-0.00"', () => {
    expect(formatFixed(new D('-0.001'))).toBe('0.00');
    expect(formatFixed(new D('-0.004999'))).toBe('0.00');
    expect(formatFixed(new D('-0'))).toBe('0.00');
    expect(formatFixed(new D('-0.005'))).toBe('-0.01');
  });
});

describe('formatRate', () => {
  it('writes a fraction as a percentage number', () => {
    expect(formatRate(new D('0.96519328'))).toBe('96.52');
    expect(formatRate(new D('0.4699'))).toBe('46.99');
    expect(formatRate(new D('1'))).toBe('100.00');
    expect(formatRate(new D('0'))).toBe('0.00');
    expect(formatRate(new D('0.469851'), 1)).toBe('47.0');
    expect(formatRate(new D('0.00004'))).toBe('0.00');
  });

  it('keeps null for no rate', () => {
    expect(formatRate(null)).toBeNull();
    expect(formatRate(null, 1)).toBeNull();
  });
});

describe('toWan', () => {
  it('converts to 万元 exactly', () => {
    expect(toWan(new D('13573850'), '元').toString()).toBe('1357.385');
    expect(toWan(new D('13573.85'), '千元').toString()).toBe('1357.385');
    expect(toWan(new D('1357.385'), '万元').toString()).toBe('1357.385');
    // One fen is 6 decimals of 万元.
    expect(toWan(new D('0.01'), '元').toFixed()).toBe('0.000001');
    expect(toWan(new D('14063349.01'), '元').toString()).toBe('1406.334901');
  });
});

describe('sumDec', () => {
  it('is 0 for nothing', () => {
    expect(sumDec([]).toString()).toBe('0');
  });

  it('adds the reference workbook exactly, where float sums go astray', () => {
    const floatBudget = REFERENCE_BUDGET.reduce((a, b) => a + b, 0);
    const floatExecuted = REFERENCE_EXECUTED.reduce((a, b) => a + b, 0);
    expect(floatBudget).toBe(1406.3348999999998);
    expect(floatExecuted).toBe(1357.3849999999998);
    // Rounding the float sum would print the wrong total.
    expect(floatExecuted.toFixed(2)).toBe('1357.38');

    const budget = sumDec(REFERENCE_BUDGET.map(decimalFromDouble));
    const executed = sumDec(REFERENCE_EXECUTED.map(decimalFromDouble));
    expect(budget.toString()).toBe('1406.3349');
    expect(executed.toString()).toBe('1357.385');
    expect(formatFixed(budget)).toBe('1406.33');
    expect(formatFixed(executed)).toBe('1357.39');
    expect(formatRate(executed.div(budget))).toBe('96.52');
  });

  it('accepts any iterable', () => {
    const s = new Set([new D('40.971'), new D('4.5536')]);
    expect(sumDec(s).toString()).toBe('45.5246');
  });
});

describe('decimalPlaces', () => {
  it('counts the decimals of the exact value', () => {
    expect(decimalPlaces(new D('85'))).toBe(0);
    expect(decimalPlaces(new D('85.00'))).toBe(0);
    expect(decimalPlaces(new D('40.97'))).toBe(2);
    expect(decimalPlaces(new D('40.971'))).toBe(3);
    expect(decimalPlaces(new D('1406.3349'))).toBe(4);
    expect(decimalPlaces(new D('-0.0125'))).toBe(4);
    expect(decimalPlaces(new D('1500'))).toBe(0);
    expect(decimalPlaces(decimalFromDouble(0.965193283619713))).toBe(15);
  });
});
