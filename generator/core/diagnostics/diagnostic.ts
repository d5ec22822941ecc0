/*
 * Diagnostics are data: every stage returns the problems it found instead of
 * throwing, each with a code from the catalog, a span in a source file, and a
 * message. diagnose() makes one from the catalog (the one place a template is
 * filled); formatDiagnostic() prints it. Pure.
 */
import { messages, type CatalogEntry, type DiagnosticCode, type Severity } from "./catalog";
import { WIDE_RANGES } from "./east-asian-width";
import { byCodeUnit } from "../../util/order";

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
  /** A code of the catalog (catalog.ts). */
  readonly code: `RC${number}`;
  readonly severity: Severity;
  readonly message: string;
  readonly hint: string;
  readonly file: SourceFile;
  readonly span?: Span;
  /** For a diagnostic that stands for others left out (RC135): how many. */
  readonly omitted?: number;
}

/** Longest user value quoted in a message; longer ones are cut with an ellipsis. */
const MAX_QUOTED = 120;

/**
 * A user's value made safe for a one-line message: control characters, line
 * and paragraph separators and bidi overrides are escaped (a name like
 * "x\n#define" must not start a new line on the terminal), long values cut.
 */
export function printable(value: string, max = MAX_QUOTED): string {
  const chars = [...value];
  const cut = chars.length > max ? chars.slice(0, max - 1).join("") + "…" : value;
  return cut.replace(UNPRINTABLE, (c) => ESCAPES[c] ?? `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

const UNPRINTABLE =
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/gu;
const ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * A catalog template with its values filled in: {n} is value n cut at
 * MAX_QUOTED characters, {n:whole} value n uncut, {n:lines} value n uncut with
 * its line breaks kept, {n:x} a number in hexadecimal. Control characters in
 * every value are escaped by printable(), whatever the code, so no value can
 * start a line or drive the terminal.
 */
export function fill(template: string, args: readonly (string | number | bigint)[]): string {
  return template.replace(/\{(\d+)(?::(x|lines|whole))?\}/g, (_, i: string, form?: string) => {
    const arg = args[Number(i)];
    if (arg === undefined) return "";
    if (typeof arg !== "string") return form === "x" ? `0x${arg.toString(16)}` : String(arg);
    if (form === "lines")
      return arg
        .split("\n")
        .map((line) => printable(line, Infinity))
        .join("\n");
    return printable(arg, form === "whole" ? Infinity : MAX_QUOTED);
  });
}

/** The diagnostic of `code`, its message and hint filled with `args`. */
export function diagnose(
  code: DiagnosticCode,
  file: SourceFile,
  span: Span | undefined,
  ...args: (string | number | bigint)[]
): Diagnostic {
  const entry: CatalogEntry = messages[code];
  return {
    code,
    severity: entry.severity,
    message: fill(entry.message, args),
    hint: fill(entry.hint, args),
    file,
    span,
  };
}

export interface LineCol {
  readonly line: number; // 1-based
  /** 1-based, in Unicode code points (an emoji or an accented letter is one column). */
  readonly col: number;
  /** Offsets (UTF-16 code units) of the line's first character and of its end, line break excluded. */
  readonly lineStart: number;
  readonly lineEnd: number;
}

/**
 * Line and column of an offset into the text. Lines end at LF (a CR before it
 * belongs to the line break); columns count code points, not UTF-16 units or
 * UTF-8 bytes, so a column means the same in every editor that counts characters.
 */
export function lineColOf(text: string, offset: number): LineCol {
  const clamped = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < clamped; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  let lineEnd = text.indexOf("\n", lineStart);
  if (lineEnd < 0) lineEnd = text.length;
  if (text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
  const col = [...text.slice(lineStart, Math.min(clamped, lineEnd))].length + 1;
  return { line, col: clamped > lineEnd ? col + 1 : col, lineStart, lineEnd };
}

/**
 * Whether code point `cp` is wide or fullwidth (East Asian Width W or F, from
 * the Unicode data in east-asian-width.ts): a binary search of its ranges.
 */
function isWide(cp: number): boolean {
  let lo = 0;
  let hi = WIDE_RANGES.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < WIDE_RANGES[2 * mid]!) hi = mid - 1;
    else if (cp > WIDE_RANGES[2 * mid + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

/**
 * Columns a character takes on a terminal: 0 for combining marks and
 * zero-width spaces/joiners, 2 for wide and fullwidth characters (CJK,
 * emoji with emoji presentation), else 1.
 */
function charWidth(ch: string): number {
  if (/[\p{Mn}\p{Me}\u200b-\u200d]/u.test(ch)) return 0;
  return isWide(ch.codePointAt(0)!) ? 2 : 1;
}

/** One printable character in place of a control character, so the underline stays aligned. */
function visible(ch: string): string {
  if (ch === "\t") return " ";
  return /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u.test(
    ch,
  )
    ? "\ufffd"
    : ch;
}

const widthOf = (s: string): number => [...s].reduce((w, ch) => w + charWidth(visible(ch)), 0);

/** Source lines longer than this are shown as a window around the span. */
const MAX_SHOWN_LINE = 160;

/**
 * The source line as printed under the location, and where the underline goes
 * (terminal columns). Control characters are shown as U+FFFD (a hostile spec
 * must not drive the terminal), and a long line is cut to a window around the span.
 */
function excerpt(
  text: string,
  at: LineCol,
  span: Span,
): { source: string; pad: number; width: number } {
  let from = at.lineStart;
  let to = at.lineEnd;
  const spanStart = Math.min(Math.max(span.start, from), to);
  const spanEnd = Math.min(Math.max(span.end, spanStart), to);
  let prefix = "";
  let suffix = "";
  if (widthOf(text.slice(from, to)) > MAX_SHOWN_LINE) {
    const lead = [...text.slice(from, spanStart)];
    if (lead.length > 40) {
      from = spanStart - lead.slice(-40).join("").length;
      prefix = "…";
    }
    const rest = [...text.slice(spanStart, to)];
    if (rest.length > MAX_SHOWN_LINE - 40) {
      to = spanStart + rest.slice(0, MAX_SHOWN_LINE - 40).join("").length;
      suffix = "…";
    }
  }
  const show = (s: string) => [...s].map(visible).join("");
  const source = prefix + show(text.slice(from, to)) + suffix;
  const pad = widthOf(prefix) + widthOf(text.slice(from, spanStart));
  const width = Math.max(1, widthOf(text.slice(spanStart, Math.min(spanEnd, to))));
  return { source, pad, width };
}

/**
 * `file:line:col: error RC104: message`, then the source line with the span
 * underlined, then the hint, as systemrdl-compiler and prettier print them.
 */
export function formatDiagnostic(d: Diagnostic, color = false): string {
  const paint = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const sev = paint(d.severity === "error" ? "1;31" : "1;33", d.severity);
  const file = printable(d.file.displayPath, Infinity);
  if (!d.span) {
    let out = `${file}: ${sev} ${d.code}: ${d.message}\n`;
    if (d.hint) out += `  = help: ${d.hint}\n`;
    return out;
  }
  const at = lineColOf(d.file.text, d.span.start);
  const shown = excerpt(d.file.text, at, d.span);
  const gutter = " ".repeat(String(at.line).length);
  let out = `${file}:${at.line}:${at.col}: ${sev} ${d.code}: ${d.message}\n`;
  out += `${gutter} |\n`;
  out += `${at.line} | ${shown.source}\n`;
  out += `${gutter} | ${" ".repeat(shown.pad)}${paint("1;31", "^".repeat(shown.width))}\n`;
  if (d.hint) out += `${gutter} = help: ${d.hint}\n`;
  return out;
}

/** Stable order: by file, then position, then code. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort(
    (a, b) =>
      byCodeUnit(a.file.displayPath, b.file.displayPath) ||
      (a.span?.start ?? -1) - (b.span?.start ?? -1) ||
      byCodeUnit(a.code, b.code),
  );
}
