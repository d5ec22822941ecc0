#!/usr/bin/env node
"use strict";
/*
 * `npm pack` / `npm publish` hooks (package.json "prepack" and "postpack").
 *
 *   node scripts/pack.js prepack    a clean build (scripts/build.js --clean), then
 *                                   package.json without its "prepare" script
 *   node scripts/pack.js postpack   package.json back as it was
 *
 * Why strip "prepare": in a checkout it builds dist/ on `npm ci`. An installed
 * tarball already holds dist/, and npm never runs a tarball's prepare, but it
 * still lists it as an install script to approve (`npm warn install-scripts`,
 * and an error under --strict-allow-scripts). The tarball's package.json has
 * none, so installing regcache runs and asks for nothing. Packing reads
 * package.json from disk after prepack, so the stripped copy is the one packed
 * (and npm's own "prepare" step during pack, reading it too, finds nothing to
 * run: the build happens once).
 *
 * The original bytes are kept in dist/package.json.prepack until postpack puts
 * them back; a pack that died in between is repaired by the next prepack (or by
 * `node scripts/pack.js postpack`).
 */
const fs = require("node:fs");
const path = require("node:path");
const { build } = require("./build.js");

const root = path.resolve(__dirname, "..");
const manifest = path.join(root, "package.json");
const saved = path.join(root, "dist", "package.json.prepack");

function restore() {
  if (!fs.existsSync(saved)) return;
  fs.writeFileSync(manifest, fs.readFileSync(saved));
  fs.rmSync(saved);
}

function prepack() {
  restore();
  const code = build({ clean: true });
  if (code !== 0) return code;
  const text = fs.readFileSync(manifest, "utf8");
  const pkg = JSON.parse(text);
  if (pkg.scripts && pkg.scripts.prepare !== undefined) {
    fs.writeFileSync(saved, text);
    delete pkg.scripts.prepare;
    fs.writeFileSync(manifest, JSON.stringify(pkg, null, 2) + "\n");
  }
  return 0;
}

const step = process.argv[2];
if (step === "prepack") process.exitCode = prepack();
else if (step === "postpack") restore();
else {
  process.stderr.write("usage: node scripts/pack.js prepack|postpack\n");
  process.exitCode = 2;
}
