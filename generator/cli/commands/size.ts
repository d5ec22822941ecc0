/*
 * `regcache size`: the adapter from options to size/run.ts. Declares the
 * options, completes and checks them (the spec from the project file unless
 * --spec; the files it reads and the paths it writes), calls runSize, and
 * prints through cli/print.ts. `--objects` runs size-objects.ts and
 * `size merge` size-merge.ts. Exit codes: 0 ok, 1 budget breached, 2 bad
 * input (spec, budget, config file, options), 3 environment (no compiler,
 * compile failure, git missing, unwritable output).
 */
import type { Argv } from "yargs";
import { REPORT_FORMATS, ReportFormat } from "../../size/formats/render";
import { DISPATCH_STYLES, DispatchStyle } from "../../size/inputs/matrix";
import { prepareKeepDir } from "../../size/inputs/output";
import { KERNEL_HEADER } from "../../size/inputs/tree";
import { runSize } from "../../size/run";
import { noSpecProblem, projectOrProblem, specOf } from "../common";
import { ExitCode, Io } from "../io";
import { printProblems, runSizeCommand, sizeHooks } from "../print";
import {
  firstProblem,
  positiveInteger,
  readableFile,
  writableDirectory,
  writableFile,
  type Prepared,
} from "../usage";
import { mergeCommand } from "./size-merge";
import { prepareObjects, runObjectsCommand } from "./size-objects";

const PROGRAM = "regcache size";

export interface SizeArgs {
  /** From the project file when not given (prepare); size/run.ts defaults --base, so --objects can tell what was given. */
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
        "Measure a real tree: compile the units of this compile_commands.json with their own commands (the tree is only read); where the tree's register enum or backend sets disagree with the spec, a warning per difference goes to stderr first (the report and the exit code do not change)",
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
 * Everything checkable before a compile (cli/usage.ts): the spec (from
 * the project file unless --spec), the files size will read, the paths it
 * will write. No side effects.
 */
export function prepare(args: SizeArgs, io: Io): Prepared<SizeArgs> {
  // --objects measures what was built: no spec (size-objects.ts).
  if (args.objects !== undefined) return prepareObjects({ ...args, objects: args.objects }, io);
  const loaded = projectOrProblem(io);
  if (!loaded.ok) return loaded;
  const spec = specOf(io, args.spec, loaded.project);
  if (spec === undefined) return noSpecProblem(io.cwd, "--spec FILE", "'spec: path/to/spec.yaml'");
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

/** `regcache size merge A.json B.json …` (size-merge.ts). */
export const subcommands = [mergeCommand];

export async function run(given: SizeArgs, io: Io): Promise<number> {
  if (given.objects !== undefined)
    return runObjectsCommand({ ...given, objects: given.objects }, io);
  // Called without prepare (in-process callers): complete the spec the same way.
  const prepared = given.spec === undefined ? prepare(given, io) : undefined;
  if (prepared?.ok === false) {
    printProblems(io, PROGRAM, [prepared.message]);
    return ExitCode.invalidInput;
  }
  const args = prepared?.args ?? given;
  // The request names the matrix options in the plural (size/run.ts).
  const { compiler, config, ...rest } = args;
  return runSizeCommand(io, PROGRAM, [], args, () =>
    runSize({
      ...sizeHooks(io, PROGRAM),
      ...rest,
      cwd: io.cwd,
      env: io.env,
      spec: args.spec ?? "",
      compilers: compiler,
      configs: config,
    }),
  );
}
