/*
 * `regcache size`: build the handler suite against headers generated from
 * --spec (head) and from --base (default: the same spec, --all-cached), on
 * every config of the matrix, and report per-function sizes the way
 * scripts/bloat-o-meter does — as text, markdown, json or html, optionally
 * checked against a budget. Exit codes: 0 ok, 1 budget breached, 2 bad
 * input (spec, budget, config file, options), 3 environment (no compiler,
 * compile failure, git missing, unwritable output).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Argv } from "yargs";
import { loadModel } from "../../generate/produce";
import type { GeneratedFile } from "../../targets/types";
import { displayPathOf } from "../common";
import { Diagnostic, formatDiagnostic, SourceFile } from "../../core/diagnostics/diagnostic";
import { ExitCode, Io } from "../io";
import { packageRoot } from "../../util/paths";
import { checkBudget, checkBudgetConfigs, parseBudget } from "../../size/budget";
import { buildAndMeasure, HeaderSet, Measurements } from "../../size/build";
import { detectCompilers, ExecContext } from "../../size/compile";
import { explainRows, planWhatIfs, registersReached } from "../../size/explain";
import { renderReport, ReportFormat, REPORT_FORMATS } from "../../size/formats";
import {
  defaultConfigs,
  DISPATCH_STYLES,
  DispatchStyle,
  mergeConfigs,
  parseConfigFile,
  selectConfigs,
  SizeConfig,
  withDispatch,
} from "../../size/matrix";
import { sizeDiagnostic } from "../../size/messages";
import { checkOutPath, prepareKeepDir, recordKeepDir } from "../../size/output";
import {
  ASCII_MINUS,
  buildReport,
  formatLimit,
  formatMeasured,
  MeasuredConfig,
  SkippedConfig,
} from "../../size/report";
import { generateSides } from "../../size/sides";
import { parseBaseOption } from "../../size/sources";
import { findSuite, Suite } from "../../size/suite";
import { accessorCalls, missingRegisters } from "../../size/suite-registers";
import { PROJECT_FILE } from "../project";
import { loadProject } from "../common";
import {
  firstProblem,
  positiveInteger,
  readableFile,
  writableDirectory,
  writableFile,
  type Prepared,
} from "../usage";
import { resolveSpecArg } from "../../generate/specs";
import { makeScratchDir } from "../../toolchain/scratch";
import {
  checkTreeOptions,
  forRun,
  KERNEL_HEADER,
  PreparedTree,
  prepareExec,
  prepareTree,
  reportExec,
  runTree,
  treeConfig,
} from "./size-tree";

export interface SizeArgs {
  /** From the project file when not given (prepare); DEFAULT_BASE applied in run(), so --objects can tell what was given. */
  readonly spec?: string;
  readonly base?: string;
  readonly objects?: readonly string[];
  readonly compiler?: readonly string[];
  readonly config?: readonly string[];
  readonly configFile?: string;
  readonly dispatch?: readonly DispatchStyle[];
  readonly format: ReportFormat;
  readonly out?: string;
  readonly budget?: string;
  readonly keep?: string;
  readonly jobs?: number;
  readonly explain?: boolean;
  readonly compileCommands?: string;
  readonly header?: string;
  readonly units?: readonly string[];
  readonly launcher?: string;
  readonly cache?: boolean;
}

