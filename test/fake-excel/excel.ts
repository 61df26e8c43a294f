/**
 * Proxies of the Excel JavaScript API over the fake's model, with Office.js semantics:
 * - every call queues an action; nothing reaches the workbook before `context.sync()`;
 * - a property is readable only once loaded AND synced (else PropertyNotLoaded, as Excel throws);
 * - `isNullObject` is readable only after the sync that resolved the object;
 * - a failing action fails the sync; the actions before it stay applied (Excel has no rollback).
 * Types come from @types/office-js, so a host typed against Excel compiles against this.
 */
import { cellAddress } from '../../src/engine/grid';
import { FakeUsageError, officeError, propertyNotLoaded } from './errors';
import { FormulaSyntaxError, tryEvaluate } from './formula';
import {
  addressSheetName,
  type Cell,
  type CellFormat,
  checkSheetName,
  type Hyperlink,
  intersects,
  jsonBytes,
  MAX_COLUMNS,
  MAX_ROWS,
  parseAddress,
  type PartModel,
  type Rect,
  rectAddress,
  rootNamespace,
  type SheetModel,
  type Visibility,
  type WorkbookModel,
} from './model';

export interface WriteLogEntry {
  /** 1-based number of the sync that applied the write. */
  sync: number;
  kind: string;
  /** The sheet written (its stable id and its name at the time), or null for a workbook-level write. */
  sheetId: number | null;
  sheet: string | null;
  address?: string;
}

/** What the proxies need from the fake that owns them. */
export interface FakeRuntime {
  readonly model: WorkbookModel;
  readonly limits: { readCells: number };
  log(entry: Omit<WriteLogEntry, 'sync'>): void;
  countCellsRead(n: number): void;
  suspendCalculation(): void;
  sync(context: FakeRequestContext): Promise<void>;
}

export interface Delivery {
  bytes: number;
  deliver(): void;
}

export interface Action {
  path: string;
  op: string;
  /** Size of the action in the request, in bytes of its JSON. */
  bytes: number;
  run(): Delivery | void;
}

export class FakeRequestContext {
  readonly workbook: FakeWorkbook;
  readonly application: FakeApplication;
  readonly trackedObjects = { add: (): void => undefined, remove: (): void => undefined };
  private queue: Action[] = [];
  closed = false;

  constructor(readonly runtime: FakeRuntime) {
    this.workbook = new FakeWorkbook(this);
    this.application = new FakeApplication(this);
  }

  enqueue(action: Action): void {
    if (this.closed) throw new FakeUsageError(`${action.path}.${action.op}: the Excel.run this object belongs to has ended`);
    this.queue.push(action);
  }

  /** Takes the queued actions (the fake's sync runs them). */
  take(): Action[] {
    const q = this.queue;
    this.queue = [];
    return q;
  }

  get pending(): number {
    return this.queue.length;
  }

  sync(): Promise<void> {
    return this.runtime.sync(this);
  }
}

// ---------------------------------------------------------------------------------------------
// Loading

interface LoadSpec {
  props: string[];
  nested: Map<string, LoadSpec>;
}

type LoadArg = string | string[] | { select?: string; expand?: string } | Record<string, unknown> | undefined;

function emptySpec(): LoadSpec {
  return { props: [], nested: new Map() };
}

function addPath(spec: LoadSpec, path: string): void {
  const segments = path
    .split('/')
    .map((s) => s.trim())
    .filter(Boolean);
  if (segments.length === 0) return;
  let cur = spec;
  for (let i = 0; i < segments.length - 1; i++) {
    let next = cur.nested.get(segments[i]);
    if (!next) {
      next = emptySpec();
      cur.nested.set(segments[i], next);
    }
    cur = next;
  }
  const leaf = segments[segments.length - 1];
  if (!cur.props.includes(leaf)) cur.props.push(leaf);
}

function addOptions(spec: LoadSpec, options: Record<string, unknown>, prefix: string): void {
  for (const [key, v] of Object.entries(options)) {
    if (key === '$all') throw new FakeUsageError('load({ $all }) loads everything: name the properties');
    if (v === true) addPath(spec, prefix + key);
    else if (typeof v === 'object' && v !== null) addOptions(spec, v as Record<string, unknown>, `${prefix}${key}/`);
  }
}

function parseLoad(arg: LoadArg): LoadSpec {
  const spec = emptySpec();
  if (typeof arg === 'string') for (const p of arg.split(',')) addPath(spec, p);
  else if (Array.isArray(arg)) for (const p of arg) addPath(spec, p);
  else if (arg && typeof arg === 'object') {
    if ('select' in arg || 'expand' in arg) {
      const o = arg as { select?: string; expand?: string };
      for (const p of (o.select ?? '').split(',')) addPath(spec, p);
      for (const p of (o.expand ?? '').split(',')) if (p.trim()) addPath(spec, `${p.trim()}/`);
    } else addOptions(spec, arg as Record<string, unknown>, '');
  }
  if (spec.props.length === 0 && spec.nested.size === 0) {
    throw new FakeUsageError('an empty load() loads every property: name the ones you read');
  }
  return spec;
}

function specBytes(spec: LoadSpec): number {
  return jsonBytes([spec.props, [...spec.nested.keys()]]);
}

// ---------------------------------------------------------------------------------------------
// The base proxy

export abstract class FakeObject<T> {
  protected abstract readonly typeName: string;
  private readonly delivered = new Map<string, unknown>();
  private nullDelivered: boolean | undefined;
  private bound: { target: T | null } | undefined;

  constructor(
    readonly context: FakeRequestContext,
    readonly path: string,
    private readonly resolver: () => T | null,
    private readonly nullable = false,
  ) {}

  protected get runtime(): FakeRuntime {
    return this.context.runtime;
  }

  /** Resolves the object when the sync processes it (once: later renames do not lose it). */
  target(): T | null {
    if (!this.bound) {
      const t = this.resolver();
      if (t === null && !this.nullable) throw officeError('ItemNotFound', this.path);
      this.bound = { target: t };
    }
    return this.bound.target;
  }

  /** The object, which must exist: acting on a null object is a host bug. */
  protected live(op: string): T {
    const t = this.target();
    if (t === null) throw new FakeUsageError(`${this.typeName}.${op} on a null object (${this.path}): check isNullObject first`);
    return t;
  }

  get isNullObject(): boolean {
    if (this.nullDelivered === undefined) throw propertyNotLoaded(this.typeName, 'isNullObject');
    return this.nullDelivered;
  }

  /** Queues the action that creates this proxy in Excel (a method call): resolves it, or fails the sync. */
  created(op: string, args: unknown): this {
    this.context.enqueue({
      path: this.path,
      op,
      bytes: jsonBytes([this.path, op, args]),
      run: () => {
        const t = this.target();
        return { bytes: 8, deliver: () => (this.nullDelivered = t === null) };
      },
    });
    return this;
  }

  /** Binds an item proxy created while a collection loads. */
  bindNow(): void {
    this.target();
    this.nullDelivered = false;
  }

  protected read<V>(prop: string): V {
    if (this.nullDelivered === true) throw new FakeUsageError(`${this.typeName}.${prop} read on a null object (${this.path})`);
    if (!this.delivered.has(prop)) throw propertyNotLoaded(this.typeName, prop);
    return this.delivered.get(prop) as V;
  }

  /** A loadable scalar property's value at processing time. */
  protected abstract scalar(prop: string, target: T): unknown;

  /** A navigation property, for loads through it ('format/font/bold'). */
  protected nav(prop: string): FakeObject<unknown> | undefined {
    void prop;
    return undefined;
  }

  load(arg?: LoadArg): this {
    const spec = parseLoad(arg);
    this.context.enqueue({ path: this.path, op: 'load', bytes: jsonBytes([this.path, 'load']) + specBytes(spec), run: () => this.loadNow(spec) });
    return this;
  }

