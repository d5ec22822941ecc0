/*
 * How a lock names its holder (generator/output/lock.ts): the line in the lock
 * file, this process as /proc shows it (its pid through /proc/self, its start
 * time, field 22 of /proc/<pid>/stat, and the boot id), and whether a named
 * holder still runs. /proc is a fake here, so every shape it can take is
 * tried: a PID namespace, no /proc at all, garbled fields.
 */
import {
  formatHolder,
  holderAlive,
  ownHolder,
  parseHolder,
  processAlive,
  type LockFs,
} from "../../../generator/output/lock";

/** A /proc/<pid>/stat line whose command name holds spaces and parentheses, with `start` as field 22. */
const statLine = (pid: number, start: string): string =>
  `${pid} (a (b) c) ` + ["S", ...Array<string>(18).fill("0"), start, "0", "0"].join(" ") + "\n";

/** A file system holding only `files` (by path) and `links`; anything else is ENOENT. */
function fakeProc(files: Record<string, string>, links: Record<string, string> = {}): LockFs {
  const enoent = (p: string) => Object.assign(new Error(`ENOENT: ${p}`), { code: "ENOENT" });
  return {
    readFileSync: ((p: string) => {
      if (p in files) return files[p];
      throw enoent(p);
    }) as LockFs["readFileSync"],
    readlinkSync: ((p: string) => {
      if (p in links) return links[p];
      throw enoent(p);
    }) as LockFs["readlinkSync"],
  } as LockFs;
}

const BOOT = "/proc/sys/kernel/random/boot_id";

describe("the lock file's line", () => {
  test.each([
    ["a pid alone", "123\n", { pid: 123 }],
    ["without its newline", "123", { pid: 123 }],
    ["pid, start time and boot id", "123 456 0f-a1\n", { pid: 123, start: "456", boot: "0f-a1" }],
    ["pid 0", "0\n", undefined],
    ["a start time without a boot id", "123 456\n", undefined],
    ["a letter before the pid", "x123\n", undefined],
    ["two lines", "123\n456\n", undefined],
    ["empty", "", undefined],
  ])("%s", (_name, text, holder) => {
    // Strict: a holder named by its pid alone has no start or boot keys at all.
    expect(parseHolder(text)).toStrictEqual(holder);
  });

  test("written as read", () => {
    expect(formatHolder({ pid: 5 })).toBe("5\n");
    expect(formatHolder({ pid: 5, start: "9", boot: "0f-a1" })).toBe("5 9 0f-a1\n");
  });
});

describe("this process as a lock names it", () => {
  test("the pid /proc/self names, its start time and the boot id", () => {
    const fs = fakeProc(
      { "/proc/self/stat": statLine(4242, "777"), [BOOT]: "0f1e-a2\n" },
      { "/proc/self": "4242" },
    );
    expect(ownHolder(fs)).toEqual({ pid: 4242, start: "777", boot: "0f1e-a2" });
  });

  test.each([
    ["no /proc/self", undefined],
    ["/proc/self naming 0", "0"],
    ["/proc/self naming a negative number", "-3"],
    ["/proc/self naming no number", "self"],
    ["/proc/self naming a fraction", "4.5"],
  ])("%s: process.pid", (_name, link) => {
    const fs = fakeProc(
      { "/proc/self/stat": statLine(1, "777"), [BOOT]: "0f1e-a2\n" },
      link === undefined ? {} : { "/proc/self": link },
    );
    expect(ownHolder(fs)).toEqual({ pid: process.pid, start: "777", boot: "0f1e-a2" });
  });

  test.each([
    ["a start time that is not a number", "77x", "0f1e-a2\n"],
    ["a start time after a letter", "x77", "0f1e-a2\n"],
    ["a boot id with other letters after", "777", "0f1e-zz\n"],
    ["a boot id with other letters before", "777", "zz-0f1e\n"],
  ])("%s: the pid alone", (_name, start, boot) => {
    const fs = fakeProc(
      { "/proc/self/stat": statLine(1, start), [BOOT]: boot },
      { "/proc/self": "4242" },
    );
    expect(ownHolder(fs)).toEqual({ pid: 4242 });
  });

  test("no stat file, or no boot id: the pid alone", () => {
    const links = { "/proc/self": "4242" };
    expect(ownHolder(fakeProc({ [BOOT]: "0f1e\n" }, links))).toEqual({ pid: 4242 });
    expect(ownHolder(fakeProc({ "/proc/self/stat": statLine(1, "777") }, links))).toEqual({
      pid: 4242,
    });
  });
});

describe("processAlive", () => {
  afterEach(() => jest.restoreAllMocks());

  test.each([
    ["alive: signal 0 reaches it", undefined, true],
    ["alive: it is another user's (EPERM)", "EPERM", true],
    ["gone: there is none (ESRCH)", "ESRCH", false],
  ])("%s", (_name, code, alive) => {
    const kill = jest.spyOn(process, "kill").mockImplementation(() => {
      if (code) throw Object.assign(new Error(`kill: ${code}`), { code });
      return true;
    });
    expect(processAlive(4242)).toBe(alive);
    expect(kill).toHaveBeenCalledWith(4242, 0);
  });
});

describe("whether a named holder still runs", () => {
  const me = { pid: 4242, start: "777", boot: "0f1e" };
  const proc = (pid: number, start: string) =>
    fakeProc({ [`/proc/${pid}/stat`]: statLine(pid, start) });

  test("the same boot and pid: alive only with the same start time", () => {
    expect(holderAlive({ ...me }, me, proc(1, "1"))).toBe(true);
    expect(holderAlive({ ...me, start: "778" }, me, proc(1, "1"))).toBe(false);
  });

  test("another pid: alive when /proc shows it with the start time the lock names", () => {
    expect(holderAlive({ ...me, pid: 99 }, me, proc(99, "777"))).toBe(true);
    expect(holderAlive({ ...me, pid: 99 }, me, proc(99, "500"))).toBe(false);
    expect(holderAlive({ ...me, pid: 99, boot: "other" }, me, proc(99, "777"))).toBe(false);
  });

  test("a lock naming a pid alone: never this process, under either of its pids", () => {
    // /proc names us by a pid that runs (the parent's, as in a PID namespace without its own /proc).
    const seenAs = { ...me, pid: process.ppid };
    expect(holderAlive({ pid: seenAs.pid }, seenAs, proc(1, "1"))).toBe(false);
    expect(holderAlive({ pid: process.pid }, seenAs, proc(1, "1"))).toBe(false);
  });

  test("a pid alone, or no start time of our own: whether that pid runs", () => {
    // The parent runs; its start time and boot id cannot be compared without ours.
    const parent = { pid: process.ppid, start: "1", boot: "other" };
    expect(holderAlive(parent, { pid: 4242 }, proc(1, "1"))).toBe(true);
    expect(holderAlive({ pid: process.ppid }, me, proc(1, "1"))).toBe(true);
    console.log(
      "lock.holder: the lock's line, this process under every /proc, holders alive or gone",
    );
  });
});
