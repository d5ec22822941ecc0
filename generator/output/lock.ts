/*
 * The output directory's lock: writers of one output directory take turns
 * (withOutputLock), so two runs at once leave the whole tree from one of them,
 * never a mix. Edge: creates, reads and removes the lock file, reads /proc.
 *
 * The lock is a file made with an exclusive create, holding one line
 * `<pid> <start> <boot>`: the holder's pid as /proc shows it, its start time
 * (field 22 of /proc/<pid>/stat, clock ticks since boot) and the machine's boot
 * id (/proc/sys/kernel/random/boot_id). A holder is alive only while
 * /proc/<pid>/stat shows that same start time under that same boot id, so a pid
 * reused after a crash or a reboot, or a pid that in a new PID namespace is the
 * next run's own (or one of its threads), does not keep a dead run's lock.
 *
 * Why not a lock the kernel releases with the process: node has no flock or
 * fcntl lock; fs-ext has them but needs a native build at install time, and
 * proper-lockfile judges staleness by an mtime the holder refreshes from a
 * timer, which cannot run while a synchronous write holds the lock (and would
 * make a crashed run's lock block the next one until it went stale). Liveness
 * judged through /proc needs neither. Its limit: runs that share an output
 * directory must see the same /proc (one machine, or namespaces that do not
 * mount their own); a holder in another container with its own /proc is judged
 * by a pid that means something else there.
 *
 * Where /proc is missing (not Linux) the lock holds the pid alone and liveness
 * is `kill(pid, 0)`, as it is for a lock naming a pid alone.
 */
import * as nodeFs from "node:fs";
import * as path from "node:path";
import { makeDirs } from "../util/make-dirs";

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

/** The fs calls the lock makes; tests pass one that fails on cue. */
export type LockFs = Pick<
  typeof nodeFs,
  | "openSync"
  | "writeSync"
  | "closeSync"
  | "readFileSync"
  | "readlinkSync"
  | "statSync"
  | "rmSync"
  | "existsSync"
  | "mkdirSync"
  | "rmdirSync"
>;

/** The lock file, at the top of the output directory while a run writes it. */
export const LOCK_NAME = ".regcache.lock";

export interface LockOptions {
  /** How long to wait for another live writer; default 30 s. */
  readonly lockTimeoutMs?: number;
  /**
   * How long a lock that names no holder (empty, garbled or unreadable) may
   * stay unchanged before it is taken for abandoned; default 2 s. A writer
   * fills its lock in right after creating it, so one that stays empty is a
   * run killed (or out of space) in between.
   */
  readonly abandonedAfterMs?: number;
  /** The file system; node's by default (a test seam). */
  readonly fs?: LockFs;
  /**
   * Called once the lock is held, before fn runs. A test seam: tests pause or
   * kill a run here, while it holds the lock and has written nothing.
   */
  readonly onLocked?: () => void;
}

/** Who holds a lock: the pid /proc shows, and where /proc exists its start time and boot id. */
export interface LockHolder {
  readonly pid: number;
  readonly start?: string;
  readonly boot?: string;
}

const sleepMs = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/**
 * Milliseconds to wait after failed attempt number `attempt` (0 for the first)
 * to take a held lock: 10 ms, doubling each attempt, at most 100 ms.
 */
export function retryDelayMs(attempt: number): number {
  return Math.min(10 * 2 ** Math.min(attempt, 4), 100);
}

/**
 * Whether a process with this pid exists: signal 0 reaches it, or it is
 * another user's (EPERM); only ESRCH says there is none.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks), or undefined when there is none. */
function startTime(fs: LockFs, pid: number | "self"): string | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count after it.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const start = fields[22 - 3] ?? "";
  return /^\d+$/.test(start) ? start : undefined;
}

function bootId(fs: LockFs): string | undefined {
  let id: string;
  try {
    id = fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return undefined;
  }
  return /^[0-9a-f-]+$/.test(id) ? id : undefined;
}

/** This process as a lock names it. */
export function ownHolder(fs: LockFs = nodeFs): LockHolder {
  // /proc/self names us as this /proc counts (in a PID namespace that does not
  // mount its own /proc, process.pid is the namespace's number instead).
  let pid = process.pid;
  try {
    const seen = Number(fs.readlinkSync("/proc/self"));
    if (Number.isInteger(seen) && seen > 0) pid = seen;
  } catch {
    // no /proc: process.pid it is
  }
  const start = startTime(fs, "self");
  const boot = bootId(fs);
  return start !== undefined && boot !== undefined ? { pid, start, boot } : { pid };
}

/** A lock file's line; undefined when it names no holder (empty, garbled). */
export function parseHolder(text: string): LockHolder | undefined {
  const m = /^(\d+)(?: (\d+) ([0-9a-f-]+))?\n?$/.exec(text);
  if (!m) return undefined;
  const pid = Number(m[1]);
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  return m[2] !== undefined ? { pid, start: m[2], boot: m[3] } : { pid };
}

export function formatHolder(h: LockHolder): string {
  return h.start !== undefined ? `${h.pid} ${h.start} ${h.boot}\n` : `${h.pid}\n`;
}

/**
 * Whether the holder a lock names still runs, as `me` sees it: the same boot
 * and the same start time for its pid; for a lock naming a pid alone, a process
 * with that pid that is not this one (this process never holds a lock it is
 * trying to take).
 */
