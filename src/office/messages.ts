/**
 * What the pane says when an action fails: what happened and what to do, per language, keyed by
 * HostErrorCode so that a missing message does not compile. `{name}` marks a parameter.
 */
import type { Lang } from '../engine';
import type { HostErrorCode } from './types';

export type HostMessages = Record<HostErrorCode, string>;

/** Messages more precise than the code's, for the cases the host can name. */
export const HOST_NOTES = [
  'protected-sheet-named',
  'structure-protected',
  'too-many-cells-in',
  'write-failed-leftover',
  'hidden-sheet',
  'bad-cell',
] as const;

export type HostNote = (typeof HOST_NOTES)[number];

export const zhCN: { messages: HostMessages; notes: Record<HostNote, string> } = {
  messages: {
    'cell-edit-mode': 'Excel 正在编辑单元格。请按 Enter 或 Esc 结束编辑后重试。',
    'protected-sheet': '工作表或工作簿受保护，助手无法写入。请在“审阅”选项卡中撤销工作表保护或工作簿保护后重试。',
    'payload-too-large': '一次要传输的数据超过了 Excel 的上限（5 MB）。请缩短单元格中过长的文字，或删除表格以外的多余内容后重试。',
    'too-many-cells': '工作表的已用区域超过 5,000,000 个单元格，Excel 无法读取。请删除表格以外的多余内容，或在设置中指定项目表所在的工作表。',
    'item-not-found': '找不到要定位的工作表或单元格，它可能已被重命名或删除。请重新校验后再试。',
    'unsupported-excel': '此版本的 Excel 不支持助手所需的功能。请使用 Microsoft 365 版 Excel、Excel 2021 或更新版本，或 Excel 网页版。',
    'no-table':
      '未找到项目表：没有一行表头同时含“项目名称”和至少两个已知列（如“全年预算数”“全年执行数”）。已查找的工作表：{sheets}。请在设置中指定项目表所在的工作表和列。',
    'sheet-not-found': '找不到设置中指定的工作表“{sheet}”。请在设置中重新选择项目表所在的工作表。',
    'write-failed':
      '写入结果时出错（{code}）。助手已清理未写完的工作表，没有留下写了一半的内容，您的数据未被改动。请重试；如仍失败，请保存并重新打开工作簿。',
    unknown: 'Excel 报告了一个错误（{code}）。请重试；如仍失败，请保存并重新打开工作簿，并把此信息告诉我们。',
  },
  notes: {
    'protected-sheet-named': '工作表“{sheet}”受保护，助手不会改动它。请先在“审阅”选项卡中撤销该工作表的保护后重试。',
    'structure-protected': '工作簿结构受保护，助手无法添加或替换工作表。请先在“审阅”选项卡中取消“保护工作簿”后重试。',
    'too-many-cells-in':
      '工作表“{sheet}”的已用区域 {address} 有 {cells} 个单元格，超过 Excel 一次可读取的 5,000,000 个。请删除表格以外的多余内容（例如远处单元格中的零星数据），或在设置中指定项目表所在的工作表。',
    'write-failed-leftover':
      '写入结果时出错（{code}），且未能删除隐藏的临时工作表。您的数据未被改动；助手下次写入时会删除这些临时工作表，您也可以取消隐藏后手动删除以“~jixiao-”开头的工作表。',
    'hidden-sheet': '工作表“{sheet}”已隐藏，无法定位到单元格 {cell}。请先取消隐藏该工作表。',
    'bad-cell': '“{cell}”不是有效的单元格地址。',
  },
};

export const enUS: { messages: HostMessages; notes: Record<HostNote, string> } = {
  messages: {
    'cell-edit-mode': 'Excel is editing a cell. Press Enter or Esc to finish editing, then try again.',
    'protected-sheet': 'A sheet or the workbook is protected, so the assistant cannot write. Unprotect it on the Review tab, then try again.',
    'payload-too-large':
      'The data to transfer exceeds Excel’s 5 MB limit. Shorten very long cell texts or delete stray content outside the table, then try again.',
    'too-many-cells':
      'The used range of a sheet exceeds 5,000,000 cells, which Excel cannot read. Delete stray content outside the table, or choose the table’s sheet in the settings.',
    'item-not-found': 'The sheet or cell to go to was not found; it may have been renamed or deleted. Validate again, then retry.',
    'unsupported-excel':
      'This version of Excel lacks features the assistant needs. Use Excel for Microsoft 365, Excel 2021 or later, or Excel on the web.',
    'no-table':
      'No project table found: no header row names 项目名称 and at least two other known columns (such as 全年预算数, 全年执行数). Sheets searched: {sheets}. Choose the table’s sheet and columns in the settings.',
    'sheet-not-found': 'The sheet “{sheet}” chosen in the settings was not found. Choose the table’s sheet again in the settings.',
    'write-failed':
      'Writing the results failed ({code}). The assistant removed what it had not finished writing: no half-written sheet is left and your data is unchanged. Try again; if it fails again, save and reopen the workbook.',
    unknown: 'Excel reported an error ({code}). Try again; if it fails again, save and reopen the workbook, and send us this message.',
  },
  notes: {
    'protected-sheet-named': 'The sheet “{sheet}” is protected, so the assistant leaves it alone. Unprotect it on the Review tab, then try again.',
    'structure-protected': 'The workbook’s structure is protected, so the assistant cannot add or replace sheets. Unprotect the workbook on the Review tab, then try again.',
    'too-many-cells-in':
      'The used range {address} of the sheet “{sheet}” has {cells} cells, more than the 5,000,000 Excel can read at once. Delete stray content outside the table, or choose the table’s sheet in the settings.',
    'write-failed-leftover':
      'Writing the results failed ({code}) and the hidden temporary sheets could not be removed. Your data is unchanged; the assistant removes them the next time it writes, or unhide and delete the sheets whose names start with “~jixiao-”.',
    'hidden-sheet': 'The sheet “{sheet}” is hidden, so the cell {cell} cannot be shown. Unhide the sheet first.',
    'bad-cell': '“{cell}” is not a cell address.',
  },
};

const DICTIONARIES = { zh: zhCN, en: enUS } as const;

function fill(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => params[key] ?? whole);
}

export function hostMessage(code: HostErrorCode, lang: Lang, params: Record<string, string> = {}): string {
  return fill(DICTIONARIES[lang].messages[code], { sheets: lang === 'zh' ? '（无）' : '(none)', code: '—', ...params });
}

export function hostNote(note: HostNote, lang: Lang, params: Record<string, string> = {}): string {
  return fill(DICTIONARIES[lang].notes[note], params);
}