  /** Runs a load at processing time; its values reach the proxy only if the whole sync succeeds. */
  loadNow(spec: LoadSpec): Delivery {
    const t = this.target();
    if (t === null) return { bytes: 12, deliver: () => (this.nullDelivered = true) };
    const values = new Map<string, unknown>();
    let bytes = 2;
    for (const prop of spec.props) {
      const v = this.scalar(prop, t);
      values.set(prop, v);
      bytes += jsonBytes(v) + prop.length + 4;
    }
    const subs: Delivery[] = [];
    for (const [name, sub] of spec.nested) {
      const child = this.nav(name);
      if (!child) throw new FakeUsageError(`${this.typeName} has no navigation property ${name} in this fake`);
      const d = child.loadNow(sub);
      subs.push(d);
      bytes += d.bytes + name.length + 4;
    }
    return {
      bytes,
      deliver: () => {
        this.nullDelivered = false;
        for (const [k, v] of values) this.delivered.set(k, v);
        for (const d of subs) d.deliver();
      },
    };
  }

  /** Queues a write; `apply` runs at processing time. */
  protected write(op: string, args: unknown, apply: (t: T) => void): void {
    this.context.enqueue({
      path: this.path,
      op,
      bytes: jsonBytes([this.path, op, args]),
      run: () => apply(this.live(op)),
    });
  }

  protected unknown(prop: string): never {
    throw new FakeUsageError(`${this.typeName}.${prop} is not loadable in this fake`);
  }
}

/** `ClientResult<T>`: its value arrives with the sync. */
export class FakeClientResult<T> {
  private delivered: { value: T } | undefined;

  get value(): T {
    if (!this.delivered) throw officeError('ValueNotLoaded', 'ClientResult.value', 'The value of the result object has not been loaded yet.');
    return this.delivered.value;
  }

  set(value: T): void {
    this.delivered = { value };
  }
}

// ---------------------------------------------------------------------------------------------
// Collections

abstract class FakeCollection<T, I extends FakeObject<unknown>> extends FakeObject<T> {
  private deliveredItems: I[] | undefined;

  get items(): I[] {
    if (!this.deliveredItems) throw propertyNotLoaded(this.typeName, 'items');
    return this.deliveredItems;
  }

  protected abstract enumerate(target: T): I[];

  protected scalar(prop: string): unknown {
    return this.unknown(prop);
  }

