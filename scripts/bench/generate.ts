/**
 * Generates the benchmark's project workbooks: a realistic project list of N rows from a fixed
 * seed, the shape a budget unit keeps (an instructions sheet; on the table's sheet a title line,
 * a `单位：万元` line, the header, the projects, a 合计 row with SUM formulas), written with exceljs.
 *
 * The list is clean by construction (no error: amounts add up, rates agree, no duplicates), so
 * that `jixiao fill` takes its normal path and writes the summary and the narrative; a few low
 * rates without a reason give the warnings a real list has.
 *
 * Run: npx tsc -p tsconfig.build.json && node lib/scripts/bench/generate.js --rows 1000 [--seed 20240601] [--out bench/tmp]
 */
import * as fs from 'fs';
import * as path from 'path';
import ExcelJS from 'exceljs';

/** Bumped whenever the generated content changes, so that cached workbooks are not reused. */
export const GENERATOR_VERSION = 1;
export const DEFAULT_SEED = 20240601;

/** sfc32: small, fast, and the same sequence on every platform for a given seed. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by weight: [[value, weight], …]. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let x = this.next() * total;
    for (const [v, w] of items) {
      x -= w;
      if (x < 0) return v;
    }
    return items[items.length - 1][0];
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

const YEAR = 2024;
const DEPARTMENT = '唐山市丰南区农业农村局';

const PLACES = [
  '稻地镇', '小集镇', '黄各庄镇', '西葛镇', '大新庄镇', '钱营镇', '唐坊镇', '王兰庄镇', '柳树瞿子镇', '南孙庄镇',
  '东田庄镇', '尖字沽乡', '岔河镇', '丰南镇', '胥各庄街道', '青年路街道', '黑沿子镇', '全区', '城区', '沿海片区',
];

const SUBJECTS = [
  '农村饮水安全', '高标准农田', '安全生产', '森林草原防灭火', '防汛抗旱', '地质灾害防治', '应急物资储备', '基层应急能力',
  '义务教育薄弱环节', '学前教育', '城乡医疗救助', '基本公共卫生服务', '困难群众救助', '老旧小区改造', '农村公路养护',
  '河道综合治理', '畜禽粪污资源化利用', '耕地地力保护', '公共文化服务', '就业创业', '城市燃气管道', '污水处理设施',
  '生态环境监测', '食品安全抽检', '市场监管执法', '退役军人服务保障', '残疾人康复', '村级组织运转', '乡村振兴衔接',
  '冬季清洁取暖',
];

const ACTIONS = [
  '建设', '改造提升', '运行维护', '专项整治', '能力提升', '隐患排查治理', '设备购置', '信息化建设', '宣传培训', '监测预警',
  '示范创建', '标准化建设', '绩效评价', '综合治理',
];

const LOCAL_SUFFIXES = ['项目', '经费', '工作经费', '专项经费', '运行经费'];
const TRANSFER_SUFFIXES = ['补助资金', '奖补资金', '专项资金', '项目资金'];
const QUALIFIERS = ['及配套设施', '（一期）', '（二期）', '工程', '试点', '提质增效', '长效管护', '后续扶持'];

const AGENCIES = ['唐财建', '唐财农', '唐财社', '唐财教', '唐财预', '冀财建', '冀财农', '冀财社', '冀财预', '财建', '财农', '财社'];

/** [canonical category, spellings met in practice], with how often each category occurs. */
const LOCAL_CATEGORY: readonly (readonly [string, number])[] = [
  ['本级财政资金', 6],
  ['区级财政资金', 2],
  ['本级资金', 1],
  ['财政拨款', 1],
];
const TRANSFER_CATEGORIES: readonly (readonly [readonly string[], number])[] = [
  [['共同财政事权转移支付', '共同财政事权转移支付资金'], 4],
  [['专项转移支付', '专项转移支付资金'], 2],
  [['一般性转移支付', '一般性转移支付资金'], 1],
  [['增发国债', '增发国债资金'], 2],
  [['债券资金', '专项债券'], 1],
  [['其他资金', '其它资金'], 1],
];
const LOCAL_LEVELS = ['区', '本级', '区级', '区本级'];
const TRANSFER_LEVELS: Record<'中央' | '省' | '市', readonly string[]> = {
  中央: ['中央', '中央级'],
  省: ['省', '省级'],
  市: ['市', '市级'],
};
/** How the level shows in a project's name: 增发国债……省级补助资金. */
const LEVEL_IN_NAME: Record<'中央' | '省' | '市', string> = { 中央: '中央', 省: '省级', 市: '市级' };
const LEVEL_SLOT = '\u0001\u0001';

