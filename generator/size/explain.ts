/*
 * --explain: what each lazily loaded register costs. For every register some
 * backend loads lazily, the head spec is edited in memory so that no backend
 * does (sources.ts), headers are regenerated from the edited text, and the
 * suite is rebuilt; the saving is head total minus what-if total, per config.
 * This module plans the what-if header sets and turns measurements into rows.
 */
import { generate } from "../api";
import { Diagnostic } from "../diagnostics";
import { HeaderSet, Measurements } from "./build";
import { ExplainRow } from "./report";
import { withRegisterAlwaysAvailable } from "./sources";
import { SymbolSize } from "./symbols";

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
): ExplainRow[] {
  return whatIfs.map((w) => ({
    register: w.register,
    lazyIn: w.lazyIn,
    saved: configNames.map((name) => {
      const perSide = sizes.get(name);
      return total(perSide?.get("head")) - total(perSide?.get(whatIfSide(w.register)));
    }),
  }));
}
