/**
 * Builds the preservation fixtures test/fixtures/preserve/preserve.xlsx and preserve.xlsm.
 *
 * The workbook holds what a user's file may hold and the tool must never lose: a project-list-like
 * sheet (Chinese headers, three rows, formulas, a merged cell, custom and built-in number formats),
 * a chart and an image over it, a list data validation, conditional formatting, a cell comment,
 * defined names (a global one and the sheet's print titles), a hidden and a very hidden sheet, and
 * custom document properties. The .xlsm adds a VBA project.
 *
 * The parts are written by hand, then passed through LibreOffice so that a real program wrote the
 * file; whatever LibreOffice drops is added back at zip level afterwards (see `restore`).
 *
 * Run: `npx tsc -p tsconfig.build.json && node lib/scripts/make-preserve-fixture.js`
 * (needs /usr/bin/soffice). The outputs are committed; rerun only to change them.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';

const ROOT = path.resolve(__dirname, '..', '..');
const OUT_DIR = path.join(ROOT, 'test', 'fixtures', 'preserve');

const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const NS_PKG_R = 'http://schemas.openxmlformats.org/package/2006/relationships';
const DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

type Entries = Record<string, Uint8Array>;

/** A 4×4 dark red PNG, so that the drawing also holds a picture. */
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR42mM4wMAARwzEcQBEQwwB9faSbwAAAABJRU5ErkJggg==';

function contentTypes(): string {
  return (
    DECL +
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    '<Default Extension="png" ContentType="image/png"/>' +
    '<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>' +
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
    [1, 2, 3]
      .map(
        (n) =>
          `<Override PartName="/xl/worksheets/sheet${n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
      )
      .join('') +
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' +
    '<Override PartName="/xl/drawings/drawing1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/>' +
    '<Override PartName="/xl/charts/chart1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/>' +
    '<Override PartName="/xl/comments1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/>' +
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>' +
    '<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>' +
    '</Types>'
  );
}

function rels(list: [string, string, string][]): string {
  return (
    DECL +
    `<Relationships xmlns="${NS_PKG_R}">` +
    list.map(([id, type, target]) => `<Relationship Id="${id}" Type="${type}" Target="${target}"/>`).join('') +
    '</Relationships>'
  );
}

const T = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/';

/** The shared strings, in index order. */
const STRINGS = [
  '项目名称', // 0
  '全年预算数', // 1
  '全年执行数', // 2
  '执行率', // 3
  '资金类别', // 4
  '道路维修', // 5
  '学校建设', // 6
  '信息化系统', // 7
  '本级财政资金', // 8
  '专项转移支付', // 9
  '其他资金', // 10
  '合计', // 11
  '说明：金额单位为万元，执行率低于90%的项目标红。', // 12
  '阈值', // 13
  '内部数据', // 14
];

function sharedStrings(): string {
  return (
    DECL +
    `<sst xmlns="${NS_MAIN}" count="${STRINGS.length}" uniqueCount="${STRINGS.length}">` +
    STRINGS.map((s) => `<si><t>${s}</t></si>`).join('') +
    '</sst>'
  );
}

function styles(): string {
  return (
    DECL +
    `<styleSheet xmlns="${NS_MAIN}">` +
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0&quot;万元&quot;"/></numFmts>' +
    '<fonts count="2"><font><sz val="11"/><name val="宋体"/><family val="3"/><charset val="134"/></font>' +
    '<font><b/><sz val="11"/><name val="宋体"/><family val="3"/><charset val="134"/></font></fonts>' +
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
    '<cellXfs count="5">' +
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
    '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
    '<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment horizontal="center"/></xf>' +
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
    '</cellXfs>' +
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
    '<dxfs count="1"><dxf><font><color rgb="FFC00000"/></font><fill><patternFill><bgColor rgb="FFFFC7CE"/></patternFill></fill></dxf></dxfs>' +
    '</styleSheet>'
  );
}

function workbook(): string {
  return (
    DECL +
    `<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_R}">` +
    '<bookViews><workbookView activeTab="0"/></bookViews>' +
    '<sheets>' +
    '<sheet name="项目" sheetId="1" r:id="rId1"/>' +
    '<sheet name="参数" sheetId="2" state="hidden" r:id="rId2"/>' +
    '<sheet name="内部" sheetId="3" state="veryHidden" r:id="rId3"/>' +
    '</sheets>' +
    '<definedNames>' +
    '<definedName name="_xlnm.Print_Titles" localSheetId="0">\'项目\'!$1:$1</definedName>' +
    '<definedName name="预算合计">\'项目\'!$B$5</definedName>' +
    '</definedNames>' +
    '<calcPr calcId="191029"/>' +
    '</workbook>'
  );
}

