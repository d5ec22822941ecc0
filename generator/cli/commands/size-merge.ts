/*
 * `regcache size merge A.json B.json …`: reads the JSON reports CI jobs wrote
 * with `regcache size --format json --out`, merges them (generator/size/merge.ts
 * says when that is refused), optionally checks a budget against the merged
 * report, and prints it in any format. Every input is read and checked before
 * anything is written. Exit codes: 0, 1 budget breached, 2 bad input, 3 output.
 */
import * as fs from "fs";
import * as path from "path";
import { Diagnostic, formatDiagnostic } from "../../core/diagnostics/diagnostic";
import { ExitCode, Io } from "../io";
import { Budget, checkBudget, parseBudget } from "../../size/budget";
import { ReportFormat } from "../../size/formats";
import { mergeReports, MergeInput } from "../../size/merge";
import { sizeDiagnostic } from "../../size/messages";
import { checkOutPath } from "../../size/output";
import { ASCII_MINUS, formatLimit, formatMeasured } from "../../size/report";
import { writeReport } from "./size-objects";

export interface MergeArgs {
  readonly reports: readonly string[];
  readonly format: ReportFormat;
  readonly out?: string;
  readonly budget?: string;
  /** Options given that only apply when regcache measures (refused here). */
  readonly conflicting: readonly string[];
}

export async function runMerge(args: MergeArgs, io: Io): Promise<number> {
  const problems: string[] = args.conflicting.map(
    (o) => `--${o} does not apply to size merge (the reports were measured by the jobs)`,
  );
  if (args.out) {
    const p = checkOutPath(io.cwd, args.out);
    if (p) problems.push(p);
  }
  const diagnostics: Diagnostic[] = [];
  let budget: Budget | undefined;
  if (args.budget) {
    try {
      const text = fs.readFileSync(path.resolve(io.cwd, args.budget), "utf8");
      const parsed = parseBudget({ displayPath: args.budget, text });
      if (parsed.ok) budget = parsed.budget;
      else diagnostics.push(...parsed.diagnostics);
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
  }
  const inputs: MergeInput[] = [];
  for (const file of args.reports) {
    try {
      inputs.push({ file, json: JSON.parse(fs.readFileSync(path.resolve(io.cwd, file), "utf8")) });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      problems.push(
        e.code
          ? `cannot read ${file}: ${e.code}`
          : `${file} is not JSON: ${e.message.split("\n")[0]}`,
      );
    }
  }
  const merged = problems.length === 0 ? mergeReports(inputs) : undefined;
  if (merged && !merged.ok) problems.push(...merged.problems);
  if (problems.length > 0 || diagnostics.length > 0 || !merged?.ok) {
    for (const p of problems) io.stderr(`regcache size merge: error: ${p}\n`);
    const color = io.isTTY && !io.env.NO_COLOR;
    for (const d of diagnostics) io.stderr(formatDiagnostic(d, color));
    return ExitCode.invalidInput;
  }

  let report = merged.report;
  let breached = false;
  if (budget && args.budget) {
    const names = [...report.configs.map((c) => c.name), ...report.skipped.map((s) => s.name)];
    const checked = checkBudget(budget, report.configs, names);
    if (!checked.ok) {
      const color = io.isTTY && !io.env.NO_COLOR;
      for (const d of checked.diagnostics) io.stderr(formatDiagnostic(d, color));
      return ExitCode.invalidInput;
    }
    report = { ...report, budget: { file: args.budget, breaches: checked.breaches } };
    breached = checked.breaches.length > 0;
    for (const b of checked.breaches)
      io.stderr(
        `regcache size merge: budget breach: ${b.config}: ${b.target}: ${formatMeasured(b, ASCII_MINUS)}, limit ${formatLimit(b, ASCII_MINUS)}\n`,
      );
  }
  return writeReport(io, report, args) ?? (breached ? ExitCode.different : ExitCode.ok);
}
