/*
 * What every command shares: completing the target options from the project
 * file (project.ts), resolving the spec and output paths, the paths and the
 * command the banner records, and printing diagnostics.
 *
 * The banner's anchor: every path a banner records ("from <spec>" and the
 * "Regenerate with:" command) is relative to one directory, the project
 * file's, or, without a project file, the top of the kernel tree the output
 * directory is in (so a kernel's banner reads `--out arch/x86/kvm`, runs from
 * the tree's top, and is the same with a project file there), else the
 * output directory's parent. The
 * command is shell-quoted and always names --spec and --out, so it runs
 * as it is from the anchor, and the same tree gets the same banners however
 * --spec and --out were spelled and from whichever directory regcache ran.
 */
import * as path from "node:path";
import { shellWord } from "../generate/produce";
import { formatDiagnostic, sortDiagnostics, type Diagnostic } from "../core/diagnostics/diagnostic";
import { colourFor, type Io } from "./io";
import { findProjectFile, PROJECT_FILE, readProjectFile, type Project } from "./project";
import { firstProblem, type Prepared, type UsageProblem } from "./usage";
import { resolveSpecArg } from "../generate/specs";
import type { CStyle } from "../core/model/types";
import { shownPath } from "../util/paths";
import { findKernelTop } from "../adopt/tree";

export interface SpecLocation {
  /** Absolute path to read. */
  readonly specPath: string;
  /** As diagnostics show it: relative to the working directory when inside it. */
  readonly displayPath: string;
  /** As the banner records it: relative to the anchor. */
  readonly bannerSpecPath: string;
  /** The bundled spec's name, when --spec named one rather than a file (specs.ts). */
  readonly bundled?: string;
  /** As reports name the spec: "bundled spec NAME" for a bundled one, else displayPath. */
  readonly shownSpec: string;
  /** Absolute output directory. */
  readonly outDir: string;
  /** The output directory as messages show it (as given, without trailing slashes). */
  readonly outArg: string;
  /** As the banner records it: relative to the anchor. */
  readonly bannerOutPath: string;
  /** The anchor directory (absolute). */
  readonly anchor: string;
}

const posix = (p: string) => p.split(path.sep).join("/");

export const displayPathOf = (io: Io, file: string): string => shownPath(io.cwd, file);

/** `to` relative to `from`, with forward slashes; "." for the same directory. */
const relativePosix = (from: string, to: string): string => posix(path.relative(from, to)) || ".";

/** Where the spec and the output are, and how messages and banners name them. */
export function locate(io: Io, spec: string, out: string, anchor?: string): SpecLocation {
  // A bare name with no such file in cwd may name a bundled spec (specs.ts);
  // the banner then records that name, which works from any directory.
  const { specPath, bundled } = resolveSpecArg(io.cwd, spec);
  const outDir = path.resolve(io.cwd, out);
  const at = anchor ?? findKernelTop(outDir) ?? path.dirname(outDir);
  const shownOut = posix(out).replace(/(.)\/+$/, "$1");
  const displayPath = displayPathOf(io, specPath);
  return {
    specPath,
    displayPath,
    bannerSpecPath: relativePosix(at, specPath),
    ...(bundled ? { bundled } : {}),
    shownSpec: bundled ? `bundled spec ${bundled}` : displayPath,
    outDir,
    outArg: shownOut,
    bannerOutPath: relativePosix(at, outDir),
    anchor: at,
  };
}

export { shellWord };

/** What to generate and where: the options generate, check and watch share. */
export interface TargetArgs {
  readonly spec: string;
  readonly out: string;
  readonly cStyle: CStyle;
  readonly allCached: boolean;
  /** The banner's anchor (absolute): the project file's directory, when there is one. */
  readonly anchor?: string;
  /** The options as typed on the command line, for the fix `check` prints (runnable from cwd). */
  readonly typed?: Partial<Pick<TargetArgs, "spec" | "out" | "cStyle" | "allCached">>;
}

/** As yargs hands them over: whatever the command line did not give is undefined. */
export type ParsedTargetArgs = Partial<Pick<TargetArgs, "spec" | "out" | "cStyle" | "allCached">>;

