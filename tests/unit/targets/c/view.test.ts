/*
 * The c target's view (generator/targets/c/view.ts): registers in runs of one
 * guard each, the backends' sets spelt for the mask (shifts of 1U or 1ULL,
 * a guarded register by its KVM_REG_BIT_ macro, a bitmap word by word with a
 * register in every word its bit can fall in under any set of guards), the
 * accessor macros' groups and comments, the cache helpers, and the names the
 * runtime's stand-ins test. Models are built from small specs by core/ alone.
 */
import fc from "fast-check";
import { cView } from "../../../../generator/targets/c/view";
import type { Model } from "../../../../generator/core/model/types";
import { linux72, modelOf } from "../spec-model";

const SPEC = [
  "regcache: 1",
  "name: t",
  "doc: A test spec.",
  "mask: u32",
  "registers:",
  "  gpr: [rax, rcx, rdx, rsp, { name: r8, when: CONFIG_X86_64 }, { name: r9, when: CONFIG_X86_64 }, rip]",
  '  extended: [{ name: pdptr, when: CONFIG_PAE, doc: "PAE\'s PDPTEs" }, cr3]',
  "backends:",
  "  vmx: { lazy: [rsp, r8, pdptr], doc: Intel. }",
  "  svm: { available: [rax, rcx, rdx, r8, r9, rip, cr3] }",
];

/** A set's #define without its continuations: its name, then its terms. */
const terms = (define: string) =>
  define
    .split("\n")
    .map((l) => l.replace(/\s*\\$/, "").trim())
    .filter((l) => l !== "");

type Backend = { docLines: string[]; lazySet: string; availSet: string };
const backends = (view: Record<string, unknown>) => view["backends"] as Backend[];

describe("registers and guards", () => {
  test("runs of one guard each; the first register of the enum marked; docs kept", () => {
    const view = cView(modelOf(SPEC));
    const runs = (key: string) =>
      (
        view[key] as {
          guard?: string;
          registers: { enumName: string; first: boolean; doc?: string }[];
        }[]
      ).map((g) => [
        g.guard,
        g.registers.map(
          (r) => `${r.enumName}${r.first ? " first" : ""}${r.doc ? ` (${r.doc})` : ""}`,
        ),
      ]);
    expect(runs("gprGroups")).toEqual([
      [undefined, ["VCPU_REGS_RAX first", "VCPU_REGS_RCX", "VCPU_REGS_RDX", "VCPU_REGS_RSP"]],
      ["CONFIG_X86_64", ["VCPU_REGS_R8", "VCPU_REGS_R9"]],
      [undefined, ["VCPU_REGS_RIP"]],
    ]);
    expect(runs("extendedGroups")).toEqual([
      ["CONFIG_PAE", ["VCPU_EXREG_PDPTR first (PAE's PDPTEs)"]],
      [undefined, ["VCPU_EXREG_CR3"]],
    ]);
  });

  test("a guarded first extended register needs the enum's base sentinel; an unguarded one does not", () => {
    expect(cView(modelOf(SPEC))["extendedBaseSentinel"]).toBe(true);
    const unguarded = SPEC.map((l) =>
      l.replace('{ name: pdptr, when: CONFIG_PAE, doc: "PAE\'s PDPTEs" }', "pdptr"),
    );
    expect(cView(modelOf(unguarded))["extendedBaseSentinel"]).toBe(false);
  });

  test("the spec's name and doc head the file", () => {
    expect(cView(modelOf(SPEC))["docLines"]).toEqual(["t: A test spec."]);
    expect(cView(modelOf(SPEC.filter((l) => !l.startsWith("doc:"))))["docLines"]).toEqual(["t"]);
  });
});

