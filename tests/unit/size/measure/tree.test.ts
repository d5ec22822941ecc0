/*
 * Measuring a real tree's units (generator/size/measure/tree.ts) on a small
 * tree made here: every unit's command rewritten for both sides (all
 * problems at once), head compiled for every unit and base only for the
 * units whose head compile read an overridden header, the overlay proven to
 * have held by the dependency files, and each side's symbols folded. The
 * tree itself is only read.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { measureTree, planTree, type TreePlan } from "../../../../generator/size/measure/tree";
import { execContext } from "../../../../generator/toolchain/compilers";
import type { CompileCommand } from "../../../../generator/toolchain/compile-db";
import { tempDir } from "../../../helpers/temp";

const LOOP = "int %s(int *p) { int s = 0; for (int i = 0; i < N; i++) s += p[i] * i; return s; }\n";

/**
 * tree/kvm/hdr.h (the header the sides replace), tree/kvm/a.c including it,
 * tree/lib/b.c including nothing of it, and with `leak` tree/lib/leak.c
 * reaching the tree's own copy by a relative path. Units in that order.
 */
function fixture(leak = false): { plan: TreePlan; tree: string; snapshot: () => string[] } {
  const work = tempDir("measure-tree");
  const tree = path.join(work, "tree");
  const kvm = path.join(tree, "kvm");
  fs.mkdirSync(kvm, { recursive: true });
  fs.mkdirSync(path.join(tree, "lib"));
  fs.writeFileSync(path.join(kvm, "hdr.h"), "#define N 4\n");
  fs.writeFileSync(path.join(kvm, "a.c"), '#include "hdr.h"\n' + LOOP.replace("%s", "a_loop"));
  fs.writeFileSync(path.join(tree, "lib", "b.c"), "int b_plain(int x) { return x + 1; }\n");
  if (leak)
    fs.writeFileSync(
      path.join(tree, "lib", "leak.c"),
      '#include "../kvm/hdr.h"\n' + LOOP.replace("%s", "leaky"),
    );
  const unit = (rel: string, index: number): CompileCommand => {
    const file = path.join(tree, rel);
    return {
      directory: work,
      file,
      argv: ["gcc", "-O2", `-I${kvm}`, "-c", file, "-o", "x.o"],
      index,
    };
  };
  const units = ["kvm/a.c", "lib/b.c", ...(leak ? ["lib/leak.c"] : [])].map(unit);
  const snapshot = () =>
    (fs.readdirSync(tree, { recursive: true }) as string[]).sort().map((f) => {
      const p = path.join(tree, f);
      return fs.statSync(p).isFile()
        ? `${f} ${fs.readFileSync(p, "utf8")} ${fs.statSync(p).mtimeMs}`
        : f;
    });
  return {
    tree,
    snapshot,
    plan: {
      root: path.join(work, "root"),
      treeRoot: tree,
      headerDir: kvm,
      units,
      sides: [
        { name: "base", files: [{ name: "hdr.h", contents: "#define N 16\n" }] },
        { name: "head", files: [{ name: "hdr.h", contents: "#define N 1\n" }] },
      ],
    },
  };
}

describe("planTree", () => {
  test("both sides' commands: objects under <root>/<side>/<path in tree>, the source from the mirror", () => {
    const { plan, tree } = fixture();
    const planned = planTree(plan);
    if (!planned.ok) throw new Error(JSON.stringify(planned.problems));
    const { base, head } = planned.jobs;
    expect(head.map((j) => path.relative(plan.root, j.object))).toEqual([
      path.join("head", "kvm", "a.o"),
      path.join("head", "lib", "b.o"),
    ]);
    expect(base.map((j) => j.depfile)).toEqual(base.map((j) => `${j.object}.d`));
    expect(head[0].argv).toContain(path.join(plan.root, "overlay", "head", "a.c"));
    expect(head[0].argv).toContain(`-I${path.join(plan.root, "overlay", "head")}`);
    expect(base[1].argv).toContain(path.join(tree, "lib", "b.c"));
  });

  test("a unit outside the tree's root is named by its index and file name", () => {
    const { plan } = fixture();
    const outside = {
      directory: "/",
      file: "/elsewhere/c.c",
      argv: ["gcc", "-c", "/elsewhere/c.c"],
      index: 7,
    };
    const planned = planTree({ ...plan, units: [outside] });
    expect(planned.ok && planned.jobs.head[0].object).toBe(
      path.join(plan.root, "head", "outside-tree", "7-c.o"),
    );
  });

  test("units that cannot be measured: every one, once, with why", () => {
    const { plan } = fixture();
    const link = { ...plan.units[0], argv: ["gcc", "-o", "vmlinux", plan.units[0].file], index: 3 };
    const pre = { ...plan.units[1], argv: ["gcc", "-E", plan.units[1].file], index: 4 };
    const planned = planTree({ ...plan, units: [link, plan.units[0], pre] });
    expect(planned.ok ? [] : planned.problems.map((p) => [p.unit.index, p.problem])).toEqual([
      [3, "it has no -c (a link step?)"],
      [4, "it runs -E, not a compile"],
    ]);
  });
});

