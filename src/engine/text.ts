/**
 * Text normalisation shared by header matching, category mapping and duplicate detection.
 *
 * These helpers run on cells of every project row, so they work character by character on the
 * characters a Chinese project table is made of, and give exactly what their general forms (NFKC,
 * regular expressions) give: test/engine/text-fast-paths.test.ts compares the two over every code
 * point, every pair of the characters concerned, and random mixes.
 */

/** What compact, tidy and isPlaceholder count as white space (JavaScript's \s also holds U+3000, U+00A0, U+FEFF). */
const SPACE_RUN = /[\s\u3000\u00a0\u200b\ufeff]+/g;

/**
 * Whether a UTF-16 code unit is one SPACE_RUN matches: JavaScript's \s (tab to carriage return, the
 * space, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF) and U+200B.
 */
function isSpace(c: number): boolean {
  // Ideographs and full-width forms, most of a cell, are answered by the first test.
  if (c > 0x3000) return c === 0xfeff;
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200b) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/**
 * Whether NFKC leaves a UTF-16 code unit as it is, whatever its neighbours among the characters
 * compact's fast path accepts: printable ASCII other than the space, CJK unified ideographs
 * (U+4E00–U+9FFF), CJK punctuation (U+3001–U+301F: 、。《》「」【】〔〕…) and the dash and curly
 * quotes — ‘ ’ “ ”. None of them has a decomposition, and none is a combining mark or a character
 * that composes with the one before it.
 */
function keptByNfkc(c: number): boolean {
  if (c >= 0x4e00) return c <= 0x9fff;
  if (c < 0x7f) return c > 0x20;
  return (c > 0x3000 && c < 0x3020) || c === 0x2014 || c === 0x2018 || c === 0x2019 || c === 0x201c || c === 0x201d;
}

/** Whether a UTF-16 code unit is a full-width ASCII form, whose NFKC is the ASCII character 0xFEE0 below. */
function isFullWidthAscii(c: number): boolean {
  return c >= 0xff01 && c <= 0xff5e;
}

/** Full-width forms to half-width (NFKC), then every kind of whitespace removed. */
export function compact(text: string): string {
  return compactUpTo(text, Infinity) as string;
}

/**
 * compact(text) when it is at most `max` characters long, else null: a long text is measured
 * without being built (a label is looked for in every cell left of the amounts, names included).
 */
export function compactUpTo(text: string, max: number): string | null {
  // Fast path, per character, when every character is kept by NFKC, a full-width ASCII form or
  // white space. NFKC acts on each character alone unless characters compose or reorder
  // (combining marks, Hangul jamo), and none of these does: a kept character stays, a full-width
  // form becomes its ASCII character (which composes with nothing either), and a white-space
  // character becomes itself or U+0020, both removed after. Anything else takes the general path.
  let length = 0; // of the result so far
  let changed = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (keptByNfkc(c)) length++;
    else if (isFullWidthAscii(c)) {
      length++;
      changed = true;
    } else if (isSpace(c)) changed = true;
    else {
      const general = text.normalize('NFKC').replace(SPACE_RUN, '');
      return general.length <= max ? general : null;
    }
    // Too long already, whatever follows: each character counted so far is a starter that
    // nothing before it combines with, so NFKC of the whole text still gives one character, not
    // white space, for each (the last may take a combining mark that follows: one character still).
    if (length > max) return null;
  }
  if (!changed) return text;
  let out = '';
  let from = 0; // start of the run of characters kept as they are
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (keptByNfkc(c)) continue;
    out += text.slice(from, i);
    if (isFullWidthAscii(c)) out += String.fromCharCode(c - 0xfee0);
    from = i + 1;
  }
  return out + text.slice(from);
}

/** Trims and collapses inner whitespace runs to one space; keeps full-width forms. */
export function tidy(text: string): string {
  // Most cells hold no white space: a scan, cheaper than a regular expression, returns them as
  // they are. (trim removes only \s characters, which SPACE_RUN holds, so it would change nothing.)
  for (let i = 0; i < text.length; i++) {
    if (isSpace(text.charCodeAt(i))) return text.replace(SPACE_RUN, ' ').trim();
  }
  return text;
}

/** Brackets used around the year of a document number, all read as one kind. */
const DOC_BRACKETS: Record<string, string> = {
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

/** DOC_BRACKETS by code unit, leaving out 〔 and 〕, which stay as they are. */
const DOC_BRACKET_CHANGES = new Map<number, string>(
  Object.entries(DOC_BRACKETS)
    .filter(([from, to]) => from !== to)
    .map(([from, to]) => [from.charCodeAt(0), to]),
);

/** A document number with its brackets unified, for comparison: 唐财建[2024]10号 → 唐财建〔2024〕10号. */
export function normaliseDocNumber(text: string): string {
  // Every bracket is one code unit and maps to one; every \s character (SPACE_RUN but U+200B) is
  // removed. Built per character, returning the text itself when nothing changes.
  let out = '';
  let from = 0; // start of the run of characters kept as they are
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Ideographs and digits, most of a document number, are neither brackets nor white space.
    if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x30 && c <= 0x39)) continue;
    let replacement = DOC_BRACKET_CHANGES.get(c);
    if (replacement === undefined) {
      if (!isSpace(c) || c === 0x200b) continue;
      replacement = '';
    }
    out += text.slice(from, i) + replacement;
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

/**
 * Whether a document number has the form 机关代字〔年份〕序号号, e.g. 唐财建〔2024〕10号.
 * Any of the bracket pairs [] 〔〕 【】 （） is accepted.
 */
export function isValidDocNumber(text: string): boolean {
  const t = normaliseDocNumber(text);
  return /^[\u4e00-\u9fa5A-Za-z][\u4e00-\u9fa5A-Za-z0-9]*〔(19|20)\d{2}〕第?\d{1,5}号$/.test(t);
}

/** Placeholders that mean "nothing written" in a reason cell. */
const PLACEHOLDERS = new Set(['', '无', '/', '／', '—', '——', '-', '--', '－', '无。', 'n/a', 'na', '暂无', '略']);
const LONGEST_PLACEHOLDER = Math.max(...[...PLACEHOLDERS].map((p) => p.length));

export function isPlaceholder(text: string): boolean {
  // Lower-casing never shortens a string (no code point's lower case is shorter), so a text
  // longer than every placeholder once compacted, a written reason, is none: it is neither built
  // compacted nor lower-cased.
  const key = compactUpTo(text, LONGEST_PLACEHOLDER);
  return key !== null && PLACEHOLDERS.has(key.toLowerCase());
}
