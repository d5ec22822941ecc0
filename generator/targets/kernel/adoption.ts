/*
 * The adoption step: a kernel keeps its hand-written
 * arch/x86/kvm/kvm_cache_regs.h and swaps only the register-cache block for
 * an include of the file regcache generates (the arm64 sysreg habit: a
 * generated block included by the header the tree already has).
 *
 * The block, in both Linux 6.1 and 6.12, runs from the line that defines the
 * BUILD_KVM_GPR_ACCESSORS macro through the closing brace of
 * kvm_read_edx_eax(); before it are the CR bit constants, after it the
 * guest-mode helpers, which stay. Pure text in, text (or a diagnostic) out;
 * reading and writing files is the caller's business.
 */
import { diagnose, Diagnostic, SourceFile, Span } from "../../core/diagnostics/diagnostic";

/** The macro whose definition starts the block (the kernel's name). */
export const BLOCK_START_MACRO = "BUILD_KVM_GPR_ACCESSORS";
/** The function whose closing brace ends the block (the kernel's name). */
export const BLOCK_END_FUNCTION = "kvm_read_edx_eax";
/** What the generated file is called beside kvm_cache_regs.h (docs/kernel.md). */
export const GENERATED_HEADER = "kvm_cache_regs_gen.h";

export interface CacheBlock {
  /** Offsets of the block in the header: start of the #define line, end after the closing brace. */
  readonly span: Span;
  /** The block's text, exactly as in the header. */
  readonly text: string;
}

export type BlockResult =
  | { readonly ok: true; readonly block: CacheBlock }
  | { readonly ok: false; readonly diagnostic: Diagnostic };

export type AdoptResult =
  | { readonly ok: true; readonly text: string; readonly block: CacheBlock }
  | { readonly ok: false; readonly diagnostic: Diagnostic };

const START_LINE = new RegExp(`^[ \\t]*#[ \\t]*define[ \\t]+${BLOCK_START_MACRO}\\b`, "gm");
const END_DEFINITION = new RegExp(`\\b${BLOCK_END_FUNCTION}[ \\t]*\\(([^;{}]*)\\)\\s*\\{`, "g");

/**
 * Finds the register-cache block in the text of a kernel's kvm_cache_regs.h.
 * Errors (as data): RC700 no start macro (and whether the header already
 * includes the generated file), RC701 more than one, RC702 no definition of
 * kvm_read_edx_eax after it, RC703 its body never closes.
 */
export function findCacheBlock(file: SourceFile): BlockResult {
  const code = maskCommentsAndStrings(file.text);
  const starts = [...code.matchAll(START_LINE)];
  if (starts.length === 0) {
    const includeLine = `#include "${GENERATED_HEADER}"`;
    const adopted = file.text
      .split("\n")
      .some((line) => line.replace(/\s+/g, " ").trim() === includeLine)
      ? ` (the header already includes "${GENERATED_HEADER}": adopted before?)`
      : "";
    return fail(diagnose("RC700", file, undefined, BLOCK_START_MACRO, adopted));
  }
  if (starts.length > 1) {
    const second = starts[1].index!;
    return fail(diagnose("RC701", file, lineSpan(code, second), BLOCK_START_MACRO, starts.length));
  }
  const start = starts[0].index!;
  END_DEFINITION.lastIndex = start;
  const definition = END_DEFINITION.exec(code);
  if (!definition) {
    return fail(
      diagnose("RC702", file, lineSpan(code, start), BLOCK_END_FUNCTION, BLOCK_START_MACRO),
    );
  }
  const open = definition.index + definition[0].length - 1;
  const close = matchingBrace(code, open);
  if (close < 0) {
    return fail(diagnose("RC703", file, { start: open, end: open + 1 }, BLOCK_END_FUNCTION));
  }
  const span = { start, end: close + 1 };
  return { ok: true, block: { span, text: file.text.slice(span.start, span.end) } };
}

/**
 * The header with its register-cache block replaced by one
 * `#include "kvm_cache_regs_gen.h"` line; everything around the block is kept
 * byte for byte (line endings included). Same errors as findCacheBlock.
 */
export function adoptGeneratedHeader(file: SourceFile, include = GENERATED_HEADER): AdoptResult {
  const found = findCacheBlock(file);
  if (!found.ok) return found;
  const { span } = found.block;
  const text = `${file.text.slice(0, span.start)}#include "${include}"${file.text.slice(span.end)}`;
  return { ok: true, text, block: found.block };
}

function fail(diagnostic: Diagnostic): { ok: false; diagnostic: Diagnostic } {
  return { ok: false, diagnostic };
}

function lineSpan(text: string, offset: number): Span {
  const end = text.indexOf("\n", offset);
  return { start: offset, end: end < 0 ? text.length : end };
}

/** Index of the '}' closing the '{' at `open` in comment- and string-masked text, or -1. */
function matchingBrace(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === "{") depth++;
    else if (code[i] === "}" && --depth === 0) return i;
  }
  return -1;
}

/**
 * The text with the inside of C comments, string and character literals
 * replaced by spaces (line breaks kept), so offsets stay valid and a brace or
 * a name in a comment does not count. Backslash-newline continuations are
 * ordinary characters here: a macro body's braces balance on their own.
 */
export function maskCommentsAndStrings(text: string): string {
  const out = text.split("");
  let i = 0;
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== "\n" && out[k] !== "\r") out[k] = " ";
  };
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end < 0 ? text.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === "/" && next === "/") {
      let end = text.indexOf("\n", i);
      if (end < 0) end = text.length;
      blank(i, end);
      i = end;
    } else if (c === '"' || c === "'") {
      let k = i + 1;
      while (k < text.length && text[k] !== c && text[k] !== "\n") k += text[k] === "\\" ? 2 : 1;
      // Keep the quotes so `#include "x"` stays findable; blank what is inside.
      blank(i + 1, Math.min(k, text.length));
      i = k + 1;
    } else {
      i++;
    }
  }
  return out.join("");
}
