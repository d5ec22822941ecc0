/*
 * Runs the compilers: finds each config's executable, compiles the handler
 * suite once per (config, side) in a bounded pool of child processes, and
 * measures the objects. This is an edge module (it spawns processes and reads
 * and writes files); the decisions it needs come in as data.
 *
 * Layout under the output root (a temp dir, or --keep DIR):
 *   <config>/<side>/<handler>.o     one object per handler source
 *   <config>/commands.sh            the exact commands, runnable by hand
 */
import { execFile, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { readElfSymbols } from "../toolchain/elf";
import { installHint, SizeConfig } from "./matrix";
import { FileHasher, lookup, ObjectCache, store } from "../toolchain/object-cache";
import { parseDepfile } from "./rewrite";
import { foldSymbols, nmSizeSort, NmSymbol, SymbolSize } from "../toolchain/symbols";

export interface DetectedCompiler {
  readonly command: string;
  /** First line of `--version`, for the report. */
  readonly version: string;
}

/** Runs `command --version`: the compiler, or null when it does not run. */
function probe(command: string): Promise<DetectedCompiler | null> {
  return new Promise((resolve) => {
    execFile(command, ["--version"], { encoding: "utf8" }, (error, stdout) => {
      resolve(error ? null : { command, version: (stdout.split("\n")[0] ?? "").trim() });
    });
  });
}

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
  const commands = [...new Set(configs.flatMap((c) => c.commands))];
  const found = new Map(await Promise.all(commands.map(async (c) => [c, await probe(c)] as const)));
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
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, lines.join("\n"), { mode: 0o755 });
  }
}

export interface CompileFailure {
  readonly job: CompileJob;
  readonly output: string;
}

/** How compiles run: an optional launcher before the compiler, an optional object cache. */
export interface ExecContext {
  /** argv words put before every compile (--launcher ccache, distcc), as CMake's COMPILER_LAUNCHER. */
  readonly launcher?: readonly string[];
  readonly cache?: CacheUse;
  /** Counts of what ran and what came from the cache, for the run's summary line. */
  readonly stats?: { compiled: number; cached: number };
}

export interface CacheUse {
  readonly cache: ObjectCache;
  readonly hasher: FileHasher;
  /** Compiler command (argv[0]) → identity for the key. */
  readonly compilers: ReadonlyMap<string, string>;
  /** The run's private path prefixes → placeholders (the key must not see a temp dir's name). */
  readonly placeholders: readonly (readonly [string, string])[];
}

export interface ExecRequest {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly object: string;
  /** The dependency file the argv writes (-MD -MF); required for caching. */
  readonly depfile?: string;
}

export type ExecResult =
  { ok: true; deps?: readonly string[]; cached: boolean } | { ok: false; output: string };

function spawnCompile(argv: readonly string[], cwd: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", (error) => resolve(String(error) || "spawn failed"));
    child.on("close", (code) => resolve(code === 0 ? undefined : output || `exit ${code}`));
  });
}

function readDeps(depfile: string, cwd: string): string[] | undefined {
  try {
    return parseDepfile(fs.readFileSync(depfile, "utf8")).map((d) => path.resolve(cwd, d));
  } catch {
    return undefined;
  }
}

/**
 * Runs one compile: from the cache when every input is unchanged, else
 * through the launcher (if any) and the compiler, then stored. Returns the
 * dependencies (absolute) when a dependency file was asked for.
 */
export async function execCompile(req: ExecRequest, ctx: ExecContext): Promise<ExecResult> {
  fs.mkdirSync(path.dirname(req.object), { recursive: true });
  const use = ctx.cache;
  const cacheReq =
    use && req.depfile
      ? {
          compiler: use.compilers.get(req.argv[0]) ?? req.argv[0],
          cwd: req.cwd,
          argv: req.argv,
          placeholders: use.placeholders,
          object: req.object,
          depfile: req.depfile,
        }
      : undefined;
  if (use && cacheReq) {
    const deps = lookup(use.cache, cacheReq, use.hasher);
    if (deps) {
      if (ctx.stats) ctx.stats.cached++;
      return { ok: true, deps, cached: true };
    }
  }
  const failed = await spawnCompile([...(ctx.launcher ?? []), ...req.argv], req.cwd);
  if (failed !== undefined) return { ok: false, output: failed };
  if (ctx.stats) ctx.stats.compiled++;
  const deps = req.depfile ? readDeps(req.depfile, req.cwd) : undefined;
  if (use && cacheReq && deps) {
    try {
      store(use.cache, cacheReq, deps, use.hasher);
    } catch {
      // An unwritable cache costs speed, never a figure.
    }
  }
  return { ok: true, deps, cached: false };
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

/** Runs tasks with at most `limit` in flight; results keep the tasks' order. */
export async function runPool<T>(
  tasks: readonly (() => Promise<T>)[],
  limit: number,
  onDone?: (done: number, total: number) => void,
): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
      onDone?.(++done, tasks.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker));
  return results;
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
