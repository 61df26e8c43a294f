/**
 * A fake Excel for tests and the workbench: the part of the Excel JavaScript API the add-in's host
 * uses, over an in-memory workbook, stricter than the real thing where that catches host bugs:
 * PropertyNotLoaded on a read before load + sync, the 5 MB request and response limits and the
 * 5,000,000-cell read limit of Excel on the web everywhere, nothing applied before `sync()`.
 *
 * No Node APIs here (it runs in a browser too): loading from a file is in node.ts, from .xlsx
 * bytes in xlsx.ts.
 *
 * @example
 * const fake = FakeExcel.fromGrid(grid);
 * const host = createExcelHost(fake.run, 'zh');
 * await host.validate(DEFAULT_SETTINGS);
 * expect(fake.syncCount).toBe(2);
 */
import type { RawValue, ValueType, WorkbookGrid } from '../../src/engine/grid';
import { parseRangeAddress } from '../../src/engine/grid';
import { FakeOfficeError, FakeUsageError, officeError } from './errors';
import { type Action, type Delivery, FakeRequestContext, type FakeRuntime, type WriteLogEntry } from './excel';
import { type Cell, type PartModel, type Rect, type SheetModel, WorkbookModel, parseAddress, rootNamespace } from './model';

export { FakeOfficeError, FakeUsageError } from './errors';
export type { WriteLogEntry } from './excel';
export { FakeRequestContext } from './excel';

/** Excel on the web's limits. */
export const LIMITS = { requestBytes: 5_000_000, responseBytes: 5_000_000, readCells: 5_000_000 };

export interface SyncRecord {
  /** 1-based, over the fake's life. */
  index: number;
  actions: number;
  requestBytes: number;
  responseBytes: number;
  cellsRead: number;
  /** `application.suspendApiCalculationUntilNextSync()` was queued in this sync. */
  suspended: boolean;
  /** The error code the sync failed with, if it failed. */
  error?: string;
}

export interface SyncFault {
  /** Which sync fails: its 1-based number over the fake's life (see `syncCount`). */
  at: number;
  code: string;
  /** The share of the sync's actions applied before it fails (default 0.5: a failure mid-write). */
  applied?: number;
}

export interface CellView {
  value: RawValue;
  type: ValueType;
  formula?: string;
  numberFormat: string;
  cell?: Cell;
}

export class FakeExcel implements FakeRuntime {
  readonly model = new WorkbookModel();
  readonly limits = { ...LIMITS };
  syncCount = 0;
  readonly syncs: SyncRecord[] = [];
  readonly writeLog: WriteLogEntry[] = [];
  /** Every Excel.run started, for tests that count them. */
  runCount = 0;
  private current: SyncRecord | undefined;
  private readonly faults: SyncFault[] = [];
  /** Excel is in cell-edit mode: every sync fails, nothing applied. */
  cellEditMode = false;
  /** Ids of the sheets the workbook was loaded with. */
  readonly originalSheetIds = new Set<number>();

  /**
   * `Excel.run` over this workbook (only the `run(batch)` form). Queued actions left unsynced at
   * the end are an error here: a careful host syncs explicitly.
   */
  readonly run = (async <T>(batch: (context: Excel.RequestContext) => Promise<T>): Promise<T> => {
    if (typeof batch !== 'function') throw new FakeUsageError('this fake supports Excel.run(batch) only');
    this.runCount++;
    const context = new FakeRequestContext(this);
    try {
      const result = await batch(context as unknown as Excel.RequestContext);
      if (context.pending > 0) throw new FakeUsageError(`Excel.run ended with ${context.pending} queued action(s) never synced`);
      return result;
    } finally {
      context.closed = true;
    }
  }) as unknown as typeof Excel.run;

  /** A fake holding the sheets of a grid as Office.js presents them (what readWorkbookBytes gives). */
  static fromGrid(grid: WorkbookGrid, options: { parts?: PartModel[] } = {}): FakeExcel {
    const fake = new FakeExcel();
    for (const g of grid.sheets) {
      const sheet = fake.model.addSheet(g.name, g.visibility ?? 'Visible', true);
      fake.originalSheetIds.add(sheet.id);
      g.values.forEach((row, r) => {
        row.forEach((value, c) => {
          const type = g.valueTypes[r]?.[c] ?? 'Empty';
          const numberFormat = g.numberFormats[r]?.[c] ?? 'General';
          const f = g.formulas?.[r]?.[c];
          const formula = typeof f === 'string' && f.startsWith('=') ? f : undefined;
          if (type === 'Empty' && formula === undefined && numberFormat === 'General') return;
          const cell = sheet.ensure(g.top + r, g.left + c);
          cell.value = value;
          cell.type = type;
          cell.numberFormat = numberFormat;
          if (formula !== undefined) cell.formula = formula;
        });
      });
      sheet.merges = g.merges
        .map((m) => parseRangeAddress(m))
        .filter((r): r is NonNullable<typeof r> => r !== undefined)
        .map((r) => ({ r0: r.start.row, c0: r.start.col, r1: r.end.row, c1: r.end.col }));
    }
    for (const p of options.parts ?? []) fake.model.parts.push({ ...p, namespaceUri: p.namespaceUri || rootNamespace(p.xml) });
    fake.model.touch();
    return fake;
  }