  override loadNow(spec: LoadSpec): Delivery {
    const t = this.target();
    // 'items/name' and a bare 'name' both load the items' properties.
    const itemSpec: LoadSpec = emptySpec();
    const own = spec.nested.get('items');
    if (own) {
      itemSpec.props.push(...own.props);
      for (const [k, v] of own.nested) itemSpec.nested.set(k, v);
    }
    for (const p of spec.props) {
      if (p === 'items') throw new FakeUsageError(`${this.typeName}.load('items') loads every property of every item: name them ('items/name')`);
      if (!itemSpec.props.includes(p)) itemSpec.props.push(p);
    }
    for (const [k, v] of spec.nested) if (k !== 'items') itemSpec.nested.set(k, v);
    if (t === null) return super.loadNow(spec);
    const items = this.enumerate(t);
    const deliveries = items.map((item) => {
      item.bindNow();
      return item.loadNow(itemSpec);
    });
    return {
      bytes: deliveries.reduce((n, d) => n + d.bytes + 1, 2),
      deliver: () => {
        this.deliveredItems = items;
        for (const d of deliveries) d.deliver();
      },
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Workbook, application

export class FakeApplication {
  constructor(private readonly context: FakeRequestContext) {}

  suspendApiCalculationUntilNextSync(): void {
    this.context.enqueue({
      path: 'application',
      op: 'suspendApiCalculationUntilNextSync',
      bytes: 60,
      run: () => this.context.runtime.suspendCalculation(),
    });
  }
}

export class FakeWorkbook extends FakeObject<WorkbookModel> {
  protected readonly typeName = 'Workbook';
  readonly worksheets: FakeWorksheetCollection;
  readonly customXmlParts: FakeCustomXmlPartCollection;
  readonly settings: FakeSettingCollection;
  readonly protection: FakeWorkbookProtection;

  constructor(context: FakeRequestContext) {
    super(context, 'workbook', () => context.runtime.model);
    this.worksheets = new FakeWorksheetCollection(context, 'workbook.worksheets', () => this.live('worksheets'));
    this.customXmlParts = new FakeCustomXmlPartCollection(context, 'workbook.customXmlParts', () => this.live('customXmlParts'));
    this.settings = new FakeSettingCollection(context, 'workbook.settings', () => this.live('settings'));
    this.protection = new FakeWorkbookProtection(context, 'workbook.protection', () => this.live('protection'));
  }

  get name(): Excel.Workbook['name'] {
    return this.read('name');
  }

  protected scalar(prop: string, wb: WorkbookModel): unknown {
    if (prop === 'name') return wb.name;
    return this.unknown(prop);
  }

  protected override nav(prop: string): FakeObject<unknown> | undefined {
    return ({ worksheets: this.worksheets, customXmlParts: this.customXmlParts, settings: this.settings, protection: this.protection } as Record<string, FakeObject<unknown>>)[prop];
  }

  getActiveWorksheet(): FakeWorksheet {
    const model = this.context.runtime.model;
    return new FakeWorksheet(this.context, 'workbook.getActiveWorksheet()', () => {
      const s = model.activeSheetId === undefined ? undefined : model.sheetById(model.activeSheetId);
      return s ?? null;
    }).created('getActiveWorksheet', []);
  }
}

export class FakeWorkbookProtection extends FakeObject<WorkbookModel> {
  protected readonly typeName = 'WorkbookProtection';

  get protected(): Excel.WorkbookProtection['protected'] {
    return this.read('protected');
  }

  protected scalar(prop: string, wb: WorkbookModel): unknown {
    if (prop === 'protected') return wb.structureProtected;
    return this.unknown(prop);
  }
}

// ---------------------------------------------------------------------------------------------
// Worksheets

function requireStructure(model: WorkbookModel, op: string): void {
  if (model.structureProtected) throw officeError('AccessDenied', op);
}

export class FakeWorksheetCollection extends FakeCollection<WorkbookModel, FakeWorksheet> {
  protected readonly typeName = 'WorksheetCollection';

  protected enumerate(wb: WorkbookModel): FakeWorksheet[] {
    return wb.sheets.map((s, i) => new FakeWorksheet(this.context, `${this.path}.items[${i}]`, () => s));
  }

  getItem(key: Parameters<Excel.WorksheetCollection['getItem']>[0]): FakeWorksheet {
    return new FakeWorksheet(this.context, `${this.path}.getItem(${JSON.stringify(key)})`, () => this.live('getItem').findSheet(key) ?? null).created('getItem', [key]);
  }

  getItemOrNullObject(key: Parameters<Excel.WorksheetCollection['getItemOrNullObject']>[0]): FakeWorksheet {
    return new FakeWorksheet(
      this.context,
      `${this.path}.getItemOrNullObject(${JSON.stringify(key)})`,
      () => this.live('getItemOrNullObject').findSheet(key) ?? null,
      true,
    ).created('getItemOrNullObject', [key]);
  }

  /** Adds a sheet at the end; Excel does not activate it. */
  add(name?: Parameters<Excel.WorksheetCollection['add']>[0]): FakeWorksheet {
    const runtime = this.context.runtime;
    return new FakeWorksheet(this.context, `${this.path}.add(${JSON.stringify(name ?? null)})`, () => {
      const model = this.live('add');
      requireStructure(model, 'WorksheetCollection.add');
      const sheet = model.addSheet(name ?? model.defaultSheetName(), 'Visible', false);
      runtime.log({ kind: 'add-sheet', sheetId: sheet.id, sheet: sheet.name });
      return sheet;
    }).created('add', [name ?? null]);
  }
}

export class FakeWorksheet extends FakeObject<SheetModel> {
  protected readonly typeName = 'Worksheet';

  constructor(context: FakeRequestContext, path: string, resolver: () => SheetModel | null, nullable = false) {
    super(context, path, resolver, nullable);
  }

  private get model(): WorkbookModel {
    return this.runtime.model;
  }

  get name(): Excel.Worksheet['name'] {
    return this.read('name');
  }

  set name(value: Excel.Worksheet['name']) {
    this.write('name', value, (s) => {
      requireStructure(this.model, 'Worksheet.name');
      if (s.name === value) return;
      checkSheetName(value);
      const other = this.model.findSheet(value);
      if (other && other !== s) throw officeError('ItemAlreadyExists', 'Worksheet.name');
      this.runtime.log({ kind: 'rename-sheet', sheetId: s.id, sheet: value, address: s.name });
      s.name = value;
      this.model.touch();
    });
  }

  get visibility(): Excel.Worksheet['visibility'] {
    return this.read('visibility');
  }

  set visibility(value: Excel.Worksheet['visibility']) {
    this.write('visibility', value, (s) => {
      requireStructure(this.model, 'Worksheet.visibility');
      if (!['Visible', 'Hidden', 'VeryHidden'].includes(value)) throw officeError('InvalidArgument', 'Worksheet.visibility');
      if (value !== 'Visible' && s.visibility === 'Visible' && this.model.sheets.filter((x) => x.visibility === 'Visible').length === 1) {
        throw officeError('InvalidOperation', 'Worksheet.visibility');
      }
      this.runtime.log({ kind: 'visibility', sheetId: s.id, sheet: s.name, address: value });
      s.visibility = value as Visibility;
      if (value !== 'Visible' && this.model.activeSheetId === s.id) this.model.activeSheetId = this.model.sheets.find((x) => x.visibility === 'Visible')?.id;
    });
  }

  get position(): Excel.Worksheet['position'] {
    return this.read('position');
  }

  set position(value: Excel.Worksheet['position']) {
    this.write('position', value, (s) => {
      requireStructure(this.model, 'Worksheet.position');
      const sheets = this.model.sheets;
      if (!Number.isInteger(value) || value < 0 || value >= sheets.length) throw officeError('InvalidArgument', 'Worksheet.position');
      this.runtime.log({ kind: 'position', sheetId: s.id, sheet: s.name, address: String(value) });
      sheets.splice(sheets.indexOf(s), 1);
      sheets.splice(value, 0, s);
    });
  }

  get id(): Excel.Worksheet['id'] {
    return this.read('id');
  }

  protected scalar(prop: string, s: SheetModel): unknown {
    switch (prop) {
      case 'name':
        return s.name;
      case 'visibility':
        return s.visibility;
      case 'position':
        return this.model.sheets.indexOf(s);
      case 'id':
        return `{00000000-0001-0000-0000-${String(s.id).padStart(12, '0')}}`;
      default:
        return this.unknown(prop);
    }
  }

  protected override nav(prop: string): FakeObject<unknown> | undefined {
    if (prop === 'protection') return this.protection;
    return undefined;
  }

  private protectionProxy: FakeWorksheetProtection | undefined;

  /** A navigation property: the same proxy every time, as in Office.js. */
  get protection(): FakeWorksheetProtection {
    this.protectionProxy ??= new FakeWorksheetProtection(this.context, `${this.path}.protection`, () => this.live('protection'));
    return this.protectionProxy;
  }

  private freezePanesProxy: FakeFreezePanes | undefined;

  /** A navigation property: the same proxy every time, as in Office.js. */
  get freezePanes(): FakeFreezePanes {
    this.freezePanesProxy ??= new FakeFreezePanes(this.context, `${this.path}.freezePanes`, () => this.live('freezePanes'));
    return this.freezePanesProxy;
  }

  private pageLayoutProxy: FakePageLayout | undefined;

  /** A navigation property: the same proxy every time, as in Office.js. */
  get pageLayout(): FakePageLayout {
    this.pageLayoutProxy ??= new FakePageLayout(this.context, `${this.path}.pageLayout`, () => this.live('pageLayout'));
    return this.pageLayoutProxy;
  }

  getRange(address?: Parameters<Excel.Worksheet['getRange']>[0]): FakeRange {
    const rect = address === undefined || address === '' ? { r0: 0, c0: 0, r1: MAX_ROWS - 1, c1: MAX_COLUMNS - 1 } : parseAddress(address);
    return new FakeRange(this.context, `${this.path}.getRange(${JSON.stringify(address ?? '')})`, () => {
      if (!rect) throw officeError('InvalidArgument', 'Worksheet.getRange');
      return { sheet: this.live('getRange'), rect };
    }).created('getRange', [address ?? '']);
  }

  getRangeByIndexes(
    startRow: Parameters<Excel.Worksheet['getRangeByIndexes']>[0],
    startColumn: number,
    rowCount: number,
    columnCount: number,
  ): FakeRange {
    return new FakeRange(this.context, `${this.path}.getRangeByIndexes(${startRow},${startColumn},${rowCount},${columnCount})`, () => {
      const ok = [startRow, startColumn, rowCount, columnCount].every(Number.isInteger) && startRow >= 0 && startColumn >= 0 && rowCount >= 1 && columnCount >= 1;
      if (!ok || startRow + rowCount > MAX_ROWS || startColumn + columnCount > MAX_COLUMNS) throw officeError('InvalidArgument', 'Worksheet.getRangeByIndexes');
      return { sheet: this.live('getRangeByIndexes'), rect: { r0: startRow, c0: startColumn, r1: startRow + rowCount - 1, c1: startColumn + columnCount - 1 } };
    }).created('getRangeByIndexes', [startRow, startColumn, rowCount, columnCount]);
  }

  getCell(row: number, column: number): FakeRange {
    return this.getRangeByIndexes(row, column, 1, 1);
  }

  getUsedRange(valuesOnly?: boolean): FakeRange {
    return new FakeRange(this.context, `${this.path}.getUsedRange(${Boolean(valuesOnly)})`, () => {
      const s = this.live('getUsedRange');
      // An empty sheet's used range is A1.
      return { sheet: s, rect: s.usedRect(Boolean(valuesOnly)) ?? { r0: 0, c0: 0, r1: 0, c1: 0 } };
    }).created('getUsedRange', [Boolean(valuesOnly)]);
  }

  getUsedRangeOrNullObject(valuesOnly?: boolean): FakeRange {
    return new FakeRange(
      this.context,
      `${this.path}.getUsedRangeOrNullObject(${Boolean(valuesOnly)})`,
      () => {
        const s = this.live('getUsedRangeOrNullObject');
        const rect = s.usedRect(Boolean(valuesOnly));
        return rect ? { sheet: s, rect } : null;
      },
      true,
    ).created('getUsedRangeOrNullObject', [Boolean(valuesOnly)]);
  }

  delete(): void {
    this.write('delete', [], (s) => {
      const model = this.model;
      requireStructure(model, 'Worksheet.delete');
      if (s.visibility === 'Visible' && model.sheets.filter((x) => x.visibility === 'Visible').length === 1) {
        throw officeError('InvalidOperation', 'Worksheet.delete');
      }
      this.runtime.log({ kind: 'delete-sheet', sheetId: s.id, sheet: s.name });
      model.sheets = model.sheets.filter((x) => x !== s);
      if (model.activeSheetId === s.id) model.activeSheetId = model.sheets.find((x) => x.visibility === 'Visible')?.id;
      if (model.selection?.sheetId === s.id) model.selection = undefined;
      model.touch();
    });
  }

  activate(): void {
    this.write('activate', [], (s) => {
      if (s.visibility !== 'Visible') throw officeError('InvalidOperation', 'Worksheet.activate');
      this.model.activeSheetId = s.id;
      this.model.selection = { sheetId: s.id, address: 'A1' };
    });
  }
}

export class FakeWorksheetProtection extends FakeObject<SheetModel> {
  protected readonly typeName = 'WorksheetProtection';

  get protected(): Excel.WorksheetProtection['protected'] {
    return this.read('protected');
  }

  protected scalar(prop: string, s: SheetModel): unknown {
    if (prop === 'protected') return s.protected;
    return this.unknown(prop);
  }
}

export class FakeFreezePanes extends FakeObject<SheetModel> {
  protected readonly typeName = 'WorksheetFreezePanes';

  protected scalar(prop: string): unknown {
    return this.unknown(prop);
  }

  freezeRows(count?: Parameters<Excel.WorksheetFreezePanes['freezeRows']>[0]): void {
    this.write('freezeRows', [count ?? 1], (s) => {
      if (s.protected) throw officeError('AccessDenied', 'WorksheetFreezePanes.freezeRows');
      this.runtime.log({ kind: 'freeze', sheetId: s.id, sheet: s.name, address: String(count ?? 1) });
      s.freezeRows = count ?? 1;
    });
  }
}

export class FakePageLayout extends FakeObject<SheetModel> {
  protected readonly typeName = 'PageLayout';

  get orientation(): Excel.PageLayout['orientation'] {
    return this.read('orientation');
  }

  set orientation(value: Excel.PageLayout['orientation']) {
    this.write('orientation', value, (s) => {
      if (s.protected) throw officeError('AccessDenied', 'PageLayout.orientation');
      this.runtime.log({ kind: 'page-layout', sheetId: s.id, sheet: s.name, address: value });
      s.orientation = value;
    });
  }

  protected scalar(prop: string, s: SheetModel): unknown {
    if (prop === 'orientation') return s.orientation ?? 'Portrait';
    return this.unknown(prop);
  }
}

// ---------------------------------------------------------------------------------------------
// Ranges

export interface RangeTarget {
  sheet: SheetModel;
  rect: Rect;
}

const CELL_ARRAY_PROPS = new Set(['values', 'valueTypes', 'numberFormat', 'formulas', 'text']);

/** ISO or slash dates as Excel reads them when typed: the serial. */
function dateSerial(text: string): number | undefined {
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return t / 86400000 + 25569;
}

/** A number as Excel reads typed text: sign, digits with thousands separators, a decimal part, an exponent, a %. */
function typedNumber(text: string): { value: number; percent: boolean } | undefined {
  const m = /^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)?(\.\d*)?(?:[eE]([+-]?\d+))?(%?)$/.exec(text.trim());
  if (!m || (m[2] === undefined && (m[3] === undefined || m[3] === '.'))) return undefined;
  const n = Number(`${m[1]}${(m[2] ?? '0').replace(/,/g, '')}${m[3] ?? ''}${m[4] !== undefined ? `e${m[4]}` : ''}`);
  if (!Number.isFinite(n)) return undefined;
  return { value: m[5] ? n / 100 : n, percent: Boolean(m[5]) };
}

export class FakeRange extends FakeObject<RangeTarget> {
  protected readonly typeName = 'Range';

  constructor(context: FakeRequestContext, path: string, resolver: () => RangeTarget | null, nullable = false) {
    super(context, path, resolver, nullable);
  }

  private get model(): WorkbookModel {
    return this.runtime.model;
  }

  // ---- reads

  get address(): Excel.Range['address'] {
    return this.read('address');
  }

  get rowCount(): Excel.Range['rowCount'] {
    return this.read('rowCount');
  }

  get columnCount(): Excel.Range['columnCount'] {
    return this.read('columnCount');
  }

  get rowIndex(): Excel.Range['rowIndex'] {
    return this.read('rowIndex');
  }

  get columnIndex(): Excel.Range['columnIndex'] {
    return this.read('columnIndex');
  }

  get cellCount(): Excel.Range['cellCount'] {
    return this.read('cellCount');
  }

  get values(): Excel.Range['values'] {
    return this.read('values');
  }

  set values(v: Excel.Range['values']) {
    this.writeCells('values', v, (cell, value, pos) => this.enter(cell, value, pos));
  }

  get valueTypes(): Excel.Range['valueTypes'] {
    return this.read('valueTypes');
  }

  get numberFormat(): Excel.Range['numberFormat'] {
    return this.read('numberFormat');
  }

  set numberFormat(v: Excel.Range['numberFormat']) {
    this.writeCells('numberFormat', v, (cell, value) => {
      if (typeof value !== 'string') throw officeError('InvalidArgument', 'Range.numberFormat');
      cell.numberFormat = value === '' ? 'General' : value;
    });
  }

  get formulas(): Excel.Range['formulas'] {
    return this.read('formulas');
  }

  set formulas(v: Excel.Range['formulas']) {
    this.writeCells('formulas', v, (cell, value, pos) => this.enter(cell, value, pos));
  }

  get hyperlink(): Excel.Range['hyperlink'] {
    return this.read('hyperlink');
  }

  set hyperlink(link: Excel.Range['hyperlink']) {
    this.write('hyperlink', link, (t) => {
      this.guard(t, 'Range.hyperlink');
      if (typeof link !== 'object' || link === null) throw officeError('InvalidArgument', 'Range.hyperlink');
      const h: Hyperlink = { ...link };
      this.runtime.log({ kind: 'hyperlink', sheetId: t.sheet.id, sheet: t.sheet.name, address: rectAddress(t.rect) });
      for (let r = t.rect.r0; r <= t.rect.r1; r++) {
        for (let c = t.rect.c0; c <= t.rect.c1; c++) {
          const cell = t.sheet.ensure(r, c);
          cell.hyperlink = h;
          // Excel shows the link's text in the cell, entered as typed text would be.
          if (h.textToDisplay !== undefined) this.enter(cell, h.textToDisplay, { row: r, col: c });
        }
      }
      this.model.touch();
    });
  }

  private formatProxy: FakeRangeFormat | undefined;

  /** A navigation property: the same proxy every time, as in Office.js. */
  get format(): FakeRangeFormat {
    this.formatProxy ??= new FakeRangeFormat(this.context, `${this.path}.format`, () => this.live('format'));
    return this.formatProxy;
  }

  protected override nav(prop: string): FakeObject<unknown> | undefined {
    if (prop === 'format') return this.format;
    return undefined;
  }

  protected scalar(prop: string, t: RangeTarget): unknown {
    const { sheet, rect } = t;
    const rows = rect.r1 - rect.r0 + 1;
    const cols = rect.c1 - rect.c0 + 1;
    if (CELL_ARRAY_PROPS.has(prop)) {
      if (rows * cols > this.runtime.limits.readCells) throw officeError('RangeExceedsLimit', `Range.${prop}`);
      this.runtime.countCellsRead(rows * cols);
    }
    const grid = (f: (r: number, c: number) => unknown): unknown[][] => {
      const out: unknown[][] = [];
      for (let r = rect.r0; r <= rect.r1; r++) {
        const row: unknown[] = [];
        for (let c = rect.c0; c <= rect.c1; c++) row.push(f(r, c));
        out.push(row);
      }
      return out;
    };
    switch (prop) {
      case 'address':
        return `${addressSheetName(sheet.name)}!${rectAddress(rect)}`;
      case 'rowCount':
        return rows;
      case 'columnCount':
        return cols;
      case 'rowIndex':
        return rect.r0;
      case 'columnIndex':
        return rect.c0;
      case 'cellCount':
        return rows * cols;
      case 'values':
        return grid((r, c) => this.model.present(sheet, r, c).value);
      case 'valueTypes':
        return grid((r, c) => this.model.present(sheet, r, c).type);
      case 'formulas':
        return grid((r, c) => this.model.formulaOf(sheet, r, c));
      case 'numberFormat':
        return grid((r, c) => sheet.get(r, c)?.numberFormat ?? 'General');
      case 'hyperlink': {
        const h = sheet.get(rect.r0, rect.c0)?.hyperlink;
        return h ? { ...h } : null;
      }
      default:
        return this.unknown(prop);
    }
  }

  // ---- writes

  /** Sheet protection refuses every change to cells and formats. */
  private guard(t: RangeTarget, op: string): void {
    if (t.sheet.protected) throw officeError('AccessDenied', op);
  }

  /**
   * Writes a 2-D array (or one value for every cell); null leaves a cell as it is. A size that
   * does not match the range is refused, as Excel refuses it.
   */
  private writeCells(op: string, input: unknown, set: (cell: Cell, value: unknown, pos: { row: number; col: number }) => void): void {
    this.write(op, input, (t) => {
      this.guard(t, `Range.${op}`);
      const { rect, sheet } = t;
      const rows = rect.r1 - rect.r0 + 1;
      const cols = rect.c1 - rect.c0 + 1;
      const at = (r: number, c: number): unknown => (Array.isArray(input) ? (input[r] as unknown[])[c] : input);
      if (Array.isArray(input)) {
        if (input.length !== rows || input.some((row) => !Array.isArray(row) || row.length !== cols)) {
          throw officeError('InvalidArgument', `Range.${op}`, "The number of rows or columns in the input array doesn't match the size or dimensions of the range.");
        }
      } else if (input === null || input === undefined) throw officeError('InvalidArgument', `Range.${op}`);
      this.runtime.log({ kind: op, sheetId: sheet.id, sheet: sheet.name, address: rectAddress(rect) });
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const v = at(r, c);
          if (v === null) continue;
          set(sheet.ensure(rect.r0 + r, rect.c0 + c), v, { row: rect.r0 + r, col: rect.c0 + c });
        }
      }
      this.model.touch();
    });
  }

