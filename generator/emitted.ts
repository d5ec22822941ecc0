/*
 * What every target's emitter returns: a file body and where it goes. Shared
 * by generator/c/ and generator/ts/ so neither target imports the other.
 */

export interface EmittedBody {
  /** Path below the output directory, e.g. "c/kvm_regs.h". */
  readonly path: string;
  readonly body: string;
}
