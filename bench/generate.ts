/*
 * `regcache generate` scaling: seeded synthetic specs (synth-spec.ts) of 32,
 * 256, 1,000 and 2,000 registers and the default spec, each run into a fresh
 * output directory, the sizes interleaved round-robin; beside it the generator
 * alone in one warm process, and where a cold run spends its time
 * (phases.ts, run in child processes). Edge: spawns processes, writes specs
 * and outputs below the benchmark's scratch directory.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  DEFAULT_SPEC,
  DEFAULT_SPEC_NAME,
  DIST,
  log,
  mustSucceed,
  regcache,
  ROOT,
  type BenchContext,
} from "./common";
import type { GenerateResult } from "./results";
import { sampled, timeCommand, type Sampled } from "./stats";
import { synthSpec, toYaml } from "./synth-spec";

/** Synthetic spec sizes, ascending; the largest within a spec's limit of 2,048 registers (RC133). */
export const SIZES = [32, 256, 1000, 2000] as const;
export const SEED = 1;

/** A spec the benchmark generates from: its label in the report, and its file. */
export interface BenchSpec {
  readonly label: string;
  readonly file: string;
}

export function benchGenerate(ctx: BenchContext): GenerateResult {
  const specs: BenchSpec[] = [
    { label: "default", file: path.join(ROOT, DEFAULT_SPEC.file) },
    ...SIZES.map((registers) => {
      const file = path.join(ctx.work, `synthetic-${registers}.yaml`);
      fs.writeFileSync(file, toYaml(synthSpec({ registers, seed: SEED, backends: 4 })));
      return { label: String(registers), file };
    }),
  ];
  const n = ctx.runs(7);
  log(
    `generate: ${n} rounds over ${specs.map((s) => s.label).join(", ")} (fresh output dir each run)`,
  );
  const samples = new Map<string, number[]>(specs.map((s) => [s.label, []]));
  const outputBytes = new Map<string, number>();
  let counter = 0;
  const once = (s: BenchSpec): number => {
    const out = path.join(ctx.work, `out-${counter++}`);
    const r = mustSucceed(
      `regcache generate --spec ${s.file}`,
      regcache(ctx, ["generate", "--spec", s.file, "--out", out]),
    );
    if (!outputBytes.has(s.label)) outputBytes.set(s.label, treeBytes(out));
    fs.rmSync(out, { recursive: true, force: true });
    return r.ms;
  };
  for (const s of specs) once(s); // warm-up: file cache, lazily compiled code
  for (let i = 0; i < n; i++) {
    const order = i % 2 ? [...specs].reverse() : specs;
    for (const s of order) samples.get(s.label)!.push(once(s));
  }
  const stats: Record<string, Sampled> = Object.fromEntries(
    specs.map((s) => [s.label, sampled(samples.get(s.label)!)]),
  );
  const steps = SIZES.slice(1).map((size, i) => {
    const from = String(SIZES[i]);
    const to = String(size);
    return {
      from,
      to,
      registers: size / SIZES[i]!,
      time: stats[to]!.median / stats[from]!.median,
    };
  });
  return {
    spec: DEFAULT_SPEC_NAME,
    runs: n,
    seed: SEED,
    specs: specs.map((s) => ({
      label: s.label,
      registers: s.label === "default" ? registerCount(s.file) : Number(s.label),
      bytesOut: outputBytes.get(s.label)!,
    })),
    stats,
    steps,
    inProcess: inProcessGenerate(ctx, specs),
    coldPhases: coldPhases(
      ctx,
      specs.filter((s) => s.label === "default" || s.label === "1000"),
    ),
  };
}

/** The part of generate/produce.js the benchmark calls. */
interface Produce {
  loadModel(req: {
    specPath: string;
  }): { ok: true; model: { registers: unknown[] } } | { ok: false };
}

function registerCount(specFile: string): number | null {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const api = require(path.join(DIST, "generate", "produce.js")) as Produce;
  const loaded = api.loadModel({ specPath: specFile });
  return loaded.ok ? loaded.model.registers.length : null;
}

function treeBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? treeBytes(p) : fs.statSync(p).size;
  }
  return total;
}

const PHASES = path.join(__dirname, "phases.js");

/** Samples by key, each with its summary. */
const sampledAll = (samples: Readonly<Record<string, readonly number[]>>) =>
  Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, sampled(v)]));

/** The generator alone (no process start, no disk): generateAll() in one warm process. */
function inProcessGenerate(ctx: BenchContext, specs: readonly BenchSpec[]) {
  const r = mustSucceed(
    "in-process generate",
    timeCommand(
      process.execPath,
      [PHASES, "in-process", String(ctx.runs(5)), JSON.stringify(specs)],
      { cwd: ROOT, env: ctx.env },
    ),
  );
  return sampledAll(JSON.parse(r.stdout) as Record<string, number[]>);
}

/**
 * Where a cold `generate` spends its time: each phase of generateAll() timed
 * in a fresh process (phases.ts), for the default spec and 1,000 registers.
 */
function coldPhases(ctx: BenchContext, specs: readonly BenchSpec[]) {
  const n = ctx.runs(5);
  const result: Record<string, Record<string, Sampled>> = {};
  for (const s of specs) {
    const samples: Record<string, number[]> = {};
    for (let i = 0; i < n; i++) {
      const r = mustSucceed(
        `cold phases of ${s.label}`,
        timeCommand(process.execPath, [PHASES, "cold", s.file], { cwd: ROOT, env: ctx.env }),
      );
      for (const [phase, ms] of Object.entries(JSON.parse(r.stdout) as Record<string, number>))
        (samples[phase] ??= []).push(ms);
    }
    result[s.label] = sampledAll(samples);
  }
  return result;
}
