/*
 * What a spec's api and accessors sections add to the TypeScript target
 * (generator/targets/ts/extended.ts): cacheReg through the vCPU's ops or a
 * static call installed once, WARN_ON_ONCE for the raw pair, the
 * possibly-guest-owned CR bits by value, and each extended register's reader,
 * writer, read_bits and is_bit_set. Checked by what the builders return and
 * by running the printed file against a backend that counts its calls.
 */
import { KERNEL_CONSTANTS } from "../../../../generator/core/kernel";
import { printRegistersSource, tsContext } from "../../../../generator/targets/ts/emit";
import {
  cacheRegCall,
  dispatch,
  extendedAccessors,
  extendedFunctions,
  guestOwnedConstants,
  warnings,
} from "../../../../generator/targets/ts/extended";
import { linux72, modelOf } from "../spec-model";
import { load, tsSpec, type Loaded } from "./load";

const ctxOf = (api?: string) => tsContext(modelOf(tsSpec(api)));

/** A vCPU whose backend's cacheReg records the register and marks it available. */
function vcpuOf(r: Loaded, staticCall: boolean) {
  const calls: number[] = [];
  const cacheReg = (vcpu: Loaded, reg: number) => {
    calls.push(reg);
    r["markAvailable"](vcpu, reg);
  };
  const ops = { cacheReg: staticCall ? () => calls.push(-1) : cacheReg };
  if (staticCall) r["staticCallUpdate"](cacheReg);
  return { calls, vcpu: r["createVcpu"](ops) as Loaded };
}

describe("how cacheReg is reached", () => {
  test.each([
    ["cache_reg: ops_pointer", "vcpu.kvmX86Ops.cacheReg(vcpu, Reg.CR3);", 0],
    ["cache_reg: static_call", "staticCall.kvmX86CacheReg(vcpu, Reg.CR3);", 2],
    ["cache_reg: kvm_x86_call", "staticCall.kvmX86CacheReg(vcpu, Reg.CR3);", 2],
  ])("%s: %s, with %i dispatch declarations", (api, call, n) => {
    const ctx = ctxOf(api);
    expect(cacheRegCall(ctx, "Reg.CR3")).toBe(call);
    expect(dispatch(ctx)).toHaveLength(n);
  });

  test("the static call names the kernel's spelling, and throws until a backend is installed", () => {
    const docOf = (api: string) => {
      const ctx = ctxOf(api);
      return ctx.print({ kind: ctx.kinds.SourceFile, statements: dispatch(ctx) as never });
    };
    expect(docOf("cache_reg: kvm_x86_call")).toContain("kvm_x86_call(cache_reg): every call site");
    expect(docOf("cache_reg: static_call")).toContain(
      "static_call(kvm_x86_cache_reg): every call site",
    );
    const r = load(printRegistersSource(modelOf(tsSpec("cache_reg: static_call"))));
    const vcpu = r["createVcpu"]({ cacheReg: () => undefined });
    expect(() => r["readCr3"](vcpu)).toThrow("static call kvm_x86_cache_reg: no backend installed");
  });

  test("with a static call, the installed function is called, not the vCPU's ops", () => {
    const r = load(printRegistersSource(modelOf(tsSpec("cache_reg: static_call"))));
    const { calls, vcpu } = vcpuOf(r, true);
    r["readCr3"](vcpu);
    expect(calls).toEqual([r["Reg"]["CR3"]]);
  });
});

test("WARN_ON_ONCE and warnOnce only with the raw pair; a site reports the first time only", () => {
  expect(warnings(ctxOf("raw_pair: false"))).toEqual([]);
  expect(warnings(ctxOf("raw_pair: true"))).toHaveLength(2);
  const r = load(printRegistersSource(modelOf(tsSpec("raw_pair: true"))));
  const seen: string[] = [];
  r["WARN_ON_ONCE"].handler = (site: string) => seen.push(site);
  expect([
    r["warnOnce"](false, "a"),
    r["warnOnce"](true, "a"),
    r["warnOnce"](true, "a"),
    r["warnOnce"](true, "b"),
  ]).toEqual([false, true, true, true]);
  expect(seen).toEqual(["a", "b"]);
});