  // ---- faults

  /** Makes a later sync fail with `code`, after applying part of its actions. */
  failSync(fault: SyncFault): void {
    this.faults.push(fault);
  }

  protectSheet(name: string, on = true): void {
    const sheet = this.model.findSheet(name);
    if (!sheet) throw new Error(`no sheet ${name}`);
    sheet.protected = on;
  }

  protectStructure(on = true): void {
    this.model.structureProtected = on;
  }

  // ---- the runtime the proxies use

  log(entry: Omit<WriteLogEntry, 'sync'>): void {
    this.writeLog.push({ sync: this.syncCount, ...entry });
  }

  countCellsRead(n: number): void {
    if (this.current) this.current.cellsRead += n;
  }

  suspendCalculation(): void {
    if (this.current) this.current.suspended = true;
  }

  async sync(context: FakeRequestContext): Promise<void> {
    // Never synchronous: a host that forgets to await sees nothing happen.
    await Promise.resolve();
    if (context.closed) throw new FakeUsageError('sync() after the Excel.run ended');
    const actions: Action[] = context.take();
    this.syncCount++;
    const record: SyncRecord = { index: this.syncCount, actions: actions.length, requestBytes: 0, responseBytes: 0, cellsRead: 0, suspended: false };
    this.syncs.push(record);
    const fail = (e: unknown): never => {
      record.error = e instanceof FakeOfficeError ? e.code : String(e);
      throw e;
    };
    if (this.cellEditMode) fail(officeError('InvalidOperationInCellEditMode', 'RequestContext.sync'));
    record.requestBytes = actions.reduce((n, a) => n + a.bytes, 0);
    if (record.requestBytes > this.limits.requestBytes) fail(officeError('RequestPayloadSizeLimitExceeded', 'RequestContext.sync'));
    const fault = this.faults.find((f) => f.at === this.syncCount);
    const stopAt = fault ? Math.floor(actions.length * (fault.applied ?? 0.5)) : actions.length;
    const deliveries: Delivery[] = [];
    this.current = record;
    try {
      for (let i = 0; i < actions.length; i++) {
        if (fault && i === stopAt) fail(officeError(fault.code, `${actions[i].path}.${actions[i].op}`));
        const d = actions[i].run();
        if (d) deliveries.push(d);
      }
      if (fault) fail(officeError(fault.code, 'RequestContext.sync'));
    } catch (e) {
      fail(e);
    } finally {
      this.current = undefined;
    }
    record.responseBytes = deliveries.reduce((n, d) => n + d.bytes, 0);
    if (record.responseBytes > this.limits.responseBytes) fail(officeError('ResponsePayloadSizeLimitExceeded', 'RequestContext.sync'));
    for (const d of deliveries) d.deliver();
  }

  // ---- inspection, for tests

  sheetNames(): string[] {
    return this.model.sheets.map((s) => s.name);
  }

  sheet(name: string): SheetModel {
    const s = this.model.findSheet(name);
    if (!s) throw new Error(`no sheet ${name}`);
    return s;
  }

  /** A cell as Excel presents it (value, type, formula, format). */
  cell(sheetName: string, address: string): CellView {
    const sheet = this.sheet(sheetName);
    const rect = parseAddress(address);
    if (!rect) throw new Error(`bad address ${address}`);
    const p = this.model.present(sheet, rect.r0, rect.c0);
    const cell = sheet.get(rect.r0, rect.c0);
    return { value: p.value, type: p.type, formula: cell?.formula, numberFormat: cell?.numberFormat ?? 'General', cell };
  }

  /** The used range's values as Excel presents them, from A1 (rows × columns of the bounding box). */
  presentedValues(sheetName: string): { values: RawValue[][]; types: ValueType[][]; formulas: RawValue[][] } {
    const sheet = this.sheet(sheetName);
    const used: Rect | null = sheet.usedRect(true);
    const values: RawValue[][] = [];
    const types: ValueType[][] = [];
    const formulas: RawValue[][] = [];
    if (!used) return { values, types, formulas };
    for (let r = 0; r <= used.r1; r++) {
      const v: RawValue[] = [];
      const t: ValueType[] = [];
      const f: RawValue[] = [];
      for (let c = 0; c <= used.c1; c++) {
        const p = this.model.present(sheet, r, c);
        v.push(p.value);
        t.push(p.type);
        f.push(this.model.formulaOf(sheet, r, c));
      }
      values.push(v);
      types.push(t);
      formulas.push(f);
    }
    return { values, types, formulas };
  }

  /** The writes that touched a sheet the workbook was loaded with (a user's sheet, or an owned one). */
  writesToOriginalSheets(): WriteLogEntry[] {
    return this.writeLog.filter((w) => w.sheetId !== null && this.originalSheetIds.has(w.sheetId));
  }
}
