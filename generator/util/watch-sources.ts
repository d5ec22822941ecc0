/*
 * Watches the sources of a generated tree: one file (the spec) and one
 * directory tree (the templates), and says what changed. Edge: fs.watch and
 * stat; knows nothing of what the sources mean or what a change triggers.
 *
 * - Every directory watched is known by its `dev:ino` identity, because a
 *   watcher follows the inode it was opened on: the identity is re-checked on
 *   every event in it or naming it in its parent (watched too), and the
 *   directory is held open while watched so that its inode number cannot pass
 *   to a directory re-created at its path. A directory removed and re-created,
 *   or replaced by another, is watched again and reported as a change (what
 *   the new one holds may differ).
 * - The file's directory is watched rather than the file, so an editor that
 *   saves by renaming a new file over the old one is still seen. Its removal
 *   is reported once, as `gone`.
 * - A symlinked file: edits land on the file it points to, so that file's
 *   directory is watched too, the same way (a dangling link: where it points),
 *   and so is the directory of each link between (a chain of links),
 *   re-resolved whenever one of them changes (a link swapped to another
 *   target) or comes back.
 * - Every directory above a watched one is watched for the way down to it:
 *   a directory removed or moved with the ones above it (`rm -rf` or `mv` of
 *   a parent or a grandparent) is watched again as each part comes back.
 * - The tree is watched recursively, its removal reported as `gone` too;
 *   editor droppings and hidden things (any path in it with a component
 *   starting with `.`, swap files, backups, vim's `4913` probe) are ignored.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { linkChain } from "./link-chain";

export interface WatchedSources {
  /** The file whose edits count; it need not exist, but its directory must at the start. */
  readonly file: string;
  /** What a change of `file` is named in `changed` (e.g. its path as shown to the user). */
  readonly fileLabel: string;
  /** A directory watched recursively; it must exist at the start. */
  readonly tree: string;
  /** What a change in `tree` is named: `${treeLabel}/${its/relative/path}`, or `treeLabel` alone. */
  readonly treeLabel: string;
}

export interface SourceEvents {
  /**
   * A source changed: `fileLabel`, or `${treeLabel}/<path relative to the tree, with />`, or
   * `treeLabel` when the system does not say which file or the tree is back after it was gone.
   * Comes in bursts as editors save.
   */
  changed(what: string): void;
  /**
   * `dir`, the file's directory or the tree, is gone; once per disappearance of each (again only
   * after it is back).
   */
  gone(dir: string): void;
  /** Watching `dir` failed with `error` (an errno error). The other watches go on until close(). */
  failed(dir: string, error: Error): void;
}

