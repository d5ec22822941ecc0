/*
 * The model's vocabulary: what build.ts and kernel-block.ts decide and every
 * target prints. Types only; the builders import these, never each other's
 * types, so the model has no import circle.
 */
import type { MaskKind } from "../spec/masks";
import type { IdentifierTarget } from "../spec/identifiers";
import type {
  BitOps,
  CacheRegStyle,
  GprFamily,
  GuestOwned,
  SpecAdopts,
  TargetName,
  ValueType,
} from "../spec/kernel-sections";

export interface ModelOptions {
  /** Route every gpr accessor through the cached path: the code before the seed patch. */
  readonly allCached: boolean;
  readonly cStyle: CStyle;
}

export interface RegisterModel {
  readonly name: string;
  /** Upper-case name as used in C identifiers: RAX, EXIT_INFO_1. */
  readonly upper: string;
  readonly kind: "gpr" | "extended";
  /** VCPU_REGS_RAX or VCPU_EXREG_PDPTR. */
  readonly enumName: string;
  /** Position in the enum when every guard is defined. */
  readonly index: number;
  readonly guard?: string;
  readonly doc?: string;
  /** Backends that load this register lazily, in spec order. */
  readonly lazyIn: readonly string[];
  /** No backend loads it lazily: regs[] always holds it after VM-exit. */
  readonly alwaysAvailable: boolean;
}

export interface AccessorModel {
  readonly register: RegisterModel;
  /** kvm_rax_read / kvm_rax_write */
  readonly read: string;
  readonly write: string;
  /** raxRead / raxWrite: the TypeScript target's accessors. */
  readonly tsRead: string;
  readonly tsWrite: string;
  /** direct: plain regs[] access; cached: avail test, cache_reg, dirty bits. */
  readonly path: "direct" | "cached";
}

/** Another name of a register (registers.aliases): VCPU_REG_ERAPS = VCPU_REG_CR3. */
export interface AliasModel {
  readonly name: string;
  /** Upper-case name: ERAPS. */
  readonly upper: string;
  /** VCPU_REG_ERAPS: the extended prefix, as aliases name extended registers' bits. */
  readonly enumName: string;
  readonly register: RegisterModel;
}

/** How the kernel spells enum kvm_reg (the spec's enum section, Linux 6.x's by default). */
export interface EnumSpellingModel {
  readonly gprPrefix: string;
  readonly extendedPrefix: string;
  /** The enumerator counting the GPRs: NR_VCPU_REGS, NR_VCPU_GENERAL_PURPOSE_REGS. */
  readonly gprCount: string;
  /** The enumerator counting every register (NR_VCPU_TOTAL_REGS), when the enum has one. */
  readonly total?: string;
  /** The spelling is Linux 6.x's (VCPU_REGS_, VCPU_EXREG_, NR_VCPU_REGS, no total). */
  readonly isDefault: boolean;
}

export interface BackendModel {
  readonly name: string;
  readonly upper: string;
  readonly doc?: string;
  readonly declared: "lazy" | "available";
  /** Registers this backend fetches through cache_reg, in enum order. */
  readonly lazy: readonly RegisterModel[];
  /** Registers this backend saves into regs[] on every VM-exit, in enum order. */
  readonly available: readonly RegisterModel[];
  readonly lazySetName: string;
  readonly availSetName: string;
}

export interface MaskModel {
  readonly kind: MaskKind;
  /** Bits in one mask word: 32 for u32, 64 for u64 and bitmap words. */
  readonly wordBits: number;
  /** Words of a bitmap mask when every guard is defined; 1 for integer masks. */
  readonly words: number;
}

export interface Model {
  readonly name: string;
  readonly doc?: string;
  readonly mask: MaskModel;
  readonly gprs: readonly RegisterModel[];
  readonly extended: readonly RegisterModel[];
  readonly registers: readonly RegisterModel[];
  /** The registers' other names, in spec order. */
  readonly aliases: readonly AliasModel[];
  readonly enumSpelling: EnumSpellingModel;
  readonly accessors: readonly AccessorModel[];
  readonly backends: readonly BackendModel[];
  readonly options: ModelOptions;
  /**
   * Every identifier each target defines, from identifiers.ts (the generator's
   * own, then each register's and backend's, in spec order); validation has
   * checked they are unique.
   */
  readonly identifiers: Readonly<Record<IdentifierTarget, readonly string[]>>;
  /** Which targets are written, under which names. */
  readonly output: OutputModel;
  /** How the cache helpers are spelt and linked. */
  readonly api: CacheApiModel;
  /** The kernel target's register-cache block. */
  readonly kernel: KernelBlockModel;
  /** The c target's accessors: the kernel block's decisions, with the runtime's macros. */
  readonly c: CBlockModel;
}

export type CStyle = "macro" | "expanded";

export interface CacheApiModel {
  readonly cacheReg: CacheRegStyle;
  readonly bitops: BitOps;
  /** kvm_register_read_raw/_write_raw (with the range warning) rather than kvm_register_read/_write. */
  readonly rawPair: boolean;
  readonly testAndMarkAvailable: boolean;
  /** The cached path's reader and writer. */
  readonly cachedRead: string;
  readonly cachedWrite: string;
  /** The enumerator the raw pair's range warning bounds reg with (NR_VCPU_REGS …). */
  readonly gprCount: string;
  /** The lockdep assertion macro the per-register helpers open with, and its condition. */
  readonly assert?: { readonly macro: string; readonly condition: string };
  readonly markForReload: boolean;
  readonly bulkHelpers: boolean;
  /**
   * mode_aware: the kernel's operand-width mask helper, and the masking
   * wrappers of the raw pair (kvm_register_read/_write) the block defines.
   */
  readonly modeAware?: {
    readonly modeMask: string;
    readonly read: string;
    readonly write: string;
  };
  /** Linkage of each core helper by name (kvm_register_is_available, …, kvm_read_edx_eax). */
  readonly linkage: Readonly<Record<string, LinkageWords>>;
}

