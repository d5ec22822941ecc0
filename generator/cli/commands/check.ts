/*
 * `regcache check`: is the output directory what the spec produces? Regenerates
 * in memory, reads the output directory once, compares (output/drift.ts) and
 * prints the findings as text (diffs, one line per file, the fix last) or as
 * versioned JSON for bots (docs/ci.md), both worded by output/check-report.ts.
 * Exit 0 in step, 1 drift, 2 invalid spec or refused path, 3 the output
 * directory could not be read.
 */
import type { Argv } from "yargs";
import { compareOutput } from "../../output/drift";
import {
  checkJsonHeader,
  errorJson,
  invalidJson,
  reportJson,
  reportText,
} from "../../output/check-report";
import { colourFor, ExitCode, exitCodeOf, type Io } from "../io";
import {
  NotRegularFileError,
  OutputPathError,
  readOutputTree,
  type OutputTree,
} from "../../output/writer";
import { displayPathOf, locate, printDiagnostics } from "../common";
import {
  generateCommandFor,
  prepareTarget,
  requestFor,
  targetOptions,
  type TargetArgs,
} from "./generate";
import type { Prepared } from "../usage";
import { pathFault } from "../../util/errno";

export interface CheckArgs extends TargetArgs {
  readonly format: "text" | "json";
}

export function builder(y: Argv): Argv<CheckArgs> {
  return targetOptions(y)
    .option("format", {
      choices: ["text", "json"] as const,
      default: "text" as const,
      describe: "text for people, json (versioned, see docs/ci.md) for bots",
    })
    .example("$0 check", "Is generated/ what spec/x86-kvm.yaml produces?")
    .example(
      "$0 check --out /tmp/v52 --all-cached --format json",
      "Check a tree generated with --all-cached, findings as JSON",
    ) as unknown as Argv<CheckArgs>;
}

export function prepare(args: CheckArgs, io: Io): Prepared<CheckArgs> {
  return prepareTarget(args, io, { writes: false });
}

export async function run(args: CheckArgs, io: Io): Promise<number> {
  const where = locate(io, args.spec, args.out, args.anchor);
  const out = where.outArg.replace(/\/+$/, "");
  const json = args.format === "json";
  const header = checkJsonHeader(where.displayPath, out);

  const result = await requestFor(where, args, io.env);
  if (!result.ok) {
    printDiagnostics(io, result.diagnostics);
    if (json) io.stdout(invalidJson(header, result.diagnostics));
    return ExitCode.invalidInput;
  }

  let tree: OutputTree;
  try {
    tree = readOutputTree(where.outDir, result.files);
  } catch (err) {
    const refused = err instanceof OutputPathError;
    const e = err as NodeJS.ErrnoException;
    if (!refused && !(e.code && e.syscall)) throw err;
    // check only reads: the writer's refusal of a path is worded for its reading here.
    const fault = refused
      ? {
          kind: "usage" as const,
          message:
            err instanceof NotRegularFileError
              ? err.within(out)
              : err.message.replace(/^refusing to write/, "refusing to read"),
        }
      : pathFault(err, "read", e.path ? displayPathOf(io, e.path) : `${out}/`);
    io.stderr(`regcache: error: ${fault.message}\n`);
    if (json) io.stdout(errorJson(header, fault.message));
    return exitCodeOf(fault.kind);
  }

  const report = compareOutput(result.files, tree, {
    diffs: true,
    label: (p) => `${out}/${p}`,
    targetOf: result.targetOf,
  });
  const fix = generateCommandFor(args);
  const colour = colourFor(io, "stdout");
  if (json) io.stdout(reportJson(header, report, result.inputHashes, fix));
  else io.stdout(reportText(report, { out, spec: where.displayPath, fix, colour }));
  return report.findings.length === 0 ? ExitCode.ok : ExitCode.different;
}
