/*
 * The edge between commands and the outside world. Commands print through an
 * Io rather than process.stdout so tests can drive them in-process and capture
 * exactly what a user would see.
 */
import type { FaultKind } from "../util/errno";

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stdout is a terminal (colour on stdout only then). */
  readonly isTTY: boolean;
  /** Whether stderr is a terminal (colour of diagnostics; live progress lines then, plain ones at intervals otherwise). */
  readonly isErrTTY?: boolean;
  /** Milliseconds from any fixed origin, to pace progress lines (default Date.now). */
  readonly now?: () => number;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export function processIo(): Io {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    isTTY: Boolean(process.stdout.isTTY),
    isErrTTY: Boolean(process.stderr.isTTY),
    now: () => performance.now(),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Exit codes shared by every command. */
export const ExitCode = {
  ok: 0,
  /** A check found a difference (drift, budget breach). */
  different: 1,
  /** Invalid spec, bad input or bad usage. */
  invalidInput: 2,
  /** The environment failed: missing compiler, unwritable output, git unavailable. */
  environment: 3,
} as const;

/**
 * The exit code of a fault's kind (util/errno.ts holds the table from a
 * failed system call to its kind): a path of the wrong kind is usage (2),
 * a path the system will not read or write is the environment (3).
 */
export function exitCodeOf(kind: FaultKind): number {
  return kind === "usage" ? ExitCode.invalidInput : ExitCode.environment;
}

/**
 * Whether text for `stream` may carry ANSI colour: FORCE_COLOR set (not "0"
 * or "false") forces it and FORCE_COLOR=0 forbids it, as Node and chalk read
 * it; else a non-empty NO_COLOR forbids it (no-color.org); else only when
 * that stream is a terminal. Diagnostics go to stderr, so `2> err.log`
 * gets plain text whatever stdout is.
 */
export function colourFor(io: Io, stream: "stdout" | "stderr"): boolean {
  const force = io.env["FORCE_COLOR"];
  if (force !== undefined) return force !== "0" && force !== "false";
  if (io.env["NO_COLOR"]) return false;
  return stream === "stdout" ? io.isTTY : io.isErrTTY === true;
}
