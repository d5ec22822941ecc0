/*
 * A compile database (compile_commands.json, the format clang tooling and the
 * kernel's scripts/clang-tools/gen_compile_commands.py write) read into
 * entries with absolute paths and an argument vector, and the rewrite of one
 * entry's command into a probe compile: same compiler, same flags, a different
 * source, every output redirected into a directory of ours.
 *
 * Pure: text in, entries or diagnostics out.
 */
import * as path from "node:path";
import { parse as shellParse } from "shell-quote";
import type { Diagnostic, SourceFile } from "../diagnostics";
import { importDiagnostic } from "./messages";

export interface CompileEntry {
  /** The working directory of the compile (absolute). */
  readonly directory: string;
  /** The source file (absolute). */
  readonly file: string;
  /** The command as an argument vector; argv[0] is the compiler. */
  readonly argv: readonly string[];
}

export type CompileDbResult =
  | { readonly ok: true; readonly entries: readonly CompileEntry[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/**
 * Splits a recorded command line the way a POSIX shell would (quotes,
 * backslashes), without expanding anything: `$X` stays as written and a glob
 * stays literal, as clang tooling reads these commands. Shell operators
 * (`;`, `&&`, `|`) are not a compile and give null.
 */
export function splitCommand(command: string): string[] | null {
  const words: string[] = [];
  for (const token of shellParse(command, (name) => `$${name}`)) {
    if (typeof token === "string") words.push(token);
    else if ("op" in token && token.op === "glob") words.push(token.pattern);
    else return null;
  }
  return words;
}

/** Parses compile_commands.json text; every malformed entry is reported. */
export function parseCompileDb(file: SourceFile): CompileDbResult {
  let json: unknown;
  try {
    json = JSON.parse(file.text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return {
      ok: false,
      diagnostics: [importDiagnostic("RC801", file, undefined, file.displayPath, why)],
    };
  }
  if (!Array.isArray(json)) {
    return {
      ok: false,
      diagnostics: [
        importDiagnostic(
          "RC801",
          file,
          undefined,
          file.displayPath,
          "the top level is not a JSON array",
        ),
      ],
    };
  }
  const entries: CompileEntry[] = [];
  const diagnostics: Diagnostic[] = [];
  json.forEach((raw: unknown, index) => {
    const bad = (why: string) =>
      diagnostics.push(importDiagnostic("RC802", file, undefined, index, why));
    if (typeof raw !== "object" || raw === null || Array.isArray(raw))
      return bad("is not an object");
    const e = raw as Record<string, unknown>;
    if (typeof e.directory !== "string" || !path.isAbsolute(e.directory))
      return bad("has no absolute 'directory'");
    if (typeof e.file !== "string" || e.file === "") return bad("has no 'file'");
    let argv: string[] | null;
    if (Array.isArray(e.arguments)) {
      argv = e.arguments.every((a) => typeof a === "string") ? (e.arguments as string[]) : null;
      if (!argv) return bad("has an 'arguments' list that is not all strings");
    } else if (typeof e.command === "string") {
      argv = splitCommand(e.command);
      if (!argv) return bad("has a 'command' with shell operators in it");
    } else return bad("has neither 'command' nor 'arguments'");
    if (argv.length === 0) return bad("has an empty command");
    entries.push({ directory: e.directory, file: path.resolve(e.directory, e.file), argv });
  });
  return diagnostics.length ? { ok: false, diagnostics } : { ok: true, entries };
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
