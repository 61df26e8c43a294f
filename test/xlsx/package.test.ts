import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import ExcelJS from 'exceljs';
import { strFromU8, strToU8, unzipSync } from 'fflate';
import { buildOwnershipXml, OWNERSHIP_NAMESPACE, parseOwnershipXml } from '../../src/engine/ownership';
import type { CellStyle, PlanCell, SheetPlan, WritePlan } from '../../src/engine/types';
import { sheetPlanOf } from '../../src/engine/plan';
import { writeFileAtomic } from '../../src/xlsx/atomic';
import { applyPlan, escapeXString, formulaRefersToSheet, readOwnership, zipPackage } from '../../src/xlsx/package';

type Entries = Record<string, Uint8Array>;

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'preserve');
const NOW = new Date('2025-03-01T08:00:00Z');
const LATER = new Date('2025-03-02T09:30:00Z');

/** The only parts of the user's that may change. */
const MAY_CHANGE = [
  '[Content_Types].xml',
  'xl/workbook.xml',
  'xl/_rels/workbook.xml.rels',
  'docProps/app.xml',
  'docProps/core.xml',
  'xl/styles.xml',
];

function load(name: string): Entries {
  return unzipSync(new Uint8Array(fs.readFileSync(path.join(FIXTURES, name))));
}

const text = (e: Entries, name: string): string => {
  const data = e[name];
  if (!data) throw new Error(`no part ${name}`);
  return strFromU8(data);
};

const same = (a: Uint8Array | undefined, b: Uint8Array | undefined): boolean =>
  a !== undefined && b !== undefined && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/**
 * Text cells that must come back exactly as they went in. (The control characters have no hex
 * letters: LibreOffice writes them back as lowercase `_x001f_`, which exceljs, reading its file
 * here, does not decode; LibreOffice itself reads either case.)
 */
const TRICKY = ['=1+1', '+8613800000000', '-5', '@SUM(A1)', '\tTAB', '\rCR', 'a _x000D_ literal', 'ctl\u0001\u0010 end', 'line1\nline2'];

const t = (text: string, style?: CellStyle): PlanCell => ({ t: 'text', text, style });

function summary(name = '预算执行汇总', title = '2024年度预算执行情况汇总表'): SheetPlan {
  return sheetPlanOf({
    role: 'summary',
    name,
    columnWidths: [24, 16, 16, 12],
    merges: ['A1:D1', 'A2:D2'],
    rowHeights: { 0: 28 },
    freezeRows: 3,
    landscape: true,
    cells: [
      [t(title, 'title')],
      [t('单位：万元', 'subtitle')],
      [t('项目', 'header'), t('全年预算数', 'header'), t('全年执行数', 'header'), t('执行率', 'header')],
      [
        t('合计', 'total-text'),
        { t: 'formula', formula: "=SUM('项目'!B2:B4)", value: '500.5', style: 'total-money' },
        { t: 'formula', formula: "SUM('项目'!C2:C4)", value: '340.25', style: 'total-money' },
        { t: 'formula', formula: '=IF(B4=0,"",C4/B4)', value: '0.67982017982018', style: 'total-percent' },
      ],
      [t('道路维修', 'text'), { t: 'number', value: '120.5', style: 'money' }, { t: 'number', value: '110.25', style: 'money' }, { t: 'number', value: '0.914937759', style: 'percent' }],
      [t('项目数', 'text'), { t: 'number', value: '3', style: 'integer' }, { t: 'empty', style: 'text' }, { t: 'empty' }],
      ...TRICKY.map((s) => [t(s, 'text')]),
      [{ t: 'text', text: '见项目清单第2行', style: 'link', link: { sheet: '项目', cell: 'A2' } }],
      [t('注：金额单位为万元。', 'note')],
    ],
  });
}

const TRICKY_ROW = 7; // 1-based row of TRICKY[0]
const LINK_ROW = TRICKY_ROW + TRICKY.length;

function narrative(): SheetPlan {
  return sheetPlanOf({
    role: 'narrative',
    name: '绩效自评文字',
    columnWidths: [100],
    merges: [],
    cells: [[t('二、预算执行情况', 'title')], [t('全年预算数500.50万元，执行数340.25万元，执行率67.98%。', 'paragraph')]],
  });
}

function issues(): SheetPlan {
  return sheetPlanOf({
    role: 'issues',
    name: '校验结果',
    columnWidths: [10, 12, 60],
    merges: [],
    freezeRows: 1,
    cells: [
      [t('级别', 'header'), t('位置', 'header'), t('说明', 'header')],
      [t('错误', 'severity-error'), { t: 'text', text: '项目!C3', style: 'link', link: { sheet: '项目', cell: 'C3' } }, t('执行数低于预算的一半。', 'wrap')],
      [t('警告', 'severity-warning'), t('项目!B2', 'text'), t('金额带小数。', 'wrap')],
      [t('提示', 'severity-info'), t('项目!A4', 'text'), t('—', 'wrap')],
    ],
  });
}