  /**
   * Puts a value into a cell as Excel takes typed input: in a cell formatted as text (@) every
   * string stays text; elsewhere '=…' is a formula, '+…', '-…' and '@…' are numbers or formulas,
   * '12%' and '2024-01-31' are numbers. That is why a host must set '@' before writing user text.
   */
  private enter(cell: Cell, value: unknown, pos: { row: number; col: number }): void {
    const setFormula = (formula: string): void => {
      const check = tryEvaluate(formula, { cell: () => ({ value: 0, type: 'Double' }) });
      if (check instanceof FormulaSyntaxError) throw officeError('InvalidArgument', `Range cell ${cellAddress(pos.row, pos.col)}`, 'There is a problem with this formula.');
      cell.formula = formula;
      cell.live = true;
      cell.value = '';
      cell.type = 'Empty';
    };
    const setValue = (v: Cell['value'], type: Cell['type']): void => {
      cell.formula = undefined;
      cell.live = undefined;
      cell.value = v;
      cell.type = type;
    };
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw officeError('InvalidArgument', 'Range.values');
      setValue(value, 'Double');
      return;
    }
    if (typeof value === 'boolean') {
      setValue(value, 'Boolean');
      return;
    }
    if (typeof value !== 'string') throw officeError('InvalidArgument', 'Range.values');
    if (value === '') {
      setValue('', 'Empty');
      return;
    }
    if (value.length > 32767) throw officeError('InvalidArgument', 'Range.values');
    if (cell.numberFormat === '@') {
      setValue(value, 'String');
      return;
    }
    if (value.startsWith("'")) {
      setValue(value.slice(1), value.length > 1 ? 'String' : 'Empty');
      return;
    }
    if (value.length > 1 && value.startsWith('=')) return setFormula(value);
    if (value.length > 1 && value.startsWith('@')) return setFormula(`=${value.slice(1)}`);
    const n = typedNumber(value);
    if (n) {
      setValue(n.value, 'Double');
      if (n.percent && cell.numberFormat === 'General') cell.numberFormat = '0%';
      return;
    }
    if (value.length > 1 && (value.startsWith('+') || value.startsWith('-'))) return setFormula(`=${value}`);
    if (/^(true|false)$/i.test(value)) {
      setValue(/^true$/i.test(value), 'Boolean');
      return;
    }
    const serial = dateSerial(value);
    if (serial !== undefined) {
      setValue(serial, 'Double');
      if (cell.numberFormat === 'General') cell.numberFormat = 'yyyy/m/d';
      return;
    }
    setValue(value, 'String');
  }

  merge(across?: Parameters<Excel.Range['merge']>[0]): void {
    this.write('merge', [Boolean(across)], (t) => {
      this.guard(t, 'Range.merge');
      const { sheet, rect } = t;
      const areas: Rect[] = across ? Array.from({ length: rect.r1 - rect.r0 + 1 }, (_, i) => ({ ...rect, r0: rect.r0 + i, r1: rect.r0 + i })) : [rect];
      for (const area of areas) {
        if (area.r0 === area.r1 && area.c0 === area.c1) continue;
        if (sheet.merges.some((m) => intersects(m, area))) throw officeError('InvalidOperation', 'Range.merge');
        // Excel keeps the top-left value only.
        for (let r = area.r0; r <= area.r1; r++) {
          for (let c = area.c0; c <= area.c1; c++) {
            if (r === area.r0 && c === area.c0) continue;
            const cell = sheet.get(r, c);
            if (cell) {
              cell.value = '';
              cell.type = 'Empty';
              cell.formula = undefined;
              cell.live = undefined;
            }
          }
        }
        sheet.merges = [...sheet.merges, area];
      }
      this.runtime.log({ kind: 'merge', sheetId: sheet.id, sheet: sheet.name, address: rectAddress(rect) });
      this.model.touch();
    });
  }

  select(): void {
    this.write('select', [], (t) => {
      if (t.sheet.visibility !== 'Visible') throw officeError('InvalidOperation', 'Range.select');
      this.model.activeSheetId = t.sheet.id;
      this.model.selection = { sheetId: t.sheet.id, address: rectAddress(t.rect) };
    });
  }

  getCell(row: number, column: number): FakeRange {
    return new FakeRange(this.context, `${this.path}.getCell(${row},${column})`, () => {
      const t = this.live('getCell');
      const r = t.rect.r0 + row;
      const c = t.rect.c0 + column;
      if (r >= MAX_ROWS || c >= MAX_COLUMNS || row < 0 || column < 0) throw officeError('InvalidArgument', 'Range.getCell');
      return { sheet: t.sheet, rect: { r0: r, c0: c, r1: r, c1: c } };
    }).created('getCell', [row, column]);
  }

  getResizedRange(deltaRows: number, deltaColumns: number): FakeRange {
    return new FakeRange(this.context, `${this.path}.getResizedRange(${deltaRows},${deltaColumns})`, () => {
      const t = this.live('getResizedRange');
      const rect = { ...t.rect, r1: t.rect.r1 + deltaRows, c1: t.rect.c1 + deltaColumns };
      if (rect.r1 < rect.r0 || rect.c1 < rect.c0 || rect.r1 >= MAX_ROWS || rect.c1 >= MAX_COLUMNS) throw officeError('InvalidArgument', 'Range.getResizedRange');
      return { sheet: t.sheet, rect };
    }).created('getResizedRange', [deltaRows, deltaColumns]);
  }

  /** The used cells within this range (values only, or anything written), or a null object. */
  getUsedRangeOrNullObject(valuesOnly?: boolean): FakeRange {
    return new FakeRange(
      this.context,
      `${this.path}.getUsedRangeOrNullObject(${Boolean(valuesOnly)})`,
      () => {
        const t = this.live('getUsedRangeOrNullObject');
        const used = t.sheet.usedRect(Boolean(valuesOnly));
        if (!used || !intersects(used, t.rect)) return null;
        // The bounding box of the used cells inside this range.
        let r0 = Infinity;
        let c0 = Infinity;
        let r1 = -1;
        let c1 = -1;
        for (let r = Math.max(used.r0, t.rect.r0); r <= Math.min(used.r1, t.rect.r1); r++) {
          for (let c = Math.max(used.c0, t.rect.c0); c <= Math.min(used.c1, t.rect.c1); c++) {
            const cell = t.sheet.get(r, c);
            if (!cell) continue;
            const hasValue = cell.formula !== undefined || (cell.type !== 'Empty' && cell.value !== '');
            if (!hasValue && (valuesOnly || (cell.numberFormat === 'General' && !cell.format))) continue;
            r0 = Math.min(r0, r);
            c0 = Math.min(c0, c);
            r1 = Math.max(r1, r);
            c1 = Math.max(c1, c);
          }
        }
        return r1 < 0 ? null : { sheet: t.sheet, rect: { r0, c0, r1, c1 } };
      },
      true,
    ).created('getUsedRangeOrNullObject', [Boolean(valuesOnly)]);
  }

  getMergedAreasOrNullObject(): FakeRangeAreas {
    return new FakeRangeAreas(
      this.context,
      `${this.path}.getMergedAreasOrNullObject()`,
      () => {
        const t = this.live('getMergedAreasOrNullObject');
        // As Excel does (office-js#3611): the merged areas whose top-left cell is in the range.
        const { rect } = t;
        const areas = t.sheet.merges.filter((m) => m.r0 >= rect.r0 && m.r0 <= rect.r1 && m.c0 >= rect.c0 && m.c0 <= rect.c1);
        return areas.length ? { sheet: t.sheet, areas } : null;
      },
      true,
    ).created('getMergedAreasOrNullObject', []);
  }
}

