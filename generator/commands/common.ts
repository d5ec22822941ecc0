/*
 * What every command shares: resolving the spec and output paths the user gave,
 * and printing diagnostics.
 */
import * as path from "node:path";
import { formatDiagnostic, sortDiagnostics, type Diagnostic } from "../diagnostics";
import type { Io } from "../io";

export interface SpecLocation {
  /** Absolute path to read. */
  readonly specPath: string;
  /** As diagnostics show it: relative to the working directory when inside it. */
  readonly displayPath: string;
  /** As the banner records it: relative to the project (the output directory's parent). */
  readonly bannerSpecPath: string;
  readonly outDir: string;
  /** --out as given, for the banner's regenerate command. */
  readonly outArg: string;
}

const posix = (p: string) => p.split(path.sep).join("/");

export function displayPathOf(io: Io, file: string): string {
  const rel = path.relative(io.cwd, file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? posix(rel) : posix(file);
}

export function locate(io: Io, spec: string, out: string): SpecLocation {
  const specPath = path.resolve(io.cwd, spec);
  const outDir = path.resolve(io.cwd, out);
  const project = path.dirname(outDir);
  const fromProject = path.relative(project, specPath);
  return {
    specPath,
    displayPath: displayPathOf(io, specPath),
    bannerSpecPath:
      fromProject.startsWith("..") || path.isAbsolute(fromProject)
        ? posix(spec)
        : posix(fromProject),
    outDir,
    outArg: posix(out),
  };
}

export function printDiagnostics(io: Io, diagnostics: readonly Diagnostic[]): void {
  const color = io.isTTY && !io.env["NO_COLOR"];
  const sorted = sortDiagnostics(diagnostics);
  for (const d of sorted) io.stderr(formatDiagnostic(d, color));
  const n = sorted.length;
  io.stderr(`${n} error${n === 1 ? "" : "s"}; nothing was written\n`);
}
