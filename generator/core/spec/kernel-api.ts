/*
 * The spec's `api` section, checked against the registers and accessors:
 * how the cache helpers are spelt and linked, which helpers exist, the GPR
 * accessor family and its 32-bit pairs, and which Linux 7.2 settings each
 * target writes (the kernel all, the c target all but the adoption, the ts
 * target none). Diagnostics as data through the context; never throws.
 */
import { diagnose } from "../diagnostics/diagnostic";
import type { DocPath } from "./parse";
import { didYouMean } from "../../util/suggest";
import {
  bool,
  DEFAULT_API,
  ePairNames,
  GPR_INNER_MACRO,
  GPR_MACRO,
  isObj,
  modeAwareNames,
  str,
  type ApiContext,
  type SpecAccessor,
  type SpecApi,
  type SpecOutput,
  type TargetName,
} from "./kernel-shape";

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

export function checkApiSection(ctx: ApiContext, accessors: readonly SpecAccessor[]): SpecApi {
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
  /** RC149: `what` needs `requirement`; `hint` says how to give it. */
  const needs = (key: string, what: string, requirement: string, hint: string) =>
    ctx.report(diagnose("RC149", ctx.file, ctx.span(["api", key], "key"), what, requirement, hint));
  if (macro !== undefined && condition !== undefined && condition.trim() === "")
    needs(
      "assert",
      "api.assert",
      "a condition",
      "the macro expands to lockdep_assert_once(condition): give the C expression that must hold, e.g. in_task()",
    );
  const modeAware = api.gprFamily === "mode_aware";
  if (modeAware && api.modeMask === undefined)
    needs(
      "gpr_family",
      "gpr_family: mode_aware",
      "api.mode_mask",
      "name the kernel's helper that gives the operand-width mask: mode_mask: kvm_reg_mode_mask",
    );
  if (modeAware && !api.rawPair)
    needs(
      "gpr_family",
      "gpr_family: mode_aware",
      "raw_pair: true",
      "the masking kvm_register_read/_write wrap kvm_register_read_raw/_write_raw",
    );
  if (!modeAware && "mode_mask" in a)
    needs(
      "mode_mask",
      "mode_mask",
      "gpr_family: mode_aware",
      "only the mode_aware family masks reads; add gpr_family: mode_aware or leave out mode_mask",
    );
  if (api.bulkHelpers && (ctx.mask !== "bitmap" || api.bitops !== "kernel"))
    needs(
      "bulk_helpers",
      "bulk_helpers",
      "mask: bitmap and bitops: kernel",
      "the bulk helpers write the bitmaps' first word, vcpu->arch.regs_avail[0]",
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
      "gpr_family: mode_aware",
      "the 32-bit pair belongs to the mode_aware family; add gpr_family: mode_aware",
    );
  const gprNames = [...ctx.registers].filter(([, k]) => k === "gpr").map(([n]) => n);
  ePairList.forEach((item, i) => {
    if (typeof item !== "string") return;
    const at = ctx.span(["api", "e_pair", i]);
    const kind = ctx.registers.get(item);
    const bad = (why: string, hint: string) =>
      ctx.report(diagnose("RC151", ctx.file, at, item, why, hint));
    if (kind === undefined)
      bad(
        `which is not a register${ctx.wanted() ? didYouMean(item, gprNames) : ""}`,
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
  const isDefined = new Set(defined);
  const listed = Array.isArray(a["always_inline"]) ? (a["always_inline"] as unknown[]) : [];
  const alwaysInline: string[] = [];
  listed.forEach((item, i) => {
    if (typeof item !== "string") return;
    if (!isDefined.has(item)) {
      ctx.report(
        diagnose(
          "RC145",
          ctx.file,
          ctx.span(["api", "always_inline", i]),
          item,
          ctx.wanted() ? didYouMean(item, defined) : "",
        ),
      );
      return;
    }
    alwaysInline.push(item);
  });
  return { ...checked, alwaysInline };
}

/**
 * What only the kernel target writes: the region of the tree's header that
 * adoption replaces, and the block's comments (api.docs). Every other Linux
 * 7.2 setting (the enum's spelling, aliases, the assertion hook,
 * mark-for-reload, the bulk helpers, the mode_aware family, mark_dirty) is
 * written by every target: the c target's
 * runtime (runtime/include/kvm_host.h) takes 7.2's shape where the generated
 * header asks for it, the ts target writes it into its module. A setting only
 * the kernel target writes is RC152 in a spec that does not write the kernel
 * target; beside it, the other targets leave it to the kernel target.
 */
export function checkKernelOnly(ctx: ApiContext, output: SpecOutput): void {
  const a = isObj(ctx.root["api"]) ? ctx.root["api"] : {};
  if (!output.targets.includes("kernel")) {
    const uses: [string, DocPath][] = [];
    if (isObj(ctx.root["output"]) && "adopts" in ctx.root["output"])
      uses.push(["output.adopts", ["output", "adopts"]]);
    if ("docs" in a) uses.push(["api.docs", ["api", "docs"]]);
    for (const [what, p] of uses) ctx.report(diagnose("RC152", ctx.file, ctx.span(p, "key"), what));
  }
  // The c target's runtime defines the mode_aware family's mask helper under one name.
  const modeMask = a["mode_mask"];
  if (
    output.targets.includes("c") &&
    a["gpr_family"] === "mode_aware" &&
    typeof modeMask === "string" &&
    modeMask !== RUNTIME_MODE_MASK
  )
    ctx.report(diagnose("RC155", ctx.file, ctx.span(["api", "mode_mask"]), modeMask));
}

/** The mode mask helper runtime/include/kvm_host.h defines (KVM_REGS_MODE_AWARE). */
const RUNTIME_MODE_MASK = "kvm_reg_mode_mask";
