/**
 * Writes the engine's plan into an OOXML spreadsheet package at zip-part level.
 *
 * Nothing of the user's is lost: every part of the package is carried over untouched except
 * `workbook.xml`, its `.rels`, `[Content_Types].xml`, `docProps/app.xml`, `docProps/core.xml`
 * and `styles.xml` (appended to), which are edited as text so that everything else in them stays
 * as it was. The parts this module owns — the owned sheets and the ownership record (a custom XML
 * part) — are written whole. exceljs is never used to write: it drops charts, among others.
 *
 * One more part may change, and only in what is about owned sheets: `calcChain.xml` loses the
 * entries of owned sheets that are rewritten or removed (stale entries make Excel repair the file).
 */
import { strFromU8, strToU8 } from 'fflate';
import { parseRangeAddress, quoteSheetName, columnLetter, parseCellAddress, type RangeRef } from '../engine/grid';
import { buildOwnershipXml, parseOwnershipXml, OWNERSHIP_NAMESPACE, type OwnershipRecord } from '../engine/ownership';
import type { CellStyle, PlanCell, SheetPlan, SheetRole, WritePlan } from '../engine/types';
import { CELL_LOOKS, FONT_NAME, type CellLook } from '../engine/styles';
import { type Codec, type Entries, PartWriter, type WrittenPart, copyEntries, holds, putPart, writeZip } from './zip';

export type { Entries };

/**
 * The input package is not one the writer can edit safely (no package relationships, malformed or
 * UTF-16 XML in a part it must change…) although a reader tolerated it: unusable input, not a bug.
 */
export class UnwritablePackage extends Error {
  override name = 'UnwritablePackage';
}

export interface ApplyOptions {
  /** The time written to docProps/core.xml's dcterms:modified (default: now). */
  now?: Date;
  /** What compresses the sheets written (default: Node's zlib in Node, fflate in a browser). */
  codec?: Codec;
}

// ---------------------------------------------------------------------------------------------
// Constants

const REL_OFFICE_DOCUMENT = [
  'http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument',
  'http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument',
];
const REL_BASE_TRANSITIONAL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/';
const CT_WORKSHEET = 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml';
const CT_STYLES = 'application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml';
const CT_CUSTOM_XML_PROPS = 'application/vnd.openxmlformats-officedocument.customXmlProperties+xml';
const CT_XML = 'application/xml';
const NS_CUSTOM_XML = 'http://schemas.openxmlformats.org/officeDocument/2006/customXml';
const NS_PKG_RELS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const NS_DCTERMS = 'http://purl.org/dc/terms/';
/** The datastore item id of the ownership part: fixed, so that a rewrite gives the same bytes. */
const OWNERSHIP_ITEM_ID = '{6A2F6B1E-3C4D-4E8F-9A1B-7C5D2E0F4A39}';
const DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
/** Excel's limits. */
const MAX_CELL_TEXT = 32767;
const MAX_FORMULA = 8192;
const MAX_SHEET_NAME = 31;

// ---------------------------------------------------------------------------------------------
// The package: entries by name, looked up case-insensitively as OPC part names are.

class Pkg {
  readonly entries: Entries;
  private readonly index = new Map<string, string>();

  constructor(input: Entries) {
    // A copy that leaves parts not yet inflated so (see lazyEntries): only those edited are read.
    this.entries = copyEntries(input);
    for (const k of Object.keys(this.entries)) this.index.set(k.toLowerCase(), k);
  }

  key(name: string): string | undefined {
    return this.index.get(name.toLowerCase());
  }

  has(name: string): boolean {
    return this.key(name) !== undefined;
  }

  get(name: string): Uint8Array | undefined {
    const k = this.key(name);
    return k === undefined ? undefined : this.entries[k];
  }

  text(name: string): string | undefined {
    const data = this.get(name);
    return data === undefined ? undefined : decode(data, name);
  }

  /** Sets a part, keeping the stored spelling of an existing name; bytes unchanged → no-op. */
  setText(name: string, value: string): void {
    const bytes = strToU8(value);
    const k = this.key(name);
    if (k !== undefined) {
      if (!holds(this.entries, k, bytes)) this.entries[k] = bytes;
      return;
    }
    this.entries[name] = bytes;
    this.index.set(name.toLowerCase(), name);
  }

  /** Sets a part written whole (an owned sheet), keeping the stored spelling of an existing name. */
  setPart(name: string, part: WrittenPart, codec: Codec | undefined): void {
    const k = this.key(name) ?? name;
    putPart(this.entries, k, part, codec);
    this.index.set(k.toLowerCase(), k);
  }

  delete(name: string): void {
    const k = this.key(name);
    if (k === undefined) return;
    delete this.entries[k];
    this.index.delete(name.toLowerCase());
  }

  names(): string[] {
    return Object.keys(this.entries);
  }
}

function decode(data: Uint8Array, name: string): string {
  if ((data[0] === 0xff && data[1] === 0xfe) || (data[0] === 0xfe && data[1] === 0xff)) {
    throw new UnwritablePackage(`${name}: UTF-16 XML parts are not supported`);
  }
  return strFromU8(data);
}

// ---------------------------------------------------------------------------------------------
// XML text helpers: a tag scanner that gives positions, so that edits are splices of the text.

interface Tok {
  kind: 'open' | 'close' | 'empty';
  name: string;
  start: number;
  /** Index just past the tag's '>'. */
  end: number;
}

/** The tags of `xml` between `from` and `to`, skipping comments, PIs, CDATA and DOCTYPE. */
function scanTags(xml: string, from = 0, to = xml.length): Tok[] {
  const out: Tok[] = [];
  let i = from;
  while (i < to) {
    const lt = xml.indexOf('<', i);
    if (lt < 0 || lt >= to) break;
    if (xml.startsWith('<!--', lt)) {
      const e = xml.indexOf('-->', lt + 4);
      if (e < 0) throw new UnwritablePackage('malformed XML: unterminated comment');
      i = e + 3;
      continue;
    }
    if (xml.startsWith('<![CDATA[', lt)) {
      const e = xml.indexOf(']]>', lt + 9);
      if (e < 0) throw new UnwritablePackage('malformed XML: unterminated CDATA');
      i = e + 3;
      continue;
    }
    if (xml.startsWith('<?', lt)) {
      const e = xml.indexOf('?>', lt + 2);
      if (e < 0) throw new UnwritablePackage('malformed XML: unterminated processing instruction');
      i = e + 2;
      continue;
    }
    if (xml.startsWith('<!', lt)) {
      const e = xml.indexOf('>', lt + 2);
      if (e < 0) throw new UnwritablePackage('malformed XML');
      i = e + 1;
      continue;
    }
    let j = lt + 1;
    let quote = '';
    for (; j < xml.length; j++) {
      const ch = xml[j];
      if (quote) {
        if (ch === quote) quote = '';
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '>') break;
    }
    if (j >= xml.length) throw new UnwritablePackage('malformed XML: unterminated tag');
    const end = j + 1;
    if (xml[lt + 1] === '/') {
      out.push({ kind: 'close', name: xml.slice(lt + 2, j).trim(), start: lt, end });
    } else {
      const m = /^[^\s/>]+/.exec(xml.slice(lt + 1, j));
      if (!m) throw new UnwritablePackage('malformed XML: tag without a name');
      out.push({ kind: xml[j - 1] === '/' ? 'empty' : 'open', name: m[0], start: lt, end });
    }
    i = end;
  }
  return out;
}

interface El {
  name: string;
  /** Local name (without prefix). */
  local: string;
  start: number;
  /** Index past the start tag. */
  openEnd: number;
  /** Index of the end tag (== end for an empty element). */
  closeStart: number;
  end: number;
  empty: boolean;
}

const localName = (qname: string): string => qname.slice(qname.indexOf(':') + 1);
const prefixOf = (qname: string): string => (qname.includes(':') ? qname.slice(0, qname.indexOf(':') + 1) : '');

