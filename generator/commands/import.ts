/*
 * `regcache import --compile-commands FILE [--out SPEC]`: a spec describing a
 * configured, built kernel tree's register cache, on standard output or into
 * SPEC. Everything is checked before the probes run; SPEC is written only when
 * the whole import succeeded, atomically, and the tree never.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Argv } from "yargs";
import { importTree } from "../import/import";
import { ExitCode, type Io } from "../io";
import { errnoText } from "../parse";
import { displayPathOf, printDiagnostics } from "./common";

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

/** Why the spec cannot be written to `out`, or undefined when it can. */
function unwritable(out: string): string | undefined {
  try {
    if (fs.statSync(out).isDirectory()) return "it is a directory";
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") return errnoText(err);
  }
  try {
    fs.accessSync(path.dirname(out), fs.constants.W_OK);
  } catch (err) {
    return `its directory cannot be written (${errnoText(err)})`;
  }
  return undefined;
}

export async function run(args: ImportArgs, io: Io): Promise<number> {
  // The parser checks these too; run() must not depend on it (a handler can run after a usage error).
  if (args.compileCommands === undefined) {
    io.stderr("regcache: error: --compile-commands FILE is required; nothing was imported\n");
    return ExitCode.invalidInput;
  }
  for (const [option, value] of [
    ["--compile-commands", args.compileCommands],
    ["--out", args.out],
  ] as const) {
    if (value !== undefined && (typeof value !== "string" || value === "")) {
      io.stderr(`regcache: error: ${option} needs a file name; nothing was imported\n`);
      return ExitCode.invalidInput;
    }
  }
  const compileDb = path.resolve(io.cwd, args.compileCommands);
  const out = args.out === undefined ? undefined : path.resolve(io.cwd, args.out);
  if (out) {
    const why = unwritable(out);
    if (why) {
      io.stderr(`regcache: error: --out ${args.out}: ${why}; nothing was imported\n`);
      return ExitCode.invalidInput;
    }
  }
  const result = await importTree({ compileDb, display: (p) => displayPathOf(io, p) });
  if (!result.ok) {
    printDiagnostics(io, result.diagnostics);
    return result.environment ? ExitCode.environment : ExitCode.invalidInput;
  }
  if (!out) {
    io.stdout(result.text);
    return ExitCode.ok;
  }
  const temp = `${out}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, result.text);
    fs.renameSync(temp, out);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    io.stderr(`regcache: error: cannot write ${args.out}: ${errnoText(err)}\n`);
    return ExitCode.environment;
  }
  io.stderr(`wrote ${displayPathOf(io, out)} (API details from spec/${result.profile})\n`);
  return ExitCode.ok;
}
