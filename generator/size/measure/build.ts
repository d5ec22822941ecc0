/*
 * One measurement run of the handler suite: find which configs' compilers
 * are installed, write each side's generated headers under the output root,
 * compile the suite for every (config, side) in a bounded pool
 * (toolchain/compilers.ts), and fold each build's symbols the bloat-o-meter
 * way. Edge module: it writes files and runs compilers; the decisions it
 * needs come in as data.
 *
 *   <root>/headers/<side>/c/*.h         the generated headers each side used
 *   <root>/<config>/<side>/*.o          the objects
 *   <root>/<config>/commands.sh         the exact commands, runnable by hand
 */
import * as fs from "fs";
import * as path from "path";
import {
  DetectedCompiler,
  ExecContext,
  execCompile,
  probeCompilers,
  runPool,
} from "../../toolchain/compilers";
import { readElfSymbols } from "../../toolchain/elf";
import { foldSymbols, nmSizeSort, NmSymbol, SymbolSize } from "../../toolchain/symbols";
import { installHint, SizeConfig } from "../inputs/matrix";
import type { MeasuredConfig, SkippedConfig } from "../report/report";
import { Suite } from "./suite";
import { makeDirs } from "../../util/make-dirs";

/**
 * Splits configs into those whose compiler is installed (the first of each
 * config's commands that runs) and those skipped, with the install hint.
 * Every distinct command is probed once, all at the same time, so a caller
 * can start this and do other work (generate headers) while they run.
 */
export async function detectCompilers(configs: readonly SizeConfig[]): Promise<{
  runnables: { config: SizeConfig; compiler: DetectedCompiler }[];
  skipped: { name: string; compiler: string; reason: string; hint: string }[];
}> {
  const found = await probeCompilers(configs.flatMap((c) => c.commands));
  const runnables: { config: SizeConfig; compiler: DetectedCompiler }[] = [];
  const skipped: { name: string; compiler: string; reason: string; hint: string }[] = [];
  for (const config of configs) {
    const compiler = config.commands
      .map((c) => found.get(c))
      .find((c): c is DetectedCompiler => Boolean(c));
    if (compiler) runnables.push({ config, compiler });
    else {
      skipped.push({
        name: config.name,
        compiler: config.compiler,
        reason: `${config.commands.join(" or ")} not found`,
        hint: installHint(config),
      });
    }
  }
  return { runnables, skipped };
}

/** One build of the suite: the headers a side compiles against. */
export interface Side {
  /** base, head, or a what-if name; also the directory name. */
  readonly name: string;
  /** Include directories, in order (generated headers first). */
  readonly includeDirs: readonly string[];
}

export interface CompileJob {
  readonly config: SizeConfig;
  readonly side: Side;
  readonly source: string;
  readonly object: string;
  readonly argv: readonly string[];
}

export function compileArgv(
  command: string,
  config: SizeConfig,
  side: Side,
  source: string,
  object: string,
): string[] {
  return [
    command,
    ...config.flags,
    ...side.includeDirs.map((dir) => `-I${dir}`),
    "-c",
    source,
    "-MD",
    "-MF",
    `${object}.d`,
    "-o",
    object,
  ];
}

export function objectDir(root: string, config: SizeConfig, side: Side): string {
  return path.join(root, config.name, side.name);
}

export function planJobs(
  root: string,
  builds: readonly { config: SizeConfig; compiler: DetectedCompiler; sides: readonly Side[] }[],
  sources: readonly string[],
): CompileJob[] {
  const jobs: CompileJob[] = [];
  for (const { config, compiler, sides } of builds) {
    for (const side of sides) {
      for (const source of sources) {
        const object = path.join(objectDir(root, config, side), `${path.basename(source, ".c")}.o`);
        jobs.push({
          config,
          side,
          source,
          object,
          argv: compileArgv(compiler.command, config, side, source, object),
        });
      }
    }
  }
  return jobs;
}

function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_\-+=/.,:@%]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Writes <config>/commands.sh for every config in the jobs, so a figure can be rebuilt by hand. */
export function writeCommandScripts(root: string, jobs: readonly CompileJob[], cwd: string): void {
  const byConfig = new Map<string, CompileJob[]>();
  for (const job of jobs)
    byConfig.set(job.config.name, [...(byConfig.get(job.config.name) ?? []), job]);
  for (const [name, configJobs] of byConfig) {
    const lines = [
      "#!/bin/sh",
      `# regcache size: the compile commands of config ${name}, as run.`,
      "# Measure with: nm --size-sort <object>",
      "set -e",
      `cd ${shellQuote(cwd)}`,
      ...[...new Set(configJobs.map((job) => path.dirname(job.object)))].map(
        (dir) => `mkdir -p ${shellQuote(dir)}`,
      ),
      ...configJobs.map((job) => job.argv.map(shellQuote).join(" ")),
      "",
    ];
    const file = path.join(root, name, "commands.sh");
    makeDirs(path.dirname(file));
    fs.writeFileSync(file, lines.join("\n"), { mode: 0o755 });
  }
}

