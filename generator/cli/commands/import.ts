/*
 * `regcache import --compile-commands FILE [--out SPEC]`: a spec describing a
 * configured, built kernel tree's register cache, on standard output or into
 * SPEC. The arguments are checked before the probes run (prepare); SPEC is
 * written only when the whole import succeeded, atomically, and the tree never.
 */
import * as path from "node:path";
import type { Argv } from "yargs";
import { importTree } from "../../import/import";
import { ExitCode, exitCodeOf, type Io } from "../io";
import { pathFault } from "../../util/errno";
import { displayPathOf, printDiagnostics } from "../common";
import { firstProblem, readableFile, writableFile, type Prepared } from "../usage";
import { writeFileAtomic } from "../../util/atomic-file";
import { makeDirs } from "../../util/make-dirs";

export interface ImportArgs {
  readonly compileCommands: string;
  readonly out?: string;
}

export function builder(y: Argv): Argv<ImportArgs> {
  return y
    .option("compile-commands", {
      type: "string",
      demandOption: true,
      describe:
        "compile_commands.json of a configured, built kernel tree (scripts/clang-tools/gen_compile_commands.py)",
    })
    .option("out", {
      type: "string",
      describe: "Write the spec to this file instead of standard output",
    })
    .example(
      "$0 import --compile-commands BUILD/compile_commands.json --out spec/my-kernel.yaml",
      "A spec for the tree BUILD was configured from",
    ) as unknown as Argv<ImportArgs>;
}

/** The database must be readable and --out writable before any probe runs. */
export function prepare(args: ImportArgs, io: Io): Prepared<ImportArgs> {
  return firstProblem(args, [
    readableFile(io, "compile-commands", args.compileCommands),
    args.out === undefined ? undefined : writableFile(io, "out", args.out),
  ]);
}

export async function run(args: ImportArgs, io: Io): Promise<number> {
  const compileDb = path.resolve(io.cwd, args.compileCommands);
  const result = await importTree({ compileDb, display: (p) => displayPathOf(io, p) });
  if (!result.ok) {
    printDiagnostics(io, result.diagnostics);
    return result.environment ? ExitCode.environment : ExitCode.invalidInput;
  }
  if (args.out === undefined) {
    io.stdout(result.text);
    return ExitCode.ok;
  }
  const out = path.resolve(io.cwd, args.out);
  try {
    makeDirs(path.dirname(out));
    writeFileAtomic(out, result.text);
  } catch (err) {
    // The one rule (util/errno.ts): a path of the wrong kind is usage, one the system refuses is the environment's.
    const fault = pathFault(err, "write", args.out);
    io.stderr(`regcache: error: ${fault.message}\n  = help: ${fault.help}\n`);
    return exitCodeOf(fault.kind);
  }
  const where = result.header ? `arch/x86/kvm/${result.header.header}` : "";
  const api = result.followed.length
    ? `API details from spec/${result.profile}, with ${where} followed where it says otherwise`
    : `API details from spec/${result.profile}`;
  io.stderr(`wrote ${displayPathOf(io, out)} (${api})\n`);
  return ExitCode.ok;
}
