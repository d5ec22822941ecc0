/*
 * Checked spec → model: the one place where decisions are made. Which
 * registers are always available, which path each accessor takes, what every
 * backend's lazy and available sets hold. Emitters only print this.
 */
import { MASK_BITS, type MaskKind } from "../spec/masks";
import {
  backendSetNames,
  cAccessorNames,
  identifiersOf,
  tsAccessorNames,
  type IdentifierTarget,
} from "../spec/identifiers";
import type { CheckedSpec } from "../spec/validate";
import {
  buildApi,
  buildCBlock,
  buildKernelBlock,
  buildOutput,
  type CacheApiModel,
  type CBlockModel,
  type KernelBlockModel,
  type OutputModel,
} from "./kernel-block";

export type CStyle = "macro" | "expanded";

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

export function buildModel(spec: CheckedSpec, options: ModelOptions): Model {
  const lazyIn = new Map<string, string[]>(spec.registers.map((r) => [r.name, []]));
  for (const backend of spec.backends) {
    const listed = new Set(backend.listed);
    for (const reg of spec.registers) {
      const lazy = backend.declared === "lazy" ? listed.has(reg.name) : !listed.has(reg.name);
      if (lazy) lazyIn.get(reg.name)!.push(backend.name);
    }
  }

  const registers: RegisterModel[] = spec.registers.map((reg, index) => {
    const upper = reg.name.toUpperCase();
    const backends = lazyIn.get(reg.name)!;
    return {
      name: reg.name,
      upper,
      kind: reg.kind,
      enumName: (reg.kind === "gpr" ? "VCPU_REGS_" : "VCPU_EXREG_") + upper,
      index,
      ...(reg.guard !== undefined ? { guard: reg.guard } : {}),
      ...(reg.doc !== undefined ? { doc: reg.doc } : {}),
      lazyIn: backends,
      alwaysAvailable: backends.length === 0,
    };
  });
  const gprs = registers.filter((r) => r.kind === "gpr");

  const backends: BackendModel[] = spec.backends.map((b) => {
    const upper = b.name.toUpperCase();
    return {
      name: b.name,
      upper,
      ...(b.doc !== undefined ? { doc: b.doc } : {}),
      declared: b.declared,
      lazy: registers.filter((r) => r.lazyIn.includes(b.name)),
      available: registers.filter((r) => !r.lazyIn.includes(b.name)),
      lazySetName: backendSetNames(b.name).lazy,
      availSetName: backendSetNames(b.name).available,
    };
  });

  const accessors: AccessorModel[] = gprs.map((register) => ({
    register,
    read: cAccessorNames(register.name).read,
    write: cAccessorNames(register.name).write,
    tsRead: tsAccessorNames(register.name).read,
    tsWrite: tsAccessorNames(register.name).write,
    path: !options.allCached && register.alwaysAvailable ? "direct" : "cached",
  }));

  const wordBits = spec.mask === "u32" ? MASK_BITS.u32 : 64;
  const kernel = buildKernelBlock(spec.api, accessors, registers, spec.accessors);
  return {
    name: spec.name,
    ...(spec.doc !== undefined ? { doc: spec.doc } : {}),
    mask: {
      kind: spec.mask,
      wordBits,
      words: spec.mask === "bitmap" ? Math.max(1, Math.ceil(registers.length / wordBits)) : 1,
    },
    gprs,
    extended: registers.filter((r) => r.kind === "extended"),
    registers,
    accessors,
    backends,
    options,
    identifiers: identifiersByTarget(spec, buildOutput(spec.output)),
    output: buildOutput(spec.output),
    api: buildApi(spec.api),
    kernel,
    c: buildCBlock(kernel, accessors),
  };
}

function identifiersByTarget(
  spec: CheckedSpec,
  output: OutputModel,
): Record<IdentifierTarget, readonly string[]> {
  const things = [
    ...spec.registers.map((r) => ({ what: "register" as const, name: r.name, kind: r.kind })),
    ...spec.backends.map((b) => ({ what: "backend" as const, name: b.name })),
    // The functions a spec's accessors entries name (kvm_read_cr3 …), C only.
    ...spec.accessors.flatMap((a) =>
      a.kind === "extended"
        ? [a.read, a.write, a.readBits, a.isBitSet]
            .filter((n): n is string => n !== undefined)
            .map((name) => ({ what: "accessor" as const, name }))
        : [],
    ),
  ];
  // The kernel target's include guard is one more C identifier.
  const guard = output.targets.includes("kernel") ? [output.kernelGuard] : [];
  return { c: [...identifiersOf(things, "c"), ...guard], ts: identifiersOf(things, "ts") };
}