const s = (ref: string, i: number, style = 0): string =>
  `<c r="${ref}" t="s"${style ? ` s="${style}"` : ''}><v>${i}</v></c>`;
const n = (ref: string, v: number, style = 0): string => `<c r="${ref}"${style ? ` s="${style}"` : ''}><v>${v}</v></c>`;
const f = (ref: string, formula: string, v: number, style = 0): string =>
  `<c r="${ref}"${style ? ` s="${style}"` : ''}><f>${formula}</f><v>${v}</v></c>`;

function projectSheet(): string {
  const rows = [
    [5, 120.5, 110.25, 8],
    [6, 300, 150, 9],
    [7, 80, 80, 10],
  ];
  const body = rows
    .map(([name, budget, executed, cat], i) => {
      const r = i + 2;
      return (
        `<row r="${r}">` +
        s(`A${r}`, name) +
        n(`B${r}`, budget, 1) +
        n(`C${r}`, executed, 1) +
        f(`D${r}`, `C${r}/B${r}`, executed / budget, 2) +
        s(`E${r}`, cat) +
        n(`F${r}`, budget, 4) +
        '</row>'
      );
    })
    .join('');
  return (
    DECL +
    `<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_R}">` +
    '<dimension ref="A1:F7"/>' +
    '<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>' +
    '<sheetFormatPr defaultRowHeight="13.5"/>' +
    '<cols><col min="1" max="1" width="16" customWidth="1"/><col min="2" max="5" width="13" customWidth="1"/></cols>' +
    '<sheetData>' +
    '<row r="1">' +
    [0, 1, 2, 3, 4].map((i) => s(`${'ABCDE'[i]}1`, i, 3)).join('') +
    '</row>' +
    body +
    '<row r="5">' +
    s('A5', 11, 3) +
    f('B5', 'SUM(B2:B4)', 500.5, 1) +
    f('C5', 'SUM(C2:C4)', 340.25, 1) +
    f('D5', 'C5/B5', 340.25 / 500.5, 2) +
    '</row>' +
    '<row r="7">' +
    s('A7', 12) +
    '</row>' +
    '</sheetData>' +
    '<mergeCells count="1"><mergeCell ref="A7:E7"/></mergeCells>' +
    '<conditionalFormatting sqref="D2:D4"><cfRule type="cellIs" dxfId="0" priority="1" operator="lessThan"><formula>0.9</formula></cfRule></conditionalFormatting>' +
    '<dataValidations count="1"><dataValidation type="list" allowBlank="1" showErrorMessage="1" sqref="E2:E4">' +
    '<formula1>"本级财政资金,专项转移支付,其他资金"</formula1></dataValidation></dataValidations>' +
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>' +
    '<drawing r:id="rId1"/>' +
    '<legacyDrawing r:id="rId3"/>' +
    '</worksheet>'
  );
}

function simpleSheet(label: number, value: number): string {
  return (
    DECL +
    `<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_R}">` +
    '<dimension ref="A1:B1"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>' +
    '<sheetFormatPr defaultRowHeight="13.5"/>' +
    `<sheetData><row r="1">${s('A1', label)}${n('B1', value)}</row></sheetData>` +
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>' +
    '</worksheet>'
  );
}

const NS_XDR = 'http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing';
const NS_A = 'http://schemas.openxmlformats.org/drawingml/2006/main';
const NS_C = 'http://schemas.openxmlformats.org/drawingml/2006/chart';

function anchor(fromCol: number, fromRow: number, toCol: number, toRow: number, inner: string): string {
  const m = (tag: string, c: number, r: number): string =>
    `<xdr:${tag}><xdr:col>${c}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${r}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:${tag}>`;
  return `<xdr:twoCellAnchor>${m('from', fromCol, fromRow)}${m('to', toCol, toRow)}${inner}<xdr:clientData/></xdr:twoCellAnchor>`;
}

