/*
 * The compiler's answers and the source text's names put together into what
 * the tree says about its register cache: register order and guards, the mask
 * width, each backend's set, and how cache_reg is reached. Every value here
 * came from the probe; the text only supplied the names to ask about.
 *
 * Pure: findings in, an ImportedTree or diagnostics out.
 */
import type { MaskKind } from "../core/spec/masks";
import { diagnose, type Diagnostic, type SourceFile } from "../core/diagnostics/diagnostic";
import type { ProbeItem } from "./probe";
import type { Enumerator, RegisterEnum, SetKind, SetMacro } from "./source";

export type CacheRegDispatch = "ops_pointer" | "static_call" | "kvm_x86_call";

export interface ImportedRegister {
  /** Spec name: the enumerator without VCPU_REGS_ / VCPU_EXREG_, lower case. */
  readonly name: string;
  readonly guard?: string;
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
  readonly gpr: readonly ImportedRegister[];
  readonly extended: readonly ImportedRegister[];
  readonly mask: MaskKind;
  readonly backends: readonly ImportedBackend[];
  readonly cacheReg: CacheRegDispatch;
}

const GPR_PREFIX = "VCPU_REGS_";
const EXTENDED_PREFIX = "VCPU_EXREG_";
const GPR_COUNT = "NR_VCPU_REGS";

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
  const split = enumerators.findIndex((e) => e.identifier === GPR_COUNT);
  if (split < 0) {
    bad(undefined, `no ${GPR_COUNT} enumerator between the GPRs and the extended registers`);
    return { ok: false, diagnostics };
  }
  // Trailing NR_* enumerators (totals) close the enum; they are not registers.
  let end = enumerators.length;
  while (end > split + 1 && enumerators[end - 1].identifier.startsWith("NR_")) end--;

  const valueOf = (e: Enumerator) => f.values.get(probeKeys.enumerator(e.identifier));
  const byValue = new Map<bigint, string>();
  const collect = (from: number, to: number, prefix: string, first: bigint): ImportedRegister[] => {
    const out: ImportedRegister[] = [];
    let expected = first;
    for (const e of enumerators.slice(from, to)) {
      if (!e.identifier.startsWith(prefix) || e.identifier.length === prefix.length) {
        bad(e, `${e.identifier} is not a ${prefix}* enumerator, which this part of the enum holds`);
        continue;
      }
      const name = e.identifier.slice(prefix.length).toLowerCase();
      out.push(e.guard ? { name, guard: e.guard } : { name });
      const value = valueOf(e);
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
    return out;
  };
  const gpr = collect(0, split, GPR_PREFIX, 0n);
  const gprCount = valueOf(enumerators[split]);
  const gprPresent = BigInt([...byValue.keys()].length);
  if (gprCount !== gprPresent) {
    bad(
      enumerators[split],
      `${GPR_COUNT} is ${gprCount}, but ${gprPresent} GPR enumerators precede it`,
    );
  }
  const extended = collect(split + 1, end, EXTENDED_PREFIX, gprCount ?? 0n);

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
  return { ok: true, tree: { release: f.release, gpr, extended, mask, backends, cacheReg } };
}
