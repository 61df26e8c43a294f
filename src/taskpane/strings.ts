/**
 * Every word the task pane shows, zh-CN first, en-US second. `en` is typed as `Strings`, so a key
 * missing from it does not compile; a test checks that the two have the same keys.
 * Field names and issue messages come from the engine's dictionaries.
 */
import type { Lang, Severity, Unit } from '../engine';
import type { HostErrorCode, ProgressStep } from '../office/types';

type UnitSource = 'option' | 'title' | 'header' | 'magnitude' | 'default';

export const zh = {
  appTitle: '绩效自评助手',
  langTag: 'zh-CN',

  // actions
  validate: '校验',
  fill: '生成汇总与文字',
  forceFill: '仍然生成（标注“未经校验”）',
  actions: '操作',
  busyValidate: '正在校验…',
  busyFill: '正在生成…',
  busySave: '正在保存…',
  progressSteps: { reading: '正在读取工作表…', analysing: '正在校验与计算…', writing: '正在写入工作表…', done: '完成' } satisfies Record<
    ProgressStep,
    string
  >,

  // messages
  errorTitle: '操作未完成',
  errorDetail: (detail: string) => `错误代码：${detail}`,
  unexpected: '出现意外错误，这不是您的工作簿的问题。请关闭任务窗格后重试；若仍出现，请把下面的错误代码报告给开发者。',
  settingsLoadFailed: '未能读取本工作簿保存的设置，已使用默认设置。',
  dismiss: '关闭提示',
  validatedTitle: '校验完成',
  noIssues: '未发现问题。',
  filledTitle: '已生成',
  filledSheets: (sheets: string) => `已写入工作表：${sheets}`,
  blockedTitle: '存在错误，未生成汇总',
  blocked: (errors: number, sheets: string) => `发现 ${errors} 个错误，只写入了 ${sheets}。请改正后重新生成，或仍然生成（汇总表将标注“未经校验”）。`,
  listSeparator: '、',
  quoted: (name: string) => `“${name}”`,
  savedSettings: '设置已保存到本工作簿。',
  savedMap: '列对应已保存，正在重新校验。',
  startHint: '点击“校验”识别项目表并检查每一行；点击“生成汇总与文字”写入汇总表和自评文字。',
  hostErrors: {
    'cell-edit-mode': 'Excel 正在编辑单元格。请按 Enter 或 Esc 结束编辑后重试。',
    'protected-sheet': '工作表受保护，无法写入。请取消保护后重试。',
    'payload-too-large': '数据量超过 Excel 单次传输上限。',
    'too-many-cells': '表格单元格过多，超出 Excel 单次读取上限。',
    'item-not-found': '找不到该工作表或单元格，它可能已被删除或改名。',
    'unsupported-excel': '此版本的 Excel 不支持所需功能。',
    'no-table': '未找到项目表。',
    'sheet-not-found': '找不到指定的工作表。',
    'write-failed': '写入工作表失败。',
    unknown: '出现未知错误。',
  } satisfies Record<HostErrorCode, string>,

  // table
  tableHeading: '识别的项目表',
  noTable: '尚未识别。点击“校验”开始。',
  sheet: '工作表',
  headerRows: '表头行',
  projects: '项目行数',
  unit: '金额单位',
  unitSources: { option: '设置指定', title: '标题行注明', header: '表头注明', magnitude: '按数值大小推断', default: '默认' } satisfies Record<
    UnitSource,
    string
  >,
  unitWithSource: (unit: Unit, source: string) => `${unit}（${source}）`,
  year: '年度',
  department: '单位名称',
  notStated: '—',
  notConfident: '列的识别不确定，请核对下面的列对应。',
  editMap: '调整列对应',
  hideMap: '收起列对应',
  mapHeading: '列对应（填写列号，如 G）',
  mapHint: '留空表示自动识别。',
  saveMap: '保存列对应并重新校验',
  resetMap: '恢复自动识别',
  badColumn: '请填写列号（1 到 3 个英文字母，如 G 或 AB）。',
  duplicateColumn: (field: string) => `与“${field}”使用了同一列。`,

  // settings
  settingsHeading: '设置',
  threshold: '执行率阈值（%）',
  thresholdHint: '执行率低于该值的项目须说明偏差原因。',
  thresholdRange: '请填写 0 到 100 之间的数。',
  yearLabel: '年度',
  yearHint: '留空则从表格标题识别。',
  yearRange: '请填写 2000 到 2100 之间的年份。',
  departmentLabel: '单位名称',
  departmentHint: '留空则从表格标题识别。',
  saveSettings: '保存设置',

  // issues
  issuesHeading: '问题',
  severities: { error: '错误', warning: '警告', info: '提示' } satisfies Record<Severity, string>,
  severityCount: (severity: string, n: number) => `${severity} ${n}`,
  countsSummary: (e: number, w: number, i: number) => `${e} 个错误，${w} 个警告，${i} 个提示`,
  filter: '筛选问题',
  showSeverity: '显示的类别',
  search: '搜索问题',
  searchPlaceholder: '单元格、项目名称或文字',
  noMatch: '没有符合筛选条件的问题。',
  cellRef: (sheet: string, cell: string) => `${sheet}!${cell}`,
  issueLabel: (ref: string, message: string) => `${ref}：${message}`,
  issueHint: '点击或按 Enter 可在 Excel 中选中该单元格。',
  showAll: (n: number) => `显示全部 ${n} 条`,

  // figures
  figuresHeading: '汇总数据',
  unitNote: '金额单位：万元',
  totalBudget: '全年预算数',
  totalExecuted: '全年执行数',
  totalRate: '预算执行率',
  projectCount: '项目数',
  byCategory: '按资金类别和级次',
  byOffice: '按责任科室',
  category: '资金类别',
  office: '责任科室',
  budget: '预算数',
  executed: '执行数',
  rate: '执行率',
  levelRow: (level: string) => `其中：${level}`,
  noOffice: '（未填科室）',
  noRate: '—',
  percent: (rate: string) => `${rate}%`,

  // narrative
  narrativeHeading: '自评文字',
  narrativeNote: '',
  copy: '复制文字',
  copied: '已复制到剪贴板。',
  copyFailed: '无法写入剪贴板。请选中文字后按 Ctrl+C 复制。',
  noNarrative: '生成后在此显示自评报告第二部分的文字。',

  // unsupported
  unsupportedTitle: '需要更新 Excel',
  unsupportedBody: '绩效自评助手需要 Excel JavaScript API 1.13（ExcelApi 1.13），当前的 Excel 不支持。',
  unsupportedVersionsHeading: '以下版本的 Excel 可以使用：',
  unsupportedVersions: [
    'Excel 网页版',
    'Microsoft 365 订阅版 Excel（Windows）：版本 2102（内部版本 13801.20738）及以上',
    'Excel 2021、Excel 2024（Windows）',
    'Mac 版 Excel：16.50 及以上',
    'iPad 版 Excel：16.50 及以上',
  ],
  unsupportedOld: 'Excel 2016 和 Excel 2019 不支持。请更新 Office，或改用 Excel 网页版打开本工作簿。',
};

