import { SheetView } from './cells';
import { columnIndex } from './grid';
import { headerField, twoRowHeaderField, unitOfHeader } from './headers';
import { compact, compactUpTo } from './text';
import { type AnalyzeOptions, FIELDS, type Field, type UnusableInput, type Unit } from './types';

/** How far down a sheet a header row is looked for. */
const HEADER_SCAN_ROWS = 60;
/** A header row names at least this many known fields, the project name among them. */
const MIN_FIELDS = 3;

export interface Located {
  view: SheetView;
  /** 0-based header rows. */
  headerRows: number[];
  /** field → 0-based column. */
  columns: Partial<Record<Field, number>>;
  /** The rate column's header says %, so its numbers are percents (96.52), not fractions. */
  ratePercentHeader: boolean;
  unit: Unit;
  unitSource: 'option' | 'title' | 'header' | 'magnitude' | 'default';
  year: number | null;
  department: string;
  /** 0-based rows of projects. */
  projectRows: number[];
  /** 0-based row of the total, if any. */
  totalRow: number | null;
  /** 0-based leftmost column of the header, where a missing column is reported. */
  headerLeft: number;
  confident: boolean;
}

interface HeaderCandidate {
  rows: number[];
  columns: Partial<Record<Field, number>>;
  score: number;
  left: number;
}

/** The text a header cell shows: a merged cell's text shows over its whole area. */
function headerText(view: SheetView, row: number, col: number): string {
  const [r, c] = view.origin(row, col);
  return view.text(r, c);
}

function singleRowHeader(view: SheetView, row: number): HeaderCandidate | null {
  const columns: Partial<Record<Field, number>> = {};
  let left = -1;
  for (let col = 0; col < view.colCount; col++) {
    const [r, c] = view.origin(row, col);
    // A cell merged down from a row above is not this row's header.
    if (r !== row) continue;
    if (c !== col) continue;
    const text = view.text(row, col);
    if (text !== '' && left < 0) left = col;
    const field = headerField(text);
    if (field && columns[field] === undefined) columns[field] = col;
  }
  return candidate([row], columns, left);
}

function hasTwoRowShape(view: SheetView, row: number): boolean {
  if (row + 1 >= view.rowCount) return false;
  let childTexts = 0;
  for (let col = 0; col < view.colCount; col++) {
    const child = view.content(row + 1, col);
    if (child.kind === 'number' || child.kind === 'error' || child.kind === 'text-number') return false;
    if (child.kind === 'text') childTexts++;
  }
  if (childTexts === 0) return false;
  // The parent row is a header itself (项目名称, 预算安排…), not a title or a 单位 line.
  let parentFields = 0;
  for (let col = 0; col < view.colCount; col++) {
    const [r, c] = view.origin(row, col);
    if (r === row && c === col && headerField(view.text(row, col)) !== null) parentFields++;
  }
  if (parentFields === 0) return false;
  // A merge that joins the two rows (a vertical header) or spans columns over child headers.
  return view.mergeAreas.some(
    (m) => (m.top === row && m.bottom >= row + 1) || (m.top === row && m.bottom === row && m.right > m.left),
  );
}

function twoRowHeader(view: SheetView, row: number): HeaderCandidate | null {
  if (!hasTwoRowShape(view, row)) return null;
  const columns: Partial<Record<Field, number>> = {};
  let left = -1;
  for (let col = 0; col < view.colCount; col++) {
    const parent = headerText(view, row, col);
    const [cr] = view.origin(row + 1, col);
    const child = cr === row + 1 ? view.text(row + 1, col) : '';
    if ((parent !== '' || child !== '') && left < 0) left = col;
    const field = twoRowHeaderField(parent, child);
    if (field && columns[field] === undefined) columns[field] = col;
  }
  return candidate([row, row + 1], columns, left);
}

function candidate(rows: number[], columns: Partial<Record<Field, number>>, left: number): HeaderCandidate | null {
  const score = Object.keys(columns).length;
  if (score < MIN_FIELDS || columns.name === undefined) return null;
  return { rows, columns, score, left: Math.max(left, 0) };
}

function bestHeader(view: SheetView): HeaderCandidate | null {
  let best: HeaderCandidate | null = null;
  const last = Math.min(view.rowCount, HEADER_SCAN_ROWS);
  for (let row = 0; row < last; row++) {
    const single = singleRowHeader(view, row);
    const pair = twoRowHeader(view, row);
    const here = pair && (!single || pair.score >= single.score) ? pair : single;
    if (here && (!best || here.score > best.score)) best = here;
  }
  return best;
}

/** Labels of the total row, matched as a whole after compacting. */
const TOTAL_LABELS = new Set(['合计', '总计', '共计', '总合计', '合计数']);
/** A subtotal label is short and says 小计 or 其中 (其中：…). */
const SUBTOTAL_MAX_LENGTH = 12;

/**
 * Whether a compacted text may be a total or subtotal label: each one says 计 (合计, 总计, 共计,
 * 小计…) or 中 (其中). One look at each character spares most cells the set and substring look-ups.
 */
