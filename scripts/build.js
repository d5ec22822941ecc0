#!/usr/bin/env node
"use strict";
/*
 * The build: tsc compiles generator/ to dist/generator/, then
 * scripts/compile-schema.js precompiles the spec's JSON Schema into
 * dist/generator/core/spec/schema-validator.js, and scripts/digest-generator.js writes
 * the digest of the generator's code, dist/generator/generate/generator-digest.json.
 * Last it records what the build was compiled from (generator/cli/build-record.ts,
 * dist/generator/build-sources.json), so bin/regcache.js can tell a build
 * older than its sources.
 *
 *   node scripts/build.js           `npm run build`, and `prepare` (so `npm ci` builds)
 *   node scripts/build.js --clean   removes dist/generator/ first (scripts/pack.js, for
 *                                   `npm pack`: the tarball holds exactly what this
 *                                   source compiles to, no output of a deleted file)
 *
 * Only dist/generator/ is removed: dist/ also holds the tests' private builds.
 * Exit 3 when TypeScript is not installed (a dev dependency: run `npm ci`).
 */
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const root = path.resolve(__dirname, "..");

function build({ clean }) {
  let tsc;
  try {
    tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
  } catch {
    process.stderr.write("regcache build: TypeScript is not installed; run `npm ci` first\n");
    return 3;
  }
  const startedMs = Date.now();
  if (clean) fs.rmSync(path.join(root, "dist", "generator"), { recursive: true, force: true });
  const steps = [
    [tsc, "-p", path.join(root, "tsconfig.json")],
    [path.join(root, "scripts", "compile-schema.js")],
    [path.join(root, "scripts", "digest-generator.js")],
  ];
  for (const args of steps) {
    const run = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit" });
    if (run.status !== 0) return run.status ?? 1;
  }
  const dist = path.join(root, "dist", "generator");
  const { recordBuild, BUILD_RECORD_FILE } = require(path.join(dist, "cli", "build-record.js"));
  const out = path.join(dist, BUILD_RECORD_FILE);
  fs.writeFileSync(
    `${out}.${process.pid}.tmp`,
    JSON.stringify(recordBuild(root, startedMs)) + "\n",
  );
  fs.renameSync(`${out}.${process.pid}.tmp`, out);
  return 0;
}

module.exports = { build };

if (require.main === module) process.exitCode = build({ clean: process.argv.includes("--clean") });
