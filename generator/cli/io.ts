/*
 * The edge between commands and the outside world. Commands print through an
 * Io rather than process.stdout so tests can drive them in-process and capture
 * exactly what a user would see.
 */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stdout is a terminal (colour only then). */
  readonly isTTY: boolean;
  /** Whether stderr is a terminal: live progress lines then, plain ones at intervals otherwise. */
  readonly stderrIsTTY?: boolean;
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
    stderrIsTTY: Boolean(process.stderr.isTTY),
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
