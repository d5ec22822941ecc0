/*
 * A private overlay of one directory of the user's tree: a mirror in which
 * every file is a symbolic link to the tree's file, except the headers a
 * size side replaces or adds, which are real files. The tree is only read.
 *
 * Why a mirror, and why the source files compile from it: a C file includes
 * its neighbours with quotes (`#include "kvm_cache_regs.h"` in
 * arch/x86/kvm/x86.c, or `"x86.h"`, which then includes the cache header
 * from x86.h's own directory). Quoted includes look in the including file's
 * directory first, before every -I and -iquote path, so no include option
 * can override such a header, and `-include`-ing a replacement first would
 * change what precedes the file's own first line (a `pr_fmt` defined before
 * the includes, say). Compiling `OVERLAY/x86.c` instead of `TREE/x86.c`
 * makes the including file's directory the mirror's, so the lookup finds the
 * replacement where the tree has its header. gcc and clang take a file's
 * directory from the name it was opened by, not the link's target, which
 * is why links suffice (and work across file systems, unlike hard links).
 * Include paths into the directory are rewritten to the mirror too
 * (rewrite.ts), and after each compile the dependency file is checked: a
 * unit that still reached a replaced header in the tree is an error, never a
 * wrong figure.
 */
import * as fs from "fs";
import * as path from "path";
import { makeDirs } from "../../util/make-dirs";

export interface OverlayFile {
  /** Path relative to the overlaid directory, '/'-separated. */
  readonly name: string;
  readonly contents: string;
}

/**
 * Builds the mirror of `treeDir` at `overlayDir` (which must not exist yet
 * or be empty): subdirectories as directories, everything else as links,
 * then `files` written as real files in place of (or beside) the links.
 * Throws on I/O errors; the caller reports them as environment failures.
 */
export function createOverlay(
  treeDir: string,
  overlayDir: string,
  files: readonly OverlayFile[],
): void {
  const mirror = (from: string, to: string) => {
    makeDirs(to);
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
      const source = path.join(from, entry.name);
      const target = path.join(to, entry.name);
      if (entry.isDirectory()) mirror(source, target);
      else fs.symlinkSync(source, target);
    }
  };
  mirror(treeDir, overlayDir);
  for (const file of files) {
    const target = path.join(overlayDir, ...file.name.split("/"));
    makeDirs(path.dirname(target));
    // Unlink first: writing through the link would write the user's file.
    fs.rmSync(target, { force: true });
    fs.writeFileSync(target, file.contents);
  }
}
