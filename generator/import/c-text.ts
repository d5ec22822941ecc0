/*
 * The definitions a C header makes, found in its text: each #define (name,
 * parameters, body with its continuation lines joined) and each static
 * inline function (linkage, return type, parameters, body). Enough for the
 * shapes a kernel header writes its register cache in; not a C parser (no
 * preprocessing, no declarations, no nested functions).
 *
 * Pure: text in, definitions out, each with its offset in the text.
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
