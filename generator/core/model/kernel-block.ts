/*
 * The kernel-facing part of the model: how the cache helpers are spelt and
 * linked, which accessor functions exist in which order and which path each
 * takes, and which targets are written under which names. Like model.ts, this
 * is where the decisions are made; the kernel template only prints them.
 */
import type { AccessorModel, RegisterModel } from "./build";
import {
  GPR_MACRO,
  type BitOps,
  type CacheRegStyle,
  type SpecAccessor,
  type SpecApi,
  type SpecOutput,
  type TargetName,
  type ValueType,
} from "../spec/kernel-sections";

/** `static inline` or `static __always_inline`, as the C spells it. */
export type LinkageWords = "static inline" | "static __always_inline";

export interface CacheApiModel {
  readonly cacheReg: CacheRegStyle;
  readonly bitops: BitOps;
  /** kvm_register_read_raw/_write_raw (with the range warning) rather than kvm_register_read/_write. */
  readonly rawPair: boolean;
  readonly testAndMarkAvailable: boolean;
  /** The cached path's reader and writer. */
  readonly cachedRead: string;
  readonly cachedWrite: string;
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
  readonly readBits?: FunctionModel;
  readonly isBitSet?: FunctionModel;
  readonly guestOwned?: { readonly possible: string; readonly owned: string };
  readonly doc?: string;
}

export type FunctionsModel = GprFunctionsModel | ExtendedFunctionsModel;

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
  /** Every other accessor function, in definition order. */
  readonly functions: readonly FunctionsModel[];
  /** kvm_read_edx_eax's linkage, when RAX and RDX exist unguarded. */
  readonly edxEax?: LinkageWords;
}

export interface OutputModel {
  readonly targets: readonly TargetName[];
  readonly kernelHeader: string;
  /** The kernel header's include guard, from its file name: KVM_CACHE_REGS_GEN_H. */
  readonly kernelGuard: string;
  readonly spdx?: string;
}

export function buildOutput(output: SpecOutput): OutputModel {
  return {
    targets: output.targets,
    kernelHeader: output.kernelHeader,
    kernelGuard: output.kernelHeader.toUpperCase().replace(/[^A-Z0-9]/g, "_"),
    ...(output.spdx !== undefined ? { spdx: output.spdx } : {}),
  };
}

const words = (alwaysInline: boolean): LinkageWords =>
  alwaysInline ? "static __always_inline" : "static inline";

export function buildApi(api: SpecApi): CacheApiModel {
  const linkageOf = (name: string) =>
    words(api.inline === "always_inline" || api.alwaysInline.includes(name));
  const cachedRead = api.rawPair ? "kvm_register_read_raw" : "kvm_register_read";
  const cachedWrite = api.rawPair ? "kvm_register_write_raw" : "kvm_register_write";
  const core = [
    GPR_MACRO,
    "kvm_register_is_available",
    "kvm_register_is_dirty",
    "kvm_register_mark_available",
    "kvm_register_mark_dirty",
    "kvm_register_test_and_mark_available",
    cachedRead,
    cachedWrite,
    "kvm_read_edx_eax",
  ];
  return {
    cacheReg: api.cacheReg,
    bitops: api.bitops,
    rawPair: api.rawPair,
    testAndMarkAvailable: api.testAndMarkAvailable,
    cachedRead,
    cachedWrite,
    linkage: Object.fromEntries(core.map((n) => [n, linkageOf(n)])),
  };
}

/**
 * The kernel block: the always-available GPRs in the macro, every lazily loaded
 * GPR as functions of its own (those the spec's accessors list where it lists
 * them, the others first, in enum order), then the extended registers' accessors.
 */
export function buildKernelBlock(
  api: SpecApi,
  accessors: readonly AccessorModel[],
  registers: readonly RegisterModel[],
  listed: readonly SpecAccessor[],
): KernelBlockModel {
  const linkageOf = (name: string) =>
    words(api.inline === "always_inline" || api.alwaysInline.includes(name));
  const fn = (name: string | undefined): FunctionModel | undefined =>
    name === undefined ? undefined : { name, linkage: linkageOf(name) };
  const inMacro = accessors.filter((a) => a.register.alwaysAvailable);
  const own = accessors.filter((a) => !a.register.alwaysAvailable);
  const gprFunctions = (a: AccessorModel, listed: boolean): GprFunctionsModel => ({
    kind: "gpr",
    register: a.register,
    path: a.path,
    read: fn(a.read)!,
    write: fn(a.write)!,
    listed,
  });
  const listedGprs = new Set(listed.filter((l) => l.kind === "gpr").map((l) => l.register));
  const byName = new Map(registers.map((r) => [r.name, r]));
  const functions: FunctionsModel[] = [
    ...own.filter((a) => !listedGprs.has(a.register.name)).map((a) => gprFunctions(a, false)),
    ...listed.flatMap((l): FunctionsModel[] => {
      if (l.kind === "gpr") {
        const a = own.find((o) => o.register.name === l.register);
        // An always-available GPR listed here stays in the macro.
        return a ? [gprFunctions(a, true)] : [];
      }
      const register = byName.get(l.register)!;
      return [
        {
          kind: "extended",
          register,
          path: register.alwaysAvailable ? "direct" : "cached",
          field: l.field,
          type: l.type,
          indexed: l.indexed,
          mightSleep: l.mightSleep,
          ...(l.read !== undefined ? { read: fn(l.read)! } : {}),
          ...(l.write !== undefined ? { write: fn(l.write)! } : {}),
          ...(l.readBits !== undefined ? { readBits: fn(l.readBits)! } : {}),
          ...(l.isBitSet !== undefined ? { isBitSet: fn(l.isBitSet)! } : {}),
          ...(l.guestOwned ? { guestOwned: l.guestOwned } : {}),
          ...(l.doc !== undefined ? { doc: l.doc } : {}),
        },
      ];
    }),
  ];
  const macroPath = inMacro.some((a) => a.path === "cached") ? "cached" : "direct";
  const rax = accessors.find((a) => a.register.name === "rax");
  const rdx = accessors.find((a) => a.register.name === "rdx");
  return {
    gprMacro: {
      name: GPR_MACRO,
      linkage: linkageOf(GPR_MACRO),
      path: macroPath,
      accessors: inMacro,
    },
    macroFirst: macroPath === "direct",
    functions,
    ...(rax && rdx && !rax.register.guard && !rdx.register.guard
      ? { edxEax: linkageOf("kvm_read_edx_eax") }
      : {}),
  };
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
}

export function buildCBlock(
  kernel: KernelBlockModel,
  accessors: readonly AccessorModel[],
): CBlockModel {
  const functions = kernel.functions.filter((f) => f.kind === "extended" || f.listed);
  const own = new Set(functions.map((f) => f.register.name));
  return {
    macroAccessors: accessors.filter((a) => !own.has(a.register.name)),
    functions,
    macroLinkage: kernel.gprMacro.linkage,
  };
}
