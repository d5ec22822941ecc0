/*
 * `regcache size --compile-commands FILE`: the command-side half of measuring
 * a real tree. It checks every option and input before anything is written
 * or compiled (exit 2 with all the problems), decides what each side puts
 * into the overlay (the generated header where --header says, and the
 * adoption step's kvm_cache_regs.h when the tree has not adopted the
 * generated block yet), runs the measurement (size/tree.ts) and hands back
 * one measured config for the shared report. The tree is only read.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { GeneratedFile } from "../../targets/types";
import { Diagnostic, formatDiagnostic, SourceFile } from "../../core/diagnostics/diagnostic";
import { ExitCode, Io } from "../io";
import { adoptGeneratedHeader, GENERATED_HEADER } from "../../adopt/adopt";
import { Measurements } from "../../size/build";
import { parseCompileDb, selectUnits, splitCommand, TranslationUnit } from "../../size/compile-db";
import { detectCompilers, DetectedCompiler, ExecContext } from "../../size/compile";
import { SizeConfig } from "../../size/matrix";
import { cacheFromEnv, compilerIdentity, FileHasher, trim } from "../../toolchain/object-cache";
import { sizeDiagnostic } from "../../size/messages";
import { OverlayFile } from "../../size/overlay";
import { MeasuredConfig, SkippedConfig } from "../../size/report";
import { inside, reachesDirectory } from "../../size/rewrite";
import { measureTree, planTree, TreeSide } from "../../size/tree";
import { makeScratchDir } from "../../toolchain/scratch";

/** The file a kernel spec's header stands for, below the tree's root. */
export const KERNEL_HEADER = `arch/x86/kvm/${GENERATED_HEADER}`;
/** The hand-written header the kernel includes the generated block from. */
const KERNEL_HOST = "kvm_cache_regs.h";

/** Options that pick compilers or configs: a compile database is one config. */
export const REFUSED_WITH_COMPILE_COMMANDS = [
  "compiler",
  "config",
  "config-file",
  "explain",
  "dispatch",
] as const;

const commandLine: SourceFile = { displayPath: "command line", text: "" };
const diag = (code: Parameters<typeof sizeDiagnostic>[0], ...args: (string | number)[]) =>
  sizeDiagnostic(code, commandLine, undefined, ...args);

export interface TreeOptions {
  readonly compileCommands: string;
  readonly header?: string;
  readonly units?: readonly string[];
  /** "tree": the tree's own header as base; anything else was generated. */
  readonly baseIsTree: boolean;
  readonly keep?: string;
}

export interface PreparedTree {
  readonly units: readonly TranslationUnit[];
  readonly treeRoot: string;
  readonly headerDir: string;
  readonly header: string;
  readonly sides: readonly [TreeSide, TreeSide];
  /** The recorded compiler of the first unit (argv[0]), probed by the caller. */
  readonly compiler: string;
}

/** The directory `rel` lies in, found by walking up from each unit's source: the tree's root. */
function findTreeRoot(units: readonly TranslationUnit[], relDir: string): string | undefined {
  const tried = new Set<string>();
  for (const unit of units) {
    for (let dir = path.dirname(unit.file); !tried.has(dir); dir = path.dirname(dir)) {
      tried.add(dir);
      try {
        if (fs.statSync(path.join(dir, relDir)).isDirectory()) return dir;
      } catch {
        // Not here; go up.
      }
      if (path.dirname(dir) === dir) break;
    }
  }
  return undefined;
}

/** The generated C headers, by file name (the overlay places them beside each other). */
function headersOf(files: readonly GeneratedFile[]): Map<string, string> {
  return new Map(
    files
      .filter((f) => f.path.endsWith(".h"))
      .map((f) => [path.posix.basename(f.path), f.contents]),
  );
}

/**
 * What one side puts into the overlaid directory: its generated headers and,
 * for a tree that has not adopted the generated block, the tree's
 * kvm_cache_regs.h with the block replaced by the include (adopt.ts).
 */
function sideFiles(
  headers: ReadonlyMap<string, string>,
  adopted: string | undefined,
): OverlayFile[] {
  const files = [...headers].map(([name, contents]) => ({ name, contents }));
  if (adopted !== undefined) files.push({ name: KERNEL_HOST, contents: adopted });
  return files.sort((a, b) => (a.name < b.name ? -1 : 1));
}

