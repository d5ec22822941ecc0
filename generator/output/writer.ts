/*
 * The one module that touches the output directory. It reads what is there
 * (readOutputTree), plans (what is new, changed, unchanged, stale), then applies
 * the plan in two phases: every new body goes to a temporary file beside its
 * target (every byte written, flushed, with the mode of the file it replaces),
 * and only when all of them are written are they renamed into place and the
 * stale files removed. A failure in either phase puts back what was renamed or
 * removed, so a failed run leaves the old set of files; a killed one leaves
 * each file old or new, never partial, and the next run removes its
 * temporaries and writes what is missing (a mixed set differs from what the
 * spec produces, so `check` reports it). Untouched files keep their mtime.
 * Only a file directly in a directory this run writes into, carrying the
 * banner of this run's spec, is stale, and that is checked again just before
 * it is removed. A generated path that is not a regular file (a FIFO, a
 * device, a directory) is refused, never opened for reading. Writers of one
 * output directory take turns (withOutputLock in lock.ts), so two runs at once leave the
 * whole tree from one of them, never a mix. Every file-system call of the
 * writer goes through a WriterFs (writer-fs.ts), the seam tests inject faults at.
 */
import * as fs from "node:fs";
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import type { GeneratedFile } from "../targets/types";
import { bannerSpec, parseBanner } from "../targets/banner";
import {
  NotRegularFileError,
  nodeFs,
  OutputPathError,
  readRegular,
  writeFully,
  type WriterFs,
} from "./writer-fs";

export { NotRegularFileError, nodeFs, OutputPathError, type WriterFs };
import { processAlive } from "./lock";
import { byCodeUnit } from "../util/order";

export type FileAction = "create" | "update" | "unchanged" | "remove";

export interface PlannedFile {
  /** Below the output directory, forward slashes. */
  readonly path: string;
  readonly action: FileAction;
  /** The new contents (absent for removals). */
  readonly contents?: string;
  /** What is on disk now (absent for creations). */
  readonly current?: string;
}

export interface WritePlan {
  readonly outDir: string;
  readonly files: readonly PlannedFile[];
  /** Temporaries left by runs that were killed mid-way; applying the plan removes them first. */
  readonly leftovers: readonly string[];
}

/** What the output directory holds that matters to regcache. */
export interface OutputTree {
  readonly outDir: string;
  /** The current contents of every produced path that exists on disk. */
  readonly current: ReadonlyMap<string, string>;
  /**
   * Files this spec's runs wrote that it does not produce any more, sorted by
   * path: regular files directly in a directory a produced file is in, whose
   * banner records the spec the produced files' banners record.
   */
  readonly stale: readonly { readonly path: string; readonly current: string }[];
  /**
   * Our temporaries whose writer process is gone (a run killed between its
   * phases), in the directories a produced file is in, sorted by path.
   */
  readonly leftovers: readonly string[];
}

/** Marks our temporaries; a run killed between the phases can leave one behind. */
const TMP_MARK = ".regcache-tmp-";

/** Resolves a generated path inside outDir, refusing anything that would land outside it. */
export function confinedPath(outDir: string, relative: string): string {
  if (
    path.isAbsolute(relative) ||
    relative.split(/[\\/]/).some((part) => part === ".." || part === "")
  ) {
    throw new OutputPathError(
      `refusing to write '${relative}': generated paths must stay inside the output directory`,
    );
  }
  const root = path.resolve(outDir);
  const target = path.resolve(root, relative);
  if (!target.startsWith(root + path.sep))
    throw new OutputPathError(`refusing to write '${relative}' outside ${outDir}`);
  // A symlinked directory on the way could still lead out of the tree.
  let dir = path.dirname(target);
  while (dir.length > root.length) {
    if (fs.existsSync(dir) && fs.lstatSync(dir).isSymbolicLink()) {
      throw new OutputPathError(
        `refusing to write through the symbolic link ${path.relative(process.cwd(), dir) || dir}`,
      );
    }
    dir = path.dirname(dir);
  }
  if (fs.existsSync(target) && fs.lstatSync(target).isSymbolicLink()) {
    throw new OutputPathError(`refusing to replace the symbolic link ${target}`);
  }
  return target;
}

/**
 * A regular file's text, or undefined when it does not exist; anything else
 * at the path (a FIFO, a directory) throws NotRegularFileError unread.
 */
function readIfExists(file: string): string | undefined {
  return readRegular(nodeFs, file)?.text;
}

/**
 * A produced file's text as it is now, or undefined when it is absent or cannot
 * be read safely (the generator then emits it afresh, and the write or the
 * check reports the problem).
 */
export function currentText(outDir: string, relative: string): string | undefined {
  try {
    return readIfExists(confinedPath(outDir, relative));
  } catch {
    // refused or unreadable: emitted afresh, and the write or the check says why
  }
  return undefined;
}

