/*
 * `regcache generate`: spec → files in the output directory, writing only what
 * changed and removing files of ours that the spec no longer produces. The
 * options that pick what is generated (targetOptions) and one regeneration
 * (regenerate) are shared with `check` and `watch`.
 */
import type { Argv } from "yargs";
import { generateAll, type GenerateResult } from "../../generate/produce";
import { outputCacheFromEnv } from "../../generate/output-cache";
import { describePlan } from "../../output/plan-report";
import { ExitCode, exitCodeOf, type Io } from "../io";
import { currentText, type ApplyHooks } from "../../output/writer";
import type { LockOptions } from "../../output/lock";
import { writeProduced, type Regeneration } from "../../output/regenerate";
import {
  completeTargetArgs,
  locate,
  printDiagnostics,
  projectOrProblem,
  shellWord,
  type ParsedTargetArgs,
  type SpecLocation,
  type TargetArgs,
} from "../common";
import {
  directoryOrAbsent,
  firstProblem,
  writableDirectory,
  type Prepared,
  type UsageProblem,
} from "../usage";

export type { TargetArgs };

export interface GenerateArgs extends TargetArgs {
  readonly dryRun: boolean;
}

/** The options generate, check and watch share; none has a yargs default (see prepareTarget). */
export function targetOptions(y: Argv): Argv<ParsedTargetArgs> {
  return y
    .option("spec", {
      type: "string",
      describe: `Register spec (YAML) to generate from (default: the project file's 'spec')`,
      normalize: false,
    })
    .option("out", {
      type: "string",
      describe: `Output directory (default: the project file's 'out', else generated)`,
    })
    .option("c-style", {
      choices: ["macro", "expanded"] as const,
      describe:
        "macro: a BUILD_KVM_GPR_ACCESSORS macro and its invocations; expanded: one function per accessor (default macro)",
    })
    .option("all-cached", {
      type: "boolean",
      describe:
        "Route every GPR accessor through the cached path (the code before the seed patch; the size report's base)",
    }) as unknown as Argv<ParsedTargetArgs>;
}

/**
 * generate's, check's and watch's prepare step: the project file, then the
 * command line over it; for a command that writes (generate, watch) the
 * output directory must be writable, for one that only reads it (check,
 * generate --dry-run) a directory or absent. No side effects.
 */
export function prepareTarget<A extends ParsedTargetArgs>(
  args: A,
  io: Io,
  opts: { readonly writes: boolean },
): Prepared<A & TargetArgs> {
  const loaded = projectOrProblem(io);
  if (!loaded.ok) return loaded;
  const completed = completeTargetArgs(args, io, loaded.project);
  if (!completed.ok) return completed;
  const out = completed.args.out;
  const where = locate(io, completed.args.spec, out, completed.args.anchor);
  return firstProblem(completed.args, [
    bannerRecordable("spec", completed.args.spec, where.bannerSpecPath),
    bannerRecordable("out", out, where.bannerOutPath),
    opts.writes ? writableDirectory(io, "out", out) : directoryOrAbsent(io, "out", out),
  ]);
}

/** Control characters (a newline among them): a one-line banner comment cannot hold them. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * A path every generated file's banner records ("from <spec>", "Regenerate
 * with: …"): one holding a newline or another control character cannot be
 * written on the banner's line and still be the command that regenerates,
 * so it is refused (usage) rather than recorded wrongly.
 */
function bannerRecordable(
  option: string,
  value: string,
  recorded: string,
): UsageProblem | undefined {
  if (!CONTROL.test(recorded)) return undefined;
  return {
    message: `--${option} ${JSON.stringify(value)}: the path holds a control character (a newline, a tab…), which the generated files' banner cannot record`,
    help: "rename the file or directory without control characters",
  };
}

export function prepare(args: GenerateArgs, io: Io): Prepared<GenerateArgs> {
  return prepareTarget(args, io, { writes: !args.dryRun });
}

export function builder(y: Argv): Argv<GenerateArgs> {
  return targetOptions(y)
    .option("dry-run", {
      type: "boolean",
      default: false,
      describe: "Print what would change, write nothing",
    })
    .example("$0 generate", "Regenerate generated/ from spec/x86-kvm.yaml")
    .example(
      "$0 generate --spec spec/x86-kvm-v5.2.yaml --out /tmp/v52 --all-cached",
      "The v5.2 spec, all through the cached path",
    ) as unknown as Argv<GenerateArgs>;
}

/**
 * The `regcache generate …` command line that regenerates what these args
 * describe, run from the working directory: the options as they were typed.
 */
export function generateCommandFor(args: TargetArgs): string {
  const typed = args.typed ?? args;
  const words = ["regcache", "generate"];
  if (typed.spec !== undefined) words.push("--spec", shellWord(typed.spec));
  if (typed.out !== undefined) words.push("--out", shellWord(typed.out));
  if (typed.cStyle !== undefined && (typed.cStyle !== "macro" || args.typed))
    words.push("--c-style", typed.cStyle);
  if (typed.allCached) words.push("--all-cached");
  else if (typed.allCached === false && args.typed) words.push("--no-all-cached");
  return words.join(" ");
}

/** Every target (C and TypeScript), as `generate` writes them and `check` compares them. */
export function requestFor(
  where: SpecLocation,
  args: TargetArgs,
  env: NodeJS.ProcessEnv,
): Promise<GenerateResult> {
  return generateAll({
    specPath: where.specPath,
    displayPath: where.displayPath,
    bannerSpecPath: where.bannerSpecPath,
    ...(where.bundled ? { bundledSpec: where.bundled } : {}),
    outDir: where.bannerOutPath,
    allCached: args.allCached,
    cStyle: args.cStyle,
    // A target already on disk as these inputs produce it is not emitted again.
    existing: (file) => currentText(where.outDir, file),
    cache: outputCacheFromEnv(env),
  });
}

export type { Regeneration };

/** One regeneration of what these args describe (output/regenerate.ts). */
export async function regenerate(
  where: SpecLocation,
  args: TargetArgs & { readonly dryRun?: boolean },
  env: NodeJS.ProcessEnv,
  hooks: ApplyHooks & LockOptions = {},
): Promise<Regeneration> {
  return writeProduced(requestFor(where, args, env), where.outDir, where.outArg, {
    dryRun: args.dryRun ?? false,
    hooks,
  });
}

export async function run(args: GenerateArgs, io: Io): Promise<number> {
  const where = locate(io, args.spec, args.out, args.anchor);
  const outcome = await regenerate(where, args, io.env);
  switch (outcome.kind) {
    case "invalid":
      printDiagnostics(io, outcome.diagnostics);
      return ExitCode.invalidInput;
    case "refused":
      io.stderr(`regcache: error: ${outcome.message}\n`);
      return ExitCode.invalidInput;
    case "failed":
      io.stderr(`regcache: error: ${outcome.message}\n`);
      io.stderr(`  = help: ${outcome.help}\n`);
      return exitCodeOf(outcome.fault);
    case "done":
      io.stdout(describePlan(outcome.plan, where.outArg, args.dryRun));
      return ExitCode.ok;
  }
}
