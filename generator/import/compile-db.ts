/*
 * The compile database as import uses it (read by ../compile-db.ts, problems
 * as RC801/RC802 diagnostics), and the rewrite of one entry's command into a
 * probe compile: same compiler, same flags, a different
 * source, every output redirected into a directory of ours.
 *
 * Pure: text in, entries or diagnostics out.
 */
import * as path from "node:path";
import { diagnose, type Diagnostic, type SourceFile } from "../core/diagnostics/diagnostic";
import { readCompileDb, type CompileCommand } from "../toolchain/compile-db";

export { splitCommand } from "../toolchain/compile-db";

/** A compile of the database: its working directory, source and argv (absolute paths). */
export type CompileEntry = Pick<CompileCommand, "directory" | "file" | "argv">;

export type CompileDbResult =
  | { readonly ok: true; readonly entries: readonly CompileEntry[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** Parses compile_commands.json text (../compile-db.ts); every malformed entry is reported. */
export function parseCompileDb(file: SourceFile): CompileDbResult {
  const db = readCompileDb(file.text);
  if (db.ok) return { ok: true, entries: db.commands };
  return {
    ok: false,
    diagnostics: db.problems.map((p) =>
      p.entry === undefined
        ? diagnose("RC801", file, undefined, file.displayPath, p.why)
        : diagnose("RC802", file, undefined, p.entry, p.why),
    ),
  };
}

/** Options whose next argument is an output file the probe must not write. */
const OUTPUT_WITH_VALUE = new Set(["-o", "-MF", "-MT", "-MQ", "-dumpdir", "-dumpbase"]);
/** Options that write beside the source or into the working directory, or stop before an object. */
const DROPPED = new Set([
  "-c",
  "-S",
  "-E",
  "-M",
  "-MM",
  "-MD",
  "-MMD",
  "-MG",
  "-MP",
  "-save-temps",
]);

/**
 * The argv that compiles `source` into `object` with `entry`'s compiler and
 * flags. Dropped: the entry's own source and `-o`, dependency outputs (`-MD`,
 * `-MF X`, `-Wp,-MD,X`, `-Wp,-MMD,X`) and `-save-temps` (which writes into the
 * working directory); anything else a flag writes lands beside the object.
 */
export function probeArgv(entry: CompileEntry, source: string, object: string): string[] {
  const kept: string[] = [];
  const args = entry.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (OUTPUT_WITH_VALUE.has(arg)) {
      i++;
      continue;
    }
    if (DROPPED.has(arg) || arg.startsWith("-save-temps=")) continue;
    if (/^-(o|MF|MT|MQ).+/.test(arg)) continue;
    if (/^-Wp,-M/.test(arg)) continue;
    if (!arg.startsWith("-") && path.resolve(entry.directory, arg) === entry.file) continue;
    kept.push(arg);
  }
  return [entry.argv[0], ...kept, "-c", source, "-o", object];
}
