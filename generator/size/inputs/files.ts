/*
 * Reading the files a size run is given (--config-file, --budget): the text
 * as a SourceFile for diagnostics, or RC600 naming why it cannot be read;
 * and a budget file read and parsed in one step. Edge: reads files.
 */
import * as fs from "fs";
import * as path from "path";
import type { Diagnostic, SourceFile } from "../../core/diagnostics/diagnostic";
import { sizeDiagnostic } from "../messages";
import { Budget, parseBudget } from "../report/budget";

export type ReadResult =
  | { readonly ok: true; readonly file: SourceFile }
  | { readonly ok: false; readonly diagnostic: Diagnostic };

/** The file at `file` (relative to cwd), shown as given. */
export function readInput(cwd: string, file: string): ReadResult {
  try {
    return {
      ok: true,
      file: { displayPath: file, text: fs.readFileSync(path.resolve(cwd, file), "utf8") },
    };
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    return {
      ok: false,
      diagnostic: sizeDiagnostic("RC600", { displayPath: file, text: "" }, undefined, file, reason),
    };
  }
}

export type BudgetLoad =
  | { readonly ok: true; readonly budget: Budget }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** Reads and parses a budget file; every problem in it at once. */
export function loadBudget(cwd: string, file: string): BudgetLoad {
  const read = readInput(cwd, file);
  if (!read.ok) return { ok: false, diagnostics: [read.diagnostic] };
  const parsed = parseBudget(read.file);
  return parsed.ok ? { ok: true, budget: parsed.budget } : parsed;
}