export interface FunctionModel {
  readonly name: string;
  readonly linkage: LinkageWords;
}
/** A GPR whose accessors are functions of their own (RIP and RSP in Linux), not the macro's. */

export interface GprFunctionsModel {
  readonly kind: "gpr";
  readonly register: RegisterModel;
  readonly path: "direct" | "cached";
  readonly read: FunctionModel;
  readonly write: FunctionModel;
  /** The spec's accessors list names it (rather than the kernel block giving it functions of its own). */
  readonly listed: boolean;
  /** The mode_aware family's raw pair and 32-bit pair; `read` is then the masked read, `write` unused. */
  readonly family?: GprFamilyFunctions;
}

/** A GPR's mode_aware functions besides the masked read. */
export interface GprFamilyFunctions {
  readonly readRaw: FunctionModel;
  readonly writeRaw: FunctionModel;
  readonly eRead?: FunctionModel;
  readonly eWrite?: FunctionModel;
}
/** An extended register's readers and writers. */

export interface ExtendedFunctionsModel {
  readonly kind: "extended";
  readonly register: RegisterModel;
  /** direct when no backend loads it lazily: no availability test, no cache_reg. */
  readonly path: "direct" | "cached";
  /** The member below vcpu->arch. */
  readonly field: string;
  readonly type: ValueType;
  readonly indexed: boolean;
  readonly mightSleep: boolean;
  readonly read?: FunctionModel;
  readonly write?: FunctionModel;
  /** The writer also marks the register dirty. */
  readonly markDirty: boolean;
  readonly readBits?: FunctionModel;
  readonly isBitSet?: FunctionModel;
  readonly guestOwned?: GuestOwned;
  readonly doc?: string;
}

export interface KernelBlockModel {
  /** The always-available GPRs' accessors, built by one macro; empty when there are none. */
  readonly gprMacro: {
    readonly name: string;
    readonly linkage: LinkageWords;
    /** direct: plain regs[] access; cached: through the cached pair (--all-cached). */
    readonly path: "direct" | "cached";
    readonly accessors: readonly AccessorModel[];
  };
  /**
   * The macro comes first, as in the kernel, unless it calls the cached pair,
   * which must then be defined before it.
   */
  readonly macroFirst: boolean;
  /** How every GPR not named in accessors is read and written. */
  readonly gprFamily: GprFamily;
  /**
   * mode_aware: the inner macro (masked read, raw pair) that the GPR macro
   * wraps with the 32-bit pair, and which GPRs have that pair.
   */
  readonly innerMacro?: { readonly name: string; readonly ePair: readonly string[] };
  /** Every other accessor function, in definition order. */
  readonly functions: readonly FunctionsModel[];
  /** kvm_read_edx_eax's linkage, when RAX and RDX exist unguarded. */
  readonly edxEax?: LinkageWords;
  /** kvm_read_edx_eax reads RAX and RDX through their 32-bit pair (both in e_pair). */
  readonly edxEaxByEPair: boolean;
  /**
   * The spec's comments by site (api.docs: a helper's or macro's C name), each
   * printed as written in place of regcache's own; an empty text: no comment.
   */
  readonly docs: Readonly<Record<string, string>>;
}

export interface OutputModel {
  readonly targets: readonly TargetName[];
  readonly kernelHeader: string;
  /** The kernel header's include guard, from its file name: KVM_CACHE_REGS_GEN_H. */
  readonly kernelGuard: string;
  readonly spdx?: string;
  /** Where the kernel block goes in the kernel's own header. */
  readonly adopts: SpecAdopts;
}
/**
 * The c target's accessors (generated/c/kvm_cache_regs.h, which the runtime
 * compiles against): the GPRs stay in its two macros (plain and cached), except
 * those the spec's accessors list, which get functions of their own in the
 * kernel block's order, beside the extended registers' readers and writers.
 * With no accessors section this is exactly the two macros.
 */

export interface CBlockModel {
  /** The GPRs the macros build, in enum order. */
  readonly macroAccessors: readonly AccessorModel[];
  /** The listed GPRs' and the extended registers' functions, in the spec's order. */
  readonly functions: readonly FunctionsModel[];
  /** The macros' linkage (the kernel's GPR macro's). */
  readonly macroLinkage: LinkageWords;
  /** enum kvm_reg's spelling: the GPR count, the total (when the spec names one), the aliases. */
  readonly enum: CEnumModel;
  /** The GPRs with a 32-bit pair (api.e_pair), whichever path they take. */
  readonly ePair: readonly string[];
}

/** The enumerators the c target adds to the registers' own: counts and aliases. */
export interface CEnumModel {
  /** Counts the GPRs: regs[]'s length (NR_VCPU_REGS unless the spec's enum says otherwise). */
  readonly gprCount: string;
  /** Counts every register, when the spec's enum names it (NR_VCPU_TOTAL_REGS in 7.2). */
  readonly total?: string;
  /** Other names of registers, e.g. { name: "VCPU_REG_ERAPS", register: "VCPU_REG_CR3" }. */
  readonly aliases: readonly { readonly name: string; readonly register: string }[];
}
/** `static inline` or `static __always_inline`, as the C spells it. */

export type LinkageWords = "static inline" | "static __always_inline";

export type FunctionsModel = GprFunctionsModel | ExtendedFunctionsModel;
