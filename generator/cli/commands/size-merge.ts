/*
 * `regcache size merge A.json B.json …`: the adapter from options to
 * size/run-merge.ts, registered as a subcommand of `regcache size`. Refuses
 * the options that only apply when regcache measures, checks --out and
 * --budget, then prints the merged report through cli/print.ts. Exit codes:
 * 0, 1 budget breached, 2 bad input, 3 output.
 */
import type { Argv } from "yargs";
import type { ReportFormat } from "../../size/formats/render";
import { runMerge } from "../../size/run-merge";
import type { Io } from "../io";
import { runSizeCommand } from "../print";
import { firstProblem, readableFile, writableFile, type Prepared } from "../usage";
import { COMPILE_OPTIONS, givenOptions } from "./size-objects";

export interface MergeArgs {
  readonly reports?: readonly string[];
  readonly format: ReportFormat;
  readonly out?: string;
  readonly budget?: string;
}

const PROGRAM = "regcache size merge";
/** `regcache size`'s options that only apply when regcache measures: refused, and not in merge's help. */
const REFUSED = [
  ...COMPILE_OPTIONS,
  "objects",
  "dispatch",
  "compileCommands",
  "header",
  "units",
  "launcher",
];
/** As the help and the command line spell them; --cache (on by default) is hidden too. */
const MEASURING = [...REFUSED, "cache"].map((o) =>
  o.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`),
);
const refusal = (o: string) =>
  `--${o} does not apply to size merge (the reports were measured by the jobs)`;

export function prepare<A extends MergeArgs>(args: A, io: Io): Prepared<A> {
  return firstProblem(args, [
    ...givenOptions(args, REFUSED).map((o) => ({
      message: refusal(o),
      help: "with size merge only --format, --out and --budget apply",
    })),
    args.out !== undefined ? writableFile(io, "out", args.out) : undefined,
    args.budget !== undefined ? readableFile(io, "budget", args.budget) : undefined,
  ]);
}

export async function run(args: MergeArgs, io: Io): Promise<number> {
  return runSizeCommand(io, PROGRAM, givenOptions(args, REFUSED).map(refusal), args, () =>
    runMerge({
      cwd: io.cwd,
      reports: args.reports ?? [],
      ...(args.budget ? { budget: args.budget } : {}),
    }),
  );
}

/** `regcache size merge A.json B.json …`, a command of its own inside `regcache size`. */
export const mergeCommand = {
  command: "merge [reports..]",
  describe: "Merge the JSON reports of CI jobs that each ran part of the matrix into one report",
  builder: (y: Argv) =>
    MEASURING.reduce((hidden, o) => hidden.hide(o), y)
      .positional("reports", {
        type: "string",
        array: true,
        describe: "JSON reports (--format json)",
      })
      .example(
        "regcache size merge gcc.json clang.json --format markdown",
        "One PR comment from two CI jobs",
      ),
  prepare,
  run,
};
