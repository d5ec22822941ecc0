/*
 * `mkdir -p` that always ends. Node's fs.mkdirSync(dir, { recursive: true })
 * retries for ever where mkdir(2) answers ENOENT although the parent exists
 * (procfs: `regcache generate --out /proc/x` never returned), and mkdirp's
 * manual fallback recurses the same way, so this creates each missing
 * directory once, from the top down, and throws the first error mkdir(2)
 * gives. Touches nothing but the directories it creates.
 */
import * as nodeFs from "node:fs";
import * as path from "node:path";

/** The two calls makeDirs makes; tests pass their own. */
export type MakeDirsFs = Pick<typeof nodeFs, "statSync" | "mkdirSync">;

function notDirectory(at: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${at}'`), {
    code: "ENOTDIR",
    errno: -20,
    syscall: "mkdir",
    path: at,
  });
}

/**
 * Creates `dir` and its missing parents (mode 0777 less the umask). Throws
 * the NodeJS.ErrnoException of the first call that fails (ENOTDIR when a
 * component exists but is not a directory); a directory that appears
 * meanwhile (EEXIST) is fine.
 */
export function makeDirs(dir: string, fsys: MakeDirsFs = nodeFs): void {
  const missing: string[] = [];
  for (let at = path.resolve(dir); ;) {
    let isDir: boolean | undefined;
    try {
      isDir = fsys.statSync(at).isDirectory();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    if (isDir === false) throw notDirectory(at);
    if (isDir) break;
    missing.unshift(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const d of missing) {
    try {
      fsys.mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      if (!fsys.statSync(d).isDirectory()) throw notDirectory(d);
    }
  }
}
