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

export interface SpecOutput {
  readonly targets: readonly TargetName[];
  /** File name of the kernel target's header. */
  readonly kernelHeader: string;
  readonly spdx?: string;
}

export interface SpecApi {
  readonly cacheReg: CacheRegStyle;
  readonly bitops: BitOps;
  readonly rawPair: boolean;
  readonly testAndMarkAvailable: boolean;
  readonly inline: Linkage;
  /** Helpers (by C name) defined static __always_inline whatever `inline` says. */
  readonly alwaysInline: readonly string[];
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
  readonly readBits?: string;
  readonly isBitSet?: string;
  readonly guestOwned?: { readonly possible: string; readonly owned: string };
  readonly doc?: string;
}

export type SpecAccessor = SpecGprAccessor | SpecExtendedAccessor;

export const DEFAULT_OUTPUT: SpecOutput = {
  targets: ["c", "ts"],
  kernelHeader: "kvm_cache_regs_gen.h",
};
export const DEFAULT_API: SpecApi = {
  cacheReg: "ops_pointer",
  bitops: "regcache",
  rawPair: false,
  testAndMarkAvailable: false,
  inline: "always_inline",
  alwaysInline: [],
};

/** The macro that stands for the always-available GPRs' accessors in always_inline. */
export const GPR_MACRO = "BUILD_KVM_GPR_ACCESSORS";

/** The kernel header a generated block is included from: its name is not available. */
const KERNEL_OWN_HEADER = "kvm_cache_regs.h";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export interface ApiContext {
  readonly file: SourceFile;
  readonly root: Obj;
  readonly span: (p: DocPath, which?: "key" | "value") => Span | undefined;
  readonly report: (d: Diagnostic) => void;
  /** Registers declared, by name, with their kind. */
  readonly registers: ReadonlyMap<string, "gpr" | "extended">;
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
  const kernelHeader = str(o["kernel_header"]);
  if (kernelHeader === KERNEL_OWN_HEADER)
    ctx.report(diagnose("RC147", ctx.file, ctx.span(["output", "kernel_header"]), kernelHeader));
  const spdx = str(o["spdx"]);
  return {
    targets: targets.length > 0 ? [...new Set(targets)] : DEFAULT_OUTPUT.targets,
    kernelHeader: kernelHeader ?? DEFAULT_OUTPUT.kernelHeader,
    ...(spdx !== undefined ? { spdx } : {}),
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
  const guestOwned =
    owned && str(owned["possible"]) && str(owned["owned"])
      ? { possible: owned["possible"] as string, owned: owned["owned"] as string }
      : undefined;
  const indexed = bool(entry["indexed"]) ?? false;
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
      ...(readBits !== undefined ? { readBits } : {}),
      ...(isBitSet !== undefined ? { isBitSet } : {}),
      ...(guestOwned ? { guestOwned } : {}),
      ...(doc !== undefined ? { doc } : {}),
    },
    names,
  };
}

/** The helpers a spec defines whatever its accessors say, given its api. */
export function coreHelpers(api: Pick<SpecApi, "rawPair" | "testAndMarkAvailable">): string[] {
  return [
    GPR_MACRO,
    "kvm_register_is_available",
    "kvm_register_is_dirty",
    "kvm_register_mark_available",
    "kvm_register_mark_dirty",
    ...(api.testAndMarkAvailable ? ["kvm_register_test_and_mark_available"] : []),
    ...(api.rawPair
      ? ["kvm_register_read_raw", "kvm_register_write_raw"]
      : ["kvm_register_read", "kvm_register_write"]),
    "kvm_read_edx_eax",
  ];
}

function checkApiSection(ctx: ApiContext, accessors: readonly SpecAccessor[]): SpecApi {
  const a = isObj(ctx.root["api"]) ? ctx.root["api"] : {};
  const pick = <T extends string>(key: string, allowed: readonly T[], dflt: T): T =>
    allowed.includes(a[key] as T) ? (a[key] as T) : dflt;
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
  };
  if (api.bitops === "kernel" && ctx.mask === "bitmap") {
    ctx.report(
      diagnose(
        "RC146",
        ctx.file,
        ctx.span(["api", "bitops"]),
        "bitmap",
        "the kernel's helpers cast one u32 or u64 mask to unsigned long *; use 'mask: u32' or 'bitops: regcache'",
      ),
    );
  }
  const gprs = [...ctx.registers].filter(([, kind]) => kind === "gpr").map(([n]) => n);
  const defined = [
    ...coreHelpers(api),
    ...gprs.flatMap((g) => [`kvm_${g}_read`, `kvm_${g}_write`]),
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
  return { ...api, alwaysInline };
}
