/*
 * `.NUMBER` folding on objects that really contain compiler clones: gcc -O2
 * makes tests/size/fixtures/clones.c into .isra, .constprop, .part and .cold
 * functions (the handler suite has none). The size command's reading of the
 * objects (measureObjects: our ELF reader, then bloat-o-meter's folding) must
 * equal a re-sum of `nm --size-sort` written here the way scripts/
 * bloat-o-meter does it: strip every ".NUMBER", sum per name over the
 * objects, keep the t/d/b/r/w/v symbol types.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { measureObjects } from "../../../generator/size/measure/build";
import { nmSizeSortOf, fileTempDir } from "../../size/helpers";

const fixture = path.join(__dirname, "..", "..", "size", "fixtures", "clones.c");
const flags = ["-std=gnu11", "-O2", "-fno-pic", "-mcmodel=kernel", "-mno-red-zone"];

const dir = fileTempDir("clones");

/** The fixture twice, as two objects of one side: the same clones in both. */
let objects: string[] = [];
beforeAll(() => {
  objects = [
    ["plain.o", []],
    ["retpoline.o", ["-mindirect-branch=thunk-extern", "-mindirect-branch-register"]],
  ].map(([name, extra]) => {
    const out = path.join(dir, name as string);
    execFileSync("gcc", [...flags, ...(extra as string[]), "-c", fixture, "-o", out]);
    return out;
  });
});

/** bloat-o-meter's getsizes() over nm's output, independent of generator/size. */
function bloatOMeterSizes(paths: readonly string[]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const s of nmSizeSortOf(...paths)) {
    if (!"tTdDbBrRvVwW".includes(s.letter)) continue;
    const name = s.name.replace(/\.[0-9]+/g, "");
    sums[name] = (sums[name] ?? 0) + s.size;
  }
  return sums;
}

test("gcc really emits every kind of clone the folding is for", () => {
  const names = nmSizeSortOf(objects[0]!).map((s) => s.name);
  for (const suffix of [
    /^scaled\.isra\.\d+$/,
    /^mixed\.constprop\.\d+$/,
    /^checked\.part\.\d+$/,
    /^fail_hard\.cold$/,
  ])
    expect([String(suffix), names.some((n) => suffix.test(n))]).toEqual([String(suffix), true]);
});

test("measureObjects equals an nm re-sum with bloat-o-meter's folding, clones summed across objects", () => {
  const measured = measureObjects(objects);
  if (!measured.ok) throw new Error(measured.message);
  const ours = Object.fromEntries(measured.symbols.map((s) => [s.name, s.size]));
  const theirs = bloatOMeterSizes(objects);
  expect(ours).toEqual(theirs);
  // The folded names, as bloat-o-meter prints them.
  for (const name of [
    "scaled.isra",
    "mixed.constprop",
    "checked.part",
    "fail_hard.cold",
    "fail_hard",
  ])
    expect([name, ours[name]! > 0]).toEqual([name, true]);
  // Summed over both objects, not taken from one.
  const first = bloatOMeterSizes([objects[0]!]);
  expect(ours["scaled.isra"]).toBe(
    first["scaled.isra"]! + bloatOMeterSizes([objects[1]!])["scaled.isra"]!,
  );
  expect(ours["scaled.isra"]).toBeGreaterThan(first["scaled.isra"]!);
});
