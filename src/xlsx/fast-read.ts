/**
 * A fast reader for the common workbook: the sheets `readWorkbookBytes` builds with exceljs, built
 * straight from the package's XML bytes in one pass per part, with no DOM and no object per cell.
 *
 * exceljs's normal reader loads a workbook of 100,000 rows × 14 columns in 6 to 9 s; this reads it
 * in 1 to 2 s, most of which goes to inflating the part and to allocating the grid's arrays (which
 * the exceljs path allocates too), the rest to one pass over the bytes. It gives exactly what the
 * exceljs path gives (`sheetGrid` over `workbook.worksheets`) or nothing: whenever a package holds
 * anything it does not follow with certainty — XML it finds odd, a part it does not read
 * (drawings, comments, tables), a cell type it does not know, a structure on which exceljs would
 * fail or do something peculiar — it answers null and the caller reads the package with exceljs
 * as before. Everything below that looks arbitrary is exceljs 4.4's behaviour, matched on
 * purpose; test/xlsx/fast-read.test.ts runs both readers side by side.
 *
 * In `readWorkbookBytes`, right after `sniff` and before `verifyEntries` (the parts read here are
 * then checked already, and not inflated a second time on the thread pool):
 *
 *     const fast = fastSheetGrids(sniffed.entries);
 *     const intact = verifyEntries(sniffed.entries);
 *     // with `fast`: after `if (!(await intact)) return unusable('truncated')`, its `sheets` and
 *     // `date1904` stand for `workbook.worksheets.map(sheetGrid)` and `exceljsDate1904`;
 *     // without: exceljs as now.
 *
 * What is matched, in short:
 * - parts are found where exceljs finds them (fixed paths for the shared strings and styles; a
 *   sheet's part from its relationship target as exceljs resolves it; a sheet whose part is not a
 *   worksheet part is not loaded, and `readWorkbookBytes` adds it as an empty stand-in);
 * - text is decoded as saxes does (entities, line ends), then as exceljs does: `_xHHHH_` escapes in
 *   shared strings only, a second entity decoding of sheet names and `t="str"` values, phonetic
 *   runs dropped;
 * - numbers are `parseFloat`, booleans `parseInt(v) !== 0`, style 0 is no style, a date format
 *   turns a number into a Date and back (to the millisecond, as exceljs rounds it);
 * - shared formulas are translated as exceljs's `slideFormula` translates them;
 * - number formats of cells a merge creates come from their row's or column's style.
 */
import { cellAddress, columnLetter } from '../engine/grid';
import type { RawValue, SheetGrid, ValueType } from '../engine/grid';
import { type Entries, hasEntry } from './zip';

/** The loaded sheets in tab order, as `workbook.worksheets.map(sheetGrid)` gives them. */
export interface FastSheets {
  sheets: SheetGrid[];
  /** exceljs's reading of the flag (`date1904="1"` only): what `readWorkbookBytes` calls `exceljsDate1904`. */
  date1904: boolean;
}

export type FastReadResult = ({ ok: true } & FastSheets) | { ok: false; reason: string };

/**
 * The grids of a package's worksheets, or null when exceljs must read it. `entries` are the
 * parts `sniff` gives; the ones read here are inflated (and so checked) on the main thread.
 */
export function fastSheetGrids(entries: Entries): FastSheets | null {
  const r = fastReadWorkbook(entries);
  return r.ok ? { sheets: r.sheets, date1904: r.date1904 } : null;
}

/** As `fastSheetGrids`, saying why when it gives up (for tests and measurements). */
export function fastReadWorkbook(entries: Entries): FastReadResult {
  try {
    return { ok: true, ...readPackage(entries) };
  } catch (e) {
    if (e instanceof Unsupported) return { ok: false, reason: e.message };
    // A damaged part (DamagedEntry), a part too large for a string, or a bug: exceljs decides.
    return { ok: false, reason: `error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}` };
  }
}

class Unsupported extends Error {
  override name = 'Unsupported';
}

function unsupported(reason: string): never {
  throw new Unsupported(reason);
}

// ---------------------------------------------------------------------------------------------
// The package

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const COMMENTS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments';

/** exceljs's patterns for parts, in the order it tries them (unanchored, as there). */
const WORKSHEET_PART = /xl\/worksheets\/sheet(\d+)[.]xml/;
const WORKSHEET_RELS_PART = /xl\/worksheets\/_rels\/sheet(\d+)[.]xml.rels/;
const THEME_PART = /xl\/theme\/([a-zA-Z0-9]+)[.]xml/;
const MEDIA_PART = /xl\/media\/([a-zA-Z0-9]+[.][a-zA-Z0-9]{3,4})$/;
/** Parts exceljs reads and reconciles that this reader does not: drawings, comments, tables. */
const UNREAD_PARTS = [
  /xl\/drawings\/([a-zA-Z0-9]+)[.]xml/,
  /xl\/(comments\d+)[.]xml/,
  /xl\/tables\/(table\d+)[.]xml/,
  /xl\/drawings\/_rels\/([a-zA-Z0-9]+)[.]xml[.]rels/,
  /xl\/drawings\/(vmlDrawing\d+)[.]vml/,
];

interface Rel {
  type: string | undefined;
  target: string | undefined;
}

interface SheetDecl {
  name: string | undefined;
  sheetId: string | undefined;
  state: string | undefined;
  rId: string | undefined;
}

interface DefinedName {
  name: string | undefined;
  localSheetId: string | undefined;
  text: string;
}

function readPackage(entries: Entries): FastSheets {
  const worksheetParts = new Map<string, string>(); // part → its number, as exceljs keys its rels
  const sheetRels = new Map<string, Map<string, Rel>>();
  for (const name of Object.keys(entries)) {
    if (name.endsWith('/')) continue; // a folder: exceljs skips it
    if (name.startsWith('/')) unsupported('a part name starting with /');
    switch (name) {
      case '_rels/.rels':
        parseRels(part(entries, name));
        continue;
      case 'docProps/core.xml':
        checkCoreProperties(part(entries, name));
        continue;
      case 'docProps/app.xml':
        checkWellFormed(part(entries, name));
        continue;
      case 'xl/workbook.xml':
      case 'xl/_rels/workbook.xml.rels':
      case 'xl/sharedStrings.xml':
      case 'xl/styles.xml':
        continue; // read below
      default:
        break;
    }
    if (WORKSHEET_PART.test(name)) {
      const m = /^xl\/worksheets\/sheet(\d+)\.xml$/.exec(name);
      if (!m) unsupported(`an odd worksheet part name: ${name}`);
      worksheetParts.set(name, m[1]);
    } else if (WORKSHEET_RELS_PART.test(name)) {
      const m = /^xl\/worksheets\/_rels\/sheet(\d+)\.xml\.rels$/.exec(name);
      if (!m) unsupported(`an odd worksheet relationships part name: ${name}`);
      sheetRels.set(m[1], parseRels(part(entries, name)));
    } else if (THEME_PART.test(name) || MEDIA_PART.test(name)) {
      continue; // kept as bytes by exceljs
    } else if (UNREAD_PARTS.some((re) => re.test(name))) {
      unsupported(`a part this reader does not read: ${name}`);
    }
  }

  const styles = hasEntry(entries, 'xl/styles.xml') ? parseStyles(part(entries, 'xl/styles.xml')) : undefined;
  const strings = hasEntry(entries, 'xl/sharedStrings.xml') ? parseSharedStrings(part(entries, 'xl/sharedStrings.xml')) : undefined;
  const workbook = parseWorkbook(part(entries, 'xl/workbook.xml'));
  const rels = hasEntry(entries, 'xl/_rels/workbook.xml.rels') ? parseRels(part(entries, 'xl/_rels/workbook.xml.rels')) : new Map<string, Rel>();

  // Which sheets exceljs loads (workbook-xform's reconcile, then Workbook's model setter).
  const loaded: { decl: SheetDecl; path: string; name: string }[] = [];
  const ids = new Set<number>();
  for (const decl of workbook.sheets) {
    const id = parseInt(decl.sheetId as string, 10);
    if (!Number.isNaN(id)) {
      if (ids.has(id)) unsupported('two sheets with one sheetId');
      ids.add(id);
    }
    const rel = lookup(rels, String(decl.rId));
    if (!rel) continue;
    if (rel.target === undefined) unsupported('a sheet relationship without a target');
    const path = `xl/${rel.target.replace(/^(\s|\/xl\/)+/, '')}`;
    if (!worksheetParts.has(path)) continue; // a chart sheet, a missing part: not loaded
    if (decl.name === undefined) unsupported('a sheet without a name');
    if (!(id >= 1 && id <= 1e6)) unsupported('an odd sheetId');
    loaded.push({ decl, path, name: exceljsXmlDecode(decl.name) });
  }
  const paths = new Set(loaded.map((l) => l.path));
  if (paths.size !== loaded.length) unsupported('two sheets with one part');
  if (paths.size !== worksheetParts.size) unsupported('a worksheet part no sheet loads');
  const lower = new Set<string>();
  for (const { name } of loaded) {
    if (!validSheetName(name)) unsupported('a sheet name exceljs refuses or truncates');
    if (lower.has(name.toLowerCase())) unsupported('two sheets with one name');
    lower.add(name.toLowerCase());
  }
  checkPrintAreas(workbook.definedNames, loaded.length);

  const sheets = loaded.map(({ decl, path, name }) =>
    parseWorksheet(part(entries, path), {
      name,
      state: decl.state,
      strings,
      styles,
      date1904: workbook.date1904,
      rels: sheetRels.get(worksheetParts.get(path) as string),
    }),
  );
  return { sheets, date1904: workbook.date1904 };
}

