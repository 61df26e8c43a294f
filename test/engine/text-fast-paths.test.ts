/**
 * The per-character fast paths of src/engine/text.ts must answer exactly what the general forms
 * answer: NFKC and regular expressions, as text.ts wrote them before the fast paths (copied below
 * as the reference). Every code point alone, every pair of the characters the fast paths accept
 * (ideographs sampled), and random strings mixing them with characters that decompose, compose,
 * reorder or are surrogates.
 */
import fc from 'fast-check';
import { compact, compactUpTo, isPlaceholder, isValidDocNumber, normaliseDocNumber, tidy } from '../../src/engine/text';

const SEED = 20261125;

// ---- The general forms (text.ts before its fast paths) ----

const refCompact = (text: string): string => text.normalize('NFKC').replace(/[\s\u3000\u00a0\u200b\ufeff]+/g, '');

const refTidy = (text: string): string => text.replace(/[\s\u3000\u00a0\u200b\ufeff]+/g, ' ').trim();

const REF_BRACKETS: Record<string, string> = {
  '[': '〔',
  ']': '〕',
  '【': '〔',
  '】': '〕',
  '（': '〔',
  '）': '〕',
  '(': '〔',
  ')': '〕',
  '〔': '〔',
  '〕': '〕',
  '［': '〔',
  '］': '〕',
  '﹝': '〔',
  '﹞': '〕',
};

const refNormaliseDocNumber = (text: string): string =>
  text.replace(/[\s\u3000\u00a0]+/g, '').replace(/[[\]【】（）()［］﹝﹞]/g, (ch) => REF_BRACKETS[ch]);

const refIsValidDocNumber = (text: string): boolean =>
  /^[\u4e00-\u9fa5A-Za-z][\u4e00-\u9fa5A-Za-z0-9]*〔(19|20)\d{2}〕第?\d{1,5}号$/.test(refNormaliseDocNumber(text));

const REF_PLACEHOLDERS = new Set(['', '无', '/', '／', '—', '——', '-', '--', '－', '无。', 'n/a', 'na', '暂无', '略']);
const refIsPlaceholder = (text: string): boolean => REF_PLACEHOLDERS.has(refCompact(text).toLowerCase());

// ---- Characters ----

const range = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => String.fromCharCode(from + i));

/** Every white-space character the general forms remove or collapse. */
const SPACES = range(0, 0xffff).filter((ch) => /[\s\u3000\u00a0\u200b\ufeff]/.test(ch));

/** The characters compact's fast path accepts, but the ideographs (sampled below). */
const FAST_SMALL = [
  ...range(0x21, 0x7e),
  ...range(0x3001, 0x301f),
  '—',
  '‘',
  '’',
  '“',
  '”',
  ...range(0xff01, 0xff5e),
  ...SPACES,
];

/** Ideographs: both ends of the block, the ones the labels and brackets use, and a spread. */
const IDEOGRAPHS = [...range(0x4e00, 0x4e10), ...range(0x9ff0, 0x9fff), ...'合计总共小其中数无暂略号第唐财建', ...range(0x4e00, 0x9fff).filter((_, i) => i % 997 === 0)];

/**
 * Characters the fast paths must not take for their own: combining marks (which compose with or
 * reorder after the character before), kana and their voiced marks, Hangul jamo and syllables,
 * half-width katakana and the half-width voiced marks, compatibility characters (ligatures, Kangxi
 * radicals, compatibility ideographs, circled and squared forms, ellipsis, superscripts),
 * look-alikes of the brackets, lone surrogates and pairs.
 */
const OTHERS = [
  ...'\u0300\u0301\u0308\u0316\u0323\u0334\u0338\u0345\u05b0\u0e38\u302a\u302b\u302c\u302d\u302e\u302f\u3099\u309a',
  ...'カがかは\u1100\u1161\u11a8가각',
  ...'\uff76\uff9e\uff9f\uff61\uff64',
  ...'ﬁ⼩⾔⼈豈丽㊥㈠①㍻…¹½ｰ\u2000\u00c5\u212b\u2126Åé',
  ...'〈〉\u2329\u232a\ufe5d\ufe5e\ufe59\ufe5a\u3000\u2028\u0085\u180e',
  '\ud800',
  '\udfff',
  '\ud83d\ude00',
  '\ud840\udc00',
  '\ud87e\udc00',
];

const fastChar = fc.constantFrom(...FAST_SMALL, ...IDEOGRAPHS);
const anyChar = fc.oneof({ arbitrary: fastChar, weight: 6 }, { arbitrary: fc.constantFrom(...OTHERS), weight: 1 }, { arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), weight: 1 });
const fastText = fc.array(fastChar, { maxLength: 30 }).map((a) => a.join(''));
const mixedText = fc.array(anyChar, { maxLength: 30 }).map((a) => a.join(''));

