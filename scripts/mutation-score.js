#!/usr/bin/env node
"use strict";
/*
 * Sums StrykerJS JSON reports into one mutation score: the whole scope of
 * `npm run test:mutation` does not fit one sitting, so it is run a few modules
 * at a time, each run writing a report of its own modules only
 * (docs/dev/testing.md, "Mutation testing").
 *
 *   node scripts/mutation-score.js REPORT.json...
 *
 * Prints one line per mutated file and a total: the score (detected, that is
 * killed and timed out, over valid mutants, as StrykerJS computes it: the
 * counting is mutation-testing-metrics', the library its reporters use), then
 * killed, timed out, survived, without coverage, and rejected (mutants the
 * TypeScript checker dropped, which do not count). Then the modules of
 * stryker.config.json's `mutate` that no report holds, if any. A file held by
 * more than one report is taken from the last one named.
 *
 * Exit codes: 0 the total is at or above stryker.config.json's
 * thresholds.break; 1 below it; 2 bad input (no report named, or a file that
 * cannot be read or is not a StrykerJS report).
 */
const fs = require("node:fs");
const path = require("node:path");
const { calculateMetrics } = require("mutation-testing-metrics");

const root = path.resolve(__dirname, "..");

function fail(message) {
  process.stderr.write(`mutation-score: ${message}\n`);
  process.exit(2);
}

/** The `files` of the StrykerJS JSON report at `file`, keyed by path relative to the repository. */
function readReport(file) {
  let report;
  try {
    report = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    fail(`${file}: ${e.code === "ENOENT" ? "no such file" : e.message}`);
  }
  const files = report && typeof report === "object" ? report.files : undefined;
  const valid =
    files &&
    typeof files === "object" &&
    Object.values(files).every((f) => f && Array.isArray(f.mutants));
  if (!valid) fail(`${file}: not a StrykerJS JSON report (no "files" with "mutants")`);
  return files;
}

function main(args) {
  if (args.length === 0 || args.includes("--help") || args.includes("-h")) {
    process.stdout.write(
      "usage: node scripts/mutation-score.js REPORT.json...\n" +
        "Sums StrykerJS JSON reports (reports/mutation/*.json) into one mutation score.\n",
    );
    process.exit(args.length === 0 ? 2 : 0);
  }
  const files = {};
  for (const arg of args) Object.assign(files, readReport(arg));
  const config = JSON.parse(fs.readFileSync(path.join(root, "stryker.config.json"), "utf8"));

  const names = Object.keys(files).sort();
  const width = Math.max(...names.map((n) => n.length), 10);
  const row = (name, m) =>
    [
      name.padEnd(width),
      m.mutationScore.toFixed(2).padStart(6),
      ...[m.killed, m.timeout, m.survived, m.noCoverage, m.compileErrors].map((n) =>
        String(n).padStart(8),
      ),
    ].join("  ");
  const heads = ["killed", "timeout", "survived", "no cov", "rejected"];
  console.log([" ".repeat(width), " score", ...heads.map((h) => h.padStart(8))].join("  "));
  for (const name of names) console.log(row(name, calculateMetrics({ [name]: files[name] }).metrics));
  const total = calculateMetrics(files).metrics;
  console.log(row(`all (${names.length} files)`, total));

  const missing = config.mutate.filter((m) => !(m in files));
  if (missing.length > 0) console.log(`not in the reports (${missing.length}): ${missing.join(", ")}`);
  const floor = config.thresholds.break;
  const below = total.mutationScore < floor;
  console.log(`${below ? "below" : "at or above"} the ${floor}% threshold`);
  process.exit(below ? 1 : 0);
}

main(process.argv.slice(2));