export interface AreasTarget {
  sheet: SheetModel;
  areas: Rect[];
}

export class FakeRangeAreas extends FakeObject<AreasTarget> {
  protected readonly typeName = 'RangeAreas';

  constructor(context: FakeRequestContext, path: string, resolver: () => AreasTarget | null, nullable = false) {
    super(context, path, resolver, nullable);
  }

  get address(): Excel.RangeAreas['address'] {
    return this.read('address');
  }

  get areaCount(): Excel.RangeAreas['areaCount'] {
    return this.read('areaCount');
  }

  private areasProxy: FakeRangeCollection | undefined;

  /** A navigation property: the same proxy every time, as in Office.js. */
  get areas(): FakeRangeCollection {
    this.areasProxy ??= new FakeRangeCollection(this.context, `${this.path}.areas`, () => this.live('areas'));
    return this.areasProxy;
  }

  protected override nav(prop: string): FakeObject<unknown> | undefined {
    return prop === 'areas' ? this.areas : undefined;
  }

  protected scalar(prop: string, t: AreasTarget): unknown {
    if (prop === 'address') return t.areas.map((a) => `${addressSheetName(t.sheet.name)}!${rectAddress(a)}`).join(',');
    if (prop === 'areaCount') return t.areas.length;
    return this.unknown(prop);
  }
}

