/*
 * generator/output/lock.ts's take loop against other runs acting at the worst
 * moment: the lock removed, rewritten or retaken between two of our own calls.
 * Each race is staged by a file system that does the other run's step just
 * before one of ours, on the real lock file. Expected values are written down
 * here, never taken from the module.
 */
import * as fs from "fs";
import * as path from "path";
import { tempDir } from "../../helpers/temp";
import { thrown } from "../../drift/helpers";
import {
  LOCK_NAME,
  OutputBusyError,
  retryDelayMs,
  withOutputLock,
  type LockFs,
} from "../../../generator/output/lock";

/** Field 22 of /proc/<pid>/stat: the process's start time in clock ticks since boot. */
function startOf(pid: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
}

const bootId = () => fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();

/** A lock line of the process that started this one: alive while the test runs. */
const liveLine = () => `${process.ppid} ${startOf(process.ppid)} ${bootId()}\n`;

/** A lock line of a run that is gone: our own pid, with a start time no process started now has. */
const goneLine = () => `${fs.readlinkSync("/proc/self")} 0 ${bootId()}\n`;

const errno = (code: string, syscall: string) =>
  Object.assign(new Error(`${code}: injected, ${syscall}`), { code, syscall });

type Call = "open" | "stat" | "read" | "rm";

/**
 * node's fs, with `before` called before each call on the lock file (given the
 * call and the one before it on the lock), so a test can act as another run
 * would at that moment, or throw in place of the call.
 */
function racing(lock: string, before: (call: Call, previous: Call | undefined) => void): LockFs {
  let previous: Call | undefined;
  const on = <A extends unknown[], R>(call: Call, real: (...a: A) => R) =>
    ((...args: A): R => {
      if (String(args[0]) === lock) {
        const was = previous;
        previous = call;
        before(call, was);
      }
      return real(...args);
    }) as never;
  return {
    ...fs,
    openSync: on("open", fs.openSync),
    statSync: on("stat", fs.statSync),
    readFileSync: on("read", fs.readFileSync),
    rmSync: on("rm", fs.rmSync),
  } as LockFs;
}

let out: string;
let lock: string;
beforeEach(() => {
  out = tempDir("lock-races");
  lock = path.join(out, LOCK_NAME);
});

describe("retryDelayMs", () => {
  test("10 ms after the first failed attempt, doubling, at most 100 ms", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 40].map(retryDelayMs)).toEqual([
      10, 20, 40, 80, 100, 100, 100, 100,
    ]);
  });
});

describe("the lock goes between our failed create and our look at it", () => {
  test.each([
    ["before the stat", "stat", "open"],
    ["between the stat and the read", "read", "stat"],
  ] as const)("gone %s: taken on the next attempt, without waiting", (_when, call, after) => {
    fs.writeFileSync(lock, liveLine());
    const lockFs = racing(lock, (now, previous) => {
      if (now === call && previous === after) fs.rmSync(lock);
    });
    expect(withOutputLock(out, () => "ran", { lockTimeoutMs: 0, fs: lockFs })).toBe("ran");
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test("a stat that fails otherwise (EACCES) is thrown, not taken for a lock that is gone", () => {
    fs.writeFileSync(lock, liveLine());
    const lockFs = racing(lock, (call) => {
      if (call === "stat") {
        fs.rmSync(lock, { force: true }); // were it taken for gone, the next create would succeed
        throw errno("EACCES", "stat");
      }
    });
    let ran = false;
    const err = thrown(() => withOutputLock(out, () => (ran = true), { fs: lockFs }));
    expect(err).toMatchObject({ code: "EACCES", syscall: "stat" });
    expect(ran).toBe(false);
  });
});

describe("a lock whose holder is gone, retaken by another run before we remove it", () => {
  test("retaken by a live run just before our re-read: left to it, and waited for", () => {
    fs.writeFileSync(lock, goneLine());
    // Our re-read is the stat that follows a read with no create between.
    const lockFs = racing(lock, (call, previous) => {
      if (call === "stat" && previous === "read") fs.writeFileSync(lock, liveLine());
    });
    let ran = false;
    const err = thrown(() =>
      withOutputLock(out, () => (ran = true), { lockTimeoutMs: 100, fs: lockFs }),
    );
    expect(err).toBeInstanceOf(OutputBusyError);
    expect((err as OutputBusyError).holder).toBe(process.ppid);
    expect(ran).toBe(false);
    expect(fs.readFileSync(lock, "utf8")).toBe(liveLine());
  });

  test("removed by another run just before our remove: ours still succeeds", () => {
    fs.writeFileSync(lock, goneLine());
    const lockFs = racing(lock, (call) => {
      if (call === "rm" && fs.existsSync(lock) && fs.readFileSync(lock, "utf8") === goneLine()) {
        fs.rmSync(lock);
      }
    });
    expect(withOutputLock(out, () => "ran", { lockTimeoutMs: 0, fs: lockFs })).toBe("ran");
    expect(fs.readdirSync(out)).toEqual([]);
  });
});

describe("a lock that names no holder, at the moment it would be taken for abandoned", () => {
  /**
   * A run that may take a nameless lock at once (abandonedAfterMs 0) and waits 200 ms for a
   * named one: its OutputBusyError, after checking that it ran nothing.
   */
  const busyAfterWaiting = (lockFs: LockFs): OutputBusyError => {
    let ran = false;
    const err = thrown(() =>
      withOutputLock(out, () => (ran = true), {
        lockTimeoutMs: 200,
        abandonedAfterMs: 0,
        fs: lockFs,
      }),
    );
    expect(err).toBeInstanceOf(OutputBusyError);
    expect(ran).toBe(false);
    return err as OutputBusyError;
  };

  test("filled in by a live run just before our re-read: left to it, and waited for", () => {
    fs.writeFileSync(lock, "");
    const lockFs = racing(lock, (call, previous) => {
      if (call === "stat" && previous === "read") fs.writeFileSync(lock, liveLine());
    });
    const err = busyAfterWaiting(lockFs);
    expect(err.holder).toBe(process.ppid);
    expect(fs.readFileSync(lock, "utf8")).toBe(liveLine());
  });

  test("still changing (a writer filling it in) at each re-read: never taken, busy in the end", () => {
    fs.writeFileSync(lock, "");
    const lockFs = racing(lock, (call, previous) => {
      if (call === "stat" && previous === "read") fs.appendFileSync(lock, "\0");
    });
    const err = busyAfterWaiting(lockFs);
    expect(err.holder).toBeUndefined();
    expect(fs.existsSync(lock)).toBe(true);
  });

  test("changing at every look, though its text stays empty: never taken, busy in the end", () => {
    fs.writeFileSync(lock, "");
    let tick = 0;
    const lockFs = racing(lock, (call) => {
      // Same (empty) text, a new mtime each time: only the file's identity shows the change.
      if (call === "stat") fs.utimesSync(lock, 1_000_000 + ++tick, 1_000_000 + tick);
    });
    busyAfterWaiting(lockFs);
    expect(fs.readFileSync(lock, "utf8")).toBe("");
  });

  test("removed by another run just before our remove: ours still succeeds", () => {
    fs.writeFileSync(lock, "");
    const lockFs = racing(lock, (call) => {
      if (call === "rm" && fs.existsSync(lock) && fs.readFileSync(lock, "utf8") === "") {
        fs.rmSync(lock);
      }
    });
    expect(
      withOutputLock(out, () => "ran", { lockTimeoutMs: 60_000, abandonedAfterMs: 0, fs: lockFs }),
    ).toBe("ran");
    expect(fs.readdirSync(out)).toEqual([]);
  });
});
