/*
 * generator/output/lock.ts on its own, in-process: the lock file while a run
 * holds it, what happens to the output directory when the run fails, locks left
 * by processes that are gone, locks held by live ones, and locks in trouble
 * (removed by hand, impossible to create). Expected values are written down
 * here, never taken from the module.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { tempDir } from "../../helpers/temp";
import { thrown } from "../../drift/helpers";
import {
  LOCK_NAME,
  OutputBusyError,
  withOutputLock,
  type LockFs,
} from "../../../generator/output/lock";

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
    encoding: "utf8",
  });
  return Number(r.stdout);
}

/** Field 22 of /proc/<pid>/stat: the process's start time in clock ticks since boot. */
function startOf(pid: number | "self"): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
}

const bootId = () => fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();

/** The line a lock of this process holds: pid as /proc shows it, start time, boot id. */
const ourLine = () => `${fs.readlinkSync("/proc/self")} ${startOf("self")} ${bootId()}\n`;

/** node's fs with some calls replaced. */
const fsWith = (over: Partial<LockFs>): LockFs => ({ ...fs, ...over }) as LockFs;

const errno = (code: string, syscall: string) =>
  Object.assign(new Error(`${code}: injected, ${syscall}`), { code, syscall });

describe("OutputBusyError", () => {
  test.each([
    [4321, 1500, "another regcache run (pid 4321) is writing the output directory; waited 1.5 s"],
    [7, 30_000, "another regcache run (pid 7) is writing the output directory; waited 30.0 s"],
    [undefined, 40, "another regcache run is writing the output directory; waited 0.0 s"],
  ])("holder %j, %d ms", (holder, ms, want) => {
    const e = new OutputBusyError(holder, ms);
    expect(e.message).toBe(want);
    expect([e.holder, e.waitedMs]).toEqual([holder, ms]);
  });
});

