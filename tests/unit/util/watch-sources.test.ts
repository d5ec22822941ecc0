/*
 * The source watch on a real file system: a change of the file is reported by
 * its label and a change of another file beside it is not; a change in the
 * tree is reported by its relative path and editor droppings and files in dot
 * directories are not; the file's directory and the tree removed are reported
 * gone once, and re-created (also at once, with the inode number reused) or
 * replaced are a change and watched again; a symlinked file's target is
 * watched, also after its directory is removed and restored, and a dangling
 * link's once it appears; close() stops every event; a watch that fails while
 * running is reported with its directory; a watch that cannot start throws
 * its errno with the path.
 *
 * Events are awaited by polling with a generous deadline. That an event did
 * NOT come is shown by a later write that did: inotify delivers the events of
 * one directory in order, so once the later one is seen the earlier one was
 * handled.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { watchSources, type SourceWatch } from "../../../generator/util/watch-sources";

/** Polls until `probe` is true; fails after a deadline with what was recorded. */
async function until(probe: () => boolean, what: string, seen: () => unknown): Promise<void> {
  const deadline = Date.now() + 30000;
  while (!probe()) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; events: ${JSON.stringify(seen())}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Events in the order they came, as `changed <what>`, `gone <dir>`, `failed <dir> <code>`. */
function recorder() {
  const events: string[] = [];
  const count = (event: string) => events.filter((e) => e === event).length;
  return {
    events,
    handlers: {
      changed: (what: string) => void events.push(`changed ${what}`),
      gone: (dir: string) => void events.push(`gone ${dir}`),
      failed: (dir: string, error: Error) =>
        void events.push(`failed ${dir} ${(error as NodeJS.ErrnoException).code}`),
    },
    count,
    /** Waits until `event` has come more than `times` times; `what` names it in the failure. */
    seen: (event: string, times: number, what: string) =>
      until(
        () => count(event) > times,
        what,
        () => events,
      ),
  };
}

/** The module object itself, to spy on (an `import *` binding is a read-only copy). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeFs = (): typeof fs => require("node:fs") as typeof fs;

let root: string;
let specDir: string;
let spec: string;
let tree: string;
let watch: SourceWatch | undefined;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "watch-sources-"));
  specDir = path.join(root, "spec");
  spec = path.join(specDir, "x.yaml");
  tree = path.join(root, "templates");
  fs.mkdirSync(specDir);
  fs.mkdirSync(path.join(tree, "c"), { recursive: true });
  fs.writeFileSync(spec, "a: 1\n");
});
afterEach(() => {
  watch?.close();
  watch = undefined;
  fs.rmSync(root, { recursive: true, force: true });
});

const sources = () => ({ file: spec, fileLabel: "spec/x.yaml", tree, treeLabel: "templates" });

/** Makes `rel` (below the test's root, "a: 1") and the spec a link to it; returns its path. */
function linkSpecTo(rel: string): string {
  const target = path.join(root, rel);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, "a: 1\n");
  fs.rmSync(spec);
  fs.symlinkSync(path.join("..", rel), spec);
  return target;
}

test("a change of the file is reported by its label; another file beside it is not", async () => {
  const r = recorder();
  watch = watchSources(sources(), r.handlers);
  fs.writeFileSync(path.join(specDir, "other.yaml"), "b: 1\n");
  fs.writeFileSync(spec, "a: 2\n");
  await r.seen("changed spec/x.yaml", 0, "the file's change");
  expect(new Set(r.events)).toEqual(new Set(["changed spec/x.yaml"]));
});

test("a file saved by renaming a new one over it is a change", async () => {
  const r = recorder();
  watch = watchSources(sources(), r.handlers);
  const tmp = path.join(specDir, ".x.yaml.swp");
  fs.writeFileSync(tmp, "a: 3\n");
  fs.renameSync(tmp, spec);
  await r.seen("changed spec/x.yaml", 0, "the rename");
  expect(new Set(r.events)).toEqual(new Set(["changed spec/x.yaml"]));
});

