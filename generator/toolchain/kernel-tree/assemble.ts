/*
 * The compiler's answers and the source text's names put together into what
 * the tree says about its register cache: register order and guards, how the
 * enum spells them (prefixes, the GPR count, the total) and which enumerators
 * are other names of a register, the mask width, each backend's set, and how
 * cache_reg is reached. Every value here came from the probe; the text only
 * supplied the names to ask about.
 *
 * Pure: findings in, an ImportedTree or diagnostics out.
 */
import type { MaskKind } from "../../core/spec/masks";
import { DEFAULT_ENUM } from "../../core/spec/validate";
import { diagnose, type Diagnostic, type SourceFile } from "../../core/diagnostics/diagnostic";
import type { ProbeItem } from "./probe";
import type { Enumerator, RegisterEnum, SetKind, SetMacro } from "./source";

export type CacheRegDispatch = "ops_pointer" | "static_call" | "kvm_x86_call";

export interface ImportedRegister {
  /** Spec name: the enumerator without its prefix (VCPU_REGS_, VCPU_EXREG_, VCPU_REG_), lower case. */
  readonly name: string;
  readonly guard?: string;
}

/** How the tree spells enum kvm_reg: the spec's enum section. */
export interface ImportedEnum {
  readonly gprPrefix: string;
  readonly extendedPrefix: string;
  /** The enumerator closing the GPRs: NR_VCPU_REGS (6.x), NR_VCPU_GENERAL_PURPOSE_REGS (7.2). */
  readonly gprCount: string;
  /** The enumerator closing the whole enum, when there is one (NR_VCPU_TOTAL_REGS in 7.2). */
  readonly total?: string;
}

/** An enumerator with the value of an earlier register: another name of it, not a register. */
export interface ImportedAlias {
  readonly name: string;
  readonly register: string;
}

export interface ImportedBackend {
  readonly name: string;
  readonly kind: SetKind;
  /** Register names in enum order. */
  readonly registers: readonly string[];
  readonly macro: string;
}

export interface ImportedTree {
  /** UTS_RELEASE (or the Makefile's version), e.g. "6.1.158". */
  readonly release: string;
  readonly enum: ImportedEnum;
  readonly gpr: readonly ImportedRegister[];
  readonly extended: readonly ImportedRegister[];
  readonly aliases: readonly ImportedAlias[];
  readonly mask: MaskKind;
  readonly backends: readonly ImportedBackend[];
  /** Sets defined in units this build does not compile (TDX's without CONFIG_KVM_INTEL_TDX). */
  readonly unbuilt: readonly UnbuiltSet[];
  readonly cacheReg: CacheRegDispatch;
}

export interface UnbuiltSet {
  readonly macro: string;
  /** The unit defining it, relative to the tree's root. */
  readonly file: string;
}

/** A terminator: the count of the GPRs, or of every register. */
const TERMINATOR = /^NR_/;
/** An enumerator's prefix: its first two words (VCPU_REGS_, VCPU_EXREG_, VCPU_REG_). */
const PREFIX = /^[A-Za-z0-9]+_[A-Za-z0-9]+_/;

/** Keys of the probe items; the probe reports values under the same keys. */
export const probeKeys = {
  enumerator: (id: string) => `enum:${id}`,
  set: (macro: string) => `set:${macro}`,
  mask: "mask",
  kvmX86Call: "dispatch:kvm_x86_call",
  staticCall: "dispatch:static_call",
} as const;

const VCPU_ARCH_MASK = "((struct kvm_vcpu_arch *)0)->regs_avail";

/**
 * What the probe asks about the tree as a whole: every enumerator (under its
 * own guard), the width of regs_avail — 0 when it is an unsigned long array
 * (a bitmap), else its size in bytes — and which dispatch macros the headers
 * offer: kvm_x86_call (6.10 on), else the static calls of asm/kvm-x86-ops.h
 * (5.11 on), else the ops table's pointer.
 */
export function treeProbeItems(registerEnum: RegisterEnum): ProbeItem[] {
  return [
    ...registerEnum.enumerators.map((e) => ({
      key: probeKeys.enumerator(e.identifier),
      expression: e.identifier,
      ...(e.guardDirective ? { condition: e.guardDirective } : {}),
    })),
    {
      key: probeKeys.mask,
      expression: `_Generic(${VCPU_ARCH_MASK}, unsigned long *: 0, default: sizeof(${VCPU_ARCH_MASK}))`,
    },
    { key: probeKeys.kvmX86Call, expression: "1", condition: "#if defined(kvm_x86_call)" },
    {
      key: probeKeys.staticCall,
      expression: "1",
      condition: "#if __has_include(<asm/kvm-x86-ops.h>)",
    },
  ];
}

export const setProbeItem = (set: SetMacro): ProbeItem => ({
  key: probeKeys.set(set.macro),
  expression: set.macro,
});

export interface Findings {
  readonly registerEnum: RegisterEnum;
  readonly sets: readonly SetMacro[];
  /** Where each set macro is defined, for diagnostics. */
  readonly setFiles: ReadonlyMap<string, SourceFile>;
  /** Every probe value by key; a key whose condition was false is absent or undefined. */
  readonly values: ReadonlyMap<string, bigint | undefined>;
  readonly release: string;
  readonly unbuilt?: readonly UnbuiltSet[];
}

