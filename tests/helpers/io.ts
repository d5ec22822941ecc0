/*
 * A capturing Io for calling a command in-process; no CLI module loaded.
 */
import type { Io } from "../../generator/cli/io";

/** An Io that keeps what is printed, for calling a command's run() in-process. */
export interface CapturingIo {
  readonly io: Io;
  readonly stdout: () => string;
  readonly stderr: () => string;
}

export function capturingIo(cwd: string, env: NodeJS.ProcessEnv = {}): CapturingIo {
  let out = "";
  let err = "";
  return {
    io: { stdout: (t) => void (out += t), stderr: (t) => void (err += t), isTTY: false, env, cwd },
    stdout: () => out,
    stderr: () => err,
  };
}