test("each guest-owned constant named once, by its value", () => {
  // Two registers gated on the same constant.
  const spec = [
    ...tsSpec().map((l) =>
      l.replace("extended: [pdptr, cr0, cr3, cr8]", "extended: [pdptr, cr0, cr3, cr8, cr4]"),
    ),
    "  - register: cr4",
    "    field: cr4",
    "    guest_owned: { possible: KVM_POSSIBLE_CR0_GUEST_BITS, owned: cr4_owned }",
    "    read_bits: kvm_read_cr4_bits",
  ];
  const ctx = tsContext(modelOf(spec));
  const text = ctx.print({
    kind: ctx.kinds.SourceFile,
    statements: guestOwnedConstants(ctx) as never,
  });
  expect(text.match(/export const \w+ = \w+;/g)).toEqual([
    "export const KVM_POSSIBLE_CR0_GUEST_BITS = 0x10008n;",
  ]);
  expect(text).toContain(KERNEL_CONSTANTS["KVM_POSSIBLE_CR0_GUEST_BITS"]!.doc.slice(0, 20));
  const r = load(printRegistersSource(modelOf(tsSpec())));
  expect(r["KVM_POSSIBLE_CR0_GUEST_BITS"]).toBe(
    KERNEL_CONSTANTS["KVM_POSSIBLE_CR0_GUEST_BITS"]!.value,
  );
  const none = tsContext(modelOf(tsSpec().slice(0, 13)));
  expect(guestOwnedConstants(none)).toEqual([]);
});

test("a constant the spec gives a value for is printed with that value, regcache's own or not", () => {
  const spec = tsSpec().map((l) =>
    l.replace("owned: cr0_guest_owned_bits }", "owned: cr0_guest_owned_bits, value: 0x80008 }"),
  );
  const ctx = tsContext(modelOf(spec));
  const text = ctx.print({
    kind: ctx.kinds.SourceFile,
    statements: guestOwnedConstants(ctx) as never,
  });
  expect(text).toBe(
    "/** The bits a backend may let the guest own, as the spec gives them. */\nexport const KVM_POSSIBLE_CR0_GUEST_BITS = 0x80008n;\n",
  );
  const r = load(printRegistersSource(modelOf(spec)));
  const vcpu = r["createVcpu"]({ cacheReg: () => undefined });
  vcpu.arch.cr0GuestOwnedBits = 0x80000n;
  let calls = 0;
  r["staticCallUpdate"](() => calls++);
  // Bit 19 is the guest's under the spec's value (not under regcache's own): cacheReg is called.
  r["readCr0Bits"](vcpu, 0x80000n);
  expect(calls).toBe(1);
});

