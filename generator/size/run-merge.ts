/*
 * `regcache size merge A.json B.json …` as a library: the JSON reports CI jobs
 * wrote with `regcache size --format json`, read and merged into one
 * (report/merge.ts says when that is refused), with a budget's breaches when
 * one is given. Every input is read and checked first, each read as every
 * size input is (inputs/files.ts: strict UTF-8, a leading byte order mark
 * dropped). Edge: reads the reports and the budget file; writes nothing.
 */
import type { Diagnostic } from "../core/diagnostics/diagnostic";
import { loadBudget, readInput } from "./inputs/files";
import { failure, invalid, SizeOutcome } from "./outcome";
import { applyBudget } from "./report/budget";
import { MergeInput, mergeReports } from "./report/merge";

export interface MergeRequest {
  readonly cwd: string;
  /** The JSON reports, in the order their configs are listed. */
  readonly reports: readonly string[];
  readonly budget?: string;
}

export function runMerge(request: MergeRequest): SizeOutcome {
  const budget = request.budget ? loadBudget(request.cwd, request.budget) : undefined;
  const problems: string[] = [];
  const unread: Diagnostic[] = [];
  const inputs: MergeInput[] = [];
  for (const file of request.reports) {
    const read = readInput(request.cwd, file);
    if (!read.ok) {
      unread.push(read.diagnostic);
      continue;
    }
    try {
      inputs.push({ file, json: JSON.parse(read.file.text) });
    } catch (err) {
      problems.push(`${file} is not JSON: ${(err as Error).message.split("\n")[0]}`);
    }
  }
  const merged = problems.length === 0 && unread.length === 0 ? mergeReports(inputs) : undefined;
  if (merged && !merged.ok) problems.push(...merged.problems);
  if (!merged?.ok || (budget && !budget.ok))
    return failure("invalid-input", {
      problems,
      diagnostics: [...unread, ...(budget && !budget.ok ? budget.diagnostics : [])],
    });

  const report = merged.report;
  if (!budget?.ok || !request.budget) return { ok: true, report };
  const names = [...report.configs.map((c) => c.name), ...report.skipped.map((s) => s.name)];
  const checked = applyBudget(report, budget.budget, request.budget, names);
  return checked.ok ? { ok: true, report: checked.report } : invalid(checked.diagnostics);
}
