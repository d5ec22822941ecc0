/*
 * The output directory's lock: writers of one output directory take turns
 * (withOutputLock), so two runs at once leave the whole tree from one of them,
 * never a mix. Edge: creates, reads and removes the lock file.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** Another live process holds the output directory's lock for longer than we wait. */
export class OutputBusyError extends Error {
  constructor(
    readonly holder: number | undefined,
    readonly waitedMs: number,
  ) {
    super(
      `another regcache run${holder ? ` (pid ${holder})` : ""} is writing the output directory; waited ${(waitedMs / 1000).toFixed(1)} s`,
    );
  }
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === "ENOENT") return undefined;
    if (e.path === undefined) e.path = file;
    throw e;
  }
}

/** The lock file, at the top of the output directory while a run writes it. */
export const LOCK_NAME = ".regcache.lock";

export interface LockOptions {
  /** How long to wait for another live writer; default 30 s. */
  readonly lockTimeoutMs?: number;
}

const sleepMs = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/** The pid in a lock file, or undefined while its writer has not filled it in yet. */
function lockHolder(lock: string): number | undefined {
  const pid = Number((readIfExists(lock) ?? "").trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Runs fn (plan and apply) holding outDir's lock: an exclusive-create file with
 * our pid. A lock left by a process that no longer runs is taken over; one held
 * by a live process is waited for, then OutputBusyError. Creates outDir (and
 * removes it again if fn fails and left it empty).
 */
export function withOutputLock<T>(outDir: string, fn: () => T, options: LockOptions = {}): T {
  const created = !fs.existsSync(outDir);
  fs.mkdirSync(outDir, { recursive: true });
  const lock = path.join(outDir, LOCK_NAME);
  const timeoutMs = options.lockTimeoutMs ?? 30_000;
  const started = Date.now();
  let ok = false;
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        fs.writeFileSync(lock, `${process.pid}\n`, { flag: "wx" });
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      const holder = lockHolder(lock);
      if (holder !== undefined && !processAlive(holder)) {
        // Re-read just before removing, so a lock just retaken by someone else survives.
        if (lockHolder(lock) === holder) fs.rmSync(lock, { force: true });
        continue;
      }
      const waited = Date.now() - started;
      if (waited >= timeoutMs) throw new OutputBusyError(holder, waited);
      sleepMs(Math.min(10 * 2 ** Math.min(attempt, 4), 100));
    }
    try {
      const result = fn();
      ok = true;
      return result;
    } finally {
      fs.rmSync(lock, { force: true });
    }
  } finally {
    if (!ok && created) {
      try {
        fs.rmdirSync(outDir); // only if still empty: never anything but our own mkdir
      } catch {
        // not empty, or already gone
      }
    }
  }
}
