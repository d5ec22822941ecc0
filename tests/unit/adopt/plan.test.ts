/*
 * planAdoption's pieces that adoptTree's tests do not show directly: text
 * is UTF-8 or refused, and each set check lands in the file that defines
 * the set, the header's region replaced.
 */
import * as path from "node:path";
import { planAdoption, utf8 } from "../../../generator/adopt/plan";
import { loadModel } from "../../../generator/generate/produce";
import { repoRoot } from "../../helpers/capture";
import { kernelTree } from "../../adopt/kernel-tree";

test("utf8: text when the bytes round-trip, else undefined", () => {
  expect(utf8(Buffer.from("é\n", "utf8"))).toBe("é\n");
  expect(utf8(Buffer.from([0xe9, 0x0a]))).toBeUndefined();
});

test("planAdoption on a 7.2 tree: the header, the three set files and the generated file", () => {
  const root = kernelTree("7.2");
  const loaded = loadModel({ specPath: path.join(repoRoot, "spec/linux-7.2.yaml") });
  if (!loaded.ok) throw new Error("linux-7.2 does not load");
  const plan = planAdoption({ root, model: loaded.model, generated: "GEN\n", display: (p) => p });
  expect(plan.ok).toBe(true);
  const wanted = plan.ok ? plan.wanted : [];
  expect(wanted.map((w) => `${w.role} ${w.path}`)).toEqual([
    "header arch/x86/kvm/regs.h",
    "generated arch/x86/kvm/regs_gen.h",
    "set-check arch/x86/kvm/svm/svm.h",
    "set-check arch/x86/kvm/vmx/tdx.c",
    "set-check arch/x86/kvm/vmx/vmx.h",
  ]);
  expect(wanted[1]!.text).toBe("GEN\n");
  expect(wanted[0]!.text).toContain('#include "regs_gen.h"');
  expect(wanted[3]!.text).toContain("KVM_CHECK_TDX_REGS_AVAIL_SET(TDX_REGS_AVAIL_SET);\n");
});
