/*
 * Where the tool's own files live. The code runs both compiled (dist/generator)
 * and from source (tests through ts-jest), so the package root is found by
 * walking up to regcache's package.json rather than by a fixed "../..". Also
 * whether one path lies inside another, and a path as messages show it.
 * Reads only the package's own files.
 */
import * as fs from "node:fs";
import * as path from "node:path";

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest)) {
      const pkg = JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string };
      if (pkg.name === "regcache") return (root = dir);
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`regcache: package.json not found above ${__dirname}`);
    dir = parent;
  }
}

export function generatorVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(packageRoot(), "package.json"), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

export const templatesDir = (): string => path.join(packageRoot(), "templates");
export const schemaPath = (): string => path.join(packageRoot(), "spec", "regcache.schema.json");
export const defaultSpecPath = "spec/x86-kvm.yaml";
export const defaultOutDir = "generated";

/**
 * `p` inside `dir` (or equal): the relative part, else undefined. Outside
 * means the relative path climbs out through a `..` part; a name that only
 * starts with two dots ("..c") is a child like any other.
 */
export function inside(dir: string, p: string): string | undefined {
  const rel = path.relative(dir, p);
  const climbs = rel === ".." || rel.startsWith(`..${path.sep}`);
  return climbs || path.isAbsolute(rel) ? undefined : rel;
}

/**
 * A path as messages show it, with forward slashes: relative to `cwd` when it
 * lies below it, else as it is (the working directory itself included).
 */
export const shownPath = (cwd: string, file: string): string =>
  (inside(cwd, file) || file).split(path.sep).join("/");
