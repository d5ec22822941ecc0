/*
 * A compile database (clang's compile_commands.json, as CMake, Bear or the
 * kernel's scripts/clang-tools/gen_compile_commands.py write it): a JSON
 * array of { directory, file, arguments | command, output? }. This module
 * reads it into translation units with their argv split, and picks the units
 * a size run compiles. Pure: text in, data or diagnostics out.
 *
 * The format: https://clang.llvm.org/docs/JSONCompilationDatabase.html —
 * `directory` is the working directory of the compile, `file` the main
 * source (relative to `directory` or absolute), `arguments` the argv, or
 * `command` one shell-quoted string (split here with shell-quote, without
 * expanding anything: a `$` stays a `$`).
 */
import * as path from "path";
import picomatch from "picomatch";
import { parse as parseShell } from "shell-quote";

/** One translation unit as the database records it. */
export interface TranslationUnit {
  /** Absolute working directory of the compile. */
  readonly directory: string;
  /** Absolute path of the main source file. */
  readonly file: string;
  /** argv, the compiler first, exactly as recorded. */
  readonly argv: readonly string[];
  /** Index in the database (0-based), for messages. */
  readonly index: number;
}

export type CompileDbResult =
  { ok: true; units: TranslationUnit[] } | { ok: false; problems: string[] };

const isString = (v: unknown): v is string => typeof v === "string";

/** Splits a recorded `command` string the way sh would, with no expansion. */
export function splitCommand(command: string): string[] | undefined {
  // shell-quote calls env for each $NAME; returning "$NAME" keeps it literal.
  const words = parseShell(command, (name) => `$${name}`);
  if (words.some((w) => typeof w !== "string")) return undefined; // an operator: ; | && > …
  return words as string[];
}

/**
 * Reads the database text. Problems name the entry ("entry 3: …") so a user
 * can find it; every problem is reported, not just the first.
 */
export function parseCompileDb(text: string): CompileDbResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [`not valid JSON: ${(err as Error).message}`] };
  }
  if (!Array.isArray(data))
    return { ok: false, problems: ["must be a JSON array of compile commands"] };
  const problems: string[] = [];
  const units: TranslationUnit[] = [];
  data.forEach((entry: unknown, index) => {
    const where = `entry ${index}`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      problems.push(`${where}: must be an object with directory, file and arguments or command`);
      return;
    }
    const e = entry as Record<string, unknown>;
    if (!isString(e.directory) || !path.isAbsolute(e.directory)) {
      problems.push(`${where}: 'directory' must be an absolute path`);
      return;
    }
    if (!isString(e.file) || e.file === "") {
      problems.push(`${where}: 'file' must be a path`);
      return;
    }
    let argv: string[] | undefined;
    if (Array.isArray(e.arguments) && e.arguments.length > 0 && e.arguments.every(isString)) {
      argv = e.arguments;
    } else if (isString(e.command)) {
      argv = splitCommand(e.command);
      if (!argv || argv.length === 0) {
        problems.push(`${where}: 'command' is not a single compiler command (shell operators?)`);
        return;
      }
    } else {
      problems.push(`${where}: needs 'arguments' (a list of strings) or 'command' (a string)`);
      return;
    }
    units.push({
      directory: path.normalize(e.directory),
      file: path.resolve(e.directory, e.file),
      argv,
      index,
    });
  });
  if (problems.length > 0) return { ok: false, problems };
  if (units.length === 0) return { ok: false, problems: ["holds no compile commands"] };
  return { ok: true, units };
}

/**
 * The units to measure: those matching any glob (tried on the path relative
 * to the source tree's root and on the absolute path), or all when no glob is
 * given. A database may list a file twice (two configs of one source); the
 * first entry wins, as clang tools do.
 */
export function selectUnits(
  units: readonly TranslationUnit[],
  globs: readonly string[],
  treeRoot: string,
): TranslationUnit[] {
  const matchers = globs.map((g) => picomatch(g, { dot: true }));
  const seen = new Set<string>();
  return units.filter((unit) => {
    if (seen.has(unit.file)) return false;
    const relative = path.relative(treeRoot, unit.file).split(path.sep).join("/");
    const keep = matchers.length === 0 || matchers.some((m) => m(relative) || m(unit.file));
    if (keep) seen.add(unit.file);
    return keep;
  });
}