/** A part's bytes (inflated, and so checked against its CRC-32, when first read). */
function part(entries: Entries, name: string): Uint8Array {
  if (!hasEntry(entries, name)) unsupported(`no ${name}`);
  return entries[name];
}

/** A key of a record exceljs builds as a plain object: one of Object.prototype's names would misbehave there. */
function lookup<T>(map: Map<string, T>, key: string): T | undefined {
  if (key in Object.prototype) unsupported(`an odd id: ${key}`);
  return map.get(key);
}

/** Worksheet's name setter: what it throws on, and names it truncates (with a warning). */
function validSheetName(name: string): boolean {
  return name !== '' && name !== 'History' && name.length <= 31 && !/[*?:/\\[\]]/.test(name) && !/(^')|('$)/.test(name);
}

/** exceljs's `utils.xmlDecode`: sheet names and `t="str"` values are decoded a second time. */
export function exceljsXmlDecode(text: string): string {
  if (text.indexOf('&') < 0) return text;
  return text.replace(/&([a-z]*);/g, (c) =>
    c === '&lt;' ? '<' : c === '&gt;' ? '>' : c === '&amp;' ? '&' : c === '&apos;' ? "'" : c === '&quot;' ? '"' : c,
  );
}

// ---------------------------------------------------------------------------------------------
// XML bytes. Parts are scanned as UTF-8 bytes, not decoded to a string: decoding a 50 MB sheet
// would cost more than reading it. Only the text used is decoded.

interface NodeBufferModule {
  isUtf8?: (data: Uint8Array) => boolean;
  Buffer?: { from(data: ArrayBufferLike, offset: number, length: number): Utf8Slicer };
}

/** A Node Buffer over a part's bytes: `utf8Slice` (native, undocumented) where there is one, else `toString`. */
interface Utf8Slicer {
  toString(encoding: 'utf8', start: number, end: number): string;
  utf8Slice?: (start: number, end: number) => string;
}

/** Node's buffer module, found at run time so that a browser bundle never refers to it. */
const nodeBuffer = ((): NodeBufferModule | undefined => {
  const host = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return host?.getBuiltinModule?.('node:buffer') as NodeBufferModule | undefined;
  } catch {
    return undefined;
  }
})();

const FATAL_UTF8 = new TextDecoder('utf-8', { fatal: true });
const UTF8 = new TextDecoder('utf-8');

function isUtf8(b: Uint8Array): boolean {
  if (nodeBuffer?.isUtf8) return nodeBuffer.isUtf8(b);
  try {
    FATAL_UTF8.decode(b);
    return true;
  } catch {
    return false;
  }
}

/**
 * An XML declaration saxes takes, version 1.0. Whatever encoding it names, exceljs decodes the
 * part as UTF-8 (JSZip), as the scanner does: bytes that are not UTF-8 are refused.
 */
const XML_DECL = /^<\?xml[ \t\n\r]+version[ \t\n\r]*=[ \t\n\r]*(["'])1\.0\1(?:[ \t\n\r]+encoding[ \t\n\r]*=[ \t\n\r]*(["'])[A-Za-z][A-Za-z0-9._-]*\2)?(?:[ \t\n\r]+standalone[ \t\n\r]*=[ \t\n\r]*(["'])(?:yes|no)\3)?[ \t\n\r]*\?>$/;

function isXmlChar(c: number): boolean {
  return c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

/**
 * Where a part's content starts: past a byte-order mark (saxes skips it) and the XML declaration,
 * which must be version 1.0. The part must be UTF-8 throughout. The rest of what saxes
 * would refuse is checked by the scanner as it goes (see `Scanner`).
 */
export function xmlStart(b: Uint8Array, what = 'XML'): number {
  if (!isUtf8(b)) unsupported(`${what}: not UTF-8`);
  let start = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  if (b[start] === 60 && b[start + 1] === 63) {
    const close = b.indexOf(62, start);
    const decl = close < 0 || close - start > 400 ? '' : ascii(b, start, close + 1);
    if (!XML_DECL.test(decl)) unsupported(`${what}: an XML declaration other than version 1.0`);
    start = close + 1;
  }
  return start;
}

const ENTITY_NAMES = ['amp;', 'lt;', 'gt;', 'quot;', 'apos;'];

/** Whether an entity reference XML defines (or a reference to a character) follows an &. */
function entityAt(b: Uint8Array, k: number): boolean {
  if (b[k] === 35) {
    const hex = b[k + 1] === 120;
    let j = hex ? k + 2 : k + 1;
    const from = j;
    let code = 0;
    for (; j < b.length && j - from <= 8; j++) {
      const c = b[j];
      const d = c >= 48 && c <= 57 ? c - 48 : hex && c >= 97 && c <= 102 ? c - 87 : hex && c >= 65 && c <= 70 ? c - 55 : -1;
      if (d < 0) break;
      code = code * (hex ? 16 : 10) + d;
    }
    return j > from && b[j] === 59 && isXmlChar(code);
  }
  return ENTITY_NAMES.some((name) => {
    for (let j = 0; j < name.length; j++) if (b[k + j] !== name.charCodeAt(j)) return false;
    return true;
  });
}

function ascii(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let k = start; k < end; k++) s += String.fromCharCode(b[k]);
  return s;
}

const ENTITY = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(amp|lt|gt|quot|apos));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Entities and character references decoded (the scanner checked them). */
export function decodeEntities(text: string): string {
  if (text.indexOf('&') < 0) return text;
  return text.replace(ENTITY, (_m, hex: string | undefined, dec: string | undefined, named: string | undefined) =>
    hex !== undefined ? String.fromCodePoint(parseInt(hex, 16)) : dec !== undefined ? String.fromCodePoint(parseInt(dec, 10)) : NAMED[named as string],
  );
}

