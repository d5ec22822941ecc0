/*
 * The cache API as both C-family targets print it: bit operations on
 * regs_avail/regs_dirty in the spec's bitops, the cache_reg call in the spec's
 * dispatch, and the accessor functions' signatures in kernel style. Only
 * spells what core/model/kernel-block.ts decided. Pure.
 */
import { signature } from "./layout";
import type { CacheApiModel, FunctionModel, FunctionsModel } from "../../core/model/types";

const VCPU = "struct kvm_vcpu *vcpu";

/**
 * A bit operation on regs_avail/regs_dirty, in the spec's bitops. The
 * kernel's bitops take an unsigned long *: a bitmap is one already, a u32 or
 * u64 mask is cast to one.
 */
export function bitOp(
  api: CacheApiModel,
  op: "test" | "set" | "clear" | "test_and_set",
  mask: string,
  reg: string,
  bitmap = false,
): string {
  const kernelOps = {
    test: "test_bit",
    set: "__set_bit",
    clear: "__clear_bit",
    test_and_set: "arch___test_and_set_bit",
  };
  return api.bitops === "kernel"
    ? bitmap
      ? `${kernelOps[op]}(${reg}, vcpu->arch.${mask})`
      : `${kernelOps[op]}(${reg}, (unsigned long *)&vcpu->arch.${mask})`
    : `kvm_reg_mask_${op}(&vcpu->arch.${mask}, ${reg})`;
}

/**
 * The mode_aware family's bodies for one GPR (api.modeAware set): reading
 * `slot` straight, or through the cached path with `reg` as the register's
 * number. One statement each, the masked read, the raw pair and the 32-bit
 * pair; the macros, the expanded style and a lazy GPR's own functions all
 * print these.
 */
export function familyBodies(api: CacheApiModel, direct: boolean, slot: string, reg: string) {
  const mask = api.modeAware!;
  return {
    read: direct
      ? `return ${slot} & ${mask.modeMask}(vcpu);`
      : `return ${mask.read}(vcpu, ${reg});`,
    readRaw: direct ? `return ${slot};` : `return ${api.cachedRead}(vcpu, ${reg});`,
    writeRaw: direct ? `${slot} = val;` : `${api.cachedWrite}(vcpu, ${reg}, val);`,
    eRead: direct ? `return ${slot};` : `return (u32)${api.cachedRead}(vcpu, ${reg});`,
    eWrite: direct ? `${slot} = val;` : `${api.cachedWrite}(vcpu, ${reg}, (u32)val);`,
  };
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
      const cached = f.path === "cached";
      const family = f.family;
      const modeAware = api.modeAware;
      if (family && modeAware) {
        // The mode_aware family: masked read, raw pair, and maybe the 32-bit pair.
        const body = familyBodies(api, !cached, `vcpu->arch.regs[${r.enumName}]`, r.enumName);
        return {
          gpr: true,
          family: [
            { head: fnHead(f.read, "unsigned long", []), body: body.read },
            { head: fnHead(family.readRaw, "unsigned long", []), body: body.readRaw },
            { head: fnHead(family.writeRaw, "void", ["unsigned long val"]), body: body.writeRaw },
            ...(family.eRead && family.eWrite
              ? [
                  { head: fnHead(family.eRead, "u32", []), body: body.eRead },
                  { head: fnHead(family.eWrite, "void", ["u32 val"]), body: body.eWrite },
                ]
              : []),
          ],
        };
      }
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
      write: f.write && {
        head: fnHead(f.write, "void", [...index, `${f.type} value`]),
        markDirty: f.markDirty ? `kvm_register_mark_dirty(vcpu, ${r.enumName})` : undefined,
      },
    };
  });
}
