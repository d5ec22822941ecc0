/*
 * The accessors a register-cache header defines, read from its functions: a
 * GPR's own kvm_<gpr>_read/_write on the cached pair, or an extended
 * register's reader, reader of bits (gated on the guest-owned bits),
 * single-bit test, full read over the reader of bits, and writer, with the
 * field of vcpu->arch its value lives in. Each shape is recognised strictly;
 * a function that fits none (a mode helper, a paging test that calls a
 * single-bit test) is no accessor.
 *
 * Pure: functions and the enum's names in, spec-shaped entries out.
 */
import type { ImportedEnum, ImportedRegister } from "../toolchain/kernel-tree/assemble";
import type { FunctionDefinition } from "./c-text";

/** An accessor entry as a spec writes it: a GPR's name, or an extended register's mapping. */
export type AccessorEntry = string | ExtendedEntry;

export interface ExtendedEntry {
  readonly register: string;
  readonly field: string;
  readonly type?: string;
  readonly indexed?: true;
  readonly might_sleep?: true;
  readonly guest_owned?: { readonly possible: string; readonly owned: string };
  readonly read_bits?: string;
  readonly is_bit_set?: string;
  readonly read?: string;
  readonly write?: string;
  readonly mark_dirty?: true;
  /** The comment right above the accessor's first function in the header. */
  readonly doc?: string;
}

/** Where the accessors' registers and enumerators come from. */
export interface AccessorNames {
  readonly enum: ImportedEnum;
  readonly gpr: readonly ImportedRegister[];
  readonly extended: readonly ImportedRegister[];
}

