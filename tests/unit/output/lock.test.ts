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
import { LOCK_NAME, OutputBusyError, withOutputLock } from "../../../generator/output/lock";

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
    encoding: "utf8",
  });
  return Number(r.stdout);
}

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
    expect(during).toBe(`${process.pid}\n`);
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
      lockTimeoutMs: 5000,
    });
    expect(during).toBe(`${process.pid}\n`);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test.each([
    ["a live holder", () => `${process.pid}\n`, process.pid],
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
    const took = Date.now() - started;
    expect(err).toBeInstanceOf(OutputBusyError);
    expect((err as OutputBusyError).holder).toBe(holder);
    expect((err as OutputBusyError).waitedMs).toBeGreaterThanOrEqual(150);
    expect(took).toBeGreaterThanOrEqual(150);
    expect(took).toBeLessThan(150 + 1000);
    expect(ran).toBe(false);
    expect(fs.readFileSync(path.join(out, LOCK_NAME), "utf8")).toBe(text());
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
