/*
 * Model → the view templates/c/ prints: registers grouped by guard, set
 * definitions spelt for the spec's mask, accessor groups and the cache API,
 * in Linux 6.x's shape or 7.2's as the spec says (the helpers and the
 * mode_aware family shared with the kernel target, render/cache-helpers.ts),
 * and the KVM_REGS_* macros naming what of the runtime's 7.2 shape the
 * headers need. Every choice it prints was made in core/model/; it only
 * arranges. Pure.
 */
import { blockComment } from "../render/templates";
import { continueLines, signature } from "../render/layout";
import { bitOp, functionViews } from "../render/api-view";
import {
  assertDefine,
  cacheHelperViews,
  familyFunctions,
  familyMacros,
} from "../render/cache-helpers";
import type { AccessorModel, BackendModel, Model, RegisterModel } from "../../core/model/types";

/** Runs of consecutive items sharing a guard, so each #ifdef is opened once per run. */
function guardRuns<T>(
  items: readonly T[],
  guardOf: (item: T) => string | undefined,
): { guard?: string; items: T[] }[] {
  const runs: { guard?: string; items: T[] }[] = [];
  for (const item of items) {
    const guard = guardOf(item);
    const last = runs[runs.length - 1];
    if (last && last.guard === guard) last.items.push(item);
    else runs.push({ ...(guard !== undefined ? { guard } : {}), items: [item] });
  }
  return runs;
}

const guardedBitMacro = (r: RegisterModel) => `KVM_REG_BIT_${r.upper}`;

/**
 * Words a register's bit can fall in. Guards only ever remove registers before
 * it, so its enum value lies between the count of unguarded registers before it
 * and its index with every guard on.
 */
function wordSpan(
  model: Model,
  r: RegisterModel,
  minIndex: ReadonlyMap<RegisterModel, number>,
): number[] {
  const lo = Math.floor(minIndex.get(r)! / model.mask.wordBits);
  const hi = Math.floor(r.index / model.mask.wordBits);
  const words: number[] = [];
  for (let w = lo; w <= hi; w++) words.push(w);
  return words;
}

function setDefinition(
  model: Model,
  name: string,
  members: readonly RegisterModel[],
  minIndex: ReadonlyMap<RegisterModel, number>,
): string {
  if (model.mask.kind === "bitmap") {
    const byWord: string[][] = Array.from({ length: model.mask.words }, () => []);
    for (const r of members) {
      for (const w of wordSpan(model, r, minIndex)) {
        byWord[w]!.push(
          r.guard ? `${guardedBitMacro(r)}(${w})` : `KVM_REG_WORD_BIT(${r.enumName}, ${w})`,
        );
      }
    }
    const lines = [`#define ${name}`, "\t((kvm_reg_mask_t){ .bits = {"];
    byWord.forEach((terms, w) => {
      const tail = w === byWord.length - 1 ? "" : ",";
      if (terms.length === 0) lines.push(`\t\t0UL${tail}`);
      else terms.forEach((t, i) => lines.push(`\t\t${t}${i === terms.length - 1 ? tail : " |"}`));
    });
    lines.push("\t} })");
    return continueLines(lines);
  }
  if (members.length === 0) return `#define ${name} ((kvm_reg_mask_t)0)`;
  const one = model.mask.kind === "u64" ? "1ULL" : "1U";
  const terms = members.map((r) => (r.guard ? guardedBitMacro(r) : `(${one} << ${r.enumName})`));
  const lines = [
    `#define ${name}`,
    ...terms.map((t, i) => `\t${i === 0 ? "(" : " "}${t}${i === terms.length - 1 ? ")" : " |"}`),
  ];
  return continueLines(lines);
}

function accessorComment(a: AccessorModel): string {
  const r = a.register;
  if (a.path === "direct") return `${r.name}: always available${r.doc ? `. ${r.doc}` : ""}`;
  const why = r.alwaysAvailable
    ? "always available, but --all-cached"
    : `loaded lazily by ${r.lazyIn.join(", ")}`;
  return `${r.name}: ${why}${r.doc ? `. ${r.doc}` : ""}`;
}

