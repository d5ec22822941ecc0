/*
 * The spec's kernel-facing sections, checked: `output` (which targets are
 * written, under which names), `api` (how the cache helpers are spelt: how
 * cache_reg is reached, which bit operations, static inline or
 * __always_inline) and `accessors` (the readers and writers besides the GPR
 * macro, with where each extended register's value lives). The schema checks
 * their shape; this module checks what they mean against the registers, and
 * names the helpers the spec will define so always_inline can be checked.
 */
import {
  diagnose,
  lineColOf,
  type Diagnostic,
  type SourceFile,
  type Span,
} from "../diagnostics/diagnostic";
import type { DocPath } from "./parse";
import { didYouMean } from "../../util/suggest";
import { KERNEL_CONSTANTS } from "../kernel";

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

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export interface ApiContext {
  readonly file: SourceFile;
  readonly root: Obj;
  readonly span: (p: DocPath, which?: "key" | "value") => Span | undefined;
  readonly report: (d: Diagnostic) => void;
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
  /** Every function name the accessors define, with where it was written, for the collision check. */
  readonly accessorNames: readonly { register: string; name: string; at: Span | undefined }[];
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const bool = (v: unknown): boolean | undefined => (typeof v === "boolean" ? v : undefined);

/** Checks output, api and accessors; whatever the schema rejected falls back to its default. */
export function checkApi(ctx: ApiContext): CheckedApi {
  const output = checkOutput(ctx);
  const accessors: SpecAccessor[] = [];
  const accessorNames: { register: string; name: string; at: Span | undefined }[] = [];
  const seen = new Map<string, Span | undefined>();
  const list = Array.isArray(ctx.root["accessors"]) ? (ctx.root["accessors"] as unknown[]) : [];
  list.forEach((entry, i) => {
    const checked = checkAccessor(ctx, entry, ["accessors", i], seen);
    if (!checked) return;
    accessors.push(checked.accessor);
    accessorNames.push(...checked.names);
  });
  const api = checkApiSection(ctx, accessors);
  if (output.targets.includes("ts")) checkTsConstants(ctx, list);
  checkKernelOnly(ctx, output, list);
  return { output, api, accessors, accessorNames };
}

/**
 * The ts target prints the guest-owned gating with the possible bits' value,
 * which C takes from its headers: a constant regcache does not know cannot be
 * written in TypeScript.
 */
function checkTsConstants(ctx: ApiContext, list: readonly unknown[]): void {
  const known = Object.keys(KERNEL_CONSTANTS);
  list.forEach((entry, i) => {
    const owned = isObj(entry) && isObj(entry["guest_owned"]) ? entry["guest_owned"] : undefined;
    const possible = owned ? str(owned["possible"]) : undefined;
    if (possible === undefined || possible in KERNEL_CONSTANTS) return;
    if (constantValue(owned!["value"]) !== undefined) return;
    const p: DocPath = ["accessors", i, "guest_owned", "possible"];
    ctx.report(diagnose("RC148", ctx.file, ctx.span(p), possible, known.join(" or ")));
  });
}

function checkOutput(ctx: ApiContext): SpecOutput {
  const o = isObj(ctx.root["output"]) ? ctx.root["output"] : {};
  const targets = Array.isArray(o["targets"])
    ? (o["targets"] as unknown[]).filter((t): t is TargetName =>
        ["c", "ts", "kernel"].includes(t as string),
      )
    : [];
  const a = isObj(o["adopts"]) ? o["adopts"] : {};
  const header = str(a["header"]);
  const first = str(a["first"]);
  const last = str(a["last"]);
  const adopts =
    header !== undefined && first !== undefined && last !== undefined
      ? { header, first, last }
      : DEFAULT_ADOPTS;
  const kernelHeader = str(o["kernel_header"]);
  if (kernelHeader === adopts.header)
    ctx.report(
      diagnose(
        "RC147",
        ctx.file,
        ctx.span(["output", "kernel_header"]),
        kernelHeader,
        adopts.header,
        DEFAULT_OUTPUT.kernelHeader,
      ),
    );
  const spdx = str(o["spdx"]);
  return {
    targets: targets.length > 0 ? [...new Set(targets)] : DEFAULT_OUTPUT.targets,
    kernelHeader: kernelHeader ?? DEFAULT_OUTPUT.kernelHeader,
    ...(spdx !== undefined ? { spdx } : {}),
    adopts,
  };
}

function checkAccessor(
  ctx: ApiContext,
  entry: unknown,
  p: DocPath,
  seen: Map<string, Span | undefined>,
):
  | { accessor: SpecAccessor; names: { register: string; name: string; at: Span | undefined }[] }
  | undefined {
  const name = isObj(entry) ? str(entry["register"]) : str(entry);
  if (name === undefined || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return undefined; // the schema reported it
  const at = isObj(entry) ? ctx.span([...p, "register"]) : ctx.span(p);
  const aliased = ctx.aliases.get(name);
  if (aliased !== undefined) {
    ctx.report(diagnose("RC128", ctx.file, at, name, aliased));
    return undefined;
  }
  const kind = ctx.registers.get(name);
  if (!kind) {
    ctx.report(diagnose("RC141", ctx.file, at, name, didYouMean(name, [...ctx.registers.keys()])));
    return undefined;
  }
  const prior = seen.get(name);
  if (seen.has(name)) {
    const line = prior ? lineColOf(ctx.file.text, prior.start).line : 0;
    ctx.report(diagnose("RC142", ctx.file, at, name, line));
    return undefined;
  }
  seen.set(name, at);
  if (!isObj(entry)) {
    if (kind === "extended") {
      ctx.report(
        diagnose(
          "RC143",
          ctx.file,
          at,
          name,
          "an extended register, with no slot in regs[]",
          "give a mapping: { register, field, read, ... } saying where its value lives",
        ),
      );
      return undefined;
    }
    return { accessor: { kind: "gpr", register: name }, names: [] };
  }
  if (kind === "gpr") {
    ctx.report(
      diagnose(
        "RC143",
        ctx.file,
        at,
        name,
        "a GPR, whose value lives in regs[]",
        `write it as a plain name ('- ${name}'); its kvm_${name}_read/_write take the cached path when a backend loads it lazily`,
      ),
    );
    return undefined;
  }
  const field = str(entry["field"]);
  if (field === undefined) return undefined; // the schema reported it
  const fn = (key: string) => str(entry[key]);
  const read = fn("read");
  const write = fn("write");
  const readBits = fn("read_bits");
  const isBitSet = fn("is_bit_set");
  const owned = isObj(entry["guest_owned"]) ? entry["guest_owned"] : undefined;
  const value = owned ? constantValue(owned["value"]) : undefined;
  const guestOwned: GuestOwned | undefined =
    owned && str(owned["possible"]) && str(owned["owned"])
      ? {
          possible: owned["possible"] as string,
          owned: owned["owned"] as string,
          ...(value !== undefined ? { value } : {}),
        }
      : undefined;
  const indexed = bool(entry["indexed"]) ?? false;
  const markDirty = bool(entry["mark_dirty"]) ?? false;
  const problem = (why: string, hint: string, key: string) =>
    ctx.report(diagnose("RC144", ctx.file, ctx.span([...p, key], "key") ?? at, name, why, hint));
  let ok = true;
  if (read === undefined && write === undefined && readBits === undefined) {
    problem("define no function", "give at least one of read, write, read_bits", "register");
    ok = false;
  }
  if (readBits !== undefined && !guestOwned) {
    problem(
      "read bits without guest_owned",
      "read_bits gates cache_reg on the guest-owned bits: add guest_owned: { possible, owned }",
      "read_bits",
    );
    ok = false;
  }
  if (guestOwned && readBits === undefined) {
    problem(
      "give guest_owned but no read_bits",
      "add read_bits (e.g. kvm_read_cr0_bits); read then reads every bit through it",
      "guest_owned",
    );
    ok = false;
  }
  if (isBitSet !== undefined && readBits === undefined) {
    problem(
      "test one bit without read_bits",
      "add read_bits: is_bit_set reads through it",
      "is_bit_set",
    );
    ok = false;
  }
  if (indexed && (readBits !== undefined || guestOwned)) {
    problem(
      "gate an indexed field on guest-owned bits",
      "guest-owned bits apply to one control register, not to an array",
      "indexed",
    );
    ok = false;
  }
  if (markDirty && write === undefined) {
    problem("mark dirty without a writer", "add write: the writer is what marks it", "mark_dirty");
    ok = false;
  }
  if (markDirty && indexed) {
    problem(
      "mark an indexed field dirty",
      "one register's dirty bit stands for one value; leave out mark_dirty",
      "mark_dirty",
    );
    ok = false;
  }
  if (!ok) return undefined;
  const names = (
    [
      ["read", read],
      ["write", write],
      ["read_bits", readBits],
      ["is_bit_set", isBitSet],
    ] as const
  )
    .filter(([, v]) => v !== undefined)
    .map(([key, v]) => ({ register: name, name: v!, at: ctx.span([...p, key]) }));
  const type = str(entry["type"]) as ValueType | undefined;
  const doc = str(entry["doc"]);
  return {
    accessor: {
      kind: "extended",
      register: name,
      field,
      type: type ?? "unsigned long",
      indexed,
      mightSleep: bool(entry["might_sleep"]) ?? false,
      ...(read !== undefined ? { read } : {}),
      ...(write !== undefined ? { write } : {}),
      markDirty,
      ...(readBits !== undefined ? { readBits } : {}),
      ...(isBitSet !== undefined ? { isBitSet } : {}),
      ...(guestOwned ? { guestOwned } : {}),
      ...(doc !== undefined ? { doc } : {}),
    },
    names,
  };
}

/** The helpers a spec defines whatever its accessors say, given its api, in definition order. */
export function coreHelpers(
  api: Pick<
    SpecApi,
    "rawPair" | "testAndMarkAvailable" | "markForReload" | "bulkHelpers" | "gprFamily"
  >,
): string[] {
  const modeAware = api.gprFamily === "mode_aware";
  return [
    ...(modeAware ? [GPR_INNER_MACRO] : []),
    GPR_MACRO,
    "kvm_register_is_available",
    "kvm_register_is_dirty",
    ...(api.markForReload ? ["kvm_register_mark_for_reload"] : []),
    "kvm_register_mark_available",
    "kvm_register_mark_dirty",
    ...(api.testAndMarkAvailable ? ["kvm_register_test_and_mark_available"] : []),
    ...(api.bulkHelpers ? ["kvm_clear_available_registers", "kvm_reset_dirty_registers"] : []),
    ...(api.rawPair ? ["kvm_register_read_raw"] : ["kvm_register_read"]),
    ...(modeAware ? ["kvm_register_read"] : []),
    ...(api.rawPair ? ["kvm_register_write_raw"] : ["kvm_register_write"]),
    ...(modeAware ? ["kvm_register_write"] : []),
    "kvm_read_edx_eax",
  ];
}

/** The functions a GPR's accessors define under the api's family. */
export function gprFunctionNames(
  api: Pick<SpecApi, "gprFamily" | "ePair">,
  gpr: string,
  listed: boolean,
): string[] {
  if (api.gprFamily === "plain" || listed) return [`kvm_${gpr}_read`, `kvm_${gpr}_write`];
  const family = modeAwareNames(gpr);
  const e = api.ePair.includes(gpr) ? ePairNames(gpr) : undefined;
  return [family.read, family.readRaw, family.writeRaw, ...(e ? [e.read, e.write] : [])];
}

function checkApiSection(ctx: ApiContext, accessors: readonly SpecAccessor[]): SpecApi {
  const a = isObj(ctx.root["api"]) ? ctx.root["api"] : {};
  const pick = <T extends string>(key: string, allowed: readonly T[], dflt: T): T =>
    allowed.includes(a[key] as T) ? (a[key] as T) : dflt;
  const assertion = isObj(a["assert"]) ? a["assert"] : undefined;
  const macro = assertion ? str(assertion["macro"]) : undefined;
  const condition = assertion ? str(assertion["condition"]) : undefined;
  const modeMask = str(a["mode_mask"]);
  const api: SpecApi = {
    cacheReg: pick(
      "cache_reg",
      ["ops_pointer", "static_call", "kvm_x86_call"],
      DEFAULT_API.cacheReg,
    ),
    bitops: pick("bitops", ["regcache", "kernel"], DEFAULT_API.bitops),
    rawPair: bool(a["raw_pair"]) ?? DEFAULT_API.rawPair,
    testAndMarkAvailable: bool(a["test_and_mark_available"]) ?? DEFAULT_API.testAndMarkAvailable,
    inline: pick("inline", ["always_inline", "inline"], DEFAULT_API.inline),
    alwaysInline: [],
    ...(macro !== undefined && condition !== undefined && condition.trim() !== ""
      ? { assert: { macro, condition } }
      : {}),
    markForReload: bool(a["mark_for_reload"]) ?? DEFAULT_API.markForReload,
    bulkHelpers: bool(a["bulk_helpers"]) ?? DEFAULT_API.bulkHelpers,
    gprFamily: pick("gpr_family", ["plain", "mode_aware"], DEFAULT_API.gprFamily),
    ...(modeMask !== undefined ? { modeMask } : {}),
    ePair: [],
  };
  const kernelOnly =
    !ctx.root["output"] || !isObj(ctx.root["output"])
      ? false
      : Array.isArray(ctx.root["output"]["targets"]) &&
        (ctx.root["output"]["targets"] as unknown[]).every((x) => x === "kernel");
  if (api.bitops === "kernel" && ctx.mask === "bitmap" && !kernelOnly) {
    ctx.report(
      diagnose(
        "RC146",
        ctx.file,
        ctx.span(["api", "bitops"]),
        "bitmap",
        "the runtime's kernel-style helpers cast one u32 or u64 mask to unsigned long *; use 'mask: u32' or 'bitops: regcache', or write only the kernel target (output.targets: [kernel])",
      ),
    );
  }
  const needs = (key: string, what: string, hint: string) =>
    ctx.report(
      diagnose(
        "RC149",
        ctx.file,
        ctx.span(["api", key], "key"),
        what,
        hint.split("|")[0],
        hint.split("|")[1],
      ),
    );
  const modeAware = api.gprFamily === "mode_aware";
  if (modeAware && api.modeMask === undefined)
    needs(
      "gpr_family",
      "gpr_family: mode_aware",
      "api.mode_mask|name the kernel's helper that gives the operand-width mask: mode_mask: kvm_reg_mode_mask",
    );
  if (modeAware && !api.rawPair)
    needs(
      "gpr_family",
      "gpr_family: mode_aware",
      "raw_pair: true|the masking kvm_register_read/_write wrap kvm_register_read_raw/_write_raw",
    );
  if (!modeAware && "mode_mask" in a)
    needs(
      "mode_mask",
      "mode_mask",
      "gpr_family: mode_aware|only the mode_aware family masks reads; add gpr_family: mode_aware or leave out mode_mask",
    );
  if (api.bulkHelpers && (ctx.mask !== "bitmap" || api.bitops !== "kernel"))
    needs(
      "bulk_helpers",
      "bulk_helpers",
      "mask: bitmap and bitops: kernel|the bulk helpers write the bitmaps' first word, vcpu->arch.regs_avail[0]",
    );
  if (api.bulkHelpers && ctx.mask === "bitmap" && ctx.registers.size > 64)
    ctx.report(diagnose("RC150", ctx.file, ctx.span(["api", "bulk_helpers"]), ctx.registers.size));
  const listedGprs = new Set(accessors.filter((x) => x.kind === "gpr").map((x) => x.register));
  const ePair: string[] = [];
  const ePairList = Array.isArray(a["e_pair"]) ? (a["e_pair"] as unknown[]) : [];
  if (ePairList.length > 0 && !modeAware)
    needs(
      "e_pair",
      "e_pair",
      "gpr_family: mode_aware|the 32-bit pair belongs to the mode_aware family; add gpr_family: mode_aware",
    );
  ePairList.forEach((item, i) => {
    if (typeof item !== "string") return;
    const at = ctx.span(["api", "e_pair", i]);
    const kind = ctx.registers.get(item);
    const gprs = [...ctx.registers].filter(([, k]) => k === "gpr").map(([n]) => n);
    const bad = (why: string, hint: string) =>
      ctx.report(diagnose("RC151", ctx.file, at, item, why, hint));
    if (kind === undefined)
      bad(
        `which is not a register${didYouMean(item, gprs)}`,
        "name GPRs declared under registers.gpr",
      );
    else if (kind === "extended")
      bad("an extended register, with no slot in regs[]", "name GPRs declared under registers.gpr");
    else if (!/^r[a-z]{2}$/.test(item))
      bad(
        "which has no 32-bit name",
        "the pair is named from the register without its leading r (rax gives kvm_eax_read): only rax-style names have one",
      );
    else if (listedGprs.has(item))
      bad(
        "which accessors names (it keeps the plain full-width pair)",
        `leave ${item} out of e_pair, or out of accessors`,
      );
    else ePair.push(item);
  });
  const checked: SpecApi = { ...api, ePair };
  const gprs = [...ctx.registers].filter(([, kind]) => kind === "gpr").map(([n]) => n);
  const defined = [
    ...coreHelpers(checked),
    ...gprs.flatMap((g) => gprFunctionNames(checked, g, listedGprs.has(g))),
    ...accessors.flatMap((acc) =>
      acc.kind === "gpr"
        ? []
        : [acc.read, acc.write, acc.readBits, acc.isBitSet].filter((n): n is string => !!n),
    ),
  ];
  const listed = Array.isArray(a["always_inline"]) ? (a["always_inline"] as unknown[]) : [];
  const alwaysInline: string[] = [];
  listed.forEach((item, i) => {
    if (typeof item !== "string") return;
    if (!defined.includes(item)) {
      ctx.report(
        diagnose(
          "RC145",
          ctx.file,
          ctx.span(["api", "always_inline", i]),
          item,
          didYouMean(item, defined),
        ),
      );
      return;
    }
    alwaysInline.push(item);
  });
  return { ...checked, alwaysInline };
}

/**
 * What only the kernel target writes (regcache's runtime, under the c and ts
 * targets, has the Linux 6.x shape): with another target, each is RC152.
 */
function checkKernelOnly(ctx: ApiContext, output: SpecOutput, list: readonly unknown[]): void {
  const other = output.targets.find((t) => t !== "kernel");
  if (other === undefined) return;
  const a = isObj(ctx.root["api"]) ? ctx.root["api"] : {};
  const regs = isObj(ctx.root["registers"]) ? ctx.root["registers"] : {};
  const uses: [string, DocPath][] = [];
  if ("enum" in ctx.root) uses.push(["enum", ["enum"]]);
  if ("aliases" in regs) uses.push(["registers.aliases", ["registers", "aliases"]]);
  for (const key of ["assert", "mark_for_reload", "bulk_helpers", "mode_mask", "e_pair"])
    if (key in a && a[key] !== false) uses.push([`api.${key}`, ["api", key]]);
  if (a["gpr_family"] === "mode_aware")
    uses.push(["gpr_family: mode_aware", ["api", "gpr_family"]]);
  if (isObj(ctx.root["output"]) && "adopts" in ctx.root["output"])
    uses.push(["output.adopts", ["output", "adopts"]]);
  list.forEach((entry, i) => {
    if (isObj(entry) && entry["mark_dirty"] === true)
      uses.push(["mark_dirty", ["accessors", i, "mark_dirty"]]);
  });
  for (const [what, p] of uses)
    ctx.report(diagnose("RC152", ctx.file, ctx.span(p, "key"), what, other));
}
