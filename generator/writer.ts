/*
 * The one module that writes generated files. It plans first (what is new,
 * changed, unchanged, stale), then applies the plan in two phases: every new
 * body goes to a temporary file beside its target, and only when all of them
 * are written are they renamed into place. An interrupted or failed run leaves
 * each file either old or new, never partial, and untouched files keep their
 * mtime. Only files carrying regcache's banner are ever removed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { GeneratedFile } from "./api";
import { parseBanner } from "./banner";

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
}

export class OutputPathError extends Error {}

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
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** Every file below dir (forward-slash paths relative to it), skipping symlinks. */
function listFiles(dir: string, prefix = ""): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(path.join(dir, prefix), { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(dir, rel));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}

/** Files below outDir that carry regcache's banner but are not in `produced`. */
export function staleFiles(
  outDir: string,
  produced: ReadonlySet<string>,
): { path: string; current: string }[] {
  const stale: { path: string; current: string }[] = [];
  for (const rel of listFiles(outDir).sort()) {
    if (produced.has(rel) || /\.regcache-tmp-/.test(rel)) continue;
    const current = readIfExists(path.join(outDir, rel));
    if (current !== undefined && parseBanner(current)) stale.push({ path: rel, current });
  }
  return stale;
}

export function planWrite(outDir: string, files: readonly GeneratedFile[]): WritePlan {
  const planned: PlannedFile[] = files.map((f) => {
    const current = readIfExists(confinedPath(outDir, f.path));
    if (current === undefined) return { path: f.path, action: "create", contents: f.contents };
    return {
      path: f.path,
      action: current === f.contents ? "unchanged" : "update",
      contents: f.contents,
      current,
    };
  });
  const produced = new Set(files.map((f) => f.path));
  for (const s of staleFiles(outDir, produced))
    planned.push({ path: s.path, action: "remove", current: s.current });
  return { outDir, files: planned };
}

let tmpCounter = 0;

/**
 * Applies a plan. Phase one writes temporaries (on failure they are removed and
 * nothing on disk changed); phase two renames them into place and removes stale files.
 */
export function applyPlan(
  plan: WritePlan,
  hooks: { beforeRename?: (file: string) => void } = {},
): void {
  const pending: { tmp: string; target: string }[] = [];
  try {
    for (const f of plan.files) {
      if (f.action !== "create" && f.action !== "update") continue;
      const target = confinedPath(plan.outDir, f.path);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const tmp = path.join(
        path.dirname(target),
        `.${path.basename(target)}.regcache-tmp-${process.pid}-${tmpCounter++}`,
      );
      fs.writeFileSync(tmp, f.contents!, { flag: "wx" });
      pending.push({ tmp, target });
    }
  } catch (err) {
    for (const p of pending) fs.rmSync(p.tmp, { force: true });
    throw err;
  }
  try {
    for (const p of pending) {
      hooks.beforeRename?.(p.target);
      fs.renameSync(p.tmp, p.target);
    }
  } finally {
    for (const p of pending) fs.rmSync(p.tmp, { force: true });
  }
  for (const f of plan.files) {
    if (f.action === "remove") fs.rmSync(confinedPath(plan.outDir, f.path), { force: true });
  }
}
