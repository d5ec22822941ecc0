/*
 * Where a kernel spec's block goes, read from the spec as plain YAML (not
 * through regcache's model): the generated header's name (output.kernel_header)
 * and the region of the kernel's own header it replaces (output.adopts), with
 * the defaults regcache applies when the spec says nothing.
 */
import * as fs from "fs";
import { parse } from "yaml";
import {
  DEFAULT_ADOPTS,
  DEFAULT_OUTPUT,
  type SpecAdopts,
} from "../../generator/core/spec/kernel-sections";

export interface KernelOutput {
  /** File name of the generated header, beside the adopted one. */
  readonly kernelHeader: string;
  readonly adopts: SpecAdopts;
}

export function kernelOutput(specText: string): KernelOutput {
  const doc = parse(specText) as {
    output?: { kernel_header?: string; adopts?: SpecAdopts };
  };
  return {
    kernelHeader: doc.output?.kernel_header ?? DEFAULT_OUTPUT.kernelHeader,
    adopts: doc.output?.adopts ?? DEFAULT_ADOPTS,
  };
}

export const kernelOutputOf = (specFile: string): KernelOutput =>
  kernelOutput(fs.readFileSync(specFile, "utf8"));
