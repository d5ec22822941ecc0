/*
 * Helpers for the robustness, error-baseline and fuzz suites: run the CLI
 * in-process with a capturing Io, spawn the built CLI, snapshot a directory.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../generator/cli/main";
import type { Io } from "../../generator/cli/io";

export const repoRoot = path.resolve(__dirname, "..", "..");

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

/** The built CLI (bin/regcache.js over a private build: see buildDist) as a child process. */
export function spawnCli(
  argv: readonly string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    if (!cliPath) throw new Error("call buildDist() in beforeAll first");
    const child = spawn(process.execPath, [cliPath, ...argv], {
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

export { tempDir } from "../helpers/temp";

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
 * The CLI the spawning tests run: a private build of the working tree under
 * dist/.test-build-<time>/ with a copy of bin/regcache.js beside it. Private,
 * because the shared dist/ is rebuilt by anyone at any moment (a half-written
 * dist/ made these tests flaky); each build goes to a fresh directory, so a
 * rebuild never rewrites files a running test is loading. Test files share a
 * build while no source is newer; the build is serialized with a lock.
 */
export function buildDist(): string {
  const distDir = path.join(repoRoot, "dist");
  fs.mkdirSync(distDir, { recursive: true });
  const lock = path.join(distDir, ".test-build.lock");
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) break; // a stale lock of a killed run
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    const newest = newestSource(path.join(repoRoot, "generator"));
    const builds = fs
      .readdirSync(distDir)
      .filter((d) => /^\.test-build-\d+$/.test(d))
      .sort((a, b) => Number(b.slice(12)) - Number(a.slice(12)));
    const current = builds.find((d) => fs.existsSync(path.join(distDir, d, "regcache.js")));
    if (current && fs.statSync(path.join(distDir, current, "regcache.js")).mtimeMs > newest) {
      return (cliPath = path.join(distDir, current, "regcache.js"));
    }
    // Builds older than ten minutes are no longer in use by any run.
    for (const d of builds) {
      if (Date.now() - Number(d.slice(12)) > 600_000)
        fs.rmSync(path.join(distDir, d), { recursive: true, force: true });
    }
    const out = path.join(distDir, `.test-build-${Date.now()}`);
    const tsc = require.resolve("typescript/bin/tsc");
    spawnSync(process.execPath, [tsc, "-p", "tsconfig.json", "--outDir", out], {
      cwd: repoRoot,
      stdio: "pipe",
    });
    if (!fs.existsSync(path.join(out, "generator", "cli", "main.js")))
      throw new Error(`tsc did not emit ${out}/generator/cli/main.js`);
    const source = fs.readFileSync(path.join(repoRoot, "bin", "regcache.js"), "utf8");
    const builtDir = 'path.join(__dirname, "..", "dist", "generator")';
    if (!source.includes(builtDir)) throw new Error(`bin/regcache.js no longer names ${builtDir}`);
    const launcher = source.replace(builtDir, 'path.join(__dirname, "generator")');
    fs.writeFileSync(path.join(out, "regcache.js"), launcher);
    return (cliPath = path.join(out, "regcache.js"));
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** Set by buildDist(); spawnCli runs it. */
let cliPath: string | undefined;

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (e.name.endsWith(".ts")) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}
