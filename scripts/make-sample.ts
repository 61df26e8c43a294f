/**
 * Writes assets/sample/sample-projects.xlsx, the workbook `npm run demo` fills: the project list
 * of ../shared/reference/fengnan-2024-projects.xlsx (the 丰南区应急管理局 2024 report, 21 projects
 * in 万元), rebuilt from the table below.
 *
 * The workbook is built with exceljs and then saved through LibreOffice, so that the file on disk
 * is what a real spreadsheet program writes (its styles, shared strings, cached formula results).
 * The helpers for that pass are exported: scripts/make-fixtures.ts uses them too.
 *
 * Run: npx tsc -p tsconfig.build.json && node lib/scripts/make-sample.js
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import ExcelJS from 'exceljs';
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';

/** The repository root: the nearest folder above this file (or its compiled copy) with package.json. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = up;
  }
  return dir;
}

/** Fixed document dates: LibreOffice keeps them, so regenerated files are byte-identical. */
export const DOC_DATE = new Date(Date.UTC(2025, 0, 15, 8, 0, 0));

// Zip entry times are stored as local date and time fields; built from local fields, the bytes
// are the same in every time zone.
const ZIP_TIME = new Date(2025, 0, 15, 8, 0, 0);

const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;
const LATIN = /[\x21-\x7e]/;

/**
 * Rich text the way a Chinese spreadsheet holds typed text: CJK runs in a CJK font, runs of
 * Latin letters, digits and ASCII punctuation in a Latin font. A space stays in the run it ends.
 * Text with only one kind of character is returned as a plain string.
 */
export function mixedRuns(
  text: string,
  font: Partial<ExcelJS.Font> = {},
  fonts: { cjk: string; latin: string } = { cjk: '宋体', latin: 'Times New Roman' },
): ExcelJS.CellValue {
  if (!CJK.test(text) || !LATIN.test(text)) return text;
  const runs: ExcelJS.RichText[] = [];
  let current = '';
  let latin = false;
  for (const ch of text) {
    const isLatin = ch.charCodeAt(0) < 0x80;
    if (current !== '' && isLatin !== latin && ch !== ' ') {
      runs.push({ text: current, font: { ...font, name: latin ? fonts.latin : fonts.cjk } });
      current = '';
    }
    if (current === '' || ch !== ' ') latin = isLatin;
    current += ch;
  }
  runs.push({ text: current, font: { ...font, name: latin ? fonts.latin : fonts.cjk } });
  return { richText: runs };
}

/**
 * Saves each workbook through LibreOffice (open, save as xlsx) in one headless run and returns
 * the saved bytes, in the order given. A private profile per process lets runs go in parallel.
 */
