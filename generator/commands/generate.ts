/*
 * `regcache generate`: spec → files in the output directory, writing only what
 * changed and removing files of ours that the spec no longer produces.
 */
import type { Argv } from "yargs";
import { generate } from "../api";
import { ExitCode, type Io } from "../io";
import type { CStyle } from "../model";
import { defaultOutDir, defaultSpecPath } from "../paths";
import { applyPlan, OutputPathError, planWrite, type WritePlan } from "../writer";
import { locate, printDiagnostics } from "./common";

export interface GenerateArgs {
  readonly spec: string;
  readonly out: string;
  readonly cStyle: CStyle;
  readonly allCached: boolean;
  readonly dryRun: boolean;
}

export function builder(y: Argv): Argv<GenerateArgs> {
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
      describe: "Output directory; C goes to <out>/c/",
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
    })
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

export function describePlan(plan: WritePlan, outArg: string, dryRun: boolean): string {
  const changed = plan.files.filter((f) => f.action !== "unchanged");
  const unchanged = plan.files.length - changed.length;
  const verb = {
    create: dryRun ? "would create" : "created",
    update: dryRun ? "would update" : "updated",
    remove: dryRun ? "would remove" : "removed",
  };
  const lines = changed.map(
    (f) => `  ${verb[f.action as keyof typeof verb]} ${outArg}/${f.path}\n`,
  );
  const summary =
    changed.length === 0
      ? `regcache: ${outArg}/ is up to date (${unchanged} file${unchanged === 1 ? "" : "s"} unchanged)\n`
      : `regcache: ${dryRun ? "would change" : "changed"} ${changed.length} file${changed.length === 1 ? "" : "s"} in ${outArg}/, ${unchanged} unchanged\n`;
  return lines.join("") + summary;
}

export async function run(args: GenerateArgs, io: Io): Promise<number> {
  const where = locate(io, args.spec, args.out);
  const result = generate({
    specPath: where.specPath,
    displayPath: where.displayPath,
    bannerSpecPath: where.bannerSpecPath,
    outDir: where.outArg,
    allCached: args.allCached,
    cStyle: args.cStyle,
  });
  if (!result.ok) {
    printDiagnostics(io, result.diagnostics);
    return ExitCode.invalidInput;
  }
  let plan: WritePlan;
  try {
    plan = planWrite(where.outDir, result.files);
    if (!args.dryRun) applyPlan(plan);
  } catch (err) {
    if (err instanceof OutputPathError) {
      io.stderr(`regcache: error: ${err.message}\n`);
      return ExitCode.invalidInput;
    }
    const e = err as NodeJS.ErrnoException;
    if (e.code && e.syscall) {
      io.stderr(
        `regcache: error: cannot write ${where.outArg}/: ${e.code} (${e.syscall}${e.path ? ` ${e.path}` : ""})\n`,
      );
      io.stderr("  = help: check that the output directory is writable; nothing was changed\n");
      return ExitCode.environment;
    }
    throw err;
  }
  io.stdout(describePlan(plan, where.outArg, args.dryRun));
  return ExitCode.ok;
}
