/*
 * `regcache size --objects OLD NEW`: one report over two object files or two
 * object trees someone else built (generator/size/objects.ts says how they are
 * paired and how `ld -r` composites are counted once). Nothing is compiled and
 * nothing is written but --out. Every input is checked before anything is
 * read in bulk: options that only make sense when regcache compiles, the
 * budget file, --out, then the two paths. Exit codes as `regcache size`.
 */
import * as fs from "fs";
import * as path from "path";
import { Diagnostic, formatDiagnostic } from "../../core/diagnostics/diagnostic";
import { ExitCode, Io } from "../io";
import { Budget, checkBudget, parseBudget } from "../../size/budget";
import { renderReport, ReportFormat } from "../../size/formats";
import { sizeDiagnostic } from "../../size/messages";
import { measureTree, pairObjects, readSide } from "../../size/objects";
import { checkOutPath } from "../../size/output";
import {
  ASCII_MINUS,
  configReport,
  crossConfigRows,
  formatLimit,
  formatMeasured,
  REPORT_VERSION,
  SizeReport,
} from "../../size/report";

export interface ObjectsArgs {
  readonly objects: readonly string[];
  readonly format: ReportFormat;
  readonly out?: string;
  readonly budget?: string;
  /** Options given that only apply when regcache compiles (refused here). */
  readonly conflicting: readonly string[];
}

/** The report's one "config": the objects as they were built, by whatever built them. */
export const OBJECTS_CONFIG = "objects";

function printAll(io: Io, diagnostics: readonly Diagnostic[]): void {
  const color = io.isTTY && !io.env.NO_COLOR;
  for (const d of diagnostics) io.stderr(formatDiagnostic(d, color));
}

export async function runObjects(args: ObjectsArgs, io: Io): Promise<number> {
  const problems: string[] = [];
  if (args.objects.length !== 2)
    problems.push(`--objects takes two paths, OLD and NEW; got ${args.objects.length}`);
  for (const option of args.conflicting)
    problems.push(`--${option} does not apply to --objects (the objects are measured as built)`);
  if (args.out) {
    const outProblem = checkOutPath(io.cwd, args.out);
    if (outProblem) problems.push(outProblem);
  }
  let budget: Budget | undefined;
  const diagnostics: Diagnostic[] = [];
  if (args.budget) {
    let text: string | undefined;
    try {
      text = fs.readFileSync(path.resolve(io.cwd, args.budget), "utf8");
    } catch (err) {
      diagnostics.push(
        sizeDiagnostic(
          "RC600",
          { displayPath: args.budget, text: "" },
          undefined,
          args.budget,
          (err as NodeJS.ErrnoException).code ?? String(err),
        ),
      );
    }
    if (text !== undefined) {
      const parsed = parseBudget({ displayPath: args.budget, text });
      if (parsed.ok) budget = parsed.budget;
      else diagnostics.push(...parsed.diagnostics);
    }
  }
  const [oldArg, newArg] = args.objects;
  const input =
    args.objects.length === 2
      ? pairObjects(path.resolve(io.cwd, oldArg), path.resolve(io.cwd, newArg))
      : undefined;
  if (input && !input.ok) problems.push(input.problem);
  if (problems.length > 0 || diagnostics.length > 0 || !input?.ok) {
    for (const p of problems) io.stderr(`regcache size: error: ${p}\n`);
    printAll(io, diagnostics);
    return ExitCode.invalidInput;
  }

  const sides = (["old", "new"] as const).map((side) =>
    readSide(path.resolve(io.cwd, side === "old" ? oldArg : newArg), input.kind, input.pairs, side),
  );
  const trees = [];
  for (const side of sides) {
    if (!side.ok) {
      io.stderr(`regcache size: error: ${side.problem}\n`);
      return ExitCode.invalidInput;
    }
    trees.push(measureTree(side.objects));
  }
  const [oldTree, newTree] = trees;
  const config = configReport({
    name: OBJECTS_CONFIG,
    compiler: "none",
    command: "",
    compilerVersion: "",
    retpoline: false,
    flags: [],
    base: oldTree.functions,
    head: newTree.functions,
  });
  let report: SizeReport = {
    version: REPORT_VERSION,
    spec: newArg,
    base: oldArg,
    configs: [config],
    skipped: [],
    crossConfig: crossConfigRows([config]),
    sources: [],
    objects: {
      kind: input.kind,
      pairs:
        input.kind === "file"
          ? [{ path: path.basename(newArg), old: true, new: true }]
          : input.pairs.map((p) => ({ ...p })),
      composites: [
        ...oldTree.composites.map((c) => ({ side: "old" as const, ...c })),
        ...newTree.composites.map((c) => ({ side: "new" as const, ...c })),
      ],
    },
  };

  let breached = false;
  if (budget && args.budget) {
    const checked = checkBudget(budget, report.configs, [OBJECTS_CONFIG]);
    if (!checked.ok) return (printAll(io, checked.diagnostics), ExitCode.invalidInput);
    report = { ...report, budget: { file: args.budget, breaches: checked.breaches } };
    breached = checked.breaches.length > 0;
    for (const b of checked.breaches)
      io.stderr(
        `regcache size: budget breach: ${b.target}: ${formatMeasured(b, ASCII_MINUS)}, limit ${formatLimit(b, ASCII_MINUS)}\n`,
      );
  }
  return writeReport(io, report, args) ?? (breached ? ExitCode.different : ExitCode.ok);
}

/** Renders and writes (or prints) the report; an exit code only on failure. */
export function writeReport(
  io: Io,
  report: SizeReport,
  args: { readonly format: ReportFormat; readonly out?: string },
): number | undefined {
  const color = !args.out && io.isTTY && !io.env.NO_COLOR;
  const text = renderReport(report, args.format, { color });
  if (!args.out) {
    io.stdout(text);
    return undefined;
  }
  try {
    const target = path.resolve(io.cwd, args.out);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  } catch (err) {
    io.stderr(
      `regcache size: cannot write ${args.out}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`,
    );
    return ExitCode.environment;
  }
  io.stderr(`regcache size: wrote ${args.out}\n`);
  return undefined;
}
