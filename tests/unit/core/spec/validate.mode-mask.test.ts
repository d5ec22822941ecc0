/*
 * api.mode_mask in validation (generator/core/spec/validate.ts): the helper
 * the mode_aware family calls is defined beside the generated code, so its
 * name must be none the generated files define (C, or TypeScript after
 * camel-casing) and must not share the assertion hook's TypeScript name, as
 * both are VcpuHooks members (RC158). The spec is spec/linux-7.2.yaml with
 * one line changed; lines and columns are counted from its text.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { lineColOf } from "../../../../generator/core/diagnostics/diagnostic";
import { parseSpec } from "../../../../generator/core/spec/parse";
import { validateSpec } from "../../../../generator/core/spec/validate";

const LINUX_72 = path.join(__dirname, "..", "..", "..", "..", "spec", "linux-7.2.yaml");

/** Every diagnostic of linux-7.2.yaml writing `targets`, with `mode_mask` given, as "CODE line:col message". */
function said(modeMask: string, targets = "[kernel, ts]"): string[] {
  const text = fs
    .readFileSync(LINUX_72, "utf8")
    .replace(/^ {2}mode_mask: kvm_reg_mode_mask$/m, `  mode_mask: ${modeMask}`)
    .replace(/^ {2}targets: \[kernel\]$/m, `  targets: ${targets}`);
  const parsed = parseSpec({ displayPath: "s.yaml", text });
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join("\n"));
  const result = validateSpec(parsed.doc);
  if (result.ok) return [];
  return result.diagnostics.map((d) => {
    const at = d.span ? lineColOf(text, d.span.start) : undefined;
    return `${d.code} ${at ? `${at.line}:${at.col}` : "-"} ${d.message}`;
  });
}

/** The line of `mode_mask:` in the bundled spec, and the column of its value. */
function modeMaskAt(): string {
  const lines = fs.readFileSync(LINUX_72, "utf8").split("\n");
  const line = lines.findIndex((l) => l.startsWith("  mode_mask: ")) + 1;
  return `${line}:${"  mode_mask: ".length + 1}`;
}

describe("RC158: the mode mask is a name the generated code calls, never one it defines", () => {
  test("the kernel's own name is accepted, for every target", () => {
    expect(said("kvm_reg_mode_mask", "[kernel, c, ts]")).toEqual([]);
  });

  test("an accessor's reader would be called in the helper's place", () => {
    expect(said("kvm_read_cr3")).toEqual([
      `RC158 ${modeMaskAt()} mode_mask 'kvm_read_cr3' is called as 'kvm_read_cr3', which accessor 'kvm_read_cr3' generates`,
    ]);
  });

  test("a helper the generator emits itself", () => {
    expect(said("kvm_register_read_raw")).toEqual([
      `RC158 ${modeMaskAt()} mode_mask 'kvm_register_read_raw' is called as 'kvm_register_read_raw', which the generator emits`,
    ]);
  });

  test("a GPR accessor of the mode_aware family", () => {
    expect(said("kvm_rax_read_raw")).toEqual([
      `RC158 ${modeMaskAt()} mode_mask 'kvm_rax_read_raw' is called as 'kvm_rax_read_raw', which register 'rax' generates`,
    ]);
  });

  test("the assertion hook's TypeScript name: two VcpuHooks members of one name", () => {
    expect(said("assert_register_caching_allowed")).toEqual([
      `RC158 ${modeMaskAt()} mode_mask 'assert_register_caching_allowed' is called as 'assertRegisterCachingAllowed', which accessor 'kvm_assert_register_caching_allowed' generates`,
    ]);
  });
});
