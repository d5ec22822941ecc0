/*
 * The c target: the C headers regcache's runtime compiles against,
 * c/kvm_regs.h and c/kvm_cache_regs.h, printed by templates/c/ over
 * view.ts's view. Reads its templates; rendering is pure.
 */
import { readTemplates, render } from "../render/templates";
import type { Target } from "../types";
import { cView } from "./view";

/** Its templates below templates/, each named after the file it prints. */
export const C_TEMPLATES = ["c/kvm_regs.h.hbs", "c/kvm_cache_regs.h.hbs"] as const;

export const cTarget: Target = {
  name: "c",
  folder: "c",
  spdxLine: true,
  inputsInWords: "the spec, the templates, the generator or the options",
  inputs: () => ({ templates: readTemplates(C_TEMPLATES) }),
  paths: (inputs) => inputs.templates.map((t) => t.name.replace(/\.hbs$/, "")),
  // emits: c/kvm_regs.h (the enum, the masks, the backend sets), c/kvm_cache_regs.h (the accessors)
  emit(model, inputs) {
    const view = cView(model);
    return inputs.templates.map((t) => ({
      path: t.name.replace(/\.hbs$/, ""),
      body: render(t, view),
    }));
  },
};
