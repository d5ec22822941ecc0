/*
 * Every identifier a target emits, derived in one place, and the one check
 * that they do not collide.
 *
 * The rules a spec's names must follow because they become C and TypeScript
 * identifiers: the identifier grammar, C keywords, names C reserves, names the
 * toolchain or the generated macros already use, and the identifiers each name
 * generates, which must not collide with one another or with the helpers the
 * generator emits itself: a backend 'vcpu' would #define
 * VCPU_REGS_LAZY_LOAD_SET over a register 'lazy_load_set''s enum constant; a
 * register 'Register' would define the TypeScript target's registerRead twice.
 *
 * Pipeline order (settled): parse → validate → model → emit.
 *  - namesOf(thing) is the only derivation of what a register or backend is
 *    called in each target (C and TypeScript, every option: macro/expanded,
 *    all-cached); GENERATOR_IDENTIFIERS lists what each target defines
 *    whatever the spec says.
 *  - validate.ts runs collisions() over every name that passed the other
 *    checks and reports RC120 at the register's or backend's spec position.
 *  - core/model/build.ts takes its names from namesOf too (accessor names, backend set
 *    names) and lists every identifier of each target in model.identifiers.
 *  - tests/unit/core/spec/identifiers.test.ts checks that every identifier the emitted
 *    files define is in model.identifiers, so a new helper or accessor that is
 *    not added here fails the suite instead of slipping past the check.
 * To emit a new identifier (kernel helpers, say): add it to namesOf (one per
 * register or backend) or to GENERATOR_IDENTIFIERS (fixed), then use the
 * model's name for it in the emitter.
 *
 * camelName lives here, a leaf module, so the checks and the TypeScript
 * emitter agree on what a name becomes.
 */