function drawing(): string {
  const chart =
    '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="执行数图表"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>' +
    '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>' +
    `<a:graphic><a:graphicData uri="${NS_C}"><c:chart xmlns:c="${NS_C}" r:id="rId1"/></a:graphicData></a:graphic></xdr:graphicFrame>`;
  const pic =
    '<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="3" name="图片 1"/><xdr:cNvPicPr><a:picLocks noChangeAspect="1"/></xdr:cNvPicPr></xdr:nvPicPr>' +
    '<xdr:blipFill><a:blip r:embed="rId2"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>' +
    '<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="609600" cy="609600"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic>';
  return (
    DECL +
    `<xdr:wsDr xmlns:xdr="${NS_XDR}" xmlns:a="${NS_A}" xmlns:r="${NS_R}">` +
    anchor(7, 1, 14, 17, chart) +
    anchor(7, 18, 9, 21, pic) +
    '</xdr:wsDr>'
  );
}

function chart(): string {
  return (
    DECL +
    `<c:chartSpace xmlns:c="${NS_C}" xmlns:a="${NS_A}" xmlns:r="${NS_R}">` +
    '<c:chart><c:title><c:tx><c:rich><a:bodyPr/><a:p><a:r><a:t>全年执行数</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/></c:title>' +
    '<c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>' +
    '<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>' +
    '<c:ser><c:idx val="0"/><c:order val="0"/><c:tx><c:strRef><c:f>\'项目\'!$C$1</c:f></c:strRef></c:tx>' +
    '<c:cat><c:strRef><c:f>\'项目\'!$A$2:$A$4</c:f></c:strRef></c:cat>' +
    '<c:val><c:numRef><c:f>\'项目\'!$C$2:$C$4</c:f></c:numRef></c:val></c:ser>' +
    '<c:axId val="100"/><c:axId val="200"/></c:barChart>' +
    '<c:catAx><c:axId val="100"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="b"/><c:crossAx val="200"/></c:catAx>' +
    '<c:valAx><c:axId val="200"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="l"/><c:crossAx val="100"/></c:valAx>' +
    '</c:plotArea><c:plotVisOnly val="1"/></c:chart></c:chartSpace>'
  );
}

function comments(): string {
  return (
    DECL +
    `<comments xmlns="${NS_MAIN}"><authors><author>审核人</author></authors>` +
    '<commentList><comment ref="A2" authorId="0"><text><r><t xml:space="preserve">审核人: 需补充绩效目标说明</t></r></text></comment></commentList></comments>'
  );
}

function vml(): string {
  return (
    '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">' +
    '<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout>' +
    '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>' +
    '<v:shape id="_x0000_s1025" type="#_x0000_t202" style="position:absolute;margin-left:80pt;margin-top:15pt;width:120pt;height:60pt;z-index:1;visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">' +
    '<v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/><v:textbox/>' +
    '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>1, 15, 0, 2, 3, 15, 4, 4</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>1</x:Row><x:Column>0</x:Column></x:ClientData>' +
    '</v:shape></xml>'
  );
}

function core(): string {
  return (
    DECL +
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    '<dc:title>项目清单（保留测试）</dc:title><dc:creator>示例单位</dc:creator>' +
    '<dcterms:created xsi:type="dcterms:W3CDTF">2024-01-15T08:00:00Z</dcterms:created>' +
    '<dcterms:modified xsi:type="dcterms:W3CDTF">2024-01-15T08:00:00Z</dcterms:modified>' +
    '</cp:coreProperties>'
  );
}

/** What Excel writes: the sheet and named-range lists are what the writer has to keep up to date. */
const APP_HEADINGS =
  '<HeadingPairs><vt:vector size="4" baseType="variant">' +
  '<vt:variant><vt:lpstr>工作表</vt:lpstr></vt:variant><vt:variant><vt:i4>3</vt:i4></vt:variant>' +
  '<vt:variant><vt:lpstr>命名范围</vt:lpstr></vt:variant><vt:variant><vt:i4>2</vt:i4></vt:variant>' +
  '</vt:vector></HeadingPairs>' +
  '<TitlesOfParts><vt:vector size="5" baseType="lpstr">' +
  '<vt:lpstr>项目</vt:lpstr><vt:lpstr>参数</vt:lpstr><vt:lpstr>内部</vt:lpstr>' +
  '<vt:lpstr>项目!Print_Titles</vt:lpstr><vt:lpstr>预算合计</vt:lpstr>' +
  '</vt:vector></TitlesOfParts>';