/** The project file above the working directory, or undefined; its problems as diagnostics. */
export function loadProject(
  io: Io,
): { ok: true; project?: Project } | { ok: false; diagnostics: readonly Diagnostic[] } {
  const file = findProjectFile(io.cwd);
  if (!file) return { ok: true };
  const read = readProjectFile(file, displayPathOf(io, file));
  return read.ok ? { ok: true, project: read.project } : read;
}

/**
 * The project file, as a command's prepare step needs it: an invalid one is
 * the usage problem, its diagnostics printed above the message.
 */
export function projectOrProblem(
  io: Io,
): { readonly ok: true; readonly project?: Project } | ({ readonly ok: false } & UsageProblem) {
  const loaded = loadProject(io);
  if (loaded.ok) return loaded;
  return {
    ok: false,
    message: `the project file ${loaded.diagnostics[0]!.file.displayPath} is invalid`,
    help: "fix the problems above (the project file is found by walking up from the working directory)",
    diagnostics: loaded.diagnostics,
  };
}

/**
 * The spec a command reads: --spec when given, else the project file's (its
 * bundled spec's name, or its path relative to the working directory), else
 * undefined.
 */
export function specOf(
  io: Io,
  given: string | undefined,
  project: Project | undefined,
): string | undefined {
  if (given !== undefined) return given;
  if (project === undefined) return undefined;
  return project.bundledSpec ?? (path.relative(io.cwd, project.spec) || ".");
}

/**
 * The usage problem of a command given no --spec and no project file at or
 * above `where` (the working directory as shown): `options` is how its
 * command line names the spec (and the output), `keys` the project file's
 * keys that would.
 */
export function noSpecProblem(
  where: string,
  options: string,
  keys: string,
): { readonly ok: false } & UsageProblem {
  return {
    ok: false,
    message: `no --spec given, and no ${PROJECT_FILE} in ${where} or any directory above it`,
    help: `run with ${options} (or a bundled spec's name, --spec NAME: see regcache specs), or write ${PROJECT_FILE} at your project's top (${keys}); see README.md "Project file"`,
  };
}

/**
 * Command line over project file over defaults, then the checks that need no
 * spec: there is a spec to read. Paths from the project file are made
 * relative to the working directory.
 */
export function completeTargetArgs<A extends ParsedTargetArgs>(
  args: A,
  io: Io,
  project: Project | undefined,
): Prepared<A & TargetArgs> {
  const fromProject = (p: string | undefined) =>
    p === undefined ? undefined : path.relative(io.cwd, p) || ".";
  const spec = specOf(io, args.spec, project);
  if (spec === undefined)
    return noSpecProblem(
      displayPathOf(io, io.cwd) || ".",
      "--spec FILE [--out DIR]",
      "'spec: path/to/spec.yaml', 'out: generated'",
    );
  const typed: NonNullable<TargetArgs["typed"]> = {
    ...(args.spec !== undefined ? { spec: args.spec } : {}),
    ...(args.out !== undefined ? { out: args.out } : {}),
    ...(args.cStyle !== undefined ? { cStyle: args.cStyle } : {}),
    ...(args.allCached !== undefined ? { allCached: args.allCached } : {}),
  };
  return firstProblem(
    {
      ...args,
      spec,
      out: args.out ?? fromProject(project?.out) ?? "generated",
      cStyle: args.cStyle ?? project?.cStyle ?? "macro",
      allCached: args.allCached ?? project?.allCached ?? false,
      ...(project ? { anchor: project.dir } : {}),
      typed,
    },
    [],
  );
}

export function printDiagnostics(io: Io, diagnostics: readonly Diagnostic[]): void {
  const color = colourFor(io, "stderr");
  const sorted = sortDiagnostics(diagnostics);
  for (const d of sorted) io.stderr(formatDiagnostic(d, color));
  // RC135 is not a problem of its own: it counts those not shown.
  const shown = sorted.filter((d) => d.omitted === undefined).length;
  const n = shown + sorted.reduce((sum, d) => sum + (d.omitted ?? 0), 0);
  const of = n === shown ? "" : ` (${shown} shown)`;
  io.stderr(`${n} error${n === 1 ? "" : "s"}${of}; nothing was written\n`);
}