export function holderAlive(holder: LockHolder, me: LockHolder, fs: LockFs = nodeFs): boolean {
  if (holder.start === undefined || me.start === undefined) {
    if (holder.pid === me.pid || holder.pid === process.pid) return false;
    return processAlive(holder.pid);
  }
  if (holder.boot !== me.boot) return false;
  if (holder.pid === me.pid) return holder.start === me.start;
  return startTime(fs, holder.pid) === holder.start;
}

/** What a lock file says now: absent, a holder, or (no holder named) its identity on disk. */
type LockState =
  | { readonly kind: "absent" }
  | { readonly kind: "held"; readonly holder: LockHolder; readonly text: string }
  | { readonly kind: "nameless"; readonly identity: string };

function readLock(fs: LockFs, lock: string): LockState {
  let text: string | undefined;
  let identity: string;
  try {
    const st = fs.statSync(lock);
    identity = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { kind: "absent" };
    throw err;
  }
  try {
    text = fs.readFileSync(lock, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { kind: "absent" };
    // Unreadable (EACCES, EIO): it names no holder we can judge.
  }
  const holder = text === undefined ? undefined : parseHolder(text);
  return holder ? { kind: "held", holder, text: text! } : { kind: "nameless", identity };
}

/**
 * Creates the lock with our line, or returns false when one exists. Any other
 * failure (ENOSPC, EIO on the write) removes the lock it created and is thrown:
 * a failed take leaves no lock.
 */
function tryTake(fs: LockFs, lock: string, text: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(lock, "wx");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
  try {
    const bytes = Buffer.from(text);
    // A short write is not success: write until every byte is out.
    for (let done = 0; done < bytes.length;) {
      const n = fs.writeSync(fd, bytes, done, bytes.length - done);
      if (n <= 0) throw Object.assign(new Error(`short write to ${lock}`), { code: "EIO" });
      done += n;
    }
  } catch (err) {
    closeQuietly(fs, fd);
    removeQuietly(fs, lock);
    throw err;
  }
  try {
    fs.closeSync(fd);
  } catch (err) {
    removeQuietly(fs, lock);
    throw err;
  }
  return true;
}

function closeQuietly(fs: LockFs, fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // the write's error is the one to report
  }
}

function removeQuietly(fs: LockFs, file: string): void {
  try {
    fs.rmSync(file);
  } catch {
    // left behind: the next run finds it nameless and takes it for abandoned
  }
}

/**
 * Removes the lock if it is still ours (never one another run took over
 * meanwhile). Never throws: a lock left behind names a run that is gone, and
 * the next run takes it over at once.
 */
function release(fs: LockFs, lock: string, mine: string): void {
  try {
    const now = readLock(fs, lock);
    if (now.kind === "held" && now.text === mine) fs.rmSync(lock);
  } catch {
    // see above
  }
}

/**
 * Runs fn (plan and apply) holding outDir's lock. A lock whose holder no
 * longer runs is taken over at once; one that names no holder, once it has
 * stayed unchanged for abandonedAfterMs; one held by a live process is waited
 * for, then OutputBusyError (holder: its pid). Creates outDir (and removes it
 * again if fn fails and left it empty). Errors of the file system are thrown
 * as they are (NodeJS.ErrnoException), and leave no lock of ours.
 */
export function withOutputLock<T>(outDir: string, fn: () => T, options: LockOptions = {}): T {
  const fs = options.fs ?? nodeFs;
  const created = !fs.existsSync(outDir);
  makeDirs(outDir, fs);
  const lock = path.join(outDir, LOCK_NAME);
  const timeoutMs = options.lockTimeoutMs ?? 30_000;
  const abandonedAfterMs = options.abandonedAfterMs ?? 2_000;
  const me = ownHolder(fs);
  const mine = formatHolder(me);
  const started = Date.now();
  let nameless: { identity: string; since: number } | undefined;
  let ok = false;
  try {
    for (let attempt = 0; ; attempt++) {
      if (tryTake(fs, lock, mine)) break;
      const state = readLock(fs, lock);
      if (state.kind === "absent") continue;
      if (state.kind === "held" && !holderAlive(state.holder, me, fs)) {
        // Re-read just before removing, so a lock just retaken by someone else survives.
        const again = readLock(fs, lock);
        if (again.kind === "held" && again.text === state.text) fs.rmSync(lock, { force: true });
        continue;
      }
      if (state.kind === "nameless") {
        if (nameless?.identity !== state.identity) {
          nameless = { identity: state.identity, since: Date.now() };
        } else if (Date.now() - nameless.since >= abandonedAfterMs) {
          const again = readLock(fs, lock);
          if (again.kind === "nameless" && again.identity === state.identity) {
            fs.rmSync(lock, { force: true });
          }
          nameless = undefined;
          continue;
        }
      }
      const waited = Date.now() - started;
      if (waited >= timeoutMs) {
        throw new OutputBusyError(state.kind === "held" ? state.holder.pid : undefined, waited);
      }
      sleepMs(retryDelayMs(attempt));
    }
    try {
      options.onLocked?.();
      const result = fn();
      ok = true;
      return result;
    } finally {
      release(fs, lock, mine);
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
