/*
 * The private overlay of one directory of the user's tree
 * (generator/size/measure/overlay.ts): a mirror of links to the tree's files
 * and real subdirectories, the side's files written as real files in place
 * of (or beside) the links; the tree only read.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { createOverlay } from "../../../../generator/size/measure/overlay";
import { tempDir } from "../../../helpers/temp";

function tree(): { tree: string; overlay: string } {
  const work = tempDir("overlay");
  const t = path.join(work, "tree");
  fs.mkdirSync(path.join(t, "svm"), { recursive: true });
  fs.writeFileSync(path.join(t, "x86.c"), "x86\n");
  fs.writeFileSync(path.join(t, "kvm_cache_regs.h"), "theirs\n");
  fs.writeFileSync(path.join(t, "svm", "svm.c"), "svm\n");
  return { tree: t, overlay: path.join(work, "overlay", "head") };
}

test("links for the tree's files, directories for its directories, real files for the side's", () => {
  const { tree: t, overlay } = tree();
  createOverlay(t, overlay, [
    { name: "kvm_cache_regs.h", contents: "ours\n" },
    { name: "kvm_regs.h", contents: "new\n" },
    { name: "gen/deep.h", contents: "deep\n" },
  ]);
  const kind = (p: string) => {
    const st = fs.lstatSync(path.join(overlay, p));
    return st.isSymbolicLink()
      ? `link ${fs.readlinkSync(path.join(overlay, p))}`
      : st.isDirectory()
        ? "dir"
        : "file";
  };
  expect(
    (fs.readdirSync(overlay, { recursive: true }) as string[]).sort().map((p) => [p, kind(p)]),
  ).toEqual([
    ["gen", "dir"],
    [path.join("gen", "deep.h"), "file"],
    ["kvm_cache_regs.h", "file"],
    ["kvm_regs.h", "file"],
    ["svm", "dir"],
    [path.join("svm", "svm.c"), `link ${path.join(t, "svm", "svm.c")}`],
    ["x86.c", `link ${path.join(t, "x86.c")}`],
  ]);
  expect(fs.readFileSync(path.join(overlay, "kvm_cache_regs.h"), "utf8")).toBe("ours\n");
  expect(fs.readFileSync(path.join(overlay, "x86.c"), "utf8")).toBe("x86\n");
});

test("the tree's own header is never written through the link", () => {
  const { tree: t, overlay } = tree();
  createOverlay(t, overlay, [{ name: "kvm_cache_regs.h", contents: "ours\n" }]);
  expect(fs.readFileSync(path.join(t, "kvm_cache_regs.h"), "utf8")).toBe("theirs\n");
  expect(fs.readdirSync(t).sort()).toEqual(["kvm_cache_regs.h", "svm", "x86.c"]);
});

test("an overlay directory that is not empty: an I/O error is thrown", () => {
  const { tree: t, overlay } = tree();
  fs.mkdirSync(overlay, { recursive: true });
  fs.writeFileSync(path.join(overlay, "x86.c"), "left over\n");
  expect(() => createOverlay(t, overlay, [])).toThrow(/EEXIST/);
});
