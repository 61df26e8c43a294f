/**
 * The task pane (issue 4): its initial JavaScript, gzip, measured on the production build in dist/
 * exactly as `npm run build` reports it (scripts/report-size.js), and the time from navigation to an
 * interactive pane (the 校验 button in the DOM and enabled) in headless Chromium: Debian's
 * /usr/bin/chromium through playwright-core, never a download.
 *
 * The pane is loaded in the workbench (the real task pane in an iframe whose office.js is the fake
 * one, bound to a fake Excel holding the sample workbook), served over plain http on 127.0.0.1.
 * By default the bench builds the workbench in production mode into its tmp folder (reused while
 * its sources are unchanged), so that the pane's bundle is the one dist/ ships; `--workbench DIR`
 * serves an already built one instead (dist-workbench is a development build: much larger bundles).
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import { type Browser, chromium } from 'playwright-core';
import { serveStatic } from '../../test/e2e/serve';

export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** The workbench's iframe holding the pane, and the button that makes it interactive. */
const PANE_FRAME = 'iframe[title="任务窗格"]';
const BUTTON = '校验';

export interface InitialJs {
  scripts: string[];
  rawBytes: number;
  gzipBytes: number;
  budgetBytes: number;
}

export interface TaskpaneBundle extends InitialJs {
  /** The folder measured, relative to the repository. */
  dist: string;
  /** The bench built it (it was missing). */
  builtByBench: boolean;
  /** When taskpane.html was written. */
  builtAt: string;
}

export interface TaskpaneLoad {
  /** The workbench served, relative to the repository. */
  served: string;
  /** 'production': built by the bench from the current sources; 'given': --workbench DIR as it was. */
  build: 'production' | 'given';
  /** The scripts the served taskpane.html loads (fakeOffice: the workbench's stand-in for office.js). */
  paneScripts: string[];
  /** What the served taskpane.html loads, raw and gzip (fakeOffice, a few hundred bytes, included). */
  paneRawBytes: number;
  paneGzipBytes: number;
  /** The served pane's bundle is dist/'s (same content-hashed file names, fakeOffice aside). */
  sameBundleAsDist: boolean;
  browser: string;
  loads: number;
  /** The pane's own navigation start → 校验 enabled in its DOM, ms (its performance.now()). */
  paneMs: number[];
  /** The workbench page's navigation start → the same moment: the page, the sample workbook opened, then the pane. */
  pageMs: number[];
  medianPaneMs: number;
  medianPageMs: number;
}

export interface TaskpaneResult {
  target: string;
  bundle: TaskpaneBundle;
  /** null when not measured; `loadSkipped` says why. */
  load: TaskpaneLoad | null;
  loadSkipped?: string;
}

export interface TaskpaneOptions {
  root: string;
  /** Where the production workbench is built and kept. */
  tmpDir: string;
  loads: number;
  /** A built workbench to serve as it is; null: build a production one under tmpDir. */
  workbench: string | null;
  warmup: boolean;
  log: (line: string) => void;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** scripts/report-size.js's measure: the same numbers `npm run build` prints. */
export function measureInitialJs(root: string, dist: string): InitialJs {
  // A plain CommonJS script run by `npm run build` before any compile, so loaded at run time.
  const load = createRequire(__filename);
  const report = load(path.join(root, 'scripts', 'report-size.js')) as { measureInitialJs: (dist: string) => InitialJs };
  return report.measureInitialJs(dist);
}

function webpack(root: string, args: string[], log: (line: string) => void): void {
  log(`building: webpack ${args.join(' ')}`);
  const r = spawnSync(path.join(root, 'node_modules', '.bin', 'webpack'), args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`webpack ${args.join(' ')} failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout).slice(-2000)}`);
}

/** A digest of everything a webpack build of the pane reads, to reuse a build while they are unchanged. */
function sourcesDigest(root: string): string {
  const hash = createHash('sha256');
  const add = (rel: string): void => {
    const abs = path.join(root, rel);
    if (!fs.existsSync(abs)) return;
    if (fs.statSync(abs).isDirectory()) {
      for (const name of fs.readdirSync(abs).sort()) add(path.join(rel, name));
      return;
    }
    hash.update(`${rel}\0`);
    hash.update(fs.readFileSync(abs));
  };
  for (const rel of ['src', 'test/workbench', 'test/fake-excel', 'assets/sample/sample-projects.xlsx', 'webpack.config.js', 'tsconfig.json', 'tsconfig.web.json', 'package-lock.json']) add(rel);
  return hash.digest('hex');
}

/** The workbench in production mode under tmpDir, rebuilt when its sources changed. */
function productionWorkbench(options: TaskpaneOptions): string {
  const dir = path.join(options.tmpDir, 'workbench-production');
  const stamp = path.join(dir, '.sources-sha256');
  const digest = sourcesDigest(options.root);
  if (fs.existsSync(path.join(dir, 'index.html')) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === digest) {
    options.log(`reusing the production workbench in ${path.relative(options.root, dir)}`);
    return dir;
  }
  webpack(options.root, ['--mode', 'production', '--env', 'workbench', '--output-path', dir], options.log);
  // Written after the build (webpack cleans its output folder first).
  fs.writeFileSync(stamp, digest);
  return dir;
}

/**
 * Runs in every frame before its scripts (an init script): in the pane's frame, records the moment
 * the 校验 button is in the DOM and enabled, on the pane's clock and as an absolute time, for the
 * top page to read. A MutationObserver sees the change when React commits it, not when a poll comes by.
 */
function interactiveProbe(button: string): void {
  if (!/\/taskpane\.html$/.test(location.pathname)) return;
  const ready = (): boolean => {
    for (const b of Array.from(document.querySelectorAll('button'))) {
      if (b.textContent?.trim() === button && !b.disabled && b.getAttribute('aria-disabled') !== 'true') return true;
    }
    return false;
  };
  const observer = new MutationObserver(() => {
    if (!ready()) return;
    const at = performance.now();
    observer.disconnect();
    performance.mark('jixiao-interactive');
    (window.top as unknown as { __jixiaoInteractive?: unknown }).__jixiaoInteractive = { paneMs: at, paneOrigin: performance.timeOrigin };
  });
  observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['disabled', 'aria-disabled'] });
}

