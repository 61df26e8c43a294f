/**
 * What the workbench page shares with the task pane and the function file it hosts in iframes:
 * the current fake Excel, and the ribbon handlers the function file associates.
 */
import type { FakeExcel } from '../fake-excel';

export interface RibbonEvent {
  completed: () => void;
}

export type RibbonHandler = (event: RibbonEvent) => unknown;

export interface WorkbenchBridge {
  /** The workbook open in the workbench now (a new one after "open"). */
  current(): FakeExcel;
  /** The display language the fake Office reports ('zh-CN' or 'en-US'). */
  displayLanguage: string;
  /** Called by the function file's Office.actions.associate. */
  associate(name: string, handler: RibbonHandler): void;
  /** Called after every Excel.run, so the grid redraws. */
  changed(): void;
}

declare global {
  interface Window {
    __jixiaoWorkbench?: WorkbenchBridge;
  }
}
