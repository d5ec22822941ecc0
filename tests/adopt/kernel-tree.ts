/*
 * Small kernel trees for the adoption tests: copies of the import fixtures'
 * sources (tests/import/fixtures/tree: Linux 6.12's shape, kvm_cache_regs.h
 * and the VMX/SVM sets; tree-7.2: regs.h and TDX_REGS_AVAIL_SET in
 * vmx/tdx.c) in a temporary directory, and a tree's contents (bytes and
 * mode of every file) to compare before and after.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot, tempDir } from "../helpers/capture";

export const SHAPES = {
  "6.12": path.join(repoRoot, "tests/import/fixtures/tree/src"),
  "7.2": path.join(repoRoot, "tests/import/fixtures/tree-7.2/src"),
} as const;

/** A fresh copy of a fixture tree's sources in the test file's TMPDIR; its top. */
export function kernelTree(shape: keyof typeof SHAPES): string {
  const root = path.join(tempDir(`adopt-${shape}`), "linux");
  fs.cpSync(SHAPES[shape], root, { recursive: true });
  return root;
}

/** Every file below dir (relative path → mode and bytes as base64), dot-directories included. */
export function contents(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      const full = path.join(dir, child);
      if (e.isDirectory()) walk(child);
      else
        out.set(
          child,
          `${(fs.statSync(full).mode & 0o7777).toString(8)} ${fs.readFileSync(full).toString("base64")}`,
        );
    }
  };
  walk("");
  return out;
}

/** Replaces `from` by `to` in a file of the tree (the text must contain it). */
export function edit(root: string, rel: string, from: string, to: string): void {
  const file = path.join(root, rel);
  const text = fs.readFileSync(file, "utf8");
  if (!text.includes(from)) throw new Error(`${rel} does not contain ${from}`);
  fs.writeFileSync(file, text.replace(from, to));
}

export const read = (root: string, rel: string): string =>
  fs.readFileSync(path.join(root, rel), "utf8");
