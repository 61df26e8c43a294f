/**
 * A project list's amounts are kept by column (src/engine/amounts.ts) and made anew when read:
 * what is read back must be the amount that was kept, field by field, for every kind of cell a
 * column holds, and the fast reads (inArrays, dAt, negAt, mAt, kAt, isNumeric) must say what
 * the amount itself says.
 */
import fc from 'fast-check';
import { AmountColumn } from '../../src/engine/amounts';
import { NumberContent, TextNumberContent, parseCell } from '../../src/engine/cells';
import type { Amount } from '../../src/engine/types';

const SEED = 20261125;

const doubles = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -1e9, max: 1e9 }).chain((m) => fc.integer({ min: 0, max: 8 }).map((k) => m / 10 ** k)),
  fc.constantFrom(0.1 + 0.2, 1.005, 1406.3348999999998, 999999999999999.9, 1e15, 1e-7, 5e-324, 1.7976931348623157e308, -0, 0, -12.5),
);

const formats = fc.constantFrom('General', '0.00', '#,##0.00', '0.0000', '0%', '0.00%', '#,##0', '0.000000000000000000000000000000', '"万元"0.0');

/** A cell as a column of amounts meets it: a number under some format, or a number typed as text. */
const cells = fc.oneof(
  fc.record({ value: doubles, format: formats }).map(({ value, format }) => parseCell({ value, type: 'Double', format })),
  fc
    .record({ value: fc.integer({ min: -1e9, max: 1e9 }), places: fc.integer({ min: 0, max: 6 }), percent: fc.boolean() })
    .map(({ value, places, percent }) => parseCell({ value: `${(value / 10 ** places).toFixed(places)}${percent ? '%' : ''}`, type: 'String', format: 'General' })),
  fc.constant(undefined),
);

function fields(a: Amount | undefined): unknown {
  if (a === undefined) return undefined;
  const q = a.q;
  return {
    kind: (a as NumberContent | TextNumberContent).kind,
    value: a.value.toFixed(),
    lo: a.interval.lo.toFixed(),
    hi: a.interval.hi.toFixed(),
    numeric: a.numeric,
    d: Object.is(q.d, -0) ? '-0' : q.d,
    hasDigits: q.hasDigits,
    neg: q.neg,
    m: q.m,
    k: q.k,
    shown: q.shown,
    fromDouble: q.fromDouble,
    fixed: q.toFixed(),
    percentFormat: a instanceof NumberContent ? a.percentFormat : undefined,
    text: a instanceof TextNumberContent ? [a.text, a.percent] : undefined,
  };
}

describe('AmountColumn', () => {
  test('reads back what it kept, field by field, and its fast reads agree', () => {
    fc.assert(
      fc.property(fc.array(cells, { minLength: 1, maxLength: 40 }), (contents) => {
        const amounts = contents.map((c) => (c instanceof NumberContent || c instanceof TextNumberContent ? (c as Amount) : undefined));
        const column = new AmountColumn(amounts.length);
        amounts.forEach((a, i) => column.set(i, a));
        // Read in an order other than the writing one, so that each read makes its amount.
        for (let i = amounts.length - 1; i >= 0; i--) {
          const a = amounts[i];
          const got = column.get(i);
          expect(fields(got)).toEqual(fields(a));
          expect(column.has(i)).toBe(a !== undefined);
          expect(column.isNumeric(i)).toBe(a?.numeric === true);
          // Numeric cells are kept in the arrays; their fast reads are the amount's own fields.
          expect(column.inArrays(i)).toBe(a instanceof NumberContent);
          if (a instanceof NumberContent) {
            expect(Object.is(column.dAt(i), a.d)).toBe(true);
            expect(column.negAt(i)).toBe(a.neg);
            expect(column.mAt(i)).toBe(a.m);
            expect(column.kAt(i)).toBe(a.k);
          }
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  test('the same project read twice in a row gives the same object (the one kept, right after keeping it); another read or write between makes it anew', () => {
    const column = new AmountColumn(2);
    const kept = parseCell({ value: 87.2, type: 'Double', format: '0.00' }) as Amount;
    column.set(0, kept);
    // Read right after it is kept, an amount is the object kept.
    expect(column.get(0)).toBe(kept);
    column.set(1, parseCell({ value: 40.97, type: 'Double', format: '0.00' }) as Amount);
    const first = column.get(0);
    expect(first).not.toBe(kept);
    expect(column.get(0)).toBe(first);
    column.get(1);
    const again = column.get(0);
    expect(again).not.toBe(first);
    expect(fields(again)).toEqual(fields(first));
  });

  test('setting a project again replaces what was kept, the last read included', () => {
    const column = new AmountColumn(1);
    column.set(0, parseCell({ value: 1.5, type: 'Double', format: 'General' }) as Amount);
    expect(column.get(0)?.value.toFixed()).toBe('1.5');
    column.set(0, parseCell({ value: '2.25', type: 'String', format: 'General' }) as Amount);
    expect(column.get(0)?.value.toFixed()).toBe('2.25');
    expect(column.isNumeric(0)).toBe(false);
    column.set(0, undefined);
    expect(column.get(0)).toBeUndefined();
    expect(column.has(0)).toBe(false);
  });
});
