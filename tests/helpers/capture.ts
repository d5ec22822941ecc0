/*
 * Test helpers shared by every suite: run the CLI in-process with a capturing
 * Io, make temp dirs, find compilers.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../generator/cli/main";
import type { Io } from "../../generator/cli/io";

export const repoRoot = path.resolve(__dirname, "..", "..");

export interface Captured {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(
  argv: readonly string[],
  opts: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    isTTY?: boolean;
    /** As Io's: stderr a terminal, and the clock that paces progress lines. */
    isErrTTY?: boolean;
    now?: () => number;
  } = {},
): Promise<Captured> {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    isTTY: opts.isTTY ?? false,
    isErrTTY: opts.isErrTTY ?? false,
    ...(opts.now ? { now: opts.now } : {}),
    env: opts.env ?? {},
    cwd: opts.cwd ?? repoRoot,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

export { capturingIo, type CapturingIo } from "./io";
export { tempDir } from "./temp";

/** Whether the shell finds command `cmd` (`command -v`): an installed tool a test needs. */
export function onPath(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

/** Installed C compilers among gcc, clang-19 and clang (clang once). */
export function compilers(): string[] {
  const found: string[] = [];
  for (const cc of ["gcc", "clang-19", "clang"]) {
    if (cc === "clang" && found.includes("clang-19")) continue;
    if (onPath(cc)) found.push(cc);
  }
  return found;
}

export function writeFiles(
  dir: string,
  files: readonly { path: string; contents: string }[],
): void {
  for (const f of files) {
    const target = path.join(dir, f.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, f.contents);
  }
}

export function compile(cc: string, args: readonly string[]): { ok: boolean; output: string } {
  try {
    execFileSync(cc, args, { stdio: "pipe", encoding: "utf8" });
    return { ok: true, output: "" };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}
