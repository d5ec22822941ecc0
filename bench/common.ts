/*
 * What every part of the benchmark shares: where the checkout is, how many
 * repetitions to make, how to run regcache and time it, and how the benchmark
 * says it cannot run. Edge: spawns processes, writes to stderr.
 */
import * as path from "node:path";
import type { SpawnSyncOptions } from "node:child_process";
import { timeCommand, type Timed } from "./stats";

/** The checkout: bench/ runs compiled from dist/bench/, its tests from bench/. */
export const ROOT = path.resolve(
  __dirname,
  path.basename(path.dirname(__dirname)) === "dist" ? "../.." : "..",
);
export const CLI = path.join(ROOT, "bin", "regcache.js");
/** The compiled generator the benchmark measures. */
export const DIST = path.join(ROOT, "dist", "generator");
/** Where results.json lives (beside the sources, not the compiled benchmark). */
export const RESULTS_FILE = path.join(ROOT, "bench", "results.json");
export const BENCHMARKS_FILE = path.join(ROOT, "BENCHMARKS.md");

/**
 * The default spec (what `regcache` reads without --spec) and its shape: what
 * check, generate, size and the first callgrind table measure. Each part
 * records `DEFAULT_SPEC_NAME` in results.json, so a part carried over from a
 * run on another default keeps its own name in the report.
 */
export const DEFAULT_SPEC = { file: "spec/x86-kvm.yaml", shape: "Linux 7.2's shape" } as const;
export const DEFAULT_SPEC_NAME = `${DEFAULT_SPEC.file} (${DEFAULT_SPEC.shape})`;

/** The handler-suite backends callgrind runs, in the report's column order. */
export const BACKENDS = ["vmx", "svm", "tdx"] as const;

/** How the benchmark runs: repetitions scaled, and the environment regcache runs in. */
export interface BenchContext {
  /** A private scratch directory, removed at the end. */
  readonly work: string;
  /** Repetitions: n scaled by the run's scale, at least 3. */
  readonly runs: (n: number) => number;
  readonly scale: number;
  /** regcache's environment: no colour, a private output cache below work. */
  readonly env: NodeJS.ProcessEnv;
}

export const log = (msg: string): void => {
  process.stderr.write(`bench: ${msg}\n`);
};

/** The benchmark itself cannot run: run.ts reports it and exits 2 (after cleaning up). */
export class BenchError extends Error {}

export const fail = (msg: string): never => {
  throw new BenchError(msg);
};

/** `node bin/regcache.js ARGS` in the checkout, timed. */
export function regcache(
  ctx: BenchContext,
  args: readonly string[],
  options: SpawnSyncOptions = {},
): Timed {
  return timeCommand(process.execPath, [CLI, ...args], { cwd: ROOT, env: ctx.env, ...options });
}

export function mustSucceed(what: string, r: Timed): Timed {
  if (r.status !== 0)
    fail(`${what} exited ${r.status ?? r.signal}:\n${(r.stderr || r.stdout || "").slice(0, 4000)}`);
  return r;
}
