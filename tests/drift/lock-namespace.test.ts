/*
 * The output lock across PID namespaces (containers): a `regcache generate`
 * killed while it holds the lock, each run in a new PID namespace
 * (`unshare --pid --fork`, where every run is pid 1 and a dead run's pid is the
 * next run's own). The next run must take the dead run's lock over at once and
 * succeed, not wait out the lock's 30 s and exit 3. Runs the built CLI
 * (dist/: `npm run build` first). Where `unshare` cannot make a PID namespace
 * (not root, not Linux) the test says why and checks nothing.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { LOCK_NAME } from "../../generator/output/lock";
import { repoRoot, tempProject } from "./helpers";

const dist = path.join(repoRoot, "dist", "generator");
const bin = path.join(repoRoot, "bin", "regcache.js");

/** Why a PID namespace cannot be made here, or undefined when it can. */
function noNamespace(): string | undefined {
  const r = spawnSync("unshare", ["--pid", "--fork", "sh", "-c", "echo $$"], { encoding: "utf8" });
  if (r.error) return `unshare cannot run (${(r.error as NodeJS.ErrnoException).code})`;
  if (r.status !== 0 || r.stdout.trim() !== "1") {
    return `unshare --pid --fork fails here (exit ${r.status}: ${r.stderr.trim()})`;
  }
  return undefined;
}

/** Resolves once `file` exists; rejects when `child` exits first. */
function whenExists(file: string, child: ReturnType<typeof spawn>): Promise<void> {
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`child exited (${code}) first: ${stderr}`));
    child.once("exit", onExit);
    const poll = () => {
      if (fs.existsSync(file)) {
        child.off("exit", onExit);
        resolve();
      } else setTimeout(poll, 20);
    };
    poll();
  });
}

test("a run killed in one PID namespace while it holds the lock: the next run, in another, takes it over and succeeds", async () => {
  const why = noNamespace();
  if (why) {
    console.log(`skipped: ${why}`);
    return;
  }
  const project = tempProject("lock-ns");
  const gen = path.join(project, "generated");
  const held = path.join(project, "held");
  // generate's own regeneration (the CLI's regenerate), pausing for good once
  // it holds the lock (LockOptions.onLocked, a test seam).
  const script = `
    const fs = require("fs");
    const { locate } = require(${JSON.stringify(path.join(dist, "cli", "common.js"))});
    const { regenerate } = require(${JSON.stringify(path.join(dist, "cli", "commands", "generate.js"))});
    const io = { stdout() {}, stderr() {}, isTTY: false, env: process.env, cwd: process.cwd() };
    const where = locate(io, "spec/x86-kvm.yaml", "generated");
    const args = { spec: "spec/x86-kvm.yaml", out: "generated", cStyle: "macro", allCached: false };
    regenerate(where, args, process.env, {
      onLocked() {
        fs.writeFileSync(${JSON.stringify(held)}, String(process.pid));
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
      },
    });`;
  // --kill-child: should the test fail before it kills the run, ending unshare ends it too.
  const first = spawn(
    "unshare",
    ["--pid", "--fork", "--kill-child", process.execPath, "-e", script],
    { cwd: project, stdio: ["ignore", "ignore", "pipe"] },
  );
  const firstGone = new Promise((resolve) => first.once("exit", resolve));
  let line = "";
  try {
    await whenExists(held, first);
    expect(fs.readFileSync(held, "utf8")).toBe("1"); // pid 1 in its namespace
    line = fs.readFileSync(path.join(gen, LOCK_NAME), "utf8");
    // The lock names the run as this machine's /proc counts it: a pid we can kill.
    const holder = Number(line.split(" ")[0]);
    expect(holder).not.toBe(1);
    process.kill(holder, "SIGKILL");
    await firstGone;
  } finally {
    first.kill("SIGKILL");
  }
  expect(fs.readFileSync(path.join(gen, LOCK_NAME), "utf8")).toBe(line); // left behind

  // Without a take-over this run waits 30 s for the dead holder and exits 3.
  const second = spawnSync("unshare", ["--pid", "--fork", process.execPath, bin, "generate"], {
    cwd: project,
    encoding: "utf8",
  });
  expect(second.stderr).toBe("");
  expect(second.status).toBe(0);
  expect(fs.existsSync(path.join(gen, LOCK_NAME))).toBe(false);
  const check = spawnSync(process.execPath, [bin, "check"], { cwd: project, encoding: "utf8" });
  expect(check.status).toBe(0);
}, 90_000);
