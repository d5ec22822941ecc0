/*
 * `regcache size --objects OLD NEW`: the adapter from options to
 * size/run-objects.ts. Checks the options that only make sense when regcache
 * compiles (refused here), the number of paths, --out and --budget, then
 * prints the report through cli/print.ts. Exit codes as `regcache size`.
 */
import type { ReportFormat } from "../../size/formats/render";
import { runObjects } from "../../size/run-objects";
import type { Io } from "../io";
import { runSizeCommand } from "../print";
import { firstProblem, readableFile, writableFile, type Prepared } from "../usage";

/** Options that only mean something when regcache compiles (refused with --objects and merge). */
export const COMPILE_OPTIONS = [
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
export function givenOptions(given: object, names: readonly string[]): string[] {
  const values = given as Record<string, unknown>;
  return names
    .filter((o) => values[o] !== undefined)
    .map((o) => o.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
}

export interface ObjectsArgs {
  readonly objects: readonly string[];
  readonly format: ReportFormat;
  readonly out?: string;
  readonly budget?: string;
}

/** What is wrong with the options of an --objects run, one line each (--out: cli/print.ts). */
function objectsProblems(args: ObjectsArgs): string[] {
  const problems: string[] = [];
  if (args.objects.length !== 2)
    problems.push(`--objects takes two paths, OLD and NEW; got ${args.objects.length}`);
  for (const option of givenOptions(args, COMPILE_OPTIONS))
    problems.push(`--${option} does not apply to --objects (the objects are measured as built)`);
  return problems;
}

/** The usage checks of `size --objects`: no side effects. */
export function prepareObjects<A extends ObjectsArgs>(args: A, io: Io): Prepared<A> {
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
}

export async function runObjectsCommand(args: ObjectsArgs, io: Io): Promise<number> {
  const [oldPath, newPath] = args.objects;
  return runSizeCommand(io, "regcache size", objectsProblems(args), args, () =>
    runObjects({
      cwd: io.cwd,
      old: oldPath,
      new: newPath,
      ...(args.budget ? { budget: args.budget } : {}),
    }),
  );
}