test("a change in the tree is named by its path in it; editor droppings are not reported", async () => {
  const r = recorder();
  watch = watchSources(sources(), r.handlers);
  // In a folder of the tree, as templates are: every rule holds for a file's own name at any depth.
  const c = path.join(tree, "c");
  for (const noise of [".kvm.h.hbs.swp", ".kvm.h.hbs.swx", "kvm.h.hbs~", ".hidden", "4913"])
    fs.writeFileSync(path.join(c, noise), "");
  fs.writeFileSync(path.join(c, "kvm.h.hbs"), "{{x}}\n");
  const wanted = "changed templates/c/kvm.h.hbs";
  await r.seen(wanted, 0, "the template's change");
  expect(new Set(r.events)).toEqual(new Set([wanted]));
});

test("the file's directory removed: gone once; re-created: a change, and watched again", async () => {
  const r = recorder();
  watch = watchSources(sources(), r.handlers);
  expect(watch.present()).toBe(true);
  const gone = `gone ${specDir}`;

  fs.rmSync(specDir, { recursive: true });
  await r.seen(gone, 0, "the directory gone");
  expect(watch.present()).toBe(false);
  expect(watch.present()).toBe(false);
  expect(r.count(gone)).toBe(1);

  const before = r.count("changed spec/x.yaml");
  fs.mkdirSync(specDir);
  await r.seen("changed spec/x.yaml", before, "the directory back");
  expect(watch.present()).toBe(true);

  // The new directory is watched: an edit in it is seen.
  const back = r.count("changed spec/x.yaml");
  fs.writeFileSync(spec, "a: 4\n");
  await r.seen("changed spec/x.yaml", back, "an edit in it");

  // Gone again: reported again, once.
  fs.rmSync(specDir, { recursive: true });
  await r.seen(gone, 1, "the directory gone again");
  expect(watch.present()).toBe(false);
  expect(r.count(gone)).toBe(2);
  expect(r.events.filter((e) => !/^(changed spec\/x\.yaml|gone )/.test(e))).toEqual([]);
});

test("the file's directory replaced by another: a change, and the new one is watched", async () => {
  const r = recorder();
  watch = watchSources(sources(), r.handlers);
  fs.cpSync(specDir, path.join(root, "spec.new"), { recursive: true });
  fs.renameSync(specDir, path.join(root, "spec.old"));
  fs.renameSync(path.join(root, "spec.new"), specDir);
  await r.seen("changed spec/x.yaml", 0, "the swap");
  fs.rmSync(path.join(root, "spec.old"), { recursive: true });

  const swapped = r.count("changed spec/x.yaml");
  fs.writeFileSync(spec, "a: 5\n");
  await r.seen("changed spec/x.yaml", swapped, "an edit");
  expect(r.events.filter((e) => e !== "changed spec/x.yaml")).toEqual([]);
});

test("the file's directory removed and restored at once (its inode number reused): watched again", async () => {
  const r = recorder();
  watch = watchSources(sources(), r.handlers);
  const backup = path.join(root, "spec.bak");
  fs.cpSync(specDir, backup, { recursive: true });
  fs.rmSync(specDir, { recursive: true });
  fs.cpSync(backup, specDir, { recursive: true });
  await r.seen("changed spec/x.yaml", 0, "the directory back");
  const back = r.count("changed spec/x.yaml");
  fs.writeFileSync(spec, "a: 7\n");
  await r.seen("changed spec/x.yaml", back, "an edit in it");
  expect(r.events.filter((e) => e !== "changed spec/x.yaml")).toEqual([]);
});

test("a symlinked file: an edit of its target, in another directory, is a change of the file", async () => {
  const store = path.dirname(linkSpecTo("store/a.yaml"));
  const r = recorder();
  watch = watchSources(sources(), r.handlers);
  fs.writeFileSync(path.join(store, "other.yaml"), "b: 1\n");
  fs.writeFileSync(path.join(store, "a.yaml"), "a: 2\n");
  await r.seen("changed spec/x.yaml", 0, "the target's edit");
  expect(new Set(r.events)).toEqual(new Set(["changed spec/x.yaml"]));
});

