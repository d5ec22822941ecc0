/*
 * What the spec's kernel-facing sections hold once checked
 * (generator/core/spec/kernel-shape.ts): the defaults (Linux 6.x's adopted
 * region, C and TypeScript, regcache's runtime API), the names the kernel
 * gives what a spec defines (the GPR macros, the mode_aware family, the
 * 32-bit pair), and a guest_owned.value as written.
 */
import fc from "fast-check";
import {
  constantValue,
  DEFAULT_ADOPTS,
  DEFAULT_API,
  DEFAULT_OUTPUT,
  ePairNames,
  GPR_INNER_MACRO,
  GPR_MACRO,
  modeAwareNames,
} from "../../../../generator/core/spec/kernel-shape";

test("a GPR's 32-bit pair drops its leading r; the mode_aware family adds _raw", () => {
  expect(ePairNames("rax")).toEqual({
    short: "ax",
    read: "kvm_eax_read",
    write: "kvm_eax_write",
  });
  expect(ePairNames("rdi")).toEqual({
    short: "di",
    read: "kvm_edi_read",
    write: "kvm_edi_write",
  });
  expect(modeAwareNames("rbx")).toEqual({
    read: "kvm_rbx_read",
    readRaw: "kvm_rbx_read_raw",
    writeRaw: "kvm_rbx_write_raw",
  });
  expect([GPR_MACRO, GPR_INNER_MACRO]).toEqual([
    "BUILD_KVM_GPR_ACCESSORS",
    "__BUILD_KVM_GPR_ACCESSORS",
  ]);
});

test("the defaults: Linux 6.1 to 7.1's region, C and TypeScript, regcache's runtime API", () => {
  expect(DEFAULT_ADOPTS).toEqual({
    header: "kvm_cache_regs.h",
    first: "BUILD_KVM_GPR_ACCESSORS",
    last: "kvm_read_edx_eax",
  });
  expect(DEFAULT_OUTPUT).toEqual({
    targets: ["c", "ts"],
    kernelHeader: "kvm_cache_regs_gen.h",
    adopts: DEFAULT_ADOPTS,
  });
  expect(DEFAULT_API).toEqual({
    cacheReg: "ops_pointer",
    bitops: "regcache",
    rawPair: false,
    testAndMarkAvailable: false,
    inline: "always_inline",
    alwaysInline: [],
    markForReload: false,
    bulkHelpers: false,
    gprFamily: "plain",
    ePair: [],
  });
});

describe("constantValue: a guest_owned.value as written", () => {
  test.each<[unknown, bigint | undefined]>([
    [0, 0n],
    [0x10008, 0x10008n],
    ["0x81078e", 0x81078en],
    ["0xFFFFFFFFFFFFFFFF", 0xffffffffffffffffn],
    [-1, undefined],
    [1.5, undefined],
    [2 ** 53, undefined],
    ["65544", undefined],
    ["0X10", undefined],
    ["0x", undefined],
    [" 0x1", undefined],
    [true, undefined],
    [null, undefined],
  ])("%p is %p", (written, value) => {
    expect(constantValue(written)).toBe(value);
  });

  test("any safe non-negative integer, and its hex spelling, is that number", () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        expect(constantValue(n)).toBe(BigInt(n));
        expect(constantValue(`0x${n.toString(16)}`)).toBe(BigInt(n));
      }),
    );
  });
});
