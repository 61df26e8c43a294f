/**
 * Draws the add-in's icons and writes them to assets/ as PNGs: the product icon (icon-16/32/64/80,
 * also the ribbon group's and 打开助手's) and the glyphs of the two ribbon commands, 校验
 * (validate-16/32/80: a magnifier over a check mark) and 一键生成 (generate-16/32/80: a rising bar
 * chart with a spark).
 *
 * Each icon is an SVG written here, rendered by headless Chromium at its exact pixel size on a
 * transparent background. 16 px has its own drawing on a 16-unit grid (a scaled-down 32 px drawing
 * blurs into grey at that size); 32, 64 and 80 px scale the 32-unit drawing. Colours follow Fluent:
 * brand blue, green for "correct", a warm accent for "generate".
 *
 * Run: `npm run build:cli && node lib/scripts/make-icons.js` (uses /usr/bin/chromium, or
 * $CHROMIUM; never downloads a browser). The PNGs are committed; rerun after changing a drawing.
 */
import * as fs from 'fs';
import * as path from 'path';
import { chromium } from 'playwright-core';

const BLUE = '#0F6CBD';
const BLUE_LIGHT = '#CFE4FA';
const GREEN = '#107C10';
const GOLD = '#F2A30F';
const PAPER = '#FFFFFF';
const GREY = '#8A8A8A';

export type Glyph = 'app' | 'validate' | 'generate';

/** Every icon the manifest references: glyph, pixel size, file name under assets/. */
export const ICONS: ReadonlyArray<{ glyph: Glyph; size: number; file: string }> = [
  ...[16, 32, 64, 80].map((size) => ({ glyph: 'app' as const, size, file: `icon-${size}.png` })),
  ...[16, 32, 80].map((size) => ({ glyph: 'validate' as const, size, file: `validate-${size}.png` })),
  ...[16, 32, 80].map((size) => ({ glyph: 'generate' as const, size, file: `generate-${size}.png` })),
];

/** Drawings on a 16-unit grid: 1-unit strokes sit on half units so their edges fall on pixels. */
const SMALL: Record<Glyph, string> = {
  // A page with a folded corner holding two bars, and a green check badge over its lower right.
  app: `
    <path d="M1.5 1.5H7.5L10.5 4.5V14.5H1.5Z" fill="${PAPER}" stroke="${BLUE}"/>
    <path d="M7.5 1.5V4.5H10.5" fill="${BLUE_LIGHT}" stroke="${BLUE}"/>
    <rect x="3" y="9" width="2" height="4" fill="${BLUE}"/>
    <rect x="6" y="6" width="2" height="7" fill="${BLUE}"/>
    <circle cx="12" cy="12" r="4.25" fill="${PAPER}"/>
    <circle cx="12" cy="12" r="3.5" fill="${GREEN}"/>
    <path d="M10.3 12.1L11.5 13.3L13.7 10.8" fill="none" stroke="${PAPER}" stroke-width="1.3" stroke-linecap="round" stroke-linejoin="round"/>`,
  // A magnifier whose lens holds a green check mark.
  validate: `
    <circle cx="6.5" cy="6.5" r="5" fill="${PAPER}" stroke="${BLUE}" stroke-width="1.5"/>
    <path d="M10.2 10.2L14.5 14.5" stroke="${BLUE}" stroke-width="2.5" stroke-linecap="round"/>
    <path d="M4.2 6.7L5.9 8.4L9 4.9" fill="none" stroke="${GREEN}" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/>`,
  // Three rising bars on a base line, and a four-pointed spark above the first.
  generate: `
    <rect x="3" y="10" width="3" height="4" fill="${BLUE}"/>
    <rect x="7" y="7" width="3" height="7" fill="${BLUE}"/>
    <rect x="11" y="3" width="3" height="11" fill="${BLUE}"/>
    <rect x="2" y="14" width="13" height="1" fill="${GREY}"/>
    <path d="M4.5 0.8L5.4 3.6L8.2 4.5L5.4 5.4L4.5 8.2L3.6 5.4L0.8 4.5L3.6 3.6Z" fill="${GOLD}"/>`,
};

/** Drawings on a 32-unit grid, used for 32, 64 and 80 px. */
const LARGE: Record<Glyph, string> = {
  app: `
    <path d="M5 3H18L25 10V29H5Z" fill="${PAPER}" stroke="${BLUE}" stroke-width="2" stroke-linejoin="round"/>
    <path d="M18 3V10H25" fill="${BLUE_LIGHT}" stroke="${BLUE}" stroke-width="2" stroke-linejoin="round"/>
    <rect x="9" y="18" width="3" height="7" rx="0.5" fill="${BLUE}"/>
    <rect x="14" y="13" width="3" height="12" rx="0.5" fill="${BLUE}"/>
    <circle cx="23.5" cy="23.5" r="8.5" fill="${PAPER}"/>
    <circle cx="23.5" cy="23.5" r="7" fill="${GREEN}"/>
    <path d="M19.8 23.7L22.5 26.4L27.3 21" fill="none" stroke="${PAPER}" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"/>`,
  validate: `
    <circle cx="13" cy="13" r="10" fill="${PAPER}" stroke="${BLUE}" stroke-width="3"/>
    <path d="M20.5 20.5L28.5 28.5" stroke="${BLUE}" stroke-width="4.5" stroke-linecap="round"/>
    <path d="M8.2 13.4L11.6 16.8L18 9.6" fill="none" stroke="${GREEN}" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/>`,
  generate: `
    <rect x="4" y="19" width="6" height="9" rx="1" fill="${BLUE}"/>
    <rect x="13" y="13" width="6" height="15" rx="1" fill="${BLUE}"/>
    <rect x="22" y="6" width="6" height="22" rx="1" fill="${BLUE}"/>
    <rect x="2" y="28" width="28" height="2" rx="1" fill="${GREY}"/>
    <path d="M8 1.5L9.7 6.3L14.5 8L9.7 9.7L8 14.5L6.3 9.7L1.5 8L6.3 6.3Z" fill="${GOLD}"/>`,
};

/** The SVG document of one icon at its exact pixel size. */
export function iconSvg(glyph: Glyph, size: number): string {
  const grid = size <= 16 ? 16 : 32;
  const body = size <= 16 ? SMALL[glyph] : LARGE[glyph];
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${grid} ${grid}">` +
    `${body}</svg>`
  );
}

/** The repository root: the nearest folder above this file (or its compiled copy) with package.json. */
function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = up;
  }
  return dir;
}

async function main(): Promise<void> {
  const outDir = path.join(repoRoot(), 'assets');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    for (const { glyph, size, file } of ICONS) {
      const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
      await page.setContent(
        '<!doctype html><html><head><style>html,body{margin:0;padding:0;background:transparent}' +
          `svg{display:block}</style></head><body>${iconSvg(glyph, size)}</body></html>`,
      );
      const png = await page.screenshot({
        type: 'png',
        omitBackground: true,
        clip: { x: 0, y: 0, width: size, height: size },
      });
      await page.close();
      fs.writeFileSync(path.join(outDir, file), png);
      console.log(`assets/${file}: ${size}×${size}, ${png.length} bytes`);
    }
  } finally {
    await browser.close();
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