describe("the backends' sets", () => {
  test("u32: shifts of 1U, a guarded register by its macro; the doc says how many of each", () => {
    const [vmx, svm] = backends(cView(modelOf(SPEC)));
    expect(vmx!.docLines).toEqual([
      "vmx: 3 lazily loaded, 6 always available (spec lists lazy).",
      "Intel.",
    ]);
    expect(terms(vmx!.lazySet)).toEqual([
      "#define VMX_REGS_LAZY_LOAD_SET",
      "((1U << VCPU_REGS_RSP) |",
      "KVM_REG_BIT_R8 |",
      "KVM_REG_BIT_PDPTR)",
    ]);
    expect(svm!.docLines).toEqual([
      "svm: 2 lazily loaded, 7 always available (spec lists available).",
    ]);
    expect(terms(svm!.lazySet)).toEqual([
      "#define SVM_REGS_LAZY_LOAD_SET",
      "((1U << VCPU_REGS_RSP) |",
      "KVM_REG_BIT_PDPTR)",
    ]);
  });

  test("u64: shifts of 1ULL; an empty set is a zero of the mask type", () => {
    const view = cView(
      modelOf([...SPEC.map((l) => l.replace("mask: u32", "mask: u64")), "  tdx: { lazy: [] }"]),
    );
    expect(terms(backends(view)[0]!.lazySet)[1]).toBe("((1ULL << VCPU_REGS_RSP) |");
    expect(backends(view)[2]!.lazySet).toBe("#define TDX_REGS_LAZY_LOAD_SET ((kvm_reg_mask_t)0)");
    expect(view["one"]).toBe("1ULL");
    expect(view["backendList"]).toBe("X(vmx, VMX) X(svm, SVM) X(tdx, TDX)");
  });

  test("the guarded bits' macros, per guard run, in the mask's spelling", () => {
    const bits = (mask: string) =>
      (
        cView(modelOf(SPEC.map((l) => l.replace("mask: u32", `mask: ${mask}`))))["guardedBits"] as {
          guard: string;
          registers: { macro: string; term: string; zero: string }[];
        }[]
      ).map((g) => [g.guard, g.registers.map((r) => `${r.macro}=${r.term}|${r.zero}`)]);
    expect(bits("u32")).toEqual([
      [
        "CONFIG_X86_64",
        ["KVM_REG_BIT_R8=(1U << VCPU_REGS_R8)|0", "KVM_REG_BIT_R9=(1U << VCPU_REGS_R9)|0"],
      ],
      ["CONFIG_PAE", ["KVM_REG_BIT_PDPTR=(1U << VCPU_EXREG_PDPTR)|0"]],
    ]);
    expect(bits("bitmap")[0]![1]![0]).toBe(
      "KVM_REG_BIT_R8=KVM_REG_WORD_BIT(VCPU_REGS_R8, word)|0UL",
    );
  });

  test("a bitmap, word by word: a register after guarded ones is in each word its bit can fall in", () => {
    // 63 unguarded GPRs, one guarded, then z: bit 63 without the guard, 64 with it.
    const gprs = [
      ...Array.from({ length: 63 }, (_, i) => `g${i}`),
      "{ name: h, when: CONFIG_H }",
      "z",
    ];
    const view = cView(
      modelOf([
        "regcache: 1",
        "name: t",
        "mask: bitmap",
        "registers:",
        `  gpr: [${gprs.join(", ")}]`,
        "backends:",
        "  vmx: { lazy: [g0, h, z] }",
      ]),
    );
    expect(view["maskWords"]).toBe(2);
    expect(view["maskComment"]).toBe("one bit per register, in an array of 2 unsigned long");
    expect(terms(backends(view)[0]!.lazySet)).toEqual([
      "#define VMX_REGS_LAZY_LOAD_SET",
      "((kvm_reg_mask_t){ .bits = {",
      "KVM_REG_WORD_BIT(VCPU_REGS_G0, 0) |",
      "KVM_REG_BIT_H(0) |",
      "KVM_REG_WORD_BIT(VCPU_REGS_Z, 0),",
      "KVM_REG_WORD_BIT(VCPU_REGS_Z, 1)",
      "} })",
    ]);
  });

  test("a bitmap word no member can reach is 0UL", () => {
    const gprs = Array.from({ length: 70 }, (_, i) => `g${i}`);
    const view = cView(
      modelOf([
        "regcache: 1",
        "name: t",
        "mask: bitmap",
        "registers:",
        `  gpr: [${gprs.join(", ")}]`,
        "backends:",
        "  vmx: { lazy: [g1] }",
      ]),
    );
    expect(terms(backends(view)[0]!.lazySet).slice(1)).toEqual([
      "((kvm_reg_mask_t){ .bits = {",
      "KVM_REG_WORD_BIT(VCPU_REGS_G1, 0),",
      "0UL",
      "} })",
    ]);
  });

  test("under every set of defined guards, each member's bit is in a word the set lists it in", () => {
    const register = fc.record({
      guard: fc.constantFrom(undefined, "CONFIG_A", "CONFIG_B"),
      lazy: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(register, { minLength: 1, maxLength: 140 }), (regs) => {
        const gprs = regs.map((r, i) => (r.guard ? `{ name: g${i}, when: ${r.guard} }` : `g${i}`));
        const lazy = regs.flatMap((r, i) => (r.lazy ? [`g${i}`] : []));
        const model: Model = modelOf([
          "regcache: 1",
          "name: t",
          "mask: bitmap",
          "registers:",
          `  gpr: [${gprs.join(", ")}]`,
          "backends:",
          `  vmx: { lazy: [${lazy.join(", ")}] }`,
        ]);
        const listed = new Map<string, Set<number>>();
        let word = 0;
        for (const line of terms(backends(cView(model))[0]!.lazySet).slice(2, -1)) {
          if (line.startsWith("0UL")) {
            word++;
            continue;
          }
          const m =
            /^(?:KVM_REG_WORD_BIT\(VCPU_REGS_(\w+), (\d+)\)|KVM_REG_BIT_(\w+)\((\d+)\))/.exec(
              line,
            )!;
          const name = (m[1] ?? m[3]!).toLowerCase();
          expect(Number(m[2] ?? m[4])).toBe(word);
          if (!listed.has(name)) listed.set(name, new Set());
          listed.get(name)!.add(word);
          if (line.endsWith(",")) word++;
        }
        for (const defined of [[], ["CONFIG_A"], ["CONFIG_B"], ["CONFIG_A", "CONFIG_B"]]) {
          const present = regs.map((r) => !r.guard || defined.includes(r.guard));
          regs.forEach((r, i) => {
            if (!r.lazy || !present[i]) return;
            const bit = present.slice(0, i).filter(Boolean).length;
            expect([`g${i}`, listed.get(`g${i}`)?.has(Math.floor(bit / 64))]).toEqual([
              `g${i}`,
              true,
            ]);
          });
        }
        // Only members are listed.
        expect([...listed.keys()].sort()).toEqual([...lazy].sort());
      }),
      { numRuns: 40 },
    );
  });
});