const plan = (sheets: SheetPlan[], remove: string[] = []): WritePlan => ({ sheets, remove, activate: sheets[0]?.name ?? '' });

const FULL = plan([summary(), narrative(), issues()]);

/** A zip round trip, as a second run sees the first run's file. */
const roundTrip = (e: Entries): Entries => unzipSync(zipPackage(e));

function sheetElements(e: Entries): { name: string; sheetId: string; rid: string; state?: string }[] {
  const wb = text(e, 'xl/workbook.xml');
  return [...wb.matchAll(/<sheet\b[^>]*\/>/g)].map((m) => {
    const get = (a: string): string | undefined => new RegExp(`\\s${a}="([^"]*)"`).exec(m[0])?.[1];
    return { name: get('name') ?? '', sheetId: get('sheetId') ?? '', rid: get('r:id') ?? '', state: get('state') };
  });
}

function sheetPart(e: Entries, name: string): string {
  const s = sheetElements(e).find((x) => x.name === name);
  if (!s) throw new Error(`no sheet ${name}`);
  const rels = text(e, 'xl/_rels/workbook.xml.rels');
  const rel = new RegExp(`<Relationship\\b[^>]*Id="${s.rid}"[^>]*/>`).exec(rels);
  const target = rel && /Target="([^"]*)"/.exec(rel[0])?.[1];
  if (!target) throw new Error(`no relationship for ${name}`);
  return target.startsWith('/') ? target.slice(1) : `xl/${target}`;
}

function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

const SOFFICE = which('soffice');
const XMLLINT = which('xmllint');

let tmpRoot: string;
beforeAll(() => {
  tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'jixiao-package-'));
});
afterAll(() => {
  fs.rmSync(tmpRoot, { recursive: true, force: true });
});

/** Converts a workbook with LibreOffice (private profile) and returns the converted file's path. */
function libreOfficeConvert(bytes: Uint8Array, name: string): string {
  const dir = fs.mkdtempSync(path.join(tmpRoot, 'lo-'));
  const input = path.join(dir, name);
  fs.writeFileSync(input, bytes);
  const outDir = path.join(dir, 'out');
  execFileSync(
    SOFFICE as string,
    [`-env:UserInstallation=file://${path.join(dir, 'profile')}`, '--headless', '--norestore', '--convert-to', 'xlsx', '--outdir', outDir, input],
    { stdio: 'pipe', timeout: 180_000 },
  );
  const out = path.join(outDir, `${path.parse(name).name}.xlsx`);
  if (!fs.existsSync(out)) throw new Error('LibreOffice did not convert the file');
  return out;
}

/** A cell's text as exceljs gives it (rich text joined). */
function cellText(v: ExcelJS.CellValue): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && 'richText' in v) return v.richText.map((r) => r.text).join('');
  return undefined;
}

// -----------------------------------------------------------------------------------------------

describe('ownership record', () => {
  it('round-trips, escaping names', () => {
    const rec = {
      sheets: [
        { role: 'summary' as const, name: '预算执行汇总' },
        { role: 'issues' as const, name: 'A&B <"x"> \'q\'' },
      ],
    };
    const xml = buildOwnershipXml(rec);
    expect(xml).toContain(`xmlns="${OWNERSHIP_NAMESPACE}"`);
    expect(xml).toContain('name="A&amp;B &lt;&quot;x&quot;&gt; \'q\'"');
    expect(buildOwnershipXml(rec)).toBe(xml);
    expect(parseOwnershipXml(xml)).toEqual(rec);
  });

  it('reads a re-serialised record: prefix, whitespace, attribute order, quotes, entities', () => {
    const xml =
      '\uFEFF<?xml version="1.0"?>\n<!-- kept by Excel -->\n<o:jixiao version = "1" xmlns:o="urn:jixiao:ownership:1" >\n' +
      "  <o:sheet name='A&#38;B&#x4E00;' role='narrative' />\n  <o:sheet\n role=\"summary\"\n name=\"汇总\"></o:sheet>\n</o:jixiao>";
    expect(parseOwnershipXml(xml)).toEqual({
      sheets: [
        { role: 'narrative', name: 'A&B一' },
        { role: 'summary', name: '汇总' },
      ],
    });
  });

  it('is null for what is not ours or not well-formed; skips unknown roles', () => {
    expect(parseOwnershipXml('<jixiao xmlns="urn:other"><sheet role="summary" name="x"/></jixiao>')).toBeNull();
    expect(parseOwnershipXml('<jixiao><sheet role="summary" name="x"/></jixiao>')).toBeNull();
    expect(parseOwnershipXml(`<jixiao xmlns="${OWNERSHIP_NAMESPACE}"><sheet role="summary" name="x"></jixiao>`)).toBeNull();
    expect(parseOwnershipXml(`<jixiao xmlns="${OWNERSHIP_NAMESPACE}"><sheet name="a&b"/></jixiao>`)).toBeNull();
    expect(parseOwnershipXml('not xml')).toBeNull();
    expect(parseOwnershipXml('')).toBeNull();
    expect(
      parseOwnershipXml(`<jixiao xmlns="${OWNERSHIP_NAMESPACE}"><sheet role="chart" name="x"/><sheet role="issues" name="y"/><sheet role="issues" name="y"/></jixiao>`),
    ).toEqual({ sheets: [{ role: 'issues', name: 'y' }] });
  });
});