export function saveThroughLibreOffice(inputs: string[], workDir: string): Buffer[] {
  const outDir = path.join(workDir, 'libreoffice-out');
  fs.mkdirSync(outDir, { recursive: true });
  const profile = path.join(os.tmpdir(), `jixiao-lo-profile-${process.pid}`);
  const soffice = process.env.SOFFICE ?? 'soffice';
  try {
    execFileSync(
      soffice,
      [
        `-env:UserInstallation=${pathToFileURL(profile).href}`,
        '--headless',
        '--norestore',
        '--convert-to',
        'xlsx:Calc MS Excel 2007 XML',
        '--outdir',
        outDir,
        ...inputs,
      ],
      // A fixed locale: LibreOffice records the document language from it.
      { stdio: 'pipe', env: { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' }, timeout: 300_000 },
    );
  } catch (e) {
    const err = e as { code?: string; stderr?: Buffer; message: string };
    if (err.code === 'ENOENT') throw new Error(`LibreOffice not found (${soffice}); set SOFFICE to its path`);
    throw new Error(`LibreOffice failed: ${err.stderr?.toString() ?? err.message}`);
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
  return inputs.map((input) => {
    const out = path.join(outDir, path.basename(input));
    if (!fs.existsSync(out)) throw new Error(`LibreOffice wrote no ${out}`);
    return fs.readFileSync(out);
  });
}

/**
 * Rewrites a saved package with fixed entry times (LibreOffice stamps the current time, so two
 * runs would differ in the zip headers only), keeping LibreOffice's parts and their order.
 * `edits` change named parts on the way: the place for what LibreOffice cannot write.
 */
export function repack(xlsx: Uint8Array, edits: Record<string, (xml: string) => string> = {}): Buffer {
  const parts = unzipSync(xlsx);
  for (const name of Object.keys(edits)) {
    if (!(name in parts)) throw new Error(`no part ${name} in the package`);
  }
  const out: Zippable = {};
  for (const [name, data] of Object.entries(parts)) {
    const edit = edits[name];
    out[name] = edit ? strToU8(edit(strFromU8(data))) : data;
  }
  return Buffer.from(zipSync(out, { level: 6, mtime: ZIP_TIME }));
}

// ---------------------------------------------------------------------------------------------
// The sample's facts: the reference workbook's 21 rows, amounts in 万元 as stored (yuan precision).

const TITLE = '唐山市丰南区应急管理局2024年度项目支出预算执行及绩效自评明细表';

const HEADERS = [
  '序号',
  '项目名称',
  '资金文号',
  '资金类别',
  '资金级次',
  '年初预算数',
  '全年预算数',
  '全年执行数',
  '执行率',
  '绩效目标完成情况',
  '偏差原因及改进措施',
  '项目主要内容及成效',
  '责任科室',
  '事前绩效评估',
];

const INSTRUCTIONS = [
  '填表说明',
  '1. 金额单位为万元，保留两位小数显示；',
  '2. 执行率 = 全年执行数 ÷ 全年预算数；',
  '3. 执行率低于90%的项目须填写偏差原因及改进措施。',
];

const LOW_RATE_REASON = '中标价格低于预算价格，按照实际中标价格付款，剩余资金已返还财政';
const DISPATCH = '加强应急系统指挥调度能力建设，实现上下指挥调度贯通联动，提高应急指令响应速度';
const EQUIPMENT =
  '为应急救援队伍配备森林(草原)火灾扑救类、抗洪抢险类、水域救援类、地震地质灾害救援类、综合保障类装备共40台/套，提升基层防灾能力，降低灾害风险';

type SampleRow = [
  name: string,
  docNumber: string,
  category: string,
  level: string,
  initialBudget: number,
  budget: number,
  executed: number,
  rate: number,
  outcome: string,
  reason: string,
  content: string,
  office: string,
  assessment: string,
];

const ROWS: SampleRow[] = [
  ['安全生产执法检查专项经费', '', '本级财政资金', '区', 85, 85, 85, 1, '已完成', '', '', '执法监察大队', '已开展'],
  ['重大事故隐患排查整治专班工作经费', '', '本级财政资金', '区', 60, 62, 62, 1, '已完成', '', '', '安全生产综合协调科', '已开展'],
  ['应急救援队伍建设及装备购置经费', '', '本级财政资金', '区', 150, 158, 158, 1, '已完成', '', '', '应急救援科', '已开展'],
  ['森林草原防灭火专项经费', '', '本级财政资金', '区', 96, 96, 96, 1, '已完成', '', '', '应急救援科', '已开展'],
  ['防汛抗旱物资储备经费', '', '本级财政资金', '区', 73, 73, 73, 1, '已完成', '', '', '财务和救灾物资科', '已开展'],
  ['救灾物资储备库运行维护经费', '', '本级财政资金', '区', 41.5, 41.5, 41.5, 1, '已完成', '', '', '财务和救灾物资科', '已开展'],
  ['应急指挥中心信息化运维经费', '', '本级财政资金', '区', 68.8, 68.8, 68.8, 1, '已完成', '', '', '应急指挥中心', '已开展'],
  ['安全生产宣传教育及“安全生产月”活动经费', '', '本级财政资金', '区', 25, 23.65, 23.65, 1, '已完成', '', '', '宣传教育科', '已开展'],
  ['重点企业中控室“再监控”系统建设经费', '', '本级财政资金', '区', 60, 54, 54, 1, '已完成', '', '', '危险化学品安全监督管理科', '已开展'],
  ['安全生产专家会诊服务费', '', '本级财政资金', '区', 18, 18, 18, 1, '已完成', '', '', '安全生产基础科', '已开展'],
  ['自然灾害综合风险普查成果应用经费', '', '本级财政资金', '区', 32.5, 32.5, 32.5, 1, '已完成', '', '', '风险监测和综合减灾科', '已开展'],
  ['灾害信息员队伍培训经费', '', '本级财政资金', '区', 10, 9.86, 9.86, 1, '已完成', '', '', '风险监测和综合减灾科', '已开展'],
  ['应急值班值守保障经费', '', '本级财政资金', '区', 15, 15, 15, 1, '已完成', '', '', '办公室', '已开展'],
  ['粉尘涉爆企业专项治理经费', '', '本级财政资金', '区', 28, 27.9504, 27.9504, 1, '已完成', '', '', '工贸安全监督管理科', '已开展'],
  ['地震监测预警设施维护经费', '', '本级财政资金', '区', 23.1045, 23.1045, 23.1, 0.9998, '已完成', '', '', '地震和地质灾害救援科', '已开展'],
  [
    '提前下达2024年自然灾害救助专项资金', '唐财建[2023]123号', '共同财政事权转移支付', '省', 71.38, 71.38, 71.38, 1, '已完成', '',
    '对全区16个乡镇、街道的农村住房进行3次严密核查，为119600户农村住房及时投保，有效增强我区防灾救灾能力',
    '财务和救灾物资科', '已开展',
  ],
  [
    '增发2023年国债自然灾害应急能力提升工程（应急领域）补助资金', '唐财建[2024]10号', '增发国债', '中央', 0, 87.2, 40.971, 0.4699,
    '已完成', LOW_RATE_REASON, DISPATCH, '应急指挥中心', '已开展',
  ],
  [
    '增发2023年国债自然灾害应急能力提升工程（应急领域）省级补助资金', '唐财建[2024]11号', '增发国债', '省', 0, 7.27, 4.5536, 0.6264,
    '已完成', LOW_RATE_REASON, DISPATCH, '应急指挥中心', '已开展',
  ],
  [
    '增发2023年国债自然灾害应急能力提升工程（应急领域基层防灾工程项目）补助资金', '唐财建[2024]15号', '增发国债', '中央', 0, 413.6,
    413.6, 1, '已完成', '', EQUIPMENT, '应急救援科', '已开展',
  ],
  [
    '增发2023年国债自然灾害应急能力提升工程（应急领域基层防灾工程项目）省级补助资金', '唐财建[2024]16号', '增发国债', '省', 0, 34.52,
    34.52, 1, '已完成', '', EQUIPMENT, '应急救援科', '已开展',
  ],
  [
    '2023年安全生产目标考核奖励资金', '唐财建[2024]91号', '共同财政事权转移支付', '市', 0, 4, 4, 1, '已完成', '',
    '加大安全生产投入，表彰先进单位，促进安全体系建设，促进全区安全生产稳定发展', '安全生产综合协调科', '已开展',
  ],
];

const MONEY = '#,##0.00';
const PERCENT = '0.00%';
const WIDTHS = [6, 60, 20, 22, 10, 13, 13, 13, 10, 16, 44, 60, 24, 13];

function buildSample(): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = '丰南区应急管理局';
  wb.created = DOC_DATE;
  wb.modified = DOC_DATE;

  const body = { name: '宋体', size: 11 };

  const notes = wb.addWorksheet('填表说明');
  notes.getColumn(1).width = 60;
  INSTRUCTIONS.forEach((line, i) => {
    const cell = notes.getCell(i + 1, 1);
    cell.value = mixedRuns(line, { size: 11 });
    cell.font = i === 0 ? { ...body, bold: true } : body;
  });

  const ws = wb.addWorksheet('2024年项目支出明细');
  const last = HEADERS.length;
  WIDTHS.forEach((w, i) => (ws.getColumn(i + 1).width = w));

  ws.mergeCells(1, 1, 1, last);
  ws.getCell('A1').value = mixedRuns(TITLE, { bold: true, size: 16 });
  ws.getCell('A1').font = { name: '宋体', bold: true, size: 16 };
  ws.getCell('A1').alignment = { horizontal: 'center', vertical: 'middle' };
  ws.getRow(1).height = 28;

  ws.mergeCells(2, 1, 2, last);
  ws.getCell('A2').value = '单位：万元';
  ws.getCell('A2').font = body;
  ws.getCell('A2').alignment = { horizontal: 'right' };

  HEADERS.forEach((h, i) => {
    const cell = ws.getCell(3, i + 1);
    cell.value = h;
    cell.font = { ...body, bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  });

  const first = 4;
  ROWS.forEach((data, i) => {
    const r = first + i;
    const [name, doc, category, level, initial, budget, executed, rate, outcome, reason, content, office, assessment] = data;
    const values: ExcelJS.CellValue[] = [
      i + 1,
      mixedRuns(name, { size: 11 }),
      doc === '' ? null : mixedRuns(doc, { size: 11 }),
      category,
      level,
      initial,
      budget,
      executed,
      rate,
      outcome,
      reason === '' ? null : reason,
      content === '' ? null : mixedRuns(content, { size: 11 }),
      office,
      assessment,
    ];
    values.forEach((v, c) => {
      if (v === null) return;
      const cell = ws.getCell(r, c + 1);
      cell.value = v;
      cell.font = typeof v === 'number' ? { name: 'Times New Roman', size: 11 } : body;
      if (c >= 5 && c <= 7) cell.numFmt = MONEY;
      if (c === 8) cell.numFmt = PERCENT;
    });
  });

  const total = first + ROWS.length;
  const lastProject = total - 1;
  ws.mergeCells(total, 1, total, 5);
  ws.getCell(total, 1).value = '合计';
  ws.getCell(total, 1).font = { ...body, bold: true };
  ws.getCell(total, 1).alignment = { horizontal: 'center' };
  for (const col of ['F', 'G', 'H']) {
    const cell = ws.getCell(`${col}${total}`);
    // No cached result: LibreOffice computes it on the way through.
    cell.value = { formula: `SUM(${col}${first}:${col}${lastProject})` } as ExcelJS.CellFormulaValue;
    cell.numFmt = MONEY;
    cell.font = { name: 'Times New Roman', size: 11, bold: true };
  }
  const rate = ws.getCell(`I${total}`);
  rate.value = { formula: `IF(G${total}=0,"",H${total}/G${total})` } as ExcelJS.CellFormulaValue;
  rate.numFmt = PERCENT;
  rate.font = { name: 'Times New Roman', size: 11, bold: true };
  return wb;
}

async function main(): Promise<void> {
  const root = repoRoot();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'jixiao-sample-'));
  try {
    const input = path.join(work, 'sample-projects.xlsx');
    await buildSample().xlsx.writeFile(input);
    const [saved] = saveThroughLibreOffice([input], work);
    const target = path.join(root, 'assets', 'sample', 'sample-projects.xlsx');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, repack(saved));
    console.log(`wrote ${path.relative(root, target)}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