const OFFICES = [
  '办公室', '计划财务科', '财务和救灾物资科', '农田建设管理科', '种植业管理科', '畜牧兽医科', '农村经营管理科', '乡村产业发展科',
  '科技教育科', '农业综合执法大队', '农业技术推广站', '植保植检站', '土壤肥料工作站', '水产技术推广站', '农村能源站', '动物疫病预防控制中心',
  '农产品质量安全监督站', '乡村建设促进科', '政策法规科', '应急指挥中心',
];

const REASONS = [
  '中标价格低于预算价格，按照实际中标价格付款，剩余资金已返还财政',
  '项目建设周期跨年度，按合同约定分期支付，剩余资金将于下年度支付',
  '受天气影响工期延后，部分工程款尚未达到支付条件',
  '资金下达时间较晚，项目尚在政府采购程序中',
  '实际受益对象少于预算测算人数，按实际发放，结余资金已收回',
  '项目验收及审计结算尚未完成，尾款暂未支付',
];

const CONTENTS = [
  '对全区农村住房进行严密核查，为农户住房及时投保，有效增强防灾救灾能力',
  '为基层应急救援队伍配备抢险救援装备，提升基层防灾减灾能力，降低灾害风险',
  '完成高标准农田建设任务，改善农田灌排条件，提高粮食综合生产能力',
  '开展农村人居环境整治，完善村内道路和污水收集设施，村容村貌明显改善',
  '落实困难群众基本生活保障政策，按时足额发放救助资金，兜牢民生底线',
  '加强动物疫病防控体系建设，完成强制免疫和监测任务，未发生区域性重大动物疫情',
  '开展农业科技培训和技术指导，推广绿色高效种植模式，带动农户增收',
];

const HEADERS = [
  '序号', '项目名称', '资金文号', '资金类别', '资金级次', '年初预算数', '全年预算数', '全年执行数', '执行率',
  '绩效目标完成情况', '偏差原因及改进措施', '项目主要内容及成效', '责任科室', '事前绩效评估',
];
const WIDTHS = [6, 56, 20, 22, 10, 13, 13, 13, 10, 16, 44, 56, 22, 13];
const MONEY = '#,##0.00';
const PERCENT = '0.00%';

// ---------------------------------------------------------------------------------------------
// Rows

export interface GeneratedRow {
  name: string;
  docNumber: string;
  category: string;
  level: string;
  /** Amounts in 万元 as integer units of 0.0001 万元 (one yuan): exact sums, no float drift. */
  initialBudget: number;
  budget: number;
  executed: number;
  outcome: string;
  reason: string;
  content: string;
  office: string;
  assessment: string;
}

/** A 万元 amount in units of 0.0001: log-normal around 20 万元, from 0.5 to 20,000 万元. */
function amountUnits(rng: Rng): number {
  const wan = Math.exp(3 + 1.3 * rng.normal());
  const clamped = Math.min(20000, Math.max(0.5, wan));
  return Math.round(clamped * 10000);
}

/** A project name of 20–40 characters. */
function projectName(rng: Rng, parts: { prefix: string; levelWord: string; suffix: string }): string {
  for (;;) {
    let name = `${parts.prefix}${rng.pick(PLACES)}${parts.levelWord}${rng.pick(SUBJECTS)}${rng.pick(ACTIONS)}`;
    while (name.length + parts.suffix.length < 20) name += rng.pick(QUALIFIERS);
    name += parts.suffix;
    if (name.length <= 40) return name;
  }
}

/** Makes a name unique by numbering its 标段 (a real list's way of telling lots of one programme apart). */
function uniqueName(name: string, taken: Set<string>): string {
  let n = name;
  for (let k = 2; taken.has(n); k++) n = `${name}（${k}标段）`;
  taken.add(n);
  return n;
}

function docNumber(rng: Rng, agency: string, year: number, seq: number): string {
  const [open, close] = rng.weighted<readonly [string, string]>([
    [['〔', '〕'], 7],
    [['[', ']'], 2],
    [['（', '）'], 1],
  ]);
  return `${agency}${open}${year}${close}${seq}号`;
}

/** Executed units for a budget: most projects spend all of it, some most, a few far less. */
function executedUnits(rng: Rng, budget: number): number {
  const kind = rng.weighted<'full' | 'near' | 'low'>([
    ['full', 75],
    ['near', 17],
    ['low', 8],
  ]);
  if (kind === 'full') return budget;
  const rate = kind === 'near' ? 0.9 + 0.0999 * rng.next() : 0.2 + 0.7 * rng.next();
  return Math.min(budget, Math.floor(budget * rate));
}