describe("withOutputLock", () => {
  let parent: string;
  let out: string;
  beforeEach(() => {
    parent = tempDir("writer-lock");
    out = path.join(parent, "out");
  });

  test("holds a lock file with our pid while fn runs, returns its result, releases it", () => {
    let during = "";
    const result = withOutputLock(out, () => {
      during = fs.readFileSync(path.join(out, LOCK_NAME), "utf8");
      return 42;
    });
    expect(result).toBe(42);
    expect(during).toBe(ourLine());
    expect(LOCK_NAME).toBe(".regcache.lock");
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test("a failing fn: the error passes through, the lock goes, a directory it made and left empty goes", () => {
    expect(
      (
        thrown(() =>
          withOutputLock(out, () => {
            throw new Error("boom");
          }),
        ) as Error
      ).message,
    ).toBe("boom");
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  test("a failing fn that wrote something: the directory stays", () => {
    thrown(() =>
      withOutputLock(out, () => {
        fs.writeFileSync(path.join(out, "half.h"), "x");
        throw new Error("boom");
      }),
    );
    expect(fs.readdirSync(out)).toEqual(["half.h"]);
  });

  test("a failing fn in a directory that was there before: it stays, empty", () => {
    fs.mkdirSync(out);
    thrown(() =>
      withOutputLock(out, () => {
        throw new Error("boom");
      }),
    );
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test("a succeeding fn that leaves a new directory empty: it stays", () => {
    withOutputLock(out, () => undefined);
    expect(fs.statSync(out).isDirectory()).toBe(true);
  });

  test("a lock left by a process that is gone is taken over", () => {
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, LOCK_NAME), `${deadPid()}\n`);
    let during = "";
    withOutputLock(out, () => (during = fs.readFileSync(path.join(out, LOCK_NAME), "utf8")), {
      lockTimeoutMs: 0, // taken over at once: any wait would be "busy"
    });
    expect(during).toBe(ourLine());
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test.each([
    ["a live holder", () => `${process.ppid} ${startOf(process.ppid)} ${bootId()}\n`, process.ppid],
    ["a live holder named by its pid alone", () => `${process.ppid}\n`, process.ppid],
    ["a lock not filled in yet", () => "", undefined],
    ["a lock with no number", () => "pid\n", undefined],
    ["a lock with pid 0", () => "0\n", undefined],
    ["a lock with a negative pid", () => "-5\n", undefined],
    ["a lock with a fractional pid", () => "1.5\n", undefined],
  ])("%s is waited for, then busy; nothing runs and the lock stays", (_name, text, holder) => {
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, LOCK_NAME), text());
    let ran = false;
    const started = Date.now();
    const err = thrown(() => withOutputLock(out, () => (ran = true), { lockTimeoutMs: 150 }));
    expect(err).toBeInstanceOf(OutputBusyError);
    expect((err as OutputBusyError).holder).toBe(holder);
    expect((err as OutputBusyError).waitedMs).toBeGreaterThanOrEqual(150);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(ran).toBe(false);
    expect(fs.readFileSync(path.join(out, LOCK_NAME), "utf8")).toBe(text());
  });

  // lockTimeoutMs 0: a lock judged alive is reported busy at once, so running
  // fn proves the lock was judged dead without any wait.
  test.each([
    [
      "our own pid with another start time",
      () => `${fs.readlinkSync("/proc/self")} 1 ${bootId()}\n`,
    ],
    [
      "our own pid and start time under another boot",
      () => `${fs.readlinkSync("/proc/self")} ${startOf("self")} 0123-4567\n`,
    ],
    [
      "a live process's pid with another start time (a reused pid)",
      () => `${process.ppid} 1 ${bootId()}\n`,
    ],
    [
      "a live process's pid and start time under another boot",
      () => `${process.ppid} ${startOf(process.ppid)} 0123-4567\n`,
    ],
    ["our own pid alone (a killed run's, seen from a new PID namespace)", () => `${process.pid}\n`],
    ["a pid that no process has", () => `${deadPid()} 1 ${bootId()}\n`],
  ])("%s: the holder is gone, the lock is taken over at once", (_name, text) => {
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, LOCK_NAME), text());
    let during = "";
    withOutputLock(out, () => (during = fs.readFileSync(path.join(out, LOCK_NAME), "utf8")), {
      lockTimeoutMs: 0,
    });
    expect(during).toBe(ourLine());
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test.each([
    ["empty", () => fs.writeFileSync(path.join(out, LOCK_NAME), ""), fs],
    ["garbled", () => fs.writeFileSync(path.join(out, LOCK_NAME), "\0\0\0"), fs],
    [
      "unreadable",
      () => fs.writeFileSync(path.join(out, LOCK_NAME), `${process.ppid}\n`),
      fsWith({
        // Unreadable while it is the planted one (our own lock reads as usual).
        readFileSync: ((file: string, ...rest: unknown[]) => {
          const text = (fs.readFileSync as (...a: unknown[]) => unknown)(file, ...rest);
          if (String(file).endsWith(LOCK_NAME) && text === `${process.ppid}\n`) {
            throw errno("EACCES", "open");
          }
          return text;
        }) as LockFs["readFileSync"],
      }),
    ],
  ])(
    "a lock left %s by a writer that is gone does not block for good: taken over once it stays so",
    (_name, plant, lockFs) => {
      fs.mkdirSync(out);
      plant();
      let ran = false;
      withOutputLock(out, () => (ran = true), {
        lockTimeoutMs: 60_000,
        abandonedAfterMs: 50,
        fs: lockFs as LockFs,
      });
      expect(ran).toBe(true);
      expect(fs.readdirSync(out)).toEqual([]);
    },
  );

  test("a lock another run took over while fn ran is left to it", () => {
    const theirs = `${process.ppid} ${startOf(process.ppid)} ${bootId()}\n`;
    withOutputLock(out, () => fs.writeFileSync(path.join(out, LOCK_NAME), theirs));
    expect(fs.readFileSync(path.join(out, LOCK_NAME), "utf8")).toBe(theirs);
  });
});

describe("withOutputLock when taking the lock fails", () => {
  let parent: string;
  let out: string;
  beforeEach(() => {
    parent = tempDir("lock-take");
    out = path.join(parent, "out");
  });

  test.each([
    [
      "ENOSPC on the write",
      {
        writeSync: () => {
          throw errno("ENOSPC", "write");
        },
      },
      "ENOSPC",
    ],
    [
      "EIO on the write",
      {
        writeSync: () => {
          throw errno("EIO", "write");
        },
      },
      "EIO",
    ],
    ["a write that writes nothing", { writeSync: () => 0 }, "EIO"],
    [
      "EIO on the close",
      {
        closeSync: (fd: number) => {
          fs.closeSync(fd);
          throw errno("EIO", "close");
        },
      },
      "EIO",
    ],
  ])(
    "%s: the error is thrown, nothing runs, no lock is left, the next run takes it",
    (_name, over, code) => {
      fs.mkdirSync(out);
      let ran = false;
      const err = thrown(() =>
        withOutputLock(out, () => (ran = true), {
          lockTimeoutMs: 0,
          fs: fsWith(over as Partial<LockFs>),
        }),
      );
      expect(err).toMatchObject({ code });
      expect(ran).toBe(false);
      expect(fs.readdirSync(out)).toEqual([]);
      expect(withOutputLock(out, () => "next", { lockTimeoutMs: 0 })).toBe("next");
    },
  );

  test("ENOSPC on the write in a directory it made: the directory goes too", () => {
    const err = thrown(() =>
      withOutputLock(out, () => 0, {
        fs: fsWith({
          writeSync: () => {
            throw errno("ENOSPC", "write");
          },
        }),
      }),
    );
    expect(err).toMatchObject({ code: "ENOSPC" });
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  test("ENOSPC on the write and the lock cannot be removed: the empty lock left does not block the next run for good", () => {
    fs.mkdirSync(out);
    const failing = fsWith({
      writeSync: () => {
        throw errno("ENOSPC", "write");
      },
      rmSync: () => {
        throw errno("EIO", "unlink");
      },
    });
    expect(thrown(() => withOutputLock(out, () => 0, { fs: failing }))).toMatchObject({
      code: "ENOSPC",
    });
    expect(fs.readFileSync(path.join(out, LOCK_NAME), "utf8")).toBe("");
    expect(withOutputLock(out, () => "next", { lockTimeoutMs: 60_000, abandonedAfterMs: 50 })).toBe(
      "next",
    );
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test("short writes: every byte of the line is written, each write asking for what is left", () => {
    let during = "";
    const asked: [number, number][] = [];
    const threeBytes = fsWith({
      writeSync: ((fd: number, buf: Buffer, off: number, len: number) => {
        asked.push([off, len]);
        return fs.writeSync(fd, buf, off, Math.min(len, 3));
      }) as unknown as LockFs["writeSync"],
    });
    withOutputLock(out, () => (during = fs.readFileSync(path.join(out, LOCK_NAME), "utf8")), {
      fs: threeBytes,
    });
    expect(during).toBe(ourLine());
    const size = Buffer.byteLength(ourLine());
    expect(asked).toEqual(
      Array.from({ length: Math.ceil(size / 3) }, (_, i) => [3 * i, size - 3 * i]),
    );
  });

  test("a write that writes nothing: EIO naming the lock, and the file it opened is closed", () => {
    fs.mkdirSync(out);
    const opened: number[] = [];
    const closed: number[] = [];
    const err = thrown(() =>
      withOutputLock(out, () => 0, {
        fs: fsWith({
          openSync: ((...args: Parameters<typeof fs.openSync>) => {
            const fd = fs.openSync(...args);
            opened.push(fd);
            return fd;
          }) as LockFs["openSync"],
          writeSync: () => 0,
          closeSync: (fd: number) => {
            closed.push(fd);
            fs.closeSync(fd);
          },
        }),
      }),
    );
    expect(err).toMatchObject({
      code: "EIO",
      message: `short write to ${path.join(out, LOCK_NAME)}`,
    });
    expect(opened).toHaveLength(1);
    expect(closed).toEqual(opened);
  });
});

describe("another live process", () => {
  // The process that started this test file's process: alive while we run.
  const other = process.ppid;

  test("its lock is waited for, then busy, naming it", () => {
    const out = tempDir("writer-live");
    fs.writeFileSync(path.join(out, LOCK_NAME), `${other}\n`);
    let ran = false;
    const err = thrown(() => withOutputLock(out, () => (ran = true), { lockTimeoutMs: 100 }));
    expect(err).toBeInstanceOf(OutputBusyError);
    expect((err as OutputBusyError).holder).toBe(other);
    expect(ran).toBe(false);
    expect(fs.readFileSync(path.join(out, LOCK_NAME), "utf8")).toBe(`${other}\n`);
  });
});

describe("withOutputLock, when the lock itself is in trouble", () => {
  test("a lock removed by hand while the run holds it: the run still ends well", () => {
    const out = tempDir("writer-lockgone");
    expect(
      withOutputLock(out, () => {
        fs.rmSync(path.join(out, LOCK_NAME));
        return "done";
      }),
    ).toBe("done");
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test("a lock that cannot be created (name too long) is reported at once, not waited for as busy", () => {
    // A directory path of 4090 bytes can be made; the lock's path beside it
    // (15 bytes more) passes Linux's PATH_MAX of 4096 with its NUL.
    const base = tempDir("writer-long");
    let out = base;
    while (out.length < 3900) out = path.join(out, "d".repeat(100));
    out = path.join(out, "e".repeat(4090 - out.length - 1));
    expect(out.length).toBe(4090);
    fs.mkdirSync(out, { recursive: true });
    const started = Date.now();
    const err = thrown(() => withOutputLock(out, () => 0, { lockTimeoutMs: 5000 }));
    expect(err).toMatchObject({ code: "ENAMETOOLONG" });
    expect(Date.now() - started).toBeLessThan(2500);
    expect(fs.readdirSync(out)).toEqual([]);
  });
});

describe("withOutputLock where nothing can be created", () => {
  test("/proc: the create's own error at once, not a wait as if another run held the lock", () => {
    // Creating /proc/.regcache.lock fails with ENOENT on Linux, and there is no
    // lock file to read: a writer that took any failure for "held" would wait
    // the whole 5 s and then report a busy directory.
    const started = Date.now();
    const err = thrown(() => withOutputLock("/proc", () => 0, { lockTimeoutMs: 5000 }));
    expect(err).not.toBeInstanceOf(OutputBusyError);
    expect(err).toMatchObject({ code: "ENOENT", syscall: "open" });
    expect(Date.now() - started).toBeLessThan(2500);
  });
});
