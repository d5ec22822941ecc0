/*
 * Generates the two sides' headers: head from --spec, base from --base (the
 * same spec --all-cached, another spec file, or the spec's text at a git
 * revision). Returns the files, or the diagnostics and exit code that stop
 * the run; printing is the command's job.
 */
import * as path from "path";
import { generate, GeneratedFile } from "../api";
import { Diagnostic, SourceFile } from "../diagnostics";
import { ExitCode } from "../io";
import { sizeDiagnostic } from "./messages";
import { BaseSource, describeBase, gitShow } from "./sources";
import { resolveSpecArg } from "../specs";

export type SidesResult =
  | {
      ok: true;
      head: readonly GeneratedFile[];
      base: readonly GeneratedFile[];
      /** How the report names the base. */
      baseLabel: string;
    }
  | { ok: false; diagnostics: readonly Diagnostic[]; exitCode: number };

const commandLine: SourceFile = { displayPath: "command line", text: "" };

export function generateSides(req: { cwd: string; spec: string; base: BaseSource }): SidesResult {
  // --spec and --base may name a bundled spec (specs.ts) as well as a file.
  const specPath = resolveSpecArg(req.cwd, req.spec).specPath;
  const invalid = (diagnostics: readonly Diagnostic[]) => ({
    ok: false as const,
    diagnostics,
    exitCode: ExitCode.invalidInput,
  });
  const head = generate({ specPath, displayPath: req.spec });
  if (!head.ok) return invalid(head.diagnostics);
  const base = req.base;
  let generated;
  if (base.kind === "all-cached") {
    generated = generate({ specPath, displayPath: req.spec, allCached: true });
  } else if (base.kind === "file") {
    generated = generate({
      specPath: resolveSpecArg(req.cwd, base.path).specPath,
      displayPath: base.path,
    });
  } else {
    const file = base.path ?? req.spec;
    const shown = gitShow(req.cwd, base.rev, file);
    if (!shown.ok) {
      return {
        ok: false,
        diagnostics: [
          sizeDiagnostic("RC616", commandLine, undefined, `${base.rev}:${file}`, shown.message),
        ],
        exitCode: shown.reason === "no-git" ? ExitCode.environment : ExitCode.invalidInput,
      };
    }
    generated = generate({
      specPath,
      specText: shown.text,
      displayPath: describeBase(base, req.spec),
    });
  }
  if (!generated.ok) return invalid(generated.diagnostics);
  return {
    ok: true,
    head: head.files,
    base: generated.files,
    baseLabel: describeBase(base, req.spec),
  };
}