/** Direct child elements of the content between `from` and `to`. */
function children(xml: string, from: number, to: number): El[] {
  const out: El[] = [];
  let depth = 0;
  let cur: { name: string; start: number; openEnd: number } | undefined;
  for (const t of scanTags(xml, from, to)) {
    if (t.kind === 'empty') {
      if (depth === 0) {
        out.push({ name: t.name, local: localName(t.name), start: t.start, openEnd: t.end, closeStart: t.end, end: t.end, empty: true });
      }
    } else if (t.kind === 'open') {
      if (depth === 0) cur = { name: t.name, start: t.start, openEnd: t.end };
      depth++;
    } else {
      depth--;
      if (depth < 0) throw new UnwritablePackage(`malformed XML: unexpected </${t.name}>`);
      if (depth === 0 && cur) {
        if (cur.name !== t.name) throw new UnwritablePackage(`malformed XML: <${cur.name}> closed by </${t.name}>`);
        out.push({ name: cur.name, local: localName(cur.name), start: cur.start, openEnd: cur.openEnd, closeStart: t.start, end: t.end, empty: false });
        cur = undefined;
      }
    }
  }
  if (depth !== 0) throw new UnwritablePackage('malformed XML: unclosed element');
  return out;
}

function rootElement(xml: string): El {
  const els = children(xml, 0, xml.length);
  if (els.length !== 1) throw new UnwritablePackage('malformed XML: not exactly one root element');
  return els[0];
}

const kids = (xml: string, el: El): El[] => (el.empty ? [] : children(xml, el.openEnd, el.closeStart));

/** Raw (escaped) attribute values of a start tag, in document order. */
function rawAttrs(tag: string): [string, string][] {
  const out: [string, string][] = [];
  const body = tag.replace(/^<[^\s/>]+/, '');
  for (const m of body.matchAll(/([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) out.push([m[1], m[2] ?? m[3] ?? '']);
  return out;
}

function attrs(tag: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const [k, v] of rawAttrs(tag)) map.set(k, unescapeXml(v));
  return map;
}

const startTag = (xml: string, el: El): string => xml.slice(el.start, el.openEnd);

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_m, body: string) => {
    switch (body) {
      case 'amp':
        return '&';
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default:
        return String.fromCodePoint(body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10));
    }
  });
}

/**
 * Sets (or adds) one attribute in a start tag, leaving the rest of it as it was. `value` is
 * already escaped.
 */
function setAttr(tag: string, name: string, value: string): string {
  const re = new RegExp(`(\\s${name.replace(/[.:]/g, '\\$&')}\\s*=\\s*)("[^"]*"|'[^']*')`);
  if (re.test(tag)) return tag.replace(re, `$1"${value}"`);
  const close = tag.endsWith('/>') ? tag.length - 2 : tag.length - 1;
  let at = close;
  while (at > 0 && /\s/.test(tag[at - 1])) at--;
  return `${tag.slice(0, at)} ${name}="${value}"${tag.slice(at)}`;
}

function splice(xml: string, start: number, end: number, insert: string): string {
  return xml.slice(0, start) + insert + xml.slice(end);
}

/** Escapes for an attribute value; whitespace that attribute normalisation would eat is kept. */
function escapeAttr(s: string): string {
  return s.replace(/[&<>"\t\n\r]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : `&#${c.charCodeAt(0)};`,
  );
}

/** Escapes for element content that is not an ST_Xstring (formulas, plain values). */
function escapeContent(s: string): string {
  return s.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'));
}

const hex4 = (code: number): string => code.toString(16).toUpperCase().padStart(4, '0');

/**
 * Escapes cell text (an ST_Xstring) so that any string comes back exactly: XML's own escapes;
 * CR as a character reference (a literal one would be read as LF); characters XML 1.0 cannot
 * carry (C0 controls but tab, LF and CR; lone surrogates; U+FFFE/U+FFFF) as OOXML `_xHHHH_`;
 * and a literal `_xHHHH_` in the text with its underscore escaped (`_x005F_`) so that a reader
 * does not decode it. With `attribute`, tab and LF are character references too.
 */
export function escapeXString(s: string, attribute = false): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    const ch = s[i];
    if (ch === '_' && s[i + 1] === 'x' && /^_x[0-9A-Fa-f]{4}_/.test(s.slice(i, i + 7))) {
      out += '_x005F_';
      continue;
    }
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += ch + s[i + 1];
        i++;
      } else out += `_x${hex4(code)}_`;
      continue;
    }
    if (code >= 0xdc00 && code <= 0xdfff) {
      out += `_x${hex4(code)}_`;
      continue;
    }
    switch (ch) {
      case '&':
        out += '&amp;';
        continue;
      case '<':
        out += '&lt;';
        continue;
      case '>':
        out += '&gt;';
        continue;
      case '"':
        out += attribute ? '&quot;' : '"';
        continue;
      case '\r':
        out += '&#13;';
        continue;
      case '\t':
        out += attribute ? '&#9;' : '\t';
        continue;
      case '\n':
        out += attribute ? '&#10;' : '\n';
        continue;
    }
    if (code < 0x20 || code === 0xfffe || code === 0xffff) out += `_x${hex4(code)}_`;
    else out += ch;
  }
  return out;
}