export type AssembleResult =
  | { readonly ok: true; readonly tree: ImportedTree }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export function assemble(f: Findings): AssembleResult {
  const header = f.registerEnum.header;
  const diagnostics: Diagnostic[] = [];
  const bad = (e: Enumerator | undefined, why: string) =>
    diagnostics.push(
      diagnose(
        "RC805",
        header,
        e ? { start: e.offset, end: e.offset + e.identifier.length } : undefined,
        header.displayPath,
        why,
      ),
    );
  const enumerators = f.registerEnum.enumerators;
  // The GPRs come first, closed by the first NR_* enumerator (the GPR count).
  const split = enumerators.findIndex((e) => TERMINATOR.test(e.identifier));
  if (split <= 0) {
    bad(
      enumerators[split],
      split < 0
        ? "no NR_* enumerator between the GPRs and the extended registers"
        : `${enumerators[split].identifier} opens the enum: no GPR precedes it`,
    );
    return { ok: false, diagnostics };
  }
  // Trailing NR_* enumerators close the enum; they are not registers.
  let end = enumerators.length;
  while (end > split + 1 && TERMINATOR.test(enumerators[end - 1].identifier)) end--;

  const valueOf = (e: Enumerator) => f.values.get(probeKeys.enumerator(e.identifier));
  const byValue = new Map<bigint, string>();
  const aliases: ImportedAlias[] = [];
  /** The registers of enumerators [from, to), each one value after the last; and the value after them. */
  const collect = (from: number, to: number, prefix: string, first: bigint) => {
    const out: ImportedRegister[] = [];
    let expected = first;
    for (const e of enumerators.slice(from, to)) {
      if (!e.identifier.startsWith(prefix) || e.identifier.length === prefix.length) {
        bad(e, `${e.identifier} is not a ${prefix}* enumerator, which this part of the enum holds`);
        continue;
      }
      const name = e.identifier.slice(prefix.length).toLowerCase();
      const value = valueOf(e);
      const aliased = value === undefined ? undefined : byValue.get(value);
      if (aliased !== undefined) {
        // VCPU_REG_ERAPS = VCPU_REG_CR3: the same bit under another name.
        aliases.push({ name, register: aliased });
        continue;
      }
      out.push(e.guard ? { name, guard: e.guard } : { name });
      if (value === undefined) continue; // its guard is off in this configuration
      if (value !== expected) {
        bad(
          e,
          `${e.identifier} is ${value}, not ${expected}: the spec lists registers in enum order, one value apart`,
        );
      }
      byValue.set(value, name);
      expected = value + 1n;
    }
    return { registers: out, next: expected };
  };
  const gprPrefix = PREFIX.exec(enumerators[0].identifier)?.[0] ?? enumerators[0].identifier;
  const gpr = collect(0, split, gprPrefix, 0n).registers;
  const countEnumerator = enumerators[split];
  const gprCount = valueOf(countEnumerator);
  const gprPresent = BigInt(byValue.size);
  if (gprCount !== gprPresent) {
    bad(
      countEnumerator,
      `${countEnumerator.identifier} is ${gprCount}, but ${gprPresent} GPR enumerators precede it`,
    );
  }
  const firstExtended = enumerators[split + 1];
  const extendedPrefix = firstExtended
    ? (PREFIX.exec(firstExtended.identifier)?.[0] ?? firstExtended.identifier)
    : DEFAULT_ENUM.extendedPrefix;
  const extended = collect(split + 1, end, extendedPrefix, gprCount ?? 0n);
  const totals = enumerators.slice(Math.max(end, split + 1));
  if (totals.length > 1) {
    bad(
      totals[1],
      `the enum ends in ${totals.length} NR_* enumerators (${totals.map((t) => t.identifier).join(", ")}); the spec names one total`,
    );
  }
  const total = totals[0];
  const totalValue = total ? valueOf(total) : undefined;
  if (total && totalValue !== extended.next) {
    bad(total, `${total.identifier} is ${totalValue}, but the registers end at ${extended.next}`);
  }
  const spelling: ImportedEnum = {
    gprPrefix,
    extendedPrefix,
    gprCount: countEnumerator.identifier,
    ...(total ? { total: total.identifier } : {}),
  };

  const backends: ImportedBackend[] = [];
  for (const set of f.sets) {
    const value = f.values.get(probeKeys.set(set.macro));
    const file = f.setFiles.get(set.file) ?? header;
    if (value === undefined) continue; // only in a failed probe, reported there
    const registers: string[] = [];
    for (let bit = 0n; value >> bit !== 0n; bit++) {
      if (((value >> bit) & 1n) === 0n) continue;
      const name = byValue.get(bit);
      if (name === undefined)
        diagnostics.push(diagnose("RC811", file, undefined, set.macro, value, bit));
      else registers.push(name);
    }
    backends.push({ name: set.backend, kind: set.kind, registers, macro: set.macro });
  }

  const maskBytes = f.values.get(probeKeys.mask);
  const mask: MaskKind | undefined =
    maskBytes === 0n ? "bitmap" : maskBytes === 4n ? "u32" : maskBytes === 8n ? "u64" : undefined;
  if (!mask) {
    diagnostics.push(
      diagnose("RC812", header, undefined, `an integer of ${maskBytes ?? "unknown"} bytes`),
    );
  }
  const cacheReg: CacheRegDispatch =
    f.values.get(probeKeys.kvmX86Call) !== undefined
      ? "kvm_x86_call"
      : f.values.get(probeKeys.staticCall) !== undefined
        ? "static_call"
        : "ops_pointer";

  if (diagnostics.length || !mask) return { ok: false, diagnostics };
  return {
    ok: true,
    tree: {
      release: f.release,
      enum: spelling,
      gpr,
      extended: extended.registers,
      aliases,
      mask,
      backends,
      unbuilt: f.unbuilt ?? [],
      cacheReg,
    },
  };
}
