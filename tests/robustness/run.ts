/*
 * Helpers for the robustness, error-baseline and fuzz suites: run the CLI
 * in-process with a capturing Io, spawn the built CLI, snapshot a directory.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../generator/cli";
import type { Io } from "../../generator/io";

export const repoRoot = path.resolve(__dirname, "..", "..");
export const binPath = path.join(repoRoot, "bin", "regcache.js");

export interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** main() with a capturing Io whose cwd is `cwd`, so display paths are stable. */
export async function runMain(argv: readonly string[], cwd: string): Promise<Outcome> {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    isTTY: false,
    env: {},
    cwd,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** The built CLI (dist/) as a child process. */
export function spawnCli(
  argv: readonly string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...argv], {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `regcache-${prefix}-`));
}

export interface Snapshot {
  readonly [relPath: string]: {
    readonly bytes: string;
    readonly mtimeMs: number;
    readonly kind: string;
  };
}

/** Every entry below dir (files with their bytes and mtime, directories, symlinks). */
export function snapshot(dir: string, prefix = ""): Snapshot {
  const out: Record<string, { bytes: string; mtimeMs: number; kind: string }> = {};
  if (!fs.existsSync(path.join(dir, prefix))) return out;
  for (const e of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    const full = path.join(dir, rel);
    const st = fs.lstatSync(full);
    if (e.isSymbolicLink()) out[rel] = { bytes: fs.readlinkSync(full), mtimeMs: 0, kind: "link" };
    else if (e.isDirectory()) {
      out[rel] = { bytes: "", mtimeMs: 0, kind: "dir" };
      Object.assign(out, snapshot(dir, rel));
    } else out[rel] = { bytes: fs.readFileSync(full, "latin1"), mtimeMs: st.mtimeMs, kind: "file" };
  }
  return out;
}

/**
 * Builds dist/ for tests that spawn the CLI. Test files run in parallel, so
 * the build is serialized with a lock directory and skipped when dist/ is
 * newer than every source file. A type error elsewhere in the tree still
 * emits JavaScript, so a failing tsc is tolerated as long as the CLI was
 * emitted; the type check itself is `npx tsc -p tsconfig.json`'s job.
 */
export function buildDist(): void {
  const lock = path.join(repoRoot, "dist", ".regcache-test-build.lock");
  const stamp = path.join(repoRoot, "dist", ".regcache-test-build");
  fs.mkdirSync(path.join(repoRoot, "dist"), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // A stale lock (a killed run) is taken over after the deadline.
      if (Date.now() > deadline) break;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    const newest = newestSource(path.join(repoRoot, "generator"));
    if (fs.existsSync(stamp) && fs.statSync(stamp).mtimeMs > newest) return;
    const tsc = require.resolve("typescript/bin/tsc");
    spawnSync(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: repoRoot, stdio: "pipe" });
    if (!fs.existsSync(path.join(repoRoot, "dist", "generator", "cli.js")))
      throw new Error("tsc did not emit dist/generator/cli.js");
    fs.writeFileSync(stamp, "");
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (e.name.endsWith(".ts")) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}