export function builder(y: Argv): Argv<SizeArgs> {
  return y
    .option("spec", {
      type: "string",
      describe: "The spec head is generated from (default: the project file's 'spec')",
    })
    .option("base", {
      type: "string",
      describe:
        "What to compare against: all-cached (default; the same spec, every accessor cached), a spec FILE, or git:REV[:PATH]",
    })
    .option("objects", {
      type: "string",
      array: true,
      describe:
        "Compare two object files, or two directories of .o matched by relative path, as built: --objects OLD NEW",
    })
    .option("compiler", {
      type: "string",
      array: true,
      describe: "Compiler families to run, e.g. gcc,clang (default: all)",
    })
    .option("config", {
      type: "string",
      array: true,
      describe: "Config names to run (default: all in the matrix)",
    })
    .option("dispatch", {
      choices: DISPATCH_STYLES,
      array: true,
      describe:
        "How cache_reg is called, as a matrix dimension: pointer (the ops table, default), static_call (a direct call chosen at build time); give both to compare",
    })
    .option("config-file", {
      type: "string",
      describe: "YAML/JSON file adding configs to the matrix",
    })
    .option("format", {
      choices: REPORT_FORMATS,
      default: "text" as ReportFormat,
      describe: "Report format",
    })
    .option("out", { type: "string", describe: "Write the report to FILE instead of stdout" })
    .option("budget", { type: "string", describe: "YAML/JSON budget file; exit 1 on any breach" })
    .option("keep", {
      type: "string",
      describe: "Keep headers, objects and compile commands under DIR",
    })
    .option("jobs", {
      type: "string",
      coerce: positiveInteger("jobs"),
      describe: "Parallel compiles, a whole number ≥ 1 (default: the number of cores)",
    })
    .option("explain", {
      type: "boolean",
      describe: "Rank lazily loaded registers by the bytes making each always available would save",
    })
    .option("compile-commands", {
      type: "string",
      describe:
        "Measure a real tree: compile the units of this compile_commands.json with their own commands (the tree is only read)",
    })
    .option("header", {
      type: "string",
      describe: `With --compile-commands: the file in the tree the generated header stands for (default for kernel specs: ${KERNEL_HEADER})`,
    })
    .option("units", {
      type: "string",
      array: true,
      describe:
        "With --compile-commands: globs picking the units (default: all; those including the header are reported)",
    })
    .option("launcher", {
      type: "string",
      describe:
        "Put this command before every compile, e.g. ccache or distcc (as CMake's COMPILER_LAUNCHER)",
    })
    .option("cache", {
      type: "boolean",
      default: true,
      describe: "Reuse objects whose inputs are unchanged (--no-cache to compile everything)",
    })
    .example("regcache size", "gcc and clang, plain and retpoline, spec vs all-cached")
    .example(
      "regcache size --spec spec/linux-6.1.yaml --compile-commands BUILD/compile_commands.json",
      "A kernel's KVM, built with its own commands, spec vs all-cached",
    )
    .example(
      "regcache size --base git:HEAD --format markdown",
      "What did my uncommitted spec change do?",
    ) as unknown as Argv<SizeArgs>;
}

/**
 * Everything checkable before a compile (commands/usage.ts): the spec (from
 * the project file unless --spec), the files size will read, the paths it
 * will write. No side effects.
 */
export function prepare(args: SizeArgs, io: Io): Prepared<SizeArgs> {
  // --objects measures what was built: no spec; the paths are paired and read in size-objects.ts.
  if (args.objects !== undefined)
    return firstProblem(args, [
      args.objects.length === 2
        ? undefined
        : { message: `--objects takes two paths, OLD and NEW; got ${args.objects.length}` },
      ...givenOptions(args, COMPILE_OPTIONS).map((o) => ({
        message: `--${o} does not apply to --objects (the objects are measured as built)`,
        help: "with --objects only --format, --out and --budget apply",
      })),
      args.out !== undefined ? writableFile(io, "out", args.out) : undefined,
      args.budget !== undefined ? readableFile(io, "budget", args.budget) : undefined,
    ]);
  const loaded = loadProject(io);
  if (!loaded.ok)
    return {
      ok: false,
      message: `the project file ${loaded.diagnostics[0]!.file.displayPath} is invalid`,
      help: "fix the problems above (the project file is found by walking up from the working directory)",
      diagnostics: loaded.diagnostics,
    };
  const spec =
    args.spec ??
    loaded.project?.bundledSpec ??
    (loaded.project ? path.relative(io.cwd, loaded.project.spec) || "." : undefined);
  if (spec === undefined) {
    return {
      ok: false,
      message: `no --spec given, and no ${PROJECT_FILE} in ${io.cwd} or any directory above it`,
      help: `run with --spec FILE (or a bundled spec's name, --spec NAME: see regcache specs), or write ${PROJECT_FILE} at your project's top ('spec: path/to/spec.yaml'); see README.md "Project file"`,
    };
  }
  // The spec, --base, --config-file and --budget are read (and diagnosed, RC001/RC600)
  // before any compile starts; what is written after the compiles is checked here.
  // --keep must also be new, empty or an earlier --keep run's (output.ts; checked, not cleared, here).
  const keepProblem =
    args.keep !== undefined ? prepareKeepDir(io.cwd, args.keep, { dryRun: true }) : undefined;
  return firstProblem({ ...args, spec }, [
    args.out !== undefined ? writableFile(io, "out", args.out) : undefined,
    args.keep !== undefined ? writableDirectory(io, "keep", args.keep) : undefined,
    args.compileCommands !== undefined
      ? readableFile(io, "compile-commands", args.compileCommands)
      : undefined,
    keepProblem !== undefined ? { message: keepProblem } : undefined,
  ]);
}