/** Throws, naming the text, when a fast path's answer differs from the general form's (cheaper than expect in loops). */
function same<T>(what: string, text: string, got: T, want: T): void {
  if (got !== want) throw new Error(`${what}(${JSON.stringify(text)}) = ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

/** compact, and compactUpTo at lengths around the result's, against the general form. */
function checkCompact(text: string): void {
  const want = refCompact(text);
  same('compact', text, compact(text), want);
  for (const max of [0, 1, 2, 3, want.length - 1, want.length, want.length + 1, 12, 13, Infinity]) {
    if (max >= 0) same(`compactUpTo[${max}]`, text, compactUpTo(text, max), want.length <= max ? want : null);
  }
}

describe('compact', () => {
  test('every UTF-16 code unit alone, lone surrogates included', () => {
    for (let c = 0; c <= 0xffff; c++) {
      checkCompact(String.fromCharCode(c));
    }
  });

  test('every code point beyond the BMP alone', () => {
    for (let cp = 0x10000; cp <= 0x10ffff; cp++) {
      checkCompact(String.fromCodePoint(cp));
    }
  });

  test('every accepted character, ideographs all, inside a text of accepted characters', () => {
    for (const ch of [...FAST_SMALL, ...range(0x4e00, 0x9fff)]) checkCompact(`（${ch}\u3000${ch}Ａ）${ch}`);
  });

  test('full-width ASCII forms are exactly their ASCII character under NFKC', () => {
    for (let c = 0xff01; c <= 0xff5e; c++) expect(String.fromCharCode(c).normalize('NFKC')).toBe(String.fromCharCode(c - 0xfee0));
  });

  test('every pair of accepted characters (ideographs sampled) and of the others, either way round', () => {
    const chars = [...FAST_SMALL, ...IDEOGRAPHS, ...OTHERS];
    for (const a of chars) {
      for (const b of chars) checkCompact(a + b);
      for (const o of OTHERS) checkCompact('e' + a + o);
    }
  });

  test('random strings of accepted characters, and mixed with others', () => {
    for (const texts of [fastText, mixedText]) {
      fc.assert(
        fc.property(texts, (s) => checkCompact(s)),
        { seed: SEED, numRuns: 100_000 },
      );
    }
  });

  test('texts that the removal of their spaces, or NFKC, brings to label length or beyond', () => {
    for (const s of ['合          计', '小\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000计', ' '.repeat(40), '其中：'.padEnd(30, '\u200b'), '⼩计', '①'.repeat(13), '㍻'.repeat(7), 'e\u0301'.repeat(12)]) {
      checkCompact(s);
    }
  });
});

describe('tidy, document numbers and placeholders', () => {
  const docText = fc
    .array(fc.oneof(fastChar, fc.constantFrom(...'[]【】（）()〔〕［］﹝﹞第号0123456789', ...SPACES, ...OTHERS)), { maxLength: 24 })
    .map((a) => a.join(''));
  const docLike = fc
    .tuple(fc.constantFrom('唐财建', '冀财预', 'A', ' 丰财 ', '1', ''), fc.constantFrom(...'[【（(〔［﹝'), fc.constantFrom('2024', '1999', '2100', '２０２４', ' 2024 '), fc.constantFrom(...']】）)〕］﹞'), fc.constantFrom('第', '', ' '), fc.constantFrom('10', '12345', '123456', ''), fc.constantFrom('号', '号 ', ''))
    .map((parts) => parts.join(''));

  test('every code unit alone', () => {
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      same('tidy', ch, tidy(ch), refTidy(ch));
      same('normaliseDocNumber', ch, normaliseDocNumber(ch), refNormaliseDocNumber(ch));
      same('isPlaceholder', ch, isPlaceholder(ch), refIsPlaceholder(ch));
    }
  });

  test('random texts', () => {
    fc.assert(
      fc.property(fc.oneof(mixedText, docText, docLike), (s) => {
        same('tidy', s, tidy(s), refTidy(s));
        same('normaliseDocNumber', s, normaliseDocNumber(s), refNormaliseDocNumber(s));
        same('isValidDocNumber', s, isValidDocNumber(s), refIsValidDocNumber(s));
        same('isPlaceholder', s, isPlaceholder(s), refIsPlaceholder(s));
      }),
      { seed: SEED, numRuns: 100_000 },
    );
  });

  test('placeholders however written', () => {
    for (const p of [...REF_PLACEHOLDERS, 'N/A', ' Ｎ／Ａ ', 'NA', '无 。', '－－', '——', '— —', '暂\u3000无', 'n/a.', '无无', '略。']) {
      expect(isPlaceholder(p)).toBe(refIsPlaceholder(p));
    }
  });

  test('lower-casing never shortens a code point (isPlaceholder relies on it)', () => {
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      if (ch.toLowerCase().length < ch.length) throw new Error(`U+${cp.toString(16)} lower-cases shorter`);
    }
  });
});
