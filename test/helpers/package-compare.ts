/**
 * Comparing a workbook package before and after `jixiao fill`: what the writer promises to keep.
 *
 * - every part but six is byte-identical (`changedUserParts`);
 * - in those six, everything the user had is still there (`lostUserContent`): the sheets with their
 *   state, defined names and every other workbook setting, content types, relationships, styles
 *   (appended to, never changed), document properties but the modified time and the sheet list;
 * - every cell of every source sheet reads back the same through exceljs: value, formula, number
 *   format, merges, visibility (`sourceSheetDifferences`);
 * - a second fill gives the same package but for docProps/core.xml (`secondFillDifferences`).
 *
 * Each returns a list of differences (empty when all is kept) so that a failure names them all.
 */
import ExcelJS from 'exceljs';
import * as fs from 'fs';
import { strFromU8, unzipSync } from 'fflate';
import { main } from '../../src/cli/main';

export type Entries = Record<string, Uint8Array>;

/** The only parts of the user's that fill may change (edited as text, see src/xlsx/package.ts). */
export const MAY_CHANGE: ReadonlySet<string> = new Set([
  'xl/workbook.xml',
  'xl/_rels/workbook.xml.rels',
  '[Content_Types].xml',
  'docProps/app.xml',
  'docProps/core.xml',
  'xl/styles.xml',
]);

/** Output sink for `main` that drops everything. */
export const quiet = { stdout: (): void => undefined, stderr: (): void => undefined };

/** `jixiao fill INPUT -o OUT [extra]` in-process, output discarded; returns the exit code. */
export function fill(input: string, out: string, extra: string[] = []): Promise<number> {
  return main(['fill', input, '-o', out, ...extra], quiet);
}

/** A package's parts, unzipped, from a file or its bytes. */
export function readParts(file: string | Uint8Array): Entries {
  return unzipSync(typeof file === 'string' ? new Uint8Array(fs.readFileSync(file)) : file);
}

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/** Parts of `before` that are missing from `after` or differ in a byte, except the six. */
export function changedUserParts(before: Entries, after: Entries): string[] {
  const out: string[] = [];
  for (const [name, bytes] of Object.entries(before)) {
    if (!(name in after)) out.push(`${name}: missing`);
    else if (!MAY_CHANGE.has(name) && !same(after[name], bytes)) out.push(`${name}: changed`);
  }
  return out;
}

