/*
 * The rules a spec's names must follow because they become C (and
 * TypeScript) identifiers: the identifier grammar, C keywords, names C
 * reserves, names the toolchain or the generated macros already use, and the
 * identifiers each name generates, which must not collide with one another:
 * a backend 'vcpu' would #define VCPU_REGS_LAZY_LOAD_SET over a register
 * 'lazy_load_set''s enum constant, and the accessors would silently index
 * regs[] with a mask. camelName lives here, a leaf module, so both
 * the checks and the TypeScript emitter agree on what a name becomes.)
 */

/** exit_info_1 → exitInfo1, RAX stays rax: identifiers in TypeScript's camel case. */
export function camelName(name: string): string {
  return name.toLowerCase().replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

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

/** Identifiers the generated headers define whatever the spec says. */
export const FIXED_IDENTIFIERS: ReadonlySet<string> = new Set(
  (
    "NR_VCPU_REGS NR_KVM_REG_BITS __VCPU_EXREG_BASE KVM_REG_MASK_BITS KVM_REG_WORD_BIT KVM_REG_SET_TEST " +
    "KVM_REG_BIT KVM_BACKENDS BUILD_KVM_GPR_ACCESSORS BUILD_KVM_CACHED_GPR_ACCESSORS " +
    "kvm_register_read kvm_register_write kvm_register_is_available kvm_register_is_dirty " +
    "kvm_register_mark_available kvm_register_mark_dirty kvm_register_mark_for_reload " +
    "kvm_read_edx_eax kvm_reg kvm_reg_mask_t kvm_reg_mask_word_t " +
    "REGCACHE_KVM_REGS_H REGCACHE_KVM_CACHE_REGS_H"
  ).split(" "),
);

export interface NamedThing {
  readonly what: "register" | "backend";
  readonly name: string;
  readonly kind?: "gpr" | "extended";
}

/** The C identifiers a register or backend generates (whether or not its guard is set). */
export function generatedIdentifiers(t: NamedThing): string[] {
  const upper = t.name.toUpperCase();
  if (t.what === "backend") return [`${upper}_REGS_LAZY_LOAD_SET`, `${upper}_REGS_AVAIL_SET`];
  if (t.kind === "extended") return [`VCPU_EXREG_${upper}`, `KVM_REG_BIT_${upper}`];
  return [
    `VCPU_REGS_${upper}`,
    `KVM_REG_BIT_${upper}`,
    `kvm_${t.name}_read`,
    `kvm_${t.name}_write`,
    // The TypeScript target's accessors: 'a_b' and 'a__b' both become aBRead.
    `${camelName(t.name)}Read`,
    `${camelName(t.name)}Write`,
  ];
}

export interface Collision<T extends NamedThing> {
  readonly thing: T;
  readonly identifier: string;
  /** The earlier owner, or undefined when the generator itself defines it. */
  readonly owner?: T;
}

/** Names whose generated identifiers collide with the generator's or an earlier name's. */
export function collisions<T extends NamedThing>(things: readonly T[]): Collision<T>[] {
  const owners = new Map<string, T>();
  const out: Collision<T>[] = [];
  for (const thing of things) {
    const ids = generatedIdentifiers(thing);
    const hit = ids
      .map((identifier) => ({ identifier, owner: owners.get(identifier) }))
      .find((c) => c.owner !== undefined || FIXED_IDENTIFIERS.has(c.identifier));
    if (hit) {
      out.push({ thing, identifier: hit.identifier, ...(hit.owner ? { owner: hit.owner } : {}) });
      continue;
    }
    for (const id of ids) owners.set(id, thing);
  }
  return out;
}
