/**
 * What the command line gives for a workbook, and checks that the Office host on the fake Excel
 * gave the same: report, written cells, and no write outside the sheets the tool owns.
 */
import * as path from 'path';
import ExcelJS from 'exceljs';
import { analyze, type AnalyzeOptions, type Lang, planWrite, type Report, type SheetPlan, toReport, type WorkbookGrid, type WritePlan } from '../../src/engine';
import { OWNERSHIP_NAMESPACE, parseOwnershipXml } from '../../src/engine/ownership';
import { rowsOf } from '../../src/engine/plan';
import { readWorkbookFile } from '../../src/xlsx/read';
import type { FakeExcel, WriteLogEntry } from '../fake-excel';
import { rectAddress } from '../fake-excel/model';

export interface CliResult {
  grid: WorkbookGrid;
  report: Report;
  plan: WritePlan;
  checkPlan: WritePlan;
  errors: number;
}

export async function cli(file: string, options: AnalyzeOptions = {}, lang: Lang = 'zh', force = false): Promise<CliResult> {
  const read = await readWorkbookFile(file);
  if (!read.ok) throw new Error(`${file}: ${read.error.code}`);
  return cliOnGrid(read.grid, path.basename(file), options, lang, force);
}

export function cliOnGrid(grid: WorkbookGrid, file: string, options: AnalyzeOptions = {}, lang: Lang = 'zh', force = false): CliResult {
  const result = analyze(grid, options);
  if (!result.ok) throw new Error(`${file}: ${result.error.code}`);
  return {
    grid,
    report: toReport(result.analysis, file, lang),
    plan: planWrite(grid, result.analysis, { mode: 'fill', force, lang }).plan,
    checkPlan: planWrite(grid, result.analysis, { mode: 'check', lang }).plan,
    errors: result.analysis.counts.error,
  };
}

/** The sheets of the fake that are the user's: loaded with it and not named by its ownership record. */
export function userSheetIds(fake: FakeExcel): Set<number> {
  const owned = new Set<string>();
  for (const p of fake.model.parts) {
    if (p.namespaceUri !== OWNERSHIP_NAMESPACE) continue;
    for (const s of parseOwnershipXml(p.xml)?.sheets ?? []) owned.add(s.name);
  }
  return new Set(fake.model.sheets.filter((s) => fake.originalSheetIds.has(s.id) && !owned.has(s.name)).map((s) => s.id));
}

/** Writes that touched a user's sheet (ids taken before the action). */
export function writesToUserSheets(fake: FakeExcel, userIds: Set<number>): WriteLogEntry[] {
  return fake.writeLog.filter((w) => w.sheetId !== null && userIds.has(w.sheetId));
}

/** Every cell of a sheet plan is in the fake's sheet of that name, typed as the plan says. */
export function expectSheetAsPlanned(fake: FakeExcel, sp: SheetPlan): void {
  const sheet = fake.sheet(sp.name);
  const mismatches: string[] = [];
  const numeric = (s: string): boolean => /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(s);
  rowsOf(sp).forEach((row, r) => {
    row.forEach((cell, c) => {
      if (!cell) return;
      const at = `${sp.name}!${rectAddress({ r0: r, c0: c, r1: r, c1: c })}`;
      const shown = fake.model.present(sheet, r, c);
      const model = sheet.get(r, c);
      switch (cell.t) {
        case 'text':
          if (cell.text === '') {
            if (shown.value !== '') mismatches.push(`${at}: expected empty, got ${JSON.stringify(shown.value)}`);
          } else if (shown.value !== cell.text || shown.type !== 'String' || model?.formula !== undefined) {
            mismatches.push(`${at}: expected text ${JSON.stringify(cell.text)}, got ${shown.type} ${JSON.stringify(shown.value)} ${model?.formula ?? ''}`);
          }
          if (cell.link) {
            const expected = `'${cell.link.sheet.replace(/'/g, "''")}'!${cell.link.cell}`;
            if (model?.hyperlink?.documentReference !== expected) mismatches.push(`${at}: link ${model?.hyperlink?.documentReference} ≠ ${expected}`);
          }
          break;
        case 'number':
          if (shown.type !== 'Double' || shown.value !== Number(cell.value) || model?.formula !== undefined) {
            mismatches.push(`${at}: expected number ${cell.value}, got ${shown.type} ${JSON.stringify(shown.value)}`);
          }
          break;
        case 'formula': {
          if (model?.formula !== cell.formula) mismatches.push(`${at}: expected formula ${cell.formula}, got ${model?.formula}`);
          // Excel computes the formula over the source cells: the engine's figure, within float error.
          if (numeric(cell.value)) {
            const v = Number(cell.value);
            if (typeof shown.value !== 'number' || Math.abs(shown.value - v) > 1e-9 * Math.max(1, Math.abs(v))) {
              mismatches.push(`${at}: ${cell.formula} gives ${JSON.stringify(shown.value)}, the engine ${cell.value}`);
            }
          } else if (shown.value !== cell.value) mismatches.push(`${at}: ${cell.formula} gives ${JSON.stringify(shown.value)}, the engine ${cell.value}`);
          break;
        }
        case 'empty':
          if (shown.value !== '') mismatches.push(`${at}: expected empty, got ${JSON.stringify(shown.value)}`);
          break;
      }
    });
  });
  // Nothing beyond what the plan writes.
  const used = sheet.usedRect(true);
  if (used && used.r1 >= sp.rowCount) mismatches.push(`${sp.name}: values below the plan's last row (${used.r1 + 1})`);
  expect(mismatches.slice(0, 20)).toEqual([]);
  const merges = sheet.merges.map((m) => rectAddress(m)).sort();
  expect(merges).toEqual([...sp.merges].sort());
}

const CJK = '项目支出绩效自评预算执行情况资金使用管理规范有效完成年度目标任务保障基本民生';

/**
 * A project table of `rows` rows and 20 columns, most of them ~30 CJK characters, built with
 * exceljs: what a large real workbook costs Office.js to read and write.
 */
export async function longCjkWorkbook(rows: number): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('项目明细');
  ws.addRow(['丰南区某局2024年度项目支出明细表']);
  ws.addRow(['单位：万元']);
  ws.addRow([
    '序号',
    '项目名称',
    '资金文号',
    '资金类别',
    '资金级次',
    '全年预算数',
    '全年执行数',
    '执行率',
    '偏差原因及改进措施',
    '责任科室',
    '项目主要内容及成效',
    ...Array.from({ length: 9 }, (_, i) => `补充说明${i + 1}`),
  ]);
  for (let i = 1; i <= rows; i++) {
    const budget = 100 + (i % 50);
    const executed = Math.round(budget * 95) / 100;
    const text = (k: number): string => `${(CJK + CJK).slice(k % CJK.length, (k % CJK.length) + 26)}第${i}项`;
    const row = ws.addRow([
      i,
      text(i),
      `丰财预〔2024〕${i}号`,
      '本级财政资金',
      '本级',
      budget,
      executed,
      0.95,
      text(i + 1),
      `第${1 + (i % 7)}科室`,
      text(i + 2),
      ...Array.from({ length: 9 }, (_, k) => text(i + 3 + k)),
    ]);
    row.getCell(6).numFmt = '#,##0.00';
    row.getCell(7).numFmt = '#,##0.00';
    row.getCell(8).numFmt = '0.00%';
  }
  return new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}