describe("measureTree", () => {
  const options = { parallel: 2, exec: execContext(undefined, undefined) };

  test("a unit reaching the header is measured on both sides; one that does not, compiled once", async () => {
    const { plan, snapshot } = fixture();
    const before = snapshot();
    const planned = planTree(plan);
    if (!planned.ok) throw new Error("unplanned");
    const progress: [number, number, string | undefined][] = [];
    const result = await measureTree(plan, planned.jobs, {
      ...options,
      onProgress: (done, total, current) => progress.push([done, total, current]),
    });
    if (!result.ok) throw new Error(JSON.stringify(result));
    const m = result.measurement;
    expect([m.measuredUnits, m.unaffectedUnits]).toEqual([
      [path.join("kvm", "a")],
      [path.join("lib", "b")],
    ]);
    const size = (side: "base" | "head") => m[side].find((s) => s.name === "a_loop")!.size;
    expect(size("base")).toBeGreaterThan(size("head"));
    expect(m.head.map((s) => s.name)).not.toContain("b_plain");
    // Base was never compiled for the unaffected unit; head was.
    expect(fs.existsSync(path.join(plan.root, "head", "lib", "b.o"))).toBe(true);
    expect(fs.existsSync(path.join(plan.root, "base", "lib", "b.o"))).toBe(false);
    // Units done of two: each compile named as it starts (two heads, then a's base), each
    // unit counted once its compiles are done (b after its head, a after its base).
    expect(progress.filter((p) => p[2] !== undefined).map((p) => p[2])).toEqual(
      expect.arrayContaining([
        `${path.join("kvm", "a.c")} (head)`,
        `${path.join("lib", "b.c")} (head)`,
        `${path.join("kvm", "a.c")} (base)`,
      ]),
    );
    expect(progress.filter((p) => p[2] !== undefined)).toHaveLength(3);
    expect(progress.filter((p) => p[2] === undefined)).toEqual([
      [1, 2, undefined],
      [2, 2, undefined],
    ]);
    expect(progress.at(-1)).toEqual([2, 2, undefined]);
    expect(progress.findIndex((p) => p[2]?.endsWith("(base)"))).toBeGreaterThan(
      progress.findIndex((p) => p[2]?.endsWith("(head)")),
    );
    const commands = fs.readFileSync(path.join(plan.root, "commands.sh"), "utf8");
    expect(commands.startsWith("#!/bin/sh\n")).toBe(true);
    expect(commands).toContain(`(cd ${path.dirname(plan.treeRoot)} && gcc -O2 `);
    expect(snapshot()).toEqual(before);
  });

  test("a unit that read the tree's own copy of the header: the overlay did not hold", async () => {
    const { plan } = fixture(true);
    const planned = planTree(plan);
    if (!planned.ok) throw new Error("unplanned");
    const result = await measureTree(plan, planned.jobs, options);
    expect(result.ok).toBe(false);
    if (result.ok || result.kind !== "overlay") throw new Error(JSON.stringify(result));
    expect(result.problems).toEqual([
      `${path.join(plan.treeRoot, "lib", "leak.c")} (head) read ${path.join(plan.headerDir, "hdr.h")} from the tree, not the overlay: it reaches the header by a path outside ${plan.headerDir}`,
    ]);
  });

  test("a unit that does not compile: its command and output", async () => {
    const { plan } = fixture();
    fs.appendFileSync(plan.units[1].file, "int broken(void) { return ; }}\n");
    const planned = planTree(plan);
    if (!planned.ok) throw new Error("unplanned");
    const result = await measureTree(plan, planned.jobs, options);
    expect(result.ok).toBe(false);
    if (result.ok || result.kind !== "compile") throw new Error(JSON.stringify(result));
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0].argv).toContain(path.join(plan.treeRoot, "lib", "b.c"));
    expect(result.failures[0].output).toMatch(/error/);
  });
});
