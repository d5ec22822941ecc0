/*
 * `regcache generate`: spec → files in the output directory, writing only what
 * changed and removing files of ours that the spec no longer produces. The
 * options that pick what is generated (targetOptions) and one regeneration
 * (regenerate) are shared with `check` and `watch`.
 */
import type { Argv } from "yargs";
import { generateAll, type GenerateResult } from "../api";
import type { Diagnostic } from "../diagnostics";
import { isHandEdited } from "../check";
import { ExitCode, type Io } from "../io";
import type { CStyle } from "../model";
import { defaultOutDir, defaultSpecPath } from "../paths";
import {
  applyPlan,
  currentText,
  LOCK_NAME,
  OutputBusyError,
  OutputPathError,
  planWrite,
  withOutputLock,
  type ApplyHooks,
  type LockOptions,
  type WritePlan,
} from "../writer";
import { locate, printDiagnostics, type SpecLocation } from "./common";

/** What to generate and where: the options generate, check and watch share. */
export interface TargetArgs {
  readonly spec: string;
  readonly out: string;
  readonly cStyle: CStyle;
  readonly allCached: boolean;
}

export interface GenerateArgs extends TargetArgs {
  readonly dryRun: boolean;
}

export function targetOptions(y: Argv): Argv<TargetArgs> {
  return y
    .option("spec", {
      type: "string",
      default: defaultSpecPath,
      describe: "Register spec (YAML) to generate from",
      normalize: false,
    })
    .option("out", {
      type: "string",
      default: defaultOutDir,
      describe: "Output directory; C goes to <out>/c/, TypeScript to <out>/ts/",
    })
    .option("c-style", {
      choices: ["macro", "expanded"] as const,
      default: "macro" as CStyle,
      describe:
        "macro: a BUILD_KVM_GPR_ACCESSORS macro and its invocations; expanded: one function per accessor",
    })
    .option("all-cached", {
      type: "boolean",
      default: false,
      describe:
        "Route every GPR accessor through the cached path (the code before the seed patch; the size report's base)",
    }) as unknown as Argv<TargetArgs>;
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

/** The `regcache generate …` command line that regenerates what these args describe. */
export function generateCommandFor(args: TargetArgs): string {
  const words = ["regcache", "generate"];
  if (args.spec !== defaultSpecPath) words.push("--spec", shellWord(args.spec));
  if (args.out !== defaultOutDir) words.push("--out", shellWord(args.out));
  if (args.cStyle !== "macro") words.push("--c-style", args.cStyle);
  if (args.allCached) words.push("--all-cached");
  return words.join(" ");
}

const shellWord = (word: string): string =>
  /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;

/** Every target (C and TypeScript), as `generate` writes them and `check` compares them. */
export function requestFor(where: SpecLocation, args: TargetArgs): Promise<GenerateResult> {
  return generateAll({
    specPath: where.specPath,
    displayPath: where.displayPath,
    bannerSpecPath: where.bannerSpecPath,
    outDir: where.outArg,
    allCached: args.allCached,
    cStyle: args.cStyle,
    // A target already on disk with these inputs' banner is not emitted again.
    existing: (file) => currentText(where.outDir, file),
  });
}

/** The outcome of one regeneration, for generate and watch to print. */
export type Regeneration =
  | { readonly kind: "invalid"; readonly diagnostics: readonly Diagnostic[] }
  | { readonly kind: "refused"; readonly message: string }
  | { readonly kind: "failed"; readonly message: string; readonly help: string }
  | { readonly kind: "done"; readonly plan: WritePlan };

/** Spec → plan → (unless dryRun) disk. Never throws for bad input or a failing disk. */
export async function regenerate(
  where: SpecLocation,
  args: TargetArgs & { readonly dryRun?: boolean },
  hooks: ApplyHooks & LockOptions = {},
): Promise<Regeneration> {
  const result = await requestFor(where, args);
  if (!result.ok) return { kind: "invalid", diagnostics: result.diagnostics };
  try {
    // Plan and apply under the lock: a plan made while another run writes would be stale.
    const plan = args.dryRun
      ? planWrite(where.outDir, result.files)
      : withOutputLock(
          where.outDir,
          () => {
            const planned = planWrite(where.outDir, result.files);
            applyPlan(planned, hooks);
            return planned;
          },
          hooks,
        );
    return { kind: "done", plan };
  } catch (err) {
    if (err instanceof OutputPathError) return { kind: "refused", message: err.message };
    if (err instanceof OutputBusyError) {
      return {
        kind: "failed",
        message: `cannot write ${where.outArg}/: ${err.message}`,
        help: `if no regcache run is active, remove ${where.outArg}/${LOCK_NAME}; nothing was changed`,
      };
    }
    const e = err as NodeJS.ErrnoException;
    if (e.code && e.syscall) {
      return {
        kind: "failed",
        message: `cannot write ${where.outArg}/: ${e.code} (${e.syscall}${e.path ? ` ${e.path}` : ""})`,
        help: "check that the output directory is writable; nothing was changed",
      };
    }
    throw err;
  }
}

export function describePlan(plan: WritePlan, outArg: string, dryRun: boolean): string {
  const changed = plan.files.filter((f) => f.action !== "unchanged");
  const unchanged = plan.files.length - changed.length;
  const verb = {
    create: dryRun ? "would create" : "created",
    update: dryRun ? "would update" : "updated",
    remove: dryRun ? "would remove" : "removed",
  };
  const lines = changed.map((f) => {
    const lost = f.current !== undefined && isHandEdited(f.current);
    const note = lost
      ? ` (it had been edited by hand; those edits ${dryRun ? "would be" : "are"} gone)`
      : "";
    return `  ${verb[f.action as keyof typeof verb]} ${outArg}/${f.path}${note}\n`;
  });
  const summary =
    changed.length === 0
      ? `regcache: ${outArg}/ is up to date (${unchanged} file${unchanged === 1 ? "" : "s"} unchanged)\n`
      : `regcache: ${dryRun ? "would change" : "changed"} ${changed.length} file${changed.length === 1 ? "" : "s"} in ${outArg}/, ${unchanged} unchanged${dryRun ? "; nothing was written (--dry-run)" : ""}\n`;
  return lines.join("") + summary;
}

export async function run(args: GenerateArgs, io: Io): Promise<number> {
  const where = locate(io, args.spec, args.out);
  const outcome = await regenerate(where, args);
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
      return ExitCode.environment;
    case "done":
      io.stdout(describePlan(outcome.plan, where.outArg, args.dryRun));
      return ExitCode.ok;
  }
}
