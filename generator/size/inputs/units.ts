/*
 * Which units of a compile database a size run measures: those matching
 * --units globs, or without globs those that can reach the generated
 * header's directory. Pure: the database's commands (toolchain/compile-db.ts)
 * in, the picked commands out.
 */
import * as path from "path";
import picomatch from "picomatch";
import { PATH_OPTIONS } from "../../toolchain/argv";
import type { CompileCommand } from "../../toolchain/compile-db";
import { inside } from "../../util/paths";

/**
 * The units to measure: those matching any glob (tried on the path relative
 * to the source tree's root and on the absolute path), or all when no glob is
 * given. A database may list a file twice (two configs of one source); the
 * first entry wins, as clang tools do.
 */
export function selectUnits(
  units: readonly CompileCommand[],
  globs: readonly string[],
  treeRoot: string,
): CompileCommand[] {
  const matchers = globs.map((g) => picomatch(g, { dot: true }));
  const seen = new Set<string>();
  return units.filter((unit) => {
    if (seen.has(unit.file)) return false;
    const relative = path.relative(treeRoot, unit.file).split(path.sep).join("/");
    const keep = matchers.length === 0 || matchers.some((m) => m(relative) || m(unit.file));
    if (keep) seen.add(unit.file);
    return keep;
  });
}

/**
 * Whether a unit can reach a header of `dir` the ordinary ways: its source
 * lies in `dir` (quoted includes of neighbours) or an include path points
 * into it. The default unit selection keeps only these, so a kernel
 * database's host tools (scripts/kconfig, …) are not compiled for nothing.
 */
export function reachesDirectory(unit: CompileCommand, dir: string): boolean {
  if (inside(dir, unit.file) !== undefined) return true;
  const argv = unit.argv;
  for (let i = 1; i < argv.length; i++) {
    const option = PATH_OPTIONS.find((o) => argv[i] === o || argv[i].startsWith(o));
    if (option === undefined) continue;
    const value = argv[i] === option ? argv[i + 1] : argv[i].slice(option.length);
    if (value !== undefined && inside(dir, path.resolve(unit.directory, value)) !== undefined)
      return true;
  }
  return false;
}
