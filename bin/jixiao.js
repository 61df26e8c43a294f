#!/usr/bin/env node
'use strict';
// Thin launcher: the command line is compiled from src/cli by `npm run build:cli` (run by `npm ci`).
require('../lib/src/cli/main.js').main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
