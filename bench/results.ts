/*
 * The vocabulary of bench/results.json: what each part of the benchmark
 * measured, as run.ts writes it and report.ts renders it. Types only.
 */
import type { Sampled, Summary } from "./stats";

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly gcc: string;
  readonly clang: string;
  readonly valgrind: string;
  readonly loadAverageAtStart: readonly number[];
}

/** A part that did not run, and why. */
export interface NotMeasured {
  readonly available: false;
  readonly reason: string;
}

/** A part carried over from an earlier results.json keeps the date it was measured. */
export interface Carried {
  readonly carriedFrom?: string;
}

/** What a part of the default spec measured: its file and shape (absent in older results). */
export interface OnSpec {
  /** "spec/x86-kvm.yaml (Linux 7.2's shape)". */
  readonly spec?: string;
}

export interface CheckResult extends Carried, OnSpec {
  readonly runs: number;
  /** What was checked: generated/ in the checkout, or a fresh output directory. */
  readonly where: string;
  readonly node: Sampled;
  /** `regcache check` with a warm output cache. */
  readonly check: Sampled;
  /** warm check median / node median. */
  readonly ratio: number;
  /** warm check / node, per interleaved pair. */
  readonly pairRatio: Summary;
  /** `regcache check` with an empty output cache (absent in results of older runs). */
  readonly cold?: Sampled;
  readonly coldRatio?: number;
  /** os.loadavg() when the rounds began and ended. */
  readonly loadAverage?: { before: readonly number[]; after: readonly number[] };
  readonly cores?: number;
}

export interface GenerateResult extends Carried, OnSpec {
  readonly runs: number;
  readonly seed: number;
  readonly specs: readonly { label: string; registers: number | null; bytesOut: number }[];
  readonly stats: Readonly<Record<string, Sampled>>;
  readonly steps: readonly { from: string; to: string; registers: number; time: number }[];
  /** generateAll() repeated in one warm process, per spec label. */
  readonly inProcess: Readonly<Record<string, Sampled>>;
  /** Spec label → phase → its time in fresh processes. */
  readonly coldPhases: Readonly<Record<string, Readonly<Record<string, Sampled>>>>;
}

export interface SizeMeasured extends Carried, OnSpec {
  readonly available: true;
  readonly cores: number;
  readonly runs: number;
  readonly configs: readonly string[];
  readonly skipped: readonly string[];
  readonly compileCommands: number;
  readonly jobs1: Sampled;
  readonly jobsAll: Sampled;
  readonly ratio: number;
  readonly reference: { xargs1: Sampled; xargsAll: Sampled; ratio: number };
}

/** Instructions per call of one handler on one build. */
export interface PerCall {
  readonly calls: number;
  readonly ir: number;
}

/** One handler suite on one spec: instructions per call, spec vs --all-cached. */
export interface CallgrindSuite {
  /** The spec the suite was built against ("spec/x86-kvm.yaml"). */
  readonly spec: string;
  /** Its shape, as the report names it ("Linux 7.2's shape"). */
  readonly shape: string;
  /** The simulator, driver and handler directories built, comma-separated. */
  readonly runtime: string;
  readonly handlers: readonly string[];
  /** backend → handler → side ("spec", "all-cached") → per call, or null when never called. */
  readonly perCall: Readonly<
    Record<string, Readonly<Record<string, Readonly<Record<string, PerCall | null>>>>>
  >;
}

export interface CallgrindMeasured extends Carried {
  readonly available: true;
  readonly cases: number;
  readonly flags: readonly string[];
  /** The default spec's suite first, then the other shapes measured beside it. */
  readonly suites: readonly CallgrindSuite[];
}

/** One function's bytes on both sides, as `regcache size --format json` reports it. */
export interface SizeFigure {
  readonly base: number;
  readonly head: number;
  readonly delta: number;
}

/** What bench/kernel.ts measures on a built Linux 6.1 tree. */
export interface KernelMeasurement {
  readonly tree: string;
  readonly cores: number;
  readonly cold: { ms: number; stderr: string };
  readonly warm: { ms: number; stderr: string };
  readonly warmSameReport: boolean;
  readonly figures: {
    readonly total: SizeFigure;
    readonly summary?: unknown;
    readonly kvm_emulate_cpuid?: SizeFigure;
    readonly kvm_emulate_hypercall?: SizeFigure;
    readonly kvm_hv_hypercall?: SizeFigure;
  };
  readonly manual: { ms: number; make1Ms: number; make2Ms: number; loopMs: number; pairs: number };
  readonly objects: { ms: number; loopMs: number } | { ms?: undefined; unavailable: string };
}

export type KernelMeasured = KernelMeasurement & Carried & { readonly available: true };

export interface Target {
  readonly name: string;
  readonly pass: boolean;
  readonly measured: string;
  readonly limit: string;
}

/** One spec of the spec-size part: `regcache generate` on it, median of `runs`. */
export interface SpecSizeRow {
  readonly family: string;
  /** The size as the family counts it ("512 × 32"). */
  readonly size: string;
  readonly count: number;
  readonly bytes: number;
  readonly ms: number;
  /** User + system CPU time and peak resident memory, when GNU time was there to measure them. */
  readonly cpuMs?: number;
  readonly maxRssMiB?: number;
  readonly exit: number | null;
  /** The first diagnostic's code, when regcache refused the spec. */
  readonly code?: string;
  /** count / the row before's count, and ms / its ms (absent on a family's first row). */
  readonly countRatio?: number;
  readonly timeRatio?: number;
  readonly cpuRatio?: number;
}

export interface SpecSizeMeasured extends Carried {
  readonly available: true;
  readonly runs: number;
  readonly rows: readonly SpecSizeRow[];
}

export interface Results {
  readonly version: 1;
  readonly date: string;
  readonly machine: Machine;
  readonly check: CheckResult;
  readonly generate: GenerateResult;
  readonly size: SizeMeasured | NotMeasured;
  readonly callgrind: CallgrindMeasured | NotMeasured;
  readonly kernel?: KernelMeasured | NotMeasured;
  readonly specSize?: SpecSizeMeasured | NotMeasured;
  readonly targets: readonly Target[];
  readonly seconds: number;
}

/** The parts a run can leave out (--only) and carry over from the last results.json. */
export const PARTS = ["check", "generate", "size", "callgrind", "kernel", "spec-size"] as const;
export type Part = (typeof PARTS)[number];
