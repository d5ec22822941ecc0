/*
 * Diagnostics are data: every stage returns the problems it found instead of
 * throwing, each with a code from the catalog, a span in a source file, and a
 * message. Printing them is the CLI's job (formatDiagnostic).
 */
import { messages, type DiagnosticCode } from "./messages";

export interface Span {
  /** Offsets into the source text, end exclusive. */
  readonly start: number;
  readonly end: number;
}

export interface SourceFile {
  /** The path as the user should see it (relative where possible). */
  readonly displayPath: string;
  readonly text: string;
}

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: "error" | "warning";
  readonly message: string;
  readonly hint: string;
  readonly file: SourceFile;
  readonly span?: Span;
}

function fill(template: string, args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)] ?? ""));
}

export function diagnose(
  code: DiagnosticCode,
  file: SourceFile,
  span: Span | undefined,
  ...args: (string | number)[]
): Diagnostic {
  const entry = messages[code];
  return {
    code,
    severity: "error",
    message: fill(entry.text, args),
    hint: fill(entry.hint, args),
    file,
    span,
  };
}

export interface LineCol {
  readonly line: number; // 1-based
  readonly col: number; // 1-based, in characters
  readonly lineStart: number;
  readonly lineEnd: number;
}

export function lineColOf(text: string, offset: number): LineCol {
  const clamped = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < clamped; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  let lineEnd = text.indexOf("\n", lineStart);
  if (lineEnd < 0) lineEnd = text.length;
  if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
  return { line, col: clamped - lineStart + 1, lineStart, lineEnd };
}

/**
 * `file:line:col: error RC104: message`, then the source line with the span
 * underlined, then the hint, as systemrdl-compiler and prettier print them.
 */
export function formatDiagnostic(d: Diagnostic, color = false): string {
  const paint = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const sev = paint(d.severity === "error" ? "1;31" : "1;33", d.severity);
  if (!d.span) {
    let out = `${d.file.displayPath}: ${sev} ${d.code}: ${d.message}\n`;
    if (d.hint) out += `  = help: ${d.hint}\n`;
    return out;
  }
  const text = d.file.text;
  const at = lineColOf(text, d.span.start);
  let out = `${d.file.displayPath}:${at.line}:${at.col}: ${sev} ${d.code}: ${d.message}\n`;
  const source = text.slice(at.lineStart, at.lineEnd).replace(/\t/g, " ");
  const gutter = String(at.line).length;
  const underlineEnd = Math.min(Math.max(d.span.end, d.span.start + 1), at.lineEnd);
  const width = Math.max(1, underlineEnd - d.span.start);
  out += `${" ".repeat(gutter)} |\n`;
  out += `${at.line} | ${source}\n`;
  out += `${" ".repeat(gutter)} | ${" ".repeat(at.col - 1)}${paint("1;31", "^".repeat(width))}\n`;
  if (d.hint) out += `${" ".repeat(gutter)} = help: ${d.hint}\n`;
  return out;
}

/** Stable order: by file, then position, then code. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort(
    (a, b) =>
      compareStrings(a.file.displayPath, b.file.displayPath) ||
      (a.span?.start ?? -1) - (b.span?.start ?? -1) ||
      compareStrings(a.code, b.code),
  );
}

/** Code-unit order: the same on every machine, whatever the locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
