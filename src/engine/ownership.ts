import { OWNED_SHEET_NAMES, type SheetRole } from './types';

/**
 * The ownership record: which sheets of a workbook the tool wrote, so that a later run (or the
 * add-in, through `workbook.customXmlParts.getByNamespace(OWNERSHIP_NAMESPACE)`) replaces only
 * those and never a user's sheet that happens to bear the same name.
 *
 * Stored in the package as a custom XML part whose root element is in this namespace.
 */
export const OWNERSHIP_NAMESPACE = 'urn:jixiao:ownership:1';

export interface OwnershipRecord {
  sheets: { role: SheetRole; name: string }[];
}

const ROLES = new Set<string>(Object.keys(OWNED_SHEET_NAMES));

function escapeAttribute(value: string): string {
  let out = '';
  for (const ch of value) {
    switch (ch) {
      case '&':
        out += '&amp;';
        break;
      case '<':
        out += '&lt;';
        break;
      case '>':
        out += '&gt;';
        break;
      case '"':
        out += '&quot;';
        break;
      default: {
        const code = ch.codePointAt(0) ?? 0;
        // Whitespace other than a space would be normalised away in an attribute: keep it exact.
        if (code < 0x20) out += `&#${code};`;
        else out += ch;
      }
    }
  }
  return out;
}

/** The record as a small XML document in OWNERSHIP_NAMESPACE; the same record gives the same text. */
export function buildOwnershipXml(rec: OwnershipRecord): string {
  const sheets = rec.sheets
    .map((s) => `<sheet role="${escapeAttribute(s.role)}" name="${escapeAttribute(s.name)}"/>`)
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    `<jixiao xmlns="${OWNERSHIP_NAMESPACE}" version="1">${sheets}</jixiao>`
  );
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Replaces entity and character references; undefined when one is not well-formed. */
function unescapeXml(value: string): string | undefined {
  let ok = true;
  const out = value.replace(/&([^;&]*);?/g, (whole, body: string) => {
    if (!whole.endsWith(';')) {
      ok = false;
      return whole;
    }
    if (body in NAMED_ENTITIES) return NAMED_ENTITIES[body];
    const m = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(body);
    if (!m) {
      ok = false;
      return whole;
    }
    const code = m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2], 10);
    if (!(code > 0 && code <= 0x10ffff)) {
      ok = false;
      return whole;
    }
    return String.fromCodePoint(code);
  });
  return ok ? out : undefined;
}

interface Tag {
  kind: 'open' | 'close' | 'empty';
  name: string;
  attrs: Map<string, string>;
}

/** Tokenises markup into tags (text between them is ignored); undefined when malformed. */
function tags(xml: string): Tag[] | undefined {
  const out: Tag[] = [];
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) break;
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      if (end < 0) return undefined;
      i = end + 3;
      continue;
    }
    if (xml.startsWith('<?', lt)) {
      const end = xml.indexOf('?>', lt + 2);
      if (end < 0) return undefined;
      i = end + 2;
      continue;
    }
    if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt + 9);
      if (end < 0) return undefined;
      i = end + 3;
      continue;
    }
    if (xml.startsWith('<!', lt)) {
      // A DOCTYPE has no business in our part.
      return undefined;
    }
    // Find the end of the tag, skipping quoted attribute values.
    let j = lt + 1;
    let quote = '';
    for (; j < xml.length; j++) {
      const ch = xml[j];
      if (quote) {
        if (ch === quote) quote = '';
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '>') break;
      else if (ch === '<') return undefined;
    }
    if (j >= xml.length) return undefined;
    let body = xml.slice(lt + 1, j);
    i = j + 1;
    if (body.startsWith('/')) {
      const name = body.slice(1).trim();
      if (!/^[^\s/>]+$/.test(name)) return undefined;
      out.push({ kind: 'close', name, attrs: new Map() });
      continue;
    }
    let kind: Tag['kind'] = 'open';
    if (body.endsWith('/')) {
      kind = 'empty';
      body = body.slice(0, -1);
    }
    const nameMatch = /^([^\s/>=]+)/.exec(body);
    if (!nameMatch) return undefined;
    const attrs = new Map<string, string>();
    let rest = body.slice(nameMatch[1].length);
    const attrRe = /^\s+([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/;
    for (;;) {
      const m = attrRe.exec(rest);
      if (!m) break;
      const raw = m[2] ?? m[3] ?? '';
      // Literal whitespace in an attribute value is normalised to a space (XML 1.0, 3.3.3).
      const value = unescapeXml(raw.replace(/[\t\n\r]/g, ' '));
      if (value === undefined || raw.includes('<') || attrs.has(m[1])) return undefined;
      attrs.set(m[1], value);
      rest = rest.slice(m[0].length);
    }
    if (rest.trim() !== '') return undefined;
    out.push({ kind, name: nameMatch[1], attrs });
  }
  return out;
}

