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
      code: "ENOSPC",
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
