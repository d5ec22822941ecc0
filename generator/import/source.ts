/*
 * What only the source text can tell: which enumerators `enum kvm_reg`
 * declares, in which order and under which preprocessor guard, and where each
 * backend's register-set macro is defined. No value is read here — the
 * compiler evaluates every enumerator and every set (probe.ts); this module
 * only names what to ask for.
 *
 * Pure: file texts in, findings or diagnostics out.
 */
import { diagnose, type Diagnostic, type SourceFile } from "../core/diagnostics/diagnostic";

export interface Enumerator {
  /** The C identifier, e.g. VCPU_REGS_R8. */
  readonly identifier: string;
  /** Offset of the identifier in the header, for diagnostics. */
  readonly offset: number;
  /** The guarding macro, e.g. CONFIG_X86_64, when the line sits under one. */
  readonly guard?: string;
  /** The guard's directive exactly as the header writes it, for the probe to repeat. */
  readonly guardDirective?: string;
}

export interface RegisterEnum {
  readonly header: SourceFile;
  readonly enumerators: readonly Enumerator[];
}

export type EnumResult =
  | { readonly ok: true; readonly value: RegisterEnum }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** The text with comments blanked out (same length, line breaks kept), so offsets stay true. */
export function blankComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (c) => c.replace(/[^\n]/g, " "));
}

/** `#ifdef X`, `#if defined(X)`, `#if defined X`, `#if IS_ENABLED(X)`: the macro X. */
const POSITIVE_GUARD =
  /^#\s*(?:ifdef\s+([A-Za-z_]\w*)|if\s+(?:defined\s*\(\s*([A-Za-z_]\w*)\s*\)|defined\s+([A-Za-z_]\w*)|IS_ENABLED\s*\(\s*([A-Za-z_]\w*)\s*\)))\s*$/;

/**
 * Finds `enum kvm_reg { … }` in the header and lists its enumerators with
 * their guards. A guard the spec cannot express (#ifndef, #else, nesting, an
 * expression) is reported, not guessed at.
 */
export function readRegisterEnum(header: SourceFile): EnumResult {
  const text = blankComments(header.text);
  const open = /\benum\s+kvm_reg\s*\{/.exec(text);
  if (!open) {
    return {
      ok: false,
      diagnostics: [diagnose("RC804", header, undefined, header.displayPath)],
    };
  }
  const bodyStart = open.index + open[0].length;
  const bodyEnd = text.indexOf("}", bodyStart);
  if (bodyEnd < 0) {
    const span = { start: open.index, end: bodyStart };
    return {
      ok: false,
      diagnostics: [
        diagnose("RC805", header, span, header.displayPath, "the enum has no closing brace"),
      ],
    };
  }
  const diagnostics: Diagnostic[] = [];
  const enumerators: Enumerator[] = [];
  const guards: { macro?: string; directive: string }[] = [];
  let lineStart = bodyStart;
  for (const line of text.slice(bodyStart, bodyEnd).split("\n")) {
    const offset = lineStart;
    lineStart += line.length + 1;
    const trimmed = line.trim();
    if (trimmed.startsWith("#")) {
      const span = { start: offset + line.indexOf("#"), end: offset + line.length };
      const directive = trimmed.replace(/\s+/g, " ");
      if (/^#\s*endif\b/.test(trimmed)) {
        guards.pop();
        continue;
      }
      const m = POSITIVE_GUARD.exec(trimmed);
      const macro = m ? (m[1] ?? m[2] ?? m[3] ?? m[4]) : undefined;
      if (/^#\s*if/.test(trimmed)) guards.push({ macro, directive });
      if (!macro || guards.length > 1) {
        const why = macro
          ? "nested preprocessor guards inside the enum"
          : `'${directive}' is not a guard the spec can express (it takes '#ifdef MACRO')`;
        diagnostics.push(diagnose("RC805", header, span, header.displayPath, why));
      }
      continue;
    }
    let at = offset;
    for (const piece of line.split(",")) {
      const m = /^(\s*)([A-Za-z_]\w*)\s*(=[^]*)?$/.exec(piece);
      if (m) {
        const guard = guards[guards.length - 1];
        enumerators.push({
          identifier: m[2],
          offset: at + m[1].length,
          ...(guard?.macro ? { guard: guard.macro, guardDirective: guard.directive } : {}),
        });
      } else if (piece.trim() !== "") {
        const span = { start: at, end: at + piece.length };
        diagnostics.push(
          diagnose(
            "RC805",
            header,
            span,
            header.displayPath,
            `cannot read an enumerator in '${piece.trim()}'`,
          ),
        );
      }
      at += piece.length + 1;
    }
  }
  return diagnostics.length
    ? { ok: false, diagnostics }
    : { ok: true, value: { header, enumerators } };
}

export type SetKind = "lazy" | "available";

export interface SetMacro {
  /** e.g. VMX_REGS_LAZY_LOAD_SET. */
  readonly macro: string;
  /** The backend, lower case: vmx. */
  readonly backend: string;
  readonly kind: SetKind;
  /** The file whose text defines it (as given to findSetMacros). */
  readonly file: string;
}

const SET_DEFINE =
  /^[ \t]*#[ \t]*define[ \t]+(([A-Z][A-Z0-9]*)_REGS_(LAZY_LOAD|AVAIL)_SET)(?![\w(])/gm;

/**
 * Every `#define <BACKEND>_REGS_LAZY_LOAD_SET` / `<BACKEND>_REGS_AVAIL_SET`
 * (object-like) in the given files, first definition of each name, sorted by
 * macro name. Which value it has is the compiler's business.
 */
export function findSetMacros(files: readonly { path: string; text: string }[]): SetMacro[] {
  const found = new Map<string, SetMacro>();
  for (const f of files) {
    for (const m of blankComments(f.text).matchAll(SET_DEFINE)) {
      if (found.has(m[1])) continue;
      found.set(m[1], {
        macro: m[1],
        backend: m[2].toLowerCase(),
        kind: m[3] === "AVAIL" ? "available" : "lazy",
        file: f.path,
      });
    }
  }
  return [...found.values()].sort((a, b) => (a.macro < b.macro ? -1 : a.macro > b.macro ? 1 : 0));
}

/**
 * The kernel version from the top-level Makefile's VERSION, PATCHLEVEL,
 * SUBLEVEL and EXTRAVERSION lines, for a build whose utsrelease.h the probe
 * could not include. Undefined when the Makefile has no VERSION line.
 */
export function makefileRelease(makefile: string): string | undefined {
  const get = (key: string) =>
    new RegExp(`^${key}[ \\t]*=[ \\t]*(\\S*)[ \\t]*$`, "m").exec(makefile)?.[1];
  const version = get("VERSION");
  if (!version) return undefined;
  const parts = [version, get("PATCHLEVEL"), get("SUBLEVEL")].filter(
    (p) => p !== undefined && p !== "",
  );
  return parts.join(".") + (get("EXTRAVERSION") ?? "");
}
