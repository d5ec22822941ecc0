/*
 * The definitions a C header makes, found in its text: each #define (name,
 * parameters, body with its continuation lines joined) and each static
 * inline function (linkage, return type, parameters, body). Enough for the
 * shapes a kernel header writes its register cache in; not a C parser (no
 * preprocessing, no declarations, no nested functions).
 *
 * The comments a definition has, found in the same text: the block comment
 * right above it, or one of its own inside its body.
 *
 * Pure: text in, definitions (each with its offset in the text) and comment
 * texts out.
 */
import { maskCommentsAndStrings } from "../targets/kernel/adoption";

export type Linkage = "inline" | "always_inline";

export interface MacroDefinition {
  readonly name: string;
  /** Parameter names, or undefined for an object-like macro. */
  readonly params?: readonly string[];
  /** The replacement text, continuation lines joined by a space, comments blanked. */
  readonly body: string;
  readonly offset: number;
}

export interface Parameter {
  /** The type as written, spaces collapsed: "struct kvm_vcpu *", "unsigned long". */
  readonly type: string;
  readonly name: string;
}

export interface FunctionDefinition {
  readonly name: string;
  readonly linkage: Linkage;
  /** The return type, spaces collapsed: "unsigned long", "u64", "void". */
  readonly returns: string;
  readonly params: readonly Parameter[];
  /** From the opening brace through the closing one, comments blanked. */
  readonly body: string;
  readonly offset: number;
  /** Where the body's opening brace is in the text. */
  readonly bodyOffset: number;
}

export interface Definitions {
  readonly macros: readonly MacroDefinition[];
  readonly functions: readonly FunctionDefinition[];
}

const MACRO = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(\([^)\n]*\))?((?:[^\n\\]|\\[^]|\\$)*)/gm;
const FUNCTION =
  /\bstatic\s+(inline|__always_inline)\s+((?:[A-Za-z_]\w*\s*\**\s*)+?)\b([A-Za-z_]\w*)\s*\(([^;{}()]*)\)\s*\{/g;

/** Every macro and static inline function the text defines, in text order. */
export function definitions(text: string): Definitions {
  const code = maskCommentsAndStrings(text);
  const macros: MacroDefinition[] = [];
  // The code with every macro definition blanked, so functions inside macro bodies are not found.
  const out = code.split("");
  for (const m of code.matchAll(MACRO)) {
    const params = m[2]
      ?.slice(1, -1)
      .split(",")
      .map((p) => p.trim())
      .filter((p) => p !== "");
    macros.push({
      name: m[1],
      ...(m[2] !== undefined ? { params: params ?? [] } : {}),
      body: m[3].replace(/\\\r?\n/g, " ").trim(),
      offset: m.index,
    });
    for (let i = m.index; i < m.index + m[0].length; i++) if (out[i] !== "\n") out[i] = " ";
  }
  const plain = out.join("");
  const functions: FunctionDefinition[] = [];
  for (const m of plain.matchAll(FUNCTION)) {
    const open = m.index + m[0].length - 1;
    const close = matchingBrace(plain, open);
    if (close < 0) continue;
    functions.push({
      name: m[3],
      linkage: m[1] === "inline" ? "inline" : "always_inline",
      returns: collapse(m[2]),
      params: parameters(m[4]),
      body: plain.slice(open, close + 1),
      offset: m.index,
      bodyOffset: open,
    });
  }
  return { macros, functions };
}

/** The linkage of the first function a macro body defines, if it defines one. */
export function macroLinkage(body: string): Linkage | undefined {
  const m = /\bstatic\s+(inline|__always_inline)\b/.exec(body);
  return m ? (m[1] === "inline" ? "inline" : "always_inline") : undefined;
}

/** Spaces collapsed, none before a `*`. */
export const collapse = (s: string): string =>
  s
    .replace(/\s+/g, " ")
    .replace(/\s*\*\s*/g, " *")
    .trim();

function parameters(list: string): Parameter[] {
  const trimmed = list.trim();
  if (trimmed === "" || trimmed === "void") return [];
  return trimmed.split(",").map((p) => {
    const m = /^([^]*?)\b([A-Za-z_]\w*)\s*$/.exec(p.trim());
    return m ? { type: collapse(m[1]), name: m[2] } : { type: collapse(p), name: "" };
  });
}

/** Index of the '}' closing the '{' at `open`, or -1. */
function matchingBrace(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === "{") depth++;
    else if (code[i] === "}" && --depth === 0) return i;
  }
  return -1;
}

/**
 * The text of the block comment that ends on the line right above `offset`
 * (a definition's start) and opens at the start of its own line, without its
 * delimiters: each line with its leading " * " taken off (" *" alone: a blank
 * line), the lines that hold only the opening or the closing dropped. So a
 * kernel-style comment gives back exactly the lines it was written from.
 * Undefined when no such comment is there (a blank line between counts as
 * none).
 */
export function commentAbove(text: string, offset: number): string | undefined {
  const before = text.slice(0, offset).replace(/[ \t]+$/, "");
  const m = /\*\/[ \t]*\r?\n$/.exec(before);
  if (!m) return undefined;
  const close = m.index;
  const open = before.lastIndexOf("/*", close - 1);
  if (open < 0) return undefined;
  const lineStart = before.lastIndexOf("\n", open - 1) + 1;
  if (before.slice(lineStart, open).trim() !== "") return undefined;
  return commentText(before.slice(open + 2, close));
}

/**
 * The one block comment inside a function's body that has lines of its own
 * (Linux 7.2's kvm_clear_available_registers explains its bitwise AND so),
 * its text as commentAbove gives it; undefined when the body has none or
 * more than one, or a comment that shares a line with code.
 */
export function commentInside(text: string, f: FunctionDefinition): string | undefined {
  const body = text.slice(f.bodyOffset, f.bodyOffset + f.body.length);
  const found = [...body.matchAll(/\/\*([^]*?)\*\//g)];
  if (found.length !== 1) return undefined;
  const c = found[0]!;
  const lineStart = body.lastIndexOf("\n", c.index! - 1) + 1;
  const lineEnd = body.indexOf("\n", c.index! + c[0].length);
  const ownLines =
    body.slice(lineStart, c.index!).trim() === "" &&
    body.slice(c.index! + c[0].length, lineEnd < 0 ? body.length : lineEnd).trim() === "";
  return ownLines ? commentText(c[1]!) : undefined;
}

/** The text between a comment's delimiters, its lines freed of their " * " leads. */
function commentText(inner: string): string {
  const lines = inner.split("\n").map((l) => l.replace(/\r$/, ""));
  const text = lines.map((l) => {
    if (lines.length === 1) return l.trim();
    const led = /^[ \t]*\*(?: |$)?(.*)$/.exec(l);
    return (led ? led[1]! : l.trim()).trimEnd();
  });
  if (text.length > 1 && text[0]!.trim() === "") text.shift();
  if (text.length > 0 && text[text.length - 1]!.trim() === "") text.pop();
  return text.join("\n");
}