describe('escapes', () => {
  it('writes any string so that it comes back', () => {
    expect(escapeXString('a&b<c>"d"')).toBe('a&amp;b&lt;c&gt;"d"');
    expect(escapeXString('\rx\ty\nz')).toBe('&#13;x\ty\nz');
    expect(escapeXString('_x000D_ _x00ff_ _x12_')).toBe('_x005F_x000D_ _x005F_x00ff_ _x12_');
    expect(escapeXString('\u0000\u0001\u001f\ufffe\uffff')).toBe('_x0000__x0001__x001F__xFFFE__xFFFF_');
    expect(escapeXString('\ud800x\udc00 😀')).toBe('_xD800_x_xDC00_ 😀');
    expect(escapeXString('\t\n"', true)).toBe('&#9;&#10;&quot;');
  });

  it('finds references to a sheet in a defined name', () => {
    expect(formulaRefersToSheet("'预算执行汇总'!$1:$3", '预算执行汇总')).toBe(true);
    expect(formulaRefersToSheet('预算执行汇总!$A$1', '预算执行汇总')).toBe(true);
    expect(formulaRefersToSheet("'It''s'!A1", "It's")).toBe(true);
    expect(formulaRefersToSheet('SUM(项目!A1,"预算执行汇总!A1")', '预算执行汇总')).toBe(false);
    expect(formulaRefersToSheet('项目!$B$5', '项')).toBe(false);
  });
});

