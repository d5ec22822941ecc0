/*
 * Where the tool's own files are (generator/util/paths.ts): the package root
 * found by walking up to regcache's package.json, what lives below it, the
 * version it declares; whether one path lies inside another, and a path as
 * messages show it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  defaultOutDir,
  defaultSpecPath,
  generatorVersion,
  inside,
  packageRoot,
  schemaPath,
  shownPath,
  templatesDir,
} from "../../../generator/util/paths";
import { repoRoot } from "../../helpers/capture";

test("the package root is the repository's, and the same on every call", () => {
  expect(packageRoot()).toBe(repoRoot);
  expect(packageRoot()).toBe(packageRoot());
});

test("its files: templates, the schema, the version of its package.json", () => {
  expect(templatesDir()).toBe(path.join(repoRoot, "templates"));
  expect(fs.statSync(templatesDir()).isDirectory()).toBe(true);
  expect(schemaPath()).toBe(path.join(repoRoot, "spec", "regcache.schema.json"));
  expect(fs.existsSync(schemaPath())).toBe(true);
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));
  expect(generatorVersion()).toBe(pkg.version);
  expect([defaultSpecPath, defaultOutDir]).toEqual(["spec/x86-kvm.yaml", "generated"]);
  expect(fs.existsSync(path.join(repoRoot, defaultSpecPath))).toBe(true);
});

describe("inside", () => {
  test.each<[string, string, string | undefined]>([
    ["/a/b", "/a/b", ""],
    ["/a/b", "/a/b/c", "c"],
    ["/a/b", "/a/b/c/d.h", path.join("c", "d.h")],
    ["/a/b/", "/a/b/c", "c"],
    ["/a/b", "/a/bc", undefined],
    ["/a/b", "/a", undefined],
    ["/a/b", "/x/y", undefined],
    ["/a/b", "/a/b/../c", undefined],
    ["/a/b", "/a/b/..", undefined],
    ["/a/b", "/a/b/..c", "..c"],
    ["/a/b", "/a/b/...", "..."],
    ["/a/b", "/a/b/..c/d.h", path.join("..c", "d.h")],
    ["/a/b/..c", "/a/b/..c/d", "d"],
    ["/a/b/..c", "/a/b", undefined],
    ["/", "/a", "a"],
  ])("inside(%s, %s) = %p", (dir, p, want) => expect(inside(dir, p)).toBe(want));
});

describe("shownPath", () => {
  test.each<[string, string, string]>([
    ["/w", "/w/spec/x.yaml", "spec/x.yaml"],
    ["/w", "/w/..spec/x.yaml", "..spec/x.yaml"],
    ["/w", "/other/x.yaml", "/other/x.yaml"],
    ["/w/sub", "/w/x.yaml", "/w/x.yaml"],
    ["/w", "/w", "/w"],
  ])("shownPath(%s, %s) = %s", (cwd, file, want) => expect(shownPath(cwd, file)).toBe(want));
});