function printDiagnostics(io: Io, diagnostics: readonly Diagnostic[]): void {
  const color = io.isTTY && !io.env.NO_COLOR;
  for (const d of diagnostics) io.stderr(formatDiagnostic(d, color));
}

function readSource(
  io: Io,
  file: string,
): { ok: true; file: SourceFile } | { ok: false; diagnostic: Diagnostic } {
  try {
    return {
      ok: true,
      file: { displayPath: file, text: fs.readFileSync(path.resolve(io.cwd, file), "utf8") },
    };
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    return {
      ok: false,
      diagnostic: sizeDiagnostic("RC600", { displayPath: file, text: "" }, undefined, file, reason),
    };
  }
}

/** RC619 for every register a side's spec lacks but the suite calls an accessor of. */
function checkSuiteRegisters(
  io: Io,
  suite: Suite,
  sides: {
    head: readonly GeneratedFile[];
    base: readonly GeneratedFile[];
    baseLabel: string;
    headRegisters: ReadonlySet<string>;
    baseRegisters: ReadonlySet<string>;
  },
  specLabel: string,
): Diagnostic[] {
  const read = (file: string) => {
    try {
      return fs.readFileSync(file, "utf8");
    } catch {
      return "";
    }
  };
  const calls = accessorCalls(
    suite.sources.map((file) => ({ path: displayPathOf(io, file), text: read(file) })),
  );
  const runtimeHeaders = suite.includeDirs.flatMap((dir) => {
    try {
      return fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".h"))
        .map((f) => read(path.join(dir, f)));
    } catch {
      return [];
    }
  });
  const diagnostics: Diagnostic[] = [];
  // An all-cached base is the head spec itself: one report of its registers is enough.
  const checked = [
    [specLabel, sides.head, sides.headRegisters] as const,
    ...(sides.baseLabel === "all-cached"
      ? []
      : [[sides.baseLabel, sides.base, sides.baseRegisters] as const]),
  ];
  for (const [label, files, registers] of checked) {
    const missing = missingRegisters(calls, registers, [
      ...files.map((f) => f.contents),
      ...runtimeHeaders,
    ]);
    for (const call of missing)
      if (
        !diagnostics.some((d) =>
          d.message.startsWith(`${label} has no register '${call.register}'`),
        )
      )
        diagnostics.push(
          sizeDiagnostic(
            "RC619",
            { displayPath: label, text: "" },
            undefined,
            label,
            call.register,
            `${call.path}:${call.line}:${call.column}`,
            call.call,
          ),
        );
  }
  return diagnostics;
}

const splitList = (values: readonly string[] | undefined) =>
  (values ?? [])
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");

const DEFAULT_BASE = "all-cached";

/** Options that only mean something when regcache compiles (refused with --objects). */
const COMPILE_OPTIONS = [
  "spec",
  "base",
  "compiler",
  "config",
  "configFile",
  "keep",
  "jobs",
  "explain",
] as const;

