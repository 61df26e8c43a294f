#!/usr/bin/env node
'use strict';
// Reports the task pane's initial JavaScript (every script taskpane.html loads from dist/), raw and
// gzip, after `npm run build`. Exit 1 when the gzip size passes the budget (issue: ≤ 300 KB).
// The benchmark (scripts/bench/taskpane.ts) measures through measureInitialJs, so both agree.
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const BUDGET = 300 * 1024;

/** The scripts a built taskpane.html loads from its own folder, with their total size raw and gzip (level 9). */
function measureInitialJs(dist) {
  const html = fs.readFileSync(path.join(dist, 'taskpane.html'), 'utf8');
  const scripts = [...html.matchAll(/<script[^>]+src=["']?([^"' >]+)/g)].map((m) => m[1]).filter((src) => !/^https?:/.test(src));
  let raw = 0;
  let gzip = 0;
  for (const src of scripts) {
    const bytes = fs.readFileSync(path.join(dist, src));
    raw += bytes.length;
    gzip += zlib.gzipSync(bytes, { level: 9 }).length;
  }
  return { scripts, rawBytes: raw, gzipBytes: gzip, budgetBytes: BUDGET };
}

module.exports = { BUDGET, measureInitialJs };

if (require.main === module) {
  const dist = path.resolve(__dirname, '..', process.argv[2] || 'dist');
  const size = measureInitialJs(dist);
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`task pane initial JavaScript: ${size.scripts.join(', ')} — ${kb(size.rawBytes)} raw, ${kb(size.gzipBytes)} gzip (budget ${kb(BUDGET)})`);
  fs.writeFileSync(path.join(dist, 'size.json'), JSON.stringify(size, null, 2));
  if (size.gzipBytes > BUDGET) {
    console.error('task pane initial JavaScript is over budget');
    process.exit(1);
  }
}