describe.each(['preserve.xlsx', 'preserve.xlsm'])('applyPlan on %s', (fixture) => {
  const input = load(fixture);
  const out = applyPlan(input, FULL, { now: NOW });

  it('leaves the input entries untouched', () => {
    expect(same(input['xl/workbook.xml'], load(fixture)['xl/workbook.xml'])).toBe(true);
    expect(Object.keys(input)).toEqual(Object.keys(load(fixture)));
  });

  it('keeps every other part of the package byte-identical', () => {
    for (const name of Object.keys(input)) {
      expect(out[name]).toBeDefined();
      if (MAY_CHANGE.includes(name)) continue;
      if (!same(out[name], input[name])) throw new Error(`${name} changed`);
    }
    // The ones that may change did, as they should, and none else appeared but ours.
    const added = Object.keys(out).filter((n) => !(n in input));
    expect(added.sort()).toEqual(
      ['customXml/_rels/item1.xml.rels', 'customXml/item1.xml', 'customXml/itemProps1.xml', 'xl/worksheets/sheet4.xml', 'xl/worksheets/sheet5.xml', 'xl/worksheets/sheet6.xml'].sort(),
    );
  });

  it("keeps the user's charts, drawings, comments, custom properties and VBA", () => {
    for (const part of [
      'xl/charts/chart1.xml',
      'xl/drawings/drawing1.xml',
      'xl/drawings/_rels/drawing1.xml.rels',
      'xl/drawings/vmlDrawing1.vml',
      'xl/media/image1.png',
      'xl/comments1.xml',
      'xl/worksheets/_rels/sheet1.xml.rels',
      'docProps/custom.xml',
      'xl/sharedStrings.xml',
    ]) {
      expect(same(out[part], input[part])).toBe(true);
    }
    const sheet1 = text(out, 'xl/worksheets/sheet1.xml');
    expect(sheet1).toMatch(/<dataValidation\b[^>]*type="list"/);
    expect(sheet1).toMatch(/<conditionalFormatting sqref="D2:D4">/);
    expect(sheet1).toContain('<mergeCell ref="A7:E7"/>');
    const states = Object.fromEntries(sheetElements(out).map((s) => [s.name, s.state ?? 'visible']));
    expect(states).toMatchObject({ 项目: 'visible', 参数: 'hidden', 内部: 'veryHidden' });
    const wb = text(out, 'xl/workbook.xml');
    expect(wb).toContain('name="预算合计"');
    expect(wb).toContain('localSheetId="0" name="_xlnm.Print_Titles"');
    if (fixture.endsWith('.xlsm')) {
      expect(same(out['xl/vbaProject.bin'], input['xl/vbaProject.bin'])).toBe(true);
      expect(text(out, '[Content_Types].xml')).toContain('application/vnd.ms-excel.sheet.macroEnabled.main+xml');
      expect(text(out, '[Content_Types].xml')).toContain('<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>');
      expect(text(out, 'xl/_rels/workbook.xml.rels')).toMatch(/relationships\/vbaProject" Target="vbaProject.bin"/);
    }
  });

  it('edits the six shared parts only by adding to them', () => {
    // workbook.xml: the old text plus the sheet elements and fullCalcOnLoad.
    const wb = text(out, 'xl/workbook.xml')
      .replace(/<sheet name="(预算执行汇总|绩效自评文字|校验结果)"[^>]*\/>/g, '')
      .replace(' fullCalcOnLoad="1"', '');
    expect(wb).toBe(text(input, 'xl/workbook.xml'));
    // Relationships and content types: every old element is still there, unchanged.
    for (const part of ['xl/_rels/workbook.xml.rels', '[Content_Types].xml']) {
      const before = text(input, part);
      const after = text(out, part);
      for (const m of before.matchAll(/<(Relationship|Override|Default)\b[^>]*\/>/g)) expect(after).toContain(m[0]);
      expect(after.startsWith(before.slice(0, before.lastIndexOf('</')))).toBe(true);
    }
    // styles.xml: each section keeps its elements in front, with the same indices.
    const before = text(input, 'xl/styles.xml');
    const after = text(out, 'xl/styles.xml');
    for (const section of ['numFmts', 'fonts', 'fills', 'borders', 'cellStyleXfs', 'cellXfs', 'cellStyles', 'dxfs', 'colors']) {
      const re = new RegExp(`<${section}\\b[^>]*>([\\s\\S]*?)</${section}>`);
      const b = re.exec(before)?.[1];
      const a = re.exec(after)?.[1];
      if (b === undefined) continue;
      expect(a?.startsWith(b)).toBe(true);
    }
    const count = (s: string, section: string): number => Number(new RegExp(`<${section} count="(\\d+)"`).exec(s)?.[1]);
    const xfs = (s: string): number => (/<cellXfs\b[^>]*>([\s\S]*?)<\/cellXfs>/.exec(s)?.[1].match(/<xf\b/g) ?? []).length;
    expect(count(after, 'cellXfs')).toBe(xfs(after));
    expect(count(after, 'cellXfs')).toBeGreaterThan(count(before, 'cellXfs'));
    // app.xml's sheet list follows the workbook; core.xml's modified time is the run's.
    const app = text(out, 'docProps/app.xml');
    expect(app).toContain('<vt:i4>6</vt:i4>');
    expect(app).toContain(
      '<vt:vector size="8" baseType="lpstr"><vt:lpstr>项目</vt:lpstr><vt:lpstr>参数</vt:lpstr><vt:lpstr>内部</vt:lpstr>' +
        '<vt:lpstr>预算执行汇总</vt:lpstr><vt:lpstr>绩效自评文字</vt:lpstr><vt:lpstr>校验结果</vt:lpstr><vt:lpstr>项目!Print_Titles</vt:lpstr>',
    );
    expect(text(out, 'docProps/core.xml')).toContain('<dcterms:modified xsi:type="dcterms:W3CDTF">2025-03-01T08:00:00Z</dcterms:modified>');
  });

  it('writes the sheets at the end with an ownership record in a custom XML part', () => {
    const sheets = sheetElements(out);
    expect(sheets.map((s) => s.name)).toEqual(['项目', '参数', '内部', '预算执行汇总', '绩效自评文字', '校验结果']);
    expect(sheets.slice(3).map((s) => s.sheetId)).toEqual(['4', '5', '6']);
    expect(sheetPart(out, '预算执行汇总')).toBe('xl/worksheets/sheet4.xml');
    expect(readOwnership(out)).toEqual({
      sheets: [
        { role: 'summary', name: '预算执行汇总' },
        { role: 'narrative', name: '绩效自评文字' },
        { role: 'issues', name: '校验结果' },
      ],
    });
    const rels = text(out, 'xl/_rels/workbook.xml.rels');
    expect(rels).toMatch(/Type="http:\/\/schemas.openxmlformats.org\/officeDocument\/2006\/relationships\/customXml" Target="..\/customXml\/item1.xml"/);
    expect(text(out, 'customXml/itemProps1.xml')).toContain(`<ds:schemaRef ds:uri="${OWNERSHIP_NAMESPACE}"/>`);
    expect(text(out, 'customXml/_rels/item1.xml.rels')).toContain('Target="itemProps1.xml"');
    expect(text(out, '[Content_Types].xml')).toContain(
      '<Override PartName="/customXml/itemProps1.xml" ContentType="application/vnd.openxmlformats-officedocument.customXmlProperties+xml"/>',
    );
  });

  it('writes text as inline strings, formulas without cached values, and a print-ready layout', () => {
    const xml = text(out, 'xl/worksheets/sheet4.xml');
    expect(xml).toContain(`<c r="A${TRICKY_ROW}" s="`);
    expect(xml).toMatch(new RegExp(`<c r="A${TRICKY_ROW}" s="\\d+" t="inlineStr"><is><t xml:space="preserve">=1\\+1</t></is></c>`));
    expect(xml).toContain("<f>SUM('项目'!B2:B4)</f></c>");
    expect(xml).toContain('<f>IF(B4=0,"",C4/B4)</f></c>');
    expect(xml).not.toMatch(/<f>[^<]*<\/f><v>/);
    expect(xml).toContain('&#13;CR');
    expect(xml).toContain('_x005F_x000D_');
    expect(xml).toContain(`<hyperlink ref="A${LINK_ROW}" location="'项目'!A2" display="见项目清单第2行"/>`);
    expect(xml).toContain('<pane ySplit="3" topLeftCell="A4" activePane="bottomLeft" state="frozen"/>');
    expect(xml).toContain('<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>');
    expect(xml).toContain('<row r="1" ht="28" customHeight="1">');
    expect(xml).not.toContain('tabSelected');
    expect(text(out, 'xl/workbook.xml')).toMatch(/<calcPr [^>]*fullCalcOnLoad="1"/);
  });

  it('writes well-formed XML', () => {
    if (!XMLLINT) {
      console.warn('xmllint not found: well-formedness not checked');
      return;
    }
    const dir = fs.mkdtempSync(path.join(tmpRoot, 'lint-'));
    const written = Object.keys(out).filter((n) => !same(out[n], input[n]));
    expect(written.length).toBeGreaterThanOrEqual(12);
    for (const name of written) {
      const file = path.join(dir, name.replace(/[/[\]]/g, '_'));
      fs.writeFileSync(file, out[name]);
      execFileSync(XMLLINT, ['--noout', file], { stdio: 'pipe' });
    }
  });

  it('gives the same package when run again on its own output, apart from the time', () => {
    const first = roundTrip(out);
    const second = applyPlan(first, FULL, { now: LATER });
    expect(Object.keys(second)).toEqual(Object.keys(first));
    for (const name of Object.keys(first)) {
      if (name === 'docProps/core.xml') continue;
      if (!same(second[name], first[name])) throw new Error(`${name} differs on the second run`);
    }
    expect(text(second, 'docProps/core.xml')).toContain('2025-03-02T09:30:00Z');
    expect(sheetElements(second).map((s) => s.name)).toEqual(['项目', '参数', '内部', '预算执行汇总', '绩效自评文字', '校验结果']);
    expect(Object.keys(second).filter((n) => /customXml\/item\d+\.xml$/.test(n))).toEqual(['customXml/item1.xml']);
    // Zipping is deterministic too.
    const again = applyPlan(first, FULL, { now: LATER });
    expect(same(zipPackage(second), zipPackage(again))).toBe(true);
    expect(Object.keys(unzipSync(zipPackage(second)))[0]).toBe('[Content_Types].xml');
  });

  it('rewrites an owned sheet in place', () => {
    const first = roundTrip(out);
    const changed = applyPlan(first, plan([summary('预算执行汇总', '改过的标题'), narrative(), issues()]), { now: NOW });
    expect(sheetElements(changed)).toEqual(sheetElements(first));
    expect(text(changed, 'xl/workbook.xml')).toBe(text(first, 'xl/workbook.xml'));
    expect(text(changed, 'xl/worksheets/sheet4.xml')).toContain('改过的标题');
    for (const name of Object.keys(first)) {
      if (name === 'xl/worksheets/sheet4.xml') continue;
      if (!same(changed[name], first[name])) throw new Error(`${name} changed`);
    }
  });
});

describe('removing and guarding', () => {
  const first = roundTrip(applyPlan(load('preserve.xlsx'), FULL, { now: NOW }));

  it('removes an owned sheet and what referred to it, and leaves the user sheets', () => {
    // As if Excel had saved print titles for our sheets, and the active tab were the last one.
    const injected: Entries = { ...first };
    injected['xl/workbook.xml'] = strToU8(
      text(first, 'xl/workbook.xml')
        .replace(
          '</definedNames>',
          '<definedName name="_xlnm.Print_Titles" localSheetId="4">\'绩效自评文字\'!$1:$1</definedName>' +
            '<definedName name="_xlnm.Print_Titles" localSheetId="5">\'校验结果\'!$1:$1</definedName>' +
            '<definedName name="文字引用">绩效自评文字!$A$2</definedName></definedNames>',
        )
        .replace('activeTab="0"', 'activeTab="5"'),
    );
    const out = applyPlan(injected, plan([summary(), issues()], ['绩效自评文字']), { now: NOW });
    expect(sheetElements(out).map((s) => s.name)).toEqual(['项目', '参数', '内部', '预算执行汇总', '校验结果']);
    expect(out['xl/worksheets/sheet5.xml']).toBeUndefined();
    expect(text(out, '[Content_Types].xml')).not.toContain('/xl/worksheets/sheet5.xml');
    expect(text(out, 'xl/_rels/workbook.xml.rels')).not.toContain('worksheets/sheet5.xml');
    const wb = text(out, 'xl/workbook.xml');
    expect(wb).not.toContain('绩效自评文字');
    expect(wb).toContain('<definedName name="_xlnm.Print_Titles" localSheetId="4">\'校验结果\'!$1:$1</definedName>');
    expect(wb).toContain('localSheetId="0" name="_xlnm.Print_Titles"');
    expect(wb).toContain('activeTab="4"');
    expect(readOwnership(out)).toEqual({
      sheets: [
        { role: 'summary', name: '预算执行汇总' },
        { role: 'issues', name: '校验结果' },
      ],
    });
    expect(text(out, 'docProps/app.xml')).toContain('<vt:i4>5</vt:i4>');
    expect(text(out, 'docProps/app.xml')).not.toContain('绩效自评文字');
    for (const name of Object.keys(first)) {
      if (MAY_CHANGE.includes(name) || name.startsWith('customXml/') || /sheet[456]\.xml$/.test(name)) continue;
      if (!same(out[name], first[name])) throw new Error(`${name} changed`);
    }
    // A new sheet after a removal takes the first free part name and a fresh sheetId.
    const readded = applyPlan(roundTrip(out), plan([summary(), issues(), narrative()]), { now: NOW });
    const el = sheetElements(readded).find((s) => s.name === '绩效自评文字');
    expect(el?.sheetId).toBe('7');
    expect(sheetPart(readded, '绩效自评文字')).toBe('xl/worksheets/sheet5.xml');
  });

  it('throws rather than write or remove a sheet of the user', () => {
    expect(() => applyPlan(first, plan([{ ...summary(), name: '项目' }]))).toThrow(/user's/);
    expect(() => applyPlan(first, plan([summary()], ['参数']))).toThrow(/user's/);
    // Without the ownership record, our old sheet is just a sheet that bears the name.
    const orphan: Entries = { ...first };
    orphan['customXml/item1.xml'] = strToU8('<other xmlns="urn:someone-else"/>');
    expect(() => applyPlan(orphan, FULL)).toThrow(/user's/);
    expect(() => applyPlan(first, plan([summary(), { ...issues(), name: '预算执行汇总' }]))).toThrow(/twice/);
    expect(() => applyPlan(first, plan([{ ...summary(), name: 'a/b' }]))).toThrow(/sheet name/);
  });

  it('drops calcChain entries of the sheets it rewrites', () => {
    const withChain: Entries = { ...first };
    withChain['xl/calcChain.xml'] = strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
        '<c r="B4" i="4"/><c r="C4"/><c r="D2" i="1"/><c r="D3"/><c r="B4" i="6"/></calcChain>',
    );
    withChain['xl/_rels/workbook.xml.rels'] = strToU8(
      text(first, 'xl/_rels/workbook.xml.rels').replace(
        '</Relationships>',
        '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>',
      ),
    );
    const out = applyPlan(withChain, FULL, { now: NOW });
    expect(text(out, 'xl/calcChain.xml')).toContain('<c r="D2" i="1"/><c r="D3"/></calcChain>');
    expect(text(out, 'xl/calcChain.xml')).not.toContain('i="4"');
  });
});

/** A bare package as another program might write it: prefixed markup, no styles, no docProps. */
function minimalPackage(styles?: string): Entries {
  const main = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const r = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  const parts: Record<string, string> = {
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
      '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
      (styles ? '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' : '') +
      '</Types>',
    '_rels/.rels':
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      `<Relationship Id="rId1" Type="${r}/officeDocument" Target="/xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml': `<?xml version="1.0" encoding="UTF-8"?>\n<x:workbook xmlns:x="${main}" xmlns:rel="${r}">\n  <x:sheets>\n    <x:sheet name="Data" sheetId="1" rel:id="rId1"/>\n  </x:sheets>\n</x:workbook>\n`,
    'xl/_rels/workbook.xml.rels':
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      `<Relationship Id="rId1" Type="${r}/worksheet" Target="worksheets/sheet1.xml"/>` +
      (styles ? `<Relationship Id="rId2" Type="${r}/styles" Target="styles.xml"/>` : '') +
      '</Relationships>',
    'xl/worksheets/sheet1.xml': `<x:worksheet xmlns:x="${main}"><x:sheetData><x:row r="1"><x:c r="A1"><x:v>5</x:v></x:c></x:row></x:sheetData></x:worksheet>`,
  };
  if (styles) parts['xl/styles.xml'] = styles;
  return Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, strToU8(v)]));
}

const SMALL = plan([
  sheetPlanOf({
    role: 'summary',
    name: '预算执行汇总',
    columnWidths: [12, 12],
    merges: [],
    cells: [
      [t('标题', 'title'), t('=Data!A1', 'text')],
      [t('两倍', 'header'), { t: 'formula', formula: '=Data!A1*2', value: '10', style: 'money' }],
    ],
  }),
]);

describe('packages written by other programs', () => {
  it('adds a styles part when there is none, and follows the markup prefixes', () => {
    const out = applyPlan(minimalPackage(), SMALL, { now: NOW });
    const wb = text(out, 'xl/workbook.xml');
    // rId2 went to the new styles part.
    expect(wb).toContain('<x:sheet name="预算执行汇总" sheetId="2" rel:id="rId3"/>');
    expect(wb).toContain('<x:calcPr fullCalcOnLoad="1"/></x:workbook>');
    expect(text(out, 'xl/_rels/workbook.xml.rels')).toContain('Target="styles.xml"');
    expect(text(out, '[Content_Types].xml')).toContain('<Override PartName="/xl/styles.xml"');
    // The item needs a content type: there is no Default for xml here.
    expect(text(out, '[Content_Types].xml')).toContain('<Override PartName="/customXml/item1.xml" ContentType="application/xml"/>');
    const styles = text(out, 'xl/styles.xml');
    const order = ['fonts', 'fills', 'borders', 'cellStyleXfs', 'cellXfs'].map((s) => styles.indexOf(`<${s} `));
    expect(order.every((i, k) => i > 0 && (k === 0 || i > order[k - 1]))).toBe(true);
    expect(out['docProps/core.xml']).toBeUndefined();
    expect(same(out['xl/worksheets/sheet1.xml'], minimalPackage()['xl/worksheets/sheet1.xml'])).toBe(true);
  });

  it('creates missing style sections in schema order and keeps the existing indices', () => {
    const main = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
    const styles =
      `<?xml version="1.0" encoding="UTF-8"?><x:styleSheet xmlns:x="${main}">` +
      '<x:fonts count="1"><x:font><x:sz val="11"/><x:name val="Calibri"/></x:font></x:fonts>' +
      '<x:cellXfs count="2"><x:xf numFmtId="0" fontId="0"/><x:xf numFmtId="14" fontId="0" applyNumberFormat="1"/></x:cellXfs>' +
      '</x:styleSheet>';
    const out = applyPlan(minimalPackage(styles), SMALL, { now: NOW });
    const after = text(out, 'xl/styles.xml');
    expect(after).toMatch(/<x:fonts count="4"><x:font><x:sz val="11"\/><x:name val="Calibri"\/><\/x:font><x:font>/);
    expect(after).toContain('<x:fills count="3"><x:fill><x:patternFill patternType="none"/></x:fill><x:fill><x:patternFill patternType="gray125"/></x:fill>');
    expect(after).toMatch(/<\/x:borders><x:cellStyleXfs count="1">.*<\/x:cellStyleXfs><x:cellXfs count="6"><x:xf numFmtId="0" fontId="0"\/><x:xf numFmtId="14" fontId="0" applyNumberFormat="1"\/>/);
    const again = applyPlan(out, SMALL, { now: NOW });
    expect(text(again, 'xl/styles.xml')).toBe(after);
  });

  const lo = SOFFICE ? it : it.skip;
  lo('writes a bare package that LibreOffice computes', async () => {
    const converted = libreOfficeConvert(zipPackage(applyPlan(minimalPackage(), SMALL, { now: NOW })), 'bare.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(converted);
    const ws = wb.getWorksheet('预算执行汇总');
    expect((ws?.getCell('B2').value as { result?: unknown }).result).toBe(10);
    expect(cellText(ws?.getCell('B1').value)).toBe('=Data!A1');
  });
});

describe('in spreadsheet programs', () => {
  const xlsx = zipPackage(applyPlan(load('preserve.xlsx'), FULL, { now: NOW }));

  it('opens in exceljs with the text as written', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(xlsx) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => [w.name, w.state])).toEqual([
      ['项目', 'visible'],
      ['参数', 'hidden'],
      ['内部', 'veryHidden'],
      ['预算执行汇总', 'visible'],
      ['绩效自评文字', 'visible'],
      ['校验结果', 'visible'],
    ]);
    const ws = wb.getWorksheet('预算执行汇总');
    if (!ws) throw new Error('no summary');
    TRICKY.forEach((s, i) => {
      // exceljs does not decode OOXML's _xHHHH_ escapes in inline strings; LibreOffice (and
      // Excel) do: those two are checked through LibreOffice below.
      if (/_x[0-9A-F]{4}_/i.test(escapeXString(s))) return;
      expect(ws.getCell(`A${TRICKY_ROW + i}`).value).toBe(s);
    });
    expect(ws.getCell('B4').value).toEqual({ formula: "SUM('项目'!B2:B4)" });
    expect(ws.getCell('B5').value).toBe(120.5);
    expect(ws.getCell('A1').value).toBe('2024年度预算执行情况汇总表');
    expect(ws.getCell('B5').numFmt).toBe('#,##0.00');
    expect(ws.getCell('A3').font?.bold).toBe(true);
  });

  const lo = SOFFICE ? it : it.skip;
  if (!SOFFICE) console.warn('soffice not found: the LibreOffice checks are skipped');

  lo('opens in LibreOffice: text stays text, formulas are computed, the user features survive', async () => {
    const converted = libreOfficeConvert(xlsx, 'filled.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(converted);
    const ws = wb.getWorksheet('预算执行汇总');
    if (!ws) throw new Error('no summary');
    TRICKY.forEach((s, i) => expect(cellText(ws.getCell(`A${TRICKY_ROW + i}`).value)).toBe(s));
    const result = (addr: string): unknown => (ws.getCell(addr).value as { result?: unknown }).result;
    expect(result('B4')).toBe(500.5);
    expect(result('C4')).toBe(340.25);
    expect(result('D4')).toBeCloseTo(340.25 / 500.5, 10);
    expect(ws.getCell('A1').isMerged).toBe(true);
    expect(cellText(wb.getWorksheet('校验结果')?.getCell('B2').value)).toBe('项目!C3');
    // What LibreOffice read of the user's sheets is still there when it writes the file again.
    const back = unzipSync(new Uint8Array(fs.readFileSync(converted)));
    const names = Object.keys(back);
    expect(names.some((n) => /^xl\/charts\/chart\d+\.xml$/.test(n))).toBe(true);
    expect(names.some((n) => /^xl\/comments\d*\.xml$/.test(n))).toBe(true);
    expect(names.some((n) => /^xl\/media\/image\d+\.png$/.test(n))).toBe(true);
    const sheet1 = text(back, 'xl/worksheets/sheet1.xml');
    expect(sheet1).toContain('<dataValidation');
    expect(sheet1).toContain('<conditionalFormatting');
    expect(text(back, 'docProps/custom.xml')).toContain('部门');
    // LibreOffice keeps the ownership part (hung on the package instead of the workbook): a run
    // on the file it saved still knows its sheets and rewrites them in place.
    expect(readOwnership(back)?.sheets.map((s) => s.name)).toEqual(['预算执行汇总', '绩效自评文字', '校验结果']);
    const rerun = applyPlan(back, FULL, { now: LATER });
    expect(sheetElements(rerun).map((s) => s.name)).toEqual(sheetElements(back).map((s) => s.name));
    expect(readOwnership(rerun)).toEqual(readOwnership(back));
  });

  lo('opens the .xlsm in LibreOffice, formulas computed', async () => {
    const converted = libreOfficeConvert(zipPackage(applyPlan(load('preserve.xlsm'), FULL, { now: NOW })), 'filled.xlsm');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(converted);
    const ws = wb.getWorksheet('预算执行汇总');
    expect((ws?.getCell('B4').value as { result?: unknown }).result).toBe(500.5);
    expect(cellText(ws?.getCell(`A${TRICKY_ROW}`).value)).toBe('=1+1');
  });
});

describe('writeFileAtomic', () => {
  it('replaces a file whole and leaves no temporary file', async () => {
    const dir = fs.mkdtempSync(path.join(tmpRoot, 'atomic-'));
    const target = path.join(dir, 'out.xlsx');
    fs.writeFileSync(target, 'old');
    fs.chmodSync(target, 0o640);
    await writeFileAtomic(target, new Uint8Array([1, 2, 3]));
    expect([...fs.readFileSync(target)]).toEqual([1, 2, 3]);
    expect(fs.statSync(target).mode & 0o777).toBe(0o640);
    expect(fs.readdirSync(dir)).toEqual(['out.xlsx']);
  });

  it('fails without leaving anything behind', async () => {
    const dir = fs.mkdtempSync(path.join(tmpRoot, 'atomic-'));
    // The target is a directory: the rename fails after the temporary file was written.
    fs.mkdirSync(path.join(dir, 'out.xlsx'));
    fs.writeFileSync(path.join(dir, 'out.xlsx', 'keep'), 'x');
    await expect(writeFileAtomic(path.join(dir, 'out.xlsx'), new Uint8Array([1]))).rejects.toThrow();
    expect(fs.readdirSync(dir)).toEqual(['out.xlsx']);
    await expect(writeFileAtomic(path.join(dir, 'missing', 'out.xlsx'), new Uint8Array([1]))).rejects.toThrow();
  });
});
