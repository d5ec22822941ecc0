/*
 * The kernel-facing part of the model: how the cache helpers are spelt and
 * linked, which accessor functions exist in which order and which path each
 * takes, and which targets are written under which names. Like build.ts, this
 * is where the decisions are made; the kernel template only prints them.
 */
import {
  coreHelpers,
  ePairNames,
  GPR_INNER_MACRO,
  GPR_MACRO,
  modeAwareNames,
  type BitOps,
  type CacheRegStyle,
  type SpecAccessor,
  type SpecApi,
  type SpecOutput,
  type TargetName,
  type ValueType,
} from "../spec/kernel-sections";
import type {
  AccessorModel,
  CacheApiModel,
  CBlockModel,
  CEnumModel,
  FunctionModel,
  FunctionsModel,
  GprFunctionsModel,
  KernelBlockModel,
  LinkageWords,
  OutputModel,
  RegisterModel,
} from "./types";

export function buildOutput(output: SpecOutput): OutputModel {
  return {
    targets: output.targets,
    kernelHeader: output.kernelHeader,
    kernelGuard: output.kernelHeader.toUpperCase().replace(/[^A-Z0-9]/g, "_"),
    ...(output.spdx !== undefined ? { spdx: output.spdx } : {}),
    adopts: output.adopts,
  };
}

const words = (alwaysInline: boolean): LinkageWords =>
  alwaysInline ? "static __always_inline" : "static inline";

/** `gprCount`: the enumerator the raw pair bounds reg with (the spec's enum.gpr_count). */
export function buildApi(api: SpecApi, gprCount: string): CacheApiModel {
  const linkageOf = (name: string) =>
    words(api.inline === "always_inline" || api.alwaysInline.includes(name));
  const cachedRead = api.rawPair ? "kvm_register_read_raw" : "kvm_register_read";
  const cachedWrite = api.rawPair ? "kvm_register_write_raw" : "kvm_register_write";
  // The helpers this api defines (and test_and_mark_available, whose linkage
  // the c target prints whether or not the kernel block defines it).
  const core = new Set([
    ...coreHelpers(api),
    "kvm_register_test_and_mark_available",
    cachedRead,
    cachedWrite,
  ]);
  return {
    cacheReg: api.cacheReg,
    bitops: api.bitops,
    rawPair: api.rawPair,
    testAndMarkAvailable: api.testAndMarkAvailable,
    cachedRead,
    cachedWrite,
    gprCount,
    ...(api.assert ? { assert: api.assert } : {}),
    markForReload: api.markForReload,
    bulkHelpers: api.bulkHelpers,
    ...(api.gprFamily === "mode_aware" && api.modeMask !== undefined
      ? {
          modeAware: {
            modeMask: api.modeMask,
            read: "kvm_register_read",
            write: "kvm_register_write",
          },
        }
      : {}),
    linkage: Object.fromEntries([...core].map((n) => [n, linkageOf(n)])),
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
  docs: Readonly<Record<string, string>>,
): KernelBlockModel {
  const linkageOf = (name: string) =>
    words(api.inline === "always_inline" || api.alwaysInline.includes(name));
  const fn = (name: string | undefined): FunctionModel | undefined =>
    name === undefined ? undefined : { name, linkage: linkageOf(name) };
  const modeAware = api.gprFamily === "mode_aware";
  const gprFunctions = (a: AccessorModel, listed: boolean): GprFunctionsModel => {
    const name = a.register.name;
    const names = modeAwareNames(name);
    const e = api.ePair.includes(name) ? ePairNames(name) : undefined;
    return {
      kind: "gpr",
      register: a.register,
      path: a.path,
      read: fn(a.read)!,
      write: fn(a.write)!,
      listed,
      ...(modeAware && !listed
        ? {
            family: {
              readRaw: fn(names.readRaw)!,
              writeRaw: fn(names.writeRaw)!,
              ...(e ? { eRead: fn(e.read)!, eWrite: fn(e.write)! } : {}),
            },
          }
        : {}),
    };
  };
  const listedGprs = new Set(listed.filter((l) => l.kind === "gpr").map((l) => l.register));
  // Under the mode_aware family a listed GPR keeps the plain pair, so it is never the macro's.
  const inMacro = accessors.filter(
    (a) => a.register.alwaysAvailable && !(modeAware && listedGprs.has(a.register.name)),
  );
  const own = accessors.filter((a) => !inMacro.includes(a));
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
          markDirty: l.markDirty,
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
    gprFamily: api.gprFamily,
    ...(modeAware
      ? {
          innerMacro: {
            name: GPR_INNER_MACRO,
            ePair: api.ePair.filter((g) => inMacro.some((a) => a.register.name === g)),
          },
        }
      : {}),
    functions,
    ...(rax && rdx && !rax.register.guard && !rdx.register.guard
      ? { edxEax: linkageOf("kvm_read_edx_eax") }
      : {}),
    edxEaxByEPair: modeAware && api.ePair.includes("rax") && api.ePair.includes("rdx"),
    docs,
  };
}

/** `enumModel`: the spec's enum spelling, its aliases' enumerators already spelt. */
export function buildCBlock(
  kernel: KernelBlockModel,
  accessors: readonly AccessorModel[],
  enumModel: CEnumModel,
  ePair: readonly string[],
): CBlockModel {
  const functions = kernel.functions.filter((f) => f.kind === "extended" || f.listed);
  const own = new Set(functions.map((f) => f.register.name));
  return {
    macroAccessors: accessors.filter((a) => !own.has(a.register.name)),
    functions,
    macroLinkage: kernel.gprMacro.linkage,
    enum: enumModel,
    ePair,
  };
}
