/*
 * The digest of the generator's own code (generator/generate/digest.ts), an
 * input of every target's hash. Which modules each target's digest covers, as
 * the Target contract says: generate/produce.ts's import closure without the
 * folders the other targets name, however a module names another. On a small
 * source tree made here, with targets given to the digest, so a target added
 * to the list is left out of the others' digests with nothing else to change;
 * and on generator/ itself and edited copies of it: every target of TARGETS,
 * an edit changing the digests of exactly the targets it shapes, line endings
 * changing nothing, and a run from source computing it from generator/.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  computeGeneratorDigests,
  DIGEST_FILE,
  generatorDigest,
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

test("every way a module names another by relative path, an index.ts, and an import cycle", () => {
  const dir = tempDir("digest-imports");
  const files: Record<string, string> = {
    "generate/produce.ts": [
      'import { a } from "./a";',
      'import type { T } from "../core/t";',
      'export * from "../targets";',
      'const b = require("./b");',
      'import "./side-effect";',
      'import * as fs from "node:fs";',
      'import { gone } from "./not-there";',
    ].join("\n"),
    "generate/a.ts": 'import { produce } from "./produce";\n',
    "generate/b.ts": "",
    "generate/side-effect.ts": "",
    "generate/unused.ts": "",
    "core/t.ts": "",
    "targets/index.ts": 'import "./a";\nimport "./t";\n',
    "targets/a/index.ts": "",
    "targets/t/index.ts": "",
  };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  const two: CodeOwner[] = [
    { name: "c", folder: "a" },
    { name: "ts", folder: "t" },
  ];
  expect(generatorModules(dir, "c", two)).toEqual([
    "core/t.ts",
    "generate/a.ts",
    "generate/b.ts",
    "generate/produce.ts",
    "generate/side-effect.ts",
    "targets/a/index.ts",
    "targets/index.ts",
  ]);
});

test("a module's path is part of the digest, not only its text", () => {
  const digestOf = (name: string) =>
    computeGeneratorDigests(
      sourceTree({
        "generate/produce.ts": [`./${name}`, "../targets"],
        [`generate/${name}.ts`]: [],
        "targets/index.ts": ["./a", "./b", "./t"],
        "targets/a/index.ts": [],
        "targets/b/index.ts": [],
        "targets/t/index.ts": [],
      }),
      targets,
    );
  const one = digestOf("one");
  expect(one["c"]).toMatch(/^[0-9a-f]{64}$/);
  expect(digestOf("two")["c"]).not.toBe(one["c"]);
});

describe("on copies of generator/", () => {
  const generatorDir = path.resolve(__dirname, "../../../generator");

  /** A copy of generator/ with one module's text edited. */
  function editedCopy(file: string, edit: (text: string) => string): string {
    const dir = tempDir("digest-copy");
    fs.cpSync(generatorDir, dir, { recursive: true });
    const target = path.join(dir, file);
    const before = fs.readFileSync(target, "utf8");
    const after = edit(before);
    if (after === before) throw new Error(`the edit of ${file} changed nothing`);
    fs.writeFileSync(target, after);
    return dir;
  }

  test("each target covers the modules generate runs for it, and nothing else", () => {
    const c = generatorModules(generatorDir, "c");
    const kernel = generatorModules(generatorDir, "kernel");
    const ts = generatorModules(generatorDir, "ts");
    for (const shared of [
      "generate/produce.ts",
      "core/model/build.ts",
      "core/spec/validate.ts",
      "core/spec/parse.ts",
      "targets/banner.ts",
    ]) {
      expect([shared, c.includes(shared), kernel.includes(shared), ts.includes(shared)]).toEqual([
        shared,
        true,
        true,
        true,
      ]);
    }
    expect(c).toEqual(expect.arrayContaining(["targets/c/view.ts", "targets/render/layout.ts"]));
    expect(kernel).toEqual(
      expect.arrayContaining(["targets/kernel/view.ts", "targets/render/layout.ts"]),
    );
    expect(ts).toContain("targets/ts/emit.ts");
    expect(c.filter((f) => /^targets\/(kernel|ts)\//.test(f))).toEqual([]);
    expect(kernel.filter((f) => /^targets\/(c|ts)\//.test(f))).toEqual([]);
    expect(ts.filter((f) => /^targets\/(c|kernel|render)\//.test(f))).toEqual([]);
    // The features around generation and the CLI shape no generated byte.
    for (const list of [c, kernel, ts])
      expect(list.filter((f) => /^(size|cli|adopt|import|output|toolchain)\//.test(f))).toEqual([]);
  });

  type Changes = { c: boolean; kernel: boolean; ts: boolean };
  test.each<[string, string, (t: string) => string, Changes]>([
    [
      "the model",
      "core/model/build.ts",
      (t) => t.replace('? "direct" : "cached"', '? "cached" : "cached"'),
      { c: true, kernel: true, ts: true },
    ],
    [
      "the C emitter",
      "targets/c/view.ts",
      (t) => `${t}\n// an edit\n`,
      { c: true, kernel: false, ts: false },
    ],
    [
      "the kernel emitter",
      "targets/kernel/view.ts",
      (t) => `${t}\n// an edit\n`,
      { c: false, kernel: true, ts: false },
    ],
    [
      "what the C-family emitters share",
      "targets/render/layout.ts",
      (t) => `${t}\n// an edit\n`,
      { c: true, kernel: true, ts: false },
    ],
    [
      "the TypeScript emitter",
      "targets/ts/emit.ts",
      (t) => `${t}\n// an edit\n`,
      { c: false, kernel: false, ts: true },
    ],
    [
      "the size command",
      "size/report/report.ts",
      (t) => `${t}\n// an edit\n`,
      { c: false, kernel: false, ts: false },
    ],
    [
      "line endings only",
      "core/model/build.ts",
      (t) => t.replace(/\n/g, "\r\n"),
      { c: false, kernel: false, ts: false },
    ],
  ])(
    "an edit of %s (%s) changes the digests of exactly the targets it shapes",
    (_what, file, edit, changes) => {
      const base = computeGeneratorDigests(generatorDir);
      const edited = computeGeneratorDigests(editedCopy(file, edit));
      expect({
        c: edited["c"] !== base["c"],
        kernel: edited["kernel"] !== base["kernel"],
        ts: edited["ts"] !== base["ts"],
      }).toEqual(changes);
    },
  );

  test("a run from source computes what the build writes", () => {
    expect(fs.existsSync(path.join(generatorDir, "generate", DIGEST_FILE))).toBe(false);
    expect({
      c: generatorDigest("c"),
      kernel: generatorDigest("kernel"),
      ts: generatorDigest("ts"),
    }).toEqual(computeGeneratorDigests(generatorDir));
  });
});
