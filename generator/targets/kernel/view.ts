/*
 * Model → the view the kernel target's template prints: the register-cache
 * block a kernel's arch/x86/kvm/kvm_cache_regs.h includes. This module only
 * spells what core/model/kernel-block.ts decided (bit operations, the cache_reg call,
 * signatures laid out in kernel style); templates/kernel/ prints it.
 */
import { continueLines, signature } from "../render/layout";
import { bitOp, cacheRegCall, functionViews } from "../render/api-view";
import type { Model } from "../../core/model/types";

const VCPU = "struct kvm_vcpu *vcpu";

export function kernelView(model: Model): Record<string, unknown> {
  const api = model.api;
  const bit = (op: "test" | "set" | "test_and_set", mask: string, reg: string) =>
    bitOp(api, op, mask, reg);
  const cacheReg = (reg: string) => cacheRegCall(api, reg);
  const link = (name: string) => api.linkage[name]!;
  const regParam = api.rawPair ? "int reg" : "enum kvm_reg reg";
  const block = model.kernel;
  const macro = block.gprMacro;
  // --c-style expanded: the macro's accessors written out, one function each.
  const expandedAccessor = (a: (typeof macro.accessors)[number]) => ({
    readHead: signature(macro.linkage, "unsigned long", a.read, [VCPU]),
    writeHead: signature(macro.linkage, "void", a.write, [VCPU, "unsigned long val"]),
    readBody:
      macro.path === "direct"
        ? `return vcpu->arch.regs[${a.register.enumName}];`
        : `return ${api.cachedRead}(vcpu, ${a.register.enumName});`,
    writeBody:
      macro.path === "direct"
        ? `vcpu->arch.regs[${a.register.enumName}] = val;`
        : `${api.cachedWrite}(vcpu, ${a.register.enumName}, val);`,
  });
  const guardRuns = () => {
    const runs: {
      guard?: string;
      accessors: ({ name: string; upper: string } & ReturnType<typeof expandedAccessor>)[];
    }[] = [];
    for (const a of macro.accessors) {
      const last = runs[runs.length - 1];
      const item = { name: a.register.name, upper: a.register.upper, ...expandedAccessor(a) };
      if (last && last.guard === a.register.guard) last.accessors.push(item);
      else
        runs.push({ ...(a.register.guard ? { guard: a.register.guard } : {}), accessors: [item] });
    }
    return runs;
  };
  const macroBody = [
    `#define ${macro.name}(lname, uname)`,
    `\t${macro.linkage} unsigned long`,
    `\tkvm_##lname##_read(${VCPU})`,
    "\t{",
    macro.path === "direct"
      ? "\t\treturn vcpu->arch.regs[VCPU_REGS_##uname];"
      : `\t\treturn ${api.cachedRead}(vcpu, VCPU_REGS_##uname);`,
    "\t}",
    `\t${macro.linkage} void`,
    `\tkvm_##lname##_write(${VCPU}, unsigned long val)`,
    "\t{",
    macro.path === "direct"
      ? "\t\tvcpu->arch.regs[VCPU_REGS_##uname] = val;"
      : `\t\t${api.cachedWrite}(vcpu, VCPU_REGS_##uname, val);`,
    "\t}",
  ];
  const functions = functionViews(api, block.functions);
  return {
    guard: model.output.kernelGuard,
    macroFirst: block.macroFirst,
    hasMacro: macro.accessors.length > 0,
    expanded: model.options.cStyle === "expanded",
    gprMacro: continueLines(macroBody),
    macroRuns: guardRuns(),
    macroName: macro.name,
    isAvailable: {
      head: signature(link("kvm_register_is_available"), "bool", "kvm_register_is_available", [
        VCPU,
        "enum kvm_reg reg",
      ]),
      body: bit("test", "regs_avail", "reg"),
    },
    isDirty: {
      head: signature(link("kvm_register_is_dirty"), "bool", "kvm_register_is_dirty", [
        VCPU,
        "enum kvm_reg reg",
      ]),
      body: bit("test", "regs_dirty", "reg"),
    },
    markAvailable: {
      head: signature(link("kvm_register_mark_available"), "void", "kvm_register_mark_available", [
        VCPU,
        "enum kvm_reg reg",
      ]),
      body: bit("set", "regs_avail", "reg"),
    },
    markDirty: {
      head: signature(link("kvm_register_mark_dirty"), "void", "kvm_register_mark_dirty", [
        VCPU,
        "enum kvm_reg reg",
      ]),
      avail: bit("set", "regs_avail", "reg"),
      dirty: bit("set", "regs_dirty", "reg"),
    },
    testAndMark: api.testAndMarkAvailable && {
      head: signature(
        link("kvm_register_test_and_mark_available"),
        "bool",
        "kvm_register_test_and_mark_available",
        [VCPU, "enum kvm_reg reg"],
      ),
      body: bit("test_and_set", "regs_avail", "reg"),
    },
    rawPair: api.rawPair,
    cachedRead: {
      head: signature(link(api.cachedRead), "unsigned long", api.cachedRead, [VCPU, regParam]),
      cacheReg: cacheReg("reg"),
    },
    cachedWrite: {
      head: signature(link(api.cachedWrite), "void", api.cachedWrite, [
        VCPU,
        regParam,
        "unsigned long val",
      ]),
    },
    functions,
    edxEax: block.edxEax && {
      head: signature(block.edxEax, "u64", "kvm_read_edx_eax", [VCPU]),
    },
  };
}
