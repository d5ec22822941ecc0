/*
 * The generator timed from inside a child process, for generate.ts; prints
 * its figures as JSON on stdout.
 *
 *   node dist/bench/phases.js in-process ROUNDS SPECS_JSON
 *       generateAll() on each spec once, then ROUNDS times each: the generator
 *       alone in one warm process (no process start, no disk), ms per call.
 *   node dist/bench/phases.js cold SPEC
 *       each phase of generateAll() once, in this fresh process, the libraries
 *       a phase needs loading inside it as in the command: node start-up, load
 *       the generator, spec → model, C headers, TypeScript print, prettier.
 *
 * Nothing is imported before the start-up is read but types; the compiled
 * generator is required from dist/generator/ as the command loads it.
 */
const startup = process.uptime() * 1000;

import type { BenchSpec } from "./generate";

/** The parts of the compiled generator timed here (dist/generator/…). */
interface Produce {
  generateAll(req: { specPath: string }): Promise<{ ok: boolean }>;
  loadModel(req: { specPath: string }): { ok: true; model: unknown } | { ok: false };
}
/** The c target (targets/c/index.js): its inputs (the templates) and its emitter. */
interface CTarget {
  readonly cTarget: {
    inputs(): unknown;
    emit(model: unknown, inputs: unknown): unknown;
  };
}
interface TsEmit {
  printRegistersSource(model: unknown): string;
  printedInPrettierStyle(text: string): boolean;
  formatWithPrettier(text: string): Promise<string>;
}

/* eslint-disable @typescript-eslint/no-require-imports */
const dist = (m: string): string =>
  (require("node:path") as typeof import("node:path")).join(
    __dirname,
    "..",
    "..",
    "dist",
    "generator",
    m,
  );

async function inProcess(rounds: number, specs: readonly BenchSpec[]) {
  const api = require(dist("generate/produce.js")) as Produce;
  const out: Record<string, number[]> = {};
  for (const s of specs) await api.generateAll({ specPath: s.file });
  for (let round = 0; round < rounds; round++)
    for (const s of specs) {
      const t = process.hrtime.bigint();
      const r = await api.generateAll({ specPath: s.file });
      if (!r.ok) throw new Error(`${s.file}: invalid`);
      (out[s.label] ??= []).push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  return out;
}

async function cold(specPath: string) {
  const { performance } = require("node:perf_hooks") as typeof import("node:perf_hooks");
  const out: Record<string, number> = { "node start-up": startup };
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    out[name] = now - t;
    t = now;
  };
  const api = require(dist("generate/produce.js")) as Produce;
  lap("load the generator");
  const loaded = api.loadModel({ specPath });
  if (!loaded.ok) throw new Error("invalid spec");
  lap("spec → model (yaml, schema, model)");
  const { cTarget } = require(dist("targets/c/index.js")) as CTarget;
  cTarget.emit(loaded.model, cTarget.inputs());
  lap("C headers (Handlebars)");
  const ts = require(dist("targets/ts/emit.js")) as TsEmit;
  const text = ts.printRegistersSource(loaded.model);
  lap("TypeScript print (ts-morph)");
  // As the ts target: prettier loads and runs only when a printed line overflows.
  if (!ts.printedInPrettierStyle(text)) await ts.formatWithPrettier(text);
  lap("TypeScript: prettier, if a line overflows");
  return out;
}

async function main(argv: readonly string[]): Promise<void> {
  const [mode, a, b] = argv;
  const figures =
    mode === "in-process" && a && b
      ? await inProcess(Number(a), JSON.parse(b) as BenchSpec[])
      : mode === "cold" && a
        ? await cold(a)
        : undefined;
  if (!figures) throw new Error("usage: phases.js in-process ROUNDS SPECS_JSON | cold SPEC");
  process.stdout.write(JSON.stringify(figures));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
