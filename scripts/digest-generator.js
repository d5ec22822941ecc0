#!/usr/bin/env node
"use strict";
/*
 * Build step (run by `npm run build` after tsc): writes the digest of the
 * generator's own code, per target, to dist/generator/generate/generator-digest.json,
 * so the compiled tool reads it instead of hashing its sources on every run.
 * The digest itself is generator/generate/digest.ts's: one definition for the build
 * and for runs from source.
 */
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const { computeGeneratorDigests, DIGEST_FILE } = require(
  path.join(root, "dist", "generator", "generate", "digest.js"),
);
const out = path.join(root, "dist", "generator", "generate", DIGEST_FILE);
const tmp = `${out}.${process.pid}.tmp`;
fs.writeFileSync(tmp, JSON.stringify(computeGeneratorDigests(path.join(root, "generator"))) + "\n");
fs.renameSync(tmp, out);
