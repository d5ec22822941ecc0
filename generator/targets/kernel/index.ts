/*
 * The kernel target: one header, named by the spec's output.kernel_header,
 * holding the register-cache block a kernel's own header includes (docs/
 * kernel.md), printed by templates/kernel/ over view.ts's view. Reads its
 * template; rendering is pure.
 */
import { readTemplates, render } from "../render/templates";
import type { Target } from "../types";
import { kernelView } from "./view";

/** Its template below templates/: the register-cache block alone. */
export const KERNEL_TEMPLATES = ["kernel/kernel_block.h.hbs"] as const;

export const kernelTarget: Target = {
  name: "kernel",
  folder: "kernel",
  spdxLine: true,
  inputsInWords: "the spec, the template, the generator or the options",
  inputs: () => ({ templates: readTemplates(KERNEL_TEMPLATES) }),
  paths: (_inputs, names) => [names.kernelHeader],
  // emits: kvm_cache_regs_gen.h (the block between the kernel header's includes and its end)
  emit(model, inputs) {
    const view = kernelView(model);
    return inputs.templates.map((t) => ({
      path: model.output.kernelHeader,
      body: render(t, view),
    }));
  },
};
