/*
 * Watches the sources of a generated tree: one file (the spec) and one
 * directory tree (the templates), and says what changed. Edge: fs.watch and
 * stat; knows nothing of what the sources mean or what a change triggers.
 *
 * - The file's directory is watched rather than the file, so an editor that
 *   saves by renaming a new file over the old one is still seen. A watcher
 *   follows the inode it was opened on, so the directory is known by its
 *   `dev:ino` identity, re-checked on every event in it or in its parent
 *   (watched too): a directory removed (reported once, as `gone`) and
 *   re-created, or replaced by another, is watched again and reported as a
 *   change of the file (the new directory's file may differ).
 * - A symlinked file: edits land on the file it points to, so that file's
 *   directory is watched too, re-resolved whenever the link's own directory
 *   changes (the link swapped to another target).
 * - The tree is watched recursively; editor droppings and hidden things (any
 *   path in it with a component starting with `.`, swap files, backups, vim's
 *   `4913` probe) are ignored.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface WatchedSources {
  /** The file whose edits count; it need not exist, but its directory must at the start. */
  readonly file: string;
  /** What a change of `file` is named in `changed` (e.g. its path as shown to the user). */
  readonly fileLabel: string;
  /** A directory watched recursively. */
  readonly tree: string;
  /** What a change in `tree` is named: `${treeLabel}/${its/relative/path}`, or `treeLabel` alone. */
  readonly treeLabel: string;
}

export interface SourceEvents {
  /**
   * A source changed: `fileLabel`, or `${treeLabel}/<path relative to the tree, with />`, or
   * `treeLabel` when the system does not say which file. Comes in bursts as editors save.
   */
  changed(what: string): void;
  /** `dir`, the file's directory, is gone; once per disappearance (again only after it is back). */
  gone(dir: string): void;
  /** Watching `dir` failed with `error` (an errno error). The other watches go on until close(). */
  failed(dir: string, error: Error): void;
}

export interface SourceWatch {
  /** Whether the file's directory exists now; when it does not, `gone` fires (once per disappearance). */
  present(): boolean;
  /** Stops every watch: no event fires afterwards but a `gone` from present(). */
  close(): void;
}

/** `dev:ino` of the directory at `dir`, or undefined if there is none (missing, or not a directory). */
function dirIdentity(dir: string): string | undefined {
  try {
    const stat = fs.statSync(dir);
    return stat.isDirectory() ? `${stat.dev}:${stat.ino}` : undefined;
  } catch {
    return undefined;
  }
}

/** `err` with `path` set to `where` when the system named no path. */
const withPath = (err: unknown, where: string): Error =>
  Object.assign(err as Error, { path: (err as NodeJS.ErrnoException).path ?? where });

/**
 * Editor droppings and hidden things, by a path relative to the tree (`/`-separated): anything
 * inside a dot directory or a dot file (a component, at any depth, starting with `.`), and a file
 * whose own name is a backup (`~`), a vim swap file or vim's write probe `4913` (made in the
 * directory of the file it saves).
 */
const isNoise = (file: string): boolean =>
  /(^|\/)\./.test(file) || /(^|\/)([^/]*~|[^/]*\.sw[px]|4913)$/.test(file);

/**
 * Starts watching `sources`, reporting to `events`. Throws, after closing what it opened, the
 * errno error (with `code` and `path`) of a watch that cannot start: the file's directory missing
 * (ENOENT) or not a directory (ENOTDIR), a tree missing, the system's watch limits (ENOSPC,
 * EMFILE).
 */