function app(): string {
  return (
    DECL +
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">' +
    '<Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>' +
    APP_HEADINGS +
    '<Company>示例单位</Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>' +
    '<HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0300</AppVersion></Properties>'
  );
}

function custom(): string {
  const fmtid = '{D5CDD505-2E9C-101B-9397-08002B2CF9AE}';
  return (
    DECL +
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">' +
    `<property fmtid="${fmtid}" pid="2" name="部门"><vt:lpwstr>示例单位</vt:lpwstr></property>` +
    `<property fmtid="${fmtid}" pid="3" name="年度"><vt:i4>2024</vt:i4></property>` +
    '</Properties>'
  );
}

/** The hand-written package, before LibreOffice. */
function buildSource(): Entries {
  const png = new Uint8Array(Buffer.from(PNG_BASE64, 'base64'));
  const parts: Record<string, string | Uint8Array> = {
    '[Content_Types].xml': contentTypes(),
    '_rels/.rels': rels([
      ['rId1', `${T}officeDocument`, 'xl/workbook.xml'],
      ['rId2', 'http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties', 'docProps/core.xml'],
      ['rId3', `${T}extended-properties`, 'docProps/app.xml'],
      ['rId4', `${T}custom-properties`, 'docProps/custom.xml'],
    ]),
    'docProps/core.xml': core(),
    'docProps/app.xml': app(),
    'docProps/custom.xml': custom(),
    'xl/workbook.xml': workbook(),
    'xl/_rels/workbook.xml.rels': rels([
      ['rId1', `${T}worksheet`, 'worksheets/sheet1.xml'],
      ['rId2', `${T}worksheet`, 'worksheets/sheet2.xml'],
      ['rId3', `${T}worksheet`, 'worksheets/sheet3.xml'],
      ['rId4', `${T}styles`, 'styles.xml'],
      ['rId5', `${T}sharedStrings`, 'sharedStrings.xml'],
    ]),
    'xl/styles.xml': styles(),
    'xl/sharedStrings.xml': sharedStrings(),
    'xl/worksheets/sheet1.xml': projectSheet(),
    'xl/worksheets/_rels/sheet1.xml.rels': rels([
      ['rId1', `${T}drawing`, '../drawings/drawing1.xml'],
      ['rId2', `${T}comments`, '../comments1.xml'],
      ['rId3', `${T}vmlDrawing`, '../drawings/vmlDrawing1.vml'],
    ]),
    'xl/worksheets/sheet2.xml': simpleSheet(13, 90),
    'xl/worksheets/sheet3.xml': simpleSheet(14, 42),
    'xl/drawings/drawing1.xml': drawing(),
    'xl/drawings/_rels/drawing1.xml.rels': rels([
      ['rId1', `${T}chart`, '../charts/chart1.xml'],
      ['rId2', `${T}image`, '../media/image1.png'],
    ]),
    'xl/charts/chart1.xml': chart(),
    'xl/media/image1.png': png,
    'xl/comments1.xml': comments(),
    'xl/drawings/vmlDrawing1.vml': vml(),
  };
  const out: Entries = {};
  for (const [k, v] of Object.entries(parts)) out[k] = typeof v === 'string' ? strToU8(v) : v;
  return out;
}

function text(entries: Entries, name: string): string {
  const data = entries[name];
  if (!data) throw new Error(`missing part ${name}`);
  return strFromU8(data);
}

function setText(entries: Entries, name: string, value: string): void {
  entries[name] = strToU8(value);
}

/** Converts a workbook with LibreOffice (a private profile, so that other runs do not clash). */
function convertWithLibreOffice(input: Uint8Array): Entries {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jixiao-preserve-'));
  try {
    const inDir = path.join(tmp, 'in');
    const outDir = path.join(tmp, 'out');
    fs.mkdirSync(inDir);
    fs.mkdirSync(outDir);
    const inFile = path.join(inDir, 'preserve.xlsx');
    fs.writeFileSync(inFile, input);
    execFileSync(
      'soffice',
      [
        `-env:UserInstallation=file://${path.join(tmp, 'profile')}`,
        '--headless',
        '--norestore',
        '--convert-to',
        'xlsx',
        '--outdir',
        outDir,
        inFile,
      ],
      { stdio: 'pipe', timeout: 180_000 },
    );
    return unzipSync(new Uint8Array(fs.readFileSync(path.join(outDir, 'preserve.xlsx'))));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Workbook-level relationship targets of a given type, resolved to part names. */
function workbookTargets(entries: Entries, type: string): string[] {
  const relsXml = text(entries, 'xl/_rels/workbook.xml.rels');
  const out: string[] = [];
  for (const m of relsXml.matchAll(/<Relationship\b[^>]*>/g)) {
    const t = /Type="([^"]*)"/.exec(m[0])?.[1] ?? '';
    const target = /Target="([^"]*)"/.exec(m[0])?.[1] ?? '';
    if (t.endsWith(`/${type}`)) out.push(target.startsWith('/') ? target.slice(1) : `xl/${target}`);
  }
  return out;
}

