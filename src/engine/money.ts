import Decimal from 'decimal.js';

/**
 * The one decimal constructor of the engine: every amount and rate is built with it.
 *
 * 40 significant digits hold a 万元 amount to the fen (6 decimals) many times over, so sums and
 * unit conversions stay exact and only a non-terminating quotient is ever rounded. Rounding is
 * 四舍五入 (half away from zero), as Chinese finance rounds.
 *
 * Note that `toString()` switches to exponent notation below 1e-7 and from 1e21; write cell
 * values with `toFixed()`.
 *
 * @example
 * new D('0.1').plus('0.2').toString(); // "0.3"
 */
export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

/** An instance of {@link D}; assignable to the `Decimal` type of decimal.js. */
export type Dec = InstanceType<typeof D>;

/** decimal.js keeps a signed zero; "-0.00" must never reach a user. */
function unsignZero(d: Dec): Dec {
  return d.isZero() ? new D(0) : d;
}

/**
 * Converts a JS double (a cell value) to the decimal it stands for.
 *
 * Excel and LibreOffice show and store 15 significant digits, so the decimal a user typed is
 * the double rounded to 15 digits: that undoes binary noise without inventing digits.
 * Non-finite input is a broken assumption (callers filter cell errors first) and throws.
 *
 * @example
 * decimalFromDouble(0.1 + 0.2).toString(); // "0.3"
 * decimalFromDouble(1.005).toString();     // "1.005" (the double is 1.00499999999999989…)
 */
export function decimalFromDouble(x: number): Dec {
  if (!Number.isFinite(x)) throw new Error(`decimalFromDouble: not a finite number: ${x}`);
  return unsignZero(new D(x.toPrecision(15)));
}

/** A number typed as text, with what the text says about its precision. */
export interface ParsedNumberText {
  /** The number as written: "96.52%" gives 96.52, not 0.9652. */
  value: Dec;
  /** The text ended in % or ％. */
  percent: boolean;
  /** Digits written after the decimal point ("85.00" → 2). */
  decimals: number;
}

const YEN = '¥';

/**
 * Folds full-width forms (what a Chinese IME types) to ASCII and drops every kind of space,
 * including U+3000 and NBSP, and invisible zero-width characters pasted from web pages.
 */
function foldText(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0) as number;
    if (code >= 0xff01 && code <= 0xff5e) out += String.fromCharCode(code - 0xfee0);
    else if (ch === '\uffe5') out += YEN;
    else if (ch === '\u2212') out += '-';
    else out += ch;
  }
  return out.replace(/[\s\u200b-\u200d\u2060\ufeff]/g, '');
}

// Thousands separators only in full groups of three, so "1,23" (a typo or a decimal comma)
// is refused rather than read as 123.
const NUMBER_BODY = /^(?:(\d{1,3}(?:,\d{3})+)|(\d*))(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Parses a number typed as text in a Chinese finance workbook; undefined when it is not one.
 *
 * Accepted: spaces anywhere, thousands separators (`,` or `，`), full-width digits and signs,
 * a leading ¥/￥, a trailing %/％, parentheses for a negative, an exponent. A unit word such as
 * 元 or 万元 is refused: the unit is the table's business, and guessing it here would hide a
 * mistake.
 *
 * @example
 * parseNumberText('１，２３４．５０');
 * // { value: 1234.5, percent: false, decimals: 2 }
 * parseNumberText('96.52%');  // { value: 96.52, percent: true, decimals: 2 }
 * parseNumberText('(12.5)');  // { value: -12.5, percent: false, decimals: 1 }
 * parseNumberText('85万元');  // undefined
 */
export function parseNumberText(s: string): ParsedNumberText | undefined {
  let t = foldText(s);
  let percent = false;
  let currency = false;
  let negative = false;

  const takePercent = (): void => {
    if (!percent && t.endsWith('%')) {
      percent = true;
      t = t.slice(0, -1);
    }
  };
  const takeCurrency = (): void => {
    if (!currency && t.startsWith(YEN)) {
      currency = true;
      t = t.slice(1);
    }
  };

  takePercent();
  takeCurrency();
  if (t.length >= 2 && t.startsWith('(') && t.endsWith(')')) {
    negative = true;
    t = t.slice(1, -1);
    takePercent();
    takeCurrency();
  } else if (t.startsWith('-') || t.startsWith('+')) {
    negative = t.startsWith('-');
    t = t.slice(1);
    takeCurrency();
  }

  const m = NUMBER_BODY.exec(t);
  if (!m) return undefined;
  const [, grouped, plain, fraction, exponent] = m;
  const integer = (grouped ?? plain ?? '').replace(/,/g, '');
  if (integer === '' && !fraction) return undefined;

  const text =
    (negative ? '-' : '') +
    (integer || '0') +
    (fraction ? `.${fraction}` : '') +
    (exponent !== undefined ? `e${exponent}` : '');
  const value = unsignZero(new D(text));
  const decimals = exponent !== undefined ? decimalPlaces(value) : (fraction ?? '').length;
  return { value, percent, decimals };
}

/**
 * Rounds half away from zero (四舍五入) to `places` decimals.
 *
 * @example
 * roundHalfUp(new D('1.005'), 2).toString();  // "1.01"
 * roundHalfUp(new D('-1.005'), 2).toString(); // "-1.01"
 */
export function roundHalfUp(d: Dec, places: number): Dec {
  return unsignZero(d.toDecimalPlaces(places, Decimal.ROUND_HALF_UP));
}

/**
 * Rounds half up and writes exactly `places` decimals, as a report prints an amount.
 *
 * @example
 * formatFixed(new D('1357.385'));   // "1357.39"
 * formatFixed(new D('4'));          // "4.00"
 * formatFixed(new D('-0.001'));     // "0.00", never "-0.00"
 */
export function formatFixed(d: Dec, places = 2): string {
  return roundHalfUp(d, places).toFixed(places);
}

/**
 * Writes a rate (a fraction) as a percentage number with `places` decimals; null stays null
 * (no budget, no rate: the caller shows "—").
 *
 * @example
 * formatRate(new D('0.96519328')); // "96.52"
 * formatRate(null);                // null
 */
export function formatRate(rate: Dec | null, places = 2): string | null {
  if (rate === null) return null;
  return formatFixed(rate.times(100), places);
}

const PER_WAN: Record<'元' | '千元' | '万元', number> = { 元: 10000, 千元: 10, 万元: 1 };

/**
 * Converts an amount to 万元, the reporting unit; exact, since it only moves the decimal point.
 *
 * @example
 * toWan(new D('13573850'), '元').toString(); // "1357.385"
 */
export function toWan(amount: Dec, unit: '元' | '千元' | '万元'): Dec {
  return amount.div(PER_WAN[unit]);
}

/**
 * Adds decimals exactly; 0 for none.
 *
 * @example
 * sumDec([new D('40.971'), new D('4.5536')]).toString(); // "45.5246"
 */
export function sumDec(values: Iterable<Dec>): Dec {
  let total = new D(0);
  for (const v of values) total = total.plus(v);
  return total;
}

/**
 * The number of decimals of the exact value, trailing zeros not counted (0 for an integer).
 *
 * @example
 * decimalPlaces(new D('40.971')); // 3
 * decimalPlaces(new D('85.00'));  // 0
 */
export function decimalPlaces(d: Dec): number {
  return d.decimalPlaces();
}