describe("the accessors", () => {
  test("the macros' groups: direct first, then cached, each with its comment, runs by guard", () => {
    const groups = cView(modelOf(SPEC))["macroGroups"] as {
      direct: boolean;
      macro: string;
      comment: string;
      runs: { guard?: string; accessors: { name: string; direct: boolean; comment: string }[] }[];
    }[];
    expect(groups.map((g) => [g.macro, g.direct])).toEqual([
      ["BUILD_KVM_GPR_ACCESSORS", true],
      ["BUILD_KVM_CACHED_GPR_ACCESSORS", false],
    ]);
    expect(groups[0]!.comment).toMatch(/^Always available on every backend/);
    expect(groups[1]!.comment).toMatch(/^Loaded lazily by at least one backend/);
    expect(
      groups.map((g) => g.runs.map((r) => [r.guard, r.accessors.map((a) => a.comment)])),
    ).toEqual([
      [
        [undefined, ["rax: always available", "rcx: always available", "rdx: always available"]],
        ["CONFIG_X86_64", ["r9: always available"]],
        [undefined, ["rip: always available"]],
      ],
      [
        [undefined, ["rsp: loaded lazily by vmx, svm"]],
        ["CONFIG_X86_64", ["r8: loaded lazily by vmx"]],
      ],
    ]);
  });

  test("--all-cached: every accessor cached, saying so; a register's doc follows its comment", () => {
    const spec = SPEC.map((l) =>
      l.replace("gpr: [rax,", 'gpr: [{ name: rax, doc: "Accumulator." },'),
    );
    const groups = cView(modelOf(spec, { allCached: true }))["macroGroups"] as {
      direct: boolean;
      runs: { accessors: { comment: string }[] }[];
    }[];
    expect(groups.map((g) => g.direct)).toEqual([false]);
    expect(groups[0]!.runs[0]!.accessors[0]!.comment).toBe(
      "rax: always available, but --all-cached. Accumulator.",
    );
  });

  test("a GPR the accessors list leaves the macros for a function of its own", () => {
    const view = cView(modelOf([...SPEC, "accessors: [rsp]"]));
    const inMacros = (view["expandedRuns"] as { accessors: { name: string }[] }[]).flatMap((r) =>
      r.accessors.map((a) => a.name),
    );
    expect(inMacros).toEqual(["rax", "rcx", "rdx", "r8", "r9", "rip"]);
    expect(
      (view["functions"] as { gpr: boolean; readBody: string }[]).map((f) => f.readBody),
    ).toEqual(["return kvm_register_read(vcpu, VCPU_REGS_RSP);"]);
  });

  test("the extended registers' function names, for the runtime's stand-ins to test", () => {
    const view = cView(
      modelOf([
        ...SPEC,
        "accessors:",
        "  - { register: cr3, field: cr3, read: kvm_read_cr3, write: kvm_write_cr3 }",
        "  - register: pdptr",
        "    field: pdptr",
        "    guest_owned: { possible: KVM_POSSIBLE_CR0_GUEST_BITS, owned: o }",
        "    read_bits: kvm_read_pdptr_bits",
        "    is_bit_set: kvm_is_pdptr_bit_set",
        "    read: kvm_read_pdptr",
      ]),
    );
    expect(view["extraNames"]).toEqual([
      "kvm_read_cr3",
      "kvm_write_cr3",
      "kvm_read_pdptr_bits",
      "kvm_is_pdptr_bit_set",
      "kvm_read_pdptr",
    ]);
  });

  test("kvm_read_edx_eax only when rax and rdx exist unguarded", () => {
    expect(cView(modelOf(SPEC))["edxEax"]).toEqual({
      head: "static __always_inline u64 kvm_read_edx_eax(struct kvm_vcpu *vcpu)",
      byEPair: false,
    });
    const guarded = SPEC.map((l) =>
      l.replace("gpr: [rax, rcx, rdx,", "gpr: [rax, rcx, { name: rdx, when: CONFIG_X },"),
    );
    expect(cView(modelOf(guarded))["edxEax"]).toBeFalsy();
    const noRdx = SPEC.map((l) =>
      l.replace("gpr: [rax, rcx, rdx,", "gpr: [rax, rcx,").replace("rcx, rdx, r8", "rcx, r8"),
    );
    expect(cView(modelOf(noRdx))["edxEax"]).toBeFalsy();
  });
});