/**
 * Puts back what LibreOffice 7.4 drops or changes; each was found by unzipping its output:
 * - very hidden sheets: LibreOffice has no "very hidden" state and writes `state="hidden"`;
 *   the `内部` sheet's state is set back to `veryHidden` in workbook.xml.
 * - the comment's author: LibreOffice writes the author as a blank (" "); it is put back.
 * - custom properties: kept, but the integer 年度 comes back as `vt:r8`; it is put back as `vt:i4`.
 * - docProps/app.xml: LibreOffice writes no HeadingPairs/TitlesOfParts (the sheet list Excel
 *   keeps there); Excel's lists are added back so that the writer's update of them is exercised.
 * Charts (rewritten by LibreOffice, still over 项目), the image, the comment text, the data
 * validation, the conditional format, the defined names, the merge, the formulas and the custom
 * number format come through; `check` verifies each so that a LibreOffice that drops one fails
 * here rather than silently.
 */
function restore(entries: Entries): string[] {
  const restored: string[] = [];
  const wb = text(entries, 'xl/workbook.xml');
  const internal = /<sheet\b[^>]*\bname="内部"[^>]*\/>/.exec(wb);
  if (!internal) throw new Error('LibreOffice dropped the sheet 内部');
  if (!/\bstate="veryHidden"/.test(internal[0])) {
    let el = internal[0].replace(/\sstate="[^"]*"/, '');
    el = el.replace(/\s*\/>$/, ' state="veryHidden"/>');
    setText(entries, 'xl/workbook.xml', wb.replace(internal[0], el));
    restored.push('the veryHidden state of 内部');
  }
  const commentsPart = Object.keys(entries).find((n) => /^xl\/comments\d*\.xml$/.test(n));
  if (commentsPart) {
    const xml = text(entries, commentsPart);
    if (!xml.includes('<author>审核人</author>')) {
      setText(entries, commentsPart, xml.replace(/<author>[^<]*<\/author>/, '<author>审核人</author>'));
      restored.push('the comment author');
    }
  }
  const customXml = text(entries, 'docProps/custom.xml');
  const year = /(name="年度"><vt:)r8>2024<\/vt:r8>/;
  if (year.test(customXml)) {
    setText(entries, 'docProps/custom.xml', customXml.replace(year, '$1i4>2024</vt:i4>'));
    restored.push('the vt:i4 type of the custom property 年度');
  }
  const appXml = text(entries, 'docProps/app.xml');
  if (!appXml.includes('<HeadingPairs>')) {
    setText(entries, 'docProps/app.xml', appXml.replace('</Properties>', `${APP_HEADINGS}</Properties>`));
    restored.push("app.xml's HeadingPairs/TitlesOfParts");
  }
  return restored;
}

/** Fails when a feature is missing from the final package. */
function check(entries: Entries): void {
  const names = Object.keys(entries);
  const has = (re: RegExp): boolean => names.some((n) => re.test(n));
  const wb = text(entries, 'xl/workbook.xml');
  const problems: string[] = [];
  if (!/name="参数"[^>]*state="hidden"|state="hidden"[^>]*name="参数"/.test(wb)) problems.push('hidden sheet');
  if (!/name="内部"[^>]*state="veryHidden"|state="veryHidden"[^>]*name="内部"/.test(wb)) problems.push('very hidden sheet');
  if (!/预算合计/.test(wb)) problems.push('defined name');
  if (!has(/^xl\/charts\/chart\d+\.xml$/)) problems.push('chart');
  if (!has(/^xl\/drawings\/drawing\d+\.xml$/)) problems.push('drawing');
  if (!has(/^xl\/media\/image\d+\.png$/)) problems.push('image');
  if (!has(/^xl\/comments\d*\.xml$/)) problems.push('comments');
  if (!has(/^docProps\/custom\.xml$/) || !/部门/.test(text(entries, 'docProps/custom.xml'))) problems.push('custom properties');
  const sheetPart = workbookTargets(entries, 'worksheet')[0];
  const sheet = text(entries, sheetPart);
  if (!/<dataValidation\b/.test(sheet)) problems.push('data validation');
  if (!/<conditionalFormatting\b/.test(sheet)) problems.push('conditional formatting');
  if (!/<mergeCell ref="A7:E7"/.test(sheet)) problems.push('merge');
  if (!/<f\b[^>]*>SUM\(B2:B4\)<\/f>/.test(sheet)) problems.push('formula');
  if (!/万元/.test(text(entries, 'xl/styles.xml'))) problems.push('custom number format');
  if (!/<author>审核人<\/author>/.test(text(entries, names.find((x) => /^xl\/comments\d*\.xml$/.test(x)) ?? '')))
    problems.push('comment author');
  if (!/<TitlesOfParts>/.test(text(entries, 'docProps/app.xml'))) problems.push('app.xml sheet list');
  if (problems.length) throw new Error(`fixture lacks: ${problems.join(', ')}`);
}