/** The helpers whose names the spec fixes: never an accessor. */
const HELPERS = [
  "kvm_register_is_available",
  "kvm_register_is_dirty",
  "kvm_register_mark_for_reload",
  "kvm_register_mark_available",
  "kvm_register_mark_dirty",
  "kvm_register_test_and_mark_available",
  "kvm_clear_available_registers",
  "kvm_reset_dirty_registers",
  "kvm_register_read_raw",
  "kvm_register_read",
  "kvm_register_write_raw",
  "kvm_register_write",
  "kvm_read_edx_eax",
];
const CACHED_PAIR = /\bkvm_register_(?:read|write)(?:_raw)?\s*\(/;

export interface Accessors {
  readonly entries: AccessorEntry[];
  /** Every function that is part of one, for linkage and the region's end. */
  readonly functions: FunctionDefinition[];
}

/** `vcpu->arch.FIELD` or `vcpu->arch.FIELD[INDEX]`, FIELD possibly through a pointer (walk_mmu->pdptrs). */
const FIELD = String.raw`vcpu->arch\.([A-Za-z_]\w*(?:->[A-Za-z_]\w*)*)\s*(\[\s*\w+\s*\])?`;

/**
 * The accessors: functions outside the helpers that reach one register, in
 * header order. A GPR's kvm_<gpr>_read/_write on the cached pair; an extended
 * register's reader (it tests its availability bit and returns a field of
 * vcpu->arch), reader of bits (it also takes a mask, gated on the guest-owned
 * bits), single-bit test and full read over the reader of bits, and writer
 * (it stores a parameter into the reader's field, marking the register dirty
 * or not).
 */
export function readAccessors(
  input: AccessorNames,
  functions: readonly FunctionDefinition[],
  commentOf: (f: FunctionDefinition) => string | undefined = () => undefined,
): Accessors {
  const gprs = new Map(input.gpr.map((r) => [input.enum.gprPrefix + r.name.toUpperCase(), r.name]));
  const extended = new Map(
    input.extended.map((r) => [input.enum.extendedPrefix + r.name.toUpperCase(), r.name]),
  );
  const candidates = functions.filter((f) => !HELPERS.includes(f.name));
  const named = (f: FunctionDefinition, table: Map<string, string>) => {
    const found = new Set<string>();
    for (const m of f.body.matchAll(/\b[A-Z][A-Z0-9_]*\b/g)) {
      const reg = table.get(m[0]);
      if (reg !== undefined) found.add(reg);
    }
    return found.size === 1 ? [...found][0] : undefined;
  };
  interface Found {
    register: string;
    first: FunctionDefinition;
    gpr: boolean;
    entry: {
      -readonly [K in keyof ExtendedEntry]?: ExtendedEntry[K];
    };
  }
  const byRegister = new Map<string, Found>();
  const used: FunctionDefinition[] = [];
  const entryOf = (register: string, f: FunctionDefinition, gpr = false): Found => {
    let found = byRegister.get(register);
    if (!found) {
      found = { register, first: f, gpr, entry: { register } };
      byRegister.set(register, found);
    }
    if (f.offset < found.first.offset) found.first = f;
    used.push(f);
    return found;
  };
  const typeOf = (t: string) => (t === "unsigned long" ? undefined : t);
  const lastParam = (f: FunctionDefinition) => f.params[f.params.length - 1]?.name ?? "";

  // Functions that name their register's enumerator.
  const later: FunctionDefinition[] = [];
  for (const f of candidates) {
    const gpr = named(f, gprs);
    const gprAccessor = gpr !== undefined ? /^kvm_(\w+)_(?:read|write)$/.exec(f.name) : null;
    if (gpr !== undefined && gprAccessor?.[1] === gpr && CACHED_PAIR.test(f.body)) {
      entryOf(gpr, f, true);
      continue;
    }
    const reg = named(f, extended);
    if (reg === undefined) {
      later.push(f);
      continue;
    }
    const returned = new RegExp(`\\breturn\\s+${FIELD}\\s*(?:&\\s*(\\w+)\\s*)?;`).exec(f.body);
    const maskParam = f.params.length === 2 ? f.params[1].name : undefined;
    const tested = /\bkvm_register_is_available\s*\(/.test(f.body);
    if (f.returns !== "void" && tested && returned && returned[3] && returned[3] === maskParam) {
      const possible = new RegExp(`\\b${maskParam}\\s*&\\s*([A-Z_][A-Z0-9_]*)\\b`).exec(f.body);
      const owned = [...f.body.matchAll(new RegExp(FIELD, "g"))]
        .map((m) => m[1])
        .find((x) => x !== returned[1]);
      if (!possible || !owned) continue;
      const e = entryOf(reg, f).entry;
      e.field = returned[1];
      e.type = typeOf(f.returns);
      e.guest_owned = { possible: possible[1], owned };
      e.read_bits = f.name;
    } else if (f.returns !== "void" && tested && returned && !returned[3]) {
      const e = entryOf(reg, f).entry;
      e.field = returned[1];
      e.type = typeOf(f.returns);
      if (returned[2]) e.indexed = true;
      if (/\bmight_sleep\s*\(\s*\)/.test(f.body)) e.might_sleep = true;
      e.read = f.name;
    } else if (f.returns === "void") later.push(f);
  }
  // Functions that reach a register through another accessor or its field.
  for (const f of later) {
    const via = (re: RegExp) => {
      const callee = re.exec(f.body)?.[1];
      return callee === undefined
        ? undefined
        : [...byRegister.values()].find((x) => x.entry.read_bits === callee);
    };
    const bits =
      f.returns === "bool" ? via(/^\{[^]*\breturn\s+!!\s*(\w+)\s*\(\s*vcpu\s*,/) : undefined;
    if (bits) {
      entryOf(bits.register, f).entry.is_bit_set = f.name;
      continue;
    }
    const all = via(/^\{\s*return\s+(\w+)\s*\(\s*vcpu\s*,\s*~0UL\s*\)\s*;\s*\}$/);
    if (all && f.returns !== "void") {
      entryOf(all.register, f).entry.read = f.name;
      continue;
    }
    if (f.returns !== "void") continue;
    const stored = new RegExp(`${FIELD}\\s*=\\s*${lastParam(f)}\\s*;`).exec(f.body);
    const owner = stored
      ? [...byRegister.values()].find((x) => !x.gpr && x.entry.field === stored[1])
      : undefined;
    const reg = named(f, extended);
    if (!stored || !owner || (reg !== undefined && reg !== owner.register)) continue;
    const e = entryOf(owner.register, f).entry;
    e.write = f.name;
    if (/\bkvm_register_mark_dirty\s*\(/.test(f.body)) e.mark_dirty = true;
  }
  const entries = [...byRegister.values()]
    .filter((x) => x.gpr || x.entry.field !== undefined)
    .sort((a, b) => a.first.offset - b.first.offset)
    .map((x): AccessorEntry => {
      if (x.gpr) return x.register;
      const doc = commentOf(x.first);
      return ordered({ ...(x.entry as ExtendedEntry), ...(doc !== undefined ? { doc } : {}) });
    });
  return { entries, functions: used.sort((a, b) => a.offset - b.offset) };
}

/** An extended entry's keys in the order a spec writes them, undefined ones left out. */
function ordered(e: ExtendedEntry): ExtendedEntry {
  const keys: (keyof ExtendedEntry)[] = [
    "register",
    "field",
    "type",
    "indexed",
    "might_sleep",
    "guest_owned",
    "read_bits",
    "is_bit_set",
    "read",
    "write",
    "mark_dirty",
    "doc",
  ];
  return Object.fromEntries(
    keys.filter((k) => e[k] !== undefined).map((k) => [k, e[k]]),
  ) as unknown as ExtendedEntry;
}
