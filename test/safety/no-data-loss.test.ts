/**
 * No data loss (issue 5): `jixiao fill --force` over every fixture workbook and a few generated
 * ones. For each: the input's bytes are unchanged; every part but the six the writer edits is
 * byte-identical and those six keep all the user had; every source sheet reads back the same cell
 * by cell (value, formula, number format, merge, visibility); a second fill of the output changes
 * nothing but docProps/core.xml. Charts, pivot tables, images, data validation, conditional
 * formats, comments, defined names, hidden and very hidden sheets, custom document properties and
 * the VBA project of an .xlsm are each present in at least one input, and survive.
 */
import ExcelJS from 'exceljs';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { strFromU8, strToU8, zipSync } from 'fflate';
import {
  type Entries,
  changedUserParts,
  fill,
  lostUserContent,
  readParts,
  secondFillDifferences,
  sourceSheetDifferences,
} from '../helpers/package-compare';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures');

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jixiao-no-loss-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------
// What a package holds that the tool must never lose.

const FEATURES = [
  'chart',
  'pivot table',
  'image',
  'data validation',
  'conditional format',
  'comment',
  'defined name',
  'hidden sheet',
  'very hidden sheet',
  'custom document properties',
  'VBA project',
] as const;
type Feature = (typeof FEATURES)[number];

function inventory(parts: Entries): Set<Feature> {
  const names = Object.keys(parts);
  const xml = (re: RegExp): string => names.filter((n) => re.test(n)).map((n) => strFromU8(parts[n])).join('\n');
  const sheets = xml(/^xl\/worksheets\/sheet\d+\.xml$/);
  const workbook = xml(/^xl\/workbook\.xml$/);
  const found = new Set<Feature>();
  if (names.some((n) => /^xl\/charts\/chart\d+\.xml$/.test(n))) found.add('chart');
  if (names.some((n) => /^xl\/pivotTables\/pivotTable\d+\.xml$/.test(n)) && /<(\w+:)?pivotCache\b/.test(workbook)) found.add('pivot table');
  if (names.some((n) => /^xl\/media\/image\d+\.(png|jpe?g|gif)$/.test(n))) found.add('image');
  if (/<(\w+:)?dataValidation\b/.test(sheets)) found.add('data validation');
  if (/<(\w+:)?conditionalFormatting\b/.test(sheets)) found.add('conditional format');
  if (names.some((n) => /^xl\/comments\d*\.xml$/.test(n))) found.add('comment');
  if (/<(\w+:)?definedName\b/.test(workbook)) found.add('defined name');
  if (/<(\w+:)?sheet\b[^>]*state="hidden"/.test(workbook)) found.add('hidden sheet');
  if (/<(\w+:)?sheet\b[^>]*state="veryHidden"/.test(workbook)) found.add('very hidden sheet');
  if (names.includes('docProps/custom.xml')) found.add('custom document properties');
  if (names.includes('xl/vbaProject.bin')) found.add('VBA project');
  return found;
}

// ---------------------------------------------------------------------------------------------
// Generated workbooks: written by exceljs (a third writer besides LibreOffice and the hand-built
// preservation fixtures), with what exceljs cannot write added at zip level.

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR42mM4wMAARwzEcQBEQwwB9faSbwAAAABJRU5ErkJggg==', 'base64');
const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/';
const DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

const HEADER = ['序号', '项目名称', '资金文号', '资金类别', '资金级次', '全年预算数', '全年执行数', '执行率', '偏差原因及改进措施', '责任科室'];

function projectSheet(wb: ExcelJS.Workbook, name: string, projects: [string, number | string, number][]): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name);
  ws.addRow(['某局2024年度项目支出明细表']);
  ws.mergeCells('A1:J1');
  ws.addRow(['单位：万元']);
  ws.addRow(HEADER);
  projects.forEach(([project, budget, executed], i) => {
    const r = i + 4;
    const row = ws.addRow([i + 1, project, `唐财建〔2024〕${i + 1}号`, '本级财政资金', '本级', budget, executed, null, executed < 80 ? '项目跨年度实施' : '', '办公室']);
    if (typeof budget === 'number') {
      row.getCell(8).value = { formula: `G${r}/F${r}`, result: executed / budget };
    }
    row.getCell(6).numFmt = '#,##0.00';
    row.getCell(7).numFmt = '#,##0.00';
    row.getCell(8).numFmt = '0.00%';
  });
  return ws;
}

