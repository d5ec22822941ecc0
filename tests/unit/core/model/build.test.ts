/*
 * One small spec's model, written out whole by hand (toStrictEqual: an
 * optional field the spec does not give is absent, not undefined). The spec
 * is built to reach the decisions the shipped specs never make: a backend
 * declared with `available:`, a bitmap mask, an always-available extended
 * register with an accessor (direct, no cache_reg), a listed always-available
 * GPR (it stays in the macro), a lazily loaded GPR that is not listed (a
 * kernel function of its own, but in the c target's macros), two helpers and
 * one accessor named in always_inline, a write-only extended accessor, and a
 * kernel header whose name holds a '-' and a digit. Every expected value
 * below follows from the spec text and the rules in build.ts's and
 * kernel-block.ts's docstrings (a register is always available when no backend
 * loads it lazily), not from a run.
 */
import { loadModel } from "../../../../generator/generate/produce";
import type { Model } from "../../../../generator/core/model/types";

const SPEC = `regcache: 1
name: small
mask: bitmap
registers:
  gpr:
    - rax
    - rdx
    - rsp
    - { name: r8, when: CONFIG_X86_64, doc: the first REX register }
    - rip
  extended:
    - { name: cr3, doc: guest CR3 }
    - exit_info_1
backends:
  vmx:
    doc: loads on demand
    lazy: [rip, rsp, cr3]
  svm:
    available: [rax, rdx, rsp, r8, rip, exit_info_1]
output:
  targets: [kernel]
  kernel_header: my-cache2.h
api:
  cache_reg: static_call
  bitops: regcache
  raw_pair: false
  test_and_mark_available: false
  inline: inline
  always_inline: [kvm_register_is_dirty, kvm_rip_write, kvm_read_edx_eax]
accessors:
  - rax
  - register: cr3
    field: cr3
    type: ulong
    read: kvm_read_cr3
    doc: CR3 as the guest last wrote it
  - register: exit_info_1
    field: exit_qualification
    type: u64
    write: kvm_write_exit_info_1
  - rip
`;

function load(text: string, allCached = false): Model {
  const r = loadModel({ specPath: "small.yaml", specText: text, allCached });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n"));
  return r.model;
}

const reg = (
  name: string,
  index: number,
  kind: "gpr" | "extended",
  lazyIn: string[],
  extra: { guard?: string; doc?: string } = {},
) => ({
  name,
  upper: name.toUpperCase(),
  kind,
  enumName: `${kind === "gpr" ? "VCPU_REGS_" : "VCPU_EXREG_"}${name.toUpperCase()}`,
  index,
  ...extra,
  lazyIn,
  alwaysAvailable: lazyIn.length === 0,
});

// vmx lists rip, rsp, cr3 as lazy; svm lists everything but cr3 as available.
const RAX = reg("rax", 0, "gpr", []);
const RDX = reg("rdx", 1, "gpr", []);
const RSP = reg("rsp", 2, "gpr", ["vmx"]);
const R8 = reg("r8", 3, "gpr", [], { guard: "CONFIG_X86_64", doc: "the first REX register" });
const RIP = reg("rip", 4, "gpr", ["vmx"]);
const CR3 = reg("cr3", 5, "extended", ["vmx", "svm"], { doc: "guest CR3" });
const EXIT_INFO_1 = reg("exit_info_1", 6, "extended", []);

const accessor = (r: typeof RAX, path: "direct" | "cached") => ({
  register: r,
  read: `kvm_${r.name}_read`,
  write: `kvm_${r.name}_write`,
  tsRead: `${r.name}Read`,
  tsWrite: `${r.name}Write`,
  path,
});

const INLINE = "static inline";
const ALWAYS = "static __always_inline";

