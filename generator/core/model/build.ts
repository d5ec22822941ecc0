/*
 * Checked spec → model: the one place where decisions are made. Which
 * registers are always available, which path each accessor takes, what every
 * backend's lazy and available sets hold. Emitters only print this. Pure; the
 * model's shape is in types.ts, the kernel-facing part built by kernel-block.ts.
 */
import { MASK_BITS, type MaskKind } from "../spec/masks";
import {
  backendSetNames,
  cAccessorNames,
  identifiersOf,
  GENERATOR_IDENTIFIERS,
  tsAccessorNames,
  type IdentifierTarget,
  type NamedThing,
} from "../spec/identifiers";
import { DEFAULT_ENUM, type CheckedSpec } from "../spec/validate";
import { ePairNames } from "../spec/kernel-sections";
import { buildApi, buildCBlock, buildKernelBlock, buildOutput } from "./kernel-block";
import type {
  AccessorModel,
  BackendModel,
  CacheApiModel,
  CBlockModel,
  KernelBlockModel,
  Model,
  ModelOptions,
  OutputModel,
  RegisterModel,
} from "./types";

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
      enumName: (reg.kind === "gpr" ? spec.enum.gprPrefix : spec.enum.extendedPrefix) + upper,
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

  const byName = new Map(registers.map((r) => [r.name, r]));
  const aliases = spec.aliases.map((a) => ({
    name: a.name,
    upper: a.name.toUpperCase(),
    enumName: spec.enum.extendedPrefix + a.name.toUpperCase(),
    register: byName.get(a.register)!,
  }));
  const e = spec.enum;
  const enumSpelling = {
    gprPrefix: e.gprPrefix,
    extendedPrefix: e.extendedPrefix,
    gprCount: e.gprCount,
    ...(e.total !== undefined ? { total: e.total } : {}),
    isDefault:
      e.gprPrefix === DEFAULT_ENUM.gprPrefix &&
      e.extendedPrefix === DEFAULT_ENUM.extendedPrefix &&
      e.gprCount === DEFAULT_ENUM.gprCount &&
      e.total === undefined,
  };

  const wordBits = spec.mask === "u32" ? MASK_BITS.u32 : 64;
  const kernel = buildKernelBlock(spec.api, accessors, registers, spec.accessors, spec.docs);
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
    aliases,
    enumSpelling,
    accessors,
    backends,
    options,
    identifiers: identifiersByTarget(spec, buildOutput(spec.output)),
    output: buildOutput(spec.output),
    api: buildApi(spec.api, spec.enum.gprCount),
    kernel,
    c: buildCBlock(
      kernel,
      accessors,
      {
        gprCount: spec.enum.gprCount,
        ...(spec.enum.total !== undefined ? { total: spec.enum.total } : {}),
        aliases: spec.aliases.map((a) => ({
          name: spec.enum.extendedPrefix + a.name.toUpperCase(),
          register: registers.find((r) => r.name === a.register)!.enumName,
        })),
      },
      spec.api.ePair,
    ),
  };
}

function identifiersByTarget(
  spec: CheckedSpec,
  output: OutputModel,
): Record<IdentifierTarget, readonly string[]> {
  const things: NamedThing[] = [
    ...spec.registers.map((r) => ({ what: "register" as const, name: r.name, kind: r.kind })),
    // An alias is named as the extended registers are (validate.ts checks it so).
    ...spec.aliases.map((a) => ({
      what: "register" as const,
      name: a.name,
      kind: "extended" as const,
    })),
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
  // The kernel target's include guard is one more C identifier, and so are the
  // assertion macro and the 32-bit pairs the spec names.
  const guard = output.targets.includes("kernel") ? [output.kernelGuard] : [];
  if (spec.api.assert) things.push({ what: "accessor", name: spec.api.assert.macro });
  for (const g of spec.api.ePair) {
    const e = ePairNames(g);
    things.push({ what: "accessor", name: e.read }, { what: "accessor", name: e.write });
  }
  // The enum's counts, where the spec names its own (NR_VCPU_REGS is the generator's).
  for (const count of [spec.enum.gprCount, spec.enum.total])
    if (count !== undefined && !GENERATOR_IDENTIFIERS.c.has(count))
      things.push({ what: "enum count", name: count });
  return {
    c: [...identifiersOf(things, "c", spec.enum), ...guard],
    ts: identifiersOf(things, "ts", spec.enum),
  };
}
