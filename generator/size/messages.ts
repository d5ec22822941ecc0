/*
 * The size command's diagnostic catalog (codes RC6xx), kept beside the size
 * modules so the core catalog in ../messages.ts stays the core's. Same shape:
 * one entry per code, {0}, {1}… filled by sizeDiagnostic().
 */
import { Diagnostic, SourceFile, Span } from "../diagnostics";

export const sizeMessages = {
  RC600: { text: "cannot read {0}: {1}", hint: "check the path and its permissions" },
  RC601: { text: "{0} is not valid YAML or JSON: {1}", hint: "fix the syntax at this position" },
  RC602: { text: "{0} must be {1}, found {2}", hint: "" },
  RC603: { text: "unknown key '{0}'", hint: "allowed keys here: {1}" },
  RC604: { text: "missing required key '{0}'", hint: "{1}" },
  RC605: {
    text: "'{0}' is not a size limit",
    hint: 'write bytes as a number (e.g. 200) or a percentage of base as a string (e.g. "-35%")',
  },
  RC606: {
    text: "a rule needs exactly one of 'function' and 'total'",
    hint: "write 'function: NAME' (or a pattern with '*') or 'total: true'",
  },
  RC607: {
    text: "a rule needs at least one of 'max' and 'growth'",
    hint: "'max' limits the head size, 'growth' limits head minus base",
  },
  RC608: {
    text: "'max' is an absolute size and cannot be a percentage",
    hint: "use 'growth' for a limit relative to base",
  },
  RC609: {
    text: "budget names function '{0}', which no measured object defines",
    hint: "check the spelling; the report lists every measured function",
  },
  RC610: {
    text: "budget names config '{0}', which is not in the matrix",
    hint: "known configs: {1}",
  },
  RC611: { text: "duplicate config name '{0}'", hint: "config names must be unique" },
  RC612: {
    text: "unknown compiler family '{0}'",
    hint: "use 'gcc' or 'clang' (and 'command' to name the executable)",
  },
  RC613: { text: "unknown config '{0}'", hint: "known configs: {1}" },
  RC614: {
    text: "unknown compiler '{0}' in --compiler",
    hint: "use gcc, clang or both: --compiler gcc,clang",
  },
  RC615: {
    text: "invalid --base '{0}'",
    hint: "use all-cached, a spec file path, or git:REV[:PATH]",
  },
  RC616: {
    text: "git cannot show {0}: {1}",
    hint: "check the revision and the path inside the repository",
  },
} as const;

export type SizeDiagnosticCode = keyof typeof sizeMessages;

/** A diagnostic in the core's shape, so the CLI's formatDiagnostic prints it. */
export function sizeDiagnostic(
  code: SizeDiagnosticCode,
  file: SourceFile,
  span: Span | undefined,
  ...args: (string | number)[]
): Diagnostic {
  const entry = sizeMessages[code];
  const fill = (template: string) =>
    template.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)] ?? ""));
  return {
    code,
    severity: "error",
    message: fill(entry.text),
    hint: fill(entry.hint),
    file,
    span,
  };
}
