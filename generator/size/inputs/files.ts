/*
 * Reading the files a size run is given (--config-file, --budget, the JSON
 * reports of `size merge`): the text as a SourceFile for diagnostics, or
 * RC600 naming why it cannot be read, or RC620 where it is not UTF-8 (read
 * as strictly as a spec: util/utf8.ts; a leading byte order mark is
 * dropped); and a budget file read and parsed in one step. Edge: reads files.
 */
import * as fs from "fs";
import * as path from "path";
import type { Diagnostic, SourceFile } from "../../core/diagnostics/diagnostic";
import { decodeUtf8 } from "../../util/utf8";
import { sizeDiagnostic } from "../messages";
import { Budget, parseBudget } from "../report/budget";

export type ReadResult =
  | { readonly ok: true; readonly file: SourceFile }
  | { readonly ok: false; readonly diagnostic: Diagnostic };

/** The file at `file` (relative to cwd), shown as given. */
export function readInput(cwd: string, file: string): ReadResult {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path.resolve(cwd, file));
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    return {
      ok: false,
      diagnostic: sizeDiagnostic("RC600", { displayPath: file, text: "" }, undefined, file, reason),
    };
  }
  const decoded = decodeUtf8(bytes);
  if (decoded.ok) return { ok: true, file: { displayPath: file, text: decoded.text } };
  const { text, at, byte, offset, utf16 } = decoded;
  return {
    ok: false,
    diagnostic: sizeDiagnostic(
      "RC620",
      { displayPath: file, text },
      { start: at, end: at + 1 },
      file,
      `${byte} at byte offset ${offset}${utf16 ? "; the file looks like UTF-16" : ""}`,
    ),
  };
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
