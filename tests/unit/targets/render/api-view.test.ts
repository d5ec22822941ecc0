/*
 * The cache API as both C-family targets spell it
 * (generator/targets/render/api-view.ts): a bit operation on
 * regs_avail/regs_dirty in the spec's bitops (regcache's helpers, the
 * kernel's on a bitmap, or on a u32/u64 cast to unsigned long *), the
 * backend's cache_reg in each dispatch style, and each accessor function's
 * head and body pieces: a listed GPR's plain pair, the mode_aware family
 * (masked read, raw pair, 32-bit pair) direct and cached, and an extended
 * register's reader, writer, read_bits and is_bit_set.
 */
import fc from "fast-check";
import { bitOp, cacheRegCall, functionViews } from "../../../../generator/targets/render/api-view";
import type { CacheApiModel, FunctionsModel } from "../../../../generator/core/model/types";
import { linux72, modelOf } from "../spec-model";

const api = (extra: Partial<CacheApiModel>): CacheApiModel => ({
  cacheReg: "ops_pointer",
  bitops: "regcache",
  rawPair: false,
  testAndMarkAvailable: false,
  cachedRead: "kvm_register_read",
  cachedWrite: "kvm_register_write",
  gprCount: "NR_VCPU_REGS",
  markForReload: false,
  bulkHelpers: false,
  linkage: {},
  ...extra,
});

describe("bitOp", () => {
  test.each<["regcache" | "kernel", boolean, "test" | "set" | "clear" | "test_and_set", string]>([
    ["regcache", false, "test", "kvm_reg_mask_test(&vcpu->arch.regs_avail, reg)"],
    ["regcache", true, "set", "kvm_reg_mask_set(&vcpu->arch.regs_avail, reg)"],
    ["regcache", false, "clear", "kvm_reg_mask_clear(&vcpu->arch.regs_avail, reg)"],
    ["regcache", false, "test_and_set", "kvm_reg_mask_test_and_set(&vcpu->arch.regs_avail, reg)"],
    ["kernel", false, "test", "test_bit(reg, (unsigned long *)&vcpu->arch.regs_avail)"],
    ["kernel", false, "set", "__set_bit(reg, (unsigned long *)&vcpu->arch.regs_avail)"],
    ["kernel", true, "clear", "__clear_bit(reg, vcpu->arch.regs_avail)"],
    ["kernel", true, "test_and_set", "arch___test_and_set_bit(reg, vcpu->arch.regs_avail)"],
  ])("%s bitops, bitmap %s: %s", (bitops, bitmap, op, want) => {
    expect(bitOp(api({ bitops }), op, "regs_avail", "reg", bitmap)).toBe(want);
  });

  test("the mask and the register are the ones given, whatever they are", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("regcache" as const, "kernel" as const),
        fc.boolean(),
        fc.constantFrom("regs_avail", "regs_dirty"),
        fc.stringMatching(/^[A-Z_]{1,12}$/),
        (bitops, bitmap, mask, reg) => {
          const op = bitOp(api({ bitops }), "set", mask, reg, bitmap);
          expect(op).toContain(`vcpu->arch.${mask}`);
          expect(op).toContain(reg);
          // Only the kernel's bitops on a fixed-width mask need the cast.
          expect(op.includes("(unsigned long *)")).toBe(bitops === "kernel" && !bitmap);
        },
      ),
    );
  });
});

test.each<[CacheApiModel["cacheReg"], string]>([
  ["ops_pointer", "kvm_x86_ops->cache_reg(vcpu, VCPU_REGS_RSP)"],
  ["static_call", "static_call(kvm_x86_cache_reg)(vcpu, VCPU_REGS_RSP)"],
  ["kvm_x86_call", "kvm_x86_call(cache_reg)(vcpu, VCPU_REGS_RSP)"],
])("cacheRegCall, %s: %s", (cacheReg, want) => {
  expect(cacheRegCall(api({ cacheReg }), "VCPU_REGS_RSP")).toBe(want);
});

