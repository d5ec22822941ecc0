/*
 * runSuite: every function of the 7.2 suite on every backend that reaches
 * it, as driver_7.2's main loop runs them (backends in order, functions in
 * order, cases 0..n-1), with the per-backend summary it prints: functions,
 * cases, the results and cache_reg digests, failed cases and failures by
 * kind. One call is one C process: the WARN_ON_ONCE sites start armed.
 */
import { SIM72_FAULT_KINDS, SIM72_TDX, createSim72Process, sim72Backends } from "./sim";
import { DEFAULT_CASES, DEFAULT_SEED, FNV_OFFSET } from "./case";
import { FUNCTIONS } from "./functions";
import { digestCacheCalls, digestResult, runCase, type CaseOutcome } from "./driver";

export type FaultKind = (typeof SIM72_FAULT_KINDS)[number][1];

export interface BackendSummary {
  readonly backend: string;
  readonly handlers: number;
  readonly cases: number;
  /** The digests as the C driver prints them: 16 hex digits. */
  readonly results: string;
  readonly cache_reg: string;
  /** Cases with at least one failure. */
  readonly failures: number;
  readonly by_kind: Record<FaultKind, number>;
}

export interface SuiteOptions {
  readonly seed?: bigint;
  readonly cases?: number;
  readonly backend?: string;
  readonly function?: string;
  /** Called with every case after its checks, in run order. */
  readonly onCase?: (backend: string, fn: string, index: number, outcome: CaseOutcome) => void;
  /** Keep each case's input fields for onCase. */
  readonly visit?: boolean;
}

const hex16 = (v: bigint): string => v.toString(16).padStart(16, "0");

export function runSuite(options: SuiteOptions = {}): BackendSummary[] {
  const seed = options.seed ?? DEFAULT_SEED;
  const cases = options.cases ?? DEFAULT_CASES;
  const process = createSim72Process();
  const summaries: BackendSummary[] = [];

  for (const b of sim72Backends) {
    if (options.backend !== undefined && options.backend !== b.name) continue;
    let results = FNV_OFFSET;
    let calls = FNV_OFFSET;
    let total = 0;
    let failures = 0;
    let handlers = 0;
    const byKind = Object.fromEntries(SIM72_FAULT_KINDS.map(([, k]) => [k, 0])) as Record<
      FaultKind,
      number
    >;
    for (const f of FUNCTIONS) {
      if (options.function !== undefined && options.function !== f.name) continue;
      if (b.id === SIM72_TDX && !f.tdx) continue;
      handlers++;
      for (let n = 0; n < cases; n++) {
        const outcome = runCase(process, b, f, seed, BigInt(n), options.visit);
        let bad = false;
        outcome.faults.forEach((count, k) => {
          if (count === 0n) return;
          bad = true;
          byKind[SIM72_FAULT_KINDS[k]![1]]++;
        });
        failures += bad ? 1 : 0;
        total++;
        results = digestResult(results, outcome.resultDigest);
        calls = digestCacheCalls(calls, outcome.case.sim.cacheCalls);
        options.onCase?.(b.name, f.name, n, outcome);
      }
    }
    summaries.push({
      backend: b.name,
      handlers,
      cases: total,
      results: hex16(results),
      cache_reg: hex16(calls),
      failures,
      by_kind: byKind,
    });
  }
  return summaries;
}