test("a file in a dot-directory of the tree, at any depth, is not reported", async () => {
  // Made before the watch starts, so the recursive watch has the directories from the start.
  const hidden = path.join(tree, "c", ".hidden");
  fs.mkdirSync(path.join(hidden, "deeper"), { recursive: true });
  fs.mkdirSync(path.join(tree, ".git"));
  const r = recorder();
  watch = watchSources(sources(), r.handlers);
  fs.writeFileSync(path.join(hidden, "thing"), "");
  fs.writeFileSync(path.join(hidden, "deeper", "kvm.h.hbs"), "");
  fs.writeFileSync(path.join(tree, ".git", "index"), "");
  fs.writeFileSync(path.join(tree, "c", "kvm.h.hbs"), "{{x}}\n");
  const wanted = "changed templates/c/kvm.h.hbs";
  await r.seen(wanted, 0, "the template's change");
  expect(new Set(r.events)).toEqual(new Set([wanted]));
});

test("the tree removed: gone once; re-created: a change, and watched again", async () => {
  const r = recorder();
  watch = watchSources(sources(), r.handlers);
  const backup = path.join(root, "templates.bak");
  fs.cpSync(tree, backup, { recursive: true });
  fs.rmSync(tree, { recursive: true });
  await r.seen(`gone ${tree}`, 0, "the tree gone");
  expect(watch.present()).toBe(false);
  expect(r.count(`gone ${tree}`)).toBe(1);

  fs.cpSync(backup, tree, { recursive: true });
  await r.seen("changed templates", 0, "the tree back");
  expect(watch.present()).toBe(true);
  const wanted = "changed templates/c/kvm.h.hbs";
  fs.writeFileSync(path.join(tree, "c", "kvm.h.hbs"), "{{x}}\n");
  await r.seen(wanted, 0, "an edit in the tree back");
  expect(r.events.filter((e) => !e.startsWith("changed templates"))).toEqual([`gone ${tree}`]);
});

test("a symlinked file: its target's directory removed and restored is a change, and watched again", async () => {
  const other = path.join(root, "other");
  fs.mkdirSync(other);
  fs.writeFileSync(path.join(other, "real.yaml"), "a: 1\n");
  fs.rmSync(spec);
  fs.symlinkSync(path.join("..", "other", "real.yaml"), spec);
  const r = recorder();
  watch = watchSources(sources(), r.handlers);
  const backup = path.join(root, "other.bak");
  fs.cpSync(other, backup, { recursive: true });
  fs.rmSync(other, { recursive: true });
  fs.cpSync(backup, other, { recursive: true });
  await r.seen("changed spec/x.yaml", 0, "the target's directory back");
  const back = r.count("changed spec/x.yaml");
  fs.writeFileSync(path.join(other, "real.yaml"), "a: 2\n");
  await r.seen("changed spec/x.yaml", back, "an edit of the target");
  expect(new Set(r.events)).toEqual(new Set(["changed spec/x.yaml"]));
});

test("a file linked to another in its directory: the directory restored, edits of the target are seen", async () => {
  fs.writeFileSync(path.join(specDir, "real.yaml"), "a: 1\n");
  fs.rmSync(spec);
  fs.symlinkSync("real.yaml", spec);
  const r = recorder();
  watch = watchSources(sources(), r.handlers);
  const backup = path.join(root, "spec.bak");
  fs.cpSync(specDir, backup, { recursive: true, verbatimSymlinks: true });
  fs.rmSync(specDir, { recursive: true });
  fs.cpSync(backup, specDir, { recursive: true, verbatimSymlinks: true });
  await r.seen("changed spec/x.yaml", 0, "the directory back");
  const back = r.count("changed spec/x.yaml");
  fs.writeFileSync(path.join(specDir, "real.yaml"), "a: 2\n");
  await r.seen("changed spec/x.yaml", back, "an edit of the target");
  expect(r.events.filter((e) => e !== "changed spec/x.yaml")).toEqual([]);
});

