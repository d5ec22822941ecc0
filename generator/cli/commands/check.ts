/*
 * `regcache check`: is the output directory what the spec produces? Regenerates
 * in memory, reads the output directory once, compares (output/drift.ts) and
 * prints the findings as text (diffs, one line per file, the fix last) or as
 * versioned JSON for bots (docs/ci.md), both worded by output/check-report.ts.
 * With --compile-commands (or the project file's 'compile-commands') it then
 * compares the spec with the built kernel tree (output/tree-check.ts): the
 * probe's time on stderr, the differences after the drift report.
 * Exit 0 in step (and agreeing), 1 drift or a difference from the tree, 2
 * invalid spec, refused path or unreadable tree, 3 the output directory could
 * not be read or the tree's compiler does not run.
 */
import * as path from "node:path";
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
import { displayPathOf, locate, printDiagnostics, projectOrProblem } from "../common";
import { progressPrinter } from "../progress";
import { checkTree, treeJson, treeReportText } from "../../output/tree-check";
import {
  generateCommandFor,
  prepareTarget,
  requestFor,
  targetOptions,
  type TargetArgs,
} from "./generate";
import { firstProblem, readableFile, type Prepared } from "../usage";
import { pathFault } from "../../util/errno";

export interface CheckArgs extends TargetArgs {
  readonly format: "text" | "json";
  /** A built kernel tree's compile database to compare the spec with (from the project file unless given). */
  readonly compileCommands?: string;
}

export function builder(y: Argv): Argv<CheckArgs> {
  return targetOptions(y)
    .option("format", {
      choices: ["text", "json"] as const,
      default: "text" as const,
      describe: "text for people, json (versioned, see docs/ci.md) for bots",
    })
    .option("compile-commands", {
      type: "string",
      describe:
        "Also compare the spec with a built kernel tree, through its compile_commands.json: its enum kvm_reg and every backend's set (default: the project file's 'compile-commands')",
    })
    .example("$0 check", "Is generated/ what spec/x86-kvm.yaml produces?")
    .example(
      "$0 check --out /tmp/v52 --all-cached --format json",
      "Check a tree generated with --all-cached, findings as JSON",
    )
    .example(
      "$0 check --compile-commands build/compile_commands.json",
      "Also: does the spec say what the built kernel tree's sets say?",
    ) as unknown as Argv<CheckArgs>;
}

/** prepareTarget's checks; then the compile database, when one is given or in the project file, must be readable. */
export function prepare(args: CheckArgs, io: Io): Prepared<CheckArgs> {
  const prepared = prepareTarget(args, io, { writes: false });
  if (!prepared.ok) return prepared;
  const loaded = projectOrProblem(io);
  const fromProject = loaded.ok ? loaded.project?.compileCommands : undefined;
  const compileCommands =
    args.compileCommands ??
    (fromProject === undefined ? undefined : path.relative(io.cwd, fromProject) || ".");
  if (compileCommands === undefined) return prepared;
  return firstProblem({ ...prepared.args, compileCommands }, [
    readableFile(io, "compile-commands", compileCommands),
  ]);
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
  const drift = report.findings.length === 0 ? ExitCode.ok : ExitCode.different;
  if (args.compileCommands === undefined) {
    if (json) io.stdout(reportJson(header, report, result.inputHashes, fix));
    else io.stdout(reportText(report, { out, spec: where.shownSpec, fix, colour }));
    return drift;
  }

  // The tree: its probe's time reported, not budgeted; progress as size prints it.
  const compileDb = path.resolve(io.cwd, args.compileCommands);
  const db = displayPathOf(io, compileDb);
  const printer =
    io.isErrTTY || io.now
      ? progressPrinter({
          program: "regcache check",
          write: io.stderr,
          tty: io.isErrTTY === true,
          now: io.now ?? (() => 0),
        })
      : undefined;
  const started = performance.now();
  const checked = await checkTree({
    specPath: where.specPath,
    displayPath: where.displayPath,
    compileDb,
    display: (p) => displayPathOf(io, p),
    ...(printer
      ? { onProgress: (d: number, t: number, u?: string) => printer(d, t, "tree", u) }
      : {}),
  });
  if (checked.ok) {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const n = checked.unitsCompiled;
    io.stderr(`regcache: tree probe: ${n} unit${n === 1 ? "" : "s"} compiled in ${seconds} s\n`);
  } else printDiagnostics(io, checked.diagnostics);
  const treeDoc = treeJson(checked, db);
  if (json) io.stdout(reportJson(header, report, result.inputHashes, fix, treeDoc));
  else {
    io.stdout(reportText(report, { out, spec: where.shownSpec, fix, colour }));
    if (checked.ok) io.stdout(treeReportText(checked, { spec: where.shownSpec, db }));
  }
  if (!checked.ok) return checked.environment ? ExitCode.environment : ExitCode.invalidInput;
  return checked.comparison.differences.length > 0 ? ExitCode.different : drift;
}