export class FakeRangeCollection extends FakeCollection<AreasTarget, FakeRange> {
  protected readonly typeName = 'RangeCollection';

  protected enumerate(t: AreasTarget): FakeRange[] {
    return t.areas.map((rect, i) => new FakeRange(this.context, `${this.path}.items[${i}]`, () => ({ sheet: t.sheet, rect })));
  }
}

// ---------------------------------------------------------------------------------------------
// Formats

type FormatTarget = RangeTarget;

abstract class FakeFormatPart extends FakeObject<FormatTarget> {
  protected model(): WorkbookModel {
    return this.runtime.model;
  }

  /** Sets a format on every cell of the range. */
  protected setFormat(op: string, value: unknown, apply: (f: CellFormat) => void): void {
    this.write(op, value, (t) => {
      if (t.sheet.protected) throw officeError('AccessDenied', `${this.typeName}.${op}`);
      if (value === null || value === undefined) throw officeError('InvalidArgument', `${this.typeName}.${op}`);
      this.runtime.log({ kind: `format.${op}`, sheetId: t.sheet.id, sheet: t.sheet.name, address: rectAddress(t.rect) });
      for (let r = t.rect.r0; r <= t.rect.r1; r++) {
        for (let c = t.rect.c0; c <= t.rect.c1; c++) {
          const cell = t.sheet.ensure(r, c);
          cell.format ??= {};
          apply(cell.format);
        }
      }
      this.model().touch();
    });
  }

  /** A format property as Excel reports it: the value when every cell agrees, else null. */
  protected uniform(t: FormatTarget, get: (f: CellFormat | undefined) => unknown): unknown {
    let first: unknown;
    let seen = false;
    for (let r = t.rect.r0; r <= t.rect.r1; r++) {
      for (let c = t.rect.c0; c <= t.rect.c1; c++) {
        const v = get(t.sheet.get(r, c)?.format);
        if (!seen) {
          first = v;
          seen = true;
        } else if (v !== first) return null;
      }
    }
    return first;
  }
}

/** Points per character of column width (Calibri 11: 7 px a character plus 5 px padding, 0.75 pt a px). */
export function charsToPoints(chars: number): number {
  return (chars * 7 + 5) * 0.75;
}

export class FakeRangeFormat extends FakeFormatPart {
  protected readonly typeName = 'RangeFormat';

  private fontProxy: FakeRangeFont | undefined;

  /** A navigation property: the same proxy every time, as in Office.js. */
  get font(): FakeRangeFont {
    this.fontProxy ??= new FakeRangeFont(this.context, `${this.path}.font`, () => this.live('font'));
    return this.fontProxy;
  }

  private fillProxy: FakeRangeFill | undefined;

  /** A navigation property: the same proxy every time, as in Office.js. */
  get fill(): FakeRangeFill {
    this.fillProxy ??= new FakeRangeFill(this.context, `${this.path}.fill`, () => this.live('fill'));
    return this.fillProxy;
  }

  private bordersProxy: FakeRangeBorderCollection | undefined;

  /** A navigation property: the same proxy every time, as in Office.js. */
  get borders(): FakeRangeBorderCollection {
    this.bordersProxy ??= new FakeRangeBorderCollection(this.context, `${this.path}.borders`, () => this.live('borders'));
    return this.bordersProxy;
  }

  protected override nav(prop: string): FakeObject<unknown> | undefined {
    return ({ font: this.font, fill: this.fill } as Record<string, FakeObject<unknown>>)[prop];
  }

  get columnWidth(): Excel.RangeFormat['columnWidth'] {
    return this.read('columnWidth');
  }

  set columnWidth(points: Excel.RangeFormat['columnWidth']) {
    this.write('columnWidth', points, (t) => {
      if (t.sheet.protected) throw officeError('AccessDenied', 'RangeFormat.columnWidth');
      if (!(points >= 0 && points <= 255 * 7.5)) throw officeError('InvalidArgument', 'RangeFormat.columnWidth');
      this.runtime.log({ kind: 'format.columnWidth', sheetId: t.sheet.id, sheet: t.sheet.name, address: rectAddress(t.rect) });
      for (let c = t.rect.c0; c <= t.rect.c1; c++) t.sheet.columnWidths.set(c, points);
    });
  }

  get rowHeight(): Excel.RangeFormat['rowHeight'] {
    return this.read('rowHeight');
  }

  set rowHeight(points: Excel.RangeFormat['rowHeight']) {
    this.write('rowHeight', points, (t) => {
      if (t.sheet.protected) throw officeError('AccessDenied', 'RangeFormat.rowHeight');
      if (!(points >= 0 && points <= 409)) throw officeError('InvalidArgument', 'RangeFormat.rowHeight');
      this.runtime.log({ kind: 'format.rowHeight', sheetId: t.sheet.id, sheet: t.sheet.name, address: rectAddress(t.rect) });
      for (let r = t.rect.r0; r <= t.rect.r1; r++) t.sheet.rowHeights.set(r, points);
    });
  }

  get wrapText(): Excel.RangeFormat['wrapText'] {
    return this.read('wrapText');
  }

  set wrapText(v: Excel.RangeFormat['wrapText']) {
    this.setFormat('wrapText', v, (f) => (f.wrapText = v));
  }

  get horizontalAlignment(): Excel.RangeFormat['horizontalAlignment'] {
    return this.read('horizontalAlignment');
  }

  set horizontalAlignment(v: Excel.RangeFormat['horizontalAlignment']) {
    this.setFormat('horizontalAlignment', v, (f) => (f.horizontalAlignment = v));
  }

  get verticalAlignment(): Excel.RangeFormat['verticalAlignment'] {
    return this.read('verticalAlignment');
  }

  set verticalAlignment(v: Excel.RangeFormat['verticalAlignment']) {
    this.setFormat('verticalAlignment', v, (f) => (f.verticalAlignment = v));
  }

  protected scalar(prop: string, t: FormatTarget): unknown {
    switch (prop) {
      case 'columnWidth':
        return this.uniformColumns(t);
      case 'rowHeight':
        return t.sheet.rowHeights.get(t.rect.r0) ?? 15;
      case 'wrapText':
        return this.uniform(t, (f) => f?.wrapText ?? false);
      case 'horizontalAlignment':
        return this.uniform(t, (f) => f?.horizontalAlignment ?? 'General');
      case 'verticalAlignment':
        return this.uniform(t, (f) => f?.verticalAlignment ?? 'Bottom');
      default:
        return this.unknown(prop);
    }
  }

