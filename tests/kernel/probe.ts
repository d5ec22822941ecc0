/*
 * The compiler's word on the enum and the sets: a translation unit, compiled
 * with the exact flags kbuild recorded for a KVM object, that _Static_asserts
 * every enumerator's value (the spec's prefixes: VCPU_REGS_*, VCPU_EXREG_* in
 * 6.x, VCPU_REG_* in 7.2; its terminators and aliases) and each backend's
 * <BACKEND>_REGS_LAZY_LOAD_SET or <BACKEND>_REGS_AVAIL_SET against numbers
 * computed here from the spec's lists (read as plain YAML, not through
 * regcache's model). A set defined in a .c file (TDX's in vmx/tdx.c) is
 * probed by a unit that includes that file. Outputs (-o and the -Wp,-MMD
 * dependency file) go to a temp dir: nothing is written into the tree.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { CompileCommand, run } from "./trees";

/** What the spec says, in the kernel's names and values. */
export interface SpecFacts {
  /** Enum constant → value, e.g. VCPU_REGS_RAX → 0, NR_VCPU_REGS → 17, VCPU_EXREG_PDPTR → 17. */
  readonly enumValues: ReadonlyMap<string, number>;
  /** Macro (e.g. VMX_REGS_LAZY_LOAD_SET, TDX_REGS_AVAIL_SET) → the registers in it (enum constants). */
  readonly lazySets: ReadonlyMap<string, readonly string[]>;
  /** Macro → value, for each accessor's guest_owned.value (KVM_POSSIBLE_CR4_GUEST_BITS …). */
  readonly constants: ReadonlyMap<string, bigint>;
}

type Entry = string | { name: string };
const nameOf = (e: Entry) => (typeof e === "string" ? e : e.name);

/**
 * Reads the spec's `enum`, `registers.gpr`, `registers.extended` (in order),
 * `registers.aliases` and each backend's `lazy` or `available` list. The enum
 * the kernel builds on x86_64: GPRs in list order from 0 (r8–r15 included:
 * CONFIG_X86_64 is on), the GPR count after them, extended registers from
 * that value on, the total after the last; an alias has its register's value.
 */
export function specFacts(specText: string, backends?: readonly string[]): SpecFacts {
  const doc = parse(specText) as {
    enum?: { gpr_prefix?: string; extended_prefix?: string; gpr_count?: string; total?: string };
    registers: { gpr: Entry[]; extended?: Entry[]; aliases?: Record<string, string> };
    backends: Record<string, { lazy?: Entry[]; available?: Entry[] }>;
    accessors?: (string | { guest_owned?: { possible: string; value?: number | string } })[];
  };
  const gprPrefix = doc.enum?.gpr_prefix ?? "VCPU_REGS_";
  const extendedPrefix = doc.enum?.extended_prefix ?? "VCPU_EXREG_";
  const enumValues = new Map<string, number>();
  const constant = new Map<string, string>();
  doc.registers.gpr.map(nameOf).forEach((name, i) => {
    constant.set(name, `${gprPrefix}${name.toUpperCase()}`);
    enumValues.set(`${gprPrefix}${name.toUpperCase()}`, i);
  });
  const nr = doc.registers.gpr.length;
  enumValues.set(doc.enum?.gpr_count ?? "NR_VCPU_REGS", nr);
  const extended = (doc.registers.extended ?? []).map(nameOf);
  extended.forEach((name, i) => {
    constant.set(name, `${extendedPrefix}${name.toUpperCase()}`);
    enumValues.set(`${extendedPrefix}${name.toUpperCase()}`, nr + i);
  });
  if (doc.enum?.total) enumValues.set(doc.enum.total, nr + extended.length);
  for (const [alias, register] of Object.entries(doc.registers.aliases ?? {})) {
    const c = constant.get(register);
    if (!c) throw new Error(`alias ${alias}: unknown register ${register}`);
    enumValues.set(`${extendedPrefix}${alias.toUpperCase()}`, enumValues.get(c)!);
  }
  const lazySets = new Map<string, string[]>();
  for (const [backend, body] of Object.entries(doc.backends)) {
    if (backends && !backends.includes(backend)) continue;
    const list = body.lazy ?? body.available;
    if (!list) throw new Error(`backend ${backend} has no 'lazy' or 'available' list`);
    const regs = list.map(nameOf).map((n) => {
      const c = constant.get(n);
      if (!c) throw new Error(`backend ${backend}: unknown register ${n}`);
      return c;
    });
    const kind = body.lazy ? "LAZY_LOAD_SET" : "AVAIL_SET";
    lazySets.set(`${backend.toUpperCase()}_REGS_${kind}`, regs);
  }
  const constants = new Map<string, bigint>();
  for (const a of doc.accessors ?? []) {
    const owned = typeof a === "string" ? undefined : a.guest_owned;
    if (owned?.value !== undefined) constants.set(owned.possible, BigInt(owned.value));
  }
  return { enumValues, lazySets, constants };
}

