/*
 * file-states.ts, which the kernel proof uses to check that the cached tree
 * is untouched: files written just before the snapshot are not reported (a
 * wall-clock threshold reported the preparation's last writes), files
 * written, touched, added or removed after it are, and a hard link to a file
 * (how variants copy the tree) is not a change. No test depends on the clock:
 * every later modification time is set explicitly.
 */
import * as fs from "fs";
import * as path from "path";
import { tempDir } from "../helpers/temp";
import { changedFiles, fileStates } from "./file-states";

/** A small tree, every file written just now. */
function tree(): string {
  const dir = tempDir("file-states");
  fs.mkdirSync(path.join(dir, "linux/build"), { recursive: true });
  fs.writeFileSync(path.join(dir, "linux/Makefile"), "all:\n");
  fs.writeFileSync(path.join(dir, "linux/build/kvm.o"), "object");
  fs.symlinkSync("..", path.join(dir, "linux/build/source"));
  fs.writeFileSync(path.join(dir, "tree.json"), "{}\n");
  return dir;
}

describe("fileStates / changedFiles", () => {
  it("reports nothing for files written right before the snapshot and left alone", () => {
    const dir = tree();
    const before = fileStates(dir);
    expect([...before.keys()].map((p) => path.relative(dir, p)).sort()).toEqual([
      "linux/Makefile",
      "linux/build/kvm.o",
      "linux/build/source",
      "tree.json",
    ]);
    expect(changedFiles(before, fileStates(dir))).toEqual([]);
  });

  it("does not count a hard link to a file (cp -al) as a change", () => {
    const dir = tree();
    const before = fileStates(dir);
    const outside = tempDir("file-states-link");
    fs.linkSync(path.join(dir, "linux/Makefile"), path.join(outside, "Makefile"));
    expect(changedFiles(before, fileStates(dir))).toEqual([]);
  });

  it("reports a file rewritten, touched, added or removed, and a link retargeted, by path", () => {
    const dir = tree();
    const before = fileStates(dir);
    const at = (rel: string) => path.join(dir, rel);
    fs.writeFileSync(at("linux/build/kvm.o"), "another object");
    const later = fs.statSync(at("tree.json")).mtimeMs / 1000 + 60;
    fs.utimesSync(at("tree.json"), later, later); // same bytes, a later mtime
    fs.writeFileSync(at("linux/build/new.o"), "");
    fs.rmSync(at("linux/Makefile"));
    fs.rmSync(at("linux/build/source"));
    fs.symlinkSync("../..", at("linux/build/source"));
    expect(changedFiles(before, fileStates(dir))).toEqual([
      `removed ${at("linux/Makefile")}`,
      `changed ${at("linux/build/kvm.o")}`,
      `added ${at("linux/build/new.o")}`,
      `changed ${at("linux/build/source")}`,
      `changed ${at("tree.json")}`,
    ]);
  });
});
