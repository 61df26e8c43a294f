/** Node-only helpers of the fake Excel: load a workbook file, save one. */
import { promises as fs } from 'fs';
import type { FakeExcel } from './index';
import { fakeFromXlsx, toXlsxBytes } from './xlsx';

export async function loadFakeExcel(path: string): Promise<FakeExcel> {
  return fakeFromXlsx(new Uint8Array(await fs.readFile(path)));
}

export async function saveFakeExcel(fake: FakeExcel, path: string): Promise<void> {
  await fs.writeFile(path, toXlsxBytes(fake));
}
