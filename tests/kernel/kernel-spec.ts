/*
 * Where a kernel spec's block goes, read from the spec as plain YAML (not
 * through regcache's model): the generated header's name (output.kernel_header)
 * and the region of the kernel's own header it replaces (output.adopts), with
 * the defaults regcache applies when the spec says nothing.
 */
import * as fs from "fs";
import { isScalar, isSeq, parse, parseDocument } from "yaml";
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

/**
 * The spec's text with VMX's lazy list edited by `edit` (register names in,
 * register names out); the text outside the list as it was, the list in its
 * own style (flow `[a, b]` or block `- a`, comments inside it dropped). Throws when the spec has no
 * backends.vmx.lazy list.
 */
export function withVmxLazy(specText: string, edit: (lazy: string[]) => string[]): string {
  const lazy = parseDocument(specText).getIn(["backends", "vmx", "lazy"], true);
  if (!isSeq(lazy) || !lazy.range) throw new Error("the spec has no backends.vmx.lazy list");
  const regs = edit(lazy.items.map((item) => String(isScalar(item) ? item.value : item)));
  const start = lazy.range[0];
  let end = lazy.range[1];
  // A block list's range runs on over the newlines after its last item.
  while (end > start && /\s/.test(specText[end - 1]!)) end--;
  const column = start - (specText.lastIndexOf("\n", start - 1) + 1);
  const list =
    lazy.flow || regs.length === 0
      ? `[${regs.join(", ")}]`
      : regs.map((r) => `- ${r}`).join(`\n${" ".repeat(column)}`);
  return specText.slice(0, start) + list + specText.slice(end);
}
