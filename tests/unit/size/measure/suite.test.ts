/*
 * The handler suite the report measures (generator/size/measure/suite.ts):
 * the runtime's handlers.json (files sorted, include directories resolved
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

test("the repository's suite: its manifest's files and functions", () => {
  const found = findSuite(repoRoot);
  if (!found.ok) throw new Error(found.message);
  const manifest = JSON.parse(
    fs.readFileSync(path.join(repoRoot, "runtime", "handlers", "handlers.json"), "utf8"),
  ) as { includeDirs: string[]; files: Record<string, string[]> };
  expect(found.suite.sources).toEqual(
    Object.keys(manifest.files)
      .sort()
      .map((f) => path.join(repoRoot, "runtime", "handlers", f)),
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
  expect(findSuite(root)).toEqual({
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
  expect(findSuite(root)).toEqual({
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
  const found = findSuite(root);
  expect(found.ok ? "" : found.message).toMatch(message);
});
