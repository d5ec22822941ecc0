/*
 * Small spec builders shared by the robustness and fuzz suites.
 */
import { stringify } from "yaml";

export interface SpecShape {
  name?: string;
  doc?: string;
  mask?: string;
  gpr: (string | { name: string; when?: string; doc?: string })[];
  extended?: (string | { name: string; when?: string; doc?: string })[];
  backends: Record<string, { lazy?: string[]; available?: string[]; doc?: string }>;
}

/** YAML text of a spec; strings are quoted by the yaml library, so any value survives. */
export function specText(s: SpecShape): string {
  return stringify(
    {
      regcache: 1,
      name: s.name ?? "t",
      ...(s.doc !== undefined ? { doc: s.doc } : {}),
      mask: s.mask ?? "u32",
      registers: { gpr: s.gpr, ...(s.extended ? { extended: s.extended } : {}) },
      backends: s.backends,
    },
    { lineWidth: 0 },
  );
}

export const smallSpec: SpecShape = {
  gpr: ["rax", "rcx", "rdx", "rbx", "rsp", { name: "r8", when: "CONFIG_X86_64" }, "rip"],
  extended: ["pdptr"],
  backends: { vmx: { lazy: ["rip", "rsp", "pdptr"] }, svm: { available: ["rax"] } },
};
