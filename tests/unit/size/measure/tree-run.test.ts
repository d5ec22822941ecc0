/*
 * A size run of a prepared tree (generator/size/measure/tree-run.ts): the
 * database's compiler probed, both sides compiled in a scratch directory (or
 * --keep, cleared of an earlier run's files and recorded for the next), one
 * measured config named after the compiler; a compiler that
 * does not run, a unit that cannot be measured (RC651), a header no unit
 * includes (RC647) and a failed compile each their own failure.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { KEEP_MARKER } from "../../../../generator/size/inputs/output";
import type { PreparedTree } from "../../../../generator/size/inputs/tree";
import { runTree } from "../../../../generator/size/measure/tree-run";
import type { MeasureOptions } from "../../../../generator/size/outcome";
import { execContext } from "../../../../generator/toolchain/compilers";
import { tempDir } from "../../../helpers/temp";

/** tree/kvm/a.c reading N from tree/kvm/hdr.h, which the sides replace. */
function prepared(
  compiler = "gcc",
  source = '#include "hdr.h"\nint a_loop(int *p) { int s = 0; for (int i = 0; i < N; i++) s += p[i] * i; return s; }\n',
) {
  const work = tempDir("tree-run");
  const kvm = path.join(work, "tree", "kvm");
  fs.mkdirSync(kvm, { recursive: true });
  fs.writeFileSync(path.join(kvm, "hdr.h"), "#define N 4\n");
  fs.writeFileSync(path.join(kvm, "a.c"), source);
  const file = path.join(kvm, "a.c");
  const tree: PreparedTree = {
    units: [
      { directory: work, file, argv: [compiler, "-O2", "-mno-red-zone", "-c", file], index: 0 },
    ],
    treeRoot: path.join(work, "tree"),
    headerDir: kvm,
    header: "kvm/hdr.h",
    sides: [
      { name: "base", files: [{ name: "hdr.h", contents: "#define N 16\n" }] },
      { name: "head", files: [{ name: "hdr.h", contents: "#define N 1\n" }] },
    ],
    compiler,
  };
  return { work, tree };
}

const options = (
  cwd: string,
  notes: string[] = [],
  more: Partial<MeasureOptions> = {},
): MeasureOptions => ({
  cwd,
  env: {},
  jobs: 1,
  exec: execContext(undefined, undefined),
  hooks: { onNote: (line) => notes.push(line) },
  ...more,
});
const scratchDirs = () => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith("regcache-size-"));

test("one config named after the compiler, both sides measured, the scratch directory gone", async () => {
  const { work, tree } = prepared();
  const notes: string[] = [];
  const ran = await runTree(tree, options(work, notes));
  if (!ran.ok) throw new Error(JSON.stringify(ran));
  expect(ran.skipped).toEqual([]);
  const m = ran.measured[0];
  expect([ran.measured.length, m.name, m.compiler, m.command, m.retpoline, m.flags]).toEqual([
    1,
    "gcc",
    "gcc",
    "gcc",
    false,
    ["-O2", "-mno-red-zone"],
  ]);
  expect(m.compilerVersion).toMatch(/gcc/);
  const size = (side: "base" | "head") => m[side].find((s) => s.name === "a_loop")!.size;
  expect(size("base")).toBeGreaterThan(size("head"));
  expect(ran.sizes.get("gcc")?.get("head")).toEqual(m.head);
  expect(notes).toEqual(["1 units include kvm/hdr.h"]);
  expect(scratchDirs()).toEqual([]);
});

test("--keep: the objects, overlays and commands stay there, recorded as this run's", async () => {
  const { work, tree } = prepared();
  const ran = await runTree(tree, options(work, [], { keep: "out/keep" }));
  expect(ran.ok).toBe(true);
  const keep = path.join(work, "out", "keep");
  expect(fs.readdirSync(keep).sort()).toEqual(
    [KEEP_MARKER, "base", "commands.sh", "head", "overlay"].sort(),
  );
  expect(JSON.parse(fs.readFileSync(path.join(keep, KEEP_MARKER), "utf8"))).toEqual({
    entries: ["base", "commands.sh", "head", "overlay"],
  });
});

