/*
 * The ts target: ts/registers.ts, the register cache as TypeScript for the
 * simulator and its tests (emit.ts). Its bytes depend on the emitter's own
 * version and on the ts-morph and prettier versions, which load only when it
 * emits.
 */
import type { Target } from "../types";
import { emitTs, TS_EMITTER_ID, TS_OUTPUT_PATH, tsToolVersions } from "./emit";

export const tsTarget: Target = {
  name: "ts",
  folder: "ts",
  spdxLine: false, // output.spdx heads each C file (docs/spec.md), not this one
  inputsInWords: "the spec, the generator, ts-morph or prettier, or the options",
  inputs: () => ({ templates: [], tools: { emitter: TS_EMITTER_ID, ...tsToolVersions() } }),
  paths: () => [TS_OUTPUT_PATH],
  // emits: ts/registers.ts
  emit: (model) => emitTs(model),
};