/** exceljs's TextXform: `_xHHHH_` escapes (upper-case hex only) decoded, in shared strings' `<t>`. */
export function decodeEscapes(text: string): string {
  if (text.indexOf('_x') < 0) return text;
  return text.replace(/_x([0-9A-F]{4})_/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

// ---------------------------------------------------------------------------------------------
// A strict XML scanner: tokens over the bytes, positions instead of objects. It accepts less
// than saxes does (ASCII names only; no DOCTYPE, comment, CDATA or processing instruction, which
// exceljs would skip and nothing writes), so whatever it accepts, exceljs parses; text and
// attribute values come out as saxes gives them (line ends, white space in attributes). It looks
// at every byte of text and attribute values for what saxes refuses: characters XML does not
// allow, undefined entities or references to no character, "]]>" in text, "<" in a value.

const OPEN = 1;
const CLOSE = 2;
const TEXT = 3;
const END = 4;

/** A text or attribute value holds an entity / a CR / a tab or LF (white space a value normalises). */
const HAS_ENTITY = 1;
const HAS_CR = 2;
const HAS_WHITE = 4;

/** Bytes of text a scan stops at: control characters, &, <, ], and 0xEF (for U+FFFE, U+FFFF). */
const TEXT_STOP = new Uint8Array(256);
for (let c = 0; c < 32; c++) if (c !== 9 && c !== 10) TEXT_STOP[c] = 1;
for (const c of [38, 60, 93, 0xef]) TEXT_STOP[c] = 1;
/** The same in an attribute value, with the quotes, tab and LF. */
const VALUE_STOP = TEXT_STOP.slice();
for (const c of [9, 10, 34, 39]) VALUE_STOP[c] = 1;

/** Per byte: 1 white space; 2 may start a name (ASCII letters, _); 4 may be in one (and digits, : - .). */
const CHAR_CLASS = new Uint8Array(256);
for (const c of [32, 10, 9, 13]) CHAR_CLASS[c] = 1;
for (let c = 0; c < 128; c++) {
  const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
  if (letter) CHAR_CLASS[c] = 2 | 4;
  else if ((c >= 48 && c <= 57) || c === 58 || c === 45 || c === 46) CHAR_CLASS[c] = 4;
}

const isSpace = (c: number): boolean => CHAR_CLASS[c] === 1;

function sameBytes(b: Uint8Array, x: number, y: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (b[x + k] !== b[y + k]) return false;
  return true;
}

export class Scanner {
  i: number;
  /** The last tag's name. */
  nameStart = 0;
  nameEnd = 0;
  /** The last start tag was `<x/>`. */
  selfClosing = false;
  /** The last text, and what it holds (HAS_*). */
  textStart = 0;
  textEnd = 0;
  textFlags = 0;
  /** The last start tag's attributes: name start, name end, value start, value end, flags. */
  attrCount = 0;
  attrs = new Int32Array(40);
  depth = 0;
  private stack = new Int32Array(64);
  private rootDone = false;
  private readonly end: number;
  private readonly decode: (start: number, end: number) => string;

  constructor(
    readonly b: Uint8Array,
    private readonly what = 'XML',
  ) {
    this.i = xmlStart(b, what);
    this.end = b.length;
    const slicer = nodeBuffer?.Buffer?.from(b.buffer, b.byteOffset, b.byteLength);
    this.decode = slicer
      ? typeof slicer.utf8Slice === 'function'
        ? slicer.utf8Slice.bind(slicer)
        : (start, end) => slicer.toString('utf8', start, end)
      : (start, end) => UTF8.decode(b.subarray(start, end));
  }

  fail(reason: string): never {
    unsupported(`${this.what}: ${reason}`);
  }

  /** The bytes from `start` to `end` as text, undecoded. */
  utf8(start: number, end: number): string {
    return this.decode(start, end);
  }

  next(): number {
    const b = this.b;
    const i = this.i;
    const end = this.end;
    if (i >= end) {
      if (this.depth !== 0 || !this.rootDone) this.fail('cut short');
      return END;
    }
    if (b[i] === 60) return b[i + 1] === 47 ? this.endTag(i + 2) : this.startTag(i + 1);
    const j = this.scanText(i);
    this.textStart = i;
    this.textEnd = j;
    this.i = j;
    if (this.depth === 0) for (let k = i; k < j; k++) if (!isSpace(b[k])) this.fail('text outside the root');
    return TEXT;
  }

  /** Text from `i` up to the next `<` (or the end), checked; sets `textFlags` and returns where it ends. */
  private scanText(i: number): number {
    const b = this.b;
    const end = this.end;
    let j = i;
    let flags = 0;
    for (; j < end; j++) {
      const c = b[j];
      if (TEXT_STOP[c] === 0) continue;
      if (c === 60) break;
      flags |= this.special(c, j);
    }
    this.textFlags = flags;
    return j;
  }

  /** A byte of text or of a value that needs a look: what it holds, or a refusal. */
  private special(c: number, j: number): number {
    const b = this.b;
    if (c === 38) {
      if (!entityAt(b, j + 1)) this.fail('an entity XML does not define');
      return HAS_ENTITY;
    }
    if (c === 13) return HAS_CR;
    if (c === 93) {
      if (b[j + 1] === 93 && b[j + 2] === 62) this.fail('"]]>" in text');
      return 0;
    }
    if (c === 0xef) {
      if (b[j + 1] === 0xbf && (b[j + 2] === 0xbe || b[j + 2] === 0xbf)) this.fail('a character XML does not allow');
      return 0;
    }
    return this.fail('a control character');
  }

  private scanName(k: number): number {
    const b = this.b;
    if (!(CHAR_CLASS[b[k]] & 2)) this.fail('a bad name');
    while (CHAR_CLASS[b[++k]] & 4);
    return k;
  }

  private endTag(ns: number): number {
    const b = this.b;
    const ne = this.scanName(ns);
    let k = ne;
    while (isSpace(b[k])) k++;
    if (b[k] !== 62 || this.depth === 0) this.fail('a bad end tag');
    const d = --this.depth;
    const os = this.stack[2 * d];
    const oe = this.stack[2 * d + 1];
    if (oe - os !== ne - ns || !sameBytes(b, os, ns, ne - ns)) this.fail('mismatched tags');
    if (d === 0) this.rootDone = true;
    this.nameStart = ns;
    this.nameEnd = ne;
    this.i = k + 1;
    return CLOSE;
  }

  private startTag(ns: number): number {
    const b = this.b;
    if (b[ns] === 33) this.fail('a DOCTYPE, comment or CDATA section');
    if (b[ns] === 63) this.fail('a processing instruction');
    if (this.rootDone) this.fail('a second root');
    const end = this.end;
    const ne = this.scanName(ns);
    let k = ne;
    let n = 0;
    for (;;) {
      let c = b[k];
      if (c === 62) {
        k++;
        this.selfClosing = false;
        break;
      }
      if (c === 47) {
        if (b[k + 1] !== 62) this.fail('a bad tag');
        k += 2;
        this.selfClosing = true;
        break;
      }
      if (!isSpace(c)) this.fail('a bad tag');
      do c = b[++k];
      while (isSpace(c));
      if (c === 62 || c === 47) continue;
      const as = k;
      const ae = this.scanName(k);
      k = ae;
      c = b[k];
      while (isSpace(c)) c = b[++k];
      if (c !== 61) this.fail('a bad attribute');
      c = b[++k];
      while (isSpace(c)) c = b[++k];
      const q = c;
      if (q !== 34 && q !== 39) this.fail('an unquoted attribute');
      const vs = k + 1;
      let ve = vs;
      let flags = 0;
      for (; ve < end; ve++) {
        c = b[ve];
        if (VALUE_STOP[c] === 0) continue;
        if (c === q) break;
        if (c === 34 || c === 39) continue;
        if (c === 60) this.fail('< in an attribute');
        flags |= c === 9 || c === 10 ? HAS_WHITE : this.special(c, ve);
      }
      if (ve >= end) this.fail('an unclosed attribute');
      let a = this.attrs;
      const length = ae - as;
      for (let m = 0; m < n; m++) if (a[5 * m + 1] - a[5 * m] === length && sameBytes(b, a[5 * m], as, length)) this.fail('a repeated attribute');
      if (5 * n + 5 > a.length) {
        const grown = new Int32Array(a.length * 2);
        grown.set(a);
        this.attrs = a = grown;
      }
      a[5 * n] = as;
      a[5 * n + 1] = ae;
      a[5 * n + 2] = vs;
      a[5 * n + 3] = ve;
      a[5 * n + 4] = flags;
      n++;
      k = ve + 1;
    }
    this.attrCount = n;
    this.nameStart = ns;
    this.nameEnd = ne;
    this.i = k;
    if (this.selfClosing) {
      if (this.depth === 0) this.rootDone = true;
    } else {
      if (2 * this.depth + 2 > this.stack.length) {
        const grown = new Int32Array(this.stack.length * 2);
        grown.set(this.stack);
        this.stack = grown;
      }
      this.stack[2 * this.depth] = ns;
      this.stack[2 * this.depth + 1] = ne;
      this.depth++;
    }
    return OPEN;
  }

  /**
   * Right after the start tag of the element on top of the stack (`parent`), the common case
   * consumed in one go: `<child>text</child></parent>` (a cell's `<v>`, a shared string's `<t>`),
   * the text checked as `next` checks it and left as the last text. False, with nothing
   * consumed, for anything else.
   */
  onlyText(child: string, parent: string): boolean {
    const b = this.b;
    const i = this.i;
    if (b[i] !== 60 || !this.bytesAre(i + 1, i + 1 + child.length, child) || b[i + 1 + child.length] !== 62) return false;
    const start = i + 2 + child.length;
    const before = this.textFlags;
    const j = this.scanText(start);
    // </child></parent>
    let k = j + 2 + child.length;
    const closes = b[j + 1] === 47 && this.bytesAre(j + 2, k, child) && b[k] === 62 && b[k + 1] === 60 && b[k + 2] === 47;
    if (!closes || !this.bytesAre(k + 3, k + 3 + parent.length, parent) || b[k + 3 + parent.length] !== 62) {
      this.textFlags = before;
      return false;
    }
    k += 4 + parent.length;
    this.textStart = start;
    this.textEnd = j;
    if (--this.depth === 0) this.rootDone = true;
    this.i = k;
    return true;
  }

  /** Whether bytes from `start` to `end` are `text` (ASCII). */
  private bytesAre(start: number, end: number, text: string): boolean {
    if (end - start !== text.length) return false;
    for (let k = 0; k < text.length; k++) if (this.b[start + k] !== text.charCodeAt(k)) return false;
    return true;
  }

  /** Whether the last tag is named `name`. */
  is(name: string): boolean {
    return this.bytesAre(this.nameStart, this.nameEnd, name);
  }

  name(): string {
    return ascii(this.b, this.nameStart, this.nameEnd);
  }

  /** The last text, decoded. */
  text(): string {
    const raw = this.utf8(this.textStart, this.textEnd);
    if (this.textFlags === 0) return raw;
    return decodeEntities(this.textFlags & HAS_CR ? raw.replace(/\r\n?/g, '\n') : raw);
  }

  /** The index of an attribute of the last start tag, or -1. */
  attrIndex(name: string): number {
    const a = this.attrs;
    for (let m = 0; m < this.attrCount; m++) if (this.bytesAre(a[5 * m], a[5 * m + 1], name)) return m;
    return -1;
  }

  /** An attribute of the last start tag, decoded as saxes decodes it, or undefined. */
  attr(name: string): string | undefined {
    const m = this.attrIndex(name);
    return m < 0 ? undefined : this.attrValue(m);
  }

  valueStart(m: number): number {
    return this.attrs[5 * m + 2];
  }

  valueEnd(m: number): number {
    return this.attrs[5 * m + 3];
  }

  /** Whether attribute `m`'s bytes are its value (no entity, no white space to normalise). */
  plainValue(m: number): boolean {
    return this.attrs[5 * m + 4] === 0;
  }

  attrValue(m: number): string {
    const raw = this.utf8(this.valueStart(m), this.valueEnd(m));
    return this.plainValue(m) ? raw : decodeEntities(raw.replace(/\r\n?|[\n\t]/g, ' '));
  }

  /** Whether attribute `m` is exactly `text` (as decoded). */
  attrIs(m: number, text: string): boolean {
    return this.plainValue(m) ? this.bytesAre(this.valueStart(m), this.valueEnd(m), text) : this.attrValue(m) === text;
  }

  /** The root element, which must be `name` (and, given `ns`, declare it as its default namespace). */
  root(name: string, ns?: string): void {
    let t = this.next();
    while (t === TEXT) t = this.next();
    if (t !== OPEN || !this.is(name)) this.fail(`a root other than ${name}`);
    if (ns !== undefined && this.attr('xmlns') !== ns) this.fail('another namespace');
  }

  /** The text of an element just opened that holds text only; undefined when it holds none. */
  leafText(): string | undefined {
    if (this.selfClosing) return undefined;
    let t = this.next();
    let out: string | undefined;
    if (t === TEXT) {
      out = this.text();
      t = this.next();
    }
    if (t !== CLOSE) this.fail('an element inside text');
    return out;
  }

  /** Past an element just opened that holds no element (text is ignored). */
  leaf(): void {
    if (this.selfClosing) return;
    let t = this.next();
    while (t === TEXT) t = this.next();
    if (t !== CLOSE) this.fail('an unexpected element');
  }

  /** Past an element just opened and all it holds; `forbidden` names may not be inside. */
  skip(forbidden?: ReadonlySet<string>): void {
    if (this.selfClosing) return;
    const depth = this.depth - 1;
    for (;;) {
      const t = this.next();
      if (t === OPEN && forbidden?.has(this.name())) this.fail(`${this.name()} where exceljs would misread it`);
      if (t === CLOSE && this.depth === depth) return;
    }
  }

  /** Each child element of the element just opened, read by `visit` (which must consume it); text between is passed over. */
  eachChild(visit: () => void): void {
    if (this.selfClosing) return;
    for (let t = this.next(); t !== CLOSE; t = this.next()) if (t === OPEN) visit();
  }

  /** The children of a list element just opened, each read by `read`: all `name` (exceljs's lists end at anything else). */
  listOf<T>(name: string, read: () => T): T[] {
    const out: T[] = [];
    this.eachChild(() => {
      if (!this.is(name)) this.fail(`an element other than ${name}`);
      out.push(read());
    });
    return out;
  }

  /** The rest of the document after the root: white space only. */
  finish(): void {
    while (this.next() !== END);
  }
}

/** Any part exceljs parses without interpreting here: well-formed is enough. */
function checkWellFormed(xml: Uint8Array): void {
  const sc: Scanner = new Scanner(xml, 'docProps/app.xml');
  while (sc.next() !== END);
}

/** core.xml: exceljs throws on an element it has no field for, and reads each as text. */
const CORE_FIELDS = new Set([
  'dc:creator',
  'dc:title',
  'dc:subject',
  'dc:description',
  'dc:identifier',
  'dc:language',
  'cp:keywords',
  'cp:category',
  'cp:lastModifiedBy',
  'cp:lastPrinted',
  'cp:revision',
  'cp:version',
  'cp:contentStatus',
  'cp:contentType',
  'dcterms:created',
  'dcterms:modified',
]);

function checkCoreProperties(xml: Uint8Array): void {
  const sc: Scanner = new Scanner(xml, 'docProps/core.xml');
  let t = sc.next();
  while (t === TEXT) t = sc.next();
  if (t !== OPEN || !(sc.is('cp:coreProperties') || sc.is('coreProperties'))) sc.fail('an odd root');
  sc.eachChild(() => {
    if (!CORE_FIELDS.has(sc.name())) sc.fail(`a field exceljs refuses: ${sc.name()}`);
    sc.leafText();
  });
  sc.finish();
}

/** A relationships part: exceljs throws on anything but flat `Relationship` elements. */
function parseRels(xml: Uint8Array): Map<string, Rel> {
  const sc: Scanner = new Scanner(xml, 'relationships');
  sc.root('Relationships');
  const rels = new Map<string, Rel>();
  leaves(sc, 'Relationship', () => {
    const id = String(sc.attr('Id'));
    if (id in Object.prototype) sc.fail(`an odd id: ${id}`);
    rels.set(id, { type: sc.attr('Type'), target: sc.attr('Target') });
  });
  sc.finish();
  return rels;
}

// ---------------------------------------------------------------------------------------------
// Workbook

const WORKBOOK_FIELDS = new Set(['workbook', 'fileVersion', 'workbookPr', 'bookViews', 'sheets', 'definedNames', 'calcPr']);

function parseWorkbook(xml: Uint8Array): { sheets: SheetDecl[]; date1904: boolean; definedNames: DefinedName[] } {
  const sc: Scanner = new Scanner(xml, 'xl/workbook.xml');
  sc.root('workbook', MAIN_NS);
  let sheets: SheetDecl[] | undefined;
  let definedNames: DefinedName[] | undefined;
  let date1904: boolean | undefined;
  sc.eachChild(() => {
    if (sc.is('sheets')) {
      if (sheets) sc.fail('two sheet lists');
      sheets = leaves(sc, 'sheet', () => ({ name: sc.attr('name'), sheetId: sc.attr('sheetId'), state: sc.attr('state'), rId: sc.attr('r:id') }));
    } else if (sc.is('workbookPr')) {
      if (date1904 !== undefined) sc.fail('two workbookPr');
      date1904 = sc.attr('date1904') === '1';
      sc.skip(WORKBOOK_FIELDS);
    } else if (sc.is('definedNames')) {
      if (definedNames) sc.fail('two definedNames');
      definedNames = sc.listOf('definedName', () => {
        const name = sc.attr('name');
        const localSheetId = sc.attr('localSheetId');
        return { name, localSheetId, text: sc.leafText() ?? '' };
      });
    } else if (sc.is('workbook')) {
      sc.fail('a workbook in the workbook');
    } else {
      sc.skip(WORKBOOK_FIELDS);
    }
  });
  sc.finish();
  return { sheets: sheets ?? [], date1904: date1904 ?? false, definedNames: definedNames ?? [] };
}

/**
 * workbook-xform's reconcile reads the first range of a sheet's print area and throws when there
 * is none (a print area of `#REF!`-like text that its range extraction drops).
 */
function checkPrintAreas(definedNames: DefinedName[], loadedCount: number): void {
  for (const d of definedNames) {
    if (d.name !== '_xlnm.Print_Area' || d.localSheetId === undefined) continue;
    const index = parseInt(d.localSheetId, 10);
    if (!(index >= 0 && index < loadedCount)) continue;
    if (extractRanges(d.text).length === 0) unsupported('a print area exceljs cannot read');
  }
}

/** exceljs's defined-name-xform `extractRanges`. */
export function extractRanges(parsedText: string): string[] {
  const ranges: string[] = [];
  let quotesOpened = false;
  let last = '';
  for (const item of parsedText.split(',')) {
    if (!item) continue;
    const quotes = (item.match(/'/g) || []).length;
    if (!quotes) {
      if (quotesOpened) last += `${item},`;
      else if (isValidRange(item)) ranges.push(item);
      continue;
    }
    const quotesEven = quotes % 2 === 0;
    if (!quotesOpened && quotesEven && isValidRange(item)) {
      ranges.push(item);
    } else if (quotesOpened && !quotesEven) {
      quotesOpened = false;
      if (isValidRange(last + item)) ranges.push(last + item);
      last = '';
    } else {
      quotesOpened = true;
      last += `${item},`;
    }
  }
  return ranges;
}

/** Whether exceljs's `colCache.decodeEx` takes it without throwing. */
function isValidRange(range: string): boolean {
  const groups = /(?:(?:(?:'((?:[^']|'')*)')|([^'^ !]*))!)?(.*)/.exec(range) as RegExpExecArray;
  const reference = groups[3];
  const parts = reference.split(':');
  if (parts.length > 1) return decodesAddress(parts[0]) && decodesAddress(parts[1]);
  return reference.startsWith('#') || decodesAddress(reference);
}