async function loadOnce(browser: Browser, url: string): Promise<{ paneMs: number; pageMs: number }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    await context.addInitScript(interactiveProbe, BUTTON);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url, { waitUntil: 'commit' });
    const handle = await page.waitForFunction(() => (window as unknown as { __jixiaoInteractive?: unknown }).__jixiaoInteractive, undefined, { timeout: 120_000 });
    const probe = (await handle.jsonValue()) as { paneMs: number; paneOrigin: number };
    const topOrigin = await page.evaluate(() => performance.timeOrigin);
    // Interactive means clickable: visible, stable, enabled and receiving events (not clicked).
    await page.frameLocator(PANE_FRAME).getByRole('button', { name: BUTTON, exact: true }).click({ trial: true, timeout: 30_000 });
    if (errors.length) throw new Error(`page errors while loading the pane: ${errors.join('; ')}`);
    return { paneMs: probe.paneMs, pageMs: probe.paneOrigin + probe.paneMs - topOrigin };
  } finally {
    await context.close();
  }
}

/** Script names without their content hash's effect on comparison: the pane's own bundle, fakeOffice aside. */
const paneBundle = (scripts: string[]): string[] => scripts.filter((s) => !/^fakeOffice\./.test(s)).sort();

export async function benchTaskpane(options: TaskpaneOptions): Promise<TaskpaneResult> {
  const { root, log } = options;
  const rel = (p: string): string => path.relative(root, p) || '.';
  const dist = path.join(root, 'dist');
  let builtByBench = false;
  if (!fs.existsSync(path.join(dist, 'taskpane.html'))) {
    // What `npm run build` does before reporting the size.
    webpack(root, ['--mode', 'production'], log);
    builtByBench = true;
  }
  const size = measureInitialJs(root, dist);
  const bundle: TaskpaneBundle = { ...size, dist: rel(dist), builtByBench, builtAt: fs.statSync(path.join(dist, 'taskpane.html')).mtime.toISOString() };
  const result: TaskpaneResult = { target: `initial JavaScript ≤ ${size.budgetBytes / 1024} KB gzip`, bundle, load: null };
  log(`task pane: ${size.scripts.join(', ')}: ${(size.gzipBytes / 1024).toFixed(1)} KB gzip (${(size.rawBytes / 1024).toFixed(1)} KB raw)`);

  if (!fs.existsSync(CHROMIUM)) {
    result.loadSkipped = `no ${CHROMIUM} (Debian package chromium): load time not measured`;
    log(result.loadSkipped);
    return result;
  }
  let served: string;
  if (options.workbench) {
    served = path.resolve(options.workbench);
    if (!fs.existsSync(path.join(served, 'index.html'))) throw new Error(`${served}: no index.html: build the workbench first (npm run build:workbench)`);
  } else served = productionWorkbench(options);
  const paneSize = measureInitialJs(root, served);
  const paneScripts = paneSize.scripts;

  const server = await serveStatic(served);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    if (options.warmup) await loadOnce(browser, server.url);
    const samples: { paneMs: number; pageMs: number }[] = [];
    for (let i = 0; i < options.loads; i++) samples.push(await loadOnce(browser, server.url));
    const paneMs = samples.map((s) => Math.round(s.paneMs * 10) / 10);
    const pageMs = samples.map((s) => Math.round(s.pageMs * 10) / 10);
    result.load = {
      served: rel(served),
      build: options.workbench ? 'given' : 'production',
      paneScripts,
      paneRawBytes: paneSize.rawBytes,
      paneGzipBytes: paneSize.gzipBytes,
      sameBundleAsDist: JSON.stringify(paneBundle(paneScripts)) === JSON.stringify(paneBundle(size.scripts)),
      browser: `Chromium ${browser.version()}`,
      loads: options.loads,
      paneMs,
      pageMs,
      medianPaneMs: median(paneMs),
      medianPageMs: median(pageMs),
    };
    log(`task pane: interactive ${result.load.medianPaneMs} ms after its navigation, ${result.load.medianPageMs} ms after the workbench's (medians of ${options.loads})`);
  } finally {
    await browser.close();
    await server.close();
  }
  return result;
}
