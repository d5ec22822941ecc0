/*
 * The size command's diagnostic catalog (codes RC6xx), kept beside the size
 * modules so the core catalog in ../messages.ts stays the core's. Same shape:
 * one entry per code, {0}, {1}… filled by sizeDiagnostic().
 */
import { Diagnostic, SourceFile, Span } from "../core/diagnostics/diagnostic";

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
    text: "budget names function '{0}', which matches no measured symbol",
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
  // size --compile-commands, the object cache and --launcher (RC640–RC659).
  RC640: {
    text: "--{0} cannot be used with --compile-commands",
    hint: "a compile database is one config: its recorded compiler and flags",
  },
  RC641: { text: "compile database {0}: {1}", hint: "{2}" },
  RC642: {
    text: "--header {0}: no directory {1} in the tree of {2}",
    hint: "--header names the file in the source tree the generated header stands for (relative to the tree's root, or absolute)",
  },
  RC643: {
    text: "--header {0}: the spec generates no header named {1}",
    hint: "the spec generates: {2}",
  },
  RC644: {
    text: "--header is needed: the spec does not generate {0}",
    hint: "name the file in the tree the generated header stands for, e.g. --header include/kvm_cache_regs.h",
  },
  RC645: {
    text: "--keep {0} is inside {1}, which a measuring run only reads",
    hint: "pick a directory outside the source tree and the build directory",
  },
  RC646: {
    text: "no unit of {0} matches --units {1}",
    hint: "globs match the path below the source tree's root (e.g. 'arch/x86/kvm/**') or the absolute path",
  },
  RC647: {
    text: "no measured unit includes {0}",
    hint: "check --header (where the generated header stands in the tree) and --units",
  },
  RC648: {
    text: "--launcher {0} does not run: {1}",
    hint: "install it (e.g. apt-get install -y {0}) or drop --launcher",
  },
  RC649: {
    text: "{0} needs --compile-commands",
    hint: "it is about a tree measured from its compile database ('--base tree' is the tree's own header)",
  },
  RC650: { text: "{0}", hint: "sizes are written as bytes or with K, M or G, e.g. 512M" },
  RC651: {
    text: "{0} cannot be measured: {1}",
    hint: "a size run compiles each unit to one object with -c; --units leaves such entries out",
  },
  RC652: {
    text: "the overlay did not hold: {0}",
    hint: "the unit includes the header by a path outside the overlaid directory; leave it out with --units",
  },
  RC617: {
    text: "these flags make LTO objects (compiler IR, no machine code until link time), which have no function sizes",
    hint: "add -ffat-lto-objects to keep the machine code beside the IR, or drop -flto",
  },
  RC618: {
    text: "{0} must be a whole number of bytes{2}, found {1}",
    hint: "'max' is the largest head size allowed (0 or more); a negative 'growth' demands a saving",
  },
  RC619: {
    text: "{0} has no register '{1}', which the handler suite uses ({2} calls {3})",
    hint: "keep '{1}' in the spec, or measure a spec that has every register the suite reads and writes",
  },
  RC660: {
    text: "{0} writes no C target: the handler suite is built against c/kvm_cache_regs.h",
    hint: "measure a kernel spec by building the kernel (docs/kernel.md), or add 'c' to its output.targets",
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