describe("a small spec's model, written out whole", () => {
  // Loaded inside each test, not at describe time: Stryker credits a mutant only to
  // the tests that ran it (perTest coverage).
  test("registers in enum order: where each is lazy, which are always available", () => {
    const m = load(SPEC);
    expect(m.registers).toStrictEqual([RAX, RDX, RSP, R8, RIP, CR3, EXIT_INFO_1]);
    expect(m.gprs).toStrictEqual([RAX, RDX, RSP, R8, RIP]);
    expect(m.extended).toStrictEqual([CR3, EXIT_INFO_1]);
    expect([m.name, "doc" in m]).toEqual(["small", false]);
    expect(m.mask).toStrictEqual({ kind: "bitmap", wordBits: 64, words: 1 });
  });

  test("backends: declared lazy or available, both sets in enum order", () => {
    const m = load(SPEC);
    expect(m.backends).toStrictEqual([
      {
        name: "vmx",
        upper: "VMX",
        doc: "loads on demand",
        declared: "lazy",
        lazy: [RSP, RIP, CR3],
        available: [RAX, RDX, R8, EXIT_INFO_1],
        lazySetName: "VMX_REGS_LAZY_LOAD_SET",
        availSetName: "VMX_REGS_AVAIL_SET",
      },
      {
        name: "svm",
        upper: "SVM",
        declared: "available",
        lazy: [CR3],
        available: [RAX, RDX, RSP, R8, RIP, EXIT_INFO_1],
        lazySetName: "SVM_REGS_LAZY_LOAD_SET",
        availSetName: "SVM_REGS_AVAIL_SET",
      },
    ]);
  });

  test("GPR accessors: direct for the always-available ones, cached for RSP and RIP", () => {
    const m = load(SPEC);
    expect(m.accessors).toStrictEqual([
      accessor(RAX, "direct"),
      accessor(RDX, "direct"),
      accessor(RSP, "cached"),
      accessor(R8, "direct"),
      accessor(RIP, "cached"),
    ]);
    expect(m.options).toStrictEqual({ allCached: false, cStyle: "macro" });
  });

  test("output: the kernel header's include guard from its name", () => {
    const m = load(SPEC);
    expect(m.output).toStrictEqual({
      targets: ["kernel"],
      kernelHeader: "my-cache2.h",
      kernelGuard: "MY_CACHE2_H",
      adopts: {
        header: "kvm_cache_regs.h",
        first: "BUILD_KVM_GPR_ACCESSORS",
        last: "kvm_read_edx_eax",
      },
    });
  });

  test("api: the plain cached pair, and the two always_inline names", () => {
    const m = load(SPEC);
    expect(m.api).toStrictEqual({
      cacheReg: "static_call",
      bitops: "regcache",
      rawPair: false,
      testAndMarkAvailable: false,
      cachedRead: "kvm_register_read",
      cachedWrite: "kvm_register_write",
      gprCount: "NR_VCPU_REGS",
      markForReload: false,
      bulkHelpers: false,
      linkage: {
        BUILD_KVM_GPR_ACCESSORS: INLINE,
        kvm_register_is_available: INLINE,
        kvm_register_is_dirty: ALWAYS,
        kvm_register_mark_available: INLINE,
        kvm_register_mark_dirty: INLINE,
        kvm_register_test_and_mark_available: INLINE,
        kvm_register_read: INLINE,
        kvm_register_write: INLINE,
        kvm_read_edx_eax: ALWAYS,
      },
    });
  });

  test("kernel block: RSP unlisted first, then the accessors list (RAX stays in the macro)", () => {
    const m = load(SPEC);
    const gpr = (r: typeof RAX, listed: boolean, writeLinkage: string) => ({
      kind: "gpr",
      register: r,
      path: "cached",
      read: { name: `kvm_${r.name}_read`, linkage: INLINE },
      write: { name: `kvm_${r.name}_write`, linkage: writeLinkage },
      listed,
    });
    const rsp = gpr(RSP, false, INLINE);
    const rip = gpr(RIP, true, ALWAYS);
    const cr3 = {
      kind: "extended",
      register: CR3,
      path: "cached",
      field: "cr3",
      type: "ulong",
      indexed: false,
      markDirty: false,
      mightSleep: false,
      read: { name: "kvm_read_cr3", linkage: INLINE },
      doc: "CR3 as the guest last wrote it",
    };
    const exitInfo1 = {
      kind: "extended",
      register: EXIT_INFO_1,
      path: "direct",
      field: "exit_qualification",
      type: "u64",
      indexed: false,
      markDirty: false,
      mightSleep: false,
      write: { name: "kvm_write_exit_info_1", linkage: INLINE },
    };
    expect(m.kernel).toStrictEqual({
      gprMacro: {
        name: "BUILD_KVM_GPR_ACCESSORS",
        linkage: INLINE,
        path: "direct",
        accessors: [accessor(RAX, "direct"), accessor(RDX, "direct"), accessor(R8, "direct")],
      },
      macroFirst: true,
      gprFamily: "plain",
      functions: [rsp, cr3, exitInfo1, rip],
      edxEax: ALWAYS,
      edxEaxByEPair: false,
      docs: {},
    });
    // The c target: every GPR but the listed lazy one in its macros; the rest in spec order.
    expect(m.c).toStrictEqual({
      macroAccessors: [
        accessor(RAX, "direct"),
        accessor(RDX, "direct"),
        accessor(RSP, "cached"),
        accessor(R8, "direct"),
      ],
      functions: [cr3, exitInfo1, rip],
      macroLinkage: INLINE,
      enum: { gprCount: "NR_VCPU_REGS", aliases: [] },
      ePair: [],
    });
  });

  test("inline: always_inline links every helper and accessor __always_inline", () => {
    const all = load(SPEC.replace("inline: inline", "inline: always_inline"));
    expect(new Set(Object.values(all.api.linkage))).toEqual(new Set([ALWAYS]));
    expect(Object.keys(all.api.linkage)).toHaveLength(9);
    expect(all.kernel.gprMacro.linkage).toBe(ALWAYS);
    expect(all.kernel.edxEax).toBe(ALWAYS);
    expect(
      all.kernel.functions.flatMap((f) =>
        f.kind === "gpr" ? [f.read, f.write] : [f.read, f.write].filter((x) => x !== undefined),
      ),
    ).toEqual([
      { name: "kvm_rsp_read", linkage: ALWAYS },
      { name: "kvm_rsp_write", linkage: ALWAYS },
      { name: "kvm_read_cr3", linkage: ALWAYS },
      { name: "kvm_write_exit_info_1", linkage: ALWAYS },
      { name: "kvm_rip_read", linkage: ALWAYS },
      { name: "kvm_rip_write", linkage: ALWAYS },
    ]);
  });

  test("--all-cached: every accessor cached, the macro after the cached pair", () => {
    const all = load(SPEC, true);
    expect(all.accessors.map((a) => [a.register.name, a.path])).toEqual([
      ["rax", "cached"],
      ["rdx", "cached"],
      ["rsp", "cached"],
      ["r8", "cached"],
      ["rip", "cached"],
    ]);
    expect([all.kernel.gprMacro.path, all.kernel.macroFirst]).toEqual(["cached", false]);
    expect(all.kernel.gprMacro.accessors.map((a) => a.register.name)).toEqual(["rax", "rdx", "r8"]);
    // An extended register's path is its own availability, whatever --all-cached says.
    expect(all.kernel.functions.map((f) => [f.register.name, f.path])).toEqual([
      ["rsp", "cached"],
      ["cr3", "cached"],
      ["exit_info_1", "direct"],
      ["rip", "cached"],
    ]);
  });

  test("the C identifiers: each accessor function the spec names, then the include guard", () => {
    const m = load(SPEC);
    const without = load(
      SPEC.replace(/^accessors:[^]*$/m, "").replace("targets: [kernel]", "targets: [c]"),
    );
    const added = m.identifiers.c.filter((n) => !without.identifiers.c.includes(n));
    expect(added).toEqual(["kvm_read_cr3", "kvm_write_exit_info_1", "MY_CACHE2_H"]);
    expect(m.identifiers.c.slice(-3)).toEqual(added);
    // Without the kernel target no include guard: the last backend's sets and their checks come last.
    expect(without.identifiers.c.slice(-4)).toEqual([
      "SVM_REGS_LAZY_LOAD_SET",
      "SVM_REGS_AVAIL_SET",
      "KVM_CHECK_SVM_REGS_LAZY_LOAD_SET",
      "KVM_CHECK_SVM_REGS_AVAIL_SET",
    ]);
  });
});

