#!/usr/bin/env node
"use strict";
/*
 * Writes generator/core/diagnostics/east-asian-width.ts, the code points a terminal shows two
 * columns wide, from the Unicode Character Database's EastAsianWidth.txt
 * (UAX #11: the classes W, wide, and F, fullwidth, listed or by default), for the caret underlines
 * of diagnostics (generator/core/diagnostics/diagnostic.ts). Debian's `unicode-data` package
 * installs the file:
 *
 *   node scripts/east-asian-width.js [EastAsianWidth.txt] [out.ts]
 *
 * Defaults: /usr/share/unicode/EastAsianWidth.txt, generator/core/diagnostics/east-asian-width.ts.
 * Adjacent ranges are merged; the output is sorted, so a file regenerates to
 * the same bytes (tests/unit/core/diagnostics/east-asian-width.test.ts compares them).
 * Exit 2 when the input is missing or not in the UCD's format. Formatted with the
 * project's prettier (a dev dependency: this runs in a checkout, not at build).
 */
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const input = process.argv[2] ?? "/usr/share/unicode/EastAsianWidth.txt";
const output = process.argv[3] ?? path.join(root, "generator", "core", "diagnostics", "east-asian-width.ts");

function fail(message) {
  process.stderr.write(`east-asian-width: ${message}\n`);
  process.exit(2);
}

let text;
try {
  text = fs.readFileSync(input, "utf8");
} catch (err) {
  fail(
    `cannot read ${input}: ${err.code ?? err.message} (Debian: apt-get install -y unicode-data)`,
  );
}
const version = /^# EastAsianWidth-(\d+\.\d+\.\d+)\.txt/.exec(text)?.[1];
if (!version)
  fail(`${input}:1: not the UCD's EastAsianWidth.txt (no "# EastAsianWidth-X.Y.Z.txt" line)`);

const ranges = [];
// Code points not listed take a default. Up to Unicode 15.0 the header states
// the "W" defaults in prose (unassigned CJK ideographs, planes 2 and 3: "#  CJK
// Unified Ideographs: U+4E00..U+9FFF"); from 15.1 as "# @missing: 4E00..9FFF; W".
const header = text.slice(0, text.search(/^[0-9A-F]/m));
if (/default to "W"/.test(header)) {
  for (const m of header.matchAll(/^#\s+[^:\n]+:\s+U\+([0-9A-F]{4,6})\.\.U\+([0-9A-F]{4,6})\s*$/gm))
    ranges.push([parseInt(m[1], 16), parseInt(m[2], 16)]);
}
for (const m of text.matchAll(/^#\s*@missing:\s*([0-9A-F]{4,6})\.\.([0-9A-F]{4,6})\s*;\s*W\s*$/gm))
  ranges.push([parseInt(m[1], 16), parseInt(m[2], 16)]);
text.split("\n").forEach((line, i) => {
  const data = line.replace(/#.*/, "").trim();
  if (data === "") return;
  const m = /^([0-9A-F]{4,6})(?:\.\.([0-9A-F]{4,6}))?\s*;\s*(A|F|H|N|Na|W)$/.exec(data);
  if (!m) fail(`${input}:${i + 1}: cannot read '${data}'`);
  if (m[3] !== "W" && m[3] !== "F") return;
  ranges.push([parseInt(m[1], 16), parseInt(m[2] ?? m[1], 16)]);
});
ranges.sort((a, b) => a[0] - b[0]);
const merged = [];
for (const [first, last] of ranges) {
  const prev = merged[merged.length - 1];
  if (prev && first <= prev[1] + 1) prev[1] = Math.max(prev[1], last);
  else merged.push([first, last]);
}

const hex = (n) => `0x${n.toString(16).padStart(4, "0")}`;
const lines = merged.map(([a, b]) => `  ${hex(a)}, ${hex(b)},`);
const source = `/*
 * Written by scripts/east-asian-width.js from the Unicode Character Database,
 * EastAsianWidth-${version}.txt: the code points of East Asian Width W (wide) or
 * F (fullwidth), which a terminal shows two columns wide (UAX #11). Do not edit.
 */

/** Unicode version of the data below. */
export const UNICODE_VERSION = "${version}";

/**
 * Wide and fullwidth code points as inclusive ranges, flattened: first, last,
 * first, last, ... sorted and disjoint (${merged.length} ranges).
 */
export const WIDE_RANGES: readonly number[] = [
${lines.join("\n")}
];
`;
// In the project's prettier style, so `npm run format` leaves it as written.
(async () => {
  const prettier = require("prettier");
  const config =
    (await prettier.resolveConfig(path.join(root, "generator", "core", "diagnostics", "east-asian-width.ts"))) ?? {};
  fs.writeFileSync(output, await prettier.format(source, { ...config, parser: "typescript" }));
})().catch((err) => fail(String(err && err.message ? err.message : err)));
