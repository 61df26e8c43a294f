import * as fs from 'fs';
import * as path from 'path';

/** ../shared/ beside the repository: the reference workbook lives there. */
export const SHARED = path.resolve(__dirname, '../../../shared');
export const REFERENCE = path.join(SHARED, 'reference', 'fengnan-2024-projects.xlsx');

/**
 * Whether the reference workbook is here. Absent, tests that need it say so and skip (the one
 * allowed skip); under CI=true it must be there, so its absence fails.
 */
export function haveReference(): boolean {
  if (fs.existsSync(REFERENCE)) return true;
  if (process.env.CI === 'true') throw new Error(`reference workbook missing under CI: ${REFERENCE}`);
  console.warn(`SKIP: reference workbook not found at ${REFERENCE}`);
  return false;
}
