/*
 * For the unit tests of the spec's kernel-facing sections
 * (kernel-sections.ts, kernel-api.ts): checkApi run over a spec's text with
 * the registers and aliases it declares, as validate.ts runs it, each
 * diagnostic as "CODE line:col message"; and the kernel spec heads the tests
 * write their cases on.
 */
import {
  lineColOf,
  type Diagnostic,
  type Span,
} from "../../../../generator/core/diagnostics/diagnostic";
import { checkApi, type CheckedApi } from "../../../../generator/core/spec/kernel-sections";
import { parseSpec, pathKey, type DocPath } from "../../../../generator/core/spec/parse";

/** checkApi over a spec's text, with the registers and aliases it declares. */
export function check(lines: readonly string[]): {
  checked: CheckedApi;
  said: string[];
  hints: string[];
} {
  const text = lines.join("\n") + "\n";
  const parsed = parseSpec({ displayPath: "s.yaml", text });
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join("\n"));
  const root = parsed.doc.value as Record<string, unknown>;
  const regs = (root["registers"] ?? {}) as Record<string, unknown>;
  const registers = new Map<string, "gpr" | "extended">();
  for (const kind of ["gpr", "extended"] as const)
    for (const e of (regs[kind] as unknown[] | undefined) ?? [])
      registers.set(typeof e === "string" ? e : (e as { name: string }).name, kind);
  const aliases = new Map(Object.entries((regs["aliases"] ?? {}) as Record<string, string>));
  const reported: Diagnostic[] = [];
  const span = (p: DocPath, which: "key" | "value" = "value"): Span | undefined => {
    const loc = parsed.doc.spans.get(pathKey(p));
    return which === "key" ? (loc?.key ?? loc?.value) : loc?.value;
  };
  const checked = checkApi({
    file: parsed.doc.file,
    root,
    span,
    report: (d) => reported.push(d),
    wanted: () => true,
    registers,
    aliases,
    mask: root["mask"],
  });
  const said = reported.map((d) => {
    const at = d.span ? lineColOf(text, d.span.start) : undefined;
    return `${d.code} ${at ? `${at.line}:${at.col}` : "-"} ${d.message}`;
  });
  return { checked, said, hints: reported.map((d) => d.hint) };
}

/** A kernel spec's head: lines 1–10, the api (if any) from line 11. */
export const KERNEL = [
  "regcache: 1",
  "name: t",
  "mask: bitmap",
  "registers:",
  "  gpr: [rax, rcx, rdx, rbx, rsp, r8]",
  "  extended: [rip, cr3]",
  "backends:",
  "  vmx: { lazy: [rsp, rip, cr3] }",
  "output:",
  "  targets: [kernel]",
];

/** Linux 7.2's api in full, lines 11–24. */
export const API_72 = [
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
  "  e_pair: [rax, rdx]",
  "  inline: inline",
  "  always_inline: [__BUILD_KVM_GPR_ACCESSORS, kvm_clear_available_registers, kvm_eax_read]",
  "accessors:",
  "  - { register: rip, field: rip, read: kvm_rip_read, write: kvm_rip_write, mark_dirty: true }",
  "  - rsp",
];
