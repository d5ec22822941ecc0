/*
 * The kernel tree adoption works in: its top directory (the one holding
 * arch/x86/kvm/ and a Makefile), the C sources below arch/x86/kvm/ that may
 * define a backend's set macro, and reading a file of it as bytes. Edge:
 * reads the file system, never writes.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** Where KVM x86 lives in a kernel tree, relative to its top. */
export const KVM_DIR = "arch/x86/kvm";

/** Whether dir is a kernel tree's top: it holds arch/x86/kvm/ and a Makefile. */
export function isKernelTop(dir: string): boolean {
  try {
    return (
      fs.statSync(path.join(dir, KVM_DIR)).isDirectory() &&
      fs.statSync(path.join(dir, "Makefile")).isFile()
    );
  } catch {
    return false;
  }
}

/** The nearest kernel tree top at or above `start` (absolute), or undefined. */
export function findKernelTop(start: string): string | undefined {
  for (let at = path.resolve(start); ; at = path.dirname(at)) {
    if (isKernelTop(at)) return at;
    if (path.dirname(at) === at) return undefined;
  }
}

/**
 * Every .h and .c file below arch/x86/kvm/, as paths relative to the tree's
 * top with forward slashes, sorted. Dot-entries (the adoption's own store, a
 * build's .o.cmd files) are skipped. Throws the file system's error.
 */
export function kvmSources(root: string): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      if (e.name.startsWith(".")) continue;
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (e.isFile() && /\.[ch]$/.test(e.name)) found.push(child);
    }
  };
  walk(KVM_DIR);
  return found.sort();
}

/** A file of the tree as bytes, or undefined when it does not exist. Throws other errors. */
export function readTreeFile(root: string, rel: string): Buffer | undefined {
  try {
    return fs.readFileSync(path.join(root, ...rel.split("/")));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** The permission bits of a tree file (e.g. 0o644), or undefined when it does not exist. */
export function modeOf(root: string, rel: string): number | undefined {
  try {
    return fs.statSync(path.join(root, ...rel.split("/"))).mode & 0o7777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}
