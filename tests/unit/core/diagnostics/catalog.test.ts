/*
 * The one diagnostic catalog (generator/core/diagnostics/catalog.ts and its
 * per-stage data files): every code the source can emit is in it and in
 * docs/errors.md, every code in it is emitted somewhere (or marked reserved),
 * every code lies in its stage's range, and every template uses only the
 * placeholders fill() knows.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  codesOf,
  messages,
  rangeOf,
  RANGES,
  type CatalogEntry,
} from "../../../../generator/core/diagnostics/catalog";

const root = path.join(__dirname, "..", "..", "..", "..");
const generatorDir = path.join(root, "generator");

function sourcesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourcesUnder(full);
    return e.name.endsWith(".ts") ? [full] : [];
  });
}

/** Every code written as a string literal in generator/**\/*.ts, with the files it is in. */
function emittedCodes(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of sourcesUnder(generatorDir)) {
    const text = fs.readFileSync(file, "utf8");
    for (const m of text.matchAll(/(["'`])(RC\d{3})\1/g)) {
      const where = found.get(m[2]!) ?? [];
      found.set(m[2]!, [...where, path.relative(root, file)]);
    }
  }
  return found;
}

const entries = () => Object.entries(messages) as [string, CatalogEntry][];

test("the source emits codes, and the scan finds them in every stage", () => {
  const emitted = emittedCodes();
  for (const code of ["RC001", "RC104", "RC616", "RC700", "RC808"])
    expect(emitted.has(code)).toBe(true);
});

test("every code the source can emit is in the catalog", () => {
  const missing = [...emittedCodes()]
    .filter(([code]) => !(code in messages))
    .map(([code, files]) => `${code} (${files.join(", ")})`);
  expect(missing).toEqual([]);
});

test("every code of the catalog is emitted by the source, unless it is marked reserved", () => {
  const emitted = emittedCodes();
  const unused = entries()
    .filter(([code, entry]) => !emitted.has(code) && !entry.reserved)
    .map(([code]) => code);
  expect(unused).toEqual([]);
});

test("docs/errors.md has a section for every code of the catalog", () => {
  const page = fs.readFileSync(path.join(root, "docs", "errors.md"), "utf8");
  const documented = new Set([...page.matchAll(/^## (RC\d{3})$/gm)].map((m) => m[1]));
  const missing = Object.keys(messages).filter((code) => !documented.has(code));
  expect(missing).toEqual([]);
  expect([...documented].filter((code) => !(code! in messages))).toEqual([]);
});

test("every code lies in one stage's range, and the ranges do not overlap", () => {
  expect(Object.keys(messages).filter((code) => rangeOf(code) === undefined)).toEqual([]);
  const sorted = [...RANGES].sort((a, b) => a.first - b.first);
  for (const [a, b] of sorted.slice(1).map((r, i) => [sorted[i]!, r] as const))
    expect([a.stage, a.last < b.first]).toEqual([a.stage, true]);
  for (const r of RANGES) expect([r.stage, codesOf(r.stage).length > 0]).toEqual([r.stage, true]);
  expect(rangeOf("RC616")?.stage).toBe("size");
  expect(rangeOf("RC599")).toBeUndefined();
  expect(rangeOf("RC1000")).toBeUndefined();
});

test("every entry has a severity, a message, and templates fill() understands", () => {
  for (const [code, entry] of entries()) {
    expect([code, ["error", "warning"].includes(entry.severity)]).toEqual([code, true]);
    expect([code, entry.message.length > 0]).toEqual([code, true]);
    for (const template of [entry.message, entry.hint]) {
      const placeholders = template.match(/\{[^}]*\}/g) ?? [];
      const odd = placeholders.filter((p) => !/^\{\d+(:x|:lines|:whole)?\}$/.test(p));
      expect([code, odd]).toEqual([code, []]);
    }
  }
});

test("every module of the catalog is at most 400 lines", () => {
  const dir = path.join(generatorDir, "core", "diagnostics");
  const long = fs
    .readdirSync(dir)
    .filter((f) => /^(catalog|entry)/.test(f))
    .filter((f) => fs.readFileSync(path.join(dir, f), "utf8").split("\n").length > 401);
  expect(long).toEqual([]);
});
