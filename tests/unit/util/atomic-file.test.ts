/*
 * generator/util/atomic-file.ts in-process: a file replaced whole, short writes
 * completed, the old mode kept, and every fs call failing in turn with ENOSPC,
 * EIO and EACCES: the old contents stay, no temporary is left, the call's own
 * error is thrown.
 */
import * as fs from "fs";
import * as path from "path";
import { tempDir } from "../../helpers/temp";
import { thrown } from "../../drift/helpers";
import { writeFileAtomic, type AtomicFs } from "../../../generator/util/atomic-file";

const fsWith = (over: Partial<AtomicFs>): AtomicFs => ({ ...fs, ...over }) as AtomicFs;

const errno = (code: string, syscall: string) =>
  Object.assign(new Error(`${code}: injected, ${syscall}`), { code, syscall });

const calls = [
  "openSync",
  "writeSync",
  "fchmodSync",
  "fsyncSync",
  "closeSync",
  "renameSync",
] as const;

describe("writeFileAtomic", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = tempDir("atomic");
    file = path.join(dir, "report.txt");
  });

  test("writes a new file, and replaces an old one whole", () => {
    writeFileAtomic(file, "first\n");
    expect(fs.readFileSync(file, "utf8")).toBe("first\n");
    writeFileAtomic(file, Buffer.from("second, longer\n"));
    expect(fs.readFileSync(file, "utf8")).toBe("second, longer\n");
    expect(fs.readdirSync(dir)).toEqual(["report.txt"]);
  });

  test("an empty body makes an empty file", () => {
    fs.writeFileSync(file, "old\n");
    writeFileAtomic(file, "");
    expect(fs.readFileSync(file, "utf8")).toBe("");
  });

  test("short writes: every byte is written", () => {
    const oneByte = fsWith({
      writeSync: ((fd: number, buf: Buffer, off: number) =>
        fs.writeSync(fd, buf, off, 1)) as unknown as AtomicFs["writeSync"],
    });
    writeFileAtomic(file, "ünïcode, in pieces\n", { fs: oneByte });
    expect(fs.readFileSync(file, "utf8")).toBe("ünïcode, in pieces\n");
    expect(fs.readdirSync(dir)).toEqual(["report.txt"]);
  });

  test("a write that writes nothing is an EIO: old contents stay, no temporary", () => {
    fs.writeFileSync(file, "old\n");
    const err = thrown(() =>
      writeFileAtomic(file, "new\n", { fs: fsWith({ writeSync: () => 0 }) }),
    );
    expect(err).toMatchObject({ code: "EIO", syscall: "write" });
    expect(fs.readFileSync(file, "utf8")).toBe("old\n");
    expect(fs.readdirSync(dir)).toEqual(["report.txt"]);
  });

  test("the old file's mode is kept; a new file gets the mode asked for", () => {
    fs.writeFileSync(file, "old\n");
    fs.chmodSync(file, 0o640);
    writeFileAtomic(file, "new\n", { mode: 0o600 });
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
    const fresh = path.join(dir, "fresh.txt");
    writeFileAtomic(fresh, "x", { mode: 0o600 });
    expect(fs.statSync(fresh).mode & 0o777).toBe(0o600);
  });

  describe.each(["ENOSPC", "EIO", "EACCES"])("%s", (code) => {
    test.each(calls)("from %s: thrown, the old file intact, no temporary left", (call) => {
      fs.writeFileSync(file, "old report\n");
      const failing = fsWith({
        [call]: (...args: unknown[]) => {
          // closeSync still closes, so no descriptor leaks past the test.
          if (call === "closeSync") fs.closeSync(args[0] as number);
          throw errno(code, call.replace(/Sync$/, ""));
        },
      });
      const err = thrown(() => writeFileAtomic(file, "new report, longer\n", { fs: failing }));
      expect(err).toMatchObject({ code, syscall: call.replace(/Sync$/, "") });
      expect(fs.readFileSync(file, "utf8")).toBe("old report\n");
      expect(fs.readdirSync(dir)).toEqual(["report.txt"]);
    });

    // With no old file there is no mode to keep, so no fchmod.
    test.each(calls.filter((c) => c !== "fchmodSync"))(
      "from %s with no old file: thrown, nothing left",
      (call) => {
        const failing = fsWith({
          [call]: (...args: unknown[]) => {
            if (call === "closeSync") fs.closeSync(args[0] as number);
            throw errno(code, call.replace(/Sync$/, ""));
          },
        });
        expect(thrown(() => writeFileAtomic(file, "new\n", { fs: failing }))).toMatchObject({
          code,
        });
        expect(fs.readdirSync(dir)).toEqual([]);
      },
    );
  });

  test("a symbolic link: the file it points to is replaced, the link stays", () => {
    fs.writeFileSync(file, "old\n");
    const link = path.join(dir, "link.txt");
    fs.symlinkSync("report.txt", link);
    writeFileAtomic(link, "new\n");
    expect(fs.readlinkSync(link)).toBe("report.txt");
    expect(fs.readFileSync(file, "utf8")).toBe("new\n");
    expect(fs.readdirSync(dir).sort()).toEqual(["link.txt", "report.txt"]);
  });

  test("a special file is written in place, never replaced (/dev/null stays a device)", () => {
    writeFileAtomic("/dev/null", "into the void\n");
    expect(fs.statSync("/dev/null").isCharacterDevice()).toBe(true);
  });

  test("a directory that does not exist: ENOENT, nothing made", () => {
    const err = thrown(() => writeFileAtomic(path.join(dir, "no", "x.txt"), "x"));
    expect(err).toMatchObject({ code: "ENOENT" });
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
