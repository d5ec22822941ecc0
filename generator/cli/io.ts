/*
 * The edge between commands and the outside world. Commands print through an
 * Io rather than process.stdout so tests can drive them in-process and capture
 * exactly what a user would see.
 */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stdout is a terminal (colour and progress lines only then). */
  readonly isTTY: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export function processIo(): Io {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    isTTY: Boolean(process.stdout.isTTY),
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
