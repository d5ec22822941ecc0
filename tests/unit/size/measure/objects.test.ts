/*
 * --objects' measuring (generator/size/measure/objects.ts) on objects
 * compiled and linked here with gcc and ld -r: the source files an object's
 * symbol table names, a composite recognised beside its parts and counted
 * once (what it holds beyond them reported, not counted), a composite
 * without parts counted as any object, and how two paths are checked,
 * paired and read.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  measureTree,
  pairObjects,
  readSide,
  sourceFilesOf,
  type ObjectFile,
} from "../../../../generator/size/measure/objects";
import { readElfSymbols } from "../../../../generator/toolchain/elf";
import { fileTempDir } from "../../../helpers/temp";

const work = fileTempDir("measure-objects");
const at = (...p: string[]) => path.join(work, ...p);

function compile(object: string, source: string, flags: string[] = []): void {
  const c = at("src", path.basename(object).replace(/\.o$/, ".c"));
  fs.mkdirSync(path.dirname(c), { recursive: true });
  fs.mkdirSync(path.dirname(at(object)), { recursive: true });
  fs.writeFileSync(c, source);
  execFileSync("gcc", ["-O2", "-fno-inline", ...flags, "-c", c, "-o", at(object)]);
}

beforeAll(() => {
  compile("tree/x86.o", "int x86_run(int a) { return a * 3 + 1; }\n");
  compile(
    "tree/emulate.o",
    "int emulate_op(int a) { return a ^ 0x55; }\nint emulate_two(int a) { return a - 9; }\n",
  );
  compile("other/outside.o", "int outside_fn(int a) { return a << 2; }\n");
  // kvm.o: x86.o and emulate.o linked as kbuild does, and a part built outside this tree.
  execFileSync("ld", [
    "-r",
    "-o",
    at("tree/kvm.o"),
    at("tree/x86.o"),
    at("tree/emulate.o"),
    at("other/outside.o"),
  ]);
  // outer.o links an inner composite counted on its own (its parts are not beside it).
  compile("linked-src/a.o", "int inner_a(int a) { return a * 5; }\nint inner_table[4] = { 1 };\n");
  compile("linked-src/b.o", "int inner_b(int a) { return a - 11; }\n");
  compile("linked/c.o", "int outer_c(int a) { return a + 17; }\n");
  execFileSync("ld", [
    "-r",
    "-o",
    at("linked/inner.o"),
    at("linked-src/a.o"),
    at("linked-src/b.o"),
  ]);
  execFileSync("ld", ["-r", "-o", at("linked/outer.o"), at("linked/inner.o"), at("linked/c.o")]);
  // A composite none of whose parts is in the tree it is measured with.
  fs.mkdirSync(at("alone"));
  fs.copyFileSync(at("tree/kvm.o"), at("alone/kvm.o"));
  compile("lto/slim.o", "int slim(int a) { return a; }\n", ["-flto", "-fno-fat-lto-objects"]);
  fs.writeFileSync(at("tree/notes.txt"), "not an object\n");
});

function objects(dir: string): ObjectFile[] {
  return fs
    .readdirSync(at(dir))
    .filter((n) => n.endsWith(".o"))
    .sort()
    .map((name) => {
      const read = readElfSymbols(fs.readFileSync(at(dir, name)));
      if (!read.ok) throw new Error(read.message);
      return { path: name, table: read.table };
    });
}

test("sourceFilesOf: one source for a compiled object, every input's for an ld -r composite", () => {
  const [emulate, kvm, x86] = objects("tree");
  expect(sourceFilesOf(x86.table)).toEqual(["x86.c"]);
  expect(sourceFilesOf(emulate.table)).toEqual(["emulate.c"]);
  expect(sourceFilesOf(kvm.table)).toEqual(["emulate.c", "outside.c", "x86.c"]);
});

test("a composite beside its parts: counted through them; what they lack reported, not counted", () => {
  const measured = measureTree(objects("tree"));
  expect(measured.symbols.map((f) => f.name).sort()).toEqual([
    "emulate_op",
    "emulate_two",
    "x86_run",
  ]);
  const outside = objects("other")[0];
  const outsideSize = measureTree([outside]).symbols[0].size;
  expect(measured.composites).toEqual([
    {
      path: "kvm.o",
      parts: ["emulate.o", "x86.o"],
      uncounted: { functions: 1, data: 0, bytes: outsideSize },
    },
  ]);
  // Each function once, at its size in its part.
  const parts = measureTree(objects("tree").filter((o) => o.path !== "kvm.o")).symbols;
  expect(measured.symbols).toEqual(parts);
});

test("what a composite holds through an object counted on its own is not called uncounted", () => {
  const measured = measureTree(objects("linked"));
  expect(measured.composites).toEqual([
    { path: "outer.o", parts: ["c.o"], uncounted: { functions: 0, data: 0, bytes: 0 } },
  ]);
  expect(measured.symbols.map((f) => `${f.kind} ${f.name}`).sort()).toEqual([
    "data inner_table",
    "function inner_a",
    "function inner_b",
    "function outer_c",
  ]);
});

test("a composite with no part in its tree is an object like any other", () => {
  const measured = measureTree(objects("alone"));
  expect(measured.composites).toEqual([]);
  expect(measured.symbols.map((f) => f.name).sort()).toEqual([
    "emulate_op",
    "emulate_two",
    "outside_fn",
    "x86_run",
  ]);
});

describe("pairObjects", () => {
  test("two files: one pair", () => {
    expect(pairObjects(at("tree/x86.o"), at("other/outside.o"))).toEqual({
      ok: true,
      kind: "file",
      pairs: [{ path: "", old: true, new: true }],
    });
  });

  test("two trees: every .o by relative path, sorted, one-sided ones kept", () => {
    expect(pairObjects(at("tree"), at("alone"))).toEqual({
      ok: true,
      kind: "tree",
      pairs: [
        { path: "emulate.o", old: true, new: false },
        { path: "kvm.o", old: true, new: true },
        { path: "x86.o", old: true, new: false },
      ],
    });
  });

  test("objects in subdirectories; a symbolic link to one is not followed", () => {
    fs.mkdirSync(at("nested/a/b"), { recursive: true });
    fs.copyFileSync(at("tree/x86.o"), at("nested/a/b/x86.o"));
    fs.symlinkSync(at("tree/emulate.o"), at("nested/link.o"));
    const paired = pairObjects(at("nested"), at("nested"));
    expect(paired.ok && paired.pairs.map((p) => p.path)).toEqual([path.join("a", "b", "x86.o")]);
  });

  test.each<[string, () => [string, string], RegExp]>([
    ["a missing side", () => [at("tree"), at("missing")], /^cannot read .*missing: ENOENT$/],
    [
      "a file and a directory",
      () => [at("tree/x86.o"), at("tree")],
      /must both be object files or both directories$/,
    ],
    [
      "a device",
      () => ["/dev/null", "/dev/null"],
      /^\/dev\/null is neither an object file nor a directory$/,
    ],
    ["two trees without objects", () => [at("src"), at("src")], /^no \.o files under /],
  ])("refused: %s", (_name, sides, problem) => {
    const paired = pairObjects(...sides());
    expect(paired.ok ? "" : paired.problem).toMatch(problem);
  });
});

describe("readSide", () => {
  test("the side's objects by relative path; a file pair's by its name", () => {
    const read = readSide(
      at("tree"),
      "tree",
      [
        { path: "x86.o", old: true, new: false },
        { path: "kvm.o", old: false, new: true },
      ],
      "old",
    );
    expect(read.ok && read.objects.map((o) => o.path)).toEqual(["x86.o"]);
    const file = readSide(at("tree/x86.o"), "file", [{ path: "", old: true, new: true }], "new");
    expect(file.ok && file.objects.map((o) => o.path)).toEqual(["x86.o"]);
  });

  test("an object that cannot be read, or is not ELF: the first problem, with its path", () => {
    const missing = readSide(at("tree"), "tree", [{ path: "gone.o", old: true, new: true }], "new");
    expect(missing).toEqual({
      ok: false,
      problem: `cannot read ${at("tree/gone.o")}: ENOENT`,
      lto: false,
    });
    const text = readSide(
      at("tree/notes.txt"),
      "file",
      [{ path: "", old: true, new: true }],
      "old",
    );
    expect(text.ok ? "" : text.problem).toMatch(new RegExp(`^${at("tree/notes.txt")}: `));
    expect(text.ok || text.lto).toBe(false);
  });

  test("an LTO object: refused as such", () => {
    const read = readSide(at("lto/slim.o"), "file", [{ path: "", old: true, new: true }], "old");
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.lto).toBe(true);
    expect(read.problem).toContain("is an LTO object");
  });
});