export function prepareTree(
  io: Io,
  options: TreeOptions,
  generated: { head: readonly GeneratedFile[]; base?: readonly GeneratedFile[] },
): { ok: true; tree: PreparedTree } | { ok: false; diagnostics: Diagnostic[] } {
  const fail = (...diagnostics: Diagnostic[]) => ({ ok: false as const, diagnostics });
  const dbPath = path.resolve(io.cwd, options.compileCommands);
  let text: string;
  try {
    text = fs.readFileSync(dbPath, "utf8");
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    return fail(
      diag("RC641", options.compileCommands, `cannot read it (${reason})`, "check the path"),
    );
  }
  const db = parseCompileDb(text);
  if (!db.ok)
    return fail(
      ...db.problems.map((p) =>
        diag("RC641", options.compileCommands, p, "see clang's JSON Compilation Database format"),
      ),
    );

  const headHeaders = headersOf(generated.head);
  const header = options.header ?? (headHeaders.has(GENERATED_HEADER) ? KERNEL_HEADER : undefined);
  if (header === undefined) return fail(diag("RC644", GENERATED_HEADER));
  const name = path.basename(header);
  const problems: Diagnostic[] = [];
  for (const [side, files] of [
    ["head", generated.head],
    ["base", generated.base],
  ] as const) {
    if (!files) continue;
    const names = [...headersOf(files).keys()];
    if (!names.includes(name))
      problems.push(diag("RC643", `${header} (${side})`, name, names.join(", ") || "no C header"));
  }
  let treeRoot: string | undefined;
  let headerDir: string | undefined;
  if (path.isAbsolute(header)) {
    headerDir = path.dirname(header);
    treeRoot = headerDir;
    if (!fs.existsSync(headerDir))
      problems.push(diag("RC642", header, headerDir, options.compileCommands));
  } else {
    treeRoot = findTreeRoot(db.units, path.dirname(header));
    if (treeRoot === undefined)
      problems.push(diag("RC642", header, path.dirname(header), options.compileCommands));
    else headerDir = path.join(treeRoot, path.dirname(header));
  }
  const globbed = selectUnits(db.units, options.units ?? [], treeRoot ?? "/");
  // Without globs, only units that can reach the header's directory (documented).
  const units =
    options.units === undefined && headerDir !== undefined
      ? globbed.filter((unit) => reachesDirectory(unit, headerDir!))
      : globbed;
  if (units.length === 0)
    problems.push(diag("RC646", options.compileCommands, (options.units ?? []).join(" ")));
  if (options.keep !== undefined) {
    const keep = path.resolve(io.cwd, options.keep);
    const read = [...new Set([...(treeRoot ? [treeRoot] : []), ...units.map((u) => u.directory)])];
    const within = read.find((dir) => inside(dir, keep) !== undefined);
    if (within) problems.push(diag("RC645", options.keep, within));
  }
  if (problems.length > 0 || !headerDir || !treeRoot) return fail(...problems);

  // Adoption: a tree whose host header lacks the include gets it in the overlay, per side.
  let adopted: string | undefined;
  const hostPath = path.join(headerDir, KERNEL_HOST);
  if (name === GENERATED_HEADER && fs.existsSync(hostPath)) {
    const hostText = fs.readFileSync(hostPath, "utf8");
    const includes = new RegExp(`^[ \\t]*#[ \\t]*include[ \\t]*"${GENERATED_HEADER}"`, "m");
    if (!includes.test(hostText)) {
      const result = adoptGeneratedHeader({ displayPath: hostPath, text: hostText });
      if (!result.ok) return fail(result.diagnostic);
      adopted = result.text;
    }
  }
  const head: TreeSide = { name: "head", files: sideFiles(headHeaders, adopted) };
  const base: TreeSide = options.baseIsTree
    ? { name: "base", files: [] }
    : { name: "base", files: sideFiles(headersOf(generated.base ?? []), adopted) };
  return {
    ok: true,
    tree: { units, treeRoot, headerDir, header, sides: [base, head], compiler: units[0].argv[0] },
  };
}

const RETPOLINE = /^-m(indirect-branch=thunk-extern|retpoline-external-thunk|retpoline)$/;
/** The flags that shape code generation (-O, -m, -f), as the report shows a config's flags. */
const codegenFlags = (argv: readonly string[]) => [
  ...new Set(argv.slice(1).filter((a) => /^-(O|m|f)/.test(a) && !a.includes("prefix-map="))),
];

/**
 * Compiles and measures; returns the one measured config, or the exit code
 * after printing why not.
 */