/** Whether `colCache.decodeAddress` takes it: it throws only on a column past XFD. */
function decodesAddress(value: string): boolean {
  let hasCol = false;
  let hasRow = false;
  let col = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (!hasRow && c >= 65 && c <= 90) {
      hasCol = true;
      col = col * 26 + c - 64;
    } else if (c >= 48 && c <= 57) {
      hasRow = true;
    } else if (hasRow && hasCol && c !== 36) {
      break;
    }
  }
  return !hasCol || col <= 16384;
}

// ---------------------------------------------------------------------------------------------
// Shared strings

/**
 * The strings as exceljs's shared-strings-xform reads them, each as the plain text it gives: the
 * runs of rich text joined, phonetic runs (`<rPh>`) dropped, `_xHHHH_` decoded in each `<t>`. An
 * `<si>` without text is '' (exceljs gives an empty object, which reads as empty just the same).
 */
function parseSharedStrings(xml: Uint8Array): string[] {
  const sc: Scanner = new Scanner(xml, 'xl/sharedStrings.xml');
  sc.root('sst', MAIN_NS);
  const out = sc.listOf('si', () => sharedString(sc)); // exceljs throws on anything but si
  sc.finish();
  return out;
}

function sharedString(sc: Scanner): string {
  if (sc.selfClosing) return '';
  if (sc.onlyText('t', 'si')) return sc.textEnd > sc.textStart ? decodeEscapes(sc.text()) : '';
  let plain: string | undefined;
  let runs: string | undefined;
  sc.eachChild(() => {
    if (sc.is('t')) {
      if (plain !== undefined || runs !== undefined) sc.fail('an si with more than one text');
      plain = decodeEscapes(sc.leafText() ?? '');
    } else if (sc.is('r')) {
      if (plain !== undefined) sc.fail('an si with text and runs');
      runs = (runs ?? '') + richRun(sc);
    } else if (sc.is('rPh')) {
      sc.listOf('t', () => sc.leafText()); // a phonetic run: dropped
    } else if (sc.is('phoneticPr')) {
      sc.leaf();
    } else {
      sc.fail(`${sc.name()} in a shared string`);
    }
  });
  return runs ?? plain ?? '';
}