/**
 * A stand-in VBA project: the signature of a compound file followed by a fixed pattern. It is
 * not a real VBA project (a real one cannot be produced here); the tests only need a binary part
 * that must come through byte-identical, with its relationship and content types.
 */
function standInVbaProject(): Uint8Array {
  const bytes = new Uint8Array(1536);
  bytes.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  for (let i = 8; i < bytes.length; i++) bytes[i] = (i * 31 + 7) & 0xff;
  return bytes;
}

function toXlsm(xlsx: Entries): Entries {
  const out: Entries = { ...xlsx };
  let ct = text(out, '[Content_Types].xml');
  ct = ct.replace(
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
    'application/vnd.ms-excel.sheet.macroEnabled.main+xml',
  );
  if (!ct.includes('application/vnd.ms-excel.sheet.macroEnabled.main+xml')) throw new Error('no workbook content type');
  ct = ct.replace('</Types>', '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>');
  setText(out, '[Content_Types].xml', ct);
  const relsXml = text(out, 'xl/_rels/workbook.xml.rels');
  const used = new Set([...relsXml.matchAll(/Id="rId(\d+)"/g)].map((m) => Number(m[1])));
  let id = 1;
  while (used.has(id)) id++;
  setText(
    out,
    'xl/_rels/workbook.xml.rels',
    relsXml.replace(
      '</Relationships>',
      `<Relationship Id="rId${id}" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>`,
    ),
  );
  out['xl/vbaProject.bin'] = standInVbaProject();
  return out;
}

/** Zips with [Content_Types].xml first and a fixed time, so reruns give the same bytes. */
function zip(entries: Entries): Uint8Array {
  const mtime = new Date(1980, 0, 1, 0, 0, 0);
  const ordered: Record<string, [Uint8Array, { mtime: Date }]> = {};
  const names = Object.keys(entries);
  for (const name of ['[Content_Types].xml', ...names.filter((x) => x !== '[Content_Types].xml')]) {
    ordered[name] = [entries[name], { mtime }];
  }
  return zipSync(ordered);
}

function main(): void {
  const source = buildSource();
  const converted = convertWithLibreOffice(zip(source));
  // Set PRESERVE_FIXTURE_DEBUG to a folder to keep what went into and came out of LibreOffice.
  const debugDir = process.env.PRESERVE_FIXTURE_DEBUG;
  if (debugDir) {
    fs.mkdirSync(debugDir, { recursive: true });
    fs.writeFileSync(path.join(debugDir, 'source.xlsx'), zip(source));
    fs.writeFileSync(path.join(debugDir, 'libreoffice.xlsx'), zip(converted));
  }
  const restored = restore(converted);
  check(converted);
  fs.mkdirSync(OUT_DIR, { recursive: true });
  fs.writeFileSync(path.join(OUT_DIR, 'preserve.xlsx'), zip(converted));
  const xlsm = toXlsm(converted);
  check(xlsm);
  fs.writeFileSync(path.join(OUT_DIR, 'preserve.xlsm'), zip(xlsm));
  process.stdout.write(
    `wrote ${path.relative(ROOT, OUT_DIR)}/preserve.xlsx and preserve.xlsm` +
      (restored.length ? `; restored after LibreOffice: ${restored.join('; ')}` : '') +
      '\n',
  );
}

main();
