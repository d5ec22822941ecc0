/*
 * What the spec's kernel-facing sections hold once checked (output, api,
 * accessors): their types, their defaults (Linux 6.x's shape where a kernel
 * is meant, regcache's runtime API otherwise), the names the kernel gives
 * what they define, and the context the checks share. The checks are in
 * kernel-sections.ts (output, accessors) and kernel-api.ts (api). Leaf
 * module but for type imports.
 */
import type { Diagnostic, SourceFile, Span } from "../diagnostics/diagnostic";
import type { DocPath } from "./parse";

export type TargetName = "c" | "ts" | "kernel";
export type CacheRegStyle = "ops_pointer" | "static_call" | "kvm_x86_call";
export type BitOps = "regcache" | "kernel";
export type Linkage = "always_inline" | "inline";
export type ValueType = "unsigned long" | "ulong" | "u64" | "u32";
export type GprFamily = "plain" | "mode_aware";

/** The guest-owned-bits gating of a control register's reader. */
export interface GuestOwned {
  /** The macro of the bits a backend may let the guest own. */
  readonly possible: string;
  /** The vcpu->arch field of the bits the guest owns now. */
  readonly owned: string;
  /** The macro's value, when the spec gives it (guest_owned.value). */
  readonly value?: bigint;
}

/** A guest_owned.value as written: a non-negative integer or a 0x… string; undefined otherwise. */
export function constantValue(v: unknown): bigint | undefined {
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === "string" && /^0x[0-9a-fA-F]+$/.test(v)) return BigInt(v);
  return undefined;
}

/** Where the kernel block goes in the kernel's own header (output.adopts). */
export interface SpecAdopts {
  /** File name of the kernel's header in arch/x86/kvm/. */
  readonly header: string;
  /** The macro or function whose definition starts the region. */
  readonly first: string;
  /** The function whose closing brace ends the region. */
  readonly last: string;
}

export interface SpecOutput {
  readonly targets: readonly TargetName[];
  /** File name of the kernel target's header. */
  readonly kernelHeader: string;
  readonly spdx?: string;
  readonly adopts: SpecAdopts;
}

export interface SpecApi {
  readonly cacheReg: CacheRegStyle;
  readonly bitops: BitOps;
  readonly rawPair: boolean;
  readonly testAndMarkAvailable: boolean;
  readonly inline: Linkage;
  /** Helpers (by C name) defined static __always_inline whatever `inline` says. */
  readonly alwaysInline: readonly string[];
  /** The lockdep assertion the per-register availability helpers open with. */
  readonly assert?: { readonly macro: string; readonly condition: string };
  readonly markForReload: boolean;
  /** kvm_clear_available_registers and kvm_reset_dirty_registers. */
  readonly bulkHelpers: boolean;
  readonly gprFamily: GprFamily;
  /** The kernel's operand-width mask helper (mode_aware only). */
  readonly modeMask?: string;
  /** GPRs with a 32-bit kvm_e<x>_read/_write pair, in the spec's order. */
  readonly ePair: readonly string[];
}

/** A GPR listed by name: its kvm_<name>_read/_write, placed here in definition order. */
export interface SpecGprAccessor {
  readonly kind: "gpr";
  readonly register: string;
}

/** An extended register's readers and writers and where its value lives. */
export interface SpecExtendedAccessor {
  readonly kind: "extended";
  readonly register: string;
  /** Below vcpu->arch: "cr3", "walk_mmu->pdptrs". */
  readonly field: string;
  readonly type: ValueType;
  readonly indexed: boolean;
  readonly mightSleep: boolean;
  readonly read?: string;
  readonly write?: string;
  /** The writer marks the register dirty (kvm_rip_write, once RIP has its own field). */
  readonly markDirty: boolean;
  readonly readBits?: string;
  readonly isBitSet?: string;
  readonly guestOwned?: GuestOwned;
  readonly doc?: string;
}

export type SpecAccessor = SpecGprAccessor | SpecExtendedAccessor;

/** Linux 6.1 to 7.1: kvm_cache_regs.h, from the GPR macro through kvm_read_edx_eax. */
export const DEFAULT_ADOPTS: SpecAdopts = {
  header: "kvm_cache_regs.h",
  first: "BUILD_KVM_GPR_ACCESSORS",
  last: "kvm_read_edx_eax",
};
export const DEFAULT_OUTPUT: SpecOutput = {
  targets: ["c", "ts"],
  kernelHeader: "kvm_cache_regs_gen.h",
  adopts: DEFAULT_ADOPTS,
};
export const DEFAULT_API: SpecApi = {
  cacheReg: "ops_pointer",
  bitops: "regcache",
  rawPair: false,
  testAndMarkAvailable: false,
  inline: "always_inline",
  alwaysInline: [],
  markForReload: false,
  bulkHelpers: false,
  gprFamily: "plain",
  ePair: [],
};

/** The macro that stands for the always-available GPRs' accessors in always_inline. */
export const GPR_MACRO = "BUILD_KVM_GPR_ACCESSORS";

/** The inner macro of the mode_aware family; GPR_MACRO adds the 32-bit pair around it. */
export const GPR_INNER_MACRO = "__BUILD_KVM_GPR_ACCESSORS";

/** The 32-bit pair of a GPR: rax → kvm_eax_read/_write (the kernel's names). */
export const ePairNames = (gpr: string) => ({
  short: gpr.slice(1),
  read: `kvm_e${gpr.slice(1)}_read`,
  write: `kvm_e${gpr.slice(1)}_write`,
});

/** The mode_aware family of a GPR: masked read, raw read, raw write. */
export const modeAwareNames = (gpr: string) => ({
  read: `kvm_${gpr}_read`,
  readRaw: `kvm_${gpr}_read_raw`,
  writeRaw: `kvm_${gpr}_write_raw`,
});

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export interface ApiContext {
  readonly file: SourceFile;
  readonly root: Obj;
  readonly span: (p: DocPath, which?: "key" | "value") => Span | undefined;
  readonly report: (d: Diagnostic) => void;
  /** Whether the next diagnostic is shown: a costly hint is worked out only then. */
  readonly wanted: () => boolean;
  /** Registers declared, by name, with their kind. */
  readonly registers: ReadonlyMap<string, "gpr" | "extended">;
  /** Alias → the register it names. */
  readonly aliases: ReadonlyMap<string, string>;
  readonly mask: unknown;
}

export interface CheckedApi {
  readonly output: SpecOutput;
  readonly api: SpecApi;
  readonly accessors: readonly SpecAccessor[];
  /** The kernel block's comments by site (api.docs; docs.ts): an empty text leaves the site bare. */
  readonly docs: Readonly<Record<string, string>>;
  /** Every function name the accessors define, with where it was written, for the collision check. */
  readonly accessorNames: readonly { register: string; name: string; at: Span | undefined }[];
}

export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
export const bool = (v: unknown): boolean | undefined => (typeof v === "boolean" ? v : undefined);