/** The project rows, in the order a list keeps them: 本级 projects and transfers interleaved. */
export function generateRows(count: number, seed: number): GeneratedRow[] {
  const rng = new Rng(seed);
  const rows: GeneratedRow[] = [];
  const names = new Set<string>();
  const seqs = new Map<string, number>();
  const nextSeq = (agency: string, year: number): number => {
    const key = `${agency}${year}`;
    // Sequence numbers grow with gaps, as a finance bureau's do; ≤ 5 digits for 12 agencies × 2 years.
    const seq = (seqs.get(key) ?? 0) + rng.int(1, 3);
    seqs.set(key, seq);
    return seq;
  };

  while (rows.length < count) {
    const local = rng.next() < 0.55;
    if (local) {
      const budget = amountUnits(rng);
      const executed = executedUnits(rng, budget);
      const initial = rng.next() < 0.7 ? budget : Math.round(budget * (0.8 + 0.3 * rng.next()));
      rows.push(
        finish(rng, {
          name: uniqueName(projectName(rng, { prefix: rng.next() < 0.3 ? `${YEAR}年` : '', levelWord: '', suffix: rng.pick(LOCAL_SUFFIXES) }), names),
          docNumber: rng.next() < 0.25 ? docNumber(rng, '丰财预', YEAR, nextSeq('丰财预', YEAR)) : '',
          category: rng.weighted(LOCAL_CATEGORY),
          level: rng.pick(LOCAL_LEVELS),
          initialBudget: initial,
          budget,
          executed,
        }),
      );
      continue;
    }

    // A transfer programme: one document, or the central and provincial parts of one programme
    // as two rows with two document numbers (they share a paragraph of the narrative).
    const spellings = rng.weighted(TRANSFER_CATEGORIES);
    const category = rng.pick(spellings);
    const advance = rng.next() < 0.3;
    const year = advance ? YEAR - 1 : YEAR;
    const prefix = advance ? `提前下达${YEAR}年` : rng.pick([`${YEAR}年`, `下达${YEAR}年第二批`, '']);
    const suffix = rng.pick(TRANSFER_SUFFIXES);
    const levels: ('中央' | '省' | '市')[] = rng.next() < 0.35 ? ['中央', '省'] : [rng.weighted<'中央' | '省' | '市'>([['中央', 4], ['省', 4], ['市', 2]])];
    // The level word is filled in per row; the placeholder has its length (中央, 省级, 市级: two).
    const base = projectName(rng, { prefix, levelWord: LEVEL_SLOT, suffix });
    const agency = rng.pick(AGENCIES);
    const content = rng.pick(CONTENTS);
    const office = rng.pick(OFFICES);
    for (const level of levels) {
      if (rows.length >= count) break;
      const budget = amountUnits(rng);
      rows.push(
        finish(rng, {
          name: uniqueName(base.replace(LEVEL_SLOT, LEVEL_IN_NAME[level]), names),
          docNumber: docNumber(rng, agency, year, nextSeq(agency, year)),
          category,
          level: rng.pick(TRANSFER_LEVELS[level]),
          initialBudget: 0,
          budget,
          executed: executedUnits(rng, budget),
          content,
          office,
        }),
      );
    }
  }
  return rows;
}

function finish(
  rng: Rng,
  r: Pick<GeneratedRow, 'name' | 'docNumber' | 'category' | 'level' | 'initialBudget' | 'budget' | 'executed'> &
    Partial<Pick<GeneratedRow, 'content' | 'office'>>,
): GeneratedRow {
  const rate = r.executed / r.budget;
  // A low rate needs a reason; 2% of them lack one (warnings, as in a real list).
  const reason = rate < 0.9 ? (rng.next() < 0.98 ? rng.pick(REASONS) : '') : rate < 1 && rng.next() < 0.3 ? rng.pick(REASONS) : '';
  return {
    ...r,
    outcome: rate >= 0.9 ? '已完成' : rng.pick(['基本完成', '部分完成']),
    reason,
    content: r.content ?? (rng.next() < 0.2 ? rng.pick(CONTENTS) : ''),
    office: r.office ?? rng.pick(OFFICES),
    assessment: '已开展',
  };
}

// ---------------------------------------------------------------------------------------------
// Workbook

const DOC_DATE = new Date(Date.UTC(2025, 0, 15, 8, 0, 0));

const wan = (units: number): number => units / 10000;

/** The rate as a list stores it: the quotient rounded to 4 decimals, shown as 0.00%. */
function storedRate(executed: number, budget: number): number {
  // executed × 10000 is an exact integer, so a quotient ending in exactly 5 rounds up as it should.
  return budget === 0 ? 0 : Math.round((executed * 10000) / budget) / 10000;
}