/** exceljs: rich text, a hyperlink, a date, a note, validation, conditional format, an image, names, hidden sheets. */
async function featureWorkbook(): Promise<Entries> {
  const wb = new ExcelJS.Workbook();
  const intro = wb.addWorksheet('填表说明');
  intro.getCell('A1').value = '请按项目逐行填写；金额单位为万元。';
  intro.getCell('A2').value = { text: '财政部绩效管理办法', hyperlink: 'https://www.mof.gov.cn/' };
  intro.getCell('A3').value = new Date(Date.UTC(2025, 0, 15));
  intro.getCell('A3').numFmt = 'yyyy"年"m"月"d"日"';
  const ws = projectSheet(wb, '项目明细', [
    ['道路维修', 120.5, 110.25],
    ['学校建设', 300, 150],
    ['信息化系统', 80, 80],
    ['河道治理', 45.6, 44.1],
  ]);
  ws.getCell('B4').value = { richText: [{ text: '道路', font: { bold: true } }, { text: '维修' }] };
  ws.getCell('B5').note = '审核人：需补充绩效目标说明';
  ws.getCell('D4').dataValidation = { type: 'list', allowBlank: true, formulae: ['"本级财政资金,专项转移支付,其他资金"'] };
  ws.addConditionalFormatting({
    ref: 'H4:H7',
    rules: [{ type: 'cellIs', operator: 'lessThan', formulae: [0.9], priority: 1, style: { font: { color: { argb: 'FFC00000' } } } }],
  });
  ws.getCell('F8').value = { formula: 'SUM(F4:F7)', result: 546.1 };
  ws.getCell('A8').value = '合计';
  ws.getCell('G8').value = { formula: 'SUM(G4:G7)', result: 384.35 };
  ws.getCell('F8').numFmt = '0.0"万元"';
  const image = wb.addImage({ buffer: PNG as unknown as ExcelJS.Buffer, extension: 'png' });
  ws.addImage(image, 'L2:M4');
  wb.definedNames.add("'项目明细'!$F$4:$F$7", '全年预算');
  const hidden = wb.addWorksheet('参数', { state: 'hidden' });
  hidden.getCell('A1').value = '阈值';
  hidden.getCell('B1').value = 90;
  const veryHidden = wb.addWorksheet('内部', { state: 'veryHidden' });
  veryHidden.getCell('A1').value = 42;
  wb.addWorksheet('透视表').getCell('A1').value = '按资金类别';
  const entries = readParts(new Uint8Array(await wb.xlsx.writeBuffer()));
  return addPivotAndCustomProperties(entries, '透视表');
}