/** Throws when `s` holds a character XML 1.0 cannot carry at all (for names and formulas). */
function assertXmlChars(s: string, what: string): void {
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s)) {
    throw new Error(`${what} holds a character that cannot be written: ${JSON.stringify(s)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Part names and relationships

function dirOf(part: string): string {
  const i = part.lastIndexOf('/');
  return i < 0 ? '' : part.slice(0, i);
}

function relsPathOf(part: string): string {
  const i = part.lastIndexOf('/');
  return i < 0 ? `_rels/${part}.rels` : `${part.slice(0, i)}/_rels/${part.slice(i + 1)}.rels`;
}

/** The part a .rels part describes ('' for the package's own _rels/.rels). */
function sourceOfRels(relsPath: string): string | undefined {
  const m = /^(?:(.*)\/)?_rels\/([^/]*)\.rels$/i.exec(relsPath);
  if (!m) return undefined;
  return m[1] ? `${m[1]}/${m[2]}` : m[2];
}

function normalise(segments: string[]): string {
  const out: string[] = [];
  for (const s of segments) {
    if (s === '' || s === '.') continue;
    if (s === '..') out.pop();
    else out.push(s);
  }
  return out.join('/');
}

/** Resolves a relationship target against its source part. */
function resolveTarget(source: string, target: string): string {
  let t = target.replace(/#.*$/, '');
  try {
    t = decodeURIComponent(t);
  } catch {
    // keep it as written
  }
  if (t.startsWith('/')) return normalise(t.split('/'));
  const base = dirOf(source);
  return normalise([...(base ? base.split('/') : []), ...t.split('/')]);
}

/** A relative target from `source` to `part`. */
function relativeTarget(source: string, part: string): string {
  const from = dirOf(source).split('/').filter(Boolean);
  const to = part.split('/');
  let k = 0;
  while (k < from.length && k < to.length - 1 && from[k].toLowerCase() === to[k].toLowerCase()) k++;
  return [...from.slice(k).map(() => '..'), ...to.slice(k)].join('/');
}

interface Rel {
  id: string;
  type: string;
  target: string;
  external: boolean;
  start: number;
  end: number;
}

function parseRels(xml: string): { rels: Rel[]; root: El } {
  const root = rootElement(xml);
  const rels: Rel[] = [];
  for (const el of kids(xml, root)) {
    if (el.local !== 'Relationship') continue;
    const a = attrs(startTag(xml, el));
    rels.push({
      id: a.get('Id') ?? '',
      type: a.get('Type') ?? '',
      target: a.get('Target') ?? '',
      external: (a.get('TargetMode') ?? '').toLowerCase() === 'external',
      start: el.start,
      end: el.end,
    });
  }
  return { rels, root };
}

function emptyRels(): string {
  return `${DECL}<Relationships xmlns="${NS_PKG_RELS}"></Relationships>`;
}

/** Adds a relationship to a .rels text; returns the new text and the id it got. */
function addRel(xml: string, type: string, target: string): { xml: string; id: string } {
  const { rels, root } = parseRels(xml);
  let max = 0;
  const used = new Set(rels.map((r) => r.id));
  for (const r of rels) {
    const m = /^rId(\d+)$/.exec(r.id);
    if (m) max = Math.max(max, Number(m[1]));
  }
  let n = max + 1;
  while (used.has(`rId${n}`)) n++;
  const id = `rId${n}`;
  const p = prefixOf(root.name);
  const el = `<${p}Relationship Id="${id}" Type="${escapeAttr(type)}" Target="${escapeAttr(target)}"/>`;
  return { xml: insertChild(xml, root, el), id };
}

/** Inserts `content` at the end of an element's content (expanding a self-closed element). */
function insertChild(xml: string, el: El, content: string): string {
  if (el.empty) {
    const tag = xml.slice(el.start, el.end);
    const open = tag.replace(/\s*\/>$/, '>');
    return splice(xml, el.start, el.end, `${open}${content}</${el.name}>`);
  }
  // Keep a trailing newline before the end tag where there is one (LibreOffice writes one).
  return splice(xml, el.closeStart, el.closeStart, content);
}

// ---------------------------------------------------------------------------------------------
// Content types

function ctPath(pkg: Pkg): string {
  return pkg.key('[Content_Types].xml') ?? '[Content_Types].xml';
}

function ctText(pkg: Pkg): string {
  const xml = pkg.text('[Content_Types].xml');
  if (xml === undefined) throw new UnwritablePackage('not an OOXML package: no [Content_Types].xml');
  return xml;
}

function addOverride(pkg: Pkg, part: string, contentType: string): void {
  const xml = ctText(pkg);
  const root = rootElement(xml);
  for (const el of kids(xml, root)) {
    if (el.local !== 'Override') continue;
    const name = attrs(startTag(xml, el)).get('PartName') ?? '';
    if (name.toLowerCase() === `/${part}`.toLowerCase()) return;
  }
  const p = prefixOf(root.name);
  pkg.setText(
    ctPath(pkg),
    insertChild(xml, root, `<${p}Override PartName="/${escapeAttr(part)}" ContentType="${escapeAttr(contentType)}"/>`),
  );
}

function removeOverride(pkg: Pkg, part: string): void {
  const xml = ctText(pkg);
  const root = rootElement(xml);
  const els = kids(xml, root).filter(
    (el) => el.local === 'Override' && (attrs(startTag(xml, el)).get('PartName') ?? '').toLowerCase() === `/${part}`.toLowerCase(),
  );
  let out = xml;
  for (const el of els.reverse()) out = splice(out, el.start, el.end, '');
  pkg.setText(ctPath(pkg), out);
}

/** Makes sure a part has a content type: the Default for its extension, or an Override. */
function ensureContentType(pkg: Pkg, part: string, contentType: string): void {
  const xml = ctText(pkg);
  const root = rootElement(xml);
  const ext = part.slice(part.lastIndexOf('.') + 1).toLowerCase();
  for (const el of kids(xml, root)) {
    const a = attrs(startTag(xml, el));
    if (el.local === 'Override' && (a.get('PartName') ?? '').toLowerCase() === `/${part}`.toLowerCase()) return;
    if (el.local === 'Default' && (a.get('Extension') ?? '').toLowerCase() === ext && a.get('ContentType') === contentType) return;
  }
  addOverride(pkg, part, contentType);
}

// ---------------------------------------------------------------------------------------------
// Parts and their removal

function relsPartsWithSources(pkg: Pkg): { rels: string; source: string }[] {
  const out: { rels: string; source: string }[] = [];
  for (const name of pkg.names()) {
    if (!/\.rels$/i.test(name)) continue;
    const source = sourceOfRels(name);
    if (source !== undefined) out.push({ rels: name, source });
  }
  return out;
}

function isReferenced(pkg: Pkg, part: string): boolean {
  const want = part.toLowerCase();
  for (const { rels, source } of relsPartsWithSources(pkg)) {
    const xml = pkg.text(rels);
    if (xml === undefined) continue;
    let list: Rel[];
    try {
      list = parseRels(xml).rels;
    } catch {
      continue;
    }
    for (const r of list) if (!r.external && resolveTarget(source, r.target).toLowerCase() === want) return true;
  }
  return false;
}

/**
 * Removes a part, its content-type override and its .rels, then every part that only it
 * referred to (so that nothing is left orphaned). Used only for parts of owned sheets.
 */
function removePartCascade(pkg: Pkg, part: string, seen = new Set<string>()): void {
  if (seen.has(part.toLowerCase())) return;
  seen.add(part.toLowerCase());
  const relsPath = relsPathOf(part);
  const relsXml = pkg.text(relsPath);
  pkg.delete(part);
  removeOverride(pkg, part);
  if (relsXml === undefined) return;
  dropRelsCascade(pkg, part, relsPath, relsXml, seen);
}

function dropRelsCascade(pkg: Pkg, part: string, relsPath: string, relsXml: string, seen = new Set<string>()): void {
  pkg.delete(relsPath);
  removeOverride(pkg, relsPath);
  let list: Rel[] = [];
  try {
    list = parseRels(relsXml).rels;
  } catch {
    return;
  }
  for (const r of list) {
    if (r.external) continue;
    const target = resolveTarget(part, r.target);
    if (pkg.has(target) && !isReferenced(pkg, target)) removePartCascade(pkg, target, seen);
  }
}

// ---------------------------------------------------------------------------------------------
// The workbook

interface SheetInfo {
  name: string;
  sheetId: number;
  rid: string;
  state: string;
  /** The worksheet part, when the relationship is a worksheet's. */
  part?: string;
  relType: string;
  el: El;
}

interface WorkbookInfo {
  path: string;
  relsPath: string;
  xml: string;
  root: El;
  sheetsEl: El;
  sheets: SheetInfo[];
  /** The attribute name of the relationship id on <sheet> ("r:id"). */
  ridAttr: string;
  /** Relationship type base of this package (transitional or strict). */
  relBase: string;
}

function findWorkbookPath(pkg: Pkg): string {
  const xml = pkg.text('_rels/.rels');
  if (xml === undefined) throw new UnwritablePackage('not an OOXML package: no _rels/.rels');
  const rel = parseRels(xml).rels.find((r) => REL_OFFICE_DOCUMENT.includes(r.type));
  if (!rel) throw new UnwritablePackage('not an OOXML package: no office document');
  const path = resolveTarget('', rel.target);
  if (!pkg.has(path)) throw new UnwritablePackage(`the package has no ${path}`);
  return pkg.key(path) ?? path;
}

function readWorkbook(pkg: Pkg, path: string): WorkbookInfo {
  const xml = pkg.text(path);
  if (xml === undefined) throw new UnwritablePackage(`the package has no ${path}`);
  const relsPath = relsPathOf(path);
  const relsXml = pkg.text(relsPath) ?? emptyRels();
  const rels = parseRels(relsXml).rels;
  const root = rootElement(xml);
  const sheetsEl = kids(xml, root).find((el) => el.local === 'sheets');
  if (!sheetsEl) throw new UnwritablePackage('workbook.xml has no <sheets>');
  const sheets: SheetInfo[] = [];
  let ridAttr = '';
  for (const el of kids(xml, sheetsEl)) {
    if (el.local !== 'sheet') continue;
    const a = attrs(startTag(xml, el));
    const ridName = [...a.keys()].find((k) => /^[^:]+:id$/.test(k));
    if (ridName && !ridAttr) ridAttr = ridName;
    const rid = ridName ? (a.get(ridName) ?? '') : '';
    const rel = rels.find((r) => r.id === rid);
    const relType = rel?.type ?? '';
    const part = rel && !rel.external && relType.endsWith('/worksheet') ? resolveTarget(path, rel.target) : undefined;
    sheets.push({
      name: a.get('name') ?? '',
      sheetId: Number(a.get('sheetId') ?? '0'),
      rid,
      state: a.get('state') ?? 'visible',
      part: part === undefined ? undefined : (pkg.key(part) ?? part),
      relType,
      el,
    });
  }
  const wsRel = rels.find((r) => /\/worksheet$/.test(r.type));
  const relBase = wsRel ? wsRel.type.slice(0, wsRel.type.length - 'worksheet'.length) : REL_BASE_TRANSITIONAL;
  return { path, relsPath, xml, root, sheetsEl, sheets, ridAttr: ridAttr || 'r:id', relBase };
}

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function validateSheetName(name: string): void {
  if (name.length === 0 || name.length > MAX_SHEET_NAME) throw new Error(`sheet name must have 1 to 31 characters: ${JSON.stringify(name)}`);
  if (/[:\\/?*[\]]/.test(name) || name.startsWith("'") || name.endsWith("'")) {
    throw new Error(`not a valid sheet name: ${JSON.stringify(name)}`);
  }
  if (sameName(name, 'History')) throw new Error('"History" is reserved by Excel');
  if (/[\u0000-\u001f]/.test(name)) throw new Error(`not a valid sheet name: ${JSON.stringify(name)}`);
  assertXmlChars(name, 'sheet name');
}

/** Does a formula (as stored, without '=') refer to a sheet by name? */
export function formulaRefersToSheet(formula: string, sheet: string): boolean {
  let i = 0;
  const n = formula.length;
  while (i < n) {
    const ch = formula[i];
    if (ch === '"') {
      i++;
      while (i < n) {
        if (formula[i] === '"') {
          if (formula[i + 1] === '"') i += 2;
          else break;
        } else i++;
      }
      i++;
      continue;
    }
    if (ch === "'") {
      let name = '';
      i++;
      while (i < n) {
        if (formula[i] === "'") {
          if (formula[i + 1] === "'") {
            name += "'";
            i += 2;
          } else break;
        } else name += formula[i++];
      }
      i++;
      if (formula[i] === '!' && sameName(name, sheet)) return true;
      continue;
    }
    if (/[\s,;()+\-*/^&=<>:{}%!#[\]]/.test(ch)) {
      i++;
      continue;
    }
    let word = '';
    while (i < n && !/[\s,;()+\-*/^&=<>:{}%!"'#]/.test(formula[i])) word += formula[i++];
    if (formula[i] === '!' && sameName(word, sheet)) return true;
  }
  return false;
}

/**
 * Takes a sheet out of workbook.xml: its <sheet>, the defined names local to it or referring to
 * it, renumbered localSheetIds, and the workbook views' activeTab/firstSheet.
 */
function removeSheetFromWorkbookXml(xml: string, wb: WorkbookInfo, index: number): string {
  const sheet = wb.sheets[index];
  const remaining = wb.sheets.filter((_, i) => i !== index);
  const edits: { start: number; end: number; text: string }[] = [];
  edits.push({ start: sheet.el.start, end: sheet.el.end, text: '' });
  for (const section of kids(xml, wb.root)) {
    if (section.local === 'definedNames') {
      const names = kids(xml, section).filter((el) => el.local === 'definedName');
      let kept = 0;
      const local: typeof edits = [];
      for (const el of names) {
        const tag = startTag(xml, el);
        const a = attrs(tag);
        const formula = el.empty ? '' : unescapeXml(xml.slice(el.openEnd, el.closeStart));
        const lsi = a.has('localSheetId') ? Number(a.get('localSheetId')) : undefined;
        if (lsi === index || formulaRefersToSheet(formula, sheet.name)) {
          local.push({ start: el.start, end: el.end, text: '' });
          continue;
        }
        kept++;
        if (lsi !== undefined && lsi > index) local.push({ start: el.start, end: el.openEnd, text: setAttr(tag, 'localSheetId', String(lsi - 1)) });
      }
      if (kept === 0 && names.length > 0) edits.push({ start: section.start, end: section.end, text: '' });
      else edits.push(...local);
    } else if (section.local === 'bookViews') {
      for (const view of kids(xml, section)) {
        if (view.local !== 'workbookView') continue;
        let tag = startTag(xml, view);
        const a = attrs(tag);
        const firstVisible = Math.max(0, remaining.findIndex((s) => s.state === 'visible'));
        const active = Number(a.get('activeTab') ?? '0');
        if (active === index) tag = setAttr(tag, 'activeTab', String(firstVisible));
        else if (active > index) tag = setAttr(tag, 'activeTab', String(active - 1));
        const first = Number(a.get('firstSheet') ?? '0');
        if (first > index || (first === index && first >= remaining.length)) {
          tag = setAttr(tag, 'firstSheet', String(Math.max(0, first - 1)));
        }
        if (tag !== startTag(xml, view)) edits.push({ start: view.start, end: view.openEnd, text: tag });
      }
    }
  }
  edits.sort((a, b) => b.start - a.start);
  let out = xml;
  for (const e of edits) out = splice(out, e.start, e.end, e.text);
  return out;
}

const WORKBOOK_AFTER_CALCPR = [
  'oleSize',
  'customWorkbookViews',
  'pivotCaches',
  'smartTagPr',
  'smartTagTypes',
  'webPublishing',
  'fileRecoveryPr',
  'webPublishObjects',
  'extLst',
];

/** Asks spreadsheet programs to compute every formula on load (ours carry no cached value). */
function setFullCalcOnLoad(xml: string): string {
  const root = rootElement(xml);
  const sections = kids(xml, root);
  const calcPr = sections.find((el) => el.local === 'calcPr');
  if (calcPr) {
    const tag = startTag(xml, calcPr);
    if (attrs(tag).get('fullCalcOnLoad') === '1') return xml;
    return splice(xml, calcPr.start, calcPr.openEnd, setAttr(tag, 'fullCalcOnLoad', '1'));
  }
  const p = prefixOf(root.name);
  const el = `<${p}calcPr fullCalcOnLoad="1"/>`;
  const before = sections.find((s) => WORKBOOK_AFTER_CALCPR.includes(s.local));
  if (before) return splice(xml, before.start, before.start, el);
  return insertChild(xml, root, el);
}

// ---------------------------------------------------------------------------------------------
// Styles

interface FontSpec {
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
  size: number;
  color?: string;
}

interface StyleSpec {
  font: FontSpec;
  fill?: string;
  border: boolean;
  numFmt: string;
  horizontal?: 'left' | 'center' | 'right';
  vertical: 'top' | 'center';
  wrap?: boolean;
}


/** How each semantic style looks in a spreadsheet: print-ready, Song-style CJK font. */
const STYLE_SPECS = Object.fromEntries(
  (Object.entries(CELL_LOOKS) as [CellStyle, CellLook][]).map(([style, look]) => [
    style,
    {
      font: { size: look.size, bold: look.bold, italic: look.italic, underline: look.underline, color: look.color && `FF${look.color}` },
      fill: look.fill && `FF${look.fill}`,
      border: look.border,
      numFmt: look.numberFormat,
      horizontal: look.horizontal,
      vertical: look.vertical,
      wrap: look.wrap,
    } satisfies StyleSpec,
  ]),
) as Record<CellStyle, StyleSpec>;

/** The order styles are added in, so that the same plan always appends the same way. */
const STYLE_ORDER = Object.keys(STYLE_SPECS) as CellStyle[];

/** Built-in number formats (locale-independent ids). */
const BUILTIN_NUMFMTS: Record<string, number> = {
  General: 0,
  '0': 1,
  '0.00': 2,
  '#,##0': 3,
  '#,##0.00': 4,
  '0%': 9,
  '0.00%': 10,
  '@': 49,
};

const STYLE_SECTIONS = [
  'numFmts',
  'fonts',
  'fills',
  'borders',
  'cellStyleXfs',
  'cellXfs',
  'cellStyles',
  'dxfs',
  'tableStyles',
  'colors',
  'extLst',
] as const;

/** Elements a section must start with when this module has to create it. */
const SECTION_DEFAULTS: Partial<Record<(typeof STYLE_SECTIONS)[number], (p: string) => string[]>> = {
  fonts: (p) => [`<${p}font><${p}sz val="11"/><${p}name val="Calibri"/><${p}family val="2"/></${p}font>`],
  fills: (p) => [
    `<${p}fill><${p}patternFill patternType="none"/></${p}fill>`,
    `<${p}fill><${p}patternFill patternType="gray125"/></${p}fill>`,
  ],
  borders: (p) => [`<${p}border><${p}left/><${p}right/><${p}top/><${p}bottom/><${p}diagonal/></${p}border>`],
  cellStyleXfs: (p) => [`<${p}xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>`],
  cellXfs: (p) => [`<${p}xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>`],
};

interface Node {
  name: string;
  attrs: [string, string][];
  children: Node[];
}

function parseNode(xml: string, el: El): Node {
  return {
    name: el.local,
    attrs: [...attrs(startTag(xml, el))].filter(([k]) => k !== 'xmlns' && !k.startsWith('xmlns:')),
    children: kids(xml, el).map((c) => parseNode(xml, c)),
  };
}

/** A form of an element that ignores prefixes, attribute order and (for fonts) child order. */
function canonical(node: Node): string {
  const a = [...node.attrs].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([k, v]) => `${localName(k)}=${JSON.stringify(v)}`);
  const c = node.children.map(canonical);
  if (node.name === 'font' || node.name === 'rPr') c.sort();
  return `<${node.name} ${a.join(' ')}>${c.join('')}</${node.name}>`;
}

function canonicalOf(text: string): string {
  return canonical(parseNode(text, rootElement(text)));
}

type Section = (typeof STYLE_SECTIONS)[number];

class StyleSheet {
  private xml: string;
  private readonly prefix: string;
  /** Canonical forms of each section's elements, computed once and kept up to date. */
  private readonly canon = new Map<Section, string[]>();
  changed = false;

  constructor(xml: string) {
    this.xml = xml;
    this.prefix = prefixOf(rootElement(xml).name);
  }

  text(): string {
    return this.xml;
  }

  private section(name: Section): El | undefined {
    const root = rootElement(this.xml);
    return kids(this.xml, root).find((el) => el.local === name);
  }

  /** The section, created (in schema order, with its required defaults) when missing. */
  private ensureSection(name: Section): El {
    const found = this.section(name);
    if (found) return found;
    const p = this.prefix;
    const defaults = SECTION_DEFAULTS[name]?.(p) ?? [];
    const el = `<${p}${name} count="${defaults.length}">${defaults.join('')}</${p}${name}>`;
    const root = rootElement(this.xml);
    const later = STYLE_SECTIONS.slice(STYLE_SECTIONS.indexOf(name) + 1);
    const before = kids(this.xml, root).find((s) => (later as readonly string[]).includes(s.local));
    this.xml = before ? splice(this.xml, before.start, before.start, el) : insertChild(this.xml, root, el);
    this.canon.delete(name);
    this.changed = true;
    const made = this.section(name);
    if (!made) throw new Error(`could not add ${name} to styles.xml`);
    return made;
  }

  private canonicals(name: Section): string[] {
    let list = this.canon.get(name);
    if (!list) {
      const section = this.section(name);
      list = section ? kids(this.xml, section).map((el) => canonical(parseNode(this.xml, el))) : [];
      this.canon.set(name, list);
    }
    return list;
  }

  private count(name: Section): number {
    return this.canonicals(name).length;
  }

  /** Index of an element equal to `element` in the section, appending it when there is none. */
  private intern(name: Section, element: string): number {
    const at = this.canonicals(name).indexOf(canonicalOf(element));
    return at >= 0 ? at : this.append(name, element);
  }

  private append(name: Section, element: string): number {
    const section = this.ensureSection(name);
    const list = this.canonicals(name);
    const index = list.length;
    this.xml = insertChild(this.xml, section, element);
    list.push(canonicalOf(element));
    const updated = this.section(name);
    if (updated) {
      const tag = startTag(this.xml, updated);
      if (/\scount\s*=/.test(tag)) this.xml = splice(this.xml, updated.start, updated.openEnd, setAttr(tag, 'count', String(list.length)));
    }
    this.changed = true;
    return index;
  }

  numFmtId(code: string): number {
    if (code in BUILTIN_NUMFMTS) return BUILTIN_NUMFMTS[code];
    const section = this.section('numFmts');
    const used = new Set<number>();
    for (const el of section ? kids(this.xml, section) : []) {
      const a = attrs(startTag(this.xml, el));
      const id = Number(a.get('numFmtId'));
      used.add(id);
      if (a.get('formatCode') === code) return id;
    }
    let id = 164;
    while (used.has(id)) id++;
    const p = this.prefix;
    this.append('numFmts', `<${p}numFmt numFmtId="${id}" formatCode="${escapeAttr(code)}"/>`);
    return id;
  }

  fontId(f: FontSpec): number {
    const p = this.prefix;
    const el =
      `<${p}font>` +
      (f.bold ? `<${p}b/>` : '') +
      (f.italic ? `<${p}i/>` : '') +
      (f.underline ? `<${p}u/>` : '') +
      `<${p}sz val="${f.size}"/>` +
      (f.color ? `<${p}color rgb="${f.color}"/>` : '') +
      `<${p}name val="${FONT_NAME}"/><${p}family val="3"/><${p}charset val="134"/>` +
      `</${p}font>`;
    return this.intern('fonts', el);
  }

  fillId(rgb: string | undefined): number {
    const p = this.prefix;
    this.ensureSection('fills');
    if (!rgb) return 0;
    // Fills 0 and 1 are reserved (none, gray125): never let ours land there.
    while (this.count('fills') < 2) this.append('fills', SECTION_DEFAULTS.fills?.(p)[this.count('fills')] ?? '');
    return this.intern(
      'fills',
      `<${p}fill><${p}patternFill patternType="solid"><${p}fgColor rgb="${rgb}"/><${p}bgColor indexed="64"/></${p}patternFill></${p}fill>`,
    );
  }

  borderId(thin: boolean): number {
    const p = this.prefix;
    this.ensureSection('borders');
    if (!thin) return 0;
    const side = (s: string): string => `<${p}${s} style="thin"><${p}color indexed="64"/></${p}${s}>`;
    return this.intern('borders', `<${p}border>${side('left')}${side('right')}${side('top')}${side('bottom')}<${p}diagonal/></${p}border>`);
  }

  xfId(spec: StyleSpec): number {
    const numFmtId = this.numFmtId(spec.numFmt);
    const fontId = this.fontId(spec.font);
    const fillId = this.fillId(spec.fill);
    const borderId = this.borderId(spec.border);
    this.ensureSection('cellStyleXfs');
    this.ensureSection('cellXfs');
    const p = this.prefix;
    const align =
      (spec.horizontal ? ` horizontal="${spec.horizontal}"` : '') + ` vertical="${spec.vertical}"` + (spec.wrap ? ' wrapText="1"' : '');
    const el =
      `<${p}xf numFmtId="${numFmtId}" fontId="${fontId}" fillId="${fillId}" borderId="${borderId}" xfId="0"` +
      ` applyNumberFormat="1" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1">` +
      `<${p}alignment${align}/></${p}xf>`;
    return this.intern('cellXfs', el);
  }
}