function backendDoc(b: BackendModel): string[] {
  const head = `${b.name}: ${b.lazy.length} lazily loaded, ${b.available.length} always available (spec lists ${b.declared}).`;
  return b.doc ? [head, b.doc] : [head];
}

const MACRO = {
  direct: "BUILD_KVM_GPR_ACCESSORS",
  cached: "BUILD_KVM_CACHED_GPR_ACCESSORS",
} as const;

/** The mode_aware family's inner macro (masked read and raw pair) per path. */
const INNER_MACRO = {
  direct: "__BUILD_KVM_GPR_ACCESSORS",
  cached: "__BUILD_KVM_CACHED_GPR_ACCESSORS",
} as const;

/**
 * What the accessors need of the runtime beyond Linux 6.x's vCPU, as the
 * macros runtime/include/kvm_host.h tests: none for a 6.x-shaped spec.
 */
function runtimeFeatures(model: Model): { name: string; what: string }[] {
  const api = model.api;
  const fields = new Set(
    model.c.functions.flatMap((f) => (f.kind === "extended" ? [f.field] : [])),
  );
  const feature = (on: boolean, name: string, what: string) => (on ? [{ name, what }] : []);
  return [
    ...feature(
      model.mask.kind === "bitmap" && api.bitops === "kernel",
      "KVM_REGS_BITMAP",
      "regs_avail and regs_dirty as bitmaps",
    ),
    ...feature(
      api.modeAware !== undefined,
      "KVM_REGS_MODE_AWARE",
      `${api.modeAware?.modeMask}() and the guest's mode`,
    ),
    ...feature(
      api.assert !== undefined,
      "KVM_REGS_ASSERT_HOOK",
      "regcache_assert_caching_allowed() and its context",
    ),
    ...feature(fields.has("rip"), "KVM_REGS_RIP_FIELD", "vcpu->arch.rip"),
    ...feature(fields.has("pdptrs"), "KVM_REGS_PDPTRS_FIELD", "vcpu->arch.pdptrs[]"),
  ];
}