/** A run of rich text: its text (`_xHHHH_` decoded); its properties are leaves, not read. */
function richRun(sc: Scanner): string {
  let text: string | undefined;
  sc.eachChild(() => {
    if (sc.is('t')) {
      if (text !== undefined) sc.fail('a run with two texts');
      text = decodeEscapes(sc.leafText() ?? '');
    } else if (sc.is('rPr')) {
      sc.eachChild(() => sc.leaf());
    } else {
      sc.fail(`${sc.name()} in a run`);
    }
  });
  return text ?? '';
}

// ---------------------------------------------------------------------------------------------
// Styles

/** exceljs's built-in number formats (defaultnumformats.js: the ids that have an `f`). */
const BUILT_IN_FORMATS: Record<number, string> = {
  0: 'General',
  1: '0',
  2: '0.00',
  3: '#,##0',
  4: '#,##0.00',
  9: '0%',
  10: '0.00%',
  11: '0.00E+00',
  12: '# ?/?',
  13: '# ??/??',
  14: 'mm-dd-yy',
  15: 'd-mmm-yy',
  16: 'd-mmm',
  17: 'mmm-yy',
  18: 'h:mm AM/PM',
  19: 'h:mm:ss AM/PM',
  20: 'h:mm',
  21: 'h:mm:ss',
  22: 'm/d/yy "h":mm',
  37: '#,##0 ;(#,##0)',
  38: '#,##0 ;[Red](#,##0)',
  39: '#,##0.00 ;(#,##0.00)',
  40: '#,##0.00 ;[Red](#,##0.00)',
  45: 'mm:ss',
  46: '[h]:mm:ss',
  47: 'mmss.0',
  48: '##0.0E+0',
  49: '@',
};

interface Styles {
  /** Number format of each cell format (cellXfs), undefined where none; undefined with no cellXfs (exceljs then throws on any style). */
  formats: (string | undefined)[] | undefined;
  /** The same as cells show them ('General' where none), and whether exceljs takes it for a date. */
  shown: string[];
  dates: boolean[];
}

/** exceljs's `utils.isDateFmt`. */
export function isDateFormat(fmt: string | undefined): boolean {
  if (!fmt) return false;
  const bare = fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '');
  return bare.match(/[ymdhMsb]+/) !== null;
}

const STYLE_FIELDS = new Set(['styleSheet', 'numFmts', 'cellXfs']);

function parseStyles(xml: Uint8Array): Styles {
  const sc: Scanner = new Scanner(xml, 'xl/styles.xml');
  sc.root('styleSheet', MAIN_NS);
  const custom = new Map<number, string>();
  let ids: number[] | undefined;
  let sawFormats = false;
  sc.eachChild(() => {
    if (sc.is('numFmts')) {
      if (sawFormats) sc.fail('two numFmts');
      sawFormats = true;
      leaves(sc, 'numFmt', () => {
        const code = sc.attr('formatCode');
        if (code === undefined) sc.fail('a numFmt without a formatCode');
        custom.set(parseInt(sc.attr('numFmtId') as string, 10), code.replace(/[\\](.)/g, '$1'));
      });
    } else if (sc.is('cellXfs')) {
      if (ids) sc.fail('two cellXfs');
      ids = sc.listOf('xf', () => {
        const id = parseInt(sc.attr('numFmtId') as string, 10);
        sc.eachChild(() => {
          if (!sc.is('alignment') && !sc.is('protection')) sc.fail(`${sc.name()} in an xf`);
          sc.leaf();
        });
        return id;
      });
    } else if (sc.is('styleSheet')) {
      sc.fail('a styleSheet in the styleSheet');
    } else {
      sc.skip(STYLE_FIELDS);
    }
  });
  sc.finish();
  // getStyleModel: `if (style.numFmtId)`, then the custom code, else the built-in one.
  const formats = ids?.length ? ids.map((id) => (id ? custom.get(id) || BUILT_IN_FORMATS[id] || undefined : undefined)) : undefined;
  return {
    formats,
    shown: (formats ?? []).map((f) => f ?? 'General'),
    dates: (formats ?? []).map(isDateFormat),
  };
}

/** A row's or column's style: exceljs looks it up without checking that there are styles. */
function lineFormat(styles: Styles | undefined, styleId: number): string | undefined {
  if (!styleId) return undefined;
  if (!styles?.formats) unsupported('a row or column style without cell formats');
  return styles.formats[styleId];
}

// ---------------------------------------------------------------------------------------------
// Worksheets

interface SheetContext {
  name: string;
  state: string | undefined;
  strings: string[] | undefined;
  styles: Styles | undefined;
  date1904: boolean;
  rels: Map<string, Rel> | undefined;
}

/** A sheet's `state` as Office.js names its visibility (both readers). */
export const VISIBILITY: Record<string, SheetGrid['visibility']> = { visible: 'Visible', hidden: 'Hidden', veryHidden: 'VeryHidden' };

/** A sheet's grid before its rows are added (both readers). */
export function emptySheetGrid(name: string, merges: string[], visibility: SheetGrid['visibility']): SheetGrid {
  return { name, top: 0, left: 0, values: [], valueTypes: [], numberFormats: [], formulas: [], merges, visibility };
}

/** Names exceljs's worksheet-xform picks up wherever they stand, and that this reader reads or refuses. */
const SHEET_FIELDS = new Set(['worksheet', 'sheetData', 'mergeCells', 'hyperlinks', 'cols', 'drawing', 'picture', 'tableParts']);

/** Cell value types (`t`). */
const T_N = 0;
const T_S = 1;
const T_STR = 2;
const T_INLINE = 3;
const T_B = 4;
const T_E = 5;
const T_OTHER = 6;

/** Cell flags. */
const CREATED = 1; // exceljs makes a Cell for it (any type but Merge)
const FORMULA = 2; // a formula cell (not a hyperlink)
const SHARED_MASTER = 4;
const HAS_FORMULA = 8; // shows a formula (its text is in `formulas`)