export function watchSources(sources: WatchedSources, events: SourceEvents): SourceWatch {
  const dir = path.dirname(sources.file);
  const name = path.basename(sources.file);
  const watchers: fs.FSWatcher[] = [];
  let closed = false;
  /** Whether the file's directory is known to be gone (and was reported so). */
  let dirGone = false;
  const reportGone = (): void => {
    if (dirGone) return;
    dirGone = true;
    events.gone(dir);
  };
  const fileChanged = (): void => {
    if (!closed) events.changed(sources.fileLabel);
  };

  let target: { path: string; watcher?: fs.FSWatcher } | undefined;
  const followLink = (): void => {
    let real: string | undefined;
    try {
      real = fs.realpathSync(sources.file);
    } catch {
      real = undefined; // a dangling link or a missing file: the next run reports it
    }
    if (real === target?.path) return;
    target?.watcher?.close();
    target = real === undefined ? undefined : { path: real };
    if (!target || closed) return;
    const realName = path.basename(target.path);
    const realDir = path.dirname(target.path);
    if (realDir === dir && realName === name) return;
    try {
      const watcher = fs.watch(realDir, (_event, changed) => {
        if (changed === null || changed === realName) fileChanged();
      });
      watcher.on("error", () => undefined); // its directory went away: the link will change too
      target.watcher = watcher;
    } catch {
      // the target's directory cannot be watched; the link's directory still is
    }
  };

  let dirWatch: { watcher: fs.FSWatcher; identity: string } | undefined;
  /** Watches the file's directory if it is not the one watched; `starting` throws what fails. */
  const armDir = (starting: boolean): void => {
    if (closed) return;
    const identity = dirIdentity(dir);
    if (identity !== undefined && identity === dirWatch?.identity) return;
    // Another directory than the one watched, or one back after it was gone.
    const replaced = dirWatch !== undefined || dirGone;
    dirWatch?.watcher.close();
    dirWatch = undefined;
    if (identity === undefined) return reportGone();
    let watcher: fs.FSWatcher;
    try {
      watcher = fs.watch(dir, (_event, changed) => {
        armDir(false);
        if (changed === null || changed === name) {
          followLink(); // the link itself may now point elsewhere
          fileChanged();
        }
      });
    } catch (err) {
      // Gone again between the check and the watch: its parent's next event re-arms.
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return reportGone();
      if (starting) throw withPath(err, dir);
      return events.failed(dir, err as Error);
    }
    watcher.on("error", (err) => events.failed(dir, err));
    dirWatch = { watcher, identity };
    dirGone = false;
    if (replaced) {
      followLink();
      fileChanged();
    }
  };

  const close = (): void => {
    closed = true;
    for (const w of watchers) w.close();
    dirWatch?.watcher.close();
    target?.watcher?.close();
  };

  /** fs.watch at the start: what fails is thrown. */
  const startWatch = (
    where: string,
    options: fs.WatchOptions,
    listener: fs.WatchListener<string>,
  ) => {
    try {
      return fs.watch(where, options, listener);
    } catch (err) {
      throw withPath(err, where);
    }
  };

  try {
    // At the start the directory must exist: a path the user named.
    if (dirIdentity(dir) === undefined) {
      fs.statSync(dir); // throws its errno when missing
      throw Object.assign(new Error("not a directory"), { code: "ENOTDIR", path: dir });
    }
    armDir(true);
    const parent = path.dirname(dir);
    if (parent !== dir) {
      const dirName = path.basename(dir);
      const parentWatcher = startWatch(parent, {}, (_event, changed) => {
        if (changed === null || changed === dirName) armDir(false);
      });
      // The parent itself gone: the file's directory cannot come back without it.
      parentWatcher.on("error", () => undefined);
      watchers.push(parentWatcher);
    }
    followLink();
    const treeWatcher = startWatch(sources.tree, { recursive: true }, (_event, changed) => {
      const file = changed === null ? "" : String(changed).split(path.sep).join("/");
      if (closed || isNoise(file)) return;
      events.changed(file ? `${sources.treeLabel}/${file}` : sources.treeLabel);
    });
    treeWatcher.on("error", (err) => events.failed(sources.tree, err));
    watchers.push(treeWatcher);
  } catch (err) {
    close();
    throw err;
  }

  const present = (): boolean => {
    if (dirIdentity(dir) !== undefined) return true;
    reportGone();
    return false;
  };
  return { present, close };
}
