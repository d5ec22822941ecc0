/*
 * The compilers as processes, shared by size and import: finding which
 * commands run (and their `--version`), running one compile (through an
 * optional launcher, from the object cache when every input is unchanged),
 * and a bounded pool of compiles. Edge: it spawns processes and reads and
 * writes the objects, dependency files and cache entries it is told to.
 */
import { execFile, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { compilerIdentity, FileHasher, lookup, ObjectCache, store } from "./object-cache";
import { makeDirs } from "../util/make-dirs";

export interface DetectedCompiler {
  readonly command: string;
  /** First line of `--version`, for the report. */
  readonly version: string;
}

/** Runs `command --version`: the compiler, or null when it does not run. */
export function probeCompiler(command: string): Promise<DetectedCompiler | null> {
  return new Promise((resolve) => {
    execFile(command, ["--version"], { encoding: "utf8" }, (error, stdout) => {
      resolve(error ? null : { command, version: (stdout.split("\n")[0] ?? "").trim() });
    });
  });
}

/** Every distinct command probed once, all at the same time. */
export async function probeCompilers(
  commands: readonly string[],
): Promise<ReadonlyMap<string, DetectedCompiler | null>> {
  const distinct = [...new Set(commands)];
  return new Map(
    await Promise.all(distinct.map(async (c) => [c, await probeCompiler(c)] as const)),
  );
}

/** Runs `command --version` (distcc and ccache both answer it): an error text, or undefined. */
export function probeLauncher(command: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, ["--version"], (error) =>
      resolve(error ? ((error as NodeJS.ErrnoException).code ?? error.message) : undefined),
    );
  });
}

/** What one process run gave: it ran (exit code, stdout and stderr), or it did not start. */
export type SpawnResult =
  | { readonly ran: true; readonly code: number | null; readonly output: string }
  | { readonly ran: false; readonly error: Error };

/** Output kept per process: the first errors are the useful ones. */
const MAX_OUTPUT = 1 << 20;

/** Runs argv in cwd, stdout and stderr collected together (at most MAX_OUTPUT characters). */
export function spawnCompiler(argv: readonly string[], cwd: string): Promise<SpawnResult> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const collect = (chunk: Buffer) => {
      if (output.length < MAX_OUTPUT) output += chunk.toString();
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", (error) => resolve({ ran: false, error }));
    child.on("close", (code) => resolve({ ran: true, code, output }));
  });
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

/** A fresh context: the launcher's words, the cache (when one is used), zeroed counts. */
export function execContext(
  launcher: readonly string[] | undefined,
  cache: ObjectCache | undefined,
): ExecContext {
  return {
    ...(launcher ? { launcher } : {}),
    ...(cache
      ? { cache: { cache, hasher: new FileHasher(), compilers: new Map(), placeholders: [] } }
      : {}),
    stats: { compiled: 0, cached: 0 },
  };
}

/**
 * The context for one run's private root: the root becomes a placeholder in
 * cache keys, and each compiler the run uses gets its identity.
 */
export function forRun(
  exec: ExecContext,
  root: string,
  compilers: readonly DetectedCompiler[],
  env: NodeJS.ProcessEnv,
): ExecContext {
  if (!exec.cache) return exec;
  const identities = new Map(exec.cache.compilers);
  for (const c of compilers) identities.set(c.command, compilerIdentity(c.command, c.version, env));
  return {
    ...exec,
    cache: { ...exec.cache, compilers: identities, placeholders: [[root, "@ROOT@"]] },
  };
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

/**
 * The dependency list of a make-style file as -MD writes it: every path
 * after the first `target:`, with `\`-newline continuations joined and `\ `
 * read as a space.
 */
export function parseDepfile(text: string): string[] {
  const joined = text.replace(/\\\r?\n/g, " ");
  const firstRule = joined.split(/\r?\n/)[0] ?? "";
  const colon = firstRule.search(/:(\s|$)/);
  if (colon < 0) return [];
  const words: string[] = [];
  let current = "";
  const body = firstRule.slice(colon + 1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "\\" && body[i + 1] === " ") {
      current += " ";
      i++;
    } else if (c === "$" && body[i + 1] === "$") {
      current += "$";
      i++;
    } else if (c === " " || c === "\t") {
      if (current) words.push(current);
      current = "";
    } else current += c;
  }
  if (current) words.push(current);
  return words;
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
  makeDirs(path.dirname(req.object));
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
  const run = await spawnCompiler([...(ctx.launcher ?? []), ...req.argv], req.cwd);
  if (!run.ran) return { ok: false, output: String(run.error) || "spawn failed" };
  if (run.code !== 0) return { ok: false, output: run.output || `exit ${run.code}` };
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
