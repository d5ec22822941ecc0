/*
 * How a command declares and validates its arguments, so that a usage error
 * stops everything before any work (README "Exit codes": 2, nothing touched).
 *
 * A command's arguments are checked in three steps, all before it reads a spec,
 * writes a file, starts a compile or a watcher:
 *
 *  1. yargs (cli.ts): strict (unknown options and stray words are errors, with a
 *     "did you mean"), `choices` for closed sets, every option that takes a
 *     value requires one (cli.ts applies requiresArg to every non-boolean
 *     option, so `--spec` alone is an error, not the default), numbers through
 *     a coerce from this module (positiveInteger), an option that is not an
 *     array given twice is an error, an empty value is an error.
 *  2. The command's `prepare(args, io)`: the project file (project.ts) fills
 *     what the command line left out, then files the command will read must
 *     be readable (readableFile) and paths it will write must be writable
 *     (writableDirectory, writableFile). It returns the complete arguments or
 *     one UsageProblem; it has no side effects.
 *  3. Only then `run(args, io)`.
 *
 * Each failure prints one line, `regcache: error: <message>`, and a help line.
 * A path of the wrong kind is a usage problem (exit 2); a path the system
 * will not let us read or write is the environment's (exit 3, no pointer to
 * --help): util/errno.ts holds the table.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Argv } from "yargs";
import type { Diagnostic } from "../core/diagnostics/diagnostic";
import type { Io } from "./io";
import { pathFault, wrongKind, type PathFault, type PathOperation } from "../util/errno";

/** A usage error found after parsing: what is wrong, and what to do. Exit 2. */
export interface UsageProblem {
  /** One line, naming the option: "--out generated/c.h: it is a file, not a directory". */
  readonly message: string;
  readonly help?: string;
  /** When the problem is in a file (the project file): its diagnostics, printed instead. */
  readonly diagnostics?: readonly Diagnostic[];
  /**
   * "environment" when the system refused a path of the right kind (exit 3,
   * util/errno.ts); absent for a usage problem (exit 2).
   */
  readonly fault?: "environment";
}

export type Prepared<A> =
  { readonly ok: true; readonly args: A } | ({ readonly ok: false } & UsageProblem);

/** What every commands/<name>.ts exports. */
export interface CommandModule<A = any> {
  /** Declares the options (yargs), with types, choices and coercions; no side effects. */
  readonly builder: (y: Argv) => Argv<any>;
  /** Completes and checks the parsed arguments (step 2 above); no side effects. */
  readonly prepare?: (args: A, io: Io) => Prepared<A>;
  readonly run: (args: A, io: Io) => Promise<number>;
  /** Subcommands registered inside this command (`size merge`), each a command of its own. */
  readonly subcommands?: readonly (CommandModule & {
    /** yargs command string, e.g. "merge [reports..]". */
    readonly command: string;
    readonly describe: string;
  })[];
}

/** Thrown only by coerce functions, which yargs reports through its fail handler. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A yargs coerce for counts such as --jobs: a whole number ≥ 1, anything else a usage error. */
export function positiveInteger(option: string): (value: unknown) => number | undefined {
  return (value) => {
    if (value === undefined) return undefined;
    const text = String(Array.isArray(value) ? value[value.length - 1] : value);
    if (!/^\s*\d+\s*$/.test(text) || Number(text) < 1)
      throw new UsageError(`--${option} must be a whole number of at least 1, not '${text}'`);
    return Number(text);
  };
}

/** A path fault (util/errno.ts) as a problem of --option: its kind decides the exit code. */
const faultOf = (option: string, value: string, fault: PathFault): UsageProblem => ({
  message: `--${option} ${value}: ${fault.reason}`,
  help: fault.help,
  ...(fault.kind === "environment" ? { fault: "environment" as const } : {}),
});

/** A failed system call on --option's path while doing `op`. */
const failed = (option: string, value: string, err: unknown, op: PathOperation): UsageProblem =>
  faultOf(option, value, pathFault(err, op, value));

/** An input file the command will read: it exists, is a regular file and can be read. */
export function readableFile(io: Io, option: string, value: string): UsageProblem | undefined {
  const file = path.resolve(io.cwd, value);
  try {
    if (fs.statSync(file).isDirectory()) return faultOf(option, value, wrongKind(value, "file"));
    fs.accessSync(file, fs.constants.R_OK);
    return undefined;
  } catch (err) {
    return failed(option, value, err, "read");
  }
}

/**
 * The nearest existing ancestor of a path that does not exist yet (the
 * directories in between will be created), or the fault that stops it: an
 * ancestor that is a file (usage) or one we cannot write in (environment).
 */
function creatableUnder(option: string, value: string, target: string): UsageProblem | undefined {
  let dir = path.dirname(target);
  for (;;) {
    try {
      const stat = fs.statSync(dir);
      if (!stat.isDirectory())
        return faultOf(option, value, {
          kind: "usage",
          message: `${value}: cannot create it: ${dir} is a file, not a directory`,
          reason: `cannot create it: ${dir} is a file, not a directory`,
          help: "name a path whose parent directories are directories",
        });
      // access(2) also answers EROFS for a read-only mount, whoever asks.
      fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
      return undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT")
        return failed(option, value, err, "create");
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * An output directory the command only reads (check, generate --dry-run): a
 * directory, or absent (every file then counts as missing), never a file.
 */
export function directoryOrAbsent(io: Io, option: string, value: string): UsageProblem | undefined {
  try {
    if (!fs.statSync(path.resolve(io.cwd, value)).isDirectory())
      return faultOf(option, value, wrongKind(value, "directory"));
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? undefined : failed(option, value, err, "read");
  }
}

/** An output directory the command will write into: a writable directory, or creatable. */
export function writableDirectory(io: Io, option: string, value: string): UsageProblem | undefined {
  const dir = path.resolve(io.cwd, value);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT")
      return failed(option, value, err, "write");
  }
  if (stat && !stat.isDirectory()) return faultOf(option, value, wrongKind(value, "directory"));
  if (stat) {
    try {
      fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
    } catch (err) {
      return failed(option, value, err, "write");
    }
    return undefined;
  }
  return creatableUnder(option, value, dir);
}

/** An output file the command will write: a writable file, or creatable. */
export function writableFile(io: Io, option: string, value: string): UsageProblem | undefined {
  const file = path.resolve(io.cwd, value);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT")
      return failed(option, value, err, "write");
  }
  if (stat?.isDirectory()) return faultOf(option, value, wrongKind(value, "file"));
  if (stat) {
    try {
      fs.accessSync(file, fs.constants.W_OK);
    } catch (err) {
      return failed(option, value, err, "write");
    }
    return undefined;
  }
  return creatableUnder(option, value, file);
}

/** The first problem of several checks, as a Prepared result. */
export function firstProblem<A>(
  args: A,
  checks: readonly (UsageProblem | undefined)[],
): Prepared<A> {
  const found = checks.find((c) => c !== undefined);
  return found ? { ok: false, ...found } : { ok: true, args };
}
