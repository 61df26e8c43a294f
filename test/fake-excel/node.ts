/** Node-only helpers of the fake Excel: load a workbook file, save one. */
import { promises as fs } from 'fs';
import * as path from 'path';
import type { FakeExcel } from './index';
import { fakeFromXlsx, toXlsxBytes } from './xlsx';

export async function loadFakeExcel(file: string): Promise<FakeExcel> {
  const fake = await fakeFromXlsx(new Uint8Array(await fs.readFile(file)));
  fake.model.name = path.basename(file);
  return fake;
}

export async function saveFakeExcel(fake: FakeExcel, file: string): Promise<void> {
  await fs.writeFile(file, toXlsxBytes(fake));
}
