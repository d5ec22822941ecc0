/*
 * The register cache's helpers as both C-family targets print them: the
 * availability helpers (each opening with the spec's assertion hook), the
 * bulk helpers, the raw pair and the mode-masking wrappers, and the GPR
 * family's macros and functions (masked read, raw pair, 32-bit pair). Heads
 * are laid out in kernel style, bodies are whole statements; the templates
 * print them. Only spells what core/model/ decided. Pure.
 */
import { continueLines, signature } from "./layout";
import { bitOp, cacheRegCall, familyBodies } from "./api-view";
import { ePairNames } from "../../core/spec/kernel-shape";
import type { CacheApiModel, LinkageWords, RegisterModel } from "../../core/model/types";

const VCPU = "struct kvm_vcpu *vcpu";
const REG = "enum kvm_reg reg";

/**
 * The helpers' heads and bodies, keyed as the templates use them. `bitmap`:
 * the masks are bitmaps (kernel bitops then take them as they are).
 * markForReload, testAndMark, bulk and modeWrappers are false when the api
 * does not define them.
 */
export function cacheHelperViews(api: CacheApiModel, bitmap: boolean) {
  const bit = (op: "test" | "set" | "clear" | "test_and_set", mask: string) =>
    bitOp(api, op, mask, "reg", bitmap);
  // The assertion each per-register availability helper opens with.
  const asserted = (body: string) => (api.assert ? `${api.assert.macro}(vcpu);\n\t${body}` : body);
  const link = (name: string) => api.linkage[name]!;
  const helper = (name: string, ret: string, params: readonly string[]) =>
    signature(link(name), ret, name, [VCPU, ...params]);
  const regParam = api.rawPair ? "int reg" : REG;
  const modeAware = api.modeAware;
  return {
    isAvailable: {
      head: helper("kvm_register_is_available", "bool", [REG]),
      body: asserted(`return ${bit("test", "regs_avail")};`),
    },
    isDirty: {
      head: helper("kvm_register_is_dirty", "bool", [REG]),
      body: asserted(`return ${bit("test", "regs_dirty")};`),
    },
    markAvailable: {
      head: helper("kvm_register_mark_available", "void", [REG]),
      body: asserted(`${bit("set", "regs_avail")};`),
    },
    markForReload: api.markForReload && {
      head: helper("kvm_register_mark_for_reload", "void", [REG]),
      body: asserted(`${bit("clear", "regs_avail")};\n\t${bit("clear", "regs_dirty")};`),
    },
    markDirty: {
      head: helper("kvm_register_mark_dirty", "void", [REG]),
      body: asserted(`${bit("set", "regs_avail")};\n\t${bit("set", "regs_dirty")};`),
    },
    testAndMark: api.testAndMarkAvailable && {
      head: helper("kvm_register_test_and_mark_available", "bool", [REG]),
      body: asserted(`return ${bit("test_and_set", "regs_avail")};`),
    },
    bulk: api.bulkHelpers && {
      clearHead: helper("kvm_clear_available_registers", "void", ["unsigned long clear_mask"]),
      resetHead: helper("kvm_reset_dirty_registers", "void", []),
    },
    gprCount: api.gprCount,
    modeWrappers: modeAware && {
      readHead: helper(modeAware.read, "unsigned long", [regParam]),
      writeHead: helper(modeAware.write, "void", [regParam, "unsigned long val"]),
      modeMask: modeAware.modeMask,
    },
    rawPair: api.rawPair,
    cachedRead: {
      name: api.cachedRead,
      head: helper(api.cachedRead, "unsigned long", [regParam]),
      cacheReg: cacheRegCall(api, "reg"),
    },
    cachedWrite: {
      name: api.cachedWrite,
      head: helper(api.cachedWrite, "void", [regParam, "unsigned long val"]),
    },
  };
}

/**
 * `#define <macro>(vcpu)` over `hook(<the spec's condition>)`, or undefined
 * without api.assert: the kernel's hook is lockdep_assert_once, the runtime's
 * regcache_assert_caching_allowed(vcpu, …).
 */
export function assertDefine(api: CacheApiModel, hook: (condition: string) => string) {
  return (
    api.assert &&
    continueLines([`#define ${api.assert.macro}(vcpu)`, `\t${hook(api.assert.condition)}`])
  );
}

/**
 * The mode_aware family's two macros for GPRs on one path (`direct`: plain
 * regs[] slots, else the cached path): `inner(lname, uname)` builds the masked
 * read and the raw pair, `outer(lname, uname)` the 32-bit pair and then
 * inner(r##lname, uname); outer only when `withEPair`. `gprPrefix` is pasted
 * before uname (the spec's enum.gpr_prefix).
 */
export function familyMacros(
  api: CacheApiModel,
  m: {
    readonly inner: string;
    readonly outer: string;
    readonly linkage: LinkageWords;
    readonly direct: boolean;
    readonly gprPrefix: string;
    readonly withEPair: boolean;
  },
): string {
  const uname = `${m.gprPrefix}##uname`;
  const pasted = familyBodies(api, m.direct, `vcpu->arch.regs[${uname}]`, uname);
  const innerBody = [
    `#define ${m.inner}(lname, uname)`,
    `\t${m.linkage} unsigned long`,
    `\tkvm_##lname##_read(${VCPU})`,
    "\t{",
    `\t\t${pasted.read}`,
    "\t}",
    `\t${m.linkage} unsigned long`,
    `\tkvm_##lname##_read_raw(${VCPU})`,
    "\t{",
    `\t\t${pasted.readRaw}`,
    "\t}",
    `\t${m.linkage} void`,
    `\tkvm_##lname##_write_raw(${VCPU}, unsigned long val)`,
    "\t{",
    `\t\t${pasted.writeRaw}`,
    "\t}",
  ];
  const outerBody = [
    `#define ${m.outer}(lname, uname)`,
    `\t${m.linkage} u32`,
    `\tkvm_e##lname##_read(${VCPU})`,
    "\t{",
    `\t\t${pasted.eRead}`,
    "\t}",
    `\t${m.linkage} void`,
    `\tkvm_e##lname##_write(${VCPU}, u32 val)`,
    "\t{",
    `\t\t${pasted.eWrite}`,
    "\t}",
    `\t${m.inner}(r##lname, uname)`,
  ];
  return [continueLines(innerBody), ...(m.withEPair ? ["", continueLines(outerBody)] : [])].join(
    "\n",
  );
}

/**
 * One GPR's mode_aware family written out as functions (--c-style expanded):
 * masked read, raw pair, and the 32-bit pair when `ePaired`.
 */
export function familyFunctions(
  api: CacheApiModel,
  a: { readonly register: RegisterModel; readonly read: string; readonly write: string },
  linkage: LinkageWords,
  direct: boolean,
  ePaired: boolean,
) {
  const reg = a.register.enumName;
  const body = familyBodies(api, direct, `vcpu->arch.regs[${reg}]`, reg);
  const e = ePaired ? ePairNames(a.register.name) : undefined;
  const head = (ret: string, name: string, params: string[] = []) =>
    signature(linkage, ret, name, [VCPU, ...params]);
  return [
    { head: head("unsigned long", a.read), body: body.read },
    { head: head("unsigned long", `${a.read}_raw`), body: body.readRaw },
    { head: head("void", `${a.write}_raw`, ["unsigned long val"]), body: body.writeRaw },
    ...(e
      ? [
          { head: head("u32", e.read), body: body.eRead },
          { head: head("void", e.write, ["u32 val"]), body: body.eWrite },
        ]
      : []),
  ];
}