export async function measurePreparedTree(
  io: Io,
  tree: PreparedTree,
  ctx: {
    readonly root: string;
    readonly compiler: DetectedCompiler;
    readonly parallel: number;
    readonly exec: ExecContext;
    readonly onProgress?: (done: number, total: number) => void;
    readonly print: (diagnostics: readonly Diagnostic[]) => void;
  },
): Promise<{ ok: true; measured: MeasuredConfig } | { ok: false; exitCode: number }> {
  const planned = planTree({ ...tree, root: ctx.root });
  if (!planned.ok) {
    ctx.print(
      planned.problems.map((p) =>
        diag("RC651", `entry ${p.unit.index} (${p.unit.file})`, p.problem),
      ),
    );
    return { ok: false, exitCode: ExitCode.invalidInput };
  }
  const result = await measureTree({ ...tree, root: ctx.root }, planned.jobs, ctx);
  if (!result.ok) {
    if (result.kind === "overlay") {
      ctx.print(result.problems.map((p) => diag("RC652", p)));
      return { ok: false, exitCode: ExitCode.invalidInput };
    }
    for (const f of result.failures.slice(0, 5))
      io.stderr(`regcache size: compile failed:\n  ${f.argv.join(" ")}\n${f.output}\n`);
    if (result.failures.length > 5)
      io.stderr(`regcache size: ${result.failures.length - 5} more compile failures\n`);
    return { ok: false, exitCode: ExitCode.environment };
  }
  const m = result.measurement;
  if (m.measuredUnits.length === 0) {
    ctx.print([diag("RC647", tree.header)]);
    return { ok: false, exitCode: ExitCode.invalidInput };
  }
  io.stderr(
    `regcache size: ${m.measuredUnits.length} units include ${tree.header}` +
      (m.unaffectedUnits.length > 0
        ? `; ${m.unaffectedUnits.length} do not (compiled once, not reported)`
        : "") +
      "\n",
  );
  const first = tree.units[0].argv;
  return {
    ok: true,
    measured: {
      name: path.basename(ctx.compiler.command),
      compiler: /clang/i.test(ctx.compiler.version) ? "clang" : "gcc",
      command: ctx.compiler.command,
      compilerVersion: ctx.compiler.version,
      retpoline: first.some((a) => RETPOLINE.test(a)),
      flags: codegenFlags(first),
      base: m.base,
      head: m.head,
    },
  };
}

/** The report's config for a tree: named after the recorded compiler. */
export function treeConfig(tree: PreparedTree): SizeConfig {
  const first = tree.units[0].argv;
  return {
    name: path.basename(tree.compiler),
    compiler: /clang/.test(path.basename(tree.compiler)) ? "clang" : "gcc",
    commands: [tree.compiler],
    retpoline: first.some((a) => RETPOLINE.test(a)),
    flags: codegenFlags(first),
  };
}

interface OptionArgs {
  readonly compileCommands?: string;
  readonly header?: string;
  readonly units?: readonly string[];
  readonly base: string;
  readonly compiler?: readonly string[];
  readonly config?: readonly string[];
  readonly configFile?: string;
  readonly explain?: boolean;
  readonly dispatch?: readonly string[];
}

/** Options that contradict each other around --compile-commands; every problem at once. */
export function checkTreeOptions(args: OptionArgs): Diagnostic[] {
  const problems: Diagnostic[] = [];
  if (args.compileCommands !== undefined) {
    const given: Record<(typeof REFUSED_WITH_COMPILE_COMMANDS)[number], boolean> = {
      compiler: args.compiler !== undefined,
      config: args.config !== undefined,
      "config-file": args.configFile !== undefined,
      explain: Boolean(args.explain),
      dispatch: args.dispatch !== undefined,
    };
    for (const name of REFUSED_WITH_COMPILE_COMMANDS)
      if (given[name]) problems.push(diag("RC640", name));
  } else {
    if (args.base === "tree") problems.push(diag("RC649", "--base tree"));
    if (args.header !== undefined) problems.push(diag("RC649", "--header"));
    if (args.units !== undefined) problems.push(diag("RC649", "--units"));
  }
  return problems;
}

/** Runs `command --version` (distcc and ccache both answer it): an error text, or undefined. */
function probeLauncher(command: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, ["--version"], (error) =>
      resolve(error ? ((error as NodeJS.ErrnoException).code ?? error.message) : undefined),
    );
  });
}

