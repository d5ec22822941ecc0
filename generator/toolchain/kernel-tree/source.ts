/*
 * What only the source text can tell: which enumerators `enum kvm_reg`
 * declares, in which order and under which preprocessor guard, where each
 * backend's register-set macro is defined, and whether its registers are lazy
 * or available (from how the set is used). No value is read here — the
 * compiler evaluates every enumerator and every set (probe.ts); this module
 * only names what to ask for.
 *
 * Pure: file texts in, findings or diagnostics out.
 */
import {
  diagnose,
  lineColOf,
  type Diagnostic,
  type SourceFile,
} from "../../core/diagnostics/diagnostic";
import { byCodeUnit } from "../../util/order";

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

/** A backend's register-set macro, as its definition names it. */
export interface SetDefinition {
  /** e.g. VMX_REGS_LAZY_LOAD_SET. */
  readonly macro: string;
  /** The backend, lower case: vmx. */
  readonly backend: string;
  /** The file whose text defines it (as given to findSetMacros). */
  readonly file: string;
  /** Offset of the macro's name in that file, for diagnostics. */
  readonly offset: number;
}

/** A set and what its registers are to the backend, as the set's uses say. */
export interface SetMacro extends SetDefinition {
  readonly kind: SetKind;
}

const SET_DEFINE =
  /^[ \t]*#[ \t]*define[ \t]+(([A-Z][A-Z0-9]*)_REGS_(?:LAZY_LOAD|AVAIL)_SET)(?![\w(])/gm;

/**
 * Every `#define <BACKEND>_REGS_LAZY_LOAD_SET` / `<BACKEND>_REGS_AVAIL_SET`
 * (object-like) in the given files, first definition of each name, sorted by
 * macro name. Which value it has is the compiler's business, and whether its
 * registers are lazy or available is its uses' (setKinds).
 */
export function findSetMacros(files: readonly { path: string; text: string }[]): SetDefinition[] {
  const found = new Map<string, SetDefinition>();
  for (const f of files) {
    for (const m of blankComments(f.text).matchAll(SET_DEFINE)) {
      if (found.has(m[1])) continue;
      found.set(m[1], {
        macro: m[1],
        backend: m[2].toLowerCase(),
        file: f.path,
        offset: m.index + m[0].length - m[1].length,
      });
    }
  }
  return [...found.values()].sort((a, b) => byCodeUnit(a.macro, b.macro));
}

/**
 * The ways a kernel applies a set to regs_avail after VM-exit, and what each
 * says of the set's registers. Clearing the set's bits leaves its registers
 * stale until cache_reg fetches them: they are lazy. Clearing every other bit
 * (the set complemented) keeps just its registers: they are available.
 * `complemented` is whether the set appears under `~`.
 */
const SET_USES: readonly {
  readonly form: (macro: string) => RegExp;
  readonly kind: (complemented: boolean) => SetKind;
}[] = [
  {
    // Linux 7.2: kvm_clear_available_registers(vcpu, VMX_REGS_LAZY_LOAD_SET),
    // kvm_clear_available_registers(vcpu, ~TDX_REGS_AVAIL_SET).
    form: (macro) =>
      new RegExp(
        `\\bkvm_clear_available_registers\\s*\\([^,()]*,\\s*(~?)\\s*\\(?\\s*${macro}\\s*\\)?\\s*\\)`,
        "g",
      ),
    kind: (complemented) => (complemented ? "available" : "lazy"),
  },
  {
    // Linux 6.x: regs_avail &= ~VMX_REGS_LAZY_LOAD_SET; regs_avail = ~VMX_REGS_LAZY_LOAD_SET.
    form: (macro) =>
      new RegExp(
        `\\bregs_avail(?:\\s*\\[\\s*0\\s*\\])?\\s*&?=\\s*(~?)\\s*\\(?\\s*${macro}\\b`,
        "g",
      ),
    kind: (complemented) => (complemented ? "lazy" : "available"),
  },
];

/** Where a set is used, and what that use says. */
export interface SetUse {
  readonly file: SourceFile;
  readonly offset: number;
  readonly kind: SetKind;
}

export type SetKindsResult =
  | { readonly ok: true; readonly sets: readonly SetMacro[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/**
 * What each set's registers are, read from where the set is used — never from
 * its name: a set is lazy when a use clears its bits from regs_avail, and
 * available when a use clears every other bit. A set no file uses so, or whose
 * uses disagree, is RC815. `files` holds every source the uses may be in, by
 * the path findSetMacros was given.
 */
export function setKinds(
  sets: readonly SetDefinition[],
  files: ReadonlyMap<string, SourceFile>,
): SetKindsResult {
  const blanked = [...files].map(([p, f]) => ({ path: p, file: f, code: blankComments(f.text) }));
  const diagnostics: Diagnostic[] = [];
  const out: SetMacro[] = [];
  for (const set of sets) {
    const uses: SetUse[] = [];
    for (const f of blanked) {
      for (const use of SET_USES) {
        for (const m of f.code.matchAll(use.form(set.macro)))
          uses.push({ file: f.file, offset: m.index, kind: use.kind(m[1] === "~") });
      }
    }
    // In file order, then text order, so the message reads the same on every machine.
    uses.sort(
      (a, b) =>
        blanked.findIndex((f) => f.file === a.file) - blanked.findIndex((f) => f.file === b.file) ||
        a.offset - b.offset,
    );
    const file = files.get(set.file) ?? { displayPath: set.file, text: "" };
    const span = { start: set.offset, end: set.offset + set.macro.length };
    const kinds = new Set(uses.map((u) => u.kind));
    if (kinds.size === 1) {
      out.push({ ...set, kind: uses[0].kind });
      continue;
    }
    const at = (u: SetUse) =>
      `${u.file.displayPath}:${lineColOf(u.file.text, u.offset).line} (${u.kind === "lazy" ? "clears it" : "keeps only it"})`;
    const why =
      uses.length === 0
        ? `no file below arch/x86/kvm/ applies it to regs_avail (looked in ${files.size} files)`
        : `its uses disagree: ${uses.map(at).join(", ")}`;
    diagnostics.push(diagnose("RC815", file, span, set.macro, why));
  }
  return diagnostics.length ? { ok: false, diagnostics } : { ok: true, sets: out };
}

/**
 * The kernel version from the top-level Makefile's VERSION, PATCHLEVEL,
 * SUBLEVEL and EXTRAVERSION lines ("6.12.57", "7.2.0-rc3"): the tree's own
 * version, without what a build appends (CONFIG_LOCALVERSION, the
 * `-g<sha>-dirty` of scripts/setlocalversion). Undefined when the Makefile has
 * no VERSION line.
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

/**
 * The version an imported spec names: the Makefile's (makefileRelease) when it
 * has one, else the leading "major.minor[.sublevel][-rcN]" of the build's
 * UTS_RELEASE, so nothing a build appends (a local version, a git hash, a
 * `-dirty` mark) reaches the spec and it does not change on every commit.
 * "" when neither says.
 */
export function treeRelease(makefile: string | undefined, utsRelease: string): string {
  const fromMakefile = makefile === undefined ? undefined : makefileRelease(makefile);
  if (fromMakefile) return fromMakefile;
  return /^\d+\.\d+(\.\d+)?(-rc\d+)?/.exec(utsRelease)?.[0] ?? "";
}
