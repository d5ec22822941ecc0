/*
 * How check words the spec against a tree (generator/output/tree-check.ts):
 * one line when they agree, else a line per difference naming backend and
 * register, the notes and what to do; the JSON `tree` object for each
 * outcome; and checkTree's failure for a spec that does not load.
 */
import type { Diagnostic } from "../../../generator/core/diagnostics/diagnostic";
import { diagnose } from "../../../generator/core/diagnostics/diagnostic";
import { checkTree, treeJson, treeReportText } from "../../../generator/output/tree-check";
import { TREE_FIX, type TreeDifference } from "../../../generator/toolchain/kernel-tree/compare";

const ctx = { spec: "spec/k.yaml", db: "build/compile_commands.json" };
const cr3: TreeDifference = {
  kind: "set",
  register: "cr3",
  backend: "vmx",
  message: "the spec has cr3 always available on vmx, VMX_REGS_LAZY_LOAD_SET (x) has it lazy",
};
const alias: TreeDifference = { kind: "alias", register: "eraps", message: "m" };
const ok = (differences: TreeDifference[], notes: string[] = []) =>
  ({ ok: true, comparison: { differences, notes }, unitsCompiled: 3, sets: 2 }) as const;

describe("treeReportText", () => {
  test("agreeing: one line naming the sets compared, then the notes", () => {
    expect(treeReportText(ok([], ["tdx: not compiled"]), ctx)).toBe(
      "regcache: spec/k.yaml agrees with the tree of build/compile_commands.json (enum kvm_reg and 2 backend sets)\n" +
        "  note: tdx: not compiled\n",
    );
  });

  test("differing: the count, a line each with backend and register, what to do last", () => {
    const lines = treeReportText(ok([cr3, alias]), ctx).split("\n");
    expect(lines[0]).toBe(
      "regcache: spec/k.yaml disagrees with the tree of build/compile_commands.json: 2 differences",
    );
    expect(lines[1]).toBe(`  ${"vmx cr3".padEnd(16)} ${cr3.message}`);
    expect(lines[2]).toBe(`  ${"eraps".padEnd(16)} m`);
    expect(lines[3]).toBe(`regcache: to fix, ${TREE_FIX}`);
  });
});

describe("treeJson", () => {
  test("agrees / differs: status, differences with nulls for what a difference is not about", () => {
    expect(treeJson(ok([]), ctx.db)).toMatchObject({ status: "agrees", fix: null });
    expect(treeJson(ok([alias]), ctx.db)).toEqual({
      compileCommands: ctx.db,
      status: "differs",
      unitsCompiled: 3,
      differences: [{ kind: "alias", register: "eraps", backend: null, message: "m" }],
      notes: [],
      fix: TREE_FIX,
    });
  });

  test("error: the diagnostics with code, place and text", () => {
    const file = { displayPath: "build/compile_commands.json", text: "[]" };
    const d: Diagnostic = diagnose("RC803", file, undefined, 0);
    const json = treeJson({ ok: false, diagnostics: [d], environment: false }, ctx.db);
    expect(json).toMatchObject({
      status: "error",
      diagnostics: [{ code: "RC803", file: file.displayPath, line: null, column: null }],
    });
  });
});

test("checkTree: a spec that does not load is its diagnostics, not an environment failure", async () => {
  const result = await checkTree({
    specPath: "/nonexistent/spec.yaml",
    displayPath: "spec.yaml",
    compileDb: "/nonexistent/compile_commands.json",
    display: (p) => p,
  });
  expect(result).toMatchObject({ ok: false, environment: false });
  expect(result.ok ? [] : result.diagnostics.map((d) => d.code)).toEqual(["RC001"]);
});