test("a dangling link: its target's directory appearing is a change, and watched", async () => {
  const later = path.join(root, "later");
  fs.rmSync(spec);
  fs.symlinkSync(path.join("..", "later", "a.yaml"), spec);
  const r = recorder();
  watch = watchSources(sources(), r.handlers);
  fs.mkdirSync(later);
  fs.writeFileSync(path.join(later, "a.yaml"), "a: 1\n");
  await r.seen("changed spec/x.yaml", 0, "the target's directory made");
  const made = r.count("changed spec/x.yaml");
  fs.writeFileSync(path.join(later, "a.yaml"), "a: 2\n");
  await r.seen("changed spec/x.yaml", made, "an edit of the target");
  expect(new Set(r.events)).toEqual(new Set(["changed spec/x.yaml"]));
});

test("the file's directory removed with its parent and restored: gone once, then a change, and watched again", async () => {
  const conf = path.join(root, "conf");
  const deep = path.join(conf, "spec");
  fs.mkdirSync(deep, { recursive: true });
  fs.writeFileSync(path.join(deep, "x.yaml"), "a: 1\n");
  const r = recorder();
  watch = watchSources({ ...sources(), file: path.join(deep, "x.yaml") }, r.handlers);
  fs.rmSync(conf, { recursive: true });
  await r.seen(`gone ${deep}`, 0, "the directory gone");
  // Back one level at a time, as a restore from a backup makes them.
  fs.mkdirSync(conf);
  fs.mkdirSync(deep);
  fs.writeFileSync(path.join(deep, "x.yaml"), "a: 1\n");
  await r.seen("changed spec/x.yaml", 0, "the directory back");
  expect(watch.present()).toBe(true);
  const back = r.count("changed spec/x.yaml");
  fs.writeFileSync(path.join(deep, "x.yaml"), "a: 2\n");
  await r.seen("changed spec/x.yaml", back, "an edit in it");
  expect(r.events.filter((e) => e !== "changed spec/x.yaml")).toEqual([`gone ${deep}`]);
});

test("a symlinked file whose target's directory is removed with its parent: a change when back, and watched", async () => {
  linkSpecTo("store/deep/a.yaml");
  const store = path.join(root, "store");
  const r = recorder();
  watch = watchSources(sources(), r.handlers);
  fs.rmSync(store, { recursive: true });
  await r.seen("changed spec/x.yaml", 0, "the target gone");
  const gone = r.count("changed spec/x.yaml");
  fs.mkdirSync(path.join(store, "deep"), { recursive: true });
  fs.writeFileSync(path.join(store, "deep", "a.yaml"), "a: 1\n");
  await r.seen("changed spec/x.yaml", gone, "the target back");
  const back = r.count("changed spec/x.yaml");
  fs.writeFileSync(path.join(store, "deep", "a.yaml"), "a: 2\n");
  await r.seen("changed spec/x.yaml", back, "an edit of the target");
  expect(new Set(r.events)).toEqual(new Set(["changed spec/x.yaml"]));
});

test("a grandparent of the file's directory moved away and the path made again: watched again", async () => {
  const deep = path.join(root, "a", "b", "c");
  fs.mkdirSync(deep, { recursive: true });
  fs.writeFileSync(path.join(deep, "x.yaml"), "a: 1\n");
  const r = recorder();
  watch = watchSources({ ...sources(), file: path.join(deep, "x.yaml") }, r.handlers);
  // The watches on a/b/c and a/b follow them into old/; only the one on the directory above a/ sees it.
  fs.renameSync(path.join(root, "a"), path.join(root, "old"));
  fs.mkdirSync(deep, { recursive: true });
  fs.writeFileSync(path.join(deep, "x.yaml"), "a: 2\n");
  await r.seen("changed spec/x.yaml", 0, "the path made again");
  const back = r.count("changed spec/x.yaml");
  fs.writeFileSync(path.join(deep, "x.yaml"), "a: 3\n");
  await r.seen("changed spec/x.yaml", back, "an edit in the new directory");
  // An edit in the moved-away one is not a change of the file.
  const before = r.count("changed spec/x.yaml");
  fs.writeFileSync(path.join(root, "old", "b", "c", "x.yaml"), "a: 4\n");
  fs.writeFileSync(path.join(deep, "x.yaml"), "a: 5\n");
  await r.seen("changed spec/x.yaml", before, "the edit after");
  expect(watch.present()).toBe(true);
});

