/*
 * Where a size run writes, checked before any work
 * (generator/size/inputs/output.ts): --out must name a file that can be
 * created or replaced; --keep must be new, empty, or a directory an earlier
 * --keep run recorded, and then only what that run recorded is removed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  checkOutPath,
  KEEP_MARKER,
  prepareKeepDir,
  recordKeepDir,
} from "../../../../generator/size/inputs/output";
import { tempDir } from "../../../helpers/temp";

const asRoot = process.getuid?.() === 0;

describe("checkOutPath", () => {
  /** A directory with dir/ and a file `file`. */
  function work(): string {
    const dir = tempDir("size-out");
    fs.mkdirSync(path.join(dir, "dir"));
    fs.writeFileSync(path.join(dir, "file"), "x");
    return dir;
  }

  test.each([
    ["a new file in an existing directory", "dir/report.md", undefined],
    ["a new file in new directories", "dir/a/b/report.md", undefined],
    ["an existing file", "file", undefined],
    ["a directory", "dir", "--out dir is a directory; name a file"],
    ["under a file", "file/report.md", "--out file/report.md: {work}/file is not a directory"],
    [
      "deep under a file",
      "file/a/b.md",
      "--out file/a/b.md: cannot create it in {work}/file/a (ENOTDIR)",
    ],
  ])("%s", (_name, out, want) => {
    const dir = work();
    expect(checkOutPath(dir, out)).toBe(want?.replace("{work}", dir));
  });

  test("an absolute path is taken as it is", () => {
    const dir = work();
    expect(checkOutPath("/", path.join(dir, "dir", "r.md"))).toBeUndefined();
  });

  (asRoot ? test.skip : test)("a file or directory without write permission", () => {
    const dir = work();
    fs.chmodSync(path.join(dir, "file"), 0o444);
    fs.chmodSync(path.join(dir, "dir"), 0o555);
    try {
      expect(checkOutPath(dir, "file")).toBe("--out file is not writable");
      expect(checkOutPath(dir, "dir/new.md")).toBe(
        `--out dir/new.md: cannot create it in ${path.join(dir, "dir")} (EACCES)`,
      );
    } finally {
      fs.chmodSync(path.join(dir, "dir"), 0o755);
    }
  });
});

describe("prepareKeepDir", () => {
  test("new or empty: fine; foreign files: refused; our own: cleared", () => {
    const work = tempDir("size-keep");
    const keep = path.join(work, "keep");
    expect(prepareKeepDir(work, "keep")).toBeUndefined();
    fs.mkdirSync(keep);
    expect(prepareKeepDir(work, "keep")).toBeUndefined();
    fs.mkdirSync(path.join(keep, "gcc-O2", "head"), { recursive: true });
    fs.writeFileSync(path.join(keep, "gcc-O2", "head", "old.o"), "old");
    expect(prepareKeepDir(work, "keep")).toBe(
      "--keep keep is not empty and was not written by regcache size; name a new or empty directory",
    );
    recordKeepDir(keep);
    expect(prepareKeepDir(work, "keep", { dryRun: true })).toBeUndefined();
    expect(fs.existsSync(path.join(keep, "gcc-O2"))).toBe(true);
    expect(prepareKeepDir(work, "keep")).toBeUndefined();
    expect(fs.readdirSync(keep)).toEqual([]);
    // A file someone added after the run is not ours: refused, nothing removed.
    fs.mkdirSync(path.join(keep, "gcc-O2"));
    recordKeepDir(keep);
    fs.writeFileSync(path.join(keep, "notes.txt"), "mine");
    expect(prepareKeepDir(work, "keep")).toBe(
      "--keep keep holds files an earlier run did not write (notes.txt); name a new or empty directory",
    );
    expect(fs.readdirSync(keep).sort()).toEqual([KEEP_MARKER, "gcc-O2", "notes.txt"].sort());
  });

  test("at most three unknown files are named", () => {
    const work = tempDir("size-keep-many");
    fs.writeFileSync(path.join(work, KEEP_MARKER), JSON.stringify({ entries: [] }));
    for (const name of ["a", "b", "c", "d"]) fs.writeFileSync(path.join(work, name), "");
    expect(prepareKeepDir(work, ".")).toBe(
      "--keep . holds files an earlier run did not write (a, b, c); name a new or empty directory",
    );
  });

  test.each([
    ["not JSON", "{"],
    ["no entries", "{}"],
    ["entries that are not names", '{"entries": [1]}'],
  ])("a damaged marker (%s): refused, nothing removed", (_name, marker) => {
    const work = tempDir("size-keep-damaged");
    fs.writeFileSync(path.join(work, KEEP_MARKER), marker);
    fs.mkdirSync(path.join(work, "gcc-O2"));
    expect(prepareKeepDir(work, ".")).toBe(
      `--keep .: ${KEEP_MARKER} is damaged; remove the directory by hand`,
    );
    expect(fs.readdirSync(work).sort()).toEqual([KEEP_MARKER, "gcc-O2"].sort());
  });

  test("an entry that is a path, '.' or '..' is never removed", () => {
    const work = tempDir("size-keep-paths");
    const keep = path.join(work, "keep");
    fs.mkdirSync(keep);
    fs.writeFileSync(path.join(work, "outside.txt"), "keep me");
    fs.writeFileSync(path.join(keep, "gcc-O2"), "");
    fs.writeFileSync(
      path.join(keep, KEEP_MARKER),
      JSON.stringify({ entries: ["gcc-O2", "../outside.txt", ".", ".."] }),
    );
    expect(prepareKeepDir(work, "keep")).toBeUndefined();
    expect(fs.readdirSync(keep)).toEqual([]);
    expect(fs.readFileSync(path.join(work, "outside.txt"), "utf8")).toBe("keep me");
  });

  test("a file, and a new directory under a file", () => {
    const work = tempDir("size-keep-file");
    fs.writeFileSync(path.join(work, "f"), "");
    expect(prepareKeepDir(work, "f")).toBe("--keep f is not a directory");
    expect(prepareKeepDir(work, "f/keep")).toMatch(/^--keep f\/keep: ENOTDIR$/);
    expect(prepareKeepDir(work, "new/keep")).toBeUndefined();
    expect(fs.existsSync(path.join(work, "new"))).toBe(false);
  });
});

test("recordKeepDir lists the top entries, sorted, the marker itself left out", () => {
  const work = tempDir("size-record");
  for (const name of ["head", "base", "commands.sh"]) fs.writeFileSync(path.join(work, name), "");
  fs.writeFileSync(path.join(work, KEEP_MARKER), "old");
  recordKeepDir(work);
  expect(fs.readFileSync(path.join(work, KEEP_MARKER), "utf8")).toBe(
    JSON.stringify({ entries: ["base", "commands.sh", "head"] }, null, 2) + "\n",
  );
});
