/*
 * The size limits of a spec, and the checks that refuse a spec past them
 * before any work that grows faster than the spec does. Each limit is far
 * above what a real kernel needs (Linux 7.2's x86 spec: 25 registers and
 * one register alias, 3 backends, 4 levels of nesting, no YAML aliases) and
 * low enough that any spec within all of them generates in seconds.
 * docs/spec.md lists them with their diagnostics. Pure.
 */
import { diagnose, type Diagnostic, type SourceFile, type Span } from "../diagnostics/diagnostic";

/** Collections nested in one another, the top-level mapping included (RC130). */
export const MAX_DEPTH = 64;
/** Alias nodes (`*name`) written in the document (RC132). */
export const MAX_ALIASES = 1_000;
/** Registers declared: registers.gpr, registers.extended and registers.aliases together (RC133). */
export const MAX_REGISTERS = 2_048;
/** Backends declared under `backends` (RC134). */
export const MAX_BACKENDS = 32;
/**
 * Registers × backends (RC136): the generated sets grow with the product,
 * so it is bounded on its own (512 registers with 32 backends, or 2,048 with 8).
 */
export const MAX_REGISTER_BACKEND_PAIRS = 16_384;
/** Characters of one doc string (RC124). */
export const MAX_DOC_LENGTH = 2_000;
/** Diagnostics reported for one spec; the rest are counted in one RC135. */
export const MAX_DIAGNOSTICS = 50;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const lengthOf = (v: unknown): number =>
  Array.isArray(v) ? v.length : isObj(v) ? Object.keys(v).length : 0;

/**
 * RC133 when the spec declares more registers than MAX_REGISTERS, RC134 when
 * it declares more backends than MAX_BACKENDS, RC136 when within both their
 * product passes MAX_REGISTER_BACKEND_PAIRS; counted on the parsed value in
 * time linear in the number of entries, before validation looks at any one.
 * `spanOf` gives the span of a path's key ("registers", "backends").
 */
export function checkSpecSize(
  file: SourceFile,
  root: Obj,
  spanOf: (key: string) => Span | undefined,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const regs = isObj(root["registers"]) ? root["registers"] : {};
  const registers = lengthOf(regs["gpr"]) + lengthOf(regs["extended"]) + lengthOf(regs["aliases"]);
  if (registers > MAX_REGISTERS)
    out.push(diagnose("RC133", file, spanOf("registers"), registers, MAX_REGISTERS));
  const backends = lengthOf(root["backends"]);
  if (backends > MAX_BACKENDS)
    out.push(diagnose("RC134", file, spanOf("backends"), backends, MAX_BACKENDS));
  if (out.length === 0 && registers * backends > MAX_REGISTER_BACKEND_PAIRS)
    out.push(
      diagnose(
        "RC136",
        file,
        spanOf("backends"),
        registers,
        backends,
        registers * backends,
        MAX_REGISTER_BACKEND_PAIRS,
      ),
    );
  return out;
}

/**
 * Collects diagnostics up to MAX_DIAGNOSTICS; past that it only counts them,
 * so a spec with 50,000 problems costs no more than one with 50 to report
 * (a diagnostic's hint and its line number cost time to work out: `wanted()`
 * says whether one more would be kept). `all()` ends with RC135 naming how
 * many were left out.
 */
export class DiagnosticList {
  private readonly kept: Diagnostic[] = [];
  private dropped = 0;
  private droppedBesidesDuplicateKeys = false;

  /** `leftOut`: diagnostics an earlier stage already left out of its own list. */
  constructor(
    private readonly file: SourceFile,
    leftOut = 0,
  ) {
    this.dropped = leftOut;
  }

  /** Whether the next diagnostic is kept. */
  wanted(): boolean {
    return this.kept.length < MAX_DIAGNOSTICS;
  }

  push(...diagnostics: readonly Diagnostic[]): void {
    for (const d of diagnostics) {
      if (this.wanted()) this.kept.push(d);
      else this.skip(d.code);
    }
  }

  /** Counts a diagnostic of this code that was not built because it would not be kept. */
  skip(code: string): void {
    this.dropped++;
    if (code !== "RC101") this.droppedBesidesDuplicateKeys = true;
  }

  /** How many were left out. */
  get leftOut(): number {
    return this.dropped;
  }

  get length(): number {
    return this.kept.length + this.dropped;
  }

  /** Whether any diagnostic is not RC101 (a duplicate key, which does not stop the parse). */
  someBesidesDuplicateKeys(): boolean {
    return this.droppedBesidesDuplicateKeys || this.kept.some((d) => d.code !== "RC101");
  }

  /** The kept diagnostics, without RC135. */
  shown(): Diagnostic[] {
    return [...this.kept];
  }

  /** The kept diagnostics, then RC135 when some were left out. */
  all(): Diagnostic[] {
    if (this.dropped === 0) return [...this.kept];
    // At the end of the text: printed after the problems shown, which are sorted by position.
    const end = { start: this.file.text.length, end: this.file.text.length };
    return [
      ...this.kept,
      { ...diagnose("RC135", this.file, end, this.dropped), omitted: this.dropped },
    ];
  }
}