test("a symlinked file whose target's directory is moved away: a change (the file is not there)", async () => {
  const store = path.dirname(linkSpecTo("store/a.yaml"));
  const r = recorder();
  watch = watchSources(sources(), r.handlers);
  fs.renameSync(store, path.join(root, "store.bak"));
  await r.seen("changed spec/x.yaml", 0, "the target's directory moved away");
  const away = r.count("changed spec/x.yaml");
  fs.renameSync(path.join(root, "store.bak"), store);
  await r.seen("changed spec/x.yaml", away, "the target's directory back");
  expect(new Set(r.events)).toEqual(new Set(["changed spec/x.yaml"]));
});

test("a chain of links: edits at its end are changes, and a link in the middle re-pointed is followed", async () => {
  const store = path.join(root, "store");
  fs.mkdirSync(store);
  fs.writeFileSync(path.join(store, "a.yaml"), "a: 1\n");
  fs.writeFileSync(path.join(store, "b.yaml"), "b: 1\n");
  const hop = path.join(root, "links", "hop.yaml");
  fs.mkdirSync(path.dirname(hop));
  fs.symlinkSync(path.join("..", "store", "a.yaml"), hop);
  fs.rmSync(spec);
  fs.symlinkSync(path.join("..", "links", "hop.yaml"), spec);
  const r = recorder();
  watch = watchSources(sources(), r.handlers);
  fs.writeFileSync(path.join(store, "a.yaml"), "a: 2\n");
  await r.seen("changed spec/x.yaml", 0, "an edit at the chain's end");

  const edited = r.count("changed spec/x.yaml");
  fs.rmSync(hop);
  fs.symlinkSync(path.join("..", "store", "b.yaml"), hop);
  await r.seen("changed spec/x.yaml", edited, "the middle link re-pointed");
  const repointed = r.count("changed spec/x.yaml");
  fs.writeFileSync(path.join(store, "b.yaml"), "b: 2\n");
  await r.seen("changed spec/x.yaml", repointed, "an edit at the new end");
  expect(new Set(r.events)).toEqual(new Set(["changed spec/x.yaml"]));
});

test("close() stops every event", async () => {
  const r = recorder();
  watch = watchSources(sources(), r.handlers);
  watch.close();
  // Watchers of the test's own, opened after close(), see the writes below.
  const seen = new Set<string>();
  const own = [specDir, path.join(tree, "c")].map((dir) =>
    fs
      .watch(dir, (_event, name) => void seen.add(path.join(dir, String(name))))
      .on("error", () => undefined),
  );
  try {
    fs.writeFileSync(spec, "a: 6\n");
    fs.writeFileSync(path.join(tree, "c", "kvm.h.hbs"), "{{y}}\n");
    fs.rmSync(specDir, { recursive: true });
    const last = path.join(tree, "c", "last.hbs");
    fs.writeFileSync(last, "");
    await until(
      () => seen.has(spec) && seen.has(last),
      "the test's own watchers",
      () => [...seen],
    );
    await new Promise((r) => setImmediate(r));
    expect(r.events).toEqual([]);
  } finally {
    for (const w of own) w.close();
  }
});

