/**
 * The task pane's entry (webpack: taskpane = src/taskpane/main.tsx, template taskpane.html).
 * Nothing renders before Office is ready; an Excel without ExcelApi 1.13 gets a page saying so.
 */
import type { Lang } from '../engine';
import { createExcelHost } from '../office/excel-host';
import { mountTaskpane, mountUnsupported } from './mount';

/** The Excel host's minimum requirement set. */
const REQUIRED = { set: 'ExcelApi', version: '1.13' } as const;

function paneLang(displayLanguage: string | undefined): Lang {
  return /^en\b/i.test(displayLanguage ?? '') ? 'en' : 'zh';
}

void Office.onReady(() => {
  const root = document.getElementById('root');
  if (!root) throw new Error('taskpane.html has no #root element');
  const lang = paneLang(Office.context?.displayLanguage);
  const supported = Office.context?.requirements?.isSetSupported(REQUIRED.set, REQUIRED.version) === true;
  if (!supported) {
    mountUnsupported(root, lang);
    return;
  }
  mountTaskpane(root, createExcelHost(Excel.run, lang));
});