describe("the cache helpers", () => {
  test("regcache's bit operations; mark_for_reload linked as mark_dirty; no test-and-mark by default", () => {
    const view = cView(
      modelOf([...SPEC, "api: { inline: inline, always_inline: [kvm_register_mark_dirty] }"]),
    );
    expect(view["isAvailable"]).toMatchObject({
      body: "return kvm_reg_mask_test(&vcpu->arch.regs_avail, reg);",
    });
    expect(view["markDirty"]).toMatchObject({
      body: "kvm_reg_mask_set(&vcpu->arch.regs_avail, reg);\n\tkvm_reg_mask_set(&vcpu->arch.regs_dirty, reg);",
    });
    const reload = view["markForReload"] as { head: string; body: string };
    expect(
      reload.head.startsWith("static __always_inline void kvm_register_mark_for_reload("),
    ).toBe(true);
    expect(reload.body).toBe(
      "kvm_reg_mask_clear(&vcpu->arch.regs_avail, reg);\n\tkvm_reg_mask_clear(&vcpu->arch.regs_dirty, reg);",
    );
    expect((view["isAvailable"] as { head: string }).head.startsWith("static inline bool")).toBe(
      true,
    );
    expect(view["testAndMark"]).toBe(false);
  });

  test("the raw pair takes an int and names its helpers; test-and-mark when asked for", () => {
    const view = cView(
      modelOf([
        ...SPEC,
        "api: { raw_pair: true, test_and_mark_available: true, cache_reg: static_call }",
      ]),
    );
    expect(view["rawPair"]).toBe(true);
    expect(view["cachedRead"]).toEqual({
      name: "kvm_register_read_raw",
      head: "static __always_inline unsigned long kvm_register_read_raw(struct kvm_vcpu *vcpu,\n\t\t\t\t\t\t\t   int reg)",
      cacheReg: "static_call(kvm_x86_cache_reg)(vcpu, reg)",
    });
    expect((view["cachedWrite"] as { name: string }).name).toBe("kvm_register_write_raw");
    expect(view["testAndMark"]).toMatchObject({
      body: "return kvm_reg_mask_test_and_set(&vcpu->arch.regs_avail, reg);",
    });
  });

  test("the C style: the macros, or each accessor written out", () => {
    expect(cView(modelOf(SPEC))["macroStyle"]).toBe(true);
    expect(cView(modelOf(SPEC, { cStyle: "expanded" }))["macroStyle"]).toBe(false);
  });
});