export type Strings = typeof zh;

export const en: Strings = {
  appTitle: 'Performance self-evaluation assistant',
  langTag: 'en-US',

  validate: 'Check',
  fill: 'Write summary and text',
  forceFill: 'Write anyway (marked “not checked”)',
  actions: 'Actions',
  busyValidate: 'Checking…',
  busyFill: 'Writing…',
  busySave: 'Saving…',
  progressSteps: { reading: 'Reading the sheets…', analysing: 'Checking and computing…', writing: 'Writing the sheets…', done: 'Done' },

  errorTitle: 'The action did not complete',
  errorDetail: (detail: string) => `Error code: ${detail}`,
  unexpected: 'Something unexpected went wrong; it is not a problem with your workbook. Close the task pane and try again; if it happens again, report the error code below to the developers.',
  settingsLoadFailed: 'Could not read the settings saved in this workbook; using the defaults.',
  dismiss: 'Dismiss message',
  validatedTitle: 'Check complete',
  noIssues: 'No problems found.',
  filledTitle: 'Written',
  filledSheets: (sheets: string) => `Sheets written: ${sheets}`,
  blockedTitle: 'Errors found: no summary written',
  blocked: (errors: number, sheets: string) =>
    `${errors} error${errors === 1 ? '' : 's'} found; only ${sheets} was written. Fix them and write again, or write anyway (the summary will be marked “not checked”).`,
  listSeparator: ', ',
  quoted: (name: string) => `“${name}”`,
  savedSettings: 'Settings saved in this workbook.',
  savedMap: 'Column mapping saved; checking again.',
  startHint: 'Click “Check” to find the project table and check every row; “Write summary and text” writes the summary sheet and the report text.',
  hostErrors: {
    'cell-edit-mode': 'Excel is editing a cell. Press Enter or Esc to finish editing, then try again.',
    'protected-sheet': 'The sheet is protected and cannot be written. Unprotect it and try again.',
    'payload-too-large': 'The data exceeds what Excel can transfer at once.',
    'too-many-cells': 'The table has more cells than Excel can read at once.',
    'item-not-found': 'The sheet or cell cannot be found; it may have been deleted or renamed.',
    'unsupported-excel': 'This version of Excel does not support what the add-in needs.',
    'no-table': 'No project table found.',
    'sheet-not-found': 'The sheet cannot be found.',
    'write-failed': 'Writing the sheet failed.',
    unknown: 'An unknown error occurred.',
  },

  tableHeading: 'Project table found',
  noTable: 'Not detected yet. Click “Check” to start.',
  sheet: 'Sheet',
  headerRows: 'Header rows',
  projects: 'Project rows',
  unit: 'Amount unit',
  unitSources: { option: 'from the settings', title: 'stated in a title line', header: 'stated in the header', magnitude: 'inferred from the amounts', default: 'default' },
  unitWithSource: (unit: Unit, source: string) => `${unit} (${source})`,
  year: 'Year',
  department: 'Unit name',
  notStated: '—',
  notConfident: 'The columns were not recognised with certainty: please check the column mapping below.',
  editMap: 'Adjust column mapping',
  hideMap: 'Hide column mapping',
  mapHeading: 'Column mapping (column letters, e.g. G)',
  mapHint: 'Leave empty to detect automatically.',
  saveMap: 'Save mapping and check again',
  resetMap: 'Detect automatically',
  badColumn: 'Enter a column (1 to 3 letters, e.g. G or AB).',
  duplicateColumn: (field: string) => `Same column as “${field}”.`,

  settingsHeading: 'Settings',
  threshold: 'Execution-rate threshold (%)',
  thresholdHint: 'Projects below this rate need a deviation reason.',
  thresholdRange: 'Enter a number from 0 to 100.',
  yearLabel: 'Year',
  yearHint: 'Leave empty to read it from the table title.',
  yearRange: 'Enter a year from 2000 to 2100.',
  departmentLabel: 'Unit name',
  departmentHint: 'Leave empty to read it from the table title.',
  saveSettings: 'Save settings',

  issuesHeading: 'Problems',
  severities: { error: 'Errors', warning: 'Warnings', info: 'Notes' },
  severityCount: (severity: string, n: number) => `${severity} ${n}`,
  countsSummary: (e: number, w: number, i: number) =>
    `${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}, ${i} note${i === 1 ? '' : 's'}`,
  filter: 'Filter problems',
  showSeverity: 'Kinds shown',
  search: 'Search problems',
  searchPlaceholder: 'Cell, project name or text',
  noMatch: 'No problem matches the filter.',
  cellRef: (sheet: string, cell: string) => `${sheet}!${cell}`,
  issueLabel: (ref: string, message: string) => `${ref}: ${message}`,
  issueHint: 'Click or press Enter to select the cell in Excel.',
  showAll: (n: number) => `Show all ${n}`,

  figuresHeading: 'Figures',
  unitNote: 'Amounts in 万元 (10,000 yuan)',
  totalBudget: 'Full-year budget',
  totalExecuted: 'Executed',
  totalRate: 'Execution rate',
  projectCount: 'Projects',
  byCategory: 'By fund category and level',
  byOffice: 'By responsible office',
  category: 'Fund category',
  office: 'Office',
  budget: 'Budget',
  executed: 'Executed',
  rate: 'Rate',
  levelRow: (level: string) => `of which ${level}`,
  noOffice: '(no office)',
  noRate: '—',
  percent: (rate: string) => `${rate}%`,

  narrativeHeading: 'Report text',
  narrativeNote: 'The text is in Chinese, as the report is filed.',
  copy: 'Copy text',
  copied: 'Copied to the clipboard.',
  copyFailed: 'Could not write to the clipboard. Select the text and press Ctrl+C.',
  noNarrative: 'The text of the report’s section 二 appears here once written.',

  unsupportedTitle: 'Excel needs an update',
  unsupportedBody: 'The assistant needs the Excel JavaScript API 1.13 (ExcelApi 1.13), which this Excel does not support.',
  unsupportedVersionsHeading: 'These versions of Excel have it:',
  unsupportedVersions: [
    'Excel on the web',
    'Excel for Microsoft 365 on Windows: Version 2102 (Build 13801.20738) or later',
    'Excel 2021 and Excel 2024 on Windows',
    'Excel on Mac: 16.50 or later',
    'Excel on iPad: 16.50 or later',
  ],
  unsupportedOld: 'Excel 2016 and Excel 2019 do not. Update Office, or open this workbook in Excel on the web.',
};

const DICTIONARIES: Record<Lang, Strings> = { zh, en };

export function strings(lang: Lang): Strings {
  return DICTIONARIES[lang];
}
