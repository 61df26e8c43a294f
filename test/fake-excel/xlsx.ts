/**
 * The fake Excel to and from .xlsx bytes, through the project's own reader and package writer:
 * loading gives the Office.js-shaped grid (not what exceljs returns); saving writes the sheets the
 * tool owns at zip level into the original package, so charts and everything else survive.
 */
import { strFromU8 } from 'fflate';
import { parseCellAddress } from '../../src/engine/grid';
import { sheetPlanOf as planOfRows } from '../../src/engine/plan';
import { OWNERSHIP_NAMESPACE, parseOwnershipXml } from '../../src/engine/ownership';
import type { CellStyle, PlanCell, SheetPlan, SheetRole, WritePlan } from '../../src/engine/types';
import { applyPlan, readOwnership, zipPackage, type Entries } from '../../src/xlsx/package';
import { readWorkbookBytes } from '../../src/xlsx/read';
import { FakeExcel } from './index';
import { type Cell, type PartModel, rectAddress, rootNamespace, type SheetModel } from './model';

const SOURCES = new WeakMap<FakeExcel, Entries>();

function decodePart(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return strFromU8(bytes).replace(/^\uFEFF/, '');
}

/** The package's custom XML parts, with the datastore ids their itemProps give them. */
function customXmlParts(entries: Entries): PartModel[] {
  const out: PartModel[] = [];
  let n = 0;
  for (const name of Object.keys(entries).sort()) {
    const m = /^customXml\/item(\d*)\.xml$/i.exec(name);
    if (!m) continue;
    const xml = decodePart(entries[name]);
    const propsName = Object.keys(entries).find((k) => k.toLowerCase() === `customxml/itemprops${m[1]}.xml`);
    const props = propsName ? decodePart(entries[propsName]) : '';
    const id = /itemID\s*=\s*["']([^"']+)["']/.exec(props)?.[1] ?? `{0FA4E000-0000-4000-9000-${String(++n).padStart(12, '0')}}`;
    out.push({ id, xml, namespaceUri: rootNamespace(xml) });
  }
  return out;
}

/** A fake Excel holding the workbook in `bytes`; throws when the bytes are not a usable workbook. */
export async function fakeFromXlsx(bytes: Uint8Array): Promise<FakeExcel> {
  const read = await readWorkbookBytes(bytes);
  if (!read.ok) throw new Error(`not a usable workbook: ${read.error.code}`);
  const fake = FakeExcel.fromGrid(read.grid, { parts: customXmlParts(read.entries) });
  SOURCES.set(fake, read.entries);
  return fake;
}

/** The sheets the fake's ownership parts name, with their roles. */
export function ownedSheets(fake: FakeExcel): { role: SheetRole; name: string }[] {
  const out: { role: SheetRole; name: string }[] = [];
  for (const p of fake.model.parts) {
    if (p.namespaceUri !== OWNERSHIP_NAMESPACE) continue;
    for (const s of parseOwnershipXml(p.xml)?.sheets ?? []) if (!out.some((o) => o.name === s.name)) out.push(s);
  }
  return out;
}