describe("Linux 7.2's shape", () => {
  const view = cView(modelOf(linux72()));

  test("the runtime features the header asks kvm_host.h for", () => {
    expect((view["features"] as { name: string }[]).map((f) => f.name)).toEqual([
      "KVM_REGS_BITMAP",
      "KVM_REGS_MODE_AWARE",
      "KVM_REGS_ASSERT_HOOK",
      "KVM_REGS_RIP_FIELD",
    ]);
    expect(cView(modelOf(SPEC))["features"]).toEqual([]);
  });

  test("the enum's counts by the spec's names, with the runtime's names defined over them", () => {
    expect([view["gprCount"], view["total"], view["defaultGprCount"]]).toEqual([
      "NR_VCPU_GENERAL_PURPOSE_REGS",
      "NR_VCPU_TOTAL_REGS",
      false,
    ]);
    const cv = cView(modelOf(SPEC));
    expect([cv["gprCount"], cv["total"], cv["defaultGprCount"]]).toEqual([
      "NR_VCPU_REGS",
      undefined,
      true,
    ]);
  });

  test("the 32-bit pair's GPRs by the outer macro without their r, the others by the inner", () => {
    const groups = view["macroGroups"] as {
      family: string;
      runs: { accessors: { name: string; macro: string }[] }[];
    }[];
    expect(groups).toHaveLength(1);
    expect(groups[0]!.family).toContain("#define __BUILD_KVM_GPR_ACCESSORS(lname, uname)");
    expect(groups[0]!.runs.flatMap((r) => r.accessors.map((a) => `${a.macro}(${a.name})`))).toEqual(
      [
        "BUILD_KVM_GPR_ACCESSORS(ax)",
        "__BUILD_KVM_GPR_ACCESSORS(rcx)",
        "BUILD_KVM_GPR_ACCESSORS(dx)",
        "BUILD_KVM_GPR_ACCESSORS(bx)",
        "__BUILD_KVM_GPR_ACCESSORS(r8)",
      ],
    );
  });

  test("the assertion macro calls the runtime's hook; mark_for_reload is the spec's, asserted", () => {
    expect(view["assertMacro"]).toBe(
      "#define kvm_assert_x(vcpu)\t\t\t\t\t\t\\\n\tregcache_assert_caching_allowed(vcpu, in_task())",
    );
    expect((view["markForReload"] as { body: string }).body.startsWith("kvm_assert_x(vcpu);")).toBe(
      true,
    );
    expect((view["edxEax"] as { byEPair: boolean }).byEPair).toBe(true);
  });
});
