/*
 * Small statistics and timing helpers for the benchmark: wall-clock timing of
 * a spawned command, and median / quartiles / min / max of samples.
 */
import { spawnSync, type SpawnSyncOptions } from "node:child_process";

/** A command run to completion: its wall time in milliseconds and its outcome. */
export interface Timed {
  readonly ms: number;
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Median, quartiles and extremes of a set of samples. */
export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
  readonly min: number;
  readonly max: number;
}

/** A summary with the samples it was made of, as results.json keeps them. */
export type Sampled = Summary & { readonly samples: readonly number[] };

/** Runs a command to completion and times it. */
export function timeCommand(
  cmd: string,
  args: readonly string[],
  options: SpawnSyncOptions = {},
): Timed {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, {
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
    ...options,
    encoding: "utf8",
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, status: r.status, signal: r.signal, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** Linear-interpolated quantile of sorted samples (the "type 7" rule spreadsheets use). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
  };
}

/** The samples with their summary. */
export const sampled = (samples: readonly number[]): Sampled => ({
  samples,
  ...summarize(samples),
});

/** "123 ms (IQR 120–130, min 118, max 140, n 15)" */
export function describe(s: Summary, unit = "ms", digits = 0): string {
  const f = (x: number) => x.toFixed(digits);
  return `${f(s.median)} ${unit} (IQR ${f(s.q1)}–${f(s.q3)}, min ${f(s.min)}, max ${f(s.max)}, n ${s.n})`;
}