export function buildWorkbook(rows: GeneratedRow[]): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = DEPARTMENT;
  wb.created = DOC_DATE;
  wb.modified = DOC_DATE;
  const body = { name: '宋体', size: 11 };

  const notes = wb.addWorksheet('填表说明');
  notes.getColumn(1).width = 60;
  ['填表说明', '1. 金额单位为万元，保留两位小数显示；', '2. 执行率 = 全年执行数 ÷ 全年预算数；', '3. 执行率低于90%的项目须填写偏差原因及改进措施。'].forEach(
    (line, i) => (notes.getCell(i + 1, 1).value = line),
  );

  const ws = wb.addWorksheet(`${YEAR}年项目支出明细`);
  const last = HEADERS.length;
  WIDTHS.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  // Column formats rather than one style per cell: what a list typed into formatted columns has.
  for (const c of [6, 7, 8]) ws.getColumn(c).numFmt = MONEY;
  ws.getColumn(9).numFmt = PERCENT;

  ws.mergeCells(1, 1, 1, last);
  ws.getCell('A1').value = `${DEPARTMENT}${YEAR}年度项目支出预算执行及绩效自评明细表`;
  ws.getCell('A1').font = { name: '宋体', bold: true, size: 16 };
  ws.getCell('A1').alignment = { horizontal: 'center', vertical: 'middle' };
  ws.mergeCells(2, 1, 2, last);
  ws.getCell('A2').value = '单位：万元';
  ws.getCell('A2').alignment = { horizontal: 'right' };
  ws.getRow(3).values = HEADERS;
  ws.getRow(3).font = { ...body, bold: true };

  const first = 4;
  rows.forEach((r, i) => {
    ws.getRow(first + i).values = [
      i + 1,
      r.name,
      r.docNumber || null,
      r.category,
      r.level,
      wan(r.initialBudget),
      wan(r.budget),
      wan(r.executed),
      storedRate(r.executed, r.budget),
      r.outcome,
      r.reason || null,
      r.content || null,
      r.office,
      r.assessment,
    ];
  });

  const total = first + rows.length;
  const lastProject = total - 1;
  ws.mergeCells(total, 1, total, 5);
  ws.getCell(total, 1).value = '合计';
  ws.getCell(total, 1).font = { ...body, bold: true };
  const sums = {
    F: rows.reduce((s, r) => s + r.initialBudget, 0),
    G: rows.reduce((s, r) => s + r.budget, 0),
    H: rows.reduce((s, r) => s + r.executed, 0),
  };
  for (const [col, units] of Object.entries(sums)) {
    // The cached result a spreadsheet program would have stored.
    ws.getCell(`${col}${total}`).value = { formula: `SUM(${col}${first}:${col}${lastProject})`, result: wan(units) } as ExcelJS.CellFormulaValue;
  }
  ws.getCell(`I${total}`).value = {
    formula: `IF(G${total}=0,"",H${total}/G${total})`,
    result: sums.G === 0 ? '' : sums.H / sums.G,
  } as ExcelJS.CellFormulaValue;
  ws.getRow(total).font = { ...body, bold: true };
  return wb;
}

export interface GeneratedFile {
  file: string;
  rows: number;
  seed: number;
  bytes: number;
  /** Whether the file was written now (false: an identical earlier one was reused). */
  written: boolean;
}

/** The path of the workbook for (rows, seed): versioned, so that a cached file is never stale. */
export function workbookPath(dir: string, rows: number, seed: number): string {
  return path.join(dir, `projects-${rows}-seed${seed}-v${GENERATOR_VERSION}.xlsx`);
}

/** Writes the workbook of `rows` projects into `dir`, reusing one written before for the same inputs. */
export async function generateWorkbook(rows: number, seed: number, dir: string): Promise<GeneratedFile> {
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`rows must be a positive integer: ${rows}`);
  const file = workbookPath(dir, rows, seed);
  if (fs.existsSync(file)) return { file, rows, seed, bytes: fs.statSync(file).size, written: false };
  fs.mkdirSync(dir, { recursive: true });
  const wb = buildWorkbook(generateRows(rows, seed));
  // Written under a temporary name: an interrupted run must not leave a half file to be reused.
  const tmp = `${file}.${process.pid}.tmp`;
  await wb.xlsx.writeFile(tmp);
  fs.renameSync(tmp, file);
  return { file, rows, seed, bytes: fs.statSync(file).size, written: true };
}

async function main(argv: string[]): Promise<void> {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const rows = (arg('--rows') ?? '1000').split(',').map(Number);
  const seed = Number(arg('--seed') ?? DEFAULT_SEED);
  const dir = path.resolve(arg('--out') ?? path.join('bench', 'tmp'));
  for (const n of rows) {
    const g = await generateWorkbook(n, seed, dir);
    console.log(`${g.written ? 'wrote' : 'kept'} ${path.relative(process.cwd(), g.file)} (${n} rows, ${(g.bytes / 1048576).toFixed(1)} MB)`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
