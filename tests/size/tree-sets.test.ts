/*
 * `regcache size --compile-commands` on a kernel tree whose sets disagree
 * with the spec: the warnings go to stderr before anything else size says,
 * and the exit code is what it is without them. The synthetic import trees
 * are not adopted, so size stops at RC647 (no unit includes the generated
 * header) on both specs alike; the warning lines are what differ.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { runCli, tempDir } from "../helpers/capture";
import { FIXTURE_7_2, syntheticTree } from "../import/synthetic-tree";

const GOLDEN = path.join(__dirname, "..", "import", "golden", "synthetic-7.2.yaml");

test("the warnings come first, the exit code is size's own", async () => {
  const dir = tempDir("size-tree-sets");
  const tree = syntheticTree({ fixture: FIXTURE_7_2 });
  const doc = parseDocument(fs.readFileSync(GOLDEN, "utf8"));
  fs.writeFileSync(path.join(dir, "agrees.yaml"), doc.toString());
  const lazy = (doc.getIn(["backends", "vmx", "lazy"]) as { toJSON(): string[] }).toJSON();
  doc.setIn(
    ["backends", "vmx", "lazy"],
    lazy.filter((r) => r !== "cr3"),
  );
  fs.writeFileSync(path.join(dir, "disagrees.yaml"), doc.toString());
  const size = (spec: string) =>
    runCli(["size", "--spec", spec, "--compile-commands", tree.db], { cwd: dir });

  const agrees = await size("agrees.yaml");
  const disagrees = await size("disagrees.yaml");
  expect(agrees.stderr).not.toMatch(/warning/);
  const lines = disagrees.stderr.split("\n");
  expect(lines[0]).toBe(
    "regcache size: warning: the spec disagrees with the tree: the spec has cr3 always available on vmx, VMX_REGS_LAZY_LOAD_SET (arch/x86/kvm/vmx/vmx.h) has it lazy",
  );
  expect(lines[1]).toMatch(/^regcache size: warning: the report below measures code/);
  expect(lines.slice(2).join("\n")).toBe(agrees.stderr);
  expect(disagrees.code).toBe(agrees.code);
  tree.cleanup();
});
