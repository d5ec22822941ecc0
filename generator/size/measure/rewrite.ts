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
import { fateOf, PATH_OPTIONS } from "../../toolchain/argv";
import type { CompileCommand } from "../../toolchain/compile-db";
import { inside } from "../../util/paths";

/** The overlaid directory of the tree and its private mirror. */
export interface DirectoryMap {
  /** Absolute directory in the user's tree. */
  readonly treeDir: string;
  /** Absolute directory of the mirror. */
  readonly overlayDir: string;
}

export type RewriteResult = { ok: true; argv: string[] } | { ok: false; problem: string };

/** The path as seen from the mirror when it lies in the overlaid directory, else unchanged. */
export function mapPath(map: DirectoryMap, directory: string, p: string): string {
  const rel = inside(map.treeDir, path.resolve(directory, p));
  return rel === undefined ? p : path.join(map.overlayDir, rel);
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
  unit: CompileCommand,
  map: DirectoryMap,
  outputs: { readonly object: string; readonly depfile: string },
): RewriteResult {
  const argv = unit.argv;
  const out: string[] = [argv[0]];
  let sawCompile = false;
  let sawSource = false;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    const fate = fateOf(argv, i);
    if (fate.kind === "mode") {
      if (arg !== "-c") return { ok: false, problem: `it runs ${arg}, not a compile` };
      sawCompile = true;
      out.push(arg);
      continue;
    }
    if (fate.kind === "drop") {
      i += fate.words - 1;
      continue;
    }
    if (fate.kind === "preprocessor") {
      if (fate.kept !== undefined) out.push(fate.kept);
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
