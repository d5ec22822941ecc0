/*
 * The model's decisions for the shipped specs, written down by hand from the
 * kernel (REFERENCE.md; VMX_REGS_LAZY_LOAD_SET, SVM_REGS_LAZY_LOAD_SET and
 * TDX_REGS_AVAIL_SET for today's KVM; the v5.2 regs_avail reset) rather than
 * read back from the model: which registers are always available, each
 * backend's lazy set in enum order, and each accessor's path, with and
 * without --all-cached. The fuzz oracle (tests/fuzz/arbitrary.ts) covers
 * random specs; this covers the specs users run.
 */
import * as path from "node:path";
import { generate } from "../../../../generator/generate/produce";

const GPRS = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"];
const R8_R15 = ["r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"];
/** The GPRs both eras' SVM, VMX and TDX save into regs[] on every VM-exit: all but RSP and RIP. */
const SAVED_GPRS = ["rax", "rcx", "rdx", "rbx", "rbp", "rsi", "rdi", ...R8_R15];

interface Expected {
  readonly enumOrder: readonly string[];
  readonly alwaysAvailable: readonly string[];
  /** Per backend, in enum order. */
  readonly lazy: Readonly<Record<string, readonly string[]>>;
  readonly direct: readonly string[];
  readonly cached: readonly string[];
}

const cases: [string, Expected][] = [
  [
    "x86-kvm-6.12",
    {
      enumOrder: [
        ...GPRS,
        ...R8_R15,
        "rip",
        "pdptr",
        "cr0",
        "cr3",
        "cr4",
        "rflags",
        "segments",
        "exit_info_1",
        "exit_info_2",
      ],
      alwaysAvailable: SAVED_GPRS,
      lazy: {
        vmx: [
          "rsp",
          "rip",
          "pdptr",
          "cr0",
          "cr3",
          "cr4",
          "rflags",
          "segments",
          "exit_info_1",
          "exit_info_2",
        ],
        svm: ["pdptr"],
        tdx: ["rsp", "rip", "pdptr", "cr0", "cr3", "cr4", "rflags", "segments"],
      },
      direct: SAVED_GPRS,
      cached: ["rsp", "rip"],
    },
  ],
  [
    "x86-kvm-v5.2",
    {
      enumOrder: [...GPRS, ...R8_R15, "rip", "pdptr", "cr3", "rflags", "segments"],
      alwaysAvailable: SAVED_GPRS,
      lazy: {
        vmx: ["rsp", "rip", "pdptr", "cr3", "rflags", "segments"],
        svm: ["pdptr"],
        tdx: ["rsp", "rip", "pdptr", "cr3", "rflags", "segments"],
      },
      direct: SAVED_GPRS,
      cached: ["rsp", "rip"],
    },
  ],
];

const sorted = (xs: readonly string[]) => [...xs].sort();

