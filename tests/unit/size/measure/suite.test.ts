/*
 * The handler suite the report measures (generator/size/measure/suite.ts):
 * the one of the spec's shape (runtime/handlers/ for 6.x's accessors,
 * runtime/handlers/7.2/ for 7.2's), its handlers.json (files sorted, include directories resolved
 * against the package, the functions it promises), or without a manifest
 * every runtime/handlers/*.c; and each way a package without a usable
 * suite is said.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { findSuite } from "../../../../generator/size/measure/suite";
import { repoRoot } from "../../../helpers/capture";
import { tempDir } from "../../../helpers/temp";

/** A package root whose runtime/handlers holds `files`. */
function pkg(files: Record<string, string>): string {
  const root = tempDir("suite");
  const handlers = path.join(root, "runtime", "handlers");
  fs.mkdirSync(handlers, { recursive: true });
  for (const [name, text] of Object.entries(files))
    fs.writeFileSync(path.join(handlers, name), text);
  return root;
}

test.each([
  ["6.x", ["runtime", "handlers"]],
  ["7.2", ["runtime", "handlers", "7.2"]],
] as const)("the repository's %s suite: its manifest's files and functions", (shape, dir) => {
  const found = findSuite(repoRoot, shape);
  if (!found.ok) throw new Error(found.message);
  const manifest = JSON.parse(
    fs.readFileSync(path.join(repoRoot, ...dir, "handlers.json"), "utf8"),
  ) as { includeDirs: string[]; files: Record<string, string[]> };
  expect(found.suite.sources).toEqual(
    Object.keys(manifest.files)
      .sort()
      .map((f) => path.join(repoRoot, ...dir, f)),
  );
  expect(found.suite.includeDirs).toEqual(
    manifest.includeDirs.map((d) => path.resolve(repoRoot, d)),
  );
  expect(found.suite.functions).toEqual(Object.values(manifest.files).flat().sort());
});

test("a manifest: files sorted, include directories from the package root, functions sorted", () => {
  const root = pkg({
    "handlers.json": JSON.stringify({
      includeDirs: ["runtime/include", "/abs/inc"],
      files: { "z.c": ["z_one"], "a.c": ["a_two", "a_one"] },
    }),
  });
  expect(findSuite(root, "6.x")).toEqual({
    ok: true,
    suite: {
      sources: ["a.c", "z.c"].map((f) => path.join(root, "runtime", "handlers", f)),
      includeDirs: [path.join(root, "runtime", "include"), "/abs/inc"],
      functions: ["a_one", "a_two", "z_one"],
    },
  });
});

test("no manifest: every .c file, with runtime/include, no functions promised", () => {
  const root = pkg({ "b.c": "", "a.c": "", "notes.txt": "", "c.h": "" });
  expect(findSuite(root, "6.x")).toEqual({
    ok: true,
    suite: {
      sources: ["a.c", "b.c"].map((f) => path.join(root, "runtime", "handlers", f)),
      includeDirs: [path.join(root, "runtime", "include")],
      functions: [],
    },
  });
});

test.each<[string, Record<string, string> | undefined, RegExp]>([
  [
    "a manifest that is not JSON",
    { "handlers.json": "{" },
    /^cannot read .*handlers\.json: SyntaxError/,
  ],
  [
    "a manifest of the wrong shape",
    { "handlers.json": JSON.stringify({ includeDirs: "runtime/include", files: {} }) },
    /handlers\.json: expected \{ includeDirs: \[\.\.\.\], files: \{ "x\.c": \[\.\.\.\] \} \}$/,
  ],
  [
    "a manifest whose functions are not names",
    { "handlers.json": JSON.stringify({ includeDirs: [], files: { "a.c": [1] } }) },
    /handlers\.json: expected/,
  ],
  [
    "a manifest of no files",
    { "handlers.json": JSON.stringify({ includeDirs: [], files: {} }) },
    /handlers\.json lists no files$/,
  ],
  [
    "no manifest and no sources",
    { README: "" },
    /^no handler sources \(\*\.c\) in .*runtime\/handlers$/,
  ],
  ["no handlers directory", undefined, /^cannot list .*runtime\/handlers: ENOENT$/],
])("%s", (_name, files, message) => {
  const root = files ? pkg(files) : tempDir("suite-none");
  const found = findSuite(root, "6.x");
  expect(found.ok ? "" : found.message).toMatch(message);
});

test("a 7.2-shaped spec's suite is runtime/handlers/7.2/, not the 6.x one beside it", () => {
  const root = pkg({ "six.c": "" });
  fs.mkdirSync(path.join(root, "runtime", "handlers", "7.2"));
  fs.writeFileSync(path.join(root, "runtime", "handlers", "7.2", "seven.c"), "");
  const sources = (shape: "6.x" | "7.2") => {
    const found = findSuite(root, shape);
    return found.ok ? found.suite.sources : found.message;
  };
  expect(sources("6.x")).toEqual([path.join(root, "runtime", "handlers", "six.c")]);
  expect(sources("7.2")).toEqual([path.join(root, "runtime", "handlers", "7.2", "seven.c")]);
});
