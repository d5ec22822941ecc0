/*
 * What a directory holds, for "nothing was modified" checks that do not
 * depend on the clock: every file and symlink below a directory with its
 * size, inode and modification time in nanoseconds, taken before and after
 * the work, and the paths whose state differs. A wall-clock threshold
 * ("modified after now - 1 s") cannot tell the work's writes from writes that
 * finished just before it, and it misses a file removed; a snapshot can.
 *
 * The change time is left out on purpose: hard-linking a file (variants.ts,
 * `cp -al`) changes its link count and so its ctime without writing it.
 * Bytes are not hashed (the cached trees hold tens of thousands of files): a
 * rewrite of the same size within one timestamp tick of the snapshot would go
 * unseen, which the proofs' minutes of work after it do not allow in practice;
 * the pristine header is hashed separately (trees.ts, entryProblem).
 */
import * as fs from "fs";
import * as path from "path";

/** Path → "size inode mtime-ns" (files) or "-> target" (symlinks). */
export type FileStates = ReadonlyMap<string, string>;

export function fileStates(dir: string): FileStates {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isSymbolicLink()) out.set(p, `-> ${fs.readlinkSync(p)}`);
      else {
        const st = fs.lstatSync(p, { bigint: true });
        out.set(p, `${st.size} ${st.ino} ${st.mtimeNs}`);
      }
    }
  };
  walk(dir);
  return out;
}

/** Paths added, removed or changed between two snapshots, by path, each as "<what> <path>". */
export function changedFiles(before: FileStates, after: FileStates): string[] {
  const changes: [string, string][] = [];
  for (const [p, was] of before) {
    const now = after.get(p);
    if (now === undefined) changes.push([p, "removed"]);
    else if (now !== was) changes.push([p, "changed"]);
  }
  for (const p of after.keys()) if (!before.has(p)) changes.push([p, "added"]);
  return changes
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([p, what]) => `${what} ${p}`);
}