  private uniformColumns(t: FormatTarget): number | null {
    const first = t.sheet.columnWidths.get(t.rect.c0) ?? charsToPoints(8.43);
    for (let c = t.rect.c0 + 1; c <= t.rect.c1; c++) if ((t.sheet.columnWidths.get(c) ?? charsToPoints(8.43)) !== first) return null;
    return first;
  }
}

export class FakeRangeFont extends FakeFormatPart {
  protected readonly typeName = 'RangeFont';

  get bold(): Excel.RangeFont['bold'] {
    return this.read('bold');
  }

  set bold(v: Excel.RangeFont['bold']) {
    this.setFormat('font.bold', v, (f) => (f.bold = v));
  }

  get italic(): Excel.RangeFont['italic'] {
    return this.read('italic');
  }

  set italic(v: Excel.RangeFont['italic']) {
    this.setFormat('font.italic', v, (f) => (f.italic = v));
  }

  get underline(): Excel.RangeFont['underline'] {
    return this.read('underline');
  }

  set underline(v: Excel.RangeFont['underline']) {
    this.setFormat('font.underline', v, (f) => (f.underline = v));
  }

  get color(): Excel.RangeFont['color'] {
    return this.read('color');
  }

  set color(v: Excel.RangeFont['color']) {
    this.setFormat('font.color', v, (f) => (f.fontColor = v));
  }

  get size(): Excel.RangeFont['size'] {
    return this.read('size');
  }

  set size(v: Excel.RangeFont['size']) {
    this.setFormat('font.size', v, (f) => (f.fontSize = v));
  }

  get name(): Excel.RangeFont['name'] {
    return this.read('name');
  }

  set name(v: Excel.RangeFont['name']) {
    this.setFormat('font.name', v, (f) => (f.fontName = v));
  }

  protected scalar(prop: string, t: FormatTarget): unknown {
    switch (prop) {
      case 'bold':
        return this.uniform(t, (f) => f?.bold ?? false);
      case 'italic':
        return this.uniform(t, (f) => f?.italic ?? false);
      case 'underline':
        return this.uniform(t, (f) => f?.underline ?? 'None');
      case 'color':
        return this.uniform(t, (f) => f?.fontColor ?? '#000000');
      case 'size':
        return this.uniform(t, (f) => f?.fontSize ?? 11);
      case 'name':
        return this.uniform(t, (f) => f?.fontName ?? 'Calibri');
      default:
        return this.unknown(prop);
    }
  }
}

export class FakeRangeFill extends FakeFormatPart {
  protected readonly typeName = 'RangeFill';

  get color(): Excel.RangeFill['color'] {
    return this.read('color');
  }

  set color(v: Excel.RangeFill['color']) {
    this.setFormat('fill.color', v, (f) => (f.fill = v));
  }

  protected scalar(prop: string, t: FormatTarget): unknown {
    if (prop === 'color') return this.uniform(t, (f) => f?.fill ?? '#FFFFFF');
    return this.unknown(prop);
  }
}

const BORDER_INDEXES = ['EdgeTop', 'EdgeBottom', 'EdgeLeft', 'EdgeRight', 'InsideVertical', 'InsideHorizontal', 'DiagonalDown', 'DiagonalUp'];

export class FakeRangeBorderCollection extends FakeObject<FormatTarget> {
  protected readonly typeName = 'RangeBorderCollection';

  protected scalar(prop: string): unknown {
    return this.unknown(prop);
  }

  getItem(index: Parameters<Excel.RangeBorderCollection['getItem']>[0]): FakeRangeBorder {
    return new FakeRangeBorder(
      this.context,
      `${this.path}.getItem(${JSON.stringify(index)})`,
      () => {
        if (!BORDER_INDEXES.includes(index)) throw officeError('InvalidArgument', 'RangeBorderCollection.getItem');
        return this.live('getItem');
      },
      index,
    ).created('getItem', [index]);
  }
}

export class FakeRangeBorder extends FakeFormatPart {
  protected readonly typeName = 'RangeBorder';

  constructor(
    context: FakeRequestContext,
    path: string,
    resolver: () => FormatTarget | null,
    private readonly index: string,
  ) {
    super(context, path, resolver);
  }

  /** The cells whose edge this border is, and which side of them. */
  private apply(t: FormatTarget, f: (b: { style?: string; color?: string; weight?: string }) => void, op: string): void {
    if (t.sheet.protected) throw officeError('AccessDenied', `RangeBorder.${op}`);
    this.runtime.log({ kind: `format.border.${op}`, sheetId: t.sheet.id, sheet: t.sheet.name, address: `${rectAddress(t.rect)}#${this.index}` });
    const { r0, r1, c0, c1 } = t.rect;
    const sides: { r: number; c: number; side: string }[] = [];
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        if (this.index === 'EdgeTop' && r === r0) sides.push({ r, c, side: 'top' });
        if (this.index === 'EdgeBottom' && r === r1) sides.push({ r, c, side: 'bottom' });
        if (this.index === 'EdgeLeft' && c === c0) sides.push({ r, c, side: 'left' });
        if (this.index === 'EdgeRight' && c === c1) sides.push({ r, c, side: 'right' });
        if (this.index === 'InsideHorizontal' && r < r1) sides.push({ r, c, side: 'bottom' }, { r: r + 1, c, side: 'top' });
        if (this.index === 'InsideVertical' && c < c1) sides.push({ r, c, side: 'right' }, { r, c: c + 1, side: 'left' });
      }
    }
    for (const s of sides) {
      const cell = t.sheet.ensure(s.r, s.c);
      cell.format ??= {};
      cell.format.borders ??= {};
      cell.format.borders[s.side] ??= {};
      f(cell.format.borders[s.side]);
    }
    this.model().touch();
  }

  get style(): Excel.RangeBorder['style'] {
    return this.read('style');
  }

  set style(v: Excel.RangeBorder['style']) {
    this.write('style', v, (t) => this.apply(t, (b) => (b.style = v), 'style'));
  }

  get color(): Excel.RangeBorder['color'] {
    return this.read('color');
  }

  set color(v: Excel.RangeBorder['color']) {
    this.write('color', v, (t) => this.apply(t, (b) => (b.color = v), 'color'));
  }

  get weight(): Excel.RangeBorder['weight'] {
    return this.read('weight');
  }

  set weight(v: Excel.RangeBorder['weight']) {
    this.write('weight', v, (t) => this.apply(t, (b) => (b.weight = v), 'weight'));
  }

  protected scalar(prop: string): unknown {
    return this.unknown(prop);
  }
}

// ---------------------------------------------------------------------------------------------
// Custom XML parts

export class FakeCustomXmlPartCollection extends FakeCollection<WorkbookModel, FakeCustomXmlPart> {
  protected readonly typeName = 'CustomXmlPartCollection';

  protected enumerate(wb: WorkbookModel): FakeCustomXmlPart[] {
    return wb.parts.map((p, i) => new FakeCustomXmlPart(this.context, `${this.path}.items[${i}]`, () => p));
  }

  add(xml: Parameters<Excel.CustomXmlPartCollection['add']>[0]): FakeCustomXmlPart {
    const runtime = this.context.runtime;
    return new FakeCustomXmlPart(this.context, `${this.path}.add()`, () => {
      const wb = this.live('add');
      if (typeof xml !== 'string' || !/<[^\s/>!?]/.test(xml.replace(/<\?[\s\S]*?\?>/g, ''))) throw officeError('InvalidArgument', 'CustomXmlPartCollection.add');
      const part: PartModel = { id: wb.newPartId(), namespaceUri: rootNamespace(xml), xml };
      wb.parts.push(part);
      runtime.log({ kind: 'customXml.add', sheetId: null, sheet: null, address: part.namespaceUri });
      return part;
    }).created('add', [xml]);
  }