/** Parts that differ between two fills of the same input, docProps/core.xml (the time) aside. */
export function secondFillDifferences(first: Entries, second: Entries): string[] {
  const out: string[] = [];
  const names = new Set([...Object.keys(first), ...Object.keys(second)]);
  for (const name of [...names].sort()) {
    if (name === 'docProps/core.xml') continue;
    if (!(name in first)) out.push(`${name}: added by the second fill`);
    else if (!(name in second)) out.push(`${name}: dropped by the second fill`);
    else if (!same(first[name], second[name])) out.push(`${name}: changed by the second fill`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// A small scanner for the top-level structure of the six edited parts (well-formed fixtures).

interface Element {
  /** Local name. */
  name: string;
  /** The whole element as written. */
  text: string;
  /** Its content (between the tags); '' for an empty element. */
  inner: string;
}

/** Direct children of the element whose local name is `parent` (the root when omitted). */
function childElements(xml: string, parent?: string): Element[] {
  const tag = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|<(\/?)([^\s/>!?]+)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g;
  const out: Element[] = [];
  let depth = 0;
  let inside = parent === undefined ? 0 : -1; // depth of the parent's content, once found
  let start = -1;
  let openEnd = -1;
  let current = '';
  for (let m = tag.exec(xml); m; m = tag.exec(xml)) {
    if (m[2] === undefined) continue;
    const local = m[2].slice(m[2].indexOf(':') + 1);
    const closing = m[1] === '/';
    const selfClosing = m[4] === '/';
    if (closing) {
      depth--;
      if (inside >= 0 && depth === inside && start >= 0) {
        out.push({ name: current, text: xml.slice(start, m.index + m[0].length), inner: xml.slice(openEnd, m.index) });
        start = -1;
      }
      if (parent !== undefined && inside >= 0 && depth === inside - 1) return out;
      continue;
    }
    if (inside >= 0 && depth === inside) {
      if (selfClosing) out.push({ name: local, text: m[0], inner: '' });
      else {
        start = m.index;
        openEnd = m.index + m[0].length;
        current = local;
      }
    }
    if (!selfClosing) {
      depth++;
      if (parent !== undefined && inside < 0 && local === parent) inside = depth;
    }
  }
  return out;
}

/** Children of the root element, dropping the root itself. */
function rootChildren(xml: string): Element[] {
  const [root] = childElements(xml);
  return root ? childElements(root.inner) : [];
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (m, body: string) =>
    body[0] === '#' ? String.fromCodePoint(body[1] === 'x' ? parseInt(body.slice(2), 16) : Number(body.slice(1))) : (XML_ENTITIES[body] ?? m),
  );
}

const text = (e: Entries, name: string): string | undefined => (name in e ? strFromU8(e[name]) : undefined);

/**
 * What the user had in the six edited parts and no longer has. The writer only adds: sheets (at
 * the end of <sheets>), relationships, content types, styles (at the end of each section), the
 * calcPr flag, the sheet list in app.xml, and the modified time in core.xml.
 */
export function lostUserContent(before: Entries, after: Entries): string[] {
  const lost: string[] = [];
  const pair = (name: string): [string, string] | undefined => {
    const a = text(before, name);
    const b = text(after, name);
    if (a === undefined) return undefined;
    if (b === undefined) {
      lost.push(`${name}: missing`);
      return undefined;
    }
    return [a, b];
  };

  const wb = pair('xl/workbook.xml');
  if (wb) {
    const [a, b] = wb;
    const sheetsA = childElements(a, 'sheets').map((s) => s.text);
    const sheetsB = childElements(b, 'sheets').map((s) => s.text);
    const kept = sheetsB.slice(0, sheetsA.length);
    if (JSON.stringify(kept) !== JSON.stringify(sheetsA)) lost.push(`xl/workbook.xml: <sheets> began ${JSON.stringify(sheetsA)}, now ${JSON.stringify(sheetsB)}`);
    // Every other section (defined names, views, protection, pivot caches, extLst …) as it was.
    const others = (xml: string): string[] => rootChildren(xml).filter((el) => el.name !== 'sheets' && el.name !== 'calcPr').map((el) => el.text);
    const oa = others(a);
    const ob = others(b);
    if (JSON.stringify(oa) !== JSON.stringify(ob)) lost.push(`xl/workbook.xml: sections changed: ${JSON.stringify(oa.filter((x) => !ob.includes(x)))}`);
    const calcA = rootChildren(a).find((el) => el.name === 'calcPr');
    const calcB = rootChildren(b).find((el) => el.name === 'calcPr');
    if (calcA) {
      const attrsOf = (t: string): string[] => [...t.matchAll(/\s([\w:]+)="([^"]*)"/g)].map((m) => `${m[1]}=${m[2]}`).filter((x) => !x.startsWith('fullCalcOnLoad='));
      if (!calcB || attrsOf(calcA.text).some((x) => !attrsOf(calcB.text).includes(x))) lost.push('xl/workbook.xml: calcPr settings lost');
    }
  }

  for (const name of ['xl/_rels/workbook.xml.rels', '[Content_Types].xml']) {
    const p = pair(name);
    if (!p) continue;
    const after = new Set(rootChildren(p[1]).map((el) => el.text));
    for (const el of rootChildren(p[0])) if (!after.has(el.text)) lost.push(`${name}: lost ${el.text}`);
  }

  const styles = pair('xl/styles.xml');
  if (styles) {
    const sectionsB = new Map(rootChildren(styles[1]).map((el) => [el.name, el]));
    for (const el of rootChildren(styles[0])) {
      const now = sectionsB.get(el.name);
      if (!now) lost.push(`xl/styles.xml: <${el.name}> missing`);
      else if (!now.inner.startsWith(el.inner)) lost.push(`xl/styles.xml: <${el.name}> changed, not appended to`);
    }
  }

  const core = pair('docProps/core.xml');
  if (core) {
    const strip = (xml: string): string => xml.replace(/<(\w+:)?modified\b[^>]*?(\/>|>[^<]*<\/(\w+:)?modified>)/, '');
    if (strip(core[0]) !== strip(core[1])) lost.push('docProps/core.xml: changed beyond dcterms:modified');
  }

  const app = pair('docProps/app.xml');
  if (app) {
    const strip = (xml: string): string => rootChildren(xml).filter((el) => el.name !== 'HeadingPairs' && el.name !== 'TitlesOfParts').map((el) => el.text).join('');
    if (strip(app[0]) !== strip(app[1])) lost.push('docProps/app.xml: changed beyond the sheet list');
    const titles = (xml: string): string[] => [...xml.matchAll(/<(?:\w+:)?lpstr>([^<]*)<\/(?:\w+:)?lpstr>/g)].map((m) => unescapeXml(m[1]));
    const after = new Set(titles(app[1]));
    for (const t of titles(app[0])) if (!after.has(t)) lost.push(`docProps/app.xml: lost ${t}`);
  }
  return lost;
}

// ---------------------------------------------------------------------------------------------
// Cells, through an independent reader.

async function load(file: string | Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  if (typeof file === 'string') await wb.xlsx.readFile(file);
  else await wb.xlsx.load(Buffer.from(file) as unknown as ExcelJS.Buffer);
  return wb;
}

/** Merged areas from exceljs's merge index (master address → range; not in its typings). */
const mergesOf = (ws: ExcelJS.Worksheet): string[] =>
  Object.values((ws as unknown as { _merges?: Record<string, { range: string }> })._merges ?? {})
    .map((m) => m.range)
    .sort();

interface CellFacts {
  value: unknown;
  formula: string | undefined;
  type: ExcelJS.ValueType;
  numFmt: string | undefined;
}

function cellsOf(ws: ExcelJS.Worksheet): Map<string, CellFacts> {
  const out = new Map<string, CellFacts>();
  ws.eachRow({ includeEmpty: true }, (row) => {
    row.eachCell({ includeEmpty: true }, (cell) => {
      const facts: CellFacts = { value: cell.value, formula: cell.formula || undefined, type: cell.type, numFmt: cell.numFmt || undefined };
      if (facts.type === ExcelJS.ValueType.Null && facts.numFmt === undefined) return;
      out.set(cell.address, facts);
    });
  });
  return out;
}

/**
 * Differences between the source sheets of `input` and the same sheets in `output`, read by
 * exceljs: sheet order and state, merges, and every cell's value, formula, type and number format
 * (cells the output has and the input has not count too). Sheets of `output` that `input` lacks
 * are the tool's and are not compared.
 */
export async function sourceSheetDifferences(input: string | Uint8Array, output: string | Uint8Array, limit = 20): Promise<string[]> {
  const a = await load(input);
  const b = await load(output);
  const diffs: string[] = [];
  const namesA = a.worksheets.map((w) => w.name);
  const namesB = b.worksheets.map((w) => w.name).filter((n) => namesA.includes(n));
  if (JSON.stringify(namesA) !== JSON.stringify(namesB)) diffs.push(`sheets ${JSON.stringify(namesA)} became ${JSON.stringify(namesB)}`);
  for (const sa of a.worksheets) {
    const sb = b.getWorksheet(sa.name);
    if (!sb) continue;
    if (sb.state !== sa.state) diffs.push(`${sa.name}: state ${sa.state} became ${sb.state}`);
    const ma = mergesOf(sa);
    const mb = mergesOf(sb);
    if (JSON.stringify(ma) !== JSON.stringify(mb)) diffs.push(`${sa.name}: merges ${ma.join(' ')} became ${mb.join(' ')}`);
    const ca = cellsOf(sa);
    const cb = cellsOf(sb);
    for (const address of new Set([...ca.keys(), ...cb.keys()])) {
      const x = ca.get(address);
      const y = cb.get(address);
      if (JSON.stringify(x) !== JSON.stringify(y)) diffs.push(`${sa.name}!${address}: ${JSON.stringify(x)} became ${JSON.stringify(y)}`);
      if (diffs.length >= limit) return diffs;
    }
  }
  return diffs;
}
