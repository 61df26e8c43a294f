/**
 * The add-in manifest: valid against Microsoft's XSDs (offline, xmllint), and right in what the
 * schema cannot see: the tab and its buttons, every resource id resolving to a resource of the right
 * kind, every icon a PNG of the declared size in assets/, HTTPS on one origin, an en-US override for
 * every string, the permission and the ExcelApi requirement the Excel host needs.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inflateSync } from 'zlib';
import { haveTool } from '../helpers/libreoffice';
import { SHARED } from '../helpers/shared';

const ROOT = path.resolve(__dirname, '..', '..');
const MANIFEST = path.join(ROOT, 'manifest.xml');
const SCHEMAS = path.join(SHARED, 'office-manifest-schemas');
/** The single origin every URL uses; the production build replaces this literal. */
const ORIGIN = 'https://localhost:3000';

// ---------------------------------------------------------------------------------------------
// A tiny XML reader: elements, attributes, text. Enough for a manifest that xmllint has already
// found well-formed; it throws on anything it does not understand rather than guessing.

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
  parent: XmlElement | null;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') return String.fromCodePoint(ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10));
    const named = ENTITIES[ref];
    if (named === undefined) throw new Error(`unknown entity ${whole}`);
    return named;
  });
}

function parseXml(source: string): XmlElement {
  const token = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<\/([\w:.-]+)\s*>|<([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)|(<)/g;
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '', parent: null };
  let current = root;
  for (const m of source.matchAll(token)) {
    const [, close, open, attrText, selfClose, text, stray] = m;
    if (stray) throw new Error(`unparsed markup at offset ${m.index}`);
    if (text !== undefined) {
      current.text += decode(text);
    } else if (close) {
      if (close !== current.name) throw new Error(`</${close}> closes <${current.name}>`);
      current = current.parent as XmlElement;
    } else if (open) {
      const attrs: Record<string, string> = {};
      for (const a of (attrText ?? '').matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs[a[1]] = decode(a[2] ?? a[3]);
      const el: XmlElement = { name: open, attrs, children: [], text: '', parent: current };
      current.children.push(el);
      if (!selfClose) current = el;
    }
  }
  if (current !== root) throw new Error(`<${current.name}> is not closed`);
  const elements = root.children;
  if (elements.length !== 1) throw new Error('expected one root element');
  return elements[0];
}

/** The name without its namespace prefix. */
const local = (el: XmlElement): string => el.name.slice(el.name.indexOf(':') + 1);

function* descendants(el: XmlElement): Generator<XmlElement> {
  for (const c of el.children) {
    yield c;
    yield* descendants(c);
  }
}

const all = (el: XmlElement, name: string): XmlElement[] => [...descendants(el)].filter((d) => local(d) === name);
const kids = (el: XmlElement, name: string): XmlElement[] => el.children.filter((c) => local(c) === name);

function kid(el: XmlElement, name: string): XmlElement {
  const found = kids(el, name);
  if (found.length !== 1) throw new Error(`<${el.name}> has ${found.length} <${name}> children, expected 1`);
  return found[0];
}

function one(el: XmlElement, name: string): XmlElement {
  const found = all(el, name);
  if (found.length !== 1) throw new Error(`${found.length} <${name}> elements, expected 1`);
  return found[0];
}

// ---------------------------------------------------------------------------------------------

/** Width and height from a PNG's IHDR, its colour type, and the alpha of its top-left pixel. */
function readPng(file: string): { width: number; height: number; colourType: number; cornerAlpha: number } {
  const b = fs.readFileSync(file);
  if (!b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) throw new Error(`${file} is not a PNG`);
  if (b.toString('latin1', 12, 16) !== 'IHDR') throw new Error(`${file}: IHDR is not the first chunk`);
  const width = b.readUInt32BE(16);
  const height = b.readUInt32BE(20);
  const bitDepth = b[24];
  const colourType = b[25];
  const idat: Buffer[] = [];
  for (let at = 8; at < b.length; ) {
    const length = b.readUInt32BE(at);
    if (b.toString('latin1', at + 4, at + 8) === 'IDAT') idat.push(b.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  // Whatever the first row's filter, its first pixel is stored as is (its left and upper
  // neighbours are zero), so the corner's alpha is readable without unfiltering.
  const raw = inflateSync(Buffer.concat(idat));
  const cornerAlpha = colourType === 6 && bitDepth === 8 ? raw[1 + 3] : 255;
  return { width, height, colourType, cornerAlpha };
}

const source = fs.readFileSync(MANIFEST, 'utf8');
const app = parseXml(source);

/** Where a `resid` points, by the element that holds it. */
const RESOURCE_KIND: Record<string, string> = {
  Image: 'Images',
  Label: 'ShortStrings',
  Title: 'ShortStrings',
  Description: 'LongStrings',
  SourceLocation: 'Urls',
  FunctionFile: 'Urls',
  LearnMoreUrl: 'Urls',
};

function resources(kind: string): Map<string, XmlElement> {
  const out = new Map<string, XmlElement>();
  const resourcesEl = one(app, 'Resources');
  for (const r of kid(resourcesEl, kind).children) {
    const id = r.attrs.id;
    if (out.has(id)) throw new Error(`resource id ${id} declared twice in ${kind}`);
    out.set(id, r);
  }
  return out;
}

const shortStrings = resources('ShortStrings');
const longStrings = resources('LongStrings');
const urls = resources('Urls');
const images = resources('Images');
const stringOf = (resid: string): string => {
  const s = shortStrings.get(resid) ?? longStrings.get(resid);
  if (!s) throw new Error(`no string ${resid}`);
  return s.attrs.DefaultValue;
};
const urlOf = (resid: string): string => {
  const u = urls.get(resid);
  if (!u) throw new Error(`no url ${resid}`);
  return u.attrs.DefaultValue;
};

/** The file under the repository a manifest URL serves (the build copies assets/ as is). */
function assetFile(url: string): string {
  expect(url.startsWith(`${ORIGIN}/assets/`)).toBe(true);
  return path.join(ROOT, url.slice(ORIGIN.length + 1));
}

describe('manifest.xml', () => {
  test('validates against the add-in manifest XSDs (xmllint, offline)', () => {
    if (!haveTool('xmllint')) return;
    if (!fs.existsSync(path.join(SCHEMAS, 'OfficeAppManifestV1_1.xsd'))) {
      if (process.env.CI === 'true') throw new Error(`manifest schemas missing under CI: ${SCHEMAS}`);
      console.warn(`SKIP: manifest schemas not found at ${SCHEMAS}`);
      return;
    }
    const run = (file: string): { ok: boolean; output: string } => {
      try {
        const out = execFileSync('xmllint', ['--nonet', '--noout', '--schema', path.join(SCHEMAS, 'OfficeAppManifestV1_1.xsd'), file], {
          stdio: 'pipe',
          encoding: 'utf8',
        });
        return { ok: true, output: out };
      } catch (e) {
        const err = e as { stdout?: string; stderr?: string };
        return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
      }
    };
    const result = run(MANIFEST);
    expect(result.output).not.toMatch(/error/i);
    expect(result.ok).toBe(true);

    // The validation is real: the label before the groups (an order some documentation shows) fails.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jixiao-manifest-'));
    try {
      const swapped = source.replace(/(<CustomTab id="[^"]+">)([\s\S]*?)(\s*<Label resid="[^"]+"\/>)(\s*<\/CustomTab>)/, '$1$3$2$4');
      expect(swapped).not.toBe(source);
      const bad = path.join(tmp, 'manifest.xml');
      fs.writeFileSync(bad, swapped);
      expect(run(bad).ok).toBe(false);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('is a task pane add-in for Excel: id, version, locale, names, permission, requirement', () => {
    expect(app.name).toBe('OfficeApp');
    expect(app.attrs['xsi:type']).toBe('TaskPaneApp');
    expect(kid(app, 'Id').text.trim()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(kid(app, 'Version').text.trim()).toBe('1.0.0.0');
    expect(kid(app, 'ProviderName').text.trim()).not.toBe('');
    expect(kid(app, 'DefaultLocale').text.trim()).toBe('zh-CN');
    expect(kid(app, 'DisplayName').attrs.DefaultValue).toBe('绩效自评助手');
    expect(kids(kid(app, 'Hosts'), 'Host').map((h) => h.attrs.Name)).toEqual(['Workbook']);
    expect(kid(app, 'Permissions').text.trim()).toBe('ReadWriteDocument');
    const sets = kids(kid(kid(app, 'Requirements'), 'Sets'), 'Set');
    expect(sets.map((s) => [s.attrs.Name, s.attrs.MinVersion])).toEqual([['ExcelApi', '1.13']]);
    expect(kid(kid(app, 'DefaultSettings'), 'SourceLocation').attrs.DefaultValue).toBe(`${ORIGIN}/taskpane.html`);
  });

  test('a custom tab 绩效自评 with one group: 打开助手, 校验, 一键生成', () => {
    const overrides = kid(app, 'VersionOverrides');
    expect(overrides.attrs['xsi:type']).toBe('VersionOverridesV1_0');
    const host = kid(kid(overrides, 'Hosts'), 'Host');
    expect(host.attrs['xsi:type']).toBe('Workbook');
    const desktop = kid(host, 'DesktopFormFactor');
    expect(urlOf(kid(desktop, 'FunctionFile').attrs.resid)).toBe(`${ORIGIN}/commands.html`);

    const point = kid(desktop, 'ExtensionPoint');
    expect(point.attrs['xsi:type']).toBe('PrimaryCommandSurface');
    const tab = kid(point, 'CustomTab');
    expect(stringOf(kid(tab, 'Label').attrs.resid)).toBe('绩效自评');
    const group = kid(tab, 'Group');
    expect(kids(kid(group, 'Icon'), 'Image').map((i) => i.attrs.size)).toEqual(['16', '32', '80']);

    const buttons = kids(group, 'Control').map((c) => {
      const action = kid(c, 'Action');
      const supertip = kid(c, 'Supertip');
      return {
        type: c.attrs['xsi:type'],
        label: stringOf(kid(c, 'Label').attrs.resid),
        tip: stringOf(kid(supertip, 'Description').attrs.resid),
        icons: kids(kid(c, 'Icon'), 'Image').map((i) => i.attrs.size),
        action: action.attrs['xsi:type'],
        functionName: kids(action, 'FunctionName').map((f) => f.text.trim())[0],
        page: kids(action, 'SourceLocation').map((s) => urlOf(s.attrs.resid))[0],
      };
    });
    expect(buttons.map(({ type, label, action, functionName, page, icons }) => ({ type, label, action, functionName, page, icons }))).toEqual([
      { type: 'Button', label: '打开助手', action: 'ShowTaskpane', functionName: undefined, page: `${ORIGIN}/taskpane.html`, icons: ['16', '32', '80'] },
      { type: 'Button', label: '校验', action: 'ExecuteFunction', functionName: 'validateWorkbook', page: undefined, icons: ['16', '32', '80'] },
      { type: 'Button', label: '一键生成', action: 'ExecuteFunction', functionName: 'generateReport', page: undefined, icons: ['16', '32', '80'] },
    ]);
    for (const b of buttons) expect(b.tip.length).toBeGreaterThan(10);
    expect(buttons[1].tip).toContain('校验结果');
    expect(buttons[2].tip).toContain('校验结果');

    // Distinct glyphs for the two commands.
    const iconOf = (i: number): string[] => kids(kid(kids(group, 'Control')[i], 'Icon'), 'Image').map((im) => im.attrs.resid);
    expect(new Set([...iconOf(1), ...iconOf(2)]).size).toBe(6);
  });

  test('every resid resolves to a declared resource of the right kind, and every resource is used', () => {
    const declared: Record<string, Map<string, XmlElement>> = { ShortStrings: shortStrings, LongStrings: longStrings, Urls: urls, Images: images };
    const used = new Set<string>();
    const refs = [...descendants(app)].filter((el) => el.attrs.resid !== undefined);
    expect(refs.length).toBeGreaterThan(20);
    for (const el of refs) {
      const kind = RESOURCE_KIND[local(el)];
      if (kind === undefined) throw new Error(`<${el.name}> holds a resid this test does not know the kind of`);
      expect(el.attrs.resid.length).toBeLessThanOrEqual(32);
      if (!declared[kind].has(el.attrs.resid)) throw new Error(`<${el.name} resid="${el.attrs.resid}"> resolves to nothing in ${kind}`);
      used.add(`${kind}/${el.attrs.resid}`);
    }
    for (const [kind, map] of Object.entries(declared)) {
      for (const id of map.keys()) expect(used.has(`${kind}/${id}`) ? id : `unused ${kind}/${id}`).toBe(id);
    }
  });

  test('every image is a PNG in assets/ of the size it is declared at, on a transparent background', () => {
    const checks: { url: string; size: number }[] = [
      { url: kid(app, 'IconUrl').attrs.DefaultValue, size: 32 },
      { url: kid(app, 'HighResolutionIconUrl').attrs.DefaultValue, size: 64 },
    ];
    for (const use of all(app, 'Image').filter((i) => i.attrs.resid !== undefined)) {
      const image = images.get(use.attrs.resid);
      if (!image) throw new Error(`no image ${use.attrs.resid}`);
      checks.push({ url: image.attrs.DefaultValue, size: Number(use.attrs.size) });
    }
    // An image resource used at two sizes would fail one of them.
    for (const { url, size } of checks) {
      const file = assetFile(url);
      expect(fs.existsSync(file) ? file : `missing ${file}`).toBe(file);
      const png = readPng(file);
      expect({ url, width: png.width, height: png.height }).toEqual({ url, width: size, height: size });
      expect(png.colourType).toBe(6);
      expect(png.cornerAlpha).toBe(0);
    }
    // The product icon exists at all four sizes.
    for (const size of [16, 32, 64, 80]) expect(readPng(path.join(ROOT, 'assets', `icon-${size}.png`)).width).toBe(size);
  });

  test('every URL is HTTPS on the one origin the build rewrites', () => {
    const found: string[] = [];
    for (const el of [app, ...descendants(app)]) {
      for (const [name, value] of Object.entries(el.attrs)) {
        if (name === 'xmlns' || name.startsWith('xmlns:')) continue; // namespace names, not locations
        if (/^[a-z][a-z0-9+.-]*:/i.test(value) && /\/\//.test(value)) found.push(value);
      }
      if (/:\/\//.test(el.text)) found.push(el.text.trim());
    }
    expect(found.length).toBeGreaterThan(10);
    for (const url of found) expect(url.startsWith(`${ORIGIN}/`) ? ORIGIN : url).toBe(ORIGIN);
    expect(urlOf('Taskpane.Url')).toBe(kid(kid(app, 'DefaultSettings'), 'SourceLocation').attrs.DefaultValue);
  });

  test('every string has an en-US override', () => {
    const localized = [kid(app, 'DisplayName'), kid(app, 'Description'), ...shortStrings.values(), ...longStrings.values()];
    for (const el of localized) {
      expect(el.attrs.DefaultValue.trim()).not.toBe('');
      const en = kids(el, 'Override').filter((o) => o.attrs.Locale === 'en-US');
      expect({ id: el.attrs.id ?? el.name, overrides: en.length }).toEqual({ id: el.attrs.id ?? el.name, overrides: 1 });
      expect(en[0].attrs.Value.trim()).not.toBe('');
      // The default is Chinese, the override English.
      expect(el.attrs.DefaultValue).toMatch(/[\u4e00-\u9fff]/);
      expect(en[0].attrs.Value).toMatch(/^[A-Z]/);
    }
    expect(kids(kid(app, 'DisplayName'), 'Override')[0].attrs.Value).toBe('Performance Self-Evaluation');
  });
});
