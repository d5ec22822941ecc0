#!/usr/bin/env node
"use strict";
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run by `prepare`, so `npm ci` builds it).
let cli;
try {
  cli = require("../dist/generator/cli.js");
} catch (err) {
  if (err && err.code === "MODULE_NOT_FOUND") {
    process.stderr.write("regcache: not built yet; run `npm ci` (or `npm run build`) first\n");
    process.exit(3);
  }
  throw err;
}
cli.main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`regcache: internal error: ${err && err.stack ? err.stack : err}\n`); process.exitCode = 70; },
);