describe("the extended registers' functions", () => {
  test("in the spec's order: reader, writer; read_bits, is_bit_set, then the reader through them", () => {
    const ctx = ctxOf();
    expect(extendedFunctions(ctx).map((f) => f.register.name)).toEqual([
      "pdptr",
      "cr0",
      "cr3",
      "cr8",
    ]);
    expect(extendedAccessors(ctx).map((f) => f.name)).toEqual([
      "pdptrRead",
      "pdptrWrite",
      "readCr0Bits",
      "isCr0BitSet",
      "readCr0",
      "readCr3",
      "writeCr3",
      "getCr8",
      "setCr8",
    ]);
  });

  let r: Loaded;
  beforeEach(() => {
    r = load(printRegistersSource(modelOf(tsSpec("cache_reg: ops_pointer"))));
  });

  test("a lazily loaded register's reader calls cacheReg only while it is not available", () => {
    const { calls, vcpu } = vcpuOf(r, false);
    vcpu.arch.cr3 = 0x1000n;
    expect(r["readCr3"](vcpu)).toBe(0x1000n);
    expect(r["readCr3"](vcpu)).toBe(0x1000n);
    expect(calls).toEqual([r["Reg"]["CR3"]]);
  });

  test("an always-available register's reader never calls it", () => {
    const { calls, vcpu } = vcpuOf(r, false);
    vcpu.arch.cr8 = 3n;
    expect(r["getCr8"](vcpu)).toBe(3n);
    expect(calls).toEqual([]);
  });

  test("a writer stores into the field, wrapped to the field's type, with no dirty bit", () => {
    const { vcpu } = vcpuOf(r, false);
    r["setCr8"](vcpu, 2n ** 32n + 7n);
    expect(vcpu.arch.cr8).toBe(7n);
    r["writeCr3"](vcpu, 2n ** 64n + 9n);
    expect(vcpu.arch.cr3).toBe(9n);
    expect(r["isDirty"](vcpu, r["Reg"]["CR3"])).toBe(false);
  });

  test("an indexed field is read and written at its index", () => {
    const { calls, vcpu } = vcpuOf(r, false);
    r["pdptrWrite"](vcpu, 2, 0xabcn);
    expect(vcpu.arch.walkMmu.pdptrs[2]).toBe(0xabcn);
    expect(r["pdptrRead"](vcpu, 2)).toBe(0xabcn);
    expect(r["pdptrRead"](vcpu, 0)).toBe(0n);
    expect(calls).toEqual([r["Reg"]["PDPTR"]]);
  });

  test("read_bits calls cacheReg only for bits the guest may own now, and masks what it returns", () => {
    const { calls, vcpu } = vcpuOf(r, false);
    const CR0_TS = 0x8n;
    const CR0_PE = 0x1n;
    vcpu.arch.cr0 = 0xffn;
    // Not owned by the guest: the cached value serves.
    expect(r["readCr0Bits"](vcpu, CR0_TS)).toBe(CR0_TS);
    expect(calls).toEqual([]);
    vcpu.arch.cr0GuestOwnedBits = CR0_TS;
    // A bit the guest cannot own never needs the hardware's value.
    expect(r["readCr0Bits"](vcpu, CR0_PE)).toBe(CR0_PE);
    expect(calls).toEqual([]);
    expect(r["readCr0Bits"](vcpu, CR0_TS | CR0_PE)).toBe(CR0_TS | CR0_PE);
    expect(calls).toEqual([r["Reg"]["CR0"]]);
    // Available now: no second call.
    r["readCr0Bits"](vcpu, CR0_TS);
    expect(calls).toHaveLength(1);
    expect(r["readCr0"](vcpu)).toBe(0xffn);
  });

  test("is_bit_set tests one bit, and refuses anything else", () => {
    const { vcpu } = vcpuOf(r, false);
    vcpu.arch.cr0 = 0x10000n;
    expect(r["isCr0BitSet"](vcpu, 0x10000n)).toBe(true);
    expect(r["isCr0BitSet"](vcpu, 0x8n)).toBe(false);
    for (const bad of [0n, 3n, -8n])
      expect(() => r["isCr0BitSet"](vcpu, bad)).toThrow(
        new RangeError(`kvm_is_cr0_bit_set: ${bad} is not one bit`),
      );
  });
});

test("a mark_dirty writer (RIP in its own field, Linux 7.2) stores and marks its register dirty", () => {
  const spec = linux72().map((l) => (l === "  targets: [kernel]" ? "  targets: [kernel, ts]" : l));
  const fns = extendedAccessors(tsContext(modelOf(spec)));
  expect(fns.find((f) => f.name === "ripWrite")!.statements).toEqual([
    "vcpu.arch.rip = BigInt.asUintN(64, value);",
    "markDirty(vcpu, Reg.RIP);",
  ]);
  const r = load(printRegistersSource(modelOf(spec)));
  r["staticCallUpdate"](() => {});
  const vcpu = r["createVcpu"](
    { cacheReg: () => {} },
    { regModeMask: () => 0n, assertX: () => {} },
  );
  r["ripWrite"](vcpu, 0x1000n);
  expect(vcpu.arch.rip).toBe(0x1000n);
  expect(r["isDirty"](vcpu, r["Reg"]["RIP"])).toBe(true);
  expect([...vcpu.arch.regs]).toEqual(new Array(r["NR_VCPU_REGS"]).fill(0n));
});
