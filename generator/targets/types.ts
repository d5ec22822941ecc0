/*
 * What a target produces: each emitter returns bodies and where they go; with
 * the banner over its body, a body is a generated file. Shared by every
 * target, by generation, by the writer and by the drift check, so none of
 * them imports another for it.
 */

export interface EmittedBody {
  /** Path below the output directory, e.g. "c/kvm_regs.h". */
  readonly path: string;
  readonly body: string;
}

/** A generated file: a body under its banner. */
export interface GeneratedFile {
  /** Below the output directory, with forward slashes: "c/kvm_regs.h", "kvm_cache_regs_gen.h". */
  readonly path: string;
  readonly contents: string;
}