/** The options among `names` the user gave, as spelled on the command line. */
function givenOptions(given: SizeArgs, names: readonly (keyof SizeArgs)[]): string[] {
  return names
    .filter((o) => given[o] !== undefined)
    .map((o) => o.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
}

/** `regcache size merge A.json B.json …` (generator/cli/commands/size-merge.ts). */
export const subcommands = [
  {
    command: "merge [reports..]",
    describe: "Merge the JSON reports of CI jobs that each ran part of the matrix into one report",
    builder: (y: Argv) =>
      y
        .positional("reports", {
          type: "string",
          array: true,
          describe: "JSON reports (--format json)",
        })
        .example(
          "regcache size merge gcc.json clang.json --format markdown",
          "One PR comment from two CI jobs",
        ),
    prepare: (args: SizeArgs & { reports?: string[] }, io: Io): Prepared<SizeArgs> =>
      firstProblem(args, [
        ...givenOptions(args, [...COMPILE_OPTIONS, "objects"]).map((o) => ({
          message: `--${o} does not apply to size merge (the reports were measured by the jobs)`,
          help: "with size merge only --format, --out and --budget apply",
        })),
        args.out !== undefined ? writableFile(io, "out", args.out) : undefined,
        args.budget !== undefined ? readableFile(io, "budget", args.budget) : undefined,
      ]),
    run: async (given: SizeArgs & { reports?: string[] }, io: Io): Promise<number> => {
      const { runMerge } = await import("./size-merge");
      return runMerge(
        {
          ...given,
          reports: given.reports ?? [],
          conflicting: givenOptions(given, [...COMPILE_OPTIONS, "objects"]),
        },
        io,
      );
    },
  },
];

export async function run(given: SizeArgs, io: Io): Promise<number> {
  if (given.objects !== undefined) {
    const conflicting = givenOptions(given, COMPILE_OPTIONS);
    const { runObjects } = await import("./size-objects");
    return runObjects({ ...given, objects: given.objects, conflicting }, io);
  }
  if (given.spec === undefined) {
    // Called without prepare (in-process callers): complete the spec the same way.
    const prepared = prepare(given, io);
    if (!prepared.ok) {
      io.stderr(`regcache size: error: ${prepared.message}\n`);
      return ExitCode.invalidInput;
    }
    given = prepared.args;
  }
  const args = { ...given, spec: given.spec ?? "", base: given.base ?? DEFAULT_BASE };
  const usage = (d: Diagnostic) => (printDiagnostics(io, [d]), ExitCode.invalidInput);
  const argsFile: SourceFile = { displayPath: "command line", text: "" };

  // 0. A compile database is one config; the cache and the launcher are checked up front.
  const treeMode = args.compileCommands !== undefined;
  const optionProblems = checkTreeOptions(args);
  if (optionProblems.length > 0)
    return (printDiagnostics(io, optionProblems), ExitCode.invalidInput);
  const exec = await prepareExec(args, io);
  if (!exec.ok) return (printDiagnostics(io, exec.diagnostics), ExitCode.invalidInput);

  // 1. The matrix.
  let all: SizeConfig[] = treeMode ? [] : defaultConfigs();
  if (args.configFile) {
    const read = readSource(io, args.configFile);
    if (!read.ok) return usage(read.diagnostic);
    const parsed = parseConfigFile(read.file);
    if (!parsed.ok) return (printDiagnostics(io, parsed.diagnostics), ExitCode.invalidInput);
    all = mergeConfigs(all, parsed.configs);
  }
  const selected = selectConfigs(all, {
    compilers: splitList(args.compiler),
    names: splitList(args.config),
  });
  if (!selected.ok) {
    printDiagnostics(
      io,
      selected.problems.map((p) => sizeDiagnostic(p.code, argsFile, undefined, ...p.args)),
    );
    return ExitCode.invalidInput;
  }

  // 2. Budget (checked before any compile, so a typo fails fast).
  let budget: ReturnType<typeof parseBudget> | undefined;
  if (args.budget) {
    const read = readSource(io, args.budget);
    if (!read.ok) return usage(read.diagnostic);
    budget = parseBudget(read.file);
    const problems = budget.ok
      ? checkBudgetConfigs(
          budget.budget,
          all.map((c) => c.name),
        )
      : budget.diagnostics;
    if (problems.length > 0) return (printDiagnostics(io, problems), ExitCode.invalidInput);
  }

  // Where the report and --keep go, checked before any compile.
  if (args.out) {
    const problem = checkOutPath(io.cwd, args.out);
    if (problem) return (io.stderr(`regcache size: error: ${problem}\n`), ExitCode.invalidInput);
  }
  if (args.keep) {
    const problem = prepareKeepDir(io.cwd, args.keep, { dryRun: true });
    if (problem) return (io.stderr(`regcache size: error: ${problem}\n`), ExitCode.invalidInput);
  }

  // 3. Head and base headers, generated while the compilers are probed.
  const baseIsTree = treeMode && args.base === "tree";
  const base = baseIsTree ? ({ kind: "all-cached" } as const) : parseBaseOption(args.base);
  if (!base) return usage(sizeDiagnostic("RC615", argsFile, undefined, args.base));
  // The dispatch dimension multiplies the selected configs (matrix.ts withDispatch).
  const configs = withDispatch(selected.configs, args.dispatch ?? []);
  const compilers = detectCompilers(configs);
  const specPath = resolveSpecArg(io.cwd, args.spec).specPath;
  const generated = generateSides({ cwd: io.cwd, spec: args.spec, base });
  if (!generated.ok) return (printDiagnostics(io, generated.diagnostics), generated.exitCode);
  const sides = baseIsTree ? { ...generated, base: [], baseLabel: "tree" } : generated;
  let tree: PreparedTree | undefined;
  if (args.compileCommands !== undefined) {
    const prepared = prepareTree(
      io,
      { ...args, compileCommands: args.compileCommands, baseIsTree },
      { head: sides.head, ...(baseIsTree ? {} : { base: sides.base }) },
    );
    if (!prepared.ok) return (printDiagnostics(io, prepared.diagnostics), ExitCode.invalidInput);
    tree = prepared.tree;
    all = [treeConfig(tree)];
  } else {
    // The handler suite includes c/kvm_cache_regs.h; a kernel spec writes only the kernel's block.
    for (const [side, files] of [
      [args.spec, sides.head],
      [args.base ?? "all-cached", sides.base],
    ] as const) {
      if (!files.some((f) => f.path === "c/kvm_cache_regs.h"))
        return usage(
          sizeDiagnostic("RC660", argsFile, undefined, side === "all-cached" ? args.spec : side),
        );
    }
  }
  const headerSets: HeaderSet[] = [
    { name: "base", files: sides.base },
    { name: "head", files: sides.head },
  ];

  // 4. What-if header sets for --explain.
  let whatIfs: ReturnType<typeof planWhatIfs> | undefined;
  let unreached: { name: string; lazyIn: readonly string[] }[] = [];
  if (args.explain) {
    const loaded = loadModel({ specPath, displayPath: args.spec });
    if (!loaded.ok) return (printDiagnostics(io, loaded.diagnostics), ExitCode.invalidInput);
    const lazy = loaded.model.registers.filter((r) => r.lazyIn.length > 0);
    // Only registers the handler suite reaches through the cache can change its size.
    const suite = findSuite(packageRoot());
    const reached = suite.ok
      ? registersReached(
          loaded.model,
          lazy.map((r) => r.name),
          suite.suite.sources.map((p) => ({ path: p, text: fs.readFileSync(p, "utf8") })),
        )
      : new Set(lazy.map((r) => r.name));
    unreached = lazy.filter((r) => !reached.has(r.name));
    whatIfs = planWhatIfs(
      { specPath, displayPath: args.spec, text: loaded.specText },
      lazy.filter((r) => reached.has(r.name)),
    );
    if (!whatIfs.ok) return (printDiagnostics(io, whatIfs.diagnostics), ExitCode.invalidInput);
    headerSets.push(...whatIfs.whatIfs.map((w) => w.headers));
  }

  // The handler suite's accessor calls against each side's registers (RC619), before compiling.
  if (!tree) {
    const found = findSuite(packageRoot());
    if (found.ok) {
      const dropped = checkSuiteRegisters(io, found.suite, sides, args.spec);
      if (dropped.length > 0) return (printDiagnostics(io, dropped), ExitCode.invalidInput);
    }
  }

  // 5-6. Compile and measure: the handler suite over the matrix, or the tree's units.
  const ran = tree
    ? await runTree(io, args, tree, exec.context)
    : await runSuite(io, args, await compilers, headerSets, exec.context);
  if (!ran.ok) return ran.exitCode;
  const { measured, skipped, sizes } = ran;
  reportExec(io, exec.context, tree !== undefined);

  // 7. Report, budget, output.
  let report = buildReport({
    spec: args.spec,
    base: sides.baseLabel,
    measured,
    skipped,
    baseFiles: sides.base,
    headFiles: sides.head,
    ...(whatIfs?.ok
      ? {
          explain: explainRows(
            whatIfs.whatIfs,
            measured.map((m) => m.name),
            sizes,
            unreached,
          ),
        }
      : {}),
  });
  let breached = false;
  if (budget?.ok) {
    const checked = checkBudget(
      budget.budget,
      report.configs,
      all.map((c) => c.name),
    );
    if (!checked.ok) return (printDiagnostics(io, checked.diagnostics), ExitCode.invalidInput);
    report = { ...report, budget: { file: args.budget ?? "", breaches: checked.breaches } };
    breached = checked.breaches.length > 0;
    for (const b of checked.breaches)
      io.stderr(
        `regcache size: budget breach: ${b.config}: ${b.target}: ${formatMeasured(b, ASCII_MINUS)}, limit ${formatLimit(b, ASCII_MINUS)}\n`,
      );
  }

  const color = !args.out && io.isTTY && !io.env.NO_COLOR;
  const text = renderReport(report, args.format, { color });
  if (args.out) {
    try {
      const target = path.resolve(io.cwd, args.out);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, text);
    } catch (err) {
      io.stderr(
        `regcache size: cannot write ${args.out}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`,
      );
      return ExitCode.environment;
    }
    io.stderr(`regcache size: wrote ${args.out}\n`);
  } else io.stdout(text);
  return breached ? ExitCode.different : ExitCode.ok;
}

