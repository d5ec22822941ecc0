/*
 * A compile database (clang's compile_commands.json, as CMake, Bear or the
 * kernel's scripts/clang-tools/gen_compile_commands.py write it): a JSON
 * array of { directory, file, arguments | command, output? }, read into
 * commands with absolute paths and an argument vector. The one reader for
 * every command that takes --compile-commands (size, import); each turns the
 * problems into diagnostics with its own codes (size RC641, import RC801 and
 * RC802). Pure: text in, data out.
 *
 * The format: https://clang.llvm.org/docs/JSONCompilationDatabase.html —
 * `directory` is the working directory of the compile, `file` the main
 * source (relative to `directory` or absolute), `arguments` the argv, or
 * `command` one shell-quoted string.
 */
import * as path from "node:path";
import { parse as parseShell } from "shell-quote";

/** One compile as the database records it. */
export interface CompileCommand {
  /** Absolute working directory of the compile (normalised). */
  readonly directory: string;
  /** Absolute path of the main source file. */
  readonly file: string;
  /** argv, the compiler first, exactly as recorded. */
  readonly argv: readonly string[];
  /** Index in the database (0-based), for messages. */
  readonly index: number;
}

/** What is wrong: with `entry`, that entry (0-based); without, the whole file. */
export interface CompileDbProblem {
  readonly entry?: number;
  readonly why: string;
}

export type CompileDbResult =
  | { readonly ok: true; readonly commands: readonly CompileCommand[] }
  | { readonly ok: false; readonly problems: readonly CompileDbProblem[] };

/**
 * Splits a recorded command line the way a POSIX shell would (quotes,
 * backslashes), without expanding anything: `$X` stays as written and a glob
 * stays literal, as clang tooling reads these commands. Shell operators
 * (`;`, `&&`, `|`, `>`) are not a compile and give null.
 */
export function splitCommand(command: string): string[] | null {
  const words: string[] = [];
  // shell-quote calls env for each $NAME; returning "$NAME" keeps it literal.
  for (const token of parseShell(command, (name) => `$${name}`)) {
    if (typeof token === "string") words.push(token);
    else if ("op" in token && token.op === "glob") words.push(token.pattern);
    else return null;
  }
  return words;
}

const isString = (v: unknown): v is string => typeof v === "string";

/** Reads the database text; every malformed entry is reported, not just the first. */
export function readCompileDb(text: string): CompileDbResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [{ why: `not valid JSON: ${(err as Error).message}` }] };
  }
  if (!Array.isArray(data))
    return { ok: false, problems: [{ why: "must be a JSON array of compile commands" }] };
  const problems: CompileDbProblem[] = [];
  const commands: CompileCommand[] = [];
  data.forEach((raw: unknown, index) => {
    const bad = (why: string) => problems.push({ entry: index, why });
    if (typeof raw !== "object" || raw === null || Array.isArray(raw))
      return bad("must be an object with directory, file and arguments or command");
    const e = raw as Record<string, unknown>;
    if (!isString(e.directory) || !path.isAbsolute(e.directory))
      return bad("'directory' must be an absolute path");
    if (!isString(e.file) || e.file === "") return bad("'file' must be a path");
    let argv: string[] | null;
    if (Array.isArray(e.arguments) && e.arguments.length > 0 && e.arguments.every(isString))
      argv = e.arguments;
    else if (isString(e.command)) {
      argv = splitCommand(e.command);
      if (!argv || argv.length === 0)
        return bad("'command' is not a single compiler command (shell operators?)");
    } else return bad("needs 'arguments' (a list of strings) or 'command' (a string)");
    commands.push({
      directory: path.normalize(e.directory),
      file: path.resolve(e.directory, e.file),
      argv,
      index,
    });
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, commands };
}