/** A directory's entries; a missing directory has none. Other failures are thrown. */
function entriesOf(fsys: WriterFs, dir: string): fs.Dirent[] {
  try {
    return fsys.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

/** The directories (below outDir, "" for outDir itself) that produced files go into. */
function writtenDirs(paths: readonly string[]): string[] {
  return [...new Set(paths.map((p) => (p.includes("/") ? p.slice(0, p.lastIndexOf("/")) : "")))];
}

/**
 * Reads the produced files' paths as they are on disk, and finds the stale
 * files and the dead runs' temporaries (see OutputTree). Only the directories
 * the produced files go into are listed, never their subdirectories: another
 * spec's output, a checked-in tree or a vendored header below them is not this
 * run's. Throws OutputPathError for a path it refuses (outside outDir, not a
 * regular file), errno errors for I/O failures.
 */
export function readOutputTree(
  outDir: string,
  produced: readonly GeneratedFile[],
  fsys: WriterFs = nodeFs,
): OutputTree {
  const current = new Map<string, string>();
  for (const f of produced) {
    const found = readRegular(fsys, confinedPath(outDir, f.path), f.path);
    if (found !== undefined) current.set(f.path, found.text);
  }
  // Every file of one run records the same spec; a set with no banner owns nothing.
  const owner = produced.map((f) => bannerSpec(f.contents)).find((s) => s !== undefined);
  const producedSet = new Set(produced.map((f) => f.path));
  const stale: { path: string; current: string }[] = [];
  const leftovers: string[] = [];
  for (const dir of writtenDirs([...producedSet])) {
    for (const e of entriesOf(fsys, path.join(outDir, dir))) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (!e.isFile()) continue; // directories, links, FIFOs: never ours
      if (e.name.includes(TMP_MARK)) {
        if (!writerAlive(rel)) leftovers.push(rel);
        continue;
      }
      if (owner === undefined || producedSet.has(rel)) continue;
      const text = readRegular(fsys, path.join(outDir, rel), rel)?.text;
      if (text !== undefined && bannerSpec(text) === owner)
        stale.push({ path: rel, current: text });
    }
  }
  stale.sort((a, b) => byCodeUnit(a.path, b.path));
  return { outDir, current, stale, leftovers: leftovers.sort(byCodeUnit) };
}

/**
 * Whether the process that named this temporary (…regcache-tmp-<pid>-<n>,
 * optionally -<hex>) still writes it. One with our own pid that this process
 * did not make was left by a dead run whose pid we now have (a reused pid, or
 * pid 1 of each new PID namespace), so it is a leftover like any other.
 */
function writerAlive(rel: string): boolean {
  const named = /\.regcache-tmp-([1-9]\d*)-\d+(?:-[0-9a-f]+)?$/.exec(rel);
  if (named === null) return true; // not ours to judge: leave it
  const pid = Number(named[1]);
  if (pid === process.pid) return ownTemporaries.has(path.basename(rel));
  return processAlive(pid);
}

/** What writing `files` over `tree` would do. Pure. */
export function planFromTree(tree: OutputTree, files: readonly GeneratedFile[]): WritePlan {
  const planned: PlannedFile[] = files.map((f) => {
    const current = tree.current.get(f.path);
    if (current === undefined) return { path: f.path, action: "create", contents: f.contents };
    return {
      path: f.path,
      action: current === f.contents ? "unchanged" : "update",
      contents: f.contents,
      current,
    };
  });
  for (const s of tree.stale) planned.push({ path: s.path, action: "remove", current: s.current });
  return { outDir: tree.outDir, files: planned, leftovers: tree.leftovers };
}

/** Reads the tree (readOutputTree) and plans writing `files` over it. */
export function planWrite(
  outDir: string,
  files: readonly GeneratedFile[],
  fsys: WriterFs = nodeFs,
): WritePlan {
  return planFromTree(readOutputTree(outDir, files, fsys), files);
}

/** Failure injection for tests: each hook may throw to simulate a crash at that point. */
export interface ApplyHooks {
  /** Every file-system call of the run goes through it; default the real one (nodeFs). */
  readonly fs?: WriterFs;
  /** After a temporary is written and flushed, before the next one (phase one). */
  readonly afterTemporary?: (target: string) => void;
  /** Before a temporary is renamed over its target (phase two). */
  readonly beforeRename?: (target: string) => void;
}

let tmpCounter = 0;
/** The temporaries this process has made (unique names), by file name. */
const ownTemporaries = new Set<string>();

/** Removes a file, ignoring every failure: for cleanup that must not hide the error being handled. */
function removeQuietly(fsys: WriterFs, file: string): void {
  try {
    fsys.unlinkSync(file);
  } catch {
    // Already gone, or cannot go: a temporary left here is a dead run's for the next one.
  }
}

/**
 * Writes text to a new file (mode `mode`, else the usual 0666 less the umask)
 * and flushes it, so a rename never exposes a partial file. On any failure the
 * file is removed and the first error thrown.
 */
function writeFlushed(fsys: WriterFs, file: string, text: string, mode?: number): void {
  const fd = fsys.openSync(file, "wx", 0o666);
  let failed = false;
  let error: unknown;
  try {
    // The mode the umask would not allow (0444 stays 0444, 0755 stays 0755).
    if (mode !== undefined) fsys.fchmodSync(fd, mode);
    writeFully(fsys, fd, text, file);
    fsys.fsyncSync(fd);
  } catch (err) {
    failed = true;
    error = err;
  }
  try {
    fsys.closeSync(fd); // a delayed write error (NFS, a full disk) can surface here
  } catch (err) {
    if (!failed) error = err;
    failed = true;
  }
  if (failed) {
    removeQuietly(fsys, file);
    // Calls on a descriptor (write, fsync, close) name no file; the report needs it.
    const e = error as NodeJS.ErrnoException;
    if (typeof e === "object" && e !== null && e.code !== undefined && e.path === undefined)
      e.path = file;
    throw error;
  }
}

/** The permission bits of the regular file at target, or undefined when there is none. */
function modeOf(fsys: WriterFs, target: string, shown: string): number | undefined {
  return readRegular(fsys, target, shown)?.mode;
}

/**
 * A new temporary's name beside target. The random part keeps a run from
 * meeting a dead run's temporary of the same pid and counter.
 */
function temporaryFor(target: string): string {
  const name = `.${path.basename(target)}${TMP_MARK}${process.pid}-${tmpCounter++}-${randomBytes(4).toString("hex")}`;
  ownTemporaries.add(name);
  return path.join(path.dirname(target), name);
}

/** Atomically replaces target with text (temporary and rename in the same directory). */
function replaceAtomically(fsys: WriterFs, target: string, text: string, mode?: number): void {
  const tmp = temporaryFor(target);
  writeFlushed(fsys, tmp, text, mode);
  try {
    fsys.renameSync(tmp, target);
  } catch (err) {
    removeQuietly(fsys, tmp);
    throw err;
  }
}

/** What phase two did to one file, to undo it. */
type Done =
  | { readonly kind: "created"; readonly target: string }
  | {
      readonly kind: "replaced" | "removed";
      readonly target: string;
      readonly old: string;
      readonly mode: number | undefined;
    };

/**
 * Applies a plan. First the temporaries of dead runs (plan.leftovers) go.
 * Phase one writes a temporary per new or changed file (on failure they are
 * removed and nothing on disk changed); phase two renames them into place and
 * removes the stale files that still carry the banner of the spec they were
 * planned with. On a failure in phase two every file renamed or removed gets
 * its old contents and mode back (best effort), and the temporaries go.
 * Throws what failed: OutputPathError (a path refused), errno errors (I/O).
 */
export function applyPlan(plan: WritePlan, hooks: ApplyHooks = {}): void {
  const fsys = hooks.fs ?? nodeFs;
  // First: a dead run's temporaries may hold the space this run needs.
  for (const rel of plan.leftovers) removeQuietly(fsys, path.join(plan.outDir, rel));

  const pending: { tmp: string; target: string; file: PlannedFile; mode: number | undefined }[] =
    [];
  try {
    for (const f of plan.files) {
      if (f.action !== "create" && f.action !== "update") continue;
      const target = confinedPath(plan.outDir, f.path);
      fsys.mkdirSync(path.dirname(target), { recursive: true });
      // A replaced file keeps its mode; one gone since planning is created afresh.
      const mode = f.action === "update" ? modeOf(fsys, target, f.path) : undefined;
      const tmp = temporaryFor(target);
      writeFlushed(fsys, tmp, f.contents!, mode);
      pending.push({ tmp, target, file: f, mode });
      hooks.afterTemporary?.(target);
    }
  } catch (err) {
    for (const p of pending) removeQuietly(fsys, p.tmp);
    throw err;
  }
  const done: Done[] = [];
  try {
    for (const p of pending) {
      hooks.beforeRename?.(p.target);
      fsys.renameSync(p.tmp, p.target);
      done.push(
        p.file.action === "create"
          ? { kind: "created", target: p.target }
          : { kind: "replaced", target: p.target, old: p.file.current!, mode: p.mode },
      );
    }
    for (const f of plan.files) {
      if (f.action !== "remove") continue;
      const target = confinedPath(plan.outDir, f.path);
      // The file may have changed since it was planned; never remove one that is
      // not a regular file of ours, from the spec it was planned with.
      let now: { text: string; mode: number } | undefined;
      try {
        now = readRegular(fsys, target, f.path);
      } catch (err) {
        if (err instanceof NotRegularFileError) continue;
        throw err;
      }
      if (now === undefined || !parseBanner(now.text)) continue;
      if (bannerSpec(now.text) !== bannerSpec(f.current!)) continue;
      fsys.unlinkSync(target);
      done.push({ kind: "removed", target, old: now.text, mode: now.mode });
    }
  } catch (err) {
    // The temporaries not renamed yet (a renamed one is gone already).
    for (const p of pending) removeQuietly(fsys, p.tmp);
    rollBack(fsys, done);
    throw err;
  }
}

/** Undoes phase two, last step first. Best effort: every file is tried, the caller's error is kept. */
function rollBack(fsys: WriterFs, done: readonly Done[]): void {
  for (const d of [...done].reverse()) {
    try {
      if (d.kind === "created") fsys.unlinkSync(d.target);
      else replaceAtomically(fsys, d.target, d.old, d.mode);
    } catch {
      // Keep going: every other file should still get its old contents back.
    }
  }
}
