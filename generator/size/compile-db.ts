/*
 * The compile database as a size run uses it: the translation units the
 * shared reader (../compile-db.ts) found, each problem as one line naming its
 * entry, and the pick of units to compile.
 */
import * as path from "path";
import picomatch from "picomatch";
import { readCompileDb, type CompileCommand } from "../toolchain/compile-db";

export { splitCommand } from "../toolchain/compile-db";

/** One translation unit as the database records it. */
export type TranslationUnit = CompileCommand;

export type CompileDbResult =
  { ok: true; units: TranslationUnit[] } | { ok: false; problems: string[] };

/** Reads the database text; problems name the entry ("entry 3: …"), all of them. */
export function parseCompileDb(text: string): CompileDbResult {
  const db = readCompileDb(text);
  if (!db.ok)
    return {
      ok: false,
      problems: db.problems.map((p) =>
        p.entry === undefined ? p.why : `entry ${p.entry}: ${p.why}`,
      ),
    };
  if (db.commands.length === 0) return { ok: false, problems: ["holds no compile commands"] };
  return { ok: true, units: [...db.commands] };
}

/**
 * The units to measure: those matching any glob (tried on the path relative
 * to the source tree's root and on the absolute path), or all when no glob is
 * given. A database may list a file twice (two configs of one source); the
 * first entry wins, as clang tools do.
 */
export function selectUnits(
  units: readonly TranslationUnit[],
  globs: readonly string[],
  treeRoot: string,
): TranslationUnit[] {
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
