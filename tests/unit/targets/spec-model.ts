/*
 * The model of a spec's text, for the targets' unit tests: parsed, checked
 * and built by core/ alone (no generate/, no target), so a target's test
 * runs only the target's own code on top of the model.
 */
import { parseSpec } from "../../../generator/core/spec/parse";
import { validateSpec } from "../../../generator/core/spec/validate";
import { buildModel } from "../../../generator/core/model/build";
import type { Model, ModelOptions } from "../../../generator/core/model/types";

/** The model of a spec (its lines, or its text); throws with the diagnostics of a bad one. */
export function modelOf(
  spec: string | readonly string[],
  options: Partial<ModelOptions> = {},
): Model {
  const text = typeof spec === "string" ? spec : spec.join("\n") + "\n";
  const parsed = parseSpec({ displayPath: "s.yaml", text });
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join("\n"));
  const checked = validateSpec(parsed.doc);
  if (!checked.ok)
    throw new Error(checked.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n"));
  return buildModel(checked.spec, { allCached: false, cStyle: "macro", ...options });
}

/**
 * Linux 7.2's shape, small: raw pair, kernel bitops on a bitmap, the
 * assertion hook, mark_for_reload, test_and_mark, bulk helpers, the
 * mode_aware family with the 32-bit pair for rax, rdx and rbx, RIP in its own
 * field with a dirty-marking writer, and RSP (lazy) listed, keeping the plain
 * pair. `api` lines are appended to the api section.
 */
export function linux72(api: readonly string[] = []): string[] {
  return [
    "regcache: 1",
    "name: k",
    "mask: bitmap",
    "enum:",
    "  extended_prefix: VCPU_REG_",
    "  gpr_count: NR_VCPU_GENERAL_PURPOSE_REGS",
    "  total: NR_VCPU_TOTAL_REGS",
    "registers:",
    "  gpr: [rax, rcx, rdx, rbx, rsp, { name: r8, when: CONFIG_X86_64 }]",
    "  extended: [rip, cr3]",
    "backends:",
    "  vmx: { lazy: [rsp, rip, cr3] }",
    "output:",
    "  targets: [kernel]",
    "  adopts: { header: regs.h, first: __BUILD_KVM_GPR_ACCESSORS, last: kvm_read_cr3 }",
    "api:",
    "  cache_reg: kvm_x86_call",
    "  bitops: kernel",
    "  raw_pair: true",
    "  test_and_mark_available: true",
    "  mark_for_reload: true",
    "  bulk_helpers: true",
    "  assert: { macro: kvm_assert_x, condition: 'in_task()' }",
    "  gpr_family: mode_aware",
    "  mode_mask: kvm_reg_mode_mask",
    "  e_pair: [rax, rdx, rbx]",
    "  inline: inline",
    ...api,
    "accessors:",
    "  - { register: rip, field: rip, read: kvm_rip_read, write: kvm_rip_write, mark_dirty: true }",
    "  - rsp",
    "  - { register: cr3, field: cr3, read: kvm_read_cr3 }",
  ];
}