interface Merge {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** A shared formula's dependent cell, resolved once every cell is known. */
interface Dependent {
  cell: number;
  /** The master at the time exceljs reconciled this cell, or -1. */
  master: number;
}

function parseWorksheet(xml: Uint8Array, ctx: SheetContext): SheetGrid {
  const sc: Scanner = new Scanner(xml, ctx.name);
  sc.root('worksheet', MAIN_NS);
  const sheet = new SheetCells(sc, ctx);
  let merges: Merge[] = [];
  let links: { ref: string | undefined; rId: string }[] = [];
  let cols: { min: number; max: number; format: string | undefined }[] = [];
  const seen = new Set<string>();
  sc.eachChild(() => {
    const name = sc.name();
    if (!SHEET_FIELDS.has(name)) return sc.skip(SHEET_FIELDS);
    if (seen.has(name)) sc.fail(`two ${name}`);
    seen.add(name);
    if (name === 'sheetData') sheet.read();
    else if (name === 'mergeCells') merges = leaves(sc, 'mergeCell', () => parseMerge(sc, sc.attr('ref')));
    else if (name === 'hyperlinks') links = leaves(sc, 'hyperlink', () => ({ ref: sc.attr('ref'), rId: sc.attr('r:id') as string })).filter((l) => l.rId !== undefined);
    else if (name === 'cols') cols = leaves(sc, 'col', () => parseCol(sc, ctx.styles));
    else sc.fail(`${name}, which this reader does not read`);
  });
  sc.finish();

  if (ctx.rels && [...ctx.rels.values()].some((r) => r.type === COMMENTS_REL)) unsupported('comments');
  sheet.link(links);
  checkOverlaps(merges);
  return sheet.grid(merges, columnFormats(cols));
}

/** The children of a list element just opened, all `child` elements holding no element, read from their attributes. */
function leaves<T>(sc: Scanner, child: string, read: () => T): T[] {
  return sc.listOf(child, () => {
    const item = read();
    sc.leaf();
    return item;
  });
}

const RANGE = /^([A-Z]{1,3})([1-9][0-9]{0,6}):([A-Z]{1,3})([1-9][0-9]{0,6})$/;

function parseMerge(sc: Scanner, ref: string | undefined): Merge {
  const m = ref === undefined ? null : RANGE.exec(ref);
  if (!m) sc.fail(`a merge exceljs might read otherwise: ${ref}`);
  const c1 = columnNumber(m[1]);
  const c2 = columnNumber(m[3]);
  const r1 = Number(m[2]);
  const r2 = Number(m[4]);
  if (c1 > 16384 || c2 > 16384) sc.fail('a merge past column XFD');
  return { top: Math.min(r1, r2), left: Math.min(c1, c2), bottom: Math.max(r1, r2), right: Math.max(c1, c2) };
}

/** exceljs throws on merges that overlap ("Cannot merge already merged cells"). */
function checkOverlaps(merges: Merge[]): void {
  const byTop = merges.slice().sort((a, b) => a.top - b.top);
  for (let i = 0; i < byTop.length; i++) {
    const a = byTop[i];
    for (let j = i + 1; j < byTop.length && byTop[j].top <= a.bottom; j++) {
      const b = byTop[j];
      if (!(b.right < a.left || b.left > a.right)) unsupported('merges that overlap');
    }
  }
}

function parseCol(sc: Scanner, styles: Styles | undefined): { min: number; max: number; format: string | undefined } {
  const min = parseInt(sc.attr('min') || '0', 10);
  const max = parseInt(sc.attr('max') || '0', 10);
  if (Number.isNaN(min) || Number.isNaN(max)) sc.fail('a column without bounds');
  const style = sc.attr('style');
  return { min, max, format: lineFormat(styles, style ? parseInt(style, 10) : 0) };
}

/** Column.fromModel: columns sorted by min, each taking the columns not yet taken up to its max. */
function columnFormats(cols: { min: number; max: number; format: string | undefined }[]): (col: number) => string | undefined {
  const spans: { from: number; to: number; format: string | undefined }[] = [];
  let count = 1;
  for (const col of cols.slice().sort((a, b) => a.min - b.min)) {
    if (count < col.min) count = col.min;
    if (count <= col.max) {
      if (col.format) spans.push({ from: count, to: col.max, format: col.format });
      count = col.max + 1;
    }
  }
  return (c) => spans.find((s) => c >= s.from && c <= s.to)?.format;
}

function columnNumber(letters: string): number {
  let n = 0;
  for (let i = 0; i < letters.length; i++) n = n * 26 + letters.charCodeAt(i) - 64;
  return n;
}

/** exceljs's `colCache.n2l`, which throws outside A..XFD. */
function columnName(n: number): string {
  if (!(n >= 1 && n <= 16384)) unsupported('a shared formula that slides past the sheet');
  return columnLetter(n - 1);
}

const CANDIDATE = /(([a-z_\-0-9]*)!)?([a-z0-9_$]{2,})([(])?/gi;
const CELL_REF = /^([$])?([a-z]+)([$])?([1-9][0-9]*)$/i;

/** exceljs's `slideFormula`: a shared formula moved from its master's cell to another (1-based). */
export function slideFormula(formula: string, fromRow: number, fromCol: number, toRow: number, toCol: number): string {
  return formula.replace(CANDIDATE, (refMatch: string, sheet: string | undefined, _sheetMaybe: string, addrPart: string, trailingParen: string | undefined) => {
    if (trailingParen) return refMatch;
    const match = CELL_REF.exec(addrPart);
    if (!match) return refMatch;
    const colDollar = match[1];
    const colStr = match[2].toUpperCase();
    const rowDollar = match[3];
    const rowStr = match[4];
    if (colStr.length > 3 || (colStr.length === 3 && colStr > 'XFD')) return refMatch;
    let col = columnNumber(colStr);
    let row = parseInt(rowStr, 10);
    if (!colDollar) col += toCol - fromCol;
    if (!rowDollar) row += toRow - fromRow;
    return (sheet || '') + (colDollar || '') + columnName(col) + (rowDollar || '') + row;
  });
}

/** A decimal of at most 15 digits, exactly as parseFloat reads it; NaN where that needs parseFloat. */
function simpleNumber(b: Uint8Array, start: number, end: number): number {
  let k = start;
  const negative = b[k] === 45;
  if (negative) k++;
  let m = 0;
  let digits = 0;
  let scale = 1;
  let point = false;
  const first = k;
  for (; k < end; k++) {
    const c = b[k];
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      if (point) scale *= 10;
    } else if (c === 46 && !point && k > first) {
      point = true;
    } else {
      return NaN;
    }
  }
  if (digits === 0 || digits > 15 || b[end - 1] === 46) return NaN;
  const v = m / scale; // both exact: one correctly rounded division, as parseFloat rounds
  return negative ? -v : v;
}

/** parseInt(text, 10) of plain digits (at most 9), else -1. */
function digitsValue(b: Uint8Array, start: number, end: number): number {
  if (end <= start || end - start > 9) return -1;
  let n = 0;
  for (let k = start; k < end; k++) {
    const c = b[k];
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  return n;
}

/** parseInt(value, 10) of attribute `m`. */
function intAttr(sc: Scanner, m: number): number {
  const n = sc.plainValue(m) ? digitsValue(sc.b, sc.valueStart(m), sc.valueEnd(m)) : -1;
  return n >= 0 ? n : parseInt(sc.attrValue(m), 10);
}

/** A cell's `t`. */
function typeAttr(sc: Scanner, m: number): number {
  if (sc.attrIs(m, 's')) return T_S;
  if (sc.attrIs(m, 'n') || sc.attrIs(m, '')) return T_N;
  if (sc.attrIs(m, 'str')) return T_STR;
  if (sc.attrIs(m, 'b')) return T_B;
  if (sc.attrIs(m, 'e')) return T_E;
  if (sc.attrIs(m, 'inlineStr')) return T_INLINE;
  return T_OTHER;
}

/** exceljs's excelToDate then read.ts's dateToSerial: the serial as it comes back through a Date. */
function throughDate(v: number, date1904: boolean): number {
  const ms = Math.round((v - 25569 + (date1904 ? 1462 : 0)) * 24 * 3600 * 1000);
  return 25569 + new Date(ms).getTime() / 86400000 - (date1904 ? 1462 : 0);
}

/** Cell value kinds, as stored while reading. */
const K_EMPTY = 0;
const K_STRING = 1;
const K_DOUBLE = 2;
const K_BOOLEAN = 3;
const K_ERROR = 4;
const KIND_TYPES: ValueType[] = ['Empty', 'String', 'Double', 'Boolean', 'Error'];

/**
 * The cells of one sheet as read, in document order, in typed arrays (a sheet of 100,000 rows has
 * well over a million cells: no object, no boxed number per cell), then the grid.
 */
class SheetCells {
  /** The rows read, in order: number (1-based), first cell (a row's cells end where the next row's start), style. */
  private rowCount = 0;
  private rowNums: Int32Array = new Int32Array(256);
  private rowFirsts: Int32Array = new Int32Array(256);
  private rowStyles: Int32Array = new Int32Array(256);
  private count = 0;
  private cols: Int32Array;
  private flags: Uint8Array;
  /** The cell format shown (index into the styles' `shown`), -1 for 'General'. */
  private styleOf: Int32Array;
  private kinds: Uint8Array;
  /** A number; a boolean as 0 or 1; a string's index: into the shared strings when ≥ 0, into `texts` as ~index. */
  private nums: Float64Array;
  private readonly texts: string[] = [];
  private readonly formulas = new Map<number, string>();
  private readonly dependents: Dependent[] = [];
  private readonly masters = new Map<string, number>();
  private rowsWithoutAddress = false;

  constructor(
    private readonly sc: Scanner,
    private readonly ctx: SheetContext,
  ) {
    // Room for a cell every 32 bytes (`<c r="B4" t="s"><v>20</v></c>` is 30), grown if need be.
    const n = Math.min(Math.max(1024, sc.b.length >> 5), 1 << 24);
    this.cols = new Int32Array(n);
    this.flags = new Uint8Array(n);
    this.styleOf = new Int32Array(n);
    this.kinds = new Uint8Array(n);
    this.nums = new Float64Array(n);
  }

  /** `<sheetData>`, just opened. */
  read(): void {
    const sc: Scanner = this.sc;
    sc.eachChild(() => {
      if (!sc.is('row')) sc.fail('an element other than row in sheetData');
      this.row();
    });
  }

  private row(): void {
    const sc: Scanner = this.sc;
    // exceljs takes parseInt(r): a row without one throws, an odd one is not worth following.
    const mr = sc.attrIndex('r');
    const r = mr >= 0 && sc.plainValue(mr) && sc.b[sc.valueStart(mr)] !== 48 ? digitsValue(sc.b, sc.valueStart(mr), sc.valueEnd(mr)) : -1;
    if (!(r >= 1 && r <= 1048576)) sc.fail('a row without a plain number');
    const ms = sc.attrIndex('s');
    const style = ms < 0 || sc.valueEnd(ms) === sc.valueStart(ms) ? 0 : intAttr(sc, ms);
    const k = this.rowCount;
    if (k > 0 && r <= this.rowNums[k - 1]) sc.fail('rows out of order');
    if (style) lineFormat(this.ctx.styles, style); // exceljs looks it up now, and may throw
    if (k === this.rowNums.length) {
      const grow = (a: Int32Array): Int32Array => {
        const out = new Int32Array(a.length * 2);
        out.set(a);
        return out;
      };
      this.rowNums = grow(this.rowNums);
      this.rowFirsts = grow(this.rowFirsts);
      this.rowStyles = grow(this.rowStyles);
    }
    this.rowNums[k] = r;
    this.rowFirsts[k] = this.count;
    this.rowStyles[k] = style;
    this.rowCount = k + 1;
    if (!sc.selfClosing) {
      const first = this.count;
      let previous = -1; // column of the last cell exceljs created, for a cell without an address
      for (let t = sc.next(); t !== CLOSE; t = sc.next()) {
        if (t !== OPEN) continue;
        if (!sc.is('c')) sc.fail('an element other than c in a row');
        previous = this.cell(r, previous, first);
      }
    }
  }

  /** One past the last cell of row `k` (in reading order). */
  private rowEnd(k: number): number {
    return k + 1 < this.rowCount ? this.rowFirsts[k + 1] : this.count;
  }

  private grow(): void {
    const n = this.cols.length * 2;
    const grown = <T extends Int32Array | Uint8Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const out = make(n);
      out.set(a);
      return out;
    };
    this.cols = grown(this.cols, (k) => new Int32Array(k));
    this.flags = grown(this.flags, (k) => new Uint8Array(k));
    this.styleOf = grown(this.styleOf, (k) => new Int32Array(k));
    this.kinds = grown(this.kinds, (k) => new Uint8Array(k));
    this.nums = grown(this.nums, (k) => new Float64Array(k));
  }

  /** A text of this sheet's own (not a shared string), as a ref. */
  private text(text: string): number {
    this.texts.push(text);
    return ~(this.texts.length - 1);
  }

  /** Stores a value as read.ts's rawContent presents it (a Date has become its serial). */
  private store(index: number, v: unknown): void {
    if (typeof v === 'number') {
      if (Number.isFinite(v)) {
        this.kinds[index] = K_DOUBLE;
        this.nums[index] = v;
      }
    } else if (typeof v === 'string') {
      if (v !== '') {
        this.kinds[index] = K_STRING;
        this.nums[index] = this.text(v);
      }
    } else if (typeof v === 'boolean') {
      this.kinds[index] = K_BOOLEAN;
      this.nums[index] = v ? 1 : 0;
    } else if (typeof v === 'object' && v !== null) {
      this.kinds[index] = K_ERROR;
      this.nums[index] = this.text((v as { error: string }).error);
    }
  }

  /** One `<c>`, just opened; returns the column exceljs's next address-less cell follows. */
  private cell(r: number, previous: number, rowFirst: number): number {
    const sc: Scanner = this.sc;
    const b = sc.b;
    const { styles, strings } = this.ctx;
    let col = -1;
    let styleId = 0;
    let type = T_N;
    for (let m = 0; m < sc.attrCount; m++) {
      const ns = sc.attrs[5 * m];
      if (sc.attrs[5 * m + 1] - ns !== 1) continue;
      const c = b[ns];
      if (c === 114) col = this.address(m, r);
      else if (c === 115) styleId = intAttr(sc, m);
      else if (c === 116) type = typeAttr(sc, m);
    }

    // Children: <f>, <v>, <is> (of <t>s); anything else exceljs would misread.
    let formula: string | undefined;
    let shareType: string | undefined;
    let si: string | undefined;
    let ref: string | undefined;
    let hasF = false;
    let hasValue = false;
    let valueStart = -1; // the value's bytes, when it is a <v> without entities or CRs
    let valueEnd = -1;
    let valueText: string | undefined; // the value as text otherwise
    if (sc.selfClosing) {
      // no content
    } else if (sc.onlyText('v', 'c')) {
      hasValue = true;
      if (sc.textEnd > sc.textStart) {
        if (sc.textFlags !== 0) valueText = sc.text();
        else {
          valueStart = sc.textStart;
          valueEnd = sc.textEnd;
        }
      }
    } else {
      for (let t = sc.next(); t !== CLOSE; t = sc.next()) {
        if (t !== OPEN) continue;
        const oneLetter = sc.nameEnd - sc.nameStart === 1 ? b[sc.nameStart] : 0;
        if (oneLetter === 118) {
          if (hasValue) sc.fail('a cell with two values');
          hasValue = true;
          if (sc.selfClosing) continue;
          let u = sc.next();
          if (u === TEXT) {
            if (sc.textFlags !== 0) valueText = sc.text();
            else {
              valueStart = sc.textStart;
              valueEnd = sc.textEnd;
            }
            u = sc.next();
          }
          if (u !== CLOSE) sc.fail('an element inside a value');
        } else if (oneLetter === 102) {
          if (hasF) sc.fail('a cell with two formulas');
          hasF = true;
          shareType = sc.attr('t');
          si = sc.attr('si');
          ref = sc.attr('ref');
          formula = sc.leafText();
        } else if (sc.is('is')) {
          if (hasValue) sc.fail('a cell with two values');
          hasValue = true;
          // exceljs joins the texts (without decoding _xHHHH_ here)
          for (const piece of sc.listOf('t', () => sc.leafText())) if (piece !== undefined) valueText = (valueText ?? '') + piece;
        } else {
          sc.fail(`${sc.name()} in a cell`);
        }
      }
    }
    const present = valueStart >= 0 || valueText !== undefined;
    const isFormula = formula !== undefined || !!shareType;

    if (col < 0) {
      // No address: exceljs puts a cell it creates after the last one it created in the row.
      if (!isFormula && !present && !styleId) return previous; // a Merge-type cell: never created
      if (previous < 0) sc.fail('a first cell without an address'); // exceljs throws
      if (shareType === 'shared') sc.fail('a shared formula in a cell without an address');
      col = previous + 1;
      if (col > 16384) sc.fail('a cell past column XFD');
      this.rowsWithoutAddress = true;
    }
    const index = this.count;
    if (index > rowFirst && col <= this.cols[index - 1]) sc.fail('cells out of order');
    if (index === this.cols.length) this.grow();
    this.count = index + 1;
    this.cols[index] = col;

    // cell-xform's parseClose and reconcile; style 0 is no style.
    let isDate = false;
    let shown = -1;
    if (styleId && styles) {
      if (!styles.formats) sc.fail('a cell style without cell formats'); // getStyleModel throws
      if (styleId >= 0 && styleId < styles.shown.length) {
        isDate = styles.dates[styleId];
        shown = styleId;
      }
    }
    let flags = 0;
    if (isFormula) {
      if (type !== T_N && type !== T_STR && type !== T_B && type !== T_E) sc.fail('a formula cell of an odd type');
      flags = CREATED | FORMULA;
      let result: unknown;
      if (present) {
        if (type === T_N) result = valueText === undefined ? parseNumber(sc, valueStart, valueEnd) : parseFloat(valueText);
        else {
          const text = valueText ?? sc.utf8(valueStart, valueEnd);
          result = type === T_STR ? exceljsXmlDecode(text) : type === T_B ? parseInt(text, 10) !== 0 : { error: text };
        }
      }
      if (result !== undefined && isDate) {
        const n = typeof result === 'number' || typeof result === 'string' || typeof result === 'boolean' ? Number(result) : NaN;
        result = throughDate(n, this.ctx.date1904);
      }
      this.store(index, result);
      if (formula !== undefined) {
        this.formulas.set(index, formula);
        flags |= HAS_FORMULA;
      }
      if (shareType === 'shared') {
        if (ref) {
          this.masters.set(String(si), index);
          flags |= SHARED_MASTER;
        } else {
          this.dependents.push({ cell: index, master: this.masters.get(String(si)) ?? -1 });
        }
      }
    } else if (present) {
      flags = CREATED;
      if (type === T_S) {
        if (!strings) sc.fail('a shared string without shared strings');
        let n = valueText === undefined ? digitsValue(b, valueStart, valueEnd) : -1;
        if (n < 0) n = parseInt(valueText ?? sc.utf8(valueStart, valueEnd), 10);
        if (!(n >= 0 && n < strings.length)) sc.fail('a shared string that is not there'); // exceljs throws
        if (strings[n] !== '') {
          this.kinds[index] = K_STRING;
          this.nums[index] = n;
        }
      } else if (type === T_N) {
        let n = valueText === undefined ? parseNumber(sc, valueStart, valueEnd) : parseFloat(valueText);
        if (isDate) n = throughDate(n, this.ctx.date1904);
        if (Number.isFinite(n)) {
          this.kinds[index] = K_DOUBLE;
          this.nums[index] = n;
        }
      } else {
        const text = valueText ?? sc.utf8(valueStart, valueEnd);
        if (type === T_STR) this.store(index, exceljsXmlDecode(text));
        else if (type === T_INLINE) this.store(index, text);
        else if (type === T_B) this.store(index, parseInt(text, 10) !== 0);
        else if (type === T_E) this.store(index, { error: text });
        else sc.fail('a cell type this reader does not know');
      }
    } else if (styleId) {
      flags = CREATED; // a Null cell: styled, empty
    }
    this.flags[index] = flags;
    this.styleOf[index] = flags & CREATED ? shown : -1;
    return flags & CREATED ? col : previous;
  }

  /** The column (1-based) of a cell's `r`, which must be a plain address in row `r`. */
  private address(m: number, r: number): number {
    const sc: Scanner = this.sc;
    let b = sc.b;
    let k = sc.valueStart(m);
    let end = sc.valueEnd(m);
    if (!sc.plainValue(m)) {
      b = new TextEncoder().encode(sc.attrValue(m));
      k = 0;
      end = b.length;
    }
    let col = 0;
    const start = k;
    for (; k < end; k++) {
      const c = b[k];
      if (c < 65 || c > 90) break;
      col = col * 26 + c - 64;
    }
    if (k === start || k - start > 3 || col > 16384 || b[k] === 48) sc.fail('an odd cell address');
    let row = 0;
    const digits = k;
    for (; k < end; k++) {
      const c = b[k];
      if (c < 48 || c > 57) sc.fail('an odd cell address');
      row = row * 10 + c - 48;
    }
    if (k === digits || row !== r) sc.fail('a cell address outside its row');
    return col;
  }

  /** Hyperlinks with a relationship: exceljs turns their cell into a hyperlink, dropping a formula. */
  link(links: { ref: string | undefined; rId: string }[]): void {
    for (const l of links) {
      const rel = this.ctx.rels ? lookup(this.ctx.rels, l.rId) : undefined;
      if (!rel) unsupported('a hyperlink whose relationship is missing'); // exceljs throws
      if (!rel.target) continue;
      if (l.ref === undefined) unsupported('a hyperlink without a ref');
      if (this.rowsWithoutAddress) unsupported('hyperlinks and cells without addresses');
      const m = /^([A-Z]{1,3})([1-9][0-9]{0,6})$/.exec(l.ref);
      if (!m) continue; // no cell has that address
      const i = this.find(Number(m[2]), columnNumber(m[1]));
      if (i < 0) continue;
      if (this.flags[i] & SHARED_MASTER) unsupported('a hyperlink on a shared formula');
      if (!(this.flags[i] & CREATED)) this.styleOf[i] = -1; // a Merge-type cell, created now without a style
      this.flags[i] = CREATED; // no formula any more
      this.formulas.delete(i);
    }
  }

  /** The index of the cell at a 1-based row and column, or -1. */
  private find(row: number, col: number): number {
    let lo = 0;
    let hi = this.rowCount - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.rowNums[mid] < row) lo = mid + 1;
      else if (this.rowNums[mid] > row) hi = mid - 1;
      else {
        for (let i = this.rowFirsts[mid], end = this.rowEnd(mid); i < end; i++) if (this.cols[i] === col) return i;
        return -1;
      }
    }
    return -1;
  }

  private value(i: number): RawValue {
    switch (this.kinds[i]) {
      case K_STRING: {
        const ref = this.nums[i];
        return ref >= 0 ? (this.ctx.strings as string[])[ref] : this.texts[~ref];
      }
      case K_DOUBLE:
        return this.nums[i];
      case K_BOOLEAN:
        return this.nums[i] !== 0;
      case K_ERROR:
        return this.texts[~this.nums[i]];
      default:
        return '';
    }
  }

  /** The sheet as read.ts's sheetGrid gives it. */
  grid(merges: Merge[], columnFormat: (col: number) => string | undefined): SheetGrid {
    const grid = emptySheetGrid(
      this.ctx.name,
      merges.map((m) => `${cellAddress(m.top - 1, m.left - 1)}:${cellAddress(m.bottom - 1, m.right - 1)}`),
      this.visibility(),
    );
    const covered = new Coverage(merges);
    this.resolveSharedFormulas(covered);

    // Which cells show: created, not under a merge, with a value or a formula.
    const shows = new Uint8Array(this.count);
    let top = Infinity;
    let left = Infinity;
    let bottom = -Infinity;
    let right = -Infinity;
    for (let k = 0; k < this.rowCount; k++) {
      const row = this.rowNums[k];
      covered.toRow(row);
      const anyMerge = covered.active.length > 0;
      for (let i = this.rowFirsts[k], end = this.rowEnd(k); i < end; i++) {
        if (!(this.flags[i] & CREATED) || (anyMerge && covered.covers(row, this.cols[i]))) continue;
        if (this.kinds[i] === K_EMPTY && !(this.flags[i] & HAS_FORMULA)) continue;
        shows[i] = 1;
        if (row < top) top = row;
        bottom = row;
        if (this.cols[i] < left) left = this.cols[i];
        if (this.cols[i] > right) right = this.cols[i];
      }
    }
    if (top === Infinity) return grid;

    grid.top = top - 1;
    grid.left = left - 1;
    const width = right - left + 1;
    const shown = this.ctx.styles?.shown ?? [];
    const created = new Int32Array(width);
    const all = new Coverage(merges);
    // Rows start as copies of an empty one (a copy is one block move).
    const emptyValues: RawValue[] = [];
    const emptyTypes: ValueType[] = [];
    const generalFormats: string[] = [];
    for (let c = 0; c < width; c++) {
      emptyValues.push('');
      emptyTypes.push('Empty');
      generalFormats.push('General');
    }
    let k = 0;
    while (this.rowNums[k] < top) k++;
    for (let r = top; r <= bottom; r++) {
      const values = emptyValues.slice();
      const types = emptyTypes.slice();
      const formats = generalFormats.slice();
      let formulaCells: number[] | undefined;
      const inXml = k < this.rowCount && this.rowNums[k] === r;
      const rowStyle = inXml ? this.rowStyles[k] : 0;
      if (inXml) {
        for (let i = this.rowFirsts[k], end = this.rowEnd(k); i < end; i++) {
          const c = this.cols[i] - left;
          if (c < 0 || c >= width || !(this.flags[i] & CREATED)) continue;
          const style = this.styleOf[i];
          if (style >= 0) formats[c] = shown[style];
          created[c] = r;
          if (!shows[i]) continue;
          values[c] = this.value(i);
          types[c] = KIND_TYPES[this.kinds[i]];
          if (this.flags[i] & HAS_FORMULA) (formulaCells ??= []).push(i);
        }
        k++;
      }
      // Cells a merge creates take their row's style, else their column's.
      all.toRow(r);
      for (const m of all.active) {
        for (let c = Math.max(left, m.left); c <= Math.min(right, m.right); c++) {
          if (created[c - left] !== r) formats[c - left] = lineFormat(this.ctx.styles, rowStyle) || columnFormat(c) || 'General';
        }
      }
      const formulas = values.slice();
      if (formulaCells) for (const i of formulaCells) formulas[this.cols[i] - left] = `=${this.formulas.get(i)}`;
      grid.values.push(values);
      grid.valueTypes.push(types);
      grid.numberFormats.push(formats);
      grid.formulas?.push(formulas);
    }
    return grid;
  }

  private visibility(): SheetGrid['visibility'] {
    const state = this.ctx.state || 'visible';
    if (Object.prototype.hasOwnProperty.call(VISIBILITY, state)) return VISIBILITY[state];
    if (state in Object.prototype) unsupported('an odd sheet state');
    return 'Visible';
  }

  /**
   * A dependent cell without a formula of its own shows its master's, slid (FormulaValue's
   * `_getTranslatedFormula`); exceljs throws where the master has none to give.
   */
  private resolveSharedFormulas(covered: Coverage): void {
    for (const d of this.dependents) {
      if (this.flags[d.cell] & HAS_FORMULA || !(this.flags[d.cell] & FORMULA) || d.master < 0) continue;
      const row = this.rowOf(d.cell);
      if (covered.coversAt(row, this.cols[d.cell])) continue; // never asked for its formula
      const master = this.formulas.get(d.master);
      if (master === undefined || !(this.flags[d.master] & FORMULA)) unsupported('a shared formula whose master has no formula');
      if (covered.coversAt(this.rowOf(d.master), this.cols[d.master])) unsupported('a shared formula whose master is merged over');
      this.formulas.set(d.cell, slideFormula(master, this.rowOf(d.master), this.cols[d.master], row, this.cols[d.cell]));
      this.flags[d.cell] |= HAS_FORMULA;
    }
  }

  /** The row (1-based) of a cell: the last row whose cells start at or before it. */
  private rowOf(cell: number): number {
    let lo = 0;
    let hi = this.rowCount - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.rowFirsts[mid] <= cell) lo = mid;
      else hi = mid - 1;
    }
    return this.rowNums[lo];
  }
}