describe.each(cases)("spec/%s.yaml", (name, want) => {
  const specPath = path.resolve(__dirname, "..", "..", "..", "..", "spec", `${name}.yaml`);
  const model = (allCached: boolean) => {
    const r = generate({ specPath, allCached });
    if (!r.ok) throw new Error(`${name} should generate`);
    return r.model;
  };

  test("enum order and the always-available registers", () => {
    const m = model(false);
    expect(m.registers.map((r) => r.name)).toEqual(want.enumOrder);
    expect(sorted(m.registers.filter((r) => r.alwaysAvailable).map((r) => r.name))).toEqual(
      sorted(want.alwaysAvailable),
    );
  });

  test("each backend's lazy set, and its available set as the rest", () => {
    const m = model(false);
    expect(Object.fromEntries(m.backends.map((b) => [b.name, b.lazy.map((r) => r.name)]))).toEqual(
      want.lazy,
    );
    for (const b of m.backends) {
      const lazy = new Set(want.lazy[b.name]);
      expect([b.name, b.available.map((r) => r.name)]).toEqual([
        b.name,
        want.enumOrder.filter((r) => !lazy.has(r)),
      ]);
    }
  });

  test("accessor paths: direct for the saved GPRs, cached for RSP and RIP", () => {
    const paths = (allCached: boolean) =>
      Object.fromEntries(model(allCached).accessors.map((a) => [a.register.name, a.path]));
    const expected = Object.fromEntries([
      ...want.direct.map((r) => [r, "direct"]),
      ...want.cached.map((r) => [r, "cached"]),
    ]);
    expect(paths(false)).toEqual(expected);
    expect(paths(true)).toEqual(
      Object.fromEntries([...want.direct, ...want.cached].map((r) => [r, "cached"])),
    );
  });

  test("names: enum constants, accessors, backend sets, guards; the mask", () => {
    const m = model(false);
    const byName = new Map(m.registers.map((r) => [r.name, r]));
    expect(
      ["rax", "r8", "rip", "pdptr"].map((n) => {
        const r = byName.get(n)!;
        return [r.name, r.upper, r.kind, r.enumName, r.guard ?? null, r.lazyIn];
      }),
    ).toEqual([
      ["rax", "RAX", "gpr", "VCPU_REGS_RAX", null, []],
      ["r8", "R8", "gpr", "VCPU_REGS_R8", "CONFIG_X86_64", []],
      ["rip", "RIP", "gpr", "VCPU_REGS_RIP", null, ["vmx", "tdx"]],
      ["pdptr", "PDPTR", "extended", "VCPU_EXREG_PDPTR", null, ["vmx", "svm", "tdx"]],
    ]);
    expect(m.gprs.map((r) => r.name)).toEqual(
      want.enumOrder.filter((n) => byName.get(n)!.kind === "gpr"),
    );
    expect(m.extended.map((r) => r.name)).toEqual(
      want.enumOrder.filter((n) => byName.get(n)!.kind === "extended"),
    );
    const rax = m.accessors.find((a) => a.register.name === "rax")!;
    expect([rax.read, rax.write]).toEqual(["kvm_rax_read", "kvm_rax_write"]);
    expect(
      m.backends.map((b) => [b.name, b.upper, b.declared, b.lazySetName, b.availSetName]),
    ).toEqual([
      ["vmx", "VMX", "lazy", "VMX_REGS_LAZY_LOAD_SET", "VMX_REGS_AVAIL_SET"],
      ["svm", "SVM", "lazy", "SVM_REGS_LAZY_LOAD_SET", "SVM_REGS_AVAIL_SET"],
      ["tdx", "TDX", "available", "TDX_REGS_LAZY_LOAD_SET", "TDX_REGS_AVAIL_SET"],
    ]);
    expect(m.mask).toEqual({ kind: "u32", wordBits: 32, words: 1 });
    expect([m.name, m.options]).toEqual([name, { allCached: false, cStyle: "macro" }]);
    expect(m.doc).toMatch(/^KVM x86 register cache/);
  });
});

describe("the mask: word width and count", () => {
  const spec = (mask: string, count: number) =>
    [
      "regcache: 1",
      "name: masks",
      `mask: ${mask}`,
      "registers:",
      "  gpr:",
      ...Array.from({ length: count }, (_, i) => `    - g${i}`),
      "backends:",
      "  vmx: { lazy: [g0] }",
      "",
    ].join("\n");
  test.each([
    ["u32", 3, { kind: "u32", wordBits: 32, words: 1 }],
    ["u64", 40, { kind: "u64", wordBits: 64, words: 1 }],
    ["bitmap", 1, { kind: "bitmap", wordBits: 64, words: 1 }],
    ["bitmap", 64, { kind: "bitmap", wordBits: 64, words: 1 }],
    ["bitmap", 65, { kind: "bitmap", wordBits: 64, words: 2 }],
  ])("%s with %d registers", (mask, count, want) => {
    const r = generate({ specPath: "masks.yaml", specText: spec(mask, count) });
    if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("; "));
    expect(r.model.mask).toEqual(want);
  });
});
