/*
 * Variant builds of a cached kernel tree: the pristine source hard-linked
 * (`cp -al`, cheap), the prepared O= dir copied for real (make rewrites its
 * files in place, which must never reach the cache through a link), then the
 * edited files written after unlinking their hard link. Because the O= dir
 * sits inside the source dir (kbuild's relative `srctree := ..`, see
 * trees.ts), the copy's dependency lists point into the copy: make rebuilds
 * exactly what includes an edited file and does not redo `prepare`.
 */
import * as fs from "fs";
import * as path from "path";
import { KernelTree, kernelMake, run } from "./trees";

export interface Variant {
  readonly name: string;
  readonly srcDir: string;
  readonly buildDir: string;
  readonly logFile: string;
}

/**
 * Copies `tree` into `dir/linux` and writes `files` (paths relative to the
 * source root → new text). Nothing is written through a hard link.
 */
export function makeVariant(
  tree: KernelTree,
  dir: string,
  name: string,
  files: Readonly<Record<string, string>>,
): Variant {
  const srcDir = path.join(dir, "linux");
  fs.mkdirSync(srcDir, { recursive: true });
  const entries = fs
    .readdirSync(tree.srcDir)
    .filter((e) => e !== "build")
    .map((e) => path.join(tree.srcDir, e));
  run(["cp", "-al", ...entries, srcDir]);
  run(["cp", "-a", tree.buildDir, path.join(srcDir, "build")]);
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(srcDir, rel);
    if (fs.existsSync(file)) fs.unlinkSync(file);
    fs.writeFileSync(file, text);
  }
  return {
    name,
    srcDir,
    buildDir: path.join(srcDir, "build"),
    logFile: path.join(dir, "build.log"),
  };
}

/** Builds the variant's KVM objects (under the kernel build lock). */
export function buildKvm(variant: Variant): void {
  kernelMake(variant.srcDir, ["arch/x86/kvm/"], variant.logFile);
}

/** Objects (relative to a build dir) whose kbuild dependency list names `header`. */
export function objectsDependingOn(
  buildDir: string,
  objects: readonly string[],
  header: string,
): string[] {
  return objects.filter((obj) => {
    const cmd = path.join(buildDir, path.dirname(obj), `.${path.basename(obj)}.cmd`);
    return fs.existsSync(cmd) && fs.readFileSync(cmd, "utf8").includes(header);
  });
}
