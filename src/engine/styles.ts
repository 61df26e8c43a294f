import type { CellStyle } from './types';

/**
 * How each semantic cell style looks, in one place for every host: the package writer turns it
 * into styles.xml entries, the Office.js host into range formats. Print-ready, a Song-style CJK font.
 * Colours are RRGGBB.
 */
export interface CellLook {
  size: number;
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
  color?: string;
  fill?: string;
  border: boolean;
  numberFormat: string;
  horizontal?: 'left' | 'center' | 'right';
  vertical: 'top' | 'center';
  wrap?: boolean;
}

export const FONT_NAME = '宋体';

/** Text cells are formatted as text, so that no spreadsheet takes them for a formula. */
export const TEXT_FORMAT = '@';

export const CELL_LOOKS: Record<CellStyle, CellLook> = {
  title: { size: 16, bold: true, border: false, numberFormat: TEXT_FORMAT, horizontal: 'center', vertical: 'center' },
  subtitle: { size: 11, border: false, numberFormat: TEXT_FORMAT, horizontal: 'center', vertical: 'center' },
  header: { size: 11, bold: true, fill: 'D9D9D9', border: true, numberFormat: TEXT_FORMAT, horizontal: 'center', vertical: 'center', wrap: true },
  text: { size: 11, border: true, numberFormat: TEXT_FORMAT, vertical: 'center' },
  wrap: { size: 11, border: true, numberFormat: TEXT_FORMAT, vertical: 'top', wrap: true },
  paragraph: { size: 11, border: false, numberFormat: TEXT_FORMAT, horizontal: 'left', vertical: 'top', wrap: true },
  money: { size: 11, border: true, numberFormat: '#,##0.00', horizontal: 'right', vertical: 'center' },
  percent: { size: 11, border: true, numberFormat: '0.00%', horizontal: 'right', vertical: 'center' },
  integer: { size: 11, border: true, numberFormat: '0', horizontal: 'right', vertical: 'center' },
  'total-text': { size: 11, bold: true, border: true, numberFormat: TEXT_FORMAT, vertical: 'center' },
  'total-money': { size: 11, bold: true, border: true, numberFormat: '#,##0.00', horizontal: 'right', vertical: 'center' },
  'total-percent': { size: 11, bold: true, border: true, numberFormat: '0.00%', horizontal: 'right', vertical: 'center' },
  link: { size: 11, underline: true, color: '0563C1', border: true, numberFormat: TEXT_FORMAT, vertical: 'center' },
  note: { size: 10, italic: true, color: '7F7F7F', border: false, numberFormat: TEXT_FORMAT, vertical: 'top' },
  'severity-error': { size: 11, bold: true, color: 'C00000', border: true, numberFormat: TEXT_FORMAT, horizontal: 'center', vertical: 'center' },
  'severity-warning': { size: 11, bold: true, color: 'B26B00', border: true, numberFormat: TEXT_FORMAT, horizontal: 'center', vertical: 'center' },
  'severity-info': { size: 11, bold: true, color: '1F4E79', border: true, numberFormat: TEXT_FORMAT, horizontal: 'center', vertical: 'center' },
};
