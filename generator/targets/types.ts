/*
 * What a target is and what it produces. Every target (c/, kernel/, ts/ below
 * targets/) is one Target: the inputs that shape its bytes besides the model,
 * the files it writes, and how it prints them. Its emitter returns bodies and
 * where they go; with the banner over its body, a body is a generated file.
 * Shared by every target, by generation, by the writer and by the drift
 * check, so none of them imports another for it. Types only.
 */
import type { Model } from "../core/model/types";
import type { TargetName } from "../core/spec/kernel-sections";

export type { TargetName };

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

/** A template's path below templates/ (e.g. "c/kvm_regs.h.hbs") and its text. */
export interface TemplateSource {
  readonly name: string;
  readonly text: string;
}

/** What shapes a target's bytes besides the spec and the options: hashed into its input hash. */
export interface TargetInputs {
  /** Its Handlebars templates (none for the TypeScript target). */
  readonly templates: readonly TemplateSource[];
  /** The emitter's own version and the libraries that shape its bytes, by name. */
  readonly tools?: Readonly<Record<string, string>>;
}

/** The file names a spec chooses (its `output` section), known before its model is built. */
export interface OutputNames {
  /** The kernel target's header, e.g. "kvm_cache_regs_gen.h". */
  readonly kernelHeader: string;
}

/** One target: adding a target adds one folder below targets/ and one entry in targets/index.ts. */
export interface Target {
  readonly name: TargetName;
  /**
   * Its folder below targets/, holding the code only it runs. The digest of
   * another target's code leaves this folder out (generate/digest.ts), so an
   * edit here changes only this target's input hash.
   */
  readonly folder: string;
  /** Whether its files open with the spec's SPDX line (output.spdx), when the spec gives one. */
  readonly spdxLine: boolean;
  /**
   * What shapes its files, in words, for `check` to say of a file whose
   * banner records other inputs that these changed: "the spec, the
   * templates, the generator or the options".
   */
  readonly inputsInWords: string;
  /** Reads the target's inputs now; a template that cannot be read throws the file system's error. */
  inputs(): TargetInputs;
  /** The files it writes, below the output directory, known without the model. */
  paths(inputs: TargetInputs, names: OutputNames): readonly string[];
  /** Model → file bodies, without banners; synchronous for the C-family targets. */
  emit(model: Model, inputs: TargetInputs): EmittedBody[] | Promise<EmittedBody[]>;
}
