/*
 * Turns a recorded compile command into the one a size run executes, so that
 * nothing lands in the user's tree and the overridden header is the one
 * compiled. Pure: argv in, argv (or the reason it cannot be used) out.
 *
 *   - `-o FILE` and every dependency output (-MD, -MMD, -MF, -MT, -MQ, -MP,
 *     -MG, and the same inside -Wp,…, as the kernel writes
 *     `-Wp,-MMD,arch/x86/kvm/.x86.o.d`) are dropped; the run adds its own
 *     `-o` and `-MD -MF` under a private directory. -save-temps (which writes
 *     beside the object or into the working directory) is dropped too.
 *   - The source file and every include path (-I, -iquote, -isystem,
 *     -idirafter, -include, -imacros) inside the overlaid directory are
 *     pointed at the overlay's mirror of it (see overlay.ts for why the
 *     source itself must move, not just the include path).
 *   - `-ffile-prefix-map=OVERLAY/=X` maps the mirror's paths back to what the
 *     tree's own paths became under the recorded prefix maps, so __FILE__
 *     (WARN_ON's file strings) reads as in the user's build.
 */
import * as path from "path";
import { TranslationUnit } from "./compile-db";

/** The overlaid directory of the tree and its private mirror. */
export interface DirectoryMap {
  /** Absolute directory in the user's tree. */
  readonly treeDir: string;
  /** Absolute directory of the mirror. */
  readonly overlayDir: string;
}

export type RewriteResult = { ok: true; argv: string[] } | { ok: false; problem: string };

/** Options taking the next word (or a joined value) that are dropped with it. */
const DROPPED_WITH_VALUE = ["-o", "-MF", "-MT", "-MQ"];
const DROPPED_ALONE = new Set(["-MD", "-MMD", "-MP", "-MG", "-save-temps"]);
/** Options that turn the compile into something other than one object. */
const NOT_A_COMPILE = new Set(["-E", "-S", "-M", "-MM", "-fsyntax-only"]);
const PATH_OPTIONS = ["-I", "-iquote", "-isystem", "-idirafter", "-include", "-imacros"];

/** `p` inside `dir` (or equal): the relative part, else undefined. */
export function inside(dir: string, p: string): string | undefined {
  const rel = path.relative(dir, p);
  if (rel === "") return "";
  return rel.startsWith("..") || path.isAbsolute(rel) ? undefined : rel;
}

/** The path as seen from the mirror when it lies in the overlaid directory, else unchanged. */
export function mapPath(map: DirectoryMap, directory: string, p: string): string {
  const rel = inside(map.treeDir, path.resolve(directory, p));
  return rel === undefined ? p : path.join(map.overlayDir, rel);
}

/**
 * Whether a unit can reach a header of `dir` the ordinary ways: its source
 * lies in `dir` (quoted includes of neighbours) or an include path points
 * into it. The default unit selection keeps only these, so a kernel
 * database's host tools (scripts/kconfig, …) are not compiled for nothing.
 */
export function reachesDirectory(unit: TranslationUnit, dir: string): boolean {
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

/** Drops dependency options from a -Wp, list; undefined when nothing is left. */
function filterWp(list: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (item === "-MD" || item === "-MMD" || DROPPED_WITH_VALUE.includes(item)) i++;
    else if (DROPPED_ALONE.has(item)) continue;
    else kept.push(item);
  }
  return kept;
}

/** What the recorded prefix maps make of `dir/` (the last matching map wins, as in gcc). */
function mappedPrefix(argv: readonly string[], directory: string, dir: string): string {
  const withSlash = dir.endsWith("/") ? dir : `${dir}/`;
  let result = withSlash;
  for (const arg of argv) {
    const m = /^-f(?:macro|file)-prefix-map=([^=]*)=(.*)$/.exec(arg);
    if (!m || m[1] === "") continue;
    // A relative OLD (kbuild's `../` when O= sits inside the source) is relative to the compile's cwd.
    const old = path.resolve(directory, m[1]) + (m[1].endsWith("/") ? "/" : "");
    if (withSlash.startsWith(old)) result = m[2] + withSlash.slice(old.length);
  }
  return result;
}

/**
 * The argv a size run executes for `unit`: outputs redirected to `object`
 * and `depfile`, paths into the overlaid directory moved to the mirror.
 * Refuses commands that do not compile one source to one object.
 */
export function rewriteCommand(
  unit: TranslationUnit,
  map: DirectoryMap,
  outputs: { readonly object: string; readonly depfile: string },
): RewriteResult {
  const argv = unit.argv;
  const out: string[] = [argv[0]];
  let sawCompile = false;
  let sawSource = false;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (NOT_A_COMPILE.has(arg)) return { ok: false, problem: `it runs ${arg}, not a compile` };
    if (arg === "-c") {
      sawCompile = true;
      out.push(arg);
      continue;
    }
    if (DROPPED_ALONE.has(arg) || arg.startsWith("-save-temps=")) continue;
    const valued = DROPPED_WITH_VALUE.find((o) => arg.startsWith(o));
    if (valued !== undefined) {
      if (arg === valued) i++;
      continue;
    }
    if (arg.startsWith("-Wp,")) {
      const kept = filterWp(arg.slice(4).split(","));
      if (kept.length > 0) out.push(`-Wp,${kept.join(",")}`);
      continue;
    }
    const pathOption = PATH_OPTIONS.find((o) => arg === o || arg.startsWith(o));
    if (pathOption !== undefined) {
      if (arg === pathOption) {
        if (i + 1 >= argv.length) return { ok: false, problem: `${arg} has no value` };
        out.push(arg, mapPath(map, unit.directory, argv[++i]));
      } else {
        out.push(pathOption + mapPath(map, unit.directory, arg.slice(pathOption.length)));
      }
      continue;
    }
    if (!arg.startsWith("-") && path.resolve(unit.directory, arg) === unit.file) {
      sawSource = true;
      out.push(mapPath(map, unit.directory, arg));
      continue;
    }
    out.push(arg);
  }
  if (!sawCompile) return { ok: false, problem: "it has no -c (a link step?)" };
  if (!sawSource) return { ok: false, problem: `its arguments do not name ${unit.file}` };
  out.push(
    `-ffile-prefix-map=${map.overlayDir}/=${mappedPrefix(argv, unit.directory, map.treeDir)}`,
    "-MD",
    "-MF",
    outputs.depfile,
    "-o",
    outputs.object,
  );
  return { ok: true, argv: out };
}

/**
 * The dependency list of a make-style file as -MD writes it: every path
 * after the first `target:`, with `\`-newline continuations joined and `\ `
 * read as a space.
 */
export function parseDepfile(text: string): string[] {
  const joined = text.replace(/\\\r?\n/g, " ");
  const firstRule = joined.split(/\r?\n/)[0] ?? "";
  const colon = firstRule.search(/:(\s|$)/);
  if (colon < 0) return [];
  const words: string[] = [];
  let current = "";
  const body = firstRule.slice(colon + 1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "\\" && body[i + 1] === " ") {
      current += " ";
      i++;
    } else if (c === "$" && body[i + 1] === "$") {
      current += "$";
      i++;
    } else if (c === " " || c === "\t") {
      if (current) words.push(current);
      current = "";
    } else current += c;
  }
  if (current) words.push(current);
  return words;
}