function mayBeLabel(t: string): boolean {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 0x8ba1 || c === 0x4e2d) return true;
  }
  return false;
}

const NOTE_LABEL = /^(注|注[:：]|说明[:：]|备注[:：]|填表人|填报人|审核人|制表|制表人|单位负责人|财务负责人|联系电话|填报日期)/;

export type RowKind = 'project' | 'total' | 'subtotal' | 'blank' | 'note';

/** What a row below the header is: a project, the total, a subtotal, a note, or blank. */
export function classifyRow(view: SheetView, row: number, columns: Partial<Record<Field, number>>, table = tableColumns(view, columns)): RowKind {
  const { amountCols, labelCols, fieldCols } = table;
  let anything = false;
  for (let col = 0; col < view.colCount; col++) {
    if (!view.isEmpty(row, col)) {
      anything = true;
      break;
    }
  }
  if (!anything) return 'blank';
  // A total or subtotal label stands before the amounts (often merged over 序号 and the name).
  // Every label is short: a longer text, such as a project's name, is not compacted in full.
  for (let col = 0; col < labelCols; col++) {
    const t = compactUpTo(view.text(row, col), SUBTOTAL_MAX_LENGTH);
    if (t === null || !mayBeLabel(t)) continue;
    if (TOTAL_LABELS.has(t)) return 'total';
    if (t.includes('小计') || t.includes('其中')) return 'subtotal';
  }
  // A row without amounts may be a note under the table (注：…, 填表人…) or a 单位 line.
  if (!amountCols.some((c) => !view.isEmpty(row, c))) {
    const name = columns.name !== undefined ? compact(view.text(row, columns.name)) : '';
    if (NOTE_LABEL.test(name === '' ? compact(firstText(view, row)) : name)) return 'note';
    if (name === '' && /^(单位[:：]|金额单位)/.test(compact(firstText(view, row)))) return 'note';
  }
  // A row with nothing in the name and amount columns holds no project (e.g. a stray number in 序号).
  return fieldCols.some((c) => !view.isEmpty(row, c)) ? 'project' : 'blank';
}

/** The columns classifyRow looks at, worked out once per table rather than once per row. */
function tableColumns(view: SheetView, columns: Partial<Record<Field, number>>): { amountCols: number[]; labelCols: number; fieldCols: number[] } {
  const amountCols = [columns.budget, columns.executed, columns.initialBudget].filter((c): c is number => c !== undefined);
  const firstAmount = amountCols.length ? Math.min(...amountCols) : view.colCount;
  return {
    amountCols,
    /** Labels are looked for in the columns before the amounts, and in the name column at least. */
    labelCols: Math.max(firstAmount, (columns.name ?? 0) + 1),
    fieldCols: [columns.name, ...amountCols].filter((c): c is number => c !== undefined),
  };
}

function firstText(view: SheetView, row: number): string {
  for (let col = 0; col < view.colCount; col++) {
    const t = view.text(row, col);
    if (t !== '') return t;
  }
  return '';
}

const UNIT_LINE = /(?:金额)?单位[:：]\s*(万元|千元|元)/;

function unitFromTitle(view: SheetView, headerTop: number): Unit | null {
  for (let row = 0; row < headerTop; row++) {
    for (let col = 0; col < view.colCount; col++) {
      const m = UNIT_LINE.exec(view.text(row, col).normalize('NFKC').replace(/\s+/g, ''));
      if (m) return m[1] as Unit;
    }
  }
  return null;
}

function yearAndDepartment(view: SheetView, headerTop: number): { year: number | null; department: string } {
  for (let row = 0; row < headerTop; row++) {
    for (let col = 0; col < view.colCount; col++) {
      const text = view.text(row, col).replace(/\s+/g, '');
      const m = /((?:19|20)\d{2})年/.exec(text);
      if (m) {
        const before = text.slice(0, m.index);
        return { year: Number(m[1]), department: before.length <= 40 ? before : '' };
      }
    }
  }
  return { year: null, department: '' };
}

/**
 * Finds the project table: the sheet and header row(s), the column of every known field, the unit,
 * the project rows and the total row. Sheets the tool owns are never searched.
 */