function splitName(qname: string): { prefix: string; local: string } {
  const colon = qname.indexOf(':');
  return colon < 0 ? { prefix: '', local: qname } : { prefix: qname.slice(0, colon), local: qname.slice(colon + 1) };
}

/**
 * Reads a record written by buildOwnershipXml, or by a program that re-serialised it (another
 * prefix, other whitespace, attribute order or quoting). Null when the document is malformed or
 * its root is not a `jixiao` element in OWNERSHIP_NAMESPACE. Entries with an unknown role or no
 * name are skipped (a sheet that is not surely ours is the user's); a repeated name counts once.
 */
export function parseOwnershipXml(xml: string): OwnershipRecord | null {
  const list = tags(xml.replace(/^\uFEFF/, ''));
  if (!list || list.length === 0) return null;
  // Namespace scopes, one per open element.
  const scopes: Map<string, string>[] = [];
  const stack: string[] = [];
  const sheets: OwnershipRecord['sheets'] = [];
  const seen = new Set<string>();
  let rootSeen = false;
  let rootClosed = false;
  const resolve = (prefix: string, scope: Map<string, string>): string | undefined => scope.get(prefix);
  for (const tag of list) {
    if (tag.kind === 'close') {
      if (stack.pop() !== tag.name) return null;
      scopes.pop();
      if (stack.length === 0) rootClosed = true;
      continue;
    }
    if (rootClosed) return null; // a second root element
    const parent = scopes.length ? scopes[scopes.length - 1] : new Map<string, string>([['xml', 'http://www.w3.org/XML/1998/namespace']]);
    const scope = new Map(parent);
    for (const [k, v] of tag.attrs) {
      if (k === 'xmlns') scope.set('', v);
      else if (k.startsWith('xmlns:')) scope.set(k.slice(6), v);
    }
    const { prefix, local } = splitName(tag.name);
    const ns = resolve(prefix, scope);
    if (prefix && ns === undefined) return null;
    const depth = stack.length;
    if (depth === 0) {
      if (rootSeen) return null;
      rootSeen = true;
      if (local !== 'jixiao' || ns !== OWNERSHIP_NAMESPACE) return null;
    } else if (depth === 1 && local === 'sheet' && ns === OWNERSHIP_NAMESPACE) {
      // Unprefixed attributes are in no namespace.
      const role = tag.attrs.get('role');
      const name = tag.attrs.get('name');
      if (role !== undefined && name !== undefined && ROLES.has(role) && name !== '' && !seen.has(name)) {
        seen.add(name);
        sheets.push({ role: role as SheetRole, name });
      }
    }
    if (tag.kind === 'open') {
      stack.push(tag.name);
      scopes.push(scope);
    } else if (depth === 0) {
      rootClosed = true;
    }
  }
  if (!rootSeen || stack.length !== 0) return null;
  return { sheets };
}
