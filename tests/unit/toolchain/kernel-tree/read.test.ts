/*
 * A built tree's register facts (generator/toolchain/kernel-tree/read.ts) on
 * the synthetic 6.x and 7.2 trees: the facts agree with the spec import writes
 * from the same tree and with the bundled spec of the tree's generation,
 * progress counts every probe, and a tree that cannot be read stops with
 * import's diagnostics (RC803, RC809 as an environment failure).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadModel } from "../../../../generator/generate/produce";
import { importTree } from "../../../../generator/import/import";
import { compareWithTree } from "../../../../generator/toolchain/kernel-tree/compare";
import { readTreeRegisters } from "../../../../generator/toolchain/kernel-tree/read";
import { FIXTURE, FIXTURE_7_2, KVM_UNITS, syntheticTree } from "../../../import/synthetic-tree";

const SPECS = path.join(__dirname, "..", "..", "..", "..", "spec");
const display = (p: string) => p;

function modelOf(specPath: string, specText?: string) {
  const loaded = loadModel({ specPath, ...(specText !== undefined ? { specText } : {}) });
  if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join("\n"));
  return loaded.model;
}

describe("readTreeRegisters", () => {
  test.each([
    ["6.x", FIXTURE],
    ["7.2", FIXTURE_7_2],
  ])("the %s tree agrees with the spec import writes from it", async (_, fixture) => {
    const tree = syntheticTree({ fixture });
    const read = await readTreeRegisters({ compileDb: tree.db, display });
    const imported = await importTree({ compileDb: tree.db, display });
    if (!read.ok || !imported.ok) throw new Error("the synthetic tree did not read");
    expect(read.value.root).toBe(tree.src);
    expect(read.value.sets.map((s) => s.backend).sort()).toEqual(["svm", "tdx", "vmx"]);
    expect(compareWithTree(modelOf("imported.yaml", imported.text), read.value)).toEqual({
      differences: [],
      notes: [],
    });
  });

  test.each([
    ["linux-6.1", FIXTURE],
    ["linux-6.12", FIXTURE],
    ["linux-7.2", FIXTURE_7_2],
  ])("the bundled %s compares clean against the tree of its shape", async (spec, fixture) => {
    // The 6.x specs predate TDX: their trees do not compile vmx/tdx.c.
    const units = spec.startsWith("linux-6")
      ? KVM_UNITS.filter((u) => !u.endsWith("tdx.c"))
      : KVM_UNITS;
    const tree = syntheticTree({ fixture, units });
    const read = await readTreeRegisters({ compileDb: tree.db, display });
    if (!read.ok) throw new Error(read.diagnostics.map((d) => d.message).join("\n"));
    const model = modelOf(path.join(SPECS, `${spec}.yaml`));
    expect(compareWithTree(model, read.value).differences).toEqual([]);
  });

  test.each([
    ["linux-6.12", FIXTURE],
    ["linux-7.2", FIXTURE_7_2],
  ])(
    "a build without CONFIG_X86_64: r8-r15 off in this build, %s still compares clean",
    async (spec, fixture) => {
      const tree = syntheticTree({
        fixture,
        units: KVM_UNITS.filter((u) => !u.endsWith("tdx.c")),
      });
      const autoconf = path.join(tree.build, "include", "generated", "autoconf.h");
      const text = fs.readFileSync(autoconf, "utf8");
      fs.writeFileSync(autoconf, text.replace(/^#define CONFIG_X86_64 1\n/m, ""));
      const read = await readTreeRegisters({ compileDb: tree.db, display });
      if (!read.ok) throw new Error(read.diagnostics.map((d) => d.message).join("\n"));
      const model = modelOf(path.join(SPECS, `${spec}.yaml`));
      const guarded = model.registers.filter((r) => r.guard === "CONFIG_X86_64").map((r) => r.name);
      expect(guarded.length).toBeGreaterThan(0);
      expect([...read.value.guardedOff].sort()).toEqual([...guarded].sort());
      expect(compareWithTree(model, read.value).differences).toEqual([]);
    },
  );

  test("progress: 0 of N first, then each probe, ending at N of N", async () => {
    const tree = syntheticTree();
    const calls: [number, number][] = [];
    const read = await readTreeRegisters({
      compileDb: tree.db,
      display,
      onProgress: (done, total) => calls.push([done, total]),
    });
    if (!read.ok) throw new Error("the synthetic tree did not read");
    const n = read.value.unitsCompiled;
    expect(n).toBeGreaterThan(1);
    expect(calls).toEqual(Array.from({ length: n + 1 }, (_, i) => [i, n]));
  });

  test("a database without KVM units: RC803", async () => {
    const tree = syntheticTree({ units: [] });
    const read = await readTreeRegisters({ compileDb: tree.db, display });
    expect(read).toMatchObject({ ok: false, environment: false });
    expect(read.ok ? [] : read.diagnostics.map((d) => d.code)).toEqual(["RC803"]);
  });

  test("a compiler that does not run: RC809, an environment failure", async () => {
    const tree = syntheticTree({ compiler: "regcache-no-such-compiler" });
    const read = await readTreeRegisters({ compileDb: tree.db, display });
    expect(read).toMatchObject({ ok: false, environment: true });
    expect(new Set(read.ok ? [] : read.diagnostics.map((d) => d.code))).toEqual(new Set(["RC809"]));
  });
});