export function locateTable(
  sheets: SheetView[],
  owned: readonly string[],
  options: AnalyzeOptions,
): { ok: true; located: Located } | { ok: false; error: UnusableInput } {
  let candidates = sheets.filter((s) => !owned.includes(s.name));
  if (options.sheet !== undefined) {
    // The tool's own sheets are its output, never its input.
    if (owned.includes(options.sheet)) return { ok: false, error: { code: 'bad-option', params: { option: '--sheet', value: options.sheet } } };
    candidates = sheets.filter((s) => s.name === options.sheet);
    if (candidates.length === 0) return { ok: false, error: { code: 'sheet-not-found', params: { sheet: options.sheet } } };
  }
  const mapCols = mapColumns(options);
  if ('error' in mapCols) return { ok: false, error: mapCols.error };

  let chosen: { view: SheetView; header: HeaderCandidate } | null = null;
  for (const view of candidates) {
    const header = bestHeader(view);
    if (header && (!chosen || header.score > chosen.header.score)) chosen = { view, header };
  }
  if (!chosen && Object.keys(mapCols.columns).length > 0) chosen = headerFromMap(candidates, mapCols.columns);
  if (!chosen) {
    return { ok: false, error: { code: 'no-table', params: { sheets: candidates.map((s) => s.name).join('、') } } };
  }

  const { view, header } = chosen;
  const columns: Partial<Record<Field, number>> = { ...header.columns, ...mapCols.columns };
  const headerTop = header.rows[0];
  const dataStart = header.rows[header.rows.length - 1] + 1;

  // The total is the first meaningful row (a total above the projects), or else the last one;
  // meaningful rows are all but blanks and notes. The project rows' array is made once, long
  // enough for every row, then cut to the projects found: pushing row after row onto a long array
  // would reallocate it again and again.
  const projectRows: number[] = new Array(Math.max(view.rowCount - dataStart, 0));
  let projects = 0;
  let seenMeaningful = false;
  let firstTotal: number | null = null; // the first meaningful row, when it is a total
  let lastTotal: number | null = null; // the last meaningful row so far, when it is a total
  const table = tableColumns(view, columns);
  for (let row = dataStart; row < view.rowCount; row++) {
    const kind = classifyRow(view, row, columns, table);
    if (kind === 'blank' || kind === 'note') continue;
    if (kind === 'project') projectRows[projects++] = row;
    if (!seenMeaningful && kind === 'total') firstTotal = row;
    seenMeaningful = true;
    lastTotal = kind === 'total' ? row : null;
  }
  projectRows.length = projects;
  const totalRow = firstTotal ?? lastTotal;

  let unit: Unit = '万元';
  let unitSource: Located['unitSource'] = 'default';
  const headerUnits = header.rows.flatMap((r) =>
    [columns.budget, columns.executed, columns.initialBudget]
      .filter((c): c is number => c !== undefined)
      .map((c) => unitOfHeader(headerText(view, r, c))),
  );
  const titleUnit = unitFromTitle(view, headerTop);
  const headerUnit = headerUnits.find((u): u is Unit => u !== null) ?? null;
  if (options.unit) {
    unit = options.unit;
    unitSource = 'option';
  } else if (headerUnit) {
    unit = headerUnit;
    unitSource = 'header';
  } else if (titleUnit) {
    unit = titleUnit;
    unitSource = 'title';
  } else {
    unitSource = 'magnitude';
    unit = impliedUnit(view, projectRows, columns.budget);
  }

  const ratePercentHeader =
    columns.rate !== undefined &&
    header.rows.some((r) => /[%％]/.test(headerText(view, r, columns.rate as number)));
  const found = yearAndDepartment(view, headerTop);

  return {
    ok: true,
    located: {
      view,
      headerRows: header.rows,
      columns,
      ratePercentHeader,
      unit,
      unitSource,
      year: options.year ?? found.year,
      department: options.department ?? found.department,
      projectRows,
      totalRow,
      headerLeft: header.left,
      confident: Object.keys(mapCols.columns).length === 0 && header.score >= 4,
    },
  };
}

/** With no unit stated anywhere: amounts whose median is in the tens of thousands are 元. */
function impliedUnit(view: SheetView, rows: number[], budgetCol: number | undefined): Unit {
  if (budgetCol === undefined) return '万元';
  const values: number[] = [];
  for (const row of rows) {
    const c = view.content(row, budgetCol);
    if ((c.kind === 'number' || c.kind === 'text-number') && c.value.gt(0)) values.push(c.value.toNumber());
  }
  if (values.length === 0) return '万元';
  values.sort((a, b) => a - b);
  const median = values[Math.floor(values.length / 2)];
  return median >= 50000 ? '元' : '万元';
}

function mapColumns(options: AnalyzeOptions): { columns: Partial<Record<Field, number>> } | { error: UnusableInput } {
  const columns: Partial<Record<Field, number>> = {};
  for (const [field, letters] of Object.entries(options.map ?? {})) {
    if (!(FIELDS as readonly string[]).includes(field) || typeof letters !== 'string' || !/^[A-Za-z]{1,3}$/.test(letters)) {
      return { error: { code: 'bad-option', params: { option: '--map', value: `${field}=${String(letters)}` } } };
    }
    columns[field as Field] = columnIndex(letters);
  }
  return { columns };
}

/** With a column map and no recognisable header: the header is the row above the first amount. */
function headerFromMap(
  views: SheetView[],
  columns: Partial<Record<Field, number>>,
): { view: SheetView; header: HeaderCandidate } | null {
  const col = columns.budget ?? columns.executed;
  if (col === undefined || columns.name === undefined) return null;
  for (const view of views) {
    for (let row = 0; row < Math.min(view.rowCount, HEADER_SCAN_ROWS); row++) {
      const c = view.content(row, col);
      if (c.kind === 'number' || c.kind === 'text-number') {
        const headerRow = Math.max(row - 1, 0);
        return { view, header: { rows: [headerRow], columns: {}, score: 0, left: 0 } };
      }
    }
  }
  return null;
}