/** exit_info_1 → exitInfo1, RAX stays rax: identifiers in TypeScript's camel case. */
export function camelName(name: string): string {
  return name.toLowerCase().replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The TypeScript name of a C helper a spec's accessors name: kvm_read_cr0_bits → readCr0Bits. */
export const tsFunctionName = (cName: string): string => camelName(cName.replace(/^kvm_/, ""));

/** A field below vcpu->arch as TypeScript reaches it: walk_mmu->pdptrs (or walk_mmu.pdptrs) → walkMmu.pdptrs. */
export const tsFieldPath = (field: string): string => field.split(/->|\./).map(camelName).join(".");

export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const C_KEYWORDS: ReadonlySet<string> = new Set(
  (
    "auto break case char const continue default do double else enum extern float for goto if " +
    "inline int long register restrict return short signed sizeof static struct switch typedef " +
    "union unsigned void volatile while _Alignas _Alignof _Atomic _Bool _Complex _Generic " +
    "_Imaginary _Noreturn _Static_assert _Thread_local asm typeof bool true false"
  ).split(" "),
);

/** Why C reserves the name, or undefined. */
export function reservedBecause(name: string): string | undefined {
  if (name.startsWith("__")) return "starts with '__'";
  if (/^_[A-Z]/.test(name)) return "starts with '_' and an uppercase letter";
  return undefined;
}

/** Why a name cannot be used although it is a valid, unreserved identifier, or undefined. */
export function unusableBecause(name: string, what: "register" | "backend"): string | undefined {
  // GCC predefines these in its GNU modes: an X-macro argument would expand to 1.
  if (name === "linux" || name === "unix" || name === "i386")
    return "GCC predefines it as a macro in GNU C";
  if (what === "backend" && (name === "X" || name === "x"))
    return "'X' is the parameter of the generated KVM_BACKENDS(X) macro";
  return undefined;
}

/** The targets whose identifiers share a namespace: each target's files are one program. */
export type IdentifierTarget = "c" | "ts";

/** Identifiers each target defines whatever the spec says (every option). */
export const GENERATOR_IDENTIFIERS: Readonly<Record<IdentifierTarget, ReadonlySet<string>>> = {
  c: new Set(
    (
      "NR_VCPU_REGS NR_KVM_REG_BITS __VCPU_EXREG_BASE KVM_REG_MASK_BITS KVM_REG_WORD_BIT KVM_REG_SET_TEST " +
      "KVM_REG_BIT KVM_BACKENDS BUILD_KVM_GPR_ACCESSORS BUILD_KVM_CACHED_GPR_ACCESSORS " +
      "kvm_register_read kvm_register_write kvm_register_is_available kvm_register_is_dirty " +
      "kvm_register_mark_available kvm_register_mark_dirty kvm_register_mark_for_reload " +
      "kvm_register_read_raw kvm_register_write_raw kvm_register_test_and_mark_available " +
      "kvm_read_edx_eax kvm_reg kvm_reg_mask_t kvm_reg_mask_word_t " +
      // the kernel target's Linux 7.2 helpers (api.gpr_family, api.bulk_helpers)
      "__BUILD_KVM_GPR_ACCESSORS __BUILD_KVM_CACHED_GPR_ACCESSORS kvm_clear_available_registers " +
      "kvm_reset_dirty_registers " +
      "REGCACHE_KVM_REGS_H REGCACHE_KVM_CACHE_REGS_H " +
      // the kernel target's checks of the tree's backend sets (targets/kernel/set-checks.ts)
      "KVM_CHECK_REG " +
      // what the c target's headers ask of runtime/include/kvm_host.h (targets/c/view.ts)
      "KVM_REGS_BITMAP KVM_REGS_MODE_AWARE KVM_REGS_ASSERT_HOOK KVM_REGS_RIP_FIELD KVM_REGS_PDPTRS_FIELD"
    ).split(" "),
  ),
  ts: new Set(
    (
      "BACKENDS Backend KvmX86Ops NR_KVM_REG_BITS NR_VCPU_REGS REGS_AVAIL_SET REGS_LAZY_LOAD_SET " +
      "REG_MASK_WORDS Reg RegMask Vcpu VcpuArch createVcpu isAvailable isDirty markAvailable " +
      "markDirty markForReload maskClear maskSet maskTest readEdxEax regMask registerRead registerWrite " +
      // with the spec's api and accessors (generator/targets/ts/extended.ts)
      "registerReadRaw registerWriteRaw testAndMarkAvailable staticCall staticCallUpdate " +
      "WARN_ON_ONCE warnOnce KVM_POSSIBLE_CR0_GUEST_BITS KVM_POSSIBLE_CR4_GUEST_BITS " +
      // Linux 7.2's (api.bulk_helpers, the hooks of gpr_family: mode_aware and api.assert)
      "clearAvailableRegisters resetDirtyRegisters VcpuHooks"
    ).split(" "),
  ),
};

/** The C identifiers the generated headers define whatever the spec says. */
export const FIXED_IDENTIFIERS: ReadonlySet<string> = GENERATOR_IDENTIFIERS.c;

export interface NamedThing {
  /**
   * An accessor is one C function an `accessors` entry names (kvm_read_cr3): it
   * generates itself. An enum count is a C enumerator the spec names (enum.gpr_count,
   * enum.total): it generates itself in C only.
   */
  readonly what: "register" | "backend" | "accessor" | "enum count";
  readonly name: string;
  readonly kind?: "gpr" | "extended";
}

/** kvm_rax_read / kvm_rax_write: a GPR's C accessors. */
export const cAccessorNames = (name: string) => ({
  read: `kvm_${name}_read`,
  write: `kvm_${name}_write`,
});

/** raxRead / raxWrite: a GPR's TypeScript accessors ('a_b' and 'a__b' both give aBRead). */
export const tsAccessorNames = (name: string) => ({
  read: `${camelName(name)}Read`,
  write: `${camelName(name)}Write`,
});

/** VMX_REGS_LAZY_LOAD_SET / VMX_REGS_AVAIL_SET: a backend's sets, in C and TypeScript alike. */
export const backendSetNames = (name: string) => ({
  lazy: `${name.toUpperCase()}_REGS_LAZY_LOAD_SET`,
  available: `${name.toUpperCase()}_REGS_AVAIL_SET`,
});

/** How enum kvm_reg spells its enumerators: the spec's enum section (core/spec/enum.ts). */
export interface EnumPrefixes {
  readonly gprPrefix: string;
  readonly extendedPrefix: string;
}

/** Linux 6.x's spelling: VCPU_REGS_RAX, VCPU_EXREG_CR3. */
const DEFAULT_PREFIXES: EnumPrefixes = { gprPrefix: "VCPU_REGS_", extendedPrefix: "VCPU_EXREG_" };

/**
 * The identifiers a register or backend generates in each target, whatever
 * the options and whether or not its guard is set, with the spec's enum
 * spelling. Enum members inside the TypeScript `enum Reg` are scoped to it
 * (and unique ignoring case, RC105).
 */
export function namesOf(
  t: NamedThing,
  prefixes: EnumPrefixes = DEFAULT_PREFIXES,
): Record<IdentifierTarget, string[]> {
  const upper = t.name.toUpperCase();
  if (t.what === "accessor") return { c: [t.name], ts: [tsFunctionName(t.name)] };
  if (t.what === "enum count") return { c: [t.name], ts: [] };
  if (t.what === "backend") {
    const sets = backendSetNames(t.name);
    return {
      c: [sets.lazy, sets.available, `KVM_CHECK_${sets.lazy}`, `KVM_CHECK_${sets.available}`],
      ts: [sets.lazy, sets.available],
    };
  }
  if (t.kind === "extended")
    return {
      c: [`${prefixes.extendedPrefix}${upper}`, `KVM_REG_BIT_${upper}`, `KVM_CHECK_REG_${upper}`],
      ts: [],
    };
  const c = cAccessorNames(t.name);
  const ts = tsAccessorNames(t.name);
  return {
    // _read_raw/_write_raw: the mode_aware family's raw pair.
    c: [
      `${prefixes.gprPrefix}${upper}`,
      `KVM_REG_BIT_${upper}`,
      `KVM_CHECK_REG_${upper}`,
      c.read,
      c.write,
      `${c.read}_raw`,
      `${c.write}_raw`,
    ],
    ts: [ts.read, ts.write, `${ts.read}Raw`, `${ts.write}Raw`],
  };
}

/** Every identifier of one target for these registers and backends, generator's own first. */
export function identifiersOf(
  things: readonly NamedThing[],
  target: IdentifierTarget,
  prefixes: EnumPrefixes = DEFAULT_PREFIXES,
): string[] {
  return [...GENERATOR_IDENTIFIERS[target], ...things.flatMap((t) => namesOf(t, prefixes)[target])];
}

export interface Collision<T extends NamedThing> {
  readonly thing: T;
  readonly identifier: string;
  /** The earlier owner, or undefined when the generator itself defines it. */
  readonly owner?: T;
}

/**
 * Names whose generated identifiers collide, in any target, with the
 * generator's own or with an earlier name's. One collision per name (its
 * first), in spec order; a colliding name does not claim its identifiers.
 */
export function collisions<T extends NamedThing>(
  things: readonly T[],
  prefixes: EnumPrefixes = DEFAULT_PREFIXES,
): Collision<T>[] {
  const owners: Record<IdentifierTarget, Map<string, T>> = { c: new Map(), ts: new Map() };
  const targets = Object.keys(owners) as IdentifierTarget[];
  const out: Collision<T>[] = [];
  for (const thing of things) {
    const names = namesOf(thing, prefixes);
    const hit = targets
      .flatMap((target) =>
        names[target].map((identifier) => ({
          identifier,
          owner: owners[target].get(identifier),
          fixed: GENERATOR_IDENTIFIERS[target].has(identifier),
        })),
      )
      .find((c) => c.owner !== undefined || c.fixed);
    if (hit) {
      out.push({ thing, identifier: hit.identifier, ...(hit.owner ? { owner: hit.owner } : {}) });
      continue;
    }
    for (const target of targets) for (const id of names[target]) owners[target].set(id, thing);
  }
  return out;
}
