/*
 * A failed system call's error in words, and whose fault it is: the one
 * table every command's read and write failures go through. Pure.
 *
 * The rule (README "Exit codes"): a path the user named that is the wrong
 * kind (a file where a directory is wanted, a directory where a file is,
 * a missing input, a path through a file) is "usage"; a path the system
 * will not let us read or write (permission, read-only or full file
 * system, quota, I/O error) is "environment". The CLI maps the kind to an
 * exit code (cli/io.ts exitCodeOf); libraries only pass the kind up.
 */

/** Whose fault a failure is: the path the user named (usage), or the system (environment). */
export type FaultKind = "usage" | "environment";

interface ErrnoEntry {
  readonly words: string;
  readonly kind: FaultKind;
}

const ERRNO: Record<string, ErrnoEntry> = {
  ENOENT: { words: "no such file or directory", kind: "usage" },
  EISDIR: { words: "it is a directory", kind: "usage" },
  ENOTDIR: { words: "a component of the path is not a directory", kind: "usage" },
  ELOOP: { words: "too many symbolic links", kind: "usage" },
  ENAMETOOLONG: { words: "the path is too long", kind: "usage" },
  EACCES: { words: "permission denied", kind: "environment" },
  EPERM: { words: "operation not permitted", kind: "environment" },
  EROFS: { words: "read-only file system", kind: "environment" },
  ENOSPC: { words: "no space left on device", kind: "environment" },
  EDQUOT: { words: "disk quota exceeded", kind: "environment" },
  EIO: { words: "input/output error", kind: "environment" },
  EMFILE: { words: "too many open files", kind: "environment" },
  ENFILE: { words: "too many open files in the system", kind: "environment" },
  EBUSY: { words: "device or resource busy", kind: "environment" },
};

const codeOf = (err: unknown): string | undefined =>
  (err as NodeJS.ErrnoException | undefined)?.code;

/** "no such file or directory (ENOENT)": the words first, the code for searching. */
export function errnoText(err: unknown): string {
  const code = codeOf(err);
  if (!code) return String((err as Error | undefined)?.message ?? err);
  return ERRNO[code] ? `${ERRNO[code].words} (${code})` : code;
}

/**
 * Whose fault a failed system call on a path is, by its code. A code the
 * table does not know is the environment's (the path was the right kind,
 * the system still refused).
 */
export function faultOf(err: unknown): FaultKind {
  const code = codeOf(err);
  return (code && ERRNO[code]?.kind) || "environment";
}

/** What was being done to the path when it failed; messages say it. */
export type PathOperation = "read" | "write" | "create";

/** A path failure as a command reports it: its kind, one line, and what to do. */
export interface PathFault {
  readonly kind: FaultKind;
  /** "cannot write out/c.h: read-only file system (EROFS)". */
  readonly message: string;
  /** The message without the path, for a line that names it already: "cannot write it: …". */
  readonly reason: string;
  /** What to do; never points at --help for an environment fault. */
  readonly help: string;
}

const HELP: Record<FaultKind, Record<PathOperation, string>> = {
  usage: {
    read: "name an existing file of the right kind",
    write:
      "name a path of the right kind (a directory for an output directory, a file for a report)",
    create: "name a path whose parent directories are directories",
  },
  environment: {
    read: "make it readable, or run where it is",
    write: "make it writable (permissions, a writable mount, free space), or name another path",
    create:
      "make its parent writable (permissions, a writable mount, free space), or name another path",
  },
};

/**
 * A failed system call on `shown` (the path as the user named it) while
 * doing `op`: "cannot read spec.yaml: permission denied (EACCES)", its kind
 * by the table, and a help line.
 */
export function pathFault(err: unknown, op: PathOperation, shown: string): PathFault {
  const kind = faultOf(err);
  const why = errnoText(err);
  return {
    kind,
    message: `cannot ${op} ${shown}: ${why}`,
    reason: `cannot ${op} it: ${why}`,
    help: HELP[kind][op],
  };
}

/** A path the user named that exists but is the other kind: always usage. */
export function wrongKind(shown: string, want: "file" | "directory"): PathFault {
  const is = want === "file" ? "a directory, not a file" : "a file, not a directory";
  return {
    kind: "usage",
    message: `${shown}: it is ${is}`,
    reason: `it is ${is}`,
    help: `name a ${want}`,
  };
}
