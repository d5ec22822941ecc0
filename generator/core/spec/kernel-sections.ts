/*
 * The spec's kernel-facing sections, checked: `output` (which targets are
 * written, under which names, and where the kernel block goes), `accessors`
 * (the readers and writers besides the GPR macro, with where each extended
 * register's value lives) and, through kernel-api.ts, `api` (how the cache
 * helpers are spelt). The schema checks their shape; this module checks what
 * they mean against the registers. Their types are in kernel-shape.ts (and
 * re-exported here).
 */
import { diagnose, lineColOf, type Span } from "../diagnostics/diagnostic";
import type { DocPath } from "./parse";
import { didYouMean } from "../../util/suggest";
import { KERNEL_CONSTANTS } from "../kernel";
import { checkApiSection, checkKernelOnly } from "./kernel-api";
import { checkDocs, checkDocText } from "./docs";
import {
  bool,
  constantValue,
  DEFAULT_ADOPTS,
  DEFAULT_OUTPUT,
  isObj,
  str,
  type ApiContext,
  type CheckedApi,
  type GuestOwned,
  type SpecAccessor,
  type SpecOutput,
  type TargetName,
  type ValueType,
} from "./kernel-shape";

export * from "./kernel-shape";
export { coreHelpers, gprFunctionNames } from "./kernel-api";

/** Checks output, api and accessors; whatever the schema rejected falls back to its default. */
export function checkApi(ctx: ApiContext): CheckedApi {
  const output = checkOutput(ctx);
  const accessors: SpecAccessor[] = [];
  const accessorNames: { register: string; name: string; at: Span | undefined }[] = [];
  const seen = new Map<string, Span | undefined>();
  const list = Array.isArray(ctx.root["accessors"]) ? (ctx.root["accessors"] as unknown[]) : [];
  // One macro, one value: the first accessor that gives guest_owned.value for it, by register.
  const values = new Map<string, { register: string; value: bigint }>();
  list.forEach((entry, i) => {
    const checked = checkAccessor(ctx, entry, ["accessors", i], seen);
    if (!checked) return;
    const a = checked.accessor;
    const owned = a.kind === "extended" ? a.guestOwned : undefined;
    if (owned?.value !== undefined) {
      const first = values.get(owned.possible);
      if (first && first.value !== owned.value) {
        ctx.report(
          diagnose(
            "RC144",
            ctx.file,
            ctx.span(["accessors", i, "guest_owned", "value"]),
            a.register,
            `give ${owned.possible} the value 0x${owned.value.toString(16)}, but those of '${first.register}' give it 0x${first.value.toString(16)}`,
            "one macro has one value: give the same value in both, or leave it out of one",
          ),
        );
        return;
      }
      if (!first) values.set(owned.possible, { register: a.register, value: owned.value });
    }
    accessors.push(a);
    accessorNames.push(...checked.names);
  });
  const api = checkApiSection(ctx, accessors);
  const docs = checkDocs(ctx, api, accessors);
  if (output.targets.includes("ts")) checkTsConstants(ctx, list);
  checkKernelOnly(ctx, output);
  return { output, api, accessors, docs, accessorNames };
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
    const hint = ctx.wanted() ? didYouMean(name, ctx.registers.keys()) : "";
    ctx.report(diagnose("RC141", ctx.file, at, name, hint));
    return undefined;
  }
  const prior = seen.get(name);
  if (seen.has(name)) {
    const line = prior && ctx.wanted() ? lineColOf(ctx.file.text, prior.start).line : 0;
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
  if (doc !== undefined && !checkDocText(ctx, doc, [...p, "doc"])) return undefined;
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
