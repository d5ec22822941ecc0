/*
 * The cache helpers' views both C-family targets print
 * (generator/targets/render/cache-helpers.ts): the assertion each
 * per-register helper opens with, the helpers an api defines and no others,
 * the assertion macro over the target's hook, and the mode_aware family's
 * macros and functions, direct or through the cached path.
 */
import {
  assertDefine,
  cacheHelperViews,
  familyFunctions,
  familyMacros,
} from "../../../../generator/targets/render/cache-helpers";
import { linux72, modelOf } from "../spec-model";

const SPEC_6X = [
  "regcache: 1",
  "name: s",
  "mask: u32",
  "registers:",
  "  gpr: [rax, rcx, rdx, rbx, rsp]",
  "  extended: [rip]",
  "backends:",
  "  vmx: { lazy: [rsp, rip] }",
  "output:",
  "  targets: [kernel]",
];

describe("cacheHelperViews", () => {
  test("Linux 7.2: each per-register helper opens with the assertion; bitmaps go to the bitops as they are", () => {
    const m = modelOf(linux72());
    const v = cacheHelperViews(m.api, true);
    expect(v.isAvailable.body).toBe(
      "kvm_assert_x(vcpu);\n\treturn test_bit(reg, vcpu->arch.regs_avail);",
    );
    expect(v.markDirty.body).toBe(
      "kvm_assert_x(vcpu);\n\t__set_bit(reg, vcpu->arch.regs_avail);\n\t__set_bit(reg, vcpu->arch.regs_dirty);",
    );
    expect(v.markForReload && v.markForReload.body).toBe(
      "kvm_assert_x(vcpu);\n\t__clear_bit(reg, vcpu->arch.regs_avail);\n\t__clear_bit(reg, vcpu->arch.regs_dirty);",
    );
    expect(v.testAndMark && v.testAndMark.body).toBe(
      "kvm_assert_x(vcpu);\n\treturn arch___test_and_set_bit(reg, vcpu->arch.regs_avail);",
    );
    expect(v.bulk && v.bulk.resetHead).toBe(
      "static inline void kvm_reset_dirty_registers(struct kvm_vcpu *vcpu)",
    );
    expect(v.modeWrappers && v.modeWrappers.modeMask).toBe("kvm_reg_mode_mask");
    expect(v.gprCount).toBe("NR_VCPU_GENERAL_PURPOSE_REGS");
    expect(v.cachedRead.cacheReg).toBe("kvm_x86_call(cache_reg)(vcpu, reg)");
  });

  test("Linux 6.x: no assertion, and none of 7.2's helpers", () => {
    const m = modelOf(SPEC_6X);
    const v = cacheHelperViews(m.api, false);
    expect(v.isAvailable.body).toBe("return kvm_reg_mask_test(&vcpu->arch.regs_avail, reg);");
    expect([v.markForReload, v.testAndMark, v.bulk, v.modeWrappers]).toEqual([
      false,
      false,
      false,
      undefined,
    ]);
    expect(v.cachedRead.name).toBe("kvm_register_read");
  });
});

describe("assertDefine", () => {
  test("the spec's macro over the target's hook, and nothing without api.assert", () => {
    const m = modelOf(linux72());
    expect(assertDefine(m.api, (c) => `hook(vcpu, ${c})`)).toBe(
      "#define kvm_assert_x(vcpu)\t\t\t\t\t\t\\\n\thook(vcpu, in_task())",
    );
    expect(assertDefine(modelOf(SPEC_6X).api, (c) => c)).toBeUndefined();
  });
});

describe("the mode_aware family", () => {
  const api = modelOf(linux72()).api;
  const macros = (direct: boolean, withEPair: boolean) =>
    familyMacros(api, {
      inner: "__M",
      outer: "M",
      linkage: "static inline",
      direct,
      gprPrefix: "VCPU_REGS_",
      withEPair,
    });

  test("direct: slots masked by the mode mask, the raw pair plain, the 32-bit pair through u32", () => {
    const text = macros(true, true);
    expect(text).toContain("return vcpu->arch.regs[VCPU_REGS_##uname] & kvm_reg_mode_mask(vcpu);");
    expect(text).toContain("kvm_e##lname##_write(struct kvm_vcpu *vcpu, u32 val)");
    expect(text).toContain("\t__M(r##lname, uname)");
  });

  test("cached: every member goes through the cached path, the 32-bit write truncating", () => {
    const text = macros(false, true);
    expect(text).toContain("return kvm_register_read(vcpu, VCPU_REGS_##uname);");
    expect(text).toContain("return kvm_register_read_raw(vcpu, VCPU_REGS_##uname);");
    expect(text).toContain("kvm_register_write_raw(vcpu, VCPU_REGS_##uname, (u32)val);");
  });

  test("the outer macro only with a 32-bit pair", () => {
    expect(macros(true, false)).not.toContain("#define M(");
    expect(macros(true, true)).toContain("#define M(lname, uname)");
  });

  test("written out: five functions with the pair, three without", () => {
    const m = modelOf(linux72());
    const rax = m.accessors.find((a) => a.register.name === "rax")!;
    const fns = familyFunctions(api, rax, "static inline", true, true);
    expect(fns.map((f) => f.head.split("(")[0]!.split(" ").pop())).toEqual([
      "kvm_rax_read",
      "kvm_rax_read_raw",
      "kvm_rax_write_raw",
      "kvm_eax_read",
      "kvm_eax_write",
    ]);
    expect(familyFunctions(api, rax, "static inline", true, false)).toHaveLength(3);
  });
});
