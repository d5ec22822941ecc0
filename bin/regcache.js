#!/usr/bin/env node
"use strict";
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run by `prepare`, so `npm ci` builds it;
// a packed tarball ships dist/ already, built by `prepack`).
const path = require("node:path");
let cli;
try {
  const dist = path.join(__dirname, "..", "dist", "generator");
  const entry = require.resolve(path.join(dist, "cli", "main.js"));
  // In a checkout, a build older than its sources (a pull without `npm ci`) would run yesterday's code
  // against today's templates: say so instead (generator/cli/build-record.ts).
  const stale = require(path.join(dist, "cli", "build-record.js")).staleBuildMessage(dist);
  if (stale) {
    process.stderr.write(`${stale}\n`);
    process.exit(3);
  }
  cli = require(entry);
} catch (err) {
  if (err && err.code === "MODULE_NOT_FOUND") {
    process.stderr.write("regcache: not built yet; run `npm ci` (or `npm run build`) first\n");
    process.exit(3);
  }
  throw err;
}
cli.main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => {
    // main() reports internal errors itself; this is the last resort. The stack only with --debug.
    const debug = process.argv.includes("--debug");
    const text = debug && err && err.stack ? err.stack : String(err && err.message ? err.message : err).split("\n")[0];
    process.stderr.write(`regcache: internal error: ${text}\n`);
    process.exitCode = 70;
  },
);
