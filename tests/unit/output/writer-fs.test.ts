/*
 * generator/output/writer-fs.ts on its own: readRegular reads a regular file
 * with its mode and refuses anything else unread (never blocking on a FIFO),
 * and writeFully writes every byte however few each write takes.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { tempDir } from "../../helpers/temp";
import { thrown } from "../../drift/helpers";
import {
  NotRegularFileError,
  nodeFs,
  OutputPathError,
  readRegular,
  writeFully,
  type WriterFs,
} from "../../../generator/output/writer-fs";

describe("readRegular", () => {
  let dir: string;
  beforeEach(() => (dir = tempDir("writer-fs")));

  test("a regular file: its text and permission bits", () => {
    fs.writeFileSync(path.join(dir, "f.h"), "héllo\n");
    fs.chmodSync(path.join(dir, "f.h"), 0o444);
    expect(readRegular(nodeFs, path.join(dir, "f.h"))).toEqual({ text: "héllo\n", mode: 0o444 });
  });

  test("a missing file: undefined", () => {
    expect(readRegular(nodeFs, path.join(dir, "none.h"))).toBeUndefined();
  });

  test.each([
    ["a FIFO", (p: string) => spawnSync("mkfifo", [p]), "a FIFO"],
    ["a directory", (p: string) => fs.mkdirSync(p), "a directory"],
    ["a symbolic link", (p: string) => fs.symlinkSync("/etc/hostname", p), "a symbolic link"],
  ])("%s is refused unread, named as shown", (_what, make, kind) => {
    make(path.join(dir, "x.h"));
    const err = thrown(() => readRegular(nodeFs, path.join(dir, "x.h"), "c/x.h"));
    expect(err).toBeInstanceOf(NotRegularFileError);
    expect(err).toBeInstanceOf(OutputPathError);
    expect((err as Error).message).toBe(`refusing to use c/x.h: it is ${kind}, not a regular file`);
    expect((err as NotRegularFileError).within("out")).toBe(
      `refusing to use out/c/x.h: it is ${kind}, not a regular file`,
    );
  });

  test("a character device is refused too", () => {
    const err = thrown(() => readRegular(nodeFs, "/dev/null", "c/x.h"));
    expect((err as Error).message).toBe(
      "refusing to use c/x.h: it is a character device, not a regular file",
    );
  });

  /** What fstat says of an opened file: only `is` is true. */
  const statsOf = (is: keyof fs.Stats | undefined) =>
    Object.fromEntries(
      [
        "isFile",
        "isFIFO",
        "isSocket",
        "isCharacterDevice",
        "isBlockDevice",
        "isDirectory",
        "isSymbolicLink",
      ].map((m) => [m, () => m === is]),
    ) as unknown as fs.Stats;

  test.each([
    ["isFIFO", "a FIFO"],
    ["isSocket", "a socket"],
    ["isCharacterDevice", "a character device"],
    ["isBlockDevice", "a block device"],
    ["isDirectory", "a directory"],
    ["isSymbolicLink", "a symbolic link"],
    [undefined, "not a regular file"],
  ] as const)("fstat's %s: named %j", (is, kind) => {
    fs.writeFileSync(path.join(dir, "f.h"), "x");
    const faked: WriterFs = { ...nodeFs, fstatSync: () => statsOf(is) };
    expect(
      (thrown(() => readRegular(faked, path.join(dir, "f.h"), "c/x.h")) as Error).message,
    ).toBe(`refusing to use c/x.h: it is ${kind}, not a regular file`);
  });

  test("a refusal carries no path of its own (its message names the file as shown)", () => {
    expect(thrown(() => readRegular(nodeFs, "/dev/null", "c/x.h"))).not.toHaveProperty("path");
  });

  const failingWith = (at: "open" | "read", path?: string): WriterFs => {
    const err = () => Object.assign(new Error("EACCES: injected"), { code: "EACCES", path });
    return at === "open"
      ? {
          ...nodeFs,
          openSync: () => {
            throw err();
          },
        }
      : {
          ...nodeFs,
          readFileSync: () => {
            throw err();
          },
        };
  };

  test.each(["open", "read"] as const)(
    "a failure at the %s without a path gets the file's; one with a path keeps it",
    (at) => {
      const file = path.join(dir, "f.h");
      fs.writeFileSync(file, "x");
      expect(thrown(() => readRegular(failingWith(at), file))).toMatchObject({ path: file });
      expect(thrown(() => readRegular(failingWith(at, "/elsewhere"), file))).toMatchObject({
        path: "/elsewhere",
      });
    },
  );

  test("an I/O failure is thrown with the path, and the descriptor closed", () => {
    fs.writeFileSync(path.join(dir, "f.h"), "x");
    const closed: number[] = [];
    const failing: WriterFs = {
      ...nodeFs,
      readFileSync: () => {
        throw Object.assign(new Error("EIO: injected"), { code: "EIO", syscall: "read" });
      },
      closeSync: (fd) => (closed.push(fd), nodeFs.closeSync(fd)),
    };
    expect(thrown(() => readRegular(failing, path.join(dir, "f.h")))).toMatchObject({
      code: "EIO",
      path: path.join(dir, "f.h"),
    });
    expect(closed).toHaveLength(1);
  });
});

