import type { Field, IssueCode, IssueParams, Severity, UnusableCode } from '../types';

/** Messages say what is wrong, where, and how to fix it. zh-CN is the first language. */
export type MessageTable = Record<IssueCode, (p: IssueParams) => string>;
export type UnusableTable = Record<UnusableCode, (p: IssueParams) => string>;

export const fieldNames: Record<Field, string> = {
  name: '项目名称',
  docNumber: '资金文号',
  category: '资金类别',
  level: '资金级次',
  initialBudget: '年初预算数',
  budget: '全年预算数',
  executed: '全年执行数',
  rate: '执行率',
  outcome: '绩效目标完成情况',
  reason: '偏差原因及改进措施',
  content: '项目主要内容及成效',
  office: '责任科室',
  assessment: '事前绩效评估',
};

export const severityNames: Record<Severity, string> = { error: '错误', warning: '警告', info: '提示' };

export const messages: MessageTable = {
  'missing-column': (p) =>
    `未找到必填列“${p.fieldName}”。请在表头中增加该列（常见写法：${p.synonyms}），或手动指定它所在的列（助手中点“调整列对应”；命令行用 --map ${p.field}=列号）。`,
  'missing-value': (p) => `项目缺少${p.fieldName}。请填写该单元格${p.field === 'name' ? '' : '（没有金额请填 0）'}。`,
  'not-a-number': (p) => `${p.fieldName}“${p.text}”不是数字。请改为数字（如 85.00），说明文字请写入备注或偏差原因列。`,
  'formula-error': (p) => `${p.fieldName}单元格是错误值 ${p.error}。请检查该单元格的公式或改为数值。`,
  'negative-amount': (p) => `${p.fieldName}为负数（${p.value}）。金额不能小于 0，请核对后改正。`,
  'zero-budget': (p) => `全年预算数为 0，但全年执行数为 ${p.executed}。请填写实际的全年预算数。`,
  'over-execution': (p) =>
    `全年执行数 ${p.executed} 超过全年预算数 ${p.budget}，执行率超过 100%（国家绩效系统不接受）。请核对执行数或调整预算数。`,
  'rate-mismatch': (p) =>
    `填报的执行率 ${p.reported}% 与执行数÷预算数（${p.computed}%）不符，按显示精度四舍五入后也无法相等。建议改为 ${p.computed}%，或改用公式“=执行数/预算数”。`,
  'total-mismatch': (p) =>
    `合计行的${p.fieldName} ${p.reported} 与各项目之和 ${p.computed} 不符（已考虑尾差）。建议改用公式 =SUM(…) 求和。`,
  'duplicate-project': (p) =>
    `项目“${p.name}”${p.docNumber ? `（${p.docNumber}）` : '（无文号）'}与第 ${p.firstRow} 行重复。请删除重复行，或补充正确的资金文号。`,
  'low-execution-unexplained': (p) =>
    `项目“${p.name}”执行率 ${p.rate}% 低于 ${p.threshold}%，但未说明原因。请在“偏差原因及改进措施”中写明原因和改进措施。`,
  'invalid-doc-number': (p) => `资金文号“${p.text}”格式不规范。应为“机关代字〔年份〕序号号”，如：唐财建〔2024〕10号。`,
  'unknown-fund-category': (p) =>
    `资金类别“${p.text}”无法识别，已计入“未识别”。请改为：本级财政资金、共同财政事权转移支付、专项转移支付、一般性转移支付、增发国债、债券资金或其他资金。`,
  'unknown-fund-level': (p) => `资金级次“${p.text}”无法识别，已计入“未识别”。请改为：中央、省、市或本级（区/县）。`,
  'suspicious-magnitude': (p) =>
    `${p.fieldName} ${p.value} 是本列中位数 ${p.median} 的 ${p.times} 倍以上，可能把“元”填进了“${p.unit}”列。请核对单位。`,
  'text-number': (p) => `数字“${p.text}”以文本形式存储，已按 ${p.value} 读取。建议转换为数字格式。`,
  'ambiguous-unit': (p) => `表中未注明金额单位，已按数值大小推断为“${p.unit}”。请在标题下注明“单位：万元”，或在设置中指定单位（命令行用 --unit）。`,
  'owned-name-taken': (p) => `工作表“${p.name}”是您自己的工作表，助手未改动它，结果已写入“${p.used}”。`,
};

export const unusable: UnusableTable = {
  'file-not-found': (p) => `找不到文件：${p.path}`,
  'not-a-workbook': (p) =>
    ({
      empty: '文件是空的（0 字节），不是 Excel 工作簿。',
      xls: '这是旧版 Excel 97-2003（.xls）文件。请在 Excel 中“另存为”.xlsx 后再试。',
      csv: '这是 CSV 文本文件，不是 Excel 工作簿。请在 Excel 中打开后“另存为”.xlsx。',
      text: '这是文本文件，不是 Excel 工作簿。',
      zip: '这是压缩包或其他 Office 文档（如 Word），不是 Excel 工作簿。',
      unwritable: '工作簿的内部结构不完整或不规范，无法安全写入（校验仍可进行）。请在 Excel 中打开并“另存为”.xlsx 后再生成。',
    })[p.detail ?? ''] ?? '无法识别的文件格式，不是 Excel 工作簿（.xlsx/.xlsm）。',
  truncated: () => '文件已损坏或不完整（可能下载或复制未完成）。请重新获取原文件。',
  'password-protected': () => '工作簿设置了打开密码。请在 Excel 中取消密码（文件 → 信息 → 保护工作簿）后再试。',
  'too-large': (p) =>
    p.detail === 'uncompressed'
      ? `工作簿解压后过大（${p.size} MB），超过上限 ${p.limit} MB：项目表远小于此，文件可能已损坏或是恶意构造的压缩包（“压缩炸弹”），未予读取。`
      : `文件过大（${p.size} MB），超过上限 ${p.limit} MB。可用 --max-size 调整上限。`,
  'no-table': (p) =>
    `未找到项目表：没有一行表头同时含“项目名称”和至少两个已知列（如“全年预算数”“全年执行数”）。已查找工作表：${p.sheets || '（无）'}。可用 --sheet 和 --map 指定。`,
  'sheet-not-found': (p) => `找不到工作表“${p.sheet}”。`,
  'bad-option': (p) => `参数 ${p.option} 的值“${p.value}”无效。`,
};

/** Words of the report and the command line. */
export const ui = {
  file: '文件',
  sheet: '工作表',
  headerRows: '表头行',
  unit: '金额单位',
  year: '年度',
  department: '单位',
  projects: '项目数',
  totals: '合计',
  budget: '全年预算数',
  executed: '全年执行数',
  rate: '预算执行率',
  byCategory: '按资金类别和级次',
  byOffice: '按责任科室',
  issues: '校验结果',
  noIssues: '未发现问题。',
  counts: (e: number, w: number, i: number) => `${e} 个错误，${w} 个警告，${i} 个提示`,
  narrative: '绩效自评文字',
  unitNote: '（金额单位：万元）',
  wrote: (path: string) => `已写入：${path}`,
  wroteWithErrors: (path: string) => `存在错误，已将校验结果写入：${path}`,
  forced: '注意：数据存在错误，已按 --force 生成汇总，汇总表标注为“未经校验”。',
  ownedNameTaken: (name: string, used: string) => `工作表“${name}”已被占用，结果写入“${used}”。`,
  internalError: '程序内部错误，这不是您的文件的问题。请把此信息和文件报告给开发者：',
  usage: '用法',
};