const hex = (c: string | undefined): string => (c ?? '').replace(/^#/, '').toUpperCase();

/** The semantic style closest to the formats the host set on a cell. */
function inferStyle(cell: Cell | undefined): CellStyle | undefined {
  if (!cell) return undefined;
  const f = cell.format;
  if (!f && cell.numberFormat === 'General') return undefined;
  const bold = f?.bold === true;
  switch (cell.numberFormat) {
    case '#,##0.00':
      return bold ? 'total-money' : 'money';
    case '0.00%':
      return bold ? 'total-percent' : 'percent';
    case '0':
      return 'integer';
  }
  const border = Object.keys(f?.borders ?? {}).length > 0;
  const color = hex(f?.fontColor);
  if ((f?.fontSize ?? 11) >= 14) return 'title';
  if (f?.underline && f.underline !== 'None') return 'link';
  if (f?.italic) return 'note';
  if (color === 'C00000') return 'severity-error';
  if (color === 'B26B00') return 'severity-warning';
  if (color === '1F4E79') return 'severity-info';
  if (hex(f?.fill) === 'D9D9D9') return 'header';
  if (bold) return 'total-text';
  if (f?.wrapText) return border ? 'wrap' : 'paragraph';
  return border ? 'text' : 'subtitle';
}

function linkOf(cell: Cell | undefined): { sheet: string; cell: string } | undefined {
  const ref = cell?.hyperlink?.documentReference;
  if (!ref) return undefined;
  const bang = ref.lastIndexOf('!');
  if (bang < 0) return undefined;
  let sheet = ref.slice(0, bang);
  if (sheet.startsWith("'") && sheet.endsWith("'")) sheet = sheet.slice(1, -1).replace(/''/g, "'");
  const target = ref.slice(bang + 1).replace(/\$/g, '');
  return parseCellAddress(target) ? { sheet, cell: target } : undefined;
}

/** A sheet of the fake as the plan that would write it: cells typed, styles inferred. */
export function sheetPlanOf(fake: FakeExcel, sheet: SheetModel, role: SheetRole): SheetPlan {
  const used = sheet.usedRect(false);
  const cells: PlanCell[][] = [];
  if (used) {
    for (let r = 0; r <= used.r1; r++) {
      const row: PlanCell[] = [];
      for (let c = 0; c <= used.c1; c++) {
        const cell = sheet.get(r, c);
        const style = inferStyle(cell);
        const shown = fake.model.present(sheet, r, c);
        if (cell?.formula !== undefined && !sheet.isCovered(r, c)) {
          row.push({ t: 'formula', formula: cell.formula, value: String(shown.value), style });
        } else if (shown.type === 'Double') row.push({ t: 'number', value: String(shown.value), style });
        else if (shown.type === 'Empty') row.push(linkOf(cell) ? { t: 'text', text: '', style, link: linkOf(cell) } : { t: 'empty', style });
        else row.push({ t: 'text', text: String(shown.value), style, link: linkOf(cell) });
      }
      cells.push(row);
    }
  }
  const maxCol = Math.max(-1, used?.c1 ?? -1, ...sheet.columnWidths.keys());
  const columnWidths = Array.from({ length: maxCol + 1 }, (_, c) => {
    const pts = sheet.columnWidths.get(c);
    return pts === undefined ? 0 : Math.round(((pts / 0.75 - 5) / 7) * 100) / 100;
  });
  const rowHeights: Record<number, number> = {};
  for (const [r, h] of sheet.rowHeights) rowHeights[r] = h;
  return planOfRows({
    role,
    name: sheet.name,
    cells,
    columnWidths,
    merges: sheet.merges.map((m) => rectAddress(m)),
    rowHeights,
    freezeRows: sheet.freezeRows,
    landscape: sheet.orientation === 'Landscape',
  });
}

/**
 * The workbook as .xlsx bytes: the original package with the owned sheets written (and stale
 * ones removed) by the project's package writer. Settings are not saved (they live in the
 * add-in's web-extension part, which this fake does not write).
 */
export function toXlsxBytes(fake: FakeExcel): Uint8Array {
  const entries = SOURCES.get(fake);
  if (!entries) throw new Error('this fake was not loaded from .xlsx bytes');
  const before = readOwnership(entries)?.sheets ?? [];
  const owned = ownedSheets(fake);
  const sheets: SheetPlan[] = [];
  for (const o of owned) {
    const sheet = fake.model.findSheet(o.name);
    if (sheet) sheets.push(sheetPlanOf(fake, sheet, o.role));
  }
  const written = new Set(sheets.map((s) => s.name));
  const plan: WritePlan = {
    sheets,
    remove: before.map((b) => b.name).filter((n) => !written.has(n)),
    activate: sheets[0]?.name ?? '',
  };
  return zipPackage(applyPlan(entries, plan));
}