test("--keep again into the same directory: the earlier run's files are cleared first", async () => {
  const { work, tree } = prepared();
  const keep = path.join(work, "keep");
  expect((await runTree(tree, options(work, [], { keep: "keep" }))).ok).toBe(true);
  // What an earlier run wrote and recorded, which this one does not write.
  fs.writeFileSync(path.join(keep, "old.o"), "");
  const marker = path.join(keep, KEEP_MARKER);
  const recorded = JSON.parse(fs.readFileSync(marker, "utf8")) as { entries: string[] };
  fs.writeFileSync(marker, JSON.stringify({ entries: [...recorded.entries, "old.o"] }));
  const again = await runTree(tree, options(work, [], { keep: "keep" }));
  expect(again.ok).toBe(true);
  expect(fs.readdirSync(keep).sort()).toEqual(
    [KEEP_MARKER, "base", "commands.sh", "head", "overlay"].sort(),
  );
});

test("--keep holding files no run recorded: refused, nothing removed or recorded", async () => {
  const { work, tree } = prepared();
  const keep = path.join(work, "keep");
  fs.mkdirSync(keep);
  fs.writeFileSync(path.join(keep, "mine.txt"), "x");
  expect(await runTree(tree, options(work, [], { keep: "keep" }))).toEqual({
    ok: false,
    kind: "invalid-input",
    diagnostics: [],
    problems: [
      "--keep keep is not empty and was not written by regcache size; name a new or empty directory",
    ],
    messages: [],
  });
  expect(fs.readdirSync(keep)).toEqual(["mine.txt"]);
});

test("a compiler that does not run: an environment failure naming it", async () => {
  const { work, tree } = prepared("regcache-no-such-cc");
  expect(await runTree(tree, options(work))).toEqual({
    ok: false,
    kind: "environment",
    diagnostics: [],
    problems: [],
    messages: ["the database's compiler regcache-no-such-cc does not run"],
  });
});

test("a unit that is no compile: RC651 naming its entry", async () => {
  const { work, tree } = prepared();
  const unit = { ...tree.units[0], argv: ["gcc", "-E", tree.units[0].file], index: 5 };
  const ran = await runTree({ ...tree, units: [unit] }, options(work));
  expect(ran.ok ? [] : ran.diagnostics.map((d) => [d.code, d.message])).toEqual([
    ["RC651", `entry 5 (${unit.file}) cannot be measured: it runs -E, not a compile`],
  ]);
  expect(scratchDirs()).toEqual([]);
});

test("no unit includes the header: RC647", async () => {
  const { work, tree } = prepared("gcc", "int plain(int x) { return x; }\n");
  const ran = await runTree(tree, options(work));
  expect(ran.ok ? [] : ran.diagnostics.map((d) => [d.code, d.message])).toEqual([
    ["RC647", "no measured unit includes kvm/hdr.h"],
  ]);
});

test("a compile that fails: an environment failure with the command and output", async () => {
  const { work, tree } = prepared("gcc", '#include "hdr.h"\nint f(void) { return N + ; }\n');
  const ran = await runTree(tree, options(work));
  expect(ran.ok).toBe(false);
  if (ran.ok) return;
  expect(ran.kind).toBe("environment");
  expect(ran.messages[0]).toMatch(
    /^compile failed:\n {2}gcc -O2 -mno-red-zone -c .*a\.c.*\n.*error/s,
  );
});

test("a --keep below a file: refused as runSize refuses it before compiling", async () => {
  const { work, tree } = prepared();
  fs.writeFileSync(path.join(work, "file"), "");
  const ran = await runTree(tree, options(work, [], { keep: "file/keep" }));
  expect(ran).toMatchObject({
    ok: false,
    kind: "invalid-input",
    problems: ["--keep file/keep: ENOTDIR"],
  });
});

test("a --keep that cannot be made: an environment failure naming it", async () => {
  const { work, tree } = prepared();
  // A dangling link: nothing is there, yet no directory can be made at that name.
  fs.symlinkSync(path.join("missing", "dir"), path.join(work, "link"));
  const ran = await runTree(tree, options(work, [], { keep: "link" }));
  expect(ran).toMatchObject({
    ok: false,
    kind: "environment",
    messages: [`cannot write under ${path.join(work, "link")}: ENOENT`],
  });
});
