/**
 * Text normalisation shared by header matching, category mapping and duplicate detection.
 */

/** Full-width forms to half-width (NFKC), then every kind of whitespace removed. */
export function compact(text: string): string {
  if (isPlainText(text)) return text;
  return text.normalize('NFKC').replace(/[\s\u3000\u00a0\u200b\ufeff]+/g, '');
}

/**
 * Whether NFKC and the space removal leave the text as it is: only printable ASCII other than
 * the space, and CJK unified ideographs (NFKC-stable). Spares the normalisation on most names.
 */
function isPlainText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c > 0x20 && c < 0x7f) || (c >= 0x4e00 && c <= 0x9fff))) return false;
  }
  return true;
}

const SPACE_RUN = /[\s\u3000\u00a0\u200b\ufeff]+/g;
const HAS_SPACE = /[\s\u3000\u00a0\u200b\ufeff]/;

/** Trims and collapses inner whitespace runs to one space; keeps full-width forms. */
export function tidy(text: string): string {
  if (!HAS_SPACE.test(text)) return text;
  return text.replace(SPACE_RUN, ' ').trim();
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

/** Any character normaliseDocNumber changes: a space or a bracket other than 〔〕. */
const DOC_SPECIAL = /[\s\u3000\u00a0[\]【】（）()［］﹝﹞]/;

/** A document number with its brackets unified, for comparison: 唐财建[2024]10号 → 唐财建〔2024〕10号. */
export function normaliseDocNumber(text: string): string {
  if (!DOC_SPECIAL.test(text)) return text;
  return text.replace(/[\s\u3000\u00a0]+/g, '').replace(DOC_BRACKET_RE, (ch) => DOC_BRACKETS[ch]);
}

const DOC_BRACKET_RE = /[[\]【】（）()［］﹝﹞]/g;

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

export function isPlaceholder(text: string): boolean {
  return PLACEHOLDERS.has(compact(text).toLowerCase());
}
