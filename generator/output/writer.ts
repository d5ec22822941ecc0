/*
 * The one module that touches the output directory. It reads what is there
 * (readOutputTree), plans (what is new, changed, unchanged, stale), then applies
 * the plan in two phases: every new body goes to a temporary file beside its
 * target (written and flushed), and only when all of them are written are they
 * renamed into place. A failure while renaming puts back what was renamed, so a
 * failed run leaves the tree as it was; an interrupted one leaves each file old
 * or new, never partial. Untouched files keep their mtime. Only files carrying
 * regcache's banner are ever removed, and that is checked again just before.
 * Writers of one output directory take turns (withOutputLock in lock.ts), so two runs at
 * once leave the whole tree from one of them, never a mix.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { GeneratedFile } from "../targets/types";
import { parseBanner } from "../targets/banner";
import { processAlive } from "./lock";

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
  /** Temporaries left by runs that were killed mid-way; applying the plan removes them. */
  readonly leftovers: readonly string[];
}

/** What the output directory holds that matters to regcache. */
export interface OutputTree {
  readonly outDir: string;
  /** The current contents of every produced path that exists on disk. */
  readonly current: ReadonlyMap<string, string>;
  /** Files carrying regcache's banner that are not produced any more, sorted by path. */
  readonly stale: readonly { readonly path: string; readonly current: string }[];
  /** Our temporaries whose writer process is gone (a run killed between its phases). */
  readonly leftovers: readonly string[];
}

export class OutputPathError extends Error {}

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

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === "ENOENT") return undefined;
    // Some errors (EISDIR from read) carry no path; the caller's message needs it.
    if (e.path === undefined) e.path = file;
    throw e;
  }
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
    return undefined;
  }
}

/**
 * Every regular file below dir (forward-slash paths relative to it), skipping
 * symlinks, dot-directories and node_modules. A missing dir is an empty tree;
 * any other failure to read it is thrown (the caller reports an environment error).
 */
function listFiles(dir: string, prefix = ""): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(path.join(dir, prefix), { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const out: string[] = [];
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!e.name.startsWith(".") && e.name !== "node_modules") out.push(...listFiles(dir, rel));
    } else if (e.isFile()) out.push(rel);
  }
  return out;
}

/** Reads the produced paths and finds the stale banner files. Throws on I/O failure. */
export function readOutputTree(outDir: string, produced: readonly string[]): OutputTree {
  const current = new Map<string, string>();
  for (const rel of produced) {
    const text = readIfExists(confinedPath(outDir, rel));
    if (text !== undefined) current.set(rel, text);
  }
  const producedSet = new Set(produced);
  const stale: { path: string; current: string }[] = [];
  const leftovers: string[] = [];
  for (const rel of listFiles(outDir).sort()) {
    if (rel.includes(TMP_MARK)) {
      if (!writerAlive(rel)) leftovers.push(rel);
      continue;
    }
    if (producedSet.has(rel)) continue;
    const text = readIfExists(path.join(outDir, rel));
    if (text !== undefined && parseBanner(text)) stale.push({ path: rel, current: text });
  }
  return { outDir, current, stale, leftovers };
}

/** Whether the process that named this temporary (…regcache-tmp-<pid>-<n>) still runs. */
function writerAlive(rel: string): boolean {
  const pid = Number(/\.regcache-tmp-(\d+)-\d+$/.exec(rel)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0) return true; // not ours to judge: leave it
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

export function planWrite(outDir: string, files: readonly GeneratedFile[]): WritePlan {
  return planFromTree(
    readOutputTree(
      outDir,
      files.map((f) => f.path),
    ),
    files,
  );
}

/** Failure injection for tests: each hook may throw to simulate a crash at that point. */
export interface ApplyHooks {
  /** After a temporary is written and flushed, before the next one (phase one). */
  readonly afterTemporary?: (target: string) => void;
  /** Before a temporary is renamed over its target (phase two). */
  readonly beforeRename?: (target: string) => void;
}

let tmpCounter = 0;

/** Writes text to a new file and flushes it, so a rename never exposes a partial file. */
function writeFlushed(file: string, text: string): void {
  const fd = fs.openSync(file, "wx");
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function temporaryFor(target: string): string {
  return path.join(
    path.dirname(target),
    `.${path.basename(target)}${TMP_MARK}${process.pid}-${tmpCounter++}`,
  );
}

/** Atomically replaces target with text (temporary and rename in the same directory). */
function replaceAtomically(target: string, text: string): void {
  const tmp = temporaryFor(target);
  try {
    writeFlushed(tmp, text);
    fs.renameSync(tmp, target);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Applies a plan. Phase one writes temporaries (on failure they are removed and
 * nothing on disk changed); phase two renames them into place (on failure the
 * files already renamed get their old contents back, best effort), then removes
 * stale files that still carry the banner.
 */
export function applyPlan(plan: WritePlan, hooks: ApplyHooks = {}): void {
  const pending: { tmp: string; target: string; file: PlannedFile }[] = [];
  try {
    for (const f of plan.files) {
      if (f.action !== "create" && f.action !== "update") continue;
      const target = confinedPath(plan.outDir, f.path);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const tmp = temporaryFor(target);
      writeFlushed(tmp, f.contents!);
      pending.push({ tmp, target, file: f });
      hooks.afterTemporary?.(target);
    }
  } catch (err) {
    for (const p of pending) fs.rmSync(p.tmp, { force: true });
    throw err;
  }
  const renamed: typeof pending = [];
  try {
    for (const p of pending) {
      hooks.beforeRename?.(p.target);
      fs.renameSync(p.tmp, p.target);
      renamed.push(p);
    }
  } catch (err) {
    rollBack(renamed);
    throw err;
  } finally {
    for (const p of pending) fs.rmSync(p.tmp, { force: true });
  }
  for (const f of plan.files) {
    if (f.action !== "remove") continue;
    const target = confinedPath(plan.outDir, f.path);
    // The file may have changed since it was planned; never remove one without our banner.
    const now = readIfExists(target);
    if (now !== undefined && parseBanner(now)) fs.rmSync(target, { force: true });
  }
  for (const rel of plan.leftovers) fs.rmSync(path.join(plan.outDir, rel), { force: true });
}

/** Puts back what a failed phase two already renamed. Best effort: the first error is kept. */
function rollBack(renamed: readonly { target: string; file: PlannedFile }[]): void {
  for (const r of [...renamed].reverse()) {
    try {
      if (r.file.action === "create") fs.rmSync(r.target, { force: true });
      else replaceAtomically(r.target, r.file.current!);
    } catch {
      // Keep going: every other file should still get its old contents back.
    }
  }
}
