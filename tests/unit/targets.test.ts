/*
 * The list of targets (generator/targets/index.ts) and what each declares of
 * itself: listed under its own name; its `folder` is the folder below
 * targets/ whose index.ts exports it, and no two targets claim one folder (the
 * digest of each target's code leaves the others' folders out); spdxLine set
 * for the C-family targets only; the inputs each names in words are its own
 * (templates for the C-family targets, ts-morph and prettier for ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { TARGETS } from "../../generator/targets";

const targetsDir = path.resolve(__dirname, "../../generator/targets");
const all = Object.entries(TARGETS);

test("each target is listed under its own name", () =>
  expect(all.map(([key, t]) => [key, t.name])).toEqual(all.map(([key]) => [key, key])));

test.each(all)("%s: its folder's index.ts exports it", (_name, target) => {
  expect(fs.existsSync(path.join(targetsDir, target.folder, "index.ts"))).toBe(true);
  const module = require(path.join(targetsDir, target.folder)) as Record<string, unknown>;
  expect(Object.values(module)).toContain(target);
});

test("no two targets claim one folder", () => {
  const folders = all.map(([, t]) => t.folder);
  expect(new Set(folders).size).toBe(folders.length);
});

test("the spec's SPDX line heads the C-family targets' files only", () =>
  expect(Object.fromEntries(all.map(([name, t]) => [name, t.spdxLine]))).toEqual({
    c: true,
    kernel: true,
    ts: false,
  }));

test("each names its own inputs in words: templates, or the TypeScript target's tools", () =>
  expect(Object.fromEntries(all.map(([name, t]) => [name, t.inputsInWords]))).toEqual({
    c: "the spec, the templates, the generator or the options",
    kernel: "the spec, the template, the generator or the options",
    ts: "the spec, the generator, ts-morph or prettier, or the options",
  }));
