/*
 * Private temporary directories that do not outlive the process: removed by
 * the caller when the work is done, and otherwise when the process ends — on
 * a normal exit and on SIGINT, SIGTERM or SIGHUP (a CI time-out, Ctrl-C),
 * after which the signal is re-raised so the exit status still says what
 * killed it. SIGKILL cannot be caught; nothing can clean up after it.
 * The signal handling is signal-exit's (the library npm and nyc use).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { onExit } from "signal-exit";

const live = new Set<string>();
let hooked = false;

function removeLive(): void {
  for (const dir of live) fs.rmSync(dir, { recursive: true, force: true });
  live.clear();
}

/** A scratch directory; its owner calls `remove()` when done (idempotent). */
export interface ScratchDir {
  /** Absolute path of the new, empty directory below os.tmpdir(). */
  readonly path: string;
  remove(): void;
}

/**
 * Create a directory `os.tmpdir()/<prefix>XXXXXX` that is removed when the
 * process ends if its owner has not removed it by then.
 * @throws what fs.mkdtempSync throws (TMPDIR missing or not writable).
 */
export function makeScratchDir(prefix: string): ScratchDir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (!hooked) {
    onExit(removeLive);
    hooked = true;
  }
  live.add(dir);
  return {
    path: dir,
    remove() {
      live.delete(dir);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
