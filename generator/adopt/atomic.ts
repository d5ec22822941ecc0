/*
 * How adoption writes a file of the tree: to a temporary file beside it, then
 * renamed over it, so a reader (or a crash) sees the old bytes or the new,
 * never part of them. The same habit as the output writer's
 * (generator/output/writer.ts), which a feature may not import; kept to this
 * one function so it can give way to a shared util module. Edge: writes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { makeDirs } from "../util/make-dirs";

/**
 * Writes `bytes` to `file` atomically, creating its directory. `mode` (e.g.
 * 0o644) is given to the file; without it a new file gets the default
 * (0o666 less the umask). Throws the file system's error, leaving no
 * temporary file behind.
 */
export function writeFileAtomic(file: string, bytes: Buffer | string, mode?: number): void {
  makeDirs(path.dirname(file));
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}.tmp`,
  );
  try {
    fs.writeFileSync(temp, bytes, { flag: "wx" });
    if (mode !== undefined) fs.chmodSync(temp, mode);
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}
