/*
 * The size command's diagnostics: its codes (RC600–RC699) are entries of the
 * one catalog (core/diagnostics/catalog-size.ts), and sizeDiagnostic() makes
 * one through the core's diagnose(), which fills and escapes every value the
 * same way for every code. Pure.
 */
import {
  diagnose,
  type Diagnostic,
  type SourceFile,
  type Span,
} from "../core/diagnostics/diagnostic";
import type { DiagnosticCode } from "../core/diagnostics/catalog";

/** A code of the size command's range. */
export type SizeDiagnosticCode = Extract<DiagnosticCode, `RC6${string}`>;

/** A diagnostic of the size command, in the shape the CLI's formatDiagnostic prints. */
export function sizeDiagnostic(
  code: SizeDiagnosticCode,
  file: SourceFile,
  span: Span | undefined,
  ...args: (string | number)[]
): Diagnostic {
  return diagnose(code, file, span, ...args);
}
