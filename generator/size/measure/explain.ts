/*
 * --explain: what each lazily loaded register costs. For every register some
 * backend loads lazily, the head spec is edited in memory so that no backend
 * does (sources.ts), headers are regenerated from the edited text, and the
 * suite is rebuilt; the saving is head total minus what-if total, per config.
 * This module plans the what-if header sets and turns measurements into rows.
 */
import { generate } from "../../generate/produce";
import { Diagnostic } from "../../core/diagnostics/diagnostic";
import { HeaderSet, Measurements } from "./build";
import { ExplainRow } from "../report/report";
import { withRegisterAlwaysAvailable } from "../inputs/sources";
import { SymbolSize } from "../../toolchain/symbols";
import type { Model } from "../../core/model/types";
import { ePairNames, modeAwareNames } from "../../core/spec/kernel-shape";

/**
 * The functions through which code reaches a register's cache entry: a GPR's
 * kvm_<name>_read/_write (and kvm_read_edx_eax for RAX and RDX, which reads
 * both); with Linux 7.2's mode_aware family also its raw pair
 * kvm_<name>_read_raw/_write_raw and, for a GPR in api.e_pair, its 32-bit
 * pair kvm_e<x>_read/_write; an extended register's readers and writers from
 * the spec's accessors. Names only; shapes come from the model.
 */
export function cacheAccessorsOf(model: Model, register: string): string[] {
  const gpr = model.accessors.find((a) => a.register.name === register);
  const names = gpr ? [gpr.read, gpr.write] : [];
  if (gpr && model.api.modeAware !== undefined) {
    const family = modeAwareNames(register);
    names.push(family.readRaw, family.writeRaw);
    if (model.c.ePair.includes(register)) {
      const e = ePairNames(register);
      names.push(e.read, e.write);
    }
  }
  if (gpr && (register === "rax" || register === "rdx")) names.push("kvm_read_edx_eax");
  for (const f of model.kernel.functions) {
    if (f.kind !== "extended" || f.register.name !== register) continue;
    for (const fn of [f.read, f.write, f.readBits, f.isBitSet]) if (fn) names.push(fn.name);
  }
  return names;
}

/** C source with comments, string and character literals blanked, so a name in them is no call. */
function codeOnly(text: string): string {
  return text.replace(/\/\*[^]*?\*\/|\/\/[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g, (m) =>
    m.replace(/[^\n]/g, " "),
  );
}

/**
 * A static look at the handler suite: which of the given registers it ever
 * reaches through the cache, i.e. calls one of their cache accessors
 * (cacheAccessorsOf) by name. A register it never reaches cannot change its
 * size, so --explain reports it as such instead of building a what-if for it.
 */
export function registersReached(
  model: Model,
  registers: readonly string[],
  sources: readonly { readonly path: string; readonly text: string }[],
): Set<string> {
  const code = sources.map((s) => codeOnly(s.text)).join("\n");
  const called = new Set(code.match(/\b[A-Za-z_]\w*(?=\s*\()/g) ?? []);
  return new Set(registers.filter((r) => cacheAccessorsOf(model, r).some((n) => called.has(n))));
}

export interface WhatIf {
  readonly register: string;
  readonly lazyIn: readonly string[];
  readonly headers: HeaderSet;
}

export type WhatIfPlan =
  { ok: true; whatIfs: WhatIf[] } | { ok: false; diagnostics: readonly Diagnostic[] };

export function whatIfSide(register: string): string {
  return `what-if-${register}`;
}

export function planWhatIfs(
  spec: { readonly specPath: string; readonly displayPath: string; readonly text: string },
  lazyRegisters: readonly { readonly name: string; readonly lazyIn: readonly string[] }[],
): WhatIfPlan {
  const whatIfs: WhatIf[] = [];
  for (const register of lazyRegisters) {
    const specText = withRegisterAlwaysAvailable(spec.text, register.name);
    const generated = generate({
      specPath: spec.specPath,
      specText,
      displayPath: `${spec.displayPath} (${register.name} always available)`,
    });
    if (!generated.ok) return { ok: false, diagnostics: generated.diagnostics };
    whatIfs.push({
      register: register.name,
      lazyIn: register.lazyIn,
      headers: { name: whatIfSide(register.name), files: generated.files },
    });
  }
  return { ok: true, whatIfs };
}

const total = (symbols: readonly SymbolSize[] | undefined) =>
  (symbols ?? []).reduce((sum, s) => sum + s.size, 0);

export function explainRows(
  whatIfs: readonly WhatIf[],
  configNames: readonly string[],
  sizes: Measurements,
  /** Lazy registers the handler suite never reaches through the cache: listed, not measured. */
  unreached: readonly { readonly name: string; readonly lazyIn: readonly string[] }[] = [],
): ExplainRow[] {
  return [
    ...whatIfs.map((w) => ({
      register: w.register,
      lazyIn: w.lazyIn,
      reached: true,
      saved: configNames.map((name) => {
        const perSide = sizes.get(name);
        return total(perSide?.get("head")) - total(perSide?.get(whatIfSide(w.register)));
      }),
    })),
    ...unreached.map((r) => ({
      register: r.name,
      lazyIn: r.lazyIn,
      reached: false,
      saved: configNames.map(() => null),
    })),
  ];
}
