/*
 * The spec's backend sets, checked by the kernel's own compiler. Which
 * registers a backend loads lazily is decided twice in a kernel tree: by the
 * spec, which makes an always-available register's accessors plain regs[]
 * accesses, and by the backend's own set macro (VMX_REGS_LAZY_LOAD_SET in
 * vmx/vmx.h, SVM_REGS_LAZY_LOAD_SET in svm/svm.h, TDX_REGS_AVAIL_SET in
 * vmx/tdx.c), which says what its cache_reg fetches. Where they disagree the
 * tree builds and reads a stale register. So the generated block defines, per
 * backend, a macro of one static_assert per register (the kernel target's
 * template), and adoption calls it on the tree's macro, on the line after its
 * definition: a tree whose set differs from the spec's stops the build with a
 * message naming the register and the backend. Assertions, not emitted sets:
 * the maintainers' definitions, comments and spelling stay as they are, and
 * the check costs no code (0 functions change). Pure text in, text out.
 */
import { diagnose, type Diagnostic, type SourceFile } from "../../core/diagnostics/diagnostic";
import type { Model } from "../../core/model/types";
import { maskCommentsAndStrings } from "./adoption";

/** One backend's set as the spec has it and the macro that checks the tree's against it. */
export interface SetCheck {
  /** The spec's backend, "vmx". */
  readonly backend: string;
  /** The tree's set macro the spec's `lazy:` or `available:` list stands for, "VMX_REGS_LAZY_LOAD_SET". */
  readonly macro: string;
  /** The generated block's check macro, "KVM_CHECK_VMX_REGS_LAZY_LOAD_SET". */
  readonly check: string;
}

/** The checks of a model's backends, in spec order: the set kind each backend declares. */
export function setChecks(model: Model): SetCheck[] {
  return model.backends.map((b) => {
    const macro = b.declared === "lazy" ? b.lazySetName : b.availSetName;
    return { backend: b.name, macro, check: `KVM_CHECK_${macro}` };
  });
}

/** Offsets of the lines that `#define` the macro, in comment- and string-masked text. */
export function definitionLines(text: string, macro: string): number[] {
  const code = maskCommentsAndStrings(text);
  return [...code.matchAll(new RegExp(`^[ \\t]*#[ \\t]*define[ \\t]+${macro}\\b`, "gm"))].map(
    (m) => m.index!,
  );
}

/** Offset just past the last line of the #define at `start` (backslash continuations followed). */
function definitionEnd(text: string, start: number): number {
  let at = start;
  for (;;) {
    const nl = text.indexOf("\n", at);
    if (nl < 0) return text.length;
    const line = text.slice(at, nl).replace(/\r$/, "");
    if (!line.endsWith("\\")) return nl + 1;
    at = nl + 1;
  }
}

/** The line adoption writes after the set's definition. */
export const checkLine = (c: SetCheck) => `${c.check}(${c.macro});`;

export type InsertResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly diagnostic: Diagnostic };

/**
 * The file with checkLine(c) on the line after the definition of c.macro
 * (unchanged when that line is there already: adoption is idempotent). The
 * file must define the macro exactly once (RC705 otherwise). Line endings
 * follow the definition's.
 */
export function insertSetCheck(file: SourceFile, c: SetCheck): InsertResult {
  const starts = definitionLines(file.text, c.macro);
  if (starts.length !== 1) {
    const at = starts[1];
    const span = at === undefined ? undefined : { start: at, end: file.text.indexOf("\n", at) };
    return {
      ok: false,
      diagnostic: diagnose("RC705", file, span, c.macro, starts.length, c.backend),
    };
  }
  const end = definitionEnd(file.text, starts[0]!);
  const eol = file.text.slice(0, end).endsWith("\r\n") ? "\r\n" : "\n";
  const nextEnd = file.text.indexOf("\n", end);
  const next = file.text.slice(end, nextEnd < 0 ? file.text.length : nextEnd).trim();
  if (next === checkLine(c)) return { ok: true, text: file.text };
  const before =
    end === file.text.length && !/\n$/.test(file.text) ? file.text + eol : file.text.slice(0, end);
  return { ok: true, text: `${before}${checkLine(c)}${eol}${file.text.slice(end)}` };
}
