import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Whether a tool is on PATH. Under CI=true a missing tool fails the test; it never becomes a skip. */
export function haveTool(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'pipe' });
    return true;
  } catch {
    if (process.env.CI === 'true') throw new Error(`${name} is required under CI (installed by .ci/run)`);
    console.warn(`SKIP: ${name} not installed`);
    return false;
  }
}

/**
 * Converts a workbook with LibreOffice headless (an independent spreadsheet engine). Formulas
 * written without cached values are computed by LibreOffice on load, so what comes back is
 * LibreOffice's arithmetic, not ours.
 */
export function libreOfficeConvert(file: string, to: string): string {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jixiao-lo-out-'));
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'jixiao-lo-profile-'));
  try {
    execFileSync(
      'soffice',
      [`-env:UserInstallation=file://${profile}`, '--headless', '--norestore', '--convert-to', to, '--outdir', outDir, file],
      { stdio: 'pipe', timeout: 180000 },
    );
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
  const produced = fs.readdirSync(outDir);
  if (produced.length !== 1) throw new Error(`LibreOffice produced ${produced.join(', ') || 'nothing'} for ${file}`);
  return path.join(outDir, produced[0]);
}
