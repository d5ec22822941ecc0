/*
 * The file-system calls the output writer makes, behind one small interface
 * (WriterFs), and the two careful primitives built on it: reading a file only
 * when it is a regular file (readRegular) and writing every byte of a text
 * (writeFully). The writer takes a WriterFs as a parameter, the real one
 * (nodeFs) by default; tests pass one that fails a chosen call (ENOSPC, EIO,
 * EACCES, a short write) or kills the process there, to show that every fault
 * at every step leaves the old set of files or the new one. Edge: real I/O
 * through whatever WriterFs it is given.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { makeDirs } from "../util/make-dirs";

/** The synchronous node:fs calls the writer makes; each may throw an errno error. */
export interface WriterFs {
  openSync(file: string, flags: number | string, mode?: number): number;
  /** Returns how many bytes were written, possibly fewer than `length`. */
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  readFileSync(fd: number, encoding: "utf8"): string;
  fstatSync(fd: number): fs.Stats;
  fchmodSync(fd: number, mode: number): void;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(file: string): void;
  mkdirSync(dir: string, options: { recursive: true }): unknown;
  readdirSync(dir: string, options: { withFileTypes: true }): fs.Dirent[];
}

/** The real file system. */
export const nodeFs: WriterFs = {
  openSync(file, flags, mode) {
    return fs.openSync(file, flags, mode);
  },
  writeSync(fd, buffer, offset, length) {
    return fs.writeSync(fd, buffer, offset, length);
  },
  readFileSync(fd, encoding) {
    return fs.readFileSync(fd, encoding);
  },
  fstatSync(fd) {
    return fs.fstatSync(fd);
  },
  fchmodSync(fd, mode) {
    fs.fchmodSync(fd, mode);
  },
  fsyncSync(fd) {
    fs.fsyncSync(fd);
  },
  closeSync(fd) {
    fs.closeSync(fd);
  },
  renameSync(from, to) {
    fs.renameSync(from, to);
  },
  unlinkSync(file) {
    fs.unlinkSync(file);
  },
  mkdirSync(dir) {
    return makeDirs(dir);
  },
  readdirSync(dir, options) {
    return fs.readdirSync(dir, options);
  },
};

/** A generated path the writer refuses: outside the output directory, or the wrong kind of file. */
export class OutputPathError extends Error {}

/**
 * A file at a generated path that is not a regular file (a FIFO, a socket, a
 * device, a directory): the user put the wrong kind of file where output goes.
 * `shown` names it as the writer knows it (below the output directory);
 * within() words the message with the output directory as the user typed it.
 */
export class NotRegularFileError extends OutputPathError {
  constructor(
    readonly shown: string,
    readonly kind: string,
  ) {
    super(`refusing to use ${shown}: it is ${kind}, not a regular file`);
  }

  /** The message naming the file below `outShown` ("generated" → "generated/c/x.h"). */
  within(outShown: string): string {
    return `refusing to use ${outShown}/${this.shown}: it is ${this.kind}, not a regular file`;
  }
}

/** What a non-regular file is, in words. */
function kindOf(st: fs.Stats): string {
  if (st.isFIFO()) return "a FIFO";
  if (st.isSocket()) return "a socket";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isDirectory()) return "a directory";
  if (st.isSymbolicLink()) return "a symbolic link";
  return "not a regular file";
}

// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer
// forever; with it the open returns at once and fstat tells what it is.
// O_NOFOLLOW: a symbolic link put there after the path was checked is refused
// (ELOOP) rather than followed. Neither changes how a regular file reads.
const READ_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOFOLLOW;

/**
 * A file's text with its mode (permission bits), or undefined when it does
 * not exist; `shown` is how an error names it. Never blocks on a FIFO or a device: any file that is not a
 * regular one throws NotRegularFileError before a byte is read. Other
 * failures are thrown as errno errors carrying the path.
 */
export function readRegular(
  fsys: WriterFs,
  file: string,
  shown: string = file,
): { readonly text: string; readonly mode: number } | undefined {
  let fd: number;
  try {
    fd = fsys.openSync(file, READ_FLAGS);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === "ENOENT") return undefined;
    if (e.code === "ELOOP") throw new NotRegularFileError(shown, "a symbolic link");
    if (e.path === undefined) e.path = file;
    throw e;
  }
  try {
    const st = fsys.fstatSync(fd);
    if (!st.isFile()) throw new NotRegularFileError(shown, kindOf(st));
    return { text: fsys.readFileSync(fd, "utf8"), mode: st.mode & 0o7777 };
  } catch (err) {
    // Some errors (EISDIR from read) carry no path; the caller's message needs it.
    const e = err as NodeJS.ErrnoException;
    if (!(err instanceof NotRegularFileError) && e.path === undefined) e.path = file;
    throw err;
  } finally {
    fsys.closeSync(fd);
  }
}

/**
 * Writes all of text at fd's position. A write may take fewer bytes than
 * asked (a full disk takes what fits, then fails); the rest is written by the
 * next calls, and a call that takes none is a full disk (ENOSPC).
 */
export function writeFully(fsys: WriterFs, fd: number, text: string, file: string): void {
  const bytes = Buffer.from(text, "utf8");
  let done = 0;
  while (done < bytes.length) {
    const n = fsys.writeSync(fd, bytes, done, bytes.length - done);
    if (n <= 0) {
      throw Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), {
        code: "ENOSPC",
        errno: -28,
        syscall: "write",
        path: file,
      });
    }
    done += n;
  }
}
