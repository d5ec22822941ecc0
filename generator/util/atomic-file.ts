/*
 * Writes one file atomically: the bytes go to a new temporary beside the
 * target, every one of them (a short write is retried, a write of nothing is
 * an error), flushed to disk, given the old file's mode, then renamed over the
 * target. Readers see the old file or the new one, never a part; a failure at
 * any step (ENOSPC, EIO, EACCES, a kill) removes the temporary and leaves the
 * old file as it was. Edge: the file system, through an injectable seam.
 *
 * A symbolic link is followed: the file it points to is the one replaced. A
 * target that exists but is not a regular file (a terminal, /dev/stdout, a
 * FIFO) cannot be replaced by a rename and is written in place.
 *
 * Not npm's write-file-atomic: its synchronous path ignores the count
 * fs.writeSync returns (a short write is taken for success and renamed into
 * place), and it has no fs seam for tests.
 */
import { randomBytes } from "node:crypto";
import * as nodeFs from "node:fs";
import * as path from "node:path";

/** The fs calls writeFileAtomic makes; tests pass one that fails on cue. */
export type AtomicFs = Pick<
  typeof nodeFs,
  | "openSync"
  | "writeSync"
  | "fsyncSync"
  | "fchmodSync"
  | "closeSync"
  | "renameSync"
  | "statSync"
  | "rmSync"
  | "realpathSync"
>;

export interface AtomicWriteOptions {
  /** The new file's mode when there is no old one (umask applies); default 0o666. */
  readonly mode?: number;
  /** The file system; node's by default (a test seam). */
  readonly fs?: AtomicFs;
}

/** Marks the temporaries: `.<name>.atomic-<pid>-<random>` beside the target. */
export const ATOMIC_TMP_MARK = ".atomic-";

/**
 * Replaces `file` with `data` (a string is written as UTF-8). The directory
 * must exist. Throws the failing call's error (NodeJS.ErrnoException); the old
 * file is then untouched and no temporary is left.
 */
export function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): void {
  const fs = options.fs ?? nodeFs;
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  let oldMode: number | undefined;
  try {
    const real = fs.realpathSync(file);
    const stat = fs.statSync(real);
    if (!stat.isFile()) return writeInPlace(fs, real, bytes);
    file = real;
    oldMode = stat.mode & 0o7777;
  } catch {
    // no old file (or none we can see): the rename reports what matters
  }
  // The pid alone could repeat (a killed run's pid in a new PID namespace): add randomness.
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}${ATOMIC_TMP_MARK}${process.pid}-${randomBytes(4).toString("hex")}`,
  );
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, "wx", options.mode ?? 0o666);
    writeAll(fs, fd, bytes, temp);
    if (oldMode !== undefined) fs.fchmodSync(fd, oldMode);
    fs.fsyncSync(fd);
    const closing = fd;
    fd = undefined;
    fs.closeSync(closing);
    fs.renameSync(temp, file);
  } catch (err) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // the first error is the one to report
      }
    }
    try {
      fs.rmSync(temp, { force: true });
    } catch {
      // nothing more can be done; the first error is the one to report
    }
    throw err;
  }
}

/** Writes every byte to fd: a short write is continued, a write of nothing is EIO. */
function writeAll(fs: AtomicFs, fd: number, bytes: Uint8Array, file: string): void {
  for (let done = 0; done < bytes.length;) {
    const n = fs.writeSync(fd, bytes, done, bytes.length - done);
    if (!(n > 0)) {
      throw Object.assign(new Error(`EIO: a write of ${file} wrote nothing`), {
        code: "EIO",
        syscall: "write",
        path: file,
      });
    }
    done += n;
  }
}

/** A special file (device, FIFO): opened for writing and written whole, no temporary. */
function writeInPlace(fs: AtomicFs, file: string, bytes: Uint8Array): void {
  const fd = fs.openSync(file, "w");
  try {
    writeAll(fs, fd, bytes, file);
  } finally {
    fs.closeSync(fd);
  }
}
