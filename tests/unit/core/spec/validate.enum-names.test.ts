/*
 * The spec's enum spelling in the collision check (RC120,
 * generator/core/spec/validate.ts): enum.gpr_prefix and enum.extended_prefix
 * decide what the registers' enumerators are called, and enum.gpr_count and
 * enum.total name two more enumerators, so a register, an alias or a count
 * that collides only under the spec's own spelling is refused before anything
 * is generated (the c target would write one enumerator twice).
 */
import { lineColOf } from "../../../../generator/core/diagnostics/diagnostic";
import { parseSpec } from "../../../../generator/core/spec/parse";
import { validateSpec } from "../../../../generator/core/spec/validate";
import { generate } from "../../../../generator/generate/produce";

/** A small spec in Linux 7.2's enum shape, with the given enum section and registers. */
function specText(enumLines: string[], gpr: string, extended: string): string {
  return [
    "regcache: 1",
    "name: enum-names",
    "mask: bitmap",
    "enum:",
    ...enumLines.map((l) => `  ${l}`),
    "registers:",
    `  gpr: [${gpr}]`,
    `  extended: [${extended}]`,
    "backends:",
    "  vmx: { lazy: [] }",
    "",
  ].join("\n");
}

/** Every diagnostic as "CODE line:col message". */
function said(text: string): string[] {
  const parsed = parseSpec({ displayPath: "s.yaml", text });
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join("\n"));
  const result = validateSpec(parsed.doc);
  if (result.ok) return [];
  return result.diagnostics.map((d) => {
    const at = d.span ? lineColOf(text, d.span.start) : undefined;
    return `${d.code} ${at ? `${at.line}:${at.col}` : "-"} ${d.message}`;
  });
}

const at = (text: string, needle: string, offset = 0) => {
  const { line, col } = lineColOf(text, text.indexOf(needle) + offset);
  return `${line}:${col}`;
};

describe("RC120 under the spec's enum spelling", () => {
  test("distinct names under distinct prefixes are accepted, and generate", () => {
    const text = specText(
      [
        "gpr_prefix: VCPU_REGS_",
        "extended_prefix: VCPU_REG_",
        "gpr_count: NR_GPRS",
        "total: NR_ALL",
      ],
      "rax, rcx",
      "cr3",
    );
    expect(said(text)).toEqual([]);
    const out = generate({ specPath: "s.yaml", specText: text });
    expect(out.ok).toBe(true);
  });

  test("a GPR and an extended register whose enumerators meet under the prefixes", () => {
    // A_ + b_c and A_B_ + c are both A_B_C.
    const text = specText(["gpr_prefix: A_", "extended_prefix: A_B_"], "b_c", "c");
    expect(said(text)).toEqual([
      `RC120 ${at(text, "extended: [c", 11)} register 'c' would generate 'A_B_C', which register 'b_c' also generates`,
    ]);
  });

  test("a count named like a register's enumerator", () => {
    const text = specText(["gpr_prefix: VCPU_REGS_", "gpr_count: VCPU_REGS_RAX"], "rax", "cr3");
    expect(said(text)).toEqual([
      `RC120 ${at(text, "VCPU_REGS_RAX")} enum count 'VCPU_REGS_RAX' would generate 'VCPU_REGS_RAX', which register 'rax' also generates`,
    ]);
  });

  test("a total named like a backend's set", () => {
    const text = specText(["total: VMX_REGS_LAZY_LOAD_SET"], "rax", "cr3");
    expect(said(text)).toEqual([
      `RC120 ${at(text, "VMX_REGS_LAZY_LOAD_SET")} enum count 'VMX_REGS_LAZY_LOAD_SET' would generate 'VMX_REGS_LAZY_LOAD_SET', which backend 'vmx' also generates`,
    ]);
  });
});
