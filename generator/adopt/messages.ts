/*
 * The kernel adoption step's diagnostic catalog (codes RC7xx), kept beside
 * adopt.ts as size/messages.ts is kept beside the size command. Same shape as
 * the core catalog: one entry per code, {0}, {1}… filled by kernelDiagnostic().
 */
import { Diagnostic, SourceFile, Span, printable } from "../core/diagnostics/diagnostic";

export const kernelMessages = {
  RC700: {
    text: "no register-cache block: found no line starting '#define {0}('{1}",
    hint: "pass the kernel's arch/x86/kvm/kvm_cache_regs.h (the block starts at the {0} macro)",
  },
  RC701: {
    text: "'#define {0}' appears {1} times",
    hint: "the block must start at exactly one {0} macro definition; remove the extra ones",
  },
  RC702: {
    text: "no definition of {0}() after the {1} macro",
    hint: "the block ends with the closing brace of {0}(); the header must define it after {1}",
  },
  RC703: {
    text: "the body of {0}() never closes: no matching '}' before the end of the file",
    hint: "check the braces, comments and strings between this '{' and the end of the file",
  },
} as const;

export type KernelDiagnosticCode = keyof typeof kernelMessages;

/** A diagnostic in the core's shape, so the CLI's formatDiagnostic prints it. */
export function kernelDiagnostic(
  code: KernelDiagnosticCode,
  file: SourceFile,
  span: Span | undefined,
  ...args: (string | number)[]
): Diagnostic {
  const entry = kernelMessages[code];
  const fill = (template: string) =>
    template.replace(/\{(\d+)\}/g, (_, i: string) => {
      const arg = args[Number(i)];
      return typeof arg === "string" ? printable(arg) : String(arg ?? "");
    });
  return { code, severity: "error", message: fill(entry.text), hint: fill(entry.hint), file, span };
}
