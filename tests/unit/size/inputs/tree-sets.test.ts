/*
 * size's warning of a spec that disagrees with the tree it measures
 * (generator/size/inputs/tree-sets.ts), on the synthetic 6.x and 7.2 trees:
 * one line per difference then what to do; nothing when they agree or when
 * the database has no unit where a kernel keeps KVM's; one line when the
 * tree's sets cannot be read.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { loadModel } from "../../../../generator/generate/produce";
import { treeSetWarnings } from "../../../../generator/size/inputs/tree-sets";
import { FIXTURE, FIXTURE_7_2, syntheticTree } from "../../../import/synthetic-tree";

const GOLDEN = path.join(__dirname, "..", "..", "..", "import", "golden");

function modelWith(golden: string, edit?: (lazy: string[]) => string[]) {
  const doc = parseDocument(fs.readFileSync(path.join(GOLDEN, golden), "utf8"));
  if (edit) {
    const lazy = (doc.getIn(["backends", "vmx", "lazy"]) as { toJSON(): string[] }).toJSON();
    doc.setIn(["backends", "vmx", "lazy"], edit(lazy));
  }
  const loaded = loadModel({ specPath: golden, specText: doc.toString() });
  if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join("\n"));
  return loaded.model;
}

describe.each([
  ["6.x", FIXTURE, "synthetic.yaml"],
  ["7.2", FIXTURE_7_2, "synthetic-7.2.yaml"],
])("treeSetWarnings on the %s tree", (_, fixture, golden) => {
  test("the spec import writes from the tree: no warning", async () => {
    const tree = syntheticTree({ fixture });
    expect(await treeSetWarnings(tree.root, modelWith(golden), tree.db)).toEqual([]);
  });

  test("cr3 out of vmx's lazy list, rbp in it: a line for each, then what to do", async () => {
    const tree = syntheticTree({ fixture });
    const model = modelWith(golden, (lazy) => [...lazy.filter((r) => r !== "cr3"), "rbp"]);
    const lines = await treeSetWarnings(tree.root, model, path.relative(tree.root, tree.db));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      "warning: the spec disagrees with the tree: the spec has vmx load rbp lazily, VMX_REGS_LAZY_LOAD_SET (arch/x86/kvm/vmx/vmx.h) lacks it, so always available",
    );
    expect(lines[1]).toBe(
      "warning: the spec disagrees with the tree: the spec has cr3 always available on vmx, VMX_REGS_LAZY_LOAD_SET (arch/x86/kvm/vmx/vmx.h) has it lazy",
    );
    expect(lines[2]).toMatch(/^warning: the report below measures code that would read stale/);
  });
});

test("a database without KVM units where a kernel keeps them: no line", async () => {
  const tree = syntheticTree({ units: [] });
  expect(await treeSetWarnings(tree.root, modelWith("synthetic.yaml"), tree.db)).toEqual([]);
});

test("sets that cannot be read: one line saying the spec was not compared, and why", async () => {
  const tree = syntheticTree({ compiler: "regcache-no-such-compiler" });
  const lines = await treeSetWarnings(tree.root, modelWith("synthetic.yaml"), tree.db);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(
    /^warning: the spec was not compared with the tree's register sets: cannot run the compiler 'regcache-no-such-compiler'/,
  );
});