export function cView(model: Model): Record<string, unknown> {
  const minIndex = new Map<RegisterModel, number>();
  let unguarded = 0;
  for (const r of model.registers) {
    minIndex.set(r, unguarded);
    if (!r.guard) unguarded++;
  }
  const enumGroups = (regs: readonly RegisterModel[]) =>
    guardRuns(regs, (r) => r.guard).map((run) => ({
      guard: run.guard,
      registers: run.items.map((r) => ({ enumName: r.enumName, first: r === regs[0], doc: r.doc })),
    }));
  const guarded = model.registers.filter((r) => r.guard);
  const bitmap = model.mask.kind === "bitmap";
  const accessorView = (a: AccessorModel) => ({
    name: a.register.name,
    upper: a.register.upper,
    enumName: a.register.enumName,
    read: a.read,
    write: a.write,
    direct: a.path === "direct",
    // The mode_aware family's outer macro takes the name without its leading r.
    ...(modeAware && ePaired(a) ? { name: a.register.name.slice(1) } : {}),
    macro: modeAware && !ePaired(a) ? INNER_MACRO[a.path] : MACRO[a.path],
    comment: accessorComment(a),
    ...(modeAware
      ? {
          family: familyFunctions(api, a, model.c.macroLinkage, a.path === "direct", ePaired(a)),
        }
      : {}),
  });
  const rax = model.accessors.find((a) => a.register.name === "rax");
  const rdx = model.accessors.find((a) => a.register.name === "rdx");
  const api = model.api;
  const link = (name: string) => api.linkage[name]!;
  const helpers = cacheHelperViews(api, bitmap);
  const modeAware = api.modeAware !== undefined;
  const ePaired = (a: AccessorModel) => model.c.ePair.includes(a.register.name);
  // The macros paste the enumerator from the spec's GPR prefix (enum.gpr_prefix).
  const first = model.gprs[0];
  const gprPrefix = first ? first.enumName.slice(0, -first.upper.length) : "VCPU_REGS_";
  const macroAccessors = model.c.macroAccessors;
  // Defined beyond the GPR accessors, so the runtime's stand-ins can #ifndef them.
  const extraNames = model.c.functions.flatMap((f) =>
    f.kind === "extended"
      ? [f.readBits, f.isBitSet, f.read, f.write].flatMap((x) => (x ? [x.name] : []))
      : [],
  );
  return {
    docLines: [model.doc ? `${model.name}: ${model.doc}` : model.name],
    gprGroups: enumGroups(model.gprs),
    extendedGroups: enumGroups(model.extended),
    // An explicit "= NR_VCPU_REGS" on a guarded first register would vanish with it.
    extendedBaseSentinel: Boolean(model.extended[0]?.guard),
    bitmap,
    maskWords: model.mask.words,
    maskType: model.mask.kind,
    maskBits: model.mask.wordBits,
    maskComment: bitmap
      ? `one bit per register, in an array of ${model.mask.words} unsigned long`
      : `one bit per register, in a ${model.mask.kind}`,
    one: model.mask.kind === "u64" ? "1ULL" : "1U",
    guardedBits: guardRuns(guarded, (r) => r.guard).map((run) => ({
      guard: run.guard,
      registers: run.items.map((r) => ({
        macro: guardedBitMacro(r),
        term: bitmap
          ? `KVM_REG_WORD_BIT(${r.enumName}, word)`
          : `(${model.mask.kind === "u64" ? "1ULL" : "1U"} << ${r.enumName})`,
        zero: bitmap ? "0UL" : "0",
      })),
    })),
    backends: model.backends.map((b) => ({
      docLines: backendDoc(b),
      lazySet: setDefinition(model, b.lazySetName, b.lazy, minIndex),
      availSet: setDefinition(model, b.availSetName, b.available, minIndex),
    })),
    backendList: model.backends.length
      ? model.backends.map((b) => `X(${b.name}, ${b.upper})`).join(" ")
      : "",
    ...helpers,
    // Without api.mark_for_reload, the runtime's own, linked like mark_dirty.
    markForReload: helpers.markForReload || {
      head: signature(link("kvm_register_mark_dirty"), "void", "kvm_register_mark_for_reload", [
        "struct kvm_vcpu *vcpu",
        "enum kvm_reg reg",
      ]),
      body: `${bitOp(api, "clear", "regs_avail", "reg", bitmap)};\n\t${bitOp(api, "clear", "regs_dirty", "reg", bitmap)};`,
    },
    assertMacro: assertDefine(
      api,
      (condition) => `regcache_assert_caching_allowed(vcpu, ${condition})`,
    ),
    macroLinkage: model.c.macroLinkage,
    functions: functionViews(api, model.c.functions),
    extraNames,
    macroStyle: model.options.cStyle === "macro",
    macroGroups: (["direct", "cached"] as const)
      .map((p) => ({ p, accessors: macroAccessors.filter((a) => a.path === p) }))
      .filter((g) => g.accessors.length > 0)
      .map((g) => ({
        direct: g.p === "direct",
        macro: MACRO[g.p],
        family:
          modeAware &&
          familyMacros(api, {
            inner: INNER_MACRO[g.p],
            outer: MACRO[g.p],
            linkage: model.c.macroLinkage,
            direct: g.p === "direct",
            gprPrefix,
            withEPair: g.accessors.some(ePaired),
          }),
        comment:
          g.p === "direct"
            ? "Always available on every backend: saved to regs[] on each VM-exit, so a plain array access."
            : "Loaded lazily by at least one backend (or --all-cached): the cached path.",
        runs: guardRuns(g.accessors, (a) => a.register.guard).map((run) => ({
          guard: run.guard,
          accessors: run.items.map(accessorView),
        })),
      })),
    expandedRuns: guardRuns(macroAccessors, (a) => a.register.guard).map((run) => ({
      guard: run.guard,
      accessors: run.items.map(accessorView),
    })),
    edxEax: rax &&
      rdx &&
      !rax.register.guard &&
      !rdx.register.guard && {
        head: signature(link("kvm_read_edx_eax"), "u64", "kvm_read_edx_eax", [
          "struct kvm_vcpu *vcpu",
        ]),
        byEPair: model.kernel.edxEaxByEPair,
      },
    gprCount: model.c.enum.gprCount,
    total: model.c.enum.total,
    defaultGprCount: model.c.enum.gprCount === "NR_VCPU_REGS",
    aliases: model.c.enum.aliases,
    features: runtimeFeatures(model),
  };
}