describe("kvm_read_edx_eax: only with RAX and RDX both unguarded", () => {
  const spec = (rax: string, rdx: string) =>
    [
      "regcache: 1",
      "name: edx",
      "mask: u32",
      "registers:",
      "  gpr:",
      `    - ${rax}`,
      `    - ${rdx}`,
      "    - rip",
      "backends:",
      "  vmx: { lazy: [rip] }",
      "",
    ].join("\n");
  test.each([
    ["rax", "rdx", true],
    ["{ name: rax, when: CONFIG_X86_64 }", "rdx", false],
    ["rax", "{ name: rdx, when: CONFIG_X86_64 }", false],
    ["rax", "rcx", false],
    ["rcx", "rdx", false],
  ])("%s, %s: %s", (rax, rdx, want) => {
    const k = load(spec(rax, rdx)).kernel;
    expect("edxEax" in k).toBe(want);
  });
});

describe("a spec whose every GPR some backend loads lazily", () => {
  const text = [
    "regcache: 1",
    "name: nomacro",
    "mask: u32",
    "registers:",
    "  gpr: [rsp, rip]",
    "  extended: [cr3]",
    "backends:",
    "  vmx: { lazy: [rsp, rip] }",
    "  svm: { lazy: [cr3] }",
    "",
  ].join("\n");
  test("has an empty GPR macro, which is direct and comes first", () => {
    const k = load(text).kernel;
    expect(k.gprMacro.accessors).toEqual([]);
    expect([k.gprMacro.path, k.macroFirst]).toEqual(["direct", true]);
    expect(k.functions.map((f) => [f.register.name, f.path])).toEqual([
      ["rsp", "cached"],
      ["rip", "cached"],
    ]);
    expect("edxEax" in k).toBe(false);
  });
});