/**
 * The probe's C text: one _Static_assert per fact, after `includes` (by
 * default the headers that define the enum and the VMX and SVM sets; a set
 * defined in a .c file needs that file: ['"vmx/tdx.c"']).
 */
export function probeSource(
  facts: SpecFacts,
  includes: readonly string[] = ["<linux/kvm_host.h>", '"vmx/vmx.h"', '"svm/svm.h"'],
): string {
  const lines = [
    "/* regcache kernel probe: the spec's register numbers, checked by the compiler */",
    ...includes.map((i) => `#include ${i}`),
    "",
    "#ifndef CONFIG_X86_64",
    '#error "the probe computes the enum for x86_64 (r8-r15 present)"',
    "#endif",
    "",
  ];
  for (const [name, value] of facts.enumValues) {
    lines.push(`_Static_assert(${name} == ${value}, "${name} == ${value}");`);
  }
  for (const [macro, regs] of facts.lazySets) {
    const mask = regs.reduce((m, r) => m | (1n << BigInt(facts.enumValues.get(r)!)), 0n);
    const hex = `0x${mask.toString(16)}ULL`;
    lines.push(`_Static_assert((u64)(${macro}) == ${hex}, "${macro} == ${regs.join(" | ")}");`);
  }
  for (const [macro, value] of facts.constants) {
    const hex = `0x${value.toString(16)}ULL`;
    lines.push(`_Static_assert((u64)(${macro}) == ${hex}, "${macro} == ${hex}");`);
  }
  return lines.join("\n") + "\n";
}

/**
 * Compiles `source` with the flags kbuild used for `like` (a compile_commands
 * entry), output and dependency file redirected into `tmpDir`. Throws with
 * the compiler's messages when the probe does not compile.
 */
export function compileProbe(like: CompileCommand, source: string, tmpDir: string): string {
  const probe = path.join(tmpDir, "regcache_probe.c");
  fs.writeFileSync(probe, source);
  let command = like.command;
  const redirect = (re: RegExp, to: string) => {
    if (!re.test(command)) throw new Error(`compile command has no ${re}: ${like.command}`);
    command = command.replace(re, to);
  };
  redirect(/-Wp,-MMD,\S+/, `-Wp,-MMD,${path.join(tmpDir, ".regcache_probe.o.d")}`);
  redirect(/ -o \S+/, ` -o ${path.join(tmpDir, "regcache_probe.o")}`);
  const parts = command.trimEnd().split(/\s+/);
  const last = parts[parts.length - 1];
  if (!last.endsWith(".c"))
    throw new Error(`compile command does not end with its source: ${like.command}`);
  command = command.trimEnd().slice(0, -last.length) + probe;
  run(["sh", "-c", command], { cwd: like.directory });
  return command;
}
