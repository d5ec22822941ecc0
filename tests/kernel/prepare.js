#!/usr/bin/env node
// Prepares (or checks) cached kernel trees for colleagues and CI:
//   node tests/kernel/prepare.js [6.1|6.12|linux-source-X ...]   (default: 6.1 6.12)
// Prints one JSON line per tree (package, version, srcDir, buildDir, header,
// compileCommands). The series it knows are SERIES in trees.ts (7.2 too, not
// a default). Env: REGCACHE_KERNEL_CACHE (cache dir), REGCACHE_KERNEL_LOCK
// (flock file wrapping every make), REGCACHE_KERNEL_DEBS (directory of .debs
// with SHA256SUMS; default ../shared/kernels beside the repository). No
// ts-node: the .ts modules are transpiled in memory with the project's own
// TypeScript.
"use strict";
require("./register-ts");
const { prepareTree, sourcePackage } = require("./trees.ts");

const wanted = process.argv.slice(2);
const packages = (wanted.length ? wanted : ["6.1", "6.12"]).map((a) =>
  a.startsWith("linux-source-") ? a : sourcePackage(a),
);
let status = 0;
for (const pkg of packages) {
  try {
    const tree = prepareTree(pkg, (line) => process.stderr.write(`prepare: ${line}\n`));
    process.stdout.write(
      JSON.stringify({
        package: tree.manifest.package,
        version: tree.manifest.version,
        srcDir: tree.srcDir,
        buildDir: tree.buildDir,
        header: tree.header,
        compileCommands: tree.compileCommands,
      }) + "\n",
    );
  } catch (e) {
    process.stderr.write(`prepare: ${pkg}: ${e.message}\n`);
    status = 1;
  }
}
process.exitCode = status;
