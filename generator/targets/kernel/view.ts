/*
 * Model → the view the kernel target's template prints: the register-cache
 * block a kernel's arch/x86/kvm/kvm_cache_regs.h includes. This module only
 * spells what model-api.ts decided (bit operations, the cache_reg call,
 * signatures laid out in kernel style); templates/kernel/ prints it.
 */
import { continueLines, signature } from "../c/layout";
import type { Model } from "../../core/model/types";
import type { CacheApiModel, FunctionModel, FunctionsModel } from "../../core/model/types";

const VCPU = "struct kvm_vcpu *vcpu";

/** A bit operation on regs_avail/regs_dirty, in the spec's bitops. */
export function bitOp(
  api: CacheApiModel,
  op: "test" | "set" | "clear" | "test_and_set",
  mask: string,
  reg: string,
): string {
  const kernelOps = {
    test: "test_bit",
    set: "__set_bit",
    clear: "__clear_bit",
    test_and_set: "arch___test_and_set_bit",
  };
  return api.bitops === "kernel"
    ? `${kernelOps[op]}(${reg}, (unsigned long *)&vcpu->arch.${mask})`
    : `kvm_reg_mask_${op}(&vcpu->arch.${mask}, ${reg})`;
}

/** The call of the backend's cache_reg, as the spec reaches it. */
export function cacheRegCall(api: CacheApiModel, reg: string): string {
  return {
    ops_pointer: `kvm_x86_ops->cache_reg(vcpu, ${reg})`,
    static_call: `static_call(kvm_x86_cache_reg)(vcpu, ${reg})`,
    kvm_x86_call: `kvm_x86_call(cache_reg)(vcpu, ${reg})`,
  }[api.cacheReg];
}

/** Each accessor function's head and body pieces, for the {{#each functions}} of both C templates. */
export function functionViews(api: CacheApiModel, functions: readonly FunctionsModel[]) {
  const fnHead = (f: FunctionModel, ret: string, params: string[]) =>
    signature(f.linkage, ret, f.name, [VCPU, ...params]);
  return functions.map((f: FunctionsModel) => {
    const r = f.register;
    if (f.kind === "gpr") {
      return {
        gpr: true,
        readHead: fnHead(f.read, "unsigned long", []),
        writeHead: fnHead(f.write, "void", ["unsigned long val"]),
        readBody:
          f.path === "cached"
            ? `return ${api.cachedRead}(vcpu, ${r.enumName});`
            : `return vcpu->arch.regs[${r.enumName}];`,
        writeBody:
          f.path === "cached"
            ? `${api.cachedWrite}(vcpu, ${r.enumName}, val);`
            : `vcpu->arch.regs[${r.enumName}] = val;`,
      };
    }
    const cached = f.path === "cached";
    const index = f.indexed ? ["int index"] : [];
    const slot = `vcpu->arch.${f.field}${f.indexed ? "[index]" : ""}`;
    const bitParam = `${f.register.name}_bit`;
    return {
      gpr: false,
      doc: f.doc,
      cached,
      test: `!kvm_register_is_available(vcpu, ${r.enumName})`,
      cacheReg: cacheRegCall(api, r.enumName),
      mightSleep: f.mightSleep,
      slot,
      readBits: f.readBits && {
        head: fnHead(f.readBits, f.type, [`${f.type} mask`]),
        guestBits: `mask & ${f.guestOwned!.possible}`,
        owned: `vcpu->arch.${f.guestOwned!.owned}`,
        type: f.type,
      },
      isBitSet: f.isBitSet && {
        head: fnHead(f.isBitSet, "bool", [`unsigned long ${bitParam}`]),
        param: bitParam,
        readBits: f.readBits!.name,
      },
      read: f.read && {
        head: fnHead(f.read, f.type, index),
        // With guest-owned bits, the whole value is every bit through read_bits.
        viaBits: f.readBits ? f.readBits.name : undefined,
      },
      write: f.write && { head: fnHead(f.write, "void", [...index, `${f.type} value`]) },
    };
  });
}

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