/** A number's bytes as parseFloat reads them. */
function parseNumber(sc: Scanner, start: number, end: number): number {
  const v = simpleNumber(sc.b, start, end);
  return Number.isNaN(v) ? parseFloat(sc.utf8(start, end)) : v;
}

/**
 * Which cells merges cover, rows visited in increasing order: the merges holding the current row
 * are `active`.
 */
class Coverage {
  active: Merge[] = [];
  private readonly byTop: Merge[];
  private next = 0;
  private row = -Infinity;

  constructor(private readonly merges: Merge[]) {
    this.byTop = merges.slice().sort((a, b) => a.top - b.top);
  }

  toRow(row: number): void {
    if (row < this.row) unsupported('rows visited out of order'); // not reached: rows are sorted
    if (row === this.row) return;
    this.row = row;
    if (this.active.some((m) => m.bottom < row)) this.active = this.active.filter((m) => m.bottom >= row);
    while (this.next < this.byTop.length && this.byTop[this.next].top <= row) {
      const m = this.byTop[this.next++];
      if (m.bottom >= row) this.active.push(m);
    }
  }

  /** Whether (row, col) is in a merge but not its top-left cell; `row` is the current row. */
  covers(row: number, col: number): boolean {
    for (const m of this.active) if (col >= m.left && col <= m.right && (row !== m.top || col !== m.left)) return true;
    return false;
  }

  /** The same for any row. */
  coversAt(row: number, col: number): boolean {
    for (const m of this.merges) if (row >= m.top && row <= m.bottom && col >= m.left && col <= m.right && (row !== m.top || col !== m.left)) return true;
    return false;
  }
}