function usedStyles(plan: WritePlan): CellStyle[] {
  const used = new Set<CellStyle>();
  for (const sheet of plan.sheets) for (const style of sheet.styles) used.add(style);
  return STYLE_ORDER.filter((s) => used.has(s));
}

function minimalStyles(): string {
  const ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  return `${DECL}<styleSheet xmlns="${ns}"></styleSheet>`;
}

/** Style indices for the plan's styles, appending to styles.xml as needed. */
function ensureStyles(pkg: Pkg, wb: WorkbookInfo, styles: CellStyle[]): Map<CellStyle, number> {
  const out = new Map<CellStyle, number>();
  if (styles.length === 0) return out;
  const relsXml = pkg.text(wb.relsPath) ?? emptyRels();
  const rel = parseRels(relsXml).rels.find((r) => r.type.endsWith('/styles') && !r.external);
  let path = rel ? resolveTarget(wb.path, rel.target) : undefined;
  let xml = path === undefined ? undefined : pkg.text(path);
  if (path === undefined || xml === undefined) {
    // No styles part (rare: Excel, LibreOffice and exceljs always write one): add one.
    if (path === undefined) {
      path = `${dirOf(wb.path) ? `${dirOf(wb.path)}/` : ''}styles.xml`;
      for (let k = 2; pkg.has(path); k++) path = `${dirOf(wb.path) ? `${dirOf(wb.path)}/` : ''}styles${k}.xml`;
      const added = addRel(relsXml, `${wb.relBase}styles`, relativeTarget(wb.path, path));
      pkg.setText(wb.relsPath, added.xml);
    }
    xml = minimalStyles();
    pkg.setText(path, xml);
    addOverride(pkg, path, CT_STYLES);
  }
  const sheet = new StyleSheet(xml);
  for (const s of styles) out.set(s, sheet.xfId(STYLE_SPECS[s]));
  if (sheet.changed) pkg.setText(path, sheet.text());
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sheet XML

const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function formatNumber(n: number): string {
  return String(Math.round(n * 1e6) / 1e6);
}

/** Where a worksheet's rows are written: a string, or UTF-8 bytes (a summary of 100,000 rows is ~100 MB of XML). */
interface XmlSink {
  write(s: string): void;
}

class StringSink implements XmlSink {
  private readonly parts: string[] = [];
  write(s: string): void {
    this.parts.push(s);
  }
  text(): string {
    return this.parts.join('');
  }
}

type StyleIndex = (style: CellStyle | undefined) => number | undefined;

/** The worksheet part for a sheet plan (CT_Worksheet element order). */
export function buildSheetXml(plan: SheetPlan, styleIndex: StyleIndex): string {
  const rows = new StringSink();
  const { head, tail } = writeSheet(plan, styleIndex, rows);
  return head + rows.text() + tail;
}

/** The same as a part (what applyPlan stores), in UTF-8, compressed as it is written where the codec can (see PartWriter). */
export function buildSheetPart(name: string, plan: SheetPlan, styleIndex: StyleIndex, codec: Codec | undefined): WrittenPart {
  const rows = new PartWriter(codec);
  const { head, tail } = writeSheet(plan, styleIndex, rows);
  return rows.finish(name, head, tail);
}

/** Text that escapeXString returns unchanged (most of it): nothing to escape, no `_xHHHH_`. */
const PLAIN_TEXT = /^[^&<>\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff_]*$/;

/**
 * Writes the rows of a sheet plan to `rows` and returns what goes before them (down to the opening
 * of sheetData: the dimension is known only once the rows are) and after them.
 */
function writeSheet(plan: SheetPlan, styleIndex: StyleIndex, rows: XmlSink): { head: string; tail: string } {
  const merges: RangeRef[] = [];
  for (const m of plan.merges) {
    const r = parseRangeAddress(m);
    if (!r || !m.includes(':')) throw new Error(`${plan.name}: not a merge area: ${m}`);
    if (r.start.row === r.end.row && r.start.col === r.end.col) continue;
    for (const o of merges) {
      if (r.start.row <= o.end.row && o.start.row <= r.end.row && r.start.col <= o.end.col && o.start.col <= r.end.col) {
        throw new Error(`${plan.name}: merge areas overlap: ${m}`);
      }
    }
    merges.push(r);
  }

  let maxRow = -1;
  let maxCol = -1;
  let anyRow = false;
  const links: string[] = [];
  const heights = plan.rowHeights ?? {};
  const heightRows = Object.keys(heights)
    .map(Number)
    .filter((r) => Number.isInteger(r) && r >= 0 && r < 1048576);
  const lastRow = Math.max(plan.rowCount - 1, ...heightRows);
  const letters: string[] = [];
  // ` s="N"` for each style, looked up once.
  const styleAttrs = new Map<CellStyle | undefined, string>();
  for (let r = 0; r <= lastRow; r++) {
    const row = plan.row(r);
    const rowNumber = r + 1;
    let cellsXml = '';
    for (let c = 0; c < row.length; c++) {
      const cell: PlanCell | undefined = row[c];
      if (!cell) continue;
      const ref = (letters[c] ??= columnLetter(c)) + rowNumber;
      let sAttr = styleAttrs.get(cell.style);
      if (sAttr === undefined) {
        // The plan declares its styles (styles.xml is written from them): a cell outside them is a planning error.
        if (cell.style !== undefined && !plan.styles.includes(cell.style)) throw new Error(`${plan.name}!${ref}: style ${cell.style} not declared`);
        const s = styleIndex(cell.style);
        styleAttrs.set(cell.style, (sAttr = s === undefined ? '' : ` s="${s}"`));
      }
      let xml: string | undefined;
      switch (cell.t) {
        case 'text': {
          if (cell.text.length > MAX_CELL_TEXT) throw new Error(`${plan.name}!${ref}: text longer than ${MAX_CELL_TEXT} characters`);
          if (cell.text === '') xml = sAttr ? `<c r="${ref}"${sAttr}/>` : undefined;
          else {
            const text = PLAIN_TEXT.test(cell.text) ? cell.text : escapeXString(cell.text);
            xml = `<c r="${ref}"${sAttr} t="inlineStr"><is><t xml:space="preserve">${text}</t></is></c>`;
          }
          if (cell.link) {
            const target = parseCellAddress(cell.link.cell);
            if (!target) throw new Error(`${plan.name}!${ref}: not a cell to link to: ${cell.link.cell}`);
            const location = `${quoteSheetName(cell.link.sheet)}!${cell.link.cell.replace(/\$/g, '')}`;
            links.push(
              `<hyperlink ref="${ref}" location="${escapeAttr(location)}"` +
                (cell.text === '' ? '' : ` display="${escapeXString(cell.text.slice(0, 255), true)}"`) +
                '/>',
            );
            xml ??= `<c r="${ref}"/>`;
          }
          break;
        }
        case 'number': {
          const v = cell.value.trim();
          if (!NUMBER_RE.test(v) || !Number.isFinite(Number(v))) throw new Error(`${plan.name}!${ref}: not a number: ${cell.value}`);
          xml = `<c r="${ref}"${sAttr}><v>${v.charCodeAt(0) === 43 ? v.slice(1) : v}</v></c>`;
          break;
        }
        case 'formula': {
          if (!plan.hasFormulas) throw new Error(`${plan.name}!${ref}: a formula in a plan declared without formulas`);
          const f = cell.formula.charCodeAt(0) === 61 ? cell.formula.slice(1) : cell.formula;
          if (f.trim() === '') throw new Error(`${plan.name}!${ref}: empty formula`);
          if (f.length > MAX_FORMULA) throw new Error(`${plan.name}!${ref}: formula longer than ${MAX_FORMULA} characters`);
          assertXmlChars(f, `${plan.name}!${ref}: formula`);
          // No cached value: the program that opens the file computes it (fullCalcOnLoad).
          xml = `<c r="${ref}"${sAttr}><f>${escapeContent(f)}</f></c>`;
          break;
        }
        case 'empty':
          xml = sAttr ? `<c r="${ref}"${sAttr}/>` : undefined;
          break;
        default:
          throw new Error(`${plan.name}!${ref}: unknown cell type`);
      }
      if (xml !== undefined) {
        cellsXml += xml;
        if (c > maxCol) maxCol = c;
      }
    }
    const h = heights[r];
    const hAttr = typeof h === 'number' && Number.isFinite(h) && h > 0 ? ` ht="${formatNumber(Math.min(h, 409))}" customHeight="1"` : '';
    if (cellsXml === '' && !hAttr) continue;
    maxRow = r;
    if (!anyRow) rows.write('<sheetData>');
    anyRow = true;
    rows.write(cellsXml ? `<row r="${rowNumber}"${hAttr}>${cellsXml}</row>` : `<row r="${rowNumber}"${hAttr}/>`);
  }
  for (const m of merges) {
    maxRow = Math.max(maxRow, m.end.row);
    maxCol = Math.max(maxCol, m.end.col);
  }
  const dimension = maxRow < 0 || maxCol < 0 ? 'A1' : maxRow === 0 && maxCol === 0 ? 'A1' : `A1:${columnLetter(maxCol)}${maxRow + 1}`;

  const freeze = plan.freezeRows && plan.freezeRows > 0 ? Math.floor(plan.freezeRows) : 0;
  const view = freeze
    ? `<sheetView workbookViewId="0"><pane ySplit="${freeze}" topLeftCell="A${freeze + 1}" activePane="bottomLeft" state="frozen"/>` +
      `<selection pane="bottomLeft" activeCell="A${freeze + 1}" sqref="A${freeze + 1}"/></sheetView>`
    : '<sheetView workbookViewId="0"><selection activeCell="A1" sqref="A1"/></sheetView>';

  const cols = plan.columnWidths
    .map((w, i) => (typeof w === 'number' && Number.isFinite(w) && w > 0 ? `<col min="${i + 1}" max="${i + 1}" width="${formatNumber(Math.min(w, 255))}" customWidth="1"/>` : ''))
    .join('');

  const head =
    DECL +
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
    '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' +
    `<dimension ref="${dimension}"/>` +
    `<sheetViews>${view}</sheetViews>` +
    '<sheetFormatPr defaultRowHeight="15"/>' +
    (cols ? `<cols>${cols}</cols>` : '');
  const tail =
    (anyRow ? '</sheetData>' : '<sheetData/>') +
    (merges.length
      ? `<mergeCells count="${merges.length}">${merges
          .map((m) => `<mergeCell ref="${columnLetter(m.start.col)}${m.start.row + 1}:${columnLetter(m.end.col)}${m.end.row + 1}"/>`)
          .join('')}</mergeCells>`
      : '') +
    (links.length ? `<hyperlinks>${links.join('')}</hyperlinks>` : '') +
    '<printOptions horizontalCentered="1"/>' +
    '<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>' +
    `<pageSetup paperSize="9" orientation="${plan.landscape ? 'landscape' : 'portrait'}" fitToWidth="1" fitToHeight="0"/>` +
    '</worksheet>';
  return { head, tail };
}

// ---------------------------------------------------------------------------------------------
// Ownership part

interface OwnershipLocation {
  record: OwnershipRecord | null;
  /** The custom XML item holding it. */
  item?: string;
  /** Whether the workbook refers to that item. */
  referenced: boolean;
}

function locateOwnership(pkg: Pkg, wbPath?: string): OwnershipLocation {
  const tryItem = (part: string): OwnershipRecord | null => {
    const text = pkg.text(part);
    if (text === undefined) return null;
    try {
      return parseOwnershipXml(text);
    } catch {
      return null;
    }
  };
  const workbook = wbPath ?? findWorkbookPath(pkg);
  const relsXml = pkg.text(relsPathOf(workbook));
  if (relsXml !== undefined) {
    for (const r of parseRels(relsXml).rels) {
      if (r.external || !r.type.endsWith('/customXml')) continue;
      const part = resolveTarget(workbook, r.target);
      const record = tryItem(part);
      if (record) return { record, item: pkg.key(part) ?? part, referenced: true };
    }
  }
  // A part not referred to from the workbook (some program dropped the relationship).
  for (const name of pkg.names().sort()) {
    if (!/^customXml\/item\d+\.xml$/i.test(name)) continue;
    const record = tryItem(name);
    if (record) return { record, item: name, referenced: false };
  }
  return { record: null, referenced: false };
}

/** The ownership record stored in a package, or null when it holds none. */
export function readOwnership(entries: Entries): OwnershipRecord | null {
  return locateOwnership(new Pkg(entries)).record;
}

function writeOwnership(pkg: Pkg, wb: WorkbookInfo, loc: OwnershipLocation, record: OwnershipRecord): void {
  const xml = buildOwnershipXml(record);
  if (loc.item) {
    pkg.setText(loc.item, xml);
    if (!loc.referenced) {
      const relsXml = pkg.text(wb.relsPath) ?? emptyRels();
      pkg.setText(wb.relsPath, addRel(relsXml, `${wb.relBase}customXml`, relativeTarget(wb.path, loc.item)).xml);
    }
    return;
  }
  if (record.sheets.length === 0) return;
  let n = 1;
  while (
    pkg.has(`customXml/item${n}.xml`) ||
    pkg.has(`customXml/itemProps${n}.xml`) ||
    pkg.has(`customXml/_rels/item${n}.xml.rels`)
  ) {
    n++;
  }
  const item = `customXml/item${n}.xml`;
  const props = `customXml/itemProps${n}.xml`;
  pkg.setText(item, xml);
  pkg.setText(
    props,
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' +
      `<ds:datastoreItem ds:itemID="${OWNERSHIP_ITEM_ID}" xmlns:ds="${NS_CUSTOM_XML}">` +
      `<ds:schemaRefs><ds:schemaRef ds:uri="${OWNERSHIP_NAMESPACE}"/></ds:schemaRefs></ds:datastoreItem>`,
  );
  pkg.setText(
    `customXml/_rels/item${n}.xml.rels`,
    `${DECL}<Relationships xmlns="${NS_PKG_RELS}">` +
      `<Relationship Id="rId1" Type="${wb.relBase}customXmlProps" Target="itemProps${n}.xml"/></Relationships>`,
  );
  ensureContentType(pkg, item, CT_XML);
  addOverride(pkg, props, CT_CUSTOM_XML_PROPS);
  const relsXml = pkg.text(wb.relsPath) ?? emptyRels();
  pkg.setText(wb.relsPath, addRel(relsXml, `${wb.relBase}customXml`, relativeTarget(wb.path, item)).xml);
}

// ---------------------------------------------------------------------------------------------
// calcChain, docProps

/** Drops calcChain entries of the given sheets (a cache Excel rebuilds; stale ones need repair). */
function pruneCalcChain(pkg: Pkg, wb: WorkbookInfo, sheetIds: Set<number>): void {
  if (sheetIds.size === 0) return;
  const relsXml = pkg.text(wb.relsPath);
  if (relsXml === undefined) return;
  const rel = parseRels(relsXml).rels.find((r) => r.type.endsWith('/calcChain') && !r.external);
  if (!rel) return;
  const path = resolveTarget(wb.path, rel.target);
  const xml = pkg.text(path);
  if (xml === undefined) return;
  const root = rootElement(xml);
  const entries = kids(xml, root).filter((el) => el.local === 'c');
  let current = 0;
  let changed = false;
  let lastWritten: number | undefined;
  const kept: string[] = [];
  for (const el of entries) {
    let tag = xml.slice(el.start, el.end);
    const a = attrs(startTag(xml, el));
    if (a.has('i')) current = Number(a.get('i'));
    if (sheetIds.has(current)) {
      changed = true;
      continue;
    }
    // A <c> without i belongs to the sheet of the one before it: say so when that one is gone.
    if (!a.has('i') && lastWritten !== current) tag = setAttr(tag, 'i', String(current));
    lastWritten = current;
    kept.push(tag);
  }
  if (!changed) return;
  if (kept.length === 0) {
    removePartCascade(pkg, pkg.key(path) ?? path);
    const { rels } = parseRels(relsXml);
    const r = rels.find((x) => x.id === rel.id);
    if (r) pkg.setText(wb.relsPath, splice(relsXml, r.start, r.end, ''));
    return;
  }
  const first = entries[0];
  const last = entries[entries.length - 1];
  pkg.setText(path, xml.slice(0, first.start) + kept.join('') + xml.slice(last.end));
}

/** Updates the worksheet list in docProps/app.xml, when it has one that adds up. */
function updateAppXml(pkg: Pkg, oldNames: string[], newNames: string[]): void {
  const path = 'docProps/app.xml';
  const xml = pkg.text(path);
  if (xml === undefined) return;
  try {
    const root = rootElement(xml);
    const sections = kids(xml, root);
    const hp = sections.find((el) => el.local === 'HeadingPairs');
    const tp = sections.find((el) => el.local === 'TitlesOfParts');
    if (!hp || !tp) return;
    const hpVector = kids(xml, hp).find((el) => el.local === 'vector');
    const tpVector = kids(xml, tp).find((el) => el.local === 'vector');
    if (!hpVector || !tpVector) return;
    const variants = kids(xml, hpVector).filter((el) => el.local === 'variant');
    const titles = kids(xml, tpVector).filter((el) => el.local === 'lpstr');
    const inner = (el: El): El | undefined => kids(xml, el)[0];
    const textOf = (el: El): string => (el.empty ? '' : unescapeXml(xml.slice(el.openEnd, el.closeStart)));
    let offset = 0;
    let target: { countEl: El; from: number; count: number } | undefined;
    const lower = new Set(oldNames.map((s) => s.toLowerCase()));
    for (let i = 0; i + 1 < variants.length; i += 2) {
      const countEl = inner(variants[i + 1]);
      if (!countEl || !/^i4$/.test(countEl.local)) return;
      const count = Number(textOf(countEl));
      if (!Number.isInteger(count) || count < 0) return;
      const names = titles.slice(offset, offset + count).map(textOf);
      if (!target && count > 0 && names.length === count && names.every((n) => lower.has(n.toLowerCase()))) {
        target = { countEl, from: offset, count };
      }
      offset += count;
    }
    if (offset !== titles.length || !target) return;
    const current = titles.slice(target.from, target.from + target.count).map(textOf);
    // Keep the listed order of the names that stay; the sheets new to the workbook go after them.
    const next = [
      ...current.filter((c) => newNames.some((n) => sameName(n, c))),
      ...newNames.filter((n) => !oldNames.some((o) => sameName(o, n))),
    ];
    if (next.length === current.length && next.every((n, i) => n === current[i])) return;
    const vt = prefixOf(titles[0]?.name ?? tpVector.name);
    const edits: { start: number; end: number; text: string }[] = [];
    const segment = titles.slice(target.from, target.from + target.count);
    const newText = next.map((n) => `<${vt}lpstr>${escapeContent(n)}</${vt}lpstr>`).join('');
    if (segment.length > 0) edits.push({ start: segment[0].start, end: segment[segment.length - 1].end, text: newText });
    const total = titles.length - current.length + next.length;
    edits.push({ start: tpVector.start, end: tpVector.openEnd, text: setAttr(startTag(xml, tpVector), 'size', String(total)) });
    edits.push({ start: target.countEl.openEnd, end: target.countEl.closeStart, text: String(next.length) });
    edits.sort((a, b) => b.start - a.start);
    let out = xml;
    for (const e of edits) out = splice(out, e.start, e.end, e.text);
    pkg.setText(path, out);
  } catch {
    // Not parseable: leave it alone.
  }
}

function w3cdtf(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function updateCoreXml(pkg: Pkg, now: Date): void {
  const path = 'docProps/core.xml';
  const xml = pkg.text(path);
  if (xml === undefined) return;
  try {
    const root = rootElement(xml);
    const a = attrs(startTag(xml, root));
    let prefix: string | undefined;
    for (const [k, v] of a) if (k.startsWith('xmlns:') && v === NS_DCTERMS) prefix = k.slice(6);
    if (prefix === undefined) return;
    const el = kids(xml, root).find((e) => e.name === `${prefix}:modified`);
    if (!el) return;
    const value = w3cdtf(now);
    const out = el.empty
      ? splice(xml, el.start, el.end, `${xml.slice(el.start, el.end).replace(/\s*\/>$/, '>')}${value}</${el.name}>`)
      : splice(xml, el.openEnd, el.closeStart, value);
    pkg.setText(path, out);
  } catch {
    // Not parseable: leave it alone.
  }
}

// ---------------------------------------------------------------------------------------------
// Applying a plan

function checkPlan(plan: WritePlan): void {
  const seen = new Set<string>();
  for (const s of plan.sheets) {
    validateSheetName(s.name);
    if (seen.has(s.name.toLowerCase())) throw new Error(`the plan writes the sheet ${JSON.stringify(s.name)} twice`);
    seen.add(s.name.toLowerCase());
  }
  for (const r of plan.remove) {
    if (seen.has(r.toLowerCase())) throw new Error(`the plan both writes and removes ${JSON.stringify(r)}`);
  }
}

/**
 * Applies a plan to a package's entries and returns the new entries (the input is not changed).
 * Owned sheets named in the plan are rewritten in place (same part, sheetId, relationship and
 * tab position) or removed; new ones go at the end. A name the plan writes or removes that is a
 * sheet the ownership record does not list is a user's sheet: that throws, nothing is written.
 *
 * `plan.activate` is not applied: making another tab active needs the user's active sheet to
 * lose its `tabSelected`, an edit of a user's part; without it Excel opens with both tabs
 * selected (grouped), where typing goes to both sheets. The workbook opens where the user left it.
 */
export function applyPlan(entries: Entries, plan: WritePlan, opts: ApplyOptions = {}): Entries {
  checkPlan(plan);
  const pkg = new Pkg(entries);
  const wbPath = findWorkbookPath(pkg);
  let wb = readWorkbook(pkg, wbPath);
  const oldNames = wb.sheets.filter((s) => s.relType.endsWith('/worksheet')).map((s) => s.name);
  const loc = locateOwnership(pkg, wbPath);
  const recorded = loc.record?.sheets ?? [];
  const findSheet = (name: string): SheetInfo | undefined => wb.sheets.find((s) => sameName(s.name, name));
  /** Owned: listed in the record under its exact name, and a worksheet with a part. */
  const isOwned = (s: SheetInfo): boolean => s.part !== undefined && recorded.some((r) => r.name === s.name);

  // Decide everything before changing anything.
  const rewrite: { plan: SheetPlan; sheet: SheetInfo }[] = [];
  const create: SheetPlan[] = [];
  for (const sp of plan.sheets) {
    const existing = findSheet(sp.name);
    if (!existing) create.push(sp);
    else if (isOwned(existing)) rewrite.push({ plan: sp, sheet: existing });
    else throw new Error(`the sheet ${JSON.stringify(existing.name)} is the user's, not the tool's: it is never written`);
  }
  const removeNames: string[] = [];
  for (const name of plan.remove) {
    const existing = findSheet(name);
    if (!existing) continue;
    if (!isOwned(existing)) throw new Error(`the sheet ${JSON.stringify(existing.name)} is the user's, not the tool's: it is never removed`);
    if (!removeNames.includes(existing.name)) removeNames.push(existing.name);
  }
  const visibleLeft =
    wb.sheets.filter((s) => !removeNames.includes(s.name) && s.state === 'visible').length + create.length;
  if (visibleLeft === 0) throw new Error('the plan would leave the workbook without a visible sheet');

  const touchedIds = new Set<number>();
  let maxSheetId = Math.max(0, ...wb.sheets.map((s) => s.sheetId).filter(Number.isFinite));

  // Styles first: appending never moves an existing index.
  const styleIds = ensureStyles(pkg, wb, usedStyles(plan));
  const styleIndex = (s: CellStyle | undefined): number | undefined => (s === undefined ? undefined : styleIds.get(s));

  // Removals, one at a time against the current workbook.
  for (const name of removeNames) {
    const index = wb.sheets.findIndex((s) => s.name === name);
    const sheet = wb.sheets[index];
    touchedIds.add(sheet.sheetId);
    pkg.setText(wb.path, removeSheetFromWorkbookXml(wb.xml, wb, index));
    const relsXml = pkg.text(wb.relsPath);
    if (relsXml !== undefined) {
      const rel = parseRels(relsXml).rels.find((r) => r.id === sheet.rid);
      if (rel) pkg.setText(wb.relsPath, splice(relsXml, rel.start, rel.end, ''));
    }
    if (sheet.part) removePartCascade(pkg, sheet.part);
    wb = readWorkbook(pkg, wbPath);
  }

  // Rewrites in place.
  for (const { plan: sp, sheet } of rewrite) {
    const part = sheet.part as string;
    touchedIds.add(sheet.sheetId);
    pkg.setPart(part, buildSheetPart(part, sp, styleIndex, opts.codec), opts.codec);
    // Whatever a program hung on our sheet (printer settings, a drawing) goes with the old sheet.
    const relsPath = relsPathOf(part);
    const relsXml = pkg.text(relsPath);
    if (relsXml !== undefined) dropRelsCascade(pkg, part, pkg.key(relsPath) ?? relsPath, relsXml);
  }

  // New sheets at the end.
  for (const sp of create) {
    const dir = dirOf(wb.path);
    const folder = `${dir ? `${dir}/` : ''}worksheets`;
    let k = 1;
    while (pkg.has(`${folder}/sheet${k}.xml`) || pkg.has(`${folder}/_rels/sheet${k}.xml.rels`)) k++;
    const part = `${folder}/sheet${k}.xml`;
    pkg.setPart(part, buildSheetPart(part, sp, styleIndex, opts.codec), opts.codec);
    addOverride(pkg, part, CT_WORKSHEET);
    const relsXml = pkg.text(wb.relsPath) ?? emptyRels();
    const added = addRel(relsXml, `${wb.relBase}worksheet`, relativeTarget(wb.path, part));
    pkg.setText(wb.relsPath, added.xml);
    // Never reuse the id of a sheet removed in this run: other parts may still name it.
    const sheetId = Math.max(maxSheetId, ...wb.sheets.map((s) => s.sheetId).filter(Number.isFinite)) + 1;
    maxSheetId = sheetId;
    const p = prefixOf(wb.sheetsEl.name);
    const el = `<${p}sheet name="${escapeAttr(sp.name)}" sheetId="${sheetId}" ${wb.ridAttr}="${added.id}"/>`;
    pkg.setText(wb.path, insertChild(wb.xml, wb.sheetsEl, el));
    wb = readWorkbook(pkg, wbPath);
  }

  pruneCalcChain(pkg, wb, touchedIds);

  if (plan.sheets.some((s) => s.hasFormulas)) {
    pkg.setText(wb.path, setFullCalcOnLoad(wb.xml));
    wb = readWorkbook(pkg, wbPath);
  }

  // The record: the owned sheets now present, in tab order.
  const roles = new Map<string, SheetRole>();
  for (const r of recorded) roles.set(r.name, r.role);
  for (const sp of plan.sheets) roles.set(sp.name, sp.role);
  const written = new Set(plan.sheets.map((s) => s.name));
  const record: OwnershipRecord = {
    sheets: wb.sheets
      .filter((s) => s.part !== undefined && roles.has(s.name) && (written.has(s.name) || recorded.some((r) => r.name === s.name)))
      .map((s) => ({ role: roles.get(s.name) as SheetRole, name: s.name })),
  };
  writeOwnership(pkg, wb, loc, record);

  const newNames = wb.sheets.filter((s) => s.relType.endsWith('/worksheet')).map((s) => s.name);
  updateAppXml(pkg, oldNames, newNames);
  updateCoreXml(pkg, opts.now ?? new Date());
  return pkg.entries;
}

// ---------------------------------------------------------------------------------------------
// Zip

/**
 * Zips a package: [Content_Types].xml first, then the entries in their order, at a fixed time (the
 * same entries always give the same bytes). Parts carried over unchanged from a package read by
 * `readWorkbookBytes` or `sniff` keep their compressed bytes; the others are deflated (Node's zlib,
 * or fflate in the browser), empty ones stored.
 */
export function zipPackage(entries: Entries, opts: { codec?: Codec } = {}): Uint8Array {
  const names = Object.keys(entries);
  const ct = names.find((n) => n === '[Content_Types].xml') ?? names.find((n) => n.toLowerCase() === '[content_types].xml');
  return writeZip(entries, ct === undefined ? names : [ct, ...names.filter((n) => n !== ct)], opts.codec);
}