test("a loop of links: each path in it watched once, not once per time round the loop", () => {
  fs.rmSync(spec);
  fs.symlinkSync("a.yaml", spec);
  fs.symlinkSync("b.yaml", path.join(specDir, "a.yaml"));
  fs.symlinkSync("a.yaml", path.join(specDir, "b.yaml"));
  const realWatch = fs.watch;
  const watched: string[] = [];
  const spy = jest.spyOn(nodeFs(), "watch").mockImplementation(((
    ...args: Parameters<typeof fs.watch>
  ) => {
    watched.push(String(args[0]));
    return realWatch(...args);
  }) as typeof fs.watch);
  try {
    watch = watchSources(sources(), recorder().handlers);
    // The file's directory, then once for each of a.yaml and b.yaml (each another name in it).
    expect(watched.filter((dir) => dir === specDir)).toHaveLength(3);
  } finally {
    spy.mockRestore();
  }
});

test("a watch that fails while running: reported with its directory, for the file's directory and the tree only", () => {
  // The watchers the module opens; those a recursive watch opens inside fs.watch are its own.
  const opened: [string, fs.FSWatcher][] = [];
  const realWatch = fs.watch;
  let depth = 0;
  const spy = jest.spyOn(nodeFs(), "watch").mockImplementation(((
    ...args: Parameters<typeof fs.watch>
  ) => {
    depth++;
    try {
      const watcher = realWatch(...args);
      if (depth === 1) opened.push([String(args[0]), watcher]);
      return watcher;
    } finally {
      depth--;
    }
  }) as typeof fs.watch);
  try {
    const r = recorder();
    watch = watchSources(sources(), r.handlers);
    // The file's directory and the tree, each with every directory above it (root and up).
    const aboveRoot: string[] = [];
    for (let at = root; ; at = path.dirname(at)) {
      aboveRoot.push(at);
      if (path.dirname(at) === at) break;
    }
    expect(opened.map(([dir]) => dir).sort()).toEqual(
      [...aboveRoot, ...aboveRoot, specDir, tree].sort(),
    );
    const eio = () => Object.assign(new Error("input/output error"), { code: "EIO" });
    for (const [, watcher] of opened) watcher.emit("error", eio());
    expect(r.events.sort()).toEqual([`failed ${specDir} EIO`, `failed ${tree} EIO`].sort());
  } finally {
    spy.mockRestore();
  }
});

test("the file's directory back but not watchable (EMFILE): reported as a failed watch of it", async () => {
  const r = recorder();
  watch = watchSources(sources(), r.handlers);
  fs.rmSync(specDir, { recursive: true });
  await r.seen(`gone ${specDir}`, 0, "the directory gone");
  const realWatch = fs.watch;
  const spy = jest.spyOn(nodeFs(), "watch").mockImplementation(((
    ...args: Parameters<typeof fs.watch>
  ) => {
    if (String(args[0]) !== specDir) return realWatch(...args);
    throw Object.assign(new Error("too many open files"), { code: "EMFILE", path: specDir });
  }) as typeof fs.watch);
  try {
    fs.mkdirSync(specDir);
    await r.seen(`failed ${specDir} EMFILE`, 0, "the failure");
    // (The removal of the file inside is a change of it, seen before or after the directory's.)
    expect(r.events.filter((e) => !e.startsWith("changed "))).toEqual([
      `gone ${specDir}`,
      `failed ${specDir} EMFILE`,
    ]);
  } finally {
    spy.mockRestore();
  }
});

test.each([
  ["the file's directory missing", () => path.join(root, "nowhere", "x.yaml"), "ENOENT", "nowhere"],
  [
    "a file where its directory should be",
    () => path.join(spec, "x.yaml"),
    "ENOTDIR",
    "spec/x.yaml",
  ],
])("%s: thrown at the start, with its errno and path", (_name, file, code, where) => {
  const r = recorder();
  expect(() => watchSources({ ...sources(), file: file() }, r.handlers)).toThrow(
    expect.objectContaining({ code, path: path.join(root, where) }),
  );
  expect(r.events).toEqual([]);
});

test("a tree that does not exist: thrown at the start, with its errno and path", () => {
  const r = recorder();
  const missing = path.join(root, "no-templates");
  expect(() => watchSources({ ...sources(), tree: missing }, r.handlers)).toThrow(
    expect.objectContaining({ code: "ENOENT", path: missing }),
  );
});
