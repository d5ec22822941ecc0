/*
 * Which modules each target's code digest covers, as the Target contract
 * says: generate/produce.ts's import closure without the folders the other
 * targets name. On a small source tree made here, with targets given to the
 * digest, so a target added to the list is left out of the others' digests
 * with nothing else to change; and on generator/ itself, for every target in
 * TARGETS. (tests/drift/generator-change.test.ts edits the real modules.)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  computeGeneratorDigests,
  generatorModules,
  type CodeOwner,
} from "../../../generator/generate/digest";
import { TARGETS } from "../../../generator/targets";
import { tempDir } from "../../helpers/temp";

/** A source tree: path below it → the modules it imports (relative specifiers). */
function sourceTree(modules: Record<string, string[]>): string {
  const dir = tempDir("digest");
  for (const [file, imports] of Object.entries(modules)) {
    fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
    const text = imports.map((m, i) => `import * as m${i} from "${m}";\n`).join("");
    fs.writeFileSync(path.join(dir, file), `${text}// ${file}\n`);
  }
  return dir;
}

/** Two targets sharing targets/shared/, as c and kernel share targets/render/, and a third. */
const tree = () =>
  sourceTree({
    "generate/produce.ts": ["../targets", "../core/model"],
    "core/model.ts": [],
    "targets/index.ts": ["./a", "./b", "./t"],
    "targets/types.ts": [],
    "targets/a/index.ts": ["../types", "../shared/layout", "./view"],
    "targets/a/view.ts": [],
    "targets/b/index.ts": ["../types", "../shared/layout"],
    "targets/t/index.ts": ["../types"],
    "targets/shared/layout.ts": [],
    "size/run.ts": ["../generate/produce"],
  });
const targets: CodeOwner[] = [
  { name: "c", folder: "a" },
  { name: "kernel", folder: "b" },
  { name: "ts", folder: "t" },
];

test("each target: the shared closure, its own folder, what it imports; never another's folder", () => {
  const dir = tree();
  const shared = ["core/model.ts", "generate/produce.ts", "targets/index.ts"];
  expect(generatorModules(dir, "c", targets)).toEqual(
    [
      ...shared,
      "targets/a/index.ts",
      "targets/a/view.ts",
      "targets/shared/layout.ts",
      "targets/types.ts",
    ].sort(),
  );
  expect(generatorModules(dir, "kernel", targets)).toEqual(
    [...shared, "targets/b/index.ts", "targets/shared/layout.ts", "targets/types.ts"].sort(),
  );
  expect(generatorModules(dir, "ts", targets)).toEqual(
    [...shared, "targets/t/index.ts", "targets/types.ts"].sort(),
  );
});

test("a target added to the list is left out of the others' digests", () => {
  const dir = tree();
  fs.writeFileSync(
    path.join(dir, "targets/index.ts"),
    'import * as a from "./a";\nimport * as b from "./b";\nimport * as t from "./t";\nimport * as n from "./n";\n',
  );
  fs.mkdirSync(path.join(dir, "targets/n"));
  fs.writeFileSync(
    path.join(dir, "targets/n/index.ts"),
    'import * as s from "../shared/layout";\n',
  );
  const four = [...targets, { name: "new", folder: "n" }];
  expect(generatorModules(dir, "c", four)).not.toContain("targets/n/index.ts");
  expect(generatorModules(dir, "new", four)).toEqual(
    expect.arrayContaining(["targets/n/index.ts", "targets/shared/layout.ts"]),
  );
  expect(generatorModules(dir, "new", four).filter((f) => /^targets\/[abt]\//.test(f))).toEqual([]);

  const before = computeGeneratorDigests(dir, four);
  fs.appendFileSync(path.join(dir, "targets/n/index.ts"), "// an edit\n");
  const after = computeGeneratorDigests(dir, four);
  expect(Object.keys(after)).toEqual(["c", "kernel", "ts", "new"]);
  expect(Object.keys(after).filter((t) => after[t] !== before[t])).toEqual(["new"]);
});

test("a name no target has is an error, not an empty digest", () =>
  expect(() => generatorModules(tree(), "nope", targets)).toThrow("no target named nope"));

test("on generator/: every target of TARGETS has its folder and no other's", () => {
  const dir = path.resolve(__dirname, "../../../generator");
  const all = Object.values(TARGETS);
  const digests = computeGeneratorDigests(dir);
  expect(Object.keys(digests).sort()).toEqual(Object.keys(TARGETS).sort());
  for (const target of all) {
    const modules = generatorModules(dir, target.name);
    expect([target.name, modules]).toEqual([
      target.name,
      expect.arrayContaining([`targets/${target.folder}/index.ts`]),
    ]);
    for (const other of all.filter((t) => t.folder !== target.folder))
      expect([
        target.name,
        modules.filter((f) => f.startsWith(`targets/${other.folder}/`)),
      ]).toEqual([target.name, []]);
  }
});
