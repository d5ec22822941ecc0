/*
 * targets/kernel/set-checks.ts: which check each backend gets, where adoption
 * writes its call (after the set's definition, continuations followed, once),
 * and, compiled with gcc, that the generated block's checks pass on the
 * spec's own sets and stop the build naming the register and the backend when
 * the tree's set differs (CR3 taken out of VMX's lazy set; RBP added to it).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  insertSetCheck,
  setChecks,
  type SetCheck,
} from "../../../../generator/targets/kernel/set-checks";
import { kernelView } from "../../../../generator/targets/kernel/view";
import { readTemplates, render } from "../../../../generator/targets/render/templates";
import type { Model } from "../../../../generator/core/model/types";
import { tempDir } from "../../../helpers/temp";
import { modelOf } from "../spec-model";

const repoRoot = path.resolve(__dirname, "../../../..");
const VMX: SetCheck = {
  backend: "vmx",
  macro: "VMX_REGS_LAZY_LOAD_SET",
  check: "KVM_CHECK_VMX_REGS_LAZY_LOAD_SET",
};
const file = (text: string) => ({ displayPath: "arch/x86/kvm/vmx/vmx.h", text });

describe("insertSetCheck", () => {
  const header = [
    "/* VMX_REGS_LAZY_LOAD_SET - the set (a comment naming it does not count) */",
    "#define VMX_REGS_LAZY_LOAD_SET\t((1 << VCPU_REGS_RIP) |         \\",
    "\t\t\t\t(1 << VCPU_REGS_RSP))",
    "",
    "static inline int after(void) { return 0; }",
    "",
  ].join("\n");

  test("the call goes on the line after the whole definition", () => {
    const r = insertSetCheck(file(header), VMX);
    expect(r.ok && r.text).toBe(
      header.replace(
        "(1 << VCPU_REGS_RSP))\n",
        "(1 << VCPU_REGS_RSP))\nKVM_CHECK_VMX_REGS_LAZY_LOAD_SET(VMX_REGS_LAZY_LOAD_SET);\n",
      ),
    );
  });

  test("twice is once (idempotent)", () => {
    const once = insertSetCheck(file(header), VMX);
    const twice = once.ok && insertSetCheck(file(once.text), VMX);
    expect(once.ok && once.text).not.toBe(header);
    expect(twice && twice.ok && twice.text).toBe(once.ok && once.text);
  });

  test("CRLF line endings are kept", () => {
    const crlf = header.replace(/\n/g, "\r\n");
    const r = insertSetCheck(file(crlf), VMX);
    expect(r.ok && r.text).toContain(
      "(1 << VCPU_REGS_RSP))\r\nKVM_CHECK_VMX_REGS_LAZY_LOAD_SET(VMX_REGS_LAZY_LOAD_SET);\r\n",
    );
  });

  test.each([
    ["no definition", "/* #define VMX_REGS_LAZY_LOAD_SET 1 */\n", 0],
    ["two definitions", "#define VMX_REGS_LAZY_LOAD_SET 1\n#define VMX_REGS_LAZY_LOAD_SET 2\n", 2],
  ])("%s is RC705 with the count", (_, text, count) => {
    const r = insertSetCheck(file(text), VMX);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.diagnostic.code).toBe("RC705");
      expect(r.diagnostic.message).toContain(`appears ${count} times`);
      expect(r.diagnostic.message).toContain("'vmx'");
    }
  });
});

/** The block's checks: from the generic macro to the closing include guard. */
function checksOf(model: Model): string {
  const [template] = readTemplates(["kernel/kernel_block.h.hbs"]);
  const text = render(template!, kernelView(model));
  const from = text.indexOf("#define KVM_CHECK_REG(");
  expect(from).toBeGreaterThan(-1);
  return text.slice(from, text.lastIndexOf("#endif /*"));
}

/** A translation unit: the enum, the checks, a tree's set and the call adoption writes. */
function unit(model: Model, set: readonly string[], x86_64: boolean): string {
  const regs = model.registers.filter((r) => x86_64 || !r.guard);
  return [
    "#include <assert.h>",
    ...(x86_64 ? ["#define CONFIG_X86_64 1"] : []),
    `enum kvm_reg { ${regs.map((r) => r.enumName).join(", ")} };`,
    checksOf(model),
    `#define VMX_REGS_LAZY_LOAD_SET (${set.map((e) => `(1 << ${e})`).join(" | ")})`,
    "KVM_CHECK_VMX_REGS_LAZY_LOAD_SET(VMX_REGS_LAZY_LOAD_SET);",
    "",
  ].join("\n");
}

function compile(source: string): { status: number | null; stderr: string } {
  const dir = tempDir("set-checks");
  const c = path.join(dir, "t.c");
  fs.writeFileSync(c, source);
  const r = spawnSync("gcc", ["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-fsyntax-only", c], {
    encoding: "utf8",
  });
  return { status: r.status, stderr: r.stderr };
}

describe("the generated checks, compiled by gcc", () => {
  const model = modelOf(fs.readFileSync(path.join(repoRoot, "spec", "linux-6.12.yaml"), "utf8"));
  const vmx = model.backends.find((b) => b.name === "vmx")!;
  const lazy = vmx.lazy.map((r) => r.enumName);

  test("setChecks: each backend's declared set, in spec order", () => {
    expect(setChecks(model)).toEqual([
      VMX,
      {
        backend: "svm",
        macro: "SVM_REGS_LAZY_LOAD_SET",
        check: "KVM_CHECK_SVM_REGS_LAZY_LOAD_SET",
      },
    ]);
  });

  test.each([true, false])("the spec's own set passes (CONFIG_X86_64 %s)", (x86_64) => {
    const r = compile(unit(model, lazy, x86_64));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  test("CR3 out of the tree's set: the build stops naming cr3 and vmx", () => {
    const r = compile(
      unit(
        model,
        lazy.filter((e) => e !== "VCPU_EXREG_CR3"),
        true,
      ),
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(
      "regcache: the spec has vmx load cr3 lazily, VMX_REGS_LAZY_LOAD_SET lacks it",
    );
    expect(r.stderr.match(/static assertion failed/g)?.length).toBe(1);
  });

  test("RBP added to the tree's set: the build stops naming rbp and vmx", () => {
    const r = compile(unit(model, [...lazy, "VCPU_REGS_RBP"], true));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(
      "regcache: the spec has rbp always available on vmx, VMX_REGS_LAZY_LOAD_SET has it",
    );
  });
});