describe("functionViews", () => {
  /** The function model of a register in a spec's kernel block. */
  const fnOf = (lines: string[], register: string, options = {}) => {
    const model = modelOf(lines, options);
    const f = model.kernel.functions.find((x) => x.register.name === register);
    if (!f) throw new Error(`no functions of ${register}`);
    return { model, f };
  };
  const viewOf = (lines: string[], register: string, options = {}) => {
    const { model, f } = fnOf(lines, register, options);
    return functionViews(model.api, [f])[0] as Record<string, unknown>;
  };
  const PLAIN = [
    "regcache: 1",
    "name: t",
    "mask: u32",
    "registers:",
    "  gpr: [rax, rdx, rsp, rip]",
    "  extended: [pdptr, cr0, cr3]",
    "backends:",
    "  vmx: { lazy: [rsp, rip, pdptr, cr0] }",
    "api: { raw_pair: false, inline: inline, always_inline: [kvm_rip_write] }",
    "accessors:",
    "  - rip",
    "  - { register: pdptr, field: walk_mmu->pdptrs, type: u64, indexed: true, might_sleep: true, read: kvm_pdptr_read, write: kvm_pdptr_write }",
    "  - register: cr0",
    "    field: cr0",
    "    type: ulong",
    "    guest_owned: { possible: KVM_POSSIBLE_CR0_GUEST_BITS, owned: cr0_guest_owned_bits }",
    "    read_bits: kvm_read_cr0_bits",
    "    is_bit_set: kvm_is_cr0_bit_set",
    "    read: kvm_read_cr0",
    "  - { register: cr3, field: cr3, read: kvm_read_cr3, write: kvm_write_cr3, doc: 'CR3: the page table root' }",
  ];

  test("a listed GPR loaded lazily: the plain pair through the cached pair, each head with its linkage", () => {
    expect(viewOf(PLAIN, "rip")).toEqual({
      gpr: true,
      readHead: "static inline unsigned long kvm_rip_read(struct kvm_vcpu *vcpu)",
      writeHead:
        "static __always_inline void kvm_rip_write(struct kvm_vcpu *vcpu,\n\t\t\t\t\t  unsigned long val)",
      readBody: "return kvm_register_read(vcpu, VCPU_REGS_RIP);",
      writeBody: "kvm_register_write(vcpu, VCPU_REGS_RIP, val);",
    });
  });

  test("a listed GPR always available (kept out of the mode_aware macro): the plain pair on regs[]", () => {
    const spec = linux72().map((l) => l.replace("lazy: [rsp, rip, cr3]", "lazy: [rip, cr3]"));
    expect(viewOf(spec, "rsp")).toMatchObject({
      readBody: "return vcpu->arch.regs[VCPU_REGS_RSP];",
      writeBody: "vcpu->arch.regs[VCPU_REGS_RSP] = val;",
    });
  });

  describe("the mode_aware family", () => {
    const LAZY_RBX = linux72().map((l) =>
      l.replace("lazy: [rsp, rip, cr3]", "lazy: [rsp, rbx, rip, cr3]"),
    );

    test("cached: masked read through the masking wrapper, the rest through the raw pair", () => {
      expect(viewOf(LAZY_RBX, "rbx")).toEqual({
        gpr: true,
        family: [
          {
            head: "static inline unsigned long kvm_rbx_read(struct kvm_vcpu *vcpu)",
            body: "return kvm_register_read(vcpu, VCPU_REGS_RBX);",
          },
          {
            head: "static inline unsigned long kvm_rbx_read_raw(struct kvm_vcpu *vcpu)",
            body: "return kvm_register_read_raw(vcpu, VCPU_REGS_RBX);",
          },
          {
            head: "static inline void kvm_rbx_write_raw(struct kvm_vcpu *vcpu, unsigned long val)",
            body: "kvm_register_write_raw(vcpu, VCPU_REGS_RBX, val);",
          },
          {
            head: "static inline u32 kvm_ebx_read(struct kvm_vcpu *vcpu)",
            body: "return (u32)kvm_register_read_raw(vcpu, VCPU_REGS_RBX);",
          },
          {
            head: "static inline void kvm_ebx_write(struct kvm_vcpu *vcpu, u32 val)",
            body: "kvm_register_write_raw(vcpu, VCPU_REGS_RBX, (u32)val);",
          },
        ],
      });
    });

    test("direct: the slot masked, the slot, the slot's 32 bits", () => {
      const { model, f } = fnOf(LAZY_RBX, "rbx");
      const direct = { ...f, path: "direct" } as FunctionsModel;
      const view = functionViews(model.api, [direct])[0] as { family: { body: string }[] };
      expect(view.family.map((x) => x.body)).toEqual([
        "return vcpu->arch.regs[VCPU_REGS_RBX] & kvm_reg_mode_mask(vcpu);",
        "return vcpu->arch.regs[VCPU_REGS_RBX];",
        "vcpu->arch.regs[VCPU_REGS_RBX] = val;",
        "return vcpu->arch.regs[VCPU_REGS_RBX];",
        "vcpu->arch.regs[VCPU_REGS_RBX] = val;",
      ]);
    });

    test("without e_pair for it, no 32-bit pair", () => {
      const spec = LAZY_RBX.map((l) => l.replace("e_pair: [rax, rdx, rbx]", "e_pair: [rax, rdx]"));
      const view = viewOf(spec, "rbx") as { family: { head: string }[] };
      expect(view.family.map((x) => /(\w+)\(/.exec(x.head)![1])).toEqual([
        "kvm_rbx_read",
        "kvm_rbx_read_raw",
        "kvm_rbx_write_raw",
      ]);
    });
  });

  describe("an extended register", () => {
    test("loaded lazily, indexed, might sleep: index parameter, the slot at the index, the cache_reg call", () => {
      expect(viewOf(PLAIN, "pdptr")).toEqual({
        gpr: false,
        doc: undefined,
        cached: true,
        test: "!kvm_register_is_available(vcpu, VCPU_EXREG_PDPTR)",
        cacheReg: "kvm_x86_ops->cache_reg(vcpu, VCPU_EXREG_PDPTR)",
        mightSleep: true,
        slot: "vcpu->arch.walk_mmu->pdptrs[index]",
        readBits: undefined,
        isBitSet: undefined,
        read: {
          head: "static inline u64 kvm_pdptr_read(struct kvm_vcpu *vcpu, int index)",
          viaBits: undefined,
        },
        write: {
          head: "static inline void kvm_pdptr_write(struct kvm_vcpu *vcpu, int index, u64 value)",
          markDirty: undefined,
        },
      });
    });

    test("with guest-owned bits: read_bits gates cache_reg, is_bit_set and read go through it", () => {
      const view = viewOf(PLAIN, "cr0");
      expect(view["readBits"]).toEqual({
        head: "static inline ulong kvm_read_cr0_bits(struct kvm_vcpu *vcpu, ulong mask)",
        guestBits: "mask & KVM_POSSIBLE_CR0_GUEST_BITS",
        owned: "vcpu->arch.cr0_guest_owned_bits",
        type: "ulong",
      });
      expect(view["isBitSet"]).toEqual({
        head: "static inline bool kvm_is_cr0_bit_set(struct kvm_vcpu *vcpu,\n\t\t\t\t      unsigned long cr0_bit)",
        param: "cr0_bit",
        readBits: "kvm_read_cr0_bits",
      });
      expect(view["read"]).toEqual({
        head: "static inline ulong kvm_read_cr0(struct kvm_vcpu *vcpu)",
        viaBits: "kvm_read_cr0_bits",
      });
      expect(view["write"]).toBeUndefined();
    });

    test("always available: no cache_reg needed; its doc and default type", () => {
      const view = viewOf(PLAIN, "cr3");
      expect(view["cached"]).toBe(false);
      expect(view["doc"]).toBe("CR3: the page table root");
      expect(view["slot"]).toBe("vcpu->arch.cr3");
      expect((view["read"] as { head: string }).head).toBe(
        "static inline unsigned long kvm_read_cr3(struct kvm_vcpu *vcpu)",
      );
    });

    test("a writer marks dirty its own register when the spec says so", () => {
      expect(viewOf(linux72(), "rip")["write"]).toEqual({
        head: "static inline void kvm_rip_write(struct kvm_vcpu *vcpu, unsigned long value)",
        markDirty: "kvm_register_mark_dirty(vcpu, VCPU_REG_RIP)",
      });
      expect(viewOf(linux72(), "rip")["cacheReg"]).toBe(
        "kvm_x86_call(cache_reg)(vcpu, VCPU_REG_RIP)",
      );
    });
  });

  test("one view per function, in the order given", () => {
    const model = modelOf(PLAIN);
    const views = functionViews(model.api, model.kernel.functions) as { gpr: boolean }[];
    expect(views).toHaveLength(model.kernel.functions.length);
    expect(views.map((v) => v.gpr)).toEqual(model.kernel.functions.map((f) => f.kind === "gpr"));
    expect(functionViews(model.api, [])).toEqual([]);
  });
});
