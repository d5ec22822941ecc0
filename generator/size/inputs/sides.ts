/*
 * Generates the two sides' headers: head from --spec, base from --base (the
 * same spec --all-cached, another spec file, or the spec's text at a git
 * revision). Returns the files, or the diagnostics and the kind of failure
 * that stop the run. Reads the specs (and runs `git show`); writes nothing.
 */
import * as path from "path";
import { generate } from "../../generate/produce";
import type { Model } from "../../core/model/types";
import type { GeneratedFile } from "../../targets/types";
import { Diagnostic, SourceFile } from "../../core/diagnostics/diagnostic";
import type { SizeFailureKind } from "../outcome";
import { sizeDiagnostic } from "../messages";
import { BaseSource, describeBase, gitShow } from "./sources";
import { resolveSpecArg } from "../../generate/specs";
import type { SpecAdopts } from "../../core/spec/kernel-sections";
import { ePairNames } from "../../core/spec/kernel-shape";

export type SidesResult =
  | {
      ok: true;
      head: readonly GeneratedFile[];
      base: readonly GeneratedFile[];
      /** How the report names the base. */
      baseLabel: string;
      /** The head spec's kernel output: its header's name and the region it replaces. */
      kernel: { readonly header: string; readonly adopts: SpecAdopts };
      /** Register names each side's spec declares (to check the suite's accessor calls). */
      headRegisters: ReadonlySet<string>;
      baseRegisters: ReadonlySet<string>;
      /** Whether each side's spec has Linux 7.2's GPR family, whose accessors the handler suite does not call. */
      modeAware: { readonly head: boolean; readonly base: boolean };
    }
  | { ok: false; diagnostics: readonly Diagnostic[]; kind: SizeFailureKind };

const commandLine: SourceFile = { displayPath: "command line", text: "" };

export function generateSides(req: { cwd: string; spec: string; base: BaseSource }): SidesResult {
  // --spec and --base may name a bundled spec (specs.ts) as well as a file.
  const specPath = resolveSpecArg(req.cwd, req.spec).specPath;
  const invalid = (diagnostics: readonly Diagnostic[]) => ({
    ok: false as const,
    diagnostics,
    kind: "invalid-input" as const,
  });
  const head = generate({ specPath, displayPath: req.spec });
  if (!head.ok) return invalid(head.diagnostics);
  const base = req.base;
  let generated;
  let baseRequest: { specPath: string; displayPath: string; specText?: string };
  if (base.kind === "all-cached") {
    baseRequest = { specPath, displayPath: req.spec };
    generated = generate({ ...baseRequest, allCached: true });
  } else if (base.kind === "file") {
    baseRequest = {
      specPath: resolveSpecArg(req.cwd, base.path).specPath,
      displayPath: base.path,
    };
    generated = generate(baseRequest);
  } else {
    const file = base.path ?? req.spec;
    const shown = gitShow(req.cwd, base.rev, file);
    if (!shown.ok) {
      return {
        ok: false,
        diagnostics: [
          sizeDiagnostic("RC616", commandLine, undefined, `${base.rev}:${file}`, shown.message),
        ],
        kind: shown.reason === "no-git" ? "environment" : "invalid-input",
      };
    }
    baseRequest = { specPath, specText: shown.text, displayPath: describeBase(base, req.spec) };
    generated = generate(baseRequest);
  }
  if (!generated.ok) return invalid(generated.diagnostics);
  // The model each side was generated from: its registers, and a 32-bit pair's
  // accessors (kvm_eax_read) under the register's e-name.
  const registersOf = (model: Model) =>
    new Set([
      ...model.registers.map((reg) => reg.name),
      ...model.c.ePair.map((gpr) => `e${ePairNames(gpr).short}`),
    ]);
  return {
    ok: true,
    head: head.files,
    base: generated.files,
    baseLabel: describeBase(base, req.spec),
    kernel: { header: head.model.output.kernelHeader, adopts: head.model.output.adopts },
    headRegisters: registersOf(head.model),
    baseRegisters: registersOf(generated.model),
    modeAware: {
      head: head.model.api.modeAware !== undefined,
      base: generated.model.api.modeAware !== undefined,
    },
  };
}