type Ran =
  | {
      ok: true;
      measured: MeasuredConfig[];
      skipped: SkippedConfig[];
      sizes: Measurements;
    }
  | { ok: false; exitCode: number };

/** Steps 5-6 for the handler suite: every runnable config, every header set. */
async function runSuite(
  io: Io,
  args: SizeArgs,
  { runnables, skipped }: Awaited<ReturnType<typeof detectCompilers>>,
  headerSets: readonly HeaderSet[],
  exec: ExecContext,
): Promise<Ran> {
  // 5. Compilers: a missing one is skipped with its install hint.
  for (const s of skipped)
    io.stderr(`regcache size: skipping ${s.name}: ${s.reason} (install: ${s.hint})\n`);
  if (runnables.length === 0) {
    io.stderr("regcache size: no configured compiler is installed\n");
    return { ok: false, exitCode: ExitCode.environment };
  }
  const found = findSuite(packageRoot());
  if (!found.ok) {
    io.stderr(`regcache size: ${found.message}\n`);
    return { ok: false, exitCode: ExitCode.environment };
  }
  const suite = found.suite;

  // 6. Build and measure.
  const scratch = args.keep ? undefined : makeScratchDir("regcache-size-");
  const root = scratch ? scratch.path : path.resolve(io.cwd, args.keep!);
  let built;
  try {
    if (args.keep) prepareKeepDir(io.cwd, args.keep);
    fs.mkdirSync(root, { recursive: true });
    const progress = io.isTTY
      ? (done: number, total: number) =>
          io.stderr(`\rregcache size: compiled ${done}/${total}${done === total ? "\r\x1b[K" : ""}`)
      : undefined;
    built = await buildAndMeasure(
      {
        root,
        cwd: io.cwd,
        suite,
        parallel: args.jobs && args.jobs > 0 ? args.jobs : os.availableParallelism(),
        onProgress: progress,
        exec: await forRun(
          exec,
          root,
          runnables.map((r) => r.compiler),
          io.env,
        ),
      },
      runnables,
      headerSets,
    );
  } catch (err) {
    io.stderr(
      `regcache size: cannot write under ${root}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`,
    );
    return { ok: false, exitCode: ExitCode.environment };
  } finally {
    if (scratch) scratch.remove();
    else if (fs.existsSync(root)) recordKeepDir(root);
  }
  if (!built.ok) {
    if (built.failures) {
      for (const f of built.failures.slice(0, 5)) {
        io.stderr(
          `regcache size: ${f.job.config.name}/${f.job.side.name}: compile failed:\n  ${f.job.argv.join(" ")}\n${f.output}\n`,
        );
      }
      if (built.failures.length > 5)
        io.stderr(`regcache size: ${built.failures.length - 5} more compile failures\n`);
    } else io.stderr(`regcache size: ${built.message}\n`);
    return { ok: false, exitCode: ExitCode.environment };
  }

  const sizes = built.sizes;
  const measured: MeasuredConfig[] = runnables.map(({ config, compiler }) => ({
    name: config.name,
    compiler: config.compiler,
    command: compiler.command,
    compilerVersion: compiler.version,
    retpoline: config.retpoline,
    flags: config.flags,
    base: sizes.get(config.name)?.get("base") ?? [],
    head: sizes.get(config.name)?.get("head") ?? [],
  }));
  // A promised handler missing from the objects would make the report quietly incomplete.
  for (const m of measured) {
    for (const side of ["base", "head"] as const) {
      const names = new Set(m[side].map((s) => s.name));
      const missing = suite.functions.filter((f) => !names.has(f));
      if (missing.length > 0) {
        io.stderr(
          `regcache size: warning: ${m.name}/${side}: handlers.json lists ${missing.join(", ")}, not found in the objects\n`,
        );
      }
    }
  }
  return { ok: true, measured, skipped, sizes };
}
