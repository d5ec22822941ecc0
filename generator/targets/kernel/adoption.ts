/*
 * The adoption step: a kernel keeps its hand-written header and swaps only
 * the register-cache region for an include of the file regcache generates
 * (the arm64 sysreg habit: a generated block included by the header the tree
 * already has).
 *
 * Where the region is, is the spec's output.adopts (DEFAULT_ADOPTS when it
 * says nothing): in Linux 6.1 to 7.1, arch/x86/kvm/kvm_cache_regs.h from the
 * line that defines the BUILD_KVM_GPR_ACCESSORS macro through the closing
 * brace of kvm_read_edx_eax(); in 7.2, arch/x86/kvm/regs.h from
 * __BUILD_KVM_GPR_ACCESSORS through kvm_read_cr4(). What is before and after
 * the region stays. Pure text in, text (or a diagnostic) out; reading and
 * writing files is the caller's business.
 */
import { diagnose, Diagnostic, SourceFile, Span } from "../../core/diagnostics/diagnostic";
import { DEFAULT_ADOPTS, DEFAULT_OUTPUT, type SpecAdopts } from "../../core/spec/kernel-sections";

/** What the generated file is called beside kvm_cache_regs.h by default (docs/kernel.md). */
export const GENERATED_HEADER = DEFAULT_OUTPUT.kernelHeader;

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

/** A function's definition: its name, a parameter list without ; { }, then its body's '{'. */
const definitionOf = (name: string) => new RegExp(`\\b${name}[ \\t]*\\(([^;{}]*)\\)\\s*\\{`, "g");

/**
 * Where the first definition starts: the lines defining it as a macro, or, if
 * there is none, the start of the line of each function definition of it.
 */
function regionStarts(code: string, first: string): number[] {
  const macros = [...code.matchAll(new RegExp(`^[ \\t]*#[ \\t]*define[ \\t]+${first}\\b`, "gm"))];
  if (macros.length > 0) return macros.map((m) => m.index!);
  return [...code.matchAll(definitionOf(first))].map((m) => code.lastIndexOf("\n", m.index!) + 1);
}

/**
 * Finds the register-cache region in the text of a kernel's header, between
 * `bounds.first` and `bounds.last` (the spec's output.adopts). Errors (as
 * data): RC700 no definition of the first (and whether the header already
 * includes the generated file), RC701 more than one, RC702 no definition of
 * the last after it, RC703 its body never closes.
 */
export function findCacheBlock(
  file: SourceFile,
  bounds: SpecAdopts = DEFAULT_ADOPTS,
  include = GENERATED_HEADER,
): BlockResult {
  const code = maskCommentsAndStrings(file.text);
  const starts = regionStarts(code, bounds.first);
  if (starts.length === 0) {
    const includeLine = `#include "${include}"`;
    const adopted = file.text
      .split("\n")
      .some((line) => line.replace(/\s+/g, " ").trim() === includeLine)
      ? ` (the header already includes "${include}": adopted before?)`
      : "";
    return fail(diagnose("RC700", file, undefined, bounds.first, adopted, bounds.header));
  }
  if (starts.length > 1) {
    const second = starts[1]!;
    return fail(diagnose("RC701", file, lineSpan(code, second), bounds.first, starts.length));
  }
  const start = starts[0]!;
  const end = definitionOf(bounds.last);
  end.lastIndex = start;
  const definition = end.exec(code);
  if (!definition) {
    return fail(diagnose("RC702", file, lineSpan(code, start), bounds.last, bounds.first));
  }
  const open = definition.index + definition[0].length - 1;
  const close = matchingBrace(code, open);
  if (close < 0) {
    return fail(diagnose("RC703", file, { start: open, end: open + 1 }, bounds.last));
  }
  const span = { start, end: close + 1 };
  return { ok: true, block: { span, text: file.text.slice(span.start, span.end) } };
}

/**
 * The header with its register-cache region replaced by one
 * `#include "<include>"` line; everything around the region is kept byte for
 * byte (line endings included). Same errors as findCacheBlock.
 */
export function adoptGeneratedHeader(
  file: SourceFile,
  include = GENERATED_HEADER,
  bounds: SpecAdopts = DEFAULT_ADOPTS,
): AdoptResult {
  const found = findCacheBlock(file, bounds, include);
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