export interface CompileFailure {
  readonly job: CompileJob;
  readonly output: string;
}

async function runJob(
  job: CompileJob,
  cwd: string,
  ctx: ExecContext,
): Promise<CompileFailure | undefined> {
  const result = await execCompile(
    { argv: job.argv, cwd, object: job.object, depfile: `${job.object}.d` },
    ctx,
  );
  return result.ok ? undefined : { job, output: result.output };
}

export async function compileAll(
  jobs: readonly CompileJob[],
  options: {
    readonly cwd: string;
    readonly parallel: number;
    readonly onProgress?: (done: number, total: number) => void;
    readonly exec?: ExecContext;
  },
): Promise<CompileFailure[]> {
  const results = await runPool(
    jobs.map((job) => () => runJob(job, options.cwd, options.exec ?? {})),
    options.parallel,
    options.onProgress,
  );
  return results.filter((r): r is CompileFailure => r !== undefined);
}

export type MeasureResult = { ok: true; symbols: SymbolSize[] } | { ok: false; message: string };

/** Reads the objects of one (config, side) and folds their symbols the bloat-o-meter way. */
export function measureObjects(objects: readonly string[]): MeasureResult {
  const lists: NmSymbol[][] = [];
  for (const object of objects) {
    const read = readElfSymbols(fs.readFileSync(object));
    if (!read.ok) return { ok: false, message: `${object}: ${read.message}` };
    lists.push(nmSizeSort(read.table));
  }
  return { ok: true, symbols: foldSymbols(lists) };
}

export interface HeaderSet {
  /** base, head, or what-if-<register>: the side's directory name. */
  readonly name: string;
  readonly files: readonly { readonly path: string; readonly contents: string }[];
}

export interface Runnable {
  readonly config: SizeConfig;
  readonly compiler: DetectedCompiler;
}

export interface BuildContext {
  readonly root: string;
  readonly cwd: string;
  readonly suite: Suite;
  readonly parallel: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** Launcher and object cache (none: compile everything directly). */
  readonly exec?: ExecContext;
}

/** Sizes per config name, then per side name. */
export type Measurements = ReadonlyMap<string, ReadonlyMap<string, readonly SymbolSize[]>>;

export type BuildResult =
  | { ok: true; sizes: Measurements }
  | { ok: false; failures: readonly CompileFailure[] }
  | { ok: false; message: string; failures?: undefined };

function writeHeaders(root: string, set: HeaderSet): Side {
  const dir = path.join(root, "headers", set.name);
  const includeDirs = new Set<string>();
  for (const file of set.files) {
    const target = path.join(dir, ...file.path.split("/"));
    makeDirs(path.dirname(target));
    fs.writeFileSync(target, file.contents);
    if (file.path.endsWith(".h")) includeDirs.add(path.dirname(target));
  }
  return { name: set.name, includeDirs: [...[...includeDirs].sort()] };
}

export async function buildAndMeasure(
  ctx: BuildContext,
  runnables: readonly Runnable[],
  headerSets: readonly HeaderSet[],
): Promise<BuildResult> {
  const sides = headerSets.map((set) => {
    const side = writeHeaders(ctx.root, set);
    return { ...side, includeDirs: [...side.includeDirs, ...ctx.suite.includeDirs] };
  });
  const jobs = planJobs(
    ctx.root,
    runnables.map((r) => ({ ...r, sides })),
    ctx.suite.sources,
  );
  writeCommandScripts(ctx.root, jobs, ctx.cwd);
  const failures = await compileAll(jobs, {
    cwd: ctx.cwd,
    parallel: ctx.parallel,
    onProgress: ctx.onProgress,
    exec: ctx.exec,
  });
  if (failures.length > 0) return { ok: false, failures };

  const sizes = new Map<string, Map<string, readonly SymbolSize[]>>();
  for (const { config } of runnables) {
    const perSide = new Map<string, readonly SymbolSize[]>();
    for (const side of sides) {
      const objects = jobs
        .filter((j) => j.config === config && j.side.name === side.name)
        .map((j) => j.object);
      const measured = measureObjects(objects);
      if (!measured.ok) return { ok: false, message: measured.message };
      perSide.set(side.name, measured.symbols);
    }
    sizes.set(config.name, perSide);
  }
  return { ok: true, sizes };
}

/** What a measuring run gives the report: the configs measured and skipped, every side's sizes. */
export interface Measured {
  readonly ok: true;
  readonly measured: MeasuredConfig[];
  readonly skipped: SkippedConfig[];
  readonly sizes: Measurements;
}
