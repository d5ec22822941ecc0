/*
 * A whole behaviour-test run, twin of driver.c's main(): every handler on
 * every backend for `cases` seeded cases, the per-case checks (poison, lost
 * writes, cacheReg calls), and the per-backend digests the C driver prints
 * with --json-summary, so the two runtimes can be compared without shipping
 * every case across.
 */
import { maskTest, NR_KVM_REG_BITS } from "./registers";
import {
  DEFAULT_SEED,
  SIM_HANDLERS,
  digestCacheCalls,
  digestFields,
  makeCase,
  runCase,
  visitResult,
  type SimResult,
} from "./driver";
import { simBackends, simIsPoison, type SimBackend } from "./sim";
import { mix64 } from "./u64";

export const FAILURE_KINDS = [
  "poison",
  "lost-write",
  "cache_reg-available",
  "cache_reg-twice",
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export interface BackendSummary {
  readonly backend: string;
  readonly handlers: number;
  readonly cases: number;
  /** 16 hex digits, as the C driver prints them. */
  readonly results: string;
  readonly cacheReg: string;
  readonly failures: Readonly<Record<FailureKind, number>>;
}

export interface SuiteOptions {
  readonly seed?: bigint;
  readonly cases: number;
  readonly backend?: string;
  readonly handler?: string;
}

/** The failures one case shows, as check_case() finds them. */
export function checkCase(b: SimBackend, res: SimResult): FailureKind[] {
  const found: FailureKind[] = [];
  const poisoned = visitResult(res).some(([, values]) => values.some(simIsPoison));
  if (poisoned || res.state.env.poison_traced !== 0n) found.push("poison");
  for (let reg = 0; reg < NR_KVM_REG_BITS; reg++) {
    if ((res.lost_writes >> BigInt(reg)) & 1n) found.push("lost-write");
    if (res.cache_calls[reg]! > 0 && !maskTest(b.lazy, reg)) found.push("cache_reg-available");
    if (res.cache_calls[reg]! > 1) found.push("cache_reg-twice");
  }
  return found;
}

const hex16 = (v: bigint): string => v.toString(16).padStart(16, "0");

export function runSuite(o: SuiteOptions): BackendSummary[] {
  const seed = o.seed ?? DEFAULT_SEED;
  const summaries: BackendSummary[] = [];
  for (const b of simBackends) {
    if (o.backend !== undefined && o.backend !== b.name) continue;
    let results = 0n;
    let cacheReg = 0n;
    let cases = 0;
    let handlers = 0;
    const failures = Object.fromEntries(FAILURE_KINDS.map((k) => [k, 0])) as Record<
      FailureKind,
      number
    >;
    for (const h of SIM_HANDLERS) {
      if (o.handler !== undefined && o.handler !== h.name) continue;
      handlers++;
      for (let n = 0; n < o.cases; n++) {
        const res = runCase(makeCase(b, h, seed, BigInt(n)), b, h);
        for (const kind of checkCase(b, res)) failures[kind]++;
        results = digestFields(results, visitResult(res));
        cacheReg = digestCacheCalls(cacheReg, res.cache_calls);
        cases++;
      }
    }
    summaries.push({
      backend: b.name,
      handlers,
      cases,
      results: hex16(results),
      cacheReg: hex16(cacheReg),
      failures,
    });
  }
  return summaries;
}

/** The C driver's overall digest line folds every backend's two digests. */
export function overallDigest(summaries: readonly BackendSummary[]): string {
  let overall = 0n;
  for (const s of summaries)
    overall = mix64(overall ^ BigInt(`0x${s.results}`) ^ mix64(BigInt(`0x${s.cacheReg}`)));
  return hex16(overall);
}