/** The launcher and the object cache, checked before any work. */
export async function prepareExec(
  args: { readonly launcher?: string; readonly cache?: boolean },
  io: Io,
): Promise<{ ok: true; context: ExecContext } | { ok: false; diagnostics: Diagnostic[] }> {
  const problems: Diagnostic[] = [];
  const fromEnv = cacheFromEnv(io.env);
  if (!fromEnv.ok) problems.push(diag("RC650", fromEnv.problem));
  let launcher: string[] | undefined;
  if (args.launcher !== undefined) {
    launcher = splitCommand(args.launcher) ?? undefined;
    if (!launcher || launcher.length === 0)
      problems.push(diag("RC648", args.launcher, "not a command"));
    else {
      const failed = await probeLauncher(launcher[0]);
      if (failed) problems.push(diag("RC648", args.launcher, failed));
    }
  }
  if (problems.length > 0) return { ok: false, diagnostics: problems };
  const cache = args.cache !== false && fromEnv.ok ? fromEnv.cache : undefined;
  return {
    ok: true,
    context: {
      ...(launcher ? { launcher } : {}),
      ...(cache
        ? {
            cache: {
              cache,
              hasher: new FileHasher(),
              compilers: new Map(),
              placeholders: [],
            },
          }
        : {}),
      stats: { compiled: 0, cached: 0 },
    },
  };
}

/**
 * The context for one run's private root: the root becomes a placeholder in
 * cache keys, and each compiler the run uses gets its identity.
 */
export async function forRun(
  exec: ExecContext,
  root: string,
  compilers: readonly DetectedCompiler[],
  env: NodeJS.ProcessEnv,
): Promise<ExecContext> {
  if (!exec.cache) return exec;
  const identities = new Map(exec.cache.compilers);
  for (const c of compilers) identities.set(c.command, compilerIdentity(c.command, c.version, env));
  return {
    ...exec,
    cache: { ...exec.cache, compilers: identities, placeholders: [[root, "@ROOT@"]] },
  };
}

/**
 * Trims the cache to its bound; then one line on stderr saying what ran and
 * what the cache gave, when `verbose` (a tree run, which already reports its
 * units) or a launcher is in use. The handler-suite run stays quiet, as ccache does.
 */
export function reportExec(io: Io, exec: ExecContext, verbose: boolean): void {
  if (exec.cache) {
    try {
      trim(exec.cache.cache);
    } catch {
      // Trimming is housekeeping; a failure costs disk, never a figure.
    }
  }
  // Silent when neither is in use: the line is about the cache and the launcher.
  if (!exec.stats || (!exec.cache && !exec.launcher) || (!verbose && !exec.launcher)) return;
  const { compiled, cached } = exec.stats;
  const via = exec.launcher ? ` through ${exec.launcher.join(" ")}` : "";
  io.stderr(
    `regcache size: ${compiled} compiled${via}, ${cached} from the object cache` +
      (exec.cache ? ` (${exec.cache.cache.dir})` : " (cache off)") +
      "\n",
  );
}

/** Steps 5-6 for a tree: probe its compiler, compile both sides, measure. */
export async function runTree(
  io: Io,
  args: { readonly keep?: string; readonly jobs?: number },
  tree: PreparedTree,
  exec: ExecContext,
): Promise<
  | { ok: true; measured: MeasuredConfig[]; skipped: SkippedConfig[]; sizes: Measurements }
  | { ok: false; exitCode: number }
> {
  const { runnables } = await detectCompilers([treeConfig(tree)]);
  if (runnables.length === 0) {
    io.stderr(`regcache size: the database's compiler ${tree.compiler} does not run\n`);
    return { ok: false, exitCode: ExitCode.environment };
  }
  const compiler = runnables[0].compiler;
  const scratch = args.keep ? undefined : makeScratchDir("regcache-size-");
  const root = scratch ? scratch.path : path.resolve(io.cwd, args.keep!);
  try {
    fs.mkdirSync(root, { recursive: true });
    const result = await measurePreparedTree(io, tree, {
      root,
      compiler,
      parallel: args.jobs && args.jobs > 0 ? args.jobs : os.availableParallelism(),
      exec: await forRun(exec, root, [compiler], io.env),
      print: (diagnostics) => {
        const color = io.isTTY && !io.env.NO_COLOR;
        for (const d of diagnostics) io.stderr(formatDiagnostic(d, color));
      },
      ...(io.isTTY
        ? {
            onProgress: (done: number, total: number) =>
              io.stderr(`\rregcache size: ${done}/${total}${done === total ? "\r\x1b[K" : ""}`),
          }
        : {}),
    });
    if (!result.ok) return result;
    const sizes = new Map([
      [
        result.measured.name,
        new Map([
          ["base", result.measured.base],
          ["head", result.measured.head],
        ]),
      ],
    ]);
    return { ok: true, measured: [result.measured], skipped: [], sizes };
  } catch (err) {
    io.stderr(
      `regcache size: cannot write under ${root}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`,
    );
    return { ok: false, exitCode: ExitCode.environment };
  } finally {
    scratch?.remove();
  }
}
