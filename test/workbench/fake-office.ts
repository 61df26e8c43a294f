/**
 * The workbench's stand-in for Microsoft's office.js, loaded before the real task pane and function
 * file bundles in their iframes: `Office` and `Excel` globals bound to the workbench's fake Excel.
 * Only what the add-in uses: Office.onReady, context.displayLanguage, context.requirements,
 * actions.associate, and Excel.run.
 */
import type { WorkbenchBridge } from './bridge';

function bridge(): WorkbenchBridge {
  const b = window.parent.__jixiaoWorkbench;
  if (!b) throw new Error('fake office.js must run inside the workbench page');
  return b;
}

const run = (async (batch: (context: Excel.RequestContext) => Promise<unknown>) => {
  try {
    return await (bridge().current().run as unknown as (b: typeof batch) => Promise<unknown>)(batch);
  } finally {
    bridge().changed();
  }
}) as unknown as typeof Excel.run;

const fakeOffice = {
  onReady(callback?: (info: { host: string; platform: string }) => void) {
    const info = { host: 'Excel', platform: 'OfficeOnline' };
    return Promise.resolve().then(() => {
      callback?.(info);
      return info;
    });
  },
  context: {
    get displayLanguage() {
      return bridge().displayLanguage;
    },
    requirements: {
      isSetSupported(name: string, version?: string) {
        return name === 'ExcelApi' && Number(version ?? '1.1') <= 1.13;
      },
    },
  },
  actions: {
    associate(name: string, handler: (event: { completed: () => void }) => unknown) {
      bridge().associate(name, handler);
    },
  },
};

(window as unknown as { Office: unknown }).Office = fakeOffice;
(window as unknown as { Excel: unknown }).Excel = { run };