describe("nodeFs", () => {
  test("each call on a descriptor reaches the file system: one that no file has is EBADF", () => {
    // Past any open-files limit, so never a descriptor another thread just opened.
    const fd = 2 ** 31 - 1;
    const calls: [string, () => unknown][] = [
      ["writeSync", () => nodeFs.writeSync(fd, Buffer.from("x"), 0, 1)],
      ["readFileSync", () => nodeFs.readFileSync(fd, "utf8")],
      ["fstatSync", () => nodeFs.fstatSync(fd)],
      ["fchmodSync", () => nodeFs.fchmodSync(fd, 0o644)],
      ["fsyncSync", () => nodeFs.fsyncSync(fd)],
      ["closeSync", () => nodeFs.closeSync(fd)],
    ];
    expect(
      calls.map(([name, call]) => [name, (thrown(call) as NodeJS.ErrnoException)?.code]),
    ).toEqual(calls.map(([name]) => [name, "EBADF"]));
  });
});

describe("writeFully", () => {
  let file: string;
  beforeEach(() => (file = path.join(tempDir("writer-fs-write"), "out.txt")));

  test.each([1, 3, 4096])("every byte, %i at most per write", (most) => {
    const text = "ünïcödé text\n".repeat(50);
    const sizes: number[] = [];
    const trickle: WriterFs = {
      ...nodeFs,
      writeSync: (fd, buffer, offset, length) => {
        const n = nodeFs.writeSync(fd, buffer, offset, Math.min(most, length));
        sizes.push(n);
        return n;
      },
    };
    const fd = fs.openSync(file, "w");
    try {
      writeFully(trickle, fd, text, file);
    } finally {
      fs.closeSync(fd);
    }
    expect(fs.readFileSync(file, "utf8")).toBe(text);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(Buffer.byteLength(text));
    expect(sizes.length).toBe(Math.ceil(Buffer.byteLength(text) / most));
  });

  test("a write that takes nothing: ENOSPC naming the file", () => {
    const full: WriterFs = { ...nodeFs, writeSync: () => 0 };
    expect(thrown(() => writeFully(full, 99, "x", file))).toMatchObject({
      message: `ENOSPC: no space left on device, write '${file}'`,
      code: "ENOSPC",
      errno: -28,
      syscall: "write",
      path: file,
    });
  });

  test("an empty text makes no write at all", () => {
    const none: WriterFs = {
      ...nodeFs,
      writeSync: () => {
        throw new Error("no write expected");
      },
    };
    expect(() => writeFully(none, 99, "", file)).not.toThrow();
  });
});