/** Adds a pivot table (cache definition, records, table) on a sheet, and custom document properties. */
function addPivotAndCustomProperties(entries: Entries, pivotSheet: string): Entries {
  const out: Entries = { ...entries };
  const get = (n: string): string => strFromU8(out[n]);
  const set = (n: string, s: string): void => {
    out[n] = strToU8(s);
  };
  const wbXml = get('xl/workbook.xml');
  const rid = new RegExp(`<sheet [^>]*name="${pivotSheet}"[^>]*r:id="(rId\\d+)"`).exec(wbXml)?.[1];
  const relsXml = get('xl/_rels/workbook.xml.rels');
  const target = rid && new RegExp(`Id="${rid}"[^>]*Target="([^"]+)"`).exec(relsXml)?.[1];
  if (!target) throw new Error('pivot sheet not found');
  const sheetPart = `xl/${target.replace(/^\/?(xl\/)?/, '')}`;
  const sheetRels = sheetPart.replace(/([^/]+)$/, '_rels/$1.rels');

  set(
    'xl/pivotCache/pivotCacheDefinition1.xml',
    DECL +
      `<pivotCacheDefinition xmlns="${NS_MAIN}" xmlns:r="${NS_R}" r:id="rId1" refreshOnLoad="1" recordCount="2">` +
      '<cacheSource type="worksheet"><worksheetSource ref="D3:F7" sheet="项目明细"/></cacheSource>' +
      '<cacheFields count="2"><cacheField name="资金类别" numFmtId="0"><sharedItems count="1"><s v="本级财政资金"/></sharedItems></cacheField>' +
      '<cacheField name="全年预算数" numFmtId="0"><sharedItems containsSemiMixedTypes="0" containsString="0" containsNumber="1" minValue="45.6" maxValue="300"/></cacheField></cacheFields>' +
      '</pivotCacheDefinition>',
  );
  set('xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels', DECL + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}pivotCacheRecords" Target="pivotCacheRecords1.xml"/></Relationships>`);
  set(
    'xl/pivotCache/pivotCacheRecords1.xml',
    DECL + `<pivotCacheRecords xmlns="${NS_MAIN}" xmlns:r="${NS_R}" count="2"><r><x v="0"/><n v="120.5"/></r><r><x v="0"/><n v="300"/></r></pivotCacheRecords>`,
  );
  set(
    'xl/pivotTables/pivotTable1.xml',
    DECL +
      `<pivotTableDefinition xmlns="${NS_MAIN}" name="数据透视表1" cacheId="1" dataCaption="值" applyNumberFormats="0" applyBorderFormats="0" applyFontFormats="0" applyPatternFormats="0" applyAlignmentFormats="0" applyWidthHeightFormats="1" createdVersion="6" updatedVersion="6" minRefreshableVersion="3" outline="1" outlineData="1">` +
      '<location ref="A3:B5" firstHeaderRow="1" firstDataRow="1" firstDataCol="1"/>' +
      '<pivotFields count="2"><pivotField axis="axisRow" showAll="0"><items count="2"><item x="0"/><item t="default"/></items></pivotField><pivotField dataField="1" showAll="0"/></pivotFields>' +
      '<rowFields count="1"><field x="0"/></rowFields><rowItems count="2"><i><x/></i><i t="grand"><x/></i></rowItems>' +
      '<colItems count="1"><i/></colItems><dataFields count="1"><dataField name="求和项:全年预算数" fld="1" baseField="0" baseItem="0"/></dataFields>' +
      '</pivotTableDefinition>',
  );
  set('xl/pivotTables/_rels/pivotTable1.xml.rels', DECL + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}pivotCacheDefinition" Target="../pivotCache/pivotCacheDefinition1.xml"/></Relationships>`);
  const pivotRel = `<Relationship Id="rIdPivot1" Type="${REL}pivotTable" Target="../pivotTables/pivotTable1.xml"/>`;
  if (out[sheetRels]) set(sheetRels, get(sheetRels).replace('</Relationships>', `${pivotRel}</Relationships>`));
  else set(sheetRels, DECL + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${pivotRel}</Relationships>`);

  set('xl/_rels/workbook.xml.rels', relsXml.replace('</Relationships>', `<Relationship Id="rIdCache1" Type="${REL}pivotCacheDefinition" Target="pivotCache/pivotCacheDefinition1.xml"/></Relationships>`));
  const caches = '<pivotCaches><pivotCache cacheId="1" r:id="rIdCache1"/></pivotCaches>';
  // Schema order: … definedNames, calcPr, oleSize, customWorkbookViews, pivotCaches, … extLst.
  set('xl/workbook.xml', /<extLst\b/.test(wbXml) ? wbXml.replace('<extLst', `${caches}<extLst`) : wbXml.replace('</workbook>', `${caches}</workbook>`));

  const fmtid = '{D5CDD505-2E9C-101B-9397-08002B2CF9AE}';
  set(
    'docProps/custom.xml',
    DECL +
      '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">' +
      `<property fmtid="${fmtid}" pid="2" name="部门"><vt:lpwstr>示例单位</vt:lpwstr></property><property fmtid="${fmtid}" pid="3" name="审核"><vt:bool>true</vt:bool></property></Properties>`,
  );
  set('_rels/.rels', get('_rels/.rels').replace('</Relationships>', `<Relationship Id="rIdCustom" Type="${REL}custom-properties" Target="docProps/custom.xml"/></Relationships>`));

  const ct = get('[Content_Types].xml');
  const override = (part: string, type: string): string => `<Override PartName="/${part}" ContentType="application/vnd.openxmlformats-officedocument.${type}"/>`;
  set(
    '[Content_Types].xml',
    ct.replace(
      '</Types>',
      override('xl/pivotCache/pivotCacheDefinition1.xml', 'spreadsheetml.pivotCacheDefinition+xml') +
        override('xl/pivotCache/pivotCacheRecords1.xml', 'spreadsheetml.pivotCacheRecords+xml') +
        override('xl/pivotTables/pivotTable1.xml', 'spreadsheetml.pivotTable+xml') +
        override('docProps/custom.xml', 'custom-properties+xml') +
        '</Types>',
    ),
  );
  return out;
}

/**
 * A user's sheet already named 预算执行汇总 (the tool writes under another name), a table sheet
 * whose name needs quoting in formulas, amounts in 元 stated nowhere, and errors.
 */
async function awkwardWorkbook(): Promise<Entries> {
  const wb = new ExcelJS.Workbook();
  const mine = wb.addWorksheet('预算执行汇总');
  mine.getCell('A1').value = '我自己的汇总，不要动';
  mine.getCell('B2').value = { formula: "SUM('张三''s 明细 (2024)'!F4:F6)", result: 3580000 };
  const ws = projectSheet(wb, "张三's 明细 (2024)", [
    ['道路维修', 1205000, 1102500],
    ['学校建设', '待定', 1500000],
    ['信息化系统', 800000, 800000],
    ['道路维修', 1575000, 900000],
  ]);
  ws.getCell('A2').value = null;
  return readParts(new Uint8Array(await wb.xlsx.writeBuffer()));
}

/** The feature workbook with a VBA project, as .xlsm. */
function asXlsm(entries: Entries, vba: Uint8Array): Entries {
  const out: Entries = { ...entries, 'xl/vbaProject.bin': vba };
  const ct = strFromU8(out['[Content_Types].xml'])
    .replace('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml', 'application/vnd.ms-excel.sheet.macroEnabled.main+xml')
    .replace('</Types>', '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>');
  out['[Content_Types].xml'] = strToU8(ct);
  const rels = strFromU8(out['xl/_rels/workbook.xml.rels']).replace(
    '</Relationships>',
    '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>',
  );
  out['xl/_rels/workbook.xml.rels'] = strToU8(rels);
  return out;
}

// ---------------------------------------------------------------------------------------------

const fixtureFiles = (dir: string, re: RegExp): [string, string][] =>
  fs
    .readdirSync(path.join(FIXTURES, dir))
    .filter((f) => re.test(f))
    .sort()
    .map((f) => [`${dir}/${f}`, path.join(FIXTURES, dir, f)]);

const FILES: [string, string][] = [
  ...fixtureFiles('issues', /\.xlsx$/),
  ...fixtureFiles('preserve', /\.xls[xm]$/),
  ['bad/valid.xlsm', path.join(FIXTURES, 'bad/valid.xlsm')],
  ['assets/sample/sample-projects.xlsx', path.join(ROOT, 'assets/sample/sample-projects.xlsx')],
];

const GENERATED: [string, () => Promise<Entries>][] = [
  ['generated/features.xlsx', featureWorkbook],
  ['generated/name-taken.xlsx', awkwardWorkbook],
  ['generated/features.xlsm', async () => asXlsm(await featureWorkbook(), readParts(path.join(FIXTURES, 'preserve/preserve.xlsm'))['xl/vbaProject.bin'])],
];

const seen = new Set<Feature>();

async function expectNoLoss(label: string, input: string): Promise<void> {
  const ext = path.extname(input);
  const base = label.replace(/[^\w.-]+/g, '_');
  const first = path.join(tmp, `${base}.first${ext}`);
  const second = path.join(tmp, `${base}.second${ext}`);
  const bytes = fs.readFileSync(input);

  const code = await fill(input, first, ['--force']);
  expect([0, 1]).toContain(code);
  expect(fs.readFileSync(input).equals(bytes)).toBe(true);

  const before = readParts(new Uint8Array(bytes));
  const after = readParts(first);
  expect(changedUserParts(before, after)).toEqual([]);
  expect(lostUserContent(before, after)).toEqual([]);
  expect(await sourceSheetDifferences(new Uint8Array(bytes), first)).toEqual([]);
  const had = inventory(before);
  const has = inventory(after);
  expect([...had].filter((f) => !has.has(f))).toEqual([]);
  for (const f of had) seen.add(f);

  const firstBytes = fs.readFileSync(first);
  expect(await fill(first, second, ['--force'])).toBe(code);
  expect(fs.readFileSync(first).equals(firstBytes)).toBe(true);
  expect(secondFillDifferences(after, readParts(second))).toEqual([]);
}

describe('fill --force loses nothing', () => {
  test.each(FILES)('%s', async (label, input) => {
    await expectNoLoss(label, input);
  });

  test.each(GENERATED)('%s', async (label, build) => {
    const input = path.join(tmp, label.replace(/\//g, '-'));
    fs.writeFileSync(input, zipSync(await build()));
    await expectNoLoss(label, input);
  });

  test('every kind of content the issue names was in some input, and survived', () => {
    expect(FEATURES.filter((f) => !seen.has(f))).toEqual([]);
  });
});

describe('the comparison itself notices a loss', () => {
  const preserve = path.join(FIXTURES, 'preserve/preserve.xlsx');
  const damage = (parts: Entries, name: string, edit: (xml: string) => string): Entries => {
    const xml = strFromU8(parts[name]);
    const edited = edit(xml);
    expect(edited).not.toBe(xml);
    return { ...parts, [name]: strToU8(edited) };
  };

  test('in the parts', () => {
    const p = readParts(preserve);
    expect(changedUserParts(p, damage(p, 'xl/charts/chart1.xml', (x) => x.replace('全年执行数', '全年预算数')))).toEqual(['xl/charts/chart1.xml: changed']);
    const { ['xl/media/image1.png']: _dropped, ...noImage } = p;
    expect(changedUserParts(p, noImage)).toEqual(['xl/media/image1.png: missing']);
    expect(lostUserContent(p, damage(p, 'xl/workbook.xml', (x) => x.replace(/<definedName [^>]*name="预算合计"[^>]*>[^<]*<\/definedName>/, '')))).toHaveLength(1);
    expect(lostUserContent(p, damage(p, 'xl/workbook.xml', (x) => x.replace('state="veryHidden"', 'state="hidden"')))).toHaveLength(1);
    expect(lostUserContent(p, damage(p, 'xl/styles.xml', (x) => x.replace(/(<cellXfs[^>]*>)<xf /, '$1<xf applyFont="1" ')))).toHaveLength(1);
    expect(lostUserContent(p, damage(p, '[Content_Types].xml', (x) => x.replace(/<Override PartName="\/docProps\/custom.xml"[^>]*\/>/, '')))).toHaveLength(1);
    expect(lostUserContent(p, damage(p, 'docProps/core.xml', (x) => x.replace(/<dc:title>[^<]*<\/dc:title>/, '')))).toHaveLength(1);
    expect(lostUserContent(p, damage(p, 'docProps/core.xml', (x) => x.replace(/(<dcterms:modified[^>]*>)[^<]*/, '$12030-01-01T00:00:00Z')))).toEqual([]);
    expect(secondFillDifferences(p, { ...p, 'xl/extra.xml': strToU8('<x/>') })).toEqual(['xl/extra.xml: added by the second fill']);
  });

  test('in the cells', async () => {
    const p = readParts(preserve);
    const changed = damage(p, 'xl/worksheets/sheet1.xml', (x) => x.replace(/(<c r="B2"[^>]*><v>)[^<]*/, '$1120.51'));
    expect(await sourceSheetDifferences(zipSync(p), zipSync(changed))).toEqual([expect.stringMatching(/^项目!B2: /)]);
    const unmerged = damage(p, 'xl/worksheets/sheet1.xml', (x) => x.replace(/<mergeCells[\s\S]*?<\/mergeCells>/, ''));
    expect((await sourceSheetDifferences(zipSync(p), zipSync(unmerged)))[0]).toMatch(/^项目: merges A7:E7 became $/);
  });
});
