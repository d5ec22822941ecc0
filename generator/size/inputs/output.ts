/*
 * Where the size command writes, checked before any work: `--out FILE` must
 * be a file it can create or replace, and `--keep DIR` must be empty, new, or
 * a directory an earlier `--keep` run filled (then what that run wrote, and
 * only that, is removed first, so old objects never mix with new ones).
 */
import * as fs from "fs";
import * as path from "path";
import { writeFileAtomic } from "../../util/atomic-file";

/** Lists what a --keep run wrote at the top of DIR (JSON: {"entries": [...]}) */
export const KEEP_MARKER = ".regcache-size-keep.json";

/** A problem with --out, or undefined when FILE can be written. */
export function checkOutPath(cwd: string, out: string): string | undefined {
  const target = path.resolve(cwd, out);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(target);
  } catch {
    stat = undefined;
  }
  if (stat?.isDirectory()) return `--out ${out} is a directory; name a file`;
  if (stat) {
    try {
      fs.accessSync(target, fs.constants.W_OK);
      return undefined;
    } catch {
      return `--out ${out} is not writable`;
    }
  }
  // Missing: the nearest existing ancestor must be a writable directory.
  let dir = path.dirname(target);
  for (;;) {
    try {
      const s = fs.statSync(dir);
      if (!s.isDirectory()) return `--out ${out}: ${dir} is not a directory`;
      fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
      return undefined;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT") return `--out ${out}: cannot create it in ${dir} (${code})`;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return `--out ${out}: no existing directory above it`;
    dir = parent;
  }
}

/**
 * Readies --keep DIR: refuses a non-empty directory that no --keep run wrote,
 * and clears the entries an earlier run recorded. Returns a problem or undefined.
 */
export function prepareKeepDir(
  cwd: string,
  keep: string,
  options: { readonly dryRun?: boolean } = {},
): string | undefined {
  const dir = path.resolve(cwd, keep);
  let entries: string[];
  try {
    if (!fs.statSync(dir).isDirectory()) return `--keep ${keep} is not a directory`;
    entries = fs.readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === "ENOENT"
      ? checkOutPath(cwd, path.join(keep, KEEP_MARKER))
      : `--keep ${keep}: ${code}`;
  }
  if (entries.length === 0) return undefined;
  if (!entries.includes(KEEP_MARKER))
    return `--keep ${keep} is not empty and was not written by regcache size; name a new or empty directory`;
  let recorded: string[];
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(dir, KEEP_MARKER), "utf8")) as {
      entries?: unknown;
    };
    if (!Array.isArray(parsed.entries) || !parsed.entries.every((e) => typeof e === "string"))
      throw new Error("no entries");
    recorded = parsed.entries as string[];
  } catch {
    return `--keep ${keep}: ${KEEP_MARKER} is damaged; remove the directory by hand`;
  }
  const unknown = entries.filter((e) => e !== KEEP_MARKER && !recorded.includes(e));
  if (unknown.length > 0)
    return `--keep ${keep} holds files an earlier run did not write (${unknown.slice(0, 3).join(", ")}); name a new or empty directory`;
  if (options.dryRun) return undefined;
  for (const e of recorded) {
    if (e.includes("/") || e.includes(path.sep) || e === "." || e === "..") continue;
    fs.rmSync(path.join(dir, e), { recursive: true, force: true });
  }
  fs.rmSync(path.join(dir, KEEP_MARKER), { force: true });
  return undefined;
}

/** Records what this run wrote at the top of DIR, for the next --keep run to clear. */
export function recordKeepDir(dir: string): void {
  const entries = fs
    .readdirSync(dir)
    .filter((e) => e !== KEEP_MARKER)
    .sort();
  writeFileAtomic(path.join(dir, KEEP_MARKER), JSON.stringify({ entries }, null, 2) + "\n");
}