  getItem(id: string): FakeCustomXmlPart {
    return new FakeCustomXmlPart(this.context, `${this.path}.getItem(${JSON.stringify(id)})`, () => this.live('getItem').parts.find((p) => p.id === id) ?? null).created('getItem', [id]);
  }

  getItemOrNullObject(id: string): FakeCustomXmlPart {
    return new FakeCustomXmlPart(
      this.context,
      `${this.path}.getItemOrNullObject(${JSON.stringify(id)})`,
      () => this.live('getItemOrNullObject').parts.find((p) => p.id === id) ?? null,
      true,
    ).created('getItemOrNullObject', [id]);
  }

  getByNamespace(namespaceUri: Parameters<Excel.CustomXmlPartCollection['getByNamespace']>[0]): FakeCustomXmlPartScopedCollection {
    return new FakeCustomXmlPartScopedCollection(
      this.context,
      `${this.path}.getByNamespace(${JSON.stringify(namespaceUri)})`,
      () => ({ wb: this.live('getByNamespace'), ns: namespaceUri }),
    ).created('getByNamespace', [namespaceUri]);
  }
}

interface ScopedTarget {
  wb: WorkbookModel;
  ns: string;
}

export class FakeCustomXmlPartScopedCollection extends FakeCollection<ScopedTarget, FakeCustomXmlPart> {
  protected readonly typeName = 'CustomXmlPartScopedCollection';

  private parts(t: ScopedTarget): PartModel[] {
    return t.wb.parts.filter((p) => p.namespaceUri === t.ns);
  }

  protected enumerate(t: ScopedTarget): FakeCustomXmlPart[] {
    return this.parts(t).map((p, i) => new FakeCustomXmlPart(this.context, `${this.path}.items[${i}]`, () => p));
  }

  getItem(id: string): FakeCustomXmlPart {
    return new FakeCustomXmlPart(this.context, `${this.path}.getItem(${JSON.stringify(id)})`, () => this.parts(this.live('getItem')).find((p) => p.id === id) ?? null).created('getItem', [id]);
  }

  getItemOrNullObject(id: string): FakeCustomXmlPart {
    return new FakeCustomXmlPart(
      this.context,
      `${this.path}.getItemOrNullObject(${JSON.stringify(id)})`,
      () => this.parts(this.live('getItemOrNullObject')).find((p) => p.id === id) ?? null,
      true,
    ).created('getItemOrNullObject', [id]);
  }

  getOnlyItem(): FakeCustomXmlPart {
    return new FakeCustomXmlPart(this.context, `${this.path}.getOnlyItem()`, () => {
      const list = this.parts(this.live('getOnlyItem'));
      if (list.length !== 1) throw officeError(list.length === 0 ? 'ItemNotFound' : 'InvalidOperation', 'CustomXmlPartScopedCollection.getOnlyItem');
      return list[0];
    }).created('getOnlyItem', []);
  }

  getOnlyItemOrNullObject(): FakeCustomXmlPart {
    return new FakeCustomXmlPart(
      this.context,
      `${this.path}.getOnlyItemOrNullObject()`,
      () => {
        const list = this.parts(this.live('getOnlyItemOrNullObject'));
        return list.length === 1 ? list[0] : null;
      },
      true,
    ).created('getOnlyItemOrNullObject', []);
  }
}

export class FakeCustomXmlPart extends FakeObject<PartModel> {
  protected readonly typeName = 'CustomXmlPart';

  constructor(context: FakeRequestContext, path: string, resolver: () => PartModel | null, nullable = false) {
    super(context, path, resolver, nullable);
  }

  get id(): Excel.CustomXmlPart['id'] {
    return this.read('id');
  }

  get namespaceUri(): Excel.CustomXmlPart['namespaceUri'] {
    return this.read('namespaceUri');
  }

  protected scalar(prop: string, p: PartModel): unknown {
    if (prop === 'id') return p.id;
    if (prop === 'namespaceUri') return p.namespaceUri;
    return this.unknown(prop);
  }

  getXml(): FakeClientResult<string> {
    const result = new FakeClientResult<string>();
    this.context.enqueue({
      path: this.path,
      op: 'getXml',
      bytes: jsonBytes([this.path, 'getXml']),
      run: () => {
        const xml = this.live('getXml').xml;
        return { bytes: jsonBytes(xml), deliver: () => result.set(xml) };
      },
    });
    return result;
  }

  setXml(xml: string): void {
    this.write('setXml', xml, (p) => {
      this.runtime.log({ kind: 'customXml.set', sheetId: null, sheet: null, address: p.namespaceUri });
      p.xml = xml;
      p.namespaceUri = rootNamespace(xml);
    });
  }

  delete(): void {
    this.write('delete', [], (p) => {
      const wb = this.runtime.model;
      this.runtime.log({ kind: 'customXml.delete', sheetId: null, sheet: null, address: p.namespaceUri });
      wb.parts = wb.parts.filter((x) => x !== p);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Settings

interface SettingTarget {
  wb: WorkbookModel;
  key: string;
}

export class FakeSettingCollection extends FakeCollection<WorkbookModel, FakeSetting> {
  protected readonly typeName = 'SettingCollection';

  protected enumerate(wb: WorkbookModel): FakeSetting[] {
    return [...wb.settings.keys()].map((key, i) => new FakeSetting(this.context, `${this.path}.items[${i}]`, () => ({ wb, key })));
  }

  add(key: Parameters<Excel.SettingCollection['add']>[0], value: Parameters<Excel.SettingCollection['add']>[1]): FakeSetting {
    const runtime = this.context.runtime;
    return new FakeSetting(this.context, `${this.path}.add(${JSON.stringify(key)})`, () => {
      const wb = this.live('add');
      if (typeof key !== 'string' || key === '') throw officeError('InvalidArgument', 'SettingCollection.add');
      // Settings hold JSON: what does not survive JSON is refused.
      let copy: unknown;
      try {
        copy = JSON.parse(JSON.stringify(value));
      } catch {
        throw officeError('InvalidArgument', 'SettingCollection.add');
      }
      wb.settings.set(key, copy);
      runtime.log({ kind: 'setting', sheetId: null, sheet: null, address: key });
      return { wb, key };
    }).created('add', [key, value]);
  }

  getItem(key: string): FakeSetting {
    return new FakeSetting(this.context, `${this.path}.getItem(${JSON.stringify(key)})`, () => {
      const wb = this.live('getItem');
      return wb.settings.has(key) ? { wb, key } : null;
    }).created('getItem', [key]);
  }

  getItemOrNullObject(key: string): FakeSetting {
    return new FakeSetting(
      this.context,
      `${this.path}.getItemOrNullObject(${JSON.stringify(key)})`,
      () => {
        const wb = this.live('getItemOrNullObject');
        return wb.settings.has(key) ? { wb, key } : null;
      },
      true,
    ).created('getItemOrNullObject', [key]);
  }
}

export class FakeSetting extends FakeObject<SettingTarget> {
  protected readonly typeName = 'Setting';

  constructor(context: FakeRequestContext, path: string, resolver: () => SettingTarget | null, nullable = false) {
    super(context, path, resolver, nullable);
  }

  get key(): Excel.Setting['key'] {
    return this.read('key');
  }

  get value(): Excel.Setting['value'] {
    return this.read('value');
  }

  set value(v: Excel.Setting['value']) {
    this.write('value', v, (t) => {
      t.wb.settings.set(t.key, JSON.parse(JSON.stringify(v)) as unknown);
      this.runtime.log({ kind: 'setting', sheetId: null, sheet: null, address: t.key });
    });
  }

  protected scalar(prop: string, t: SettingTarget): unknown {
    if (prop === 'key') return t.key;
    if (prop === 'value') return JSON.parse(JSON.stringify(t.wb.settings.get(t.key) ?? null)) as unknown;
    return this.unknown(prop);
  }

  delete(): void {
    this.write('delete', [], (t) => {
      t.wb.settings.delete(t.key);
      this.runtime.log({ kind: 'setting.delete', sheetId: null, sheet: null, address: t.key });
    });
  }
}
