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
import { readElfSymbols } from "./elf";
import { INSTALL_HINTS, SizeConfig } from "./matrix";
import { foldSymbols, nmSizeSort, NmSymbol, SymbolSize } from "./symbols";

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
        hint: INSTALL_HINTS[config.compiler],
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

function runJob(job: CompileJob, cwd: string): Promise<CompileFailure | undefined> {
  return new Promise((resolve) => {
    fs.mkdirSync(path.dirname(job.object), { recursive: true });
    const child = spawn(job.argv[0], job.argv.slice(1), { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", (error) => resolve({ job, output: String(error) }));
    child.on("close", (code) => resolve(code === 0 ? undefined : { job, output }));
  });
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
  },
): Promise<CompileFailure[]> {
  const results = await runPool(
    jobs.map((job) => () => runJob(job, options.cwd)),
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