export interface SourceWatch {
  /**
   * Whether the file's directory and the tree exist now; for each that does not, `gone` fires
   * (once per disappearance).
   */
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

/**
 * The directory at `dir` held open, with its `dev:ino`: a freed inode number goes to the next
 * directory made (ext4 does so at once), so a directory removed and re-created would have the
 * identity of the one watched, unless the watched one is held open until it is let go. `fd` is
 * undefined when it cannot be opened (then the identity is only as good as the system's reuse);
 * undefined when there is no directory at `dir`.
 */
function openDirectory(dir: string): { identity: string; fd?: number } | undefined {
  let fd: number | undefined;
  try {
    // O_DIRECTORY: a FIFO put at the path must not block the open.
    const { O_RDONLY, O_DIRECTORY = 0, O_NONBLOCK = 0 } = fs.constants;
    fd = fs.openSync(dir, O_RDONLY | O_DIRECTORY | O_NONBLOCK);
  } catch {
    fd = undefined;
  }
  try {
    const stat = fd === undefined ? fs.statSync(dir) : fs.fstatSync(fd);
    if (stat.isDirectory()) return { identity: `${stat.dev}:${stat.ino}`, fd };
  } catch {
    // missing: no directory
  }
  letGo(fd);
  return undefined;
}

/** Closes a descriptor of openDirectory(). */
function letGo(fd: number | undefined): void {
  if (fd === undefined) return;
  try {
    fs.closeSync(fd);
  } catch {
    // nothing to do: it is let go either way
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

/** What happens at a directory watched by its identity. */
interface DirectoryHooks {
  /** An event in it: the changed entry's path relative to it (system separators), or null. */
  readonly changed: (entry: string | null) => void;
  /** It is gone; once per disappearance. */
  readonly gone?: () => void;
  /** A directory is at its path again, another than the one watched (back after it was gone, or replaced). */
  readonly back: () => void;
  /** Watching it failed with an errno error; without this hook, failures are ignored. */
  readonly failed?: (error: Error) => void;
}

interface DirectoryWatch {
  /** Whether it exists now; when it does not, `gone` fires (once per disappearance). */
  present(): boolean;
  close(): void;
}

/**
 * Watches the directory at `dir` (recursively when `recursive`) by its `dev:ino` identity: a
 * watcher follows the inode it was opened on, so the identity is re-checked on every event in it
 * and on every event naming it in its parent (watched too), and a directory other than the one
 * watched is watched instead. When `required`, the directory and its parent must be watchable at
 * the start, or the errno error (with `code` and `path`) is thrown: ENOENT, ENOTDIR, the system's
 * watch limits (ENOSPC, EMFILE); otherwise it may be missing at the start (then `gone` fires at
 * once) and what cannot be watched is left unwatched.
 */
function watchDirectory(
  dir: string,
  options: { readonly recursive: boolean; readonly required: boolean },
  hooks: DirectoryHooks,
): DirectoryWatch {
  let current: { watcher: fs.FSWatcher; identity: string; fd?: number } | undefined;
  /** The directories above `dir` that exist, by path, each watched for `dir`'s way back (watchAbove). */
  const above = new Map<string, { identity: string; watcher: fs.FSWatcher }>();
  let closed = false;
  /** Whether it is known to be gone (and was reported so). */
  let gone = false;
  const reportGone = (): void => {
    if (gone) return;
    gone = true;
    hooks.gone?.();
  };
  const failed = (err: unknown): void => hooks.failed?.(err as Error);

  const arm = (starting: boolean): void => {
    if (closed) return;
    const seen = dirIdentity(dir);
    if (seen !== undefined && seen === current?.identity) return;
    // Another directory than the one watched, or one back after it was gone.
    const replaced = current !== undefined || gone;
    current?.watcher.close();
    letGo(current?.fd);
    current = undefined;
    const opened = openDirectory(dir);
    if (opened === undefined) return reportGone();
    let watcher: fs.FSWatcher;
    try {
      watcher = fs.watch(dir, { recursive: options.recursive }, (_event, entry) => {
        arm(false);
        if (!closed) hooks.changed(entry === null ? null : String(entry));
      });
    } catch (err) {
      letGo(opened.fd);
      // Gone again between the check and the watch: its parent's next event re-arms.
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return reportGone();
      if (starting && options.required) throw withPath(err, dir);
      return failed(err);
    }
    watcher.on("error", failed);
    current = { watcher, ...opened };
    gone = false;
    if (replaced) hooks.back();
  };

  const close = (): void => {
    closed = true;
    current?.watcher.close();
    letGo(current?.fd);
    current = undefined; // a descriptor is closed once: its number may be another file's next
    for (const w of above.values()) w.watcher.close();
    above.clear();
  };

  /**
   * Watches every existing directory above `dir`, up to the root, for the next part of the way
   * down to it (or for its own removal or move): a directory removed or moved with the ones above
   * it, or one of those moved away and another put in its place, is seen there, and `dir` is
   * re-armed as each part comes back. Ones gone or replaced are let go and watched anew. Throws the
   * errno error when `strict` and the parent cannot be watched; other ancestors that cannot be
   * watched (EACCES) are left out.
   */
  const watchAbove = (strict: boolean): void => {
    if (closed) return;
    const wanted = new Map<string, string>();
    for (let at = path.dirname(dir), prev = dir; at !== prev; prev = at, at = path.dirname(at)) {
      const identity = dirIdentity(at);
      if (identity !== undefined) wanted.set(at, identity);
    }
    for (const [at, w] of above)
      if (wanted.get(at) !== w.identity) {
        w.watcher.close();
        above.delete(at);
      }
    for (const [at, identity] of wanted) {
      if (above.has(at)) continue;
      const next = path.relative(at, dir).split(path.sep)[0];
      const own = path.basename(at);
      let watcher: fs.FSWatcher;
      try {
        watcher = fs.watch(at, (_event, entry) => {
          if (entry !== null && String(entry) !== next && String(entry) !== own) return;
          arm(false);
          watchAbove(false);
        });
      } catch (err) {
        if (strict && at === path.dirname(dir)) throw withPath(err, at);
        continue;
      }
      // Its removal or move comes as an event naming it, here and in the one above; errors change nothing.
      watcher.on("error", () => undefined);
      above.set(at, { identity, watcher });
    }
  };

  try {
    // A required directory must exist at the start: a path the user named.
    if (options.required && dirIdentity(dir) === undefined) {
      fs.statSync(dir); // throws its errno when missing
      throw Object.assign(new Error("not a directory"), { code: "ENOTDIR", path: dir });
    }
    arm(true);
    watchAbove(options.required);
  } catch (err) {
    close();
    throw err;
  }

  const present = (): boolean => {
    if (dirIdentity(dir) !== undefined) return true;
    reportGone();
    watchAbove(false);
    return false;
  };
  return { present, close };
}

/**
 * Starts watching `sources`, reporting to `events`. Throws, after closing what it opened, the
 * errno error (with `code` and `path`) of a watch that cannot start: the file's directory or the
 * tree missing (ENOENT) or not a directory (ENOTDIR), the system's watch limits (ENOSPC, EMFILE).
 */
export function watchSources(sources: WatchedSources, events: SourceEvents): SourceWatch {
  const dir = path.dirname(sources.file);
  const name = path.basename(sources.file);
  let closed = false;
  const fileChanged = (): void => {
    if (!closed) events.changed(sources.fileLabel);
  };

  // A symlinked file: the directory of each link it passes and of where it ends, watched for
  // that name; any change there re-follows the chain (a link re-pointed) and is a change.
  let links: { key: string; watches: DirectoryWatch[] } = { key: "", watches: [] };
  const followLink = (): void => {
    const chain = closed ? [] : linkChain(sources.file);
    const key = chain.join("\0");
    if (key === links.key) return;
    for (const w of links.watches) w.close();
    links = { key, watches: [] };
    // A loop of links names its paths again and again: each is watched once.
    for (const hop of new Set(chain)) {
      const hopName = path.basename(hop);
      const hopDir = path.dirname(hop);
      if (hopDir === dir && hopName === name) continue;
      // Not required: while a hop's directory cannot be watched, the link's directory still is.
      links.watches.push(
        watchDirectory(
          hopDir,
          { recursive: false, required: false },
          {
            changed: (entry) => {
              if (entry !== null && entry !== hopName) return;
              followLink();
              fileChanged();
            },
            // Moved away: no event names the file, yet it is no longer there.
            gone: fileChanged,
            back: () => {
              followLink();
              fileChanged();
            },
          },
        ),
      );
    }
  };

  let fileDir: DirectoryWatch | undefined;
  let tree: DirectoryWatch | undefined;
  const close = (): void => {
    closed = true;
    fileDir?.close();
    tree?.close();
    for (const w of links.watches) w.close();
  };

  try {
    fileDir = watchDirectory(
      dir,
      { recursive: false, required: true },
      {
        changed: (entry) => {
          if (entry !== null && entry !== name) return;
          followLink(); // the link itself may now point elsewhere
          fileChanged();
        },
        gone: () => events.gone(dir),
        back: () => {
          followLink();
          fileChanged();
        },
        failed: (err) => events.failed(dir, err),
      },
    );
    followLink();
    tree = watchDirectory(
      sources.tree,
      { recursive: true, required: true },
      {
        changed: (entry) => {
          const file = entry === null ? "" : entry.split(path.sep).join("/");
          if (closed || isNoise(file)) return;
          events.changed(file ? `${sources.treeLabel}/${file}` : sources.treeLabel);
        },
        gone: () => events.gone(sources.tree),
        back: () => events.changed(sources.treeLabel),
        failed: (err) => events.failed(sources.tree, err),
      },
    );
  } catch (err) {
    close();
    throw err;
  }

  // Each is asked, so that each reports its own disappearance.
  const present = (): boolean => [fileDir, tree].map((w) => w?.present() ?? false).every(Boolean);
  return { present, close };
}
