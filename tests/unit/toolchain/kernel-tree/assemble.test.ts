/*
 * The compiler's answers and the text's names put together
 * (generator/toolchain/kernel-tree/assemble.ts): what the probe asks about a tree, and the
 * tree that comes out of the answers — GPRs and extended registers in enum
 * order with their guards, how the enum spells them (prefixes, the GPR count,
 * the total) and which enumerators alias a register, each backend's set
 * decoded bit by bit, the mask from regs_avail's width, cache_reg's dispatch
 * — or every inconsistency at once (RC805, RC811, RC812). The findings are
 * made up here, as a probe would report them.
 */
import {
  assemble,
  probeKeys,
  setProbeItem,
  treeProbeItems,
  type Findings,
  type ImportedTree,
} from "../../../../generator/toolchain/kernel-tree/assemble";
import type { Enumerator, SetMacro } from "../../../../generator/toolchain/kernel-tree/source";

const header = { displayPath: "kvm_host.h", text: "" };
const sets: SetMacro[] = [
  { macro: "SVM_REGS_LAZY_LOAD_SET", backend: "svm", kind: "lazy", file: "svm.h", offset: 8 },
  { macro: "TDX_REGS_AVAIL_SET", backend: "tdx", kind: "available", file: "tdx.h", offset: 8 },
];

/** Enumerators named in order; "X86_64:" before a name puts it under #ifdef CONFIG_X86_64. */
function enumerators(...names: string[]): Enumerator[] {
  return names.map((n, i) => {
    const [guard, identifier] = n.includes(":") ? n.split(":") : [undefined, n];
    return {
      identifier,
      offset: i * 20,
      ...(guard ? { guard: `CONFIG_${guard}`, guardDirective: `#ifdef CONFIG_${guard}` } : {}),
    };
  });
}

/** Linux 6.x's spelling, with a total after the extended registers. */
const ENUM = enumerators(
  "VCPU_REGS_RAX",
  "VCPU_REGS_RCX",
  "X86_64:VCPU_REGS_R8",
  "NR_VCPU_REGS",
  "VCPU_EXREG_PDPTR",
  "VCPU_EXREG_CR3",
  "NR_VCPU_TOTAL_REGS",
);

/** Findings for ENUM with the values a 64-bit build gives; `values` overrides some. */
function findings(values: Record<string, bigint | undefined> = {}, en = ENUM): Findings {
  const all = new Map<string, bigint | undefined>([
    [probeKeys.enumerator("VCPU_REGS_RAX"), 0n],
    [probeKeys.enumerator("VCPU_REGS_RCX"), 1n],
    [probeKeys.enumerator("VCPU_REGS_R8"), 2n],
    [probeKeys.enumerator("NR_VCPU_REGS"), 3n],
    [probeKeys.enumerator("VCPU_EXREG_PDPTR"), 3n],
    [probeKeys.enumerator("VCPU_EXREG_CR3"), 4n],
    [probeKeys.enumerator("NR_VCPU_TOTAL_REGS"), 5n],
    [probeKeys.set("SVM_REGS_LAZY_LOAD_SET"), 1n << 3n],
    [probeKeys.set("TDX_REGS_AVAIL_SET"), 0b111n],
    [probeKeys.mask, 4n],
  ]);
  for (const [k, v] of Object.entries(values)) all.set(k, v);
  return {
    registerEnum: { header, enumerators: en },
    sets,
    setFiles: new Map([["svm.h", { displayPath: "svm.h", text: "" }]]),
    values: all,
    release: "6.12.7",
  };
}

/**
 * Findings for an enum listed with the values the compiler gave each
 * enumerator (undefined: under a guard that is off), a bitmap mask,
 * kvm_x86_call, and the given sets with their values.
 */
function listed(
  list: [string, number | undefined, string?][],
  withSets: [SetMacro, bigint][] = [],
): Findings {
  const en: Enumerator[] = list.map(([identifier, , guard], i) => ({
    identifier,
    offset: i,
    ...(guard ? { guard, guardDirective: `#ifdef ${guard}` } : {}),
  }));
  const values = new Map<string, bigint | undefined>(
    list.map(([id, v]) => [probeKeys.enumerator(id), v === undefined ? undefined : BigInt(v)]),
  );
  values.set(probeKeys.mask, 0n);
  values.set(probeKeys.kvmX86Call, 1n);
  for (const [set, value] of withSets) values.set(probeKeys.set(set.macro), value);
  return {
    registerEnum: { header, enumerators: en },
    sets: withSets.map(([s]) => s),
    setFiles: new Map(),
    values,
    release: "7.2.0",
  };
}

const gprs = (prefix: string, names: string[], from = 0): [string, number][] =>
  names.map((n, i) => [prefix + n, from + i]);

const treeOf = (list: [string, number | undefined, string?][]) => {
  const r = assemble(listed(list));
  return r.ok ? r.tree : r.diagnostics.map((d) => d.message);
};

const messages = (f: Findings) => {
  const result = assemble(f);
  return result.ok
    ? []
    : result.diagnostics.map((d) => `${d.code} ${d.file.displayPath}: ${d.message}`);
};

const inEnum = "RC805 kvm_host.h: enum kvm_reg in kvm_host.h:";

describe("what the probe asks", () => {
  test("every enumerator under its own guard, the mask's width and the dispatch macros", () => {
    const items = treeProbeItems({ header, enumerators: ENUM.slice(0, 3) });
    expect(items.slice(0, 3)).toEqual([
      { key: "enum:VCPU_REGS_RAX", expression: "VCPU_REGS_RAX" },
      { key: "enum:VCPU_REGS_RCX", expression: "VCPU_REGS_RCX" },
      { key: "enum:VCPU_REGS_R8", expression: "VCPU_REGS_R8", condition: "#ifdef CONFIG_X86_64" },
    ]);
    expect(items.slice(3).map((i) => [i.key, i.condition])).toEqual([
      ["mask", undefined],
      ["dispatch:kvm_x86_call", "#if defined(kvm_x86_call)"],
      ["dispatch:static_call", "#if __has_include(<asm/kvm-x86-ops.h>)"],
    ]);
    expect(items[3].expression).toBe(
      "_Generic(((struct kvm_vcpu_arch *)0)->regs_avail, unsigned long *: 0, default: sizeof(((struct kvm_vcpu_arch *)0)->regs_avail))",
    );
  });

  test("a set by its macro's name", () => {
    expect(setProbeItem(sets[0])).toEqual({
      key: "set:SVM_REGS_LAZY_LOAD_SET",
      expression: "SVM_REGS_LAZY_LOAD_SET",
    });
  });
});

describe("assemble", () => {
  test("registers in enum order with guards, sets decoded, the count and total only named", () => {
    expect(assemble(findings())).toEqual({
      ok: true,
      tree: {
        release: "6.12.7",
        enum: {
          gprPrefix: "VCPU_REGS_",
          extendedPrefix: "VCPU_EXREG_",
          gprCount: "NR_VCPU_REGS",
          total: "NR_VCPU_TOTAL_REGS",
        },
        gpr: [{ name: "rax" }, { name: "rcx" }, { name: "r8", guard: "CONFIG_X86_64" }],
        extended: [{ name: "pdptr" }, { name: "cr3" }],
        aliases: [],
        mask: "u32",
        backends: [
          { name: "svm", kind: "lazy", registers: ["pdptr"], macro: "SVM_REGS_LAZY_LOAD_SET" },
          {
            name: "tdx",
            kind: "available",
            registers: ["rax", "rcx", "r8"],
            macro: "TDX_REGS_AVAIL_SET",
          },
        ],
        unbuilt: [],
        cacheReg: "ops_pointer",
      },
    });
  });

  test("a guard off in this build: the register is kept, the values after it follow on", () => {
    const result = assemble(
      findings({
        "enum:VCPU_REGS_R8": undefined,
        "enum:NR_VCPU_REGS": 2n,
        "enum:VCPU_EXREG_PDPTR": 2n,
        "enum:VCPU_EXREG_CR3": 3n,
        "enum:NR_VCPU_TOTAL_REGS": 4n,
        "set:SVM_REGS_LAZY_LOAD_SET": 1n << 2n,
        "set:TDX_REGS_AVAIL_SET": 0b11n,
      }),
    );
    expect(result.ok && result.tree.gpr.map((r) => r.name)).toEqual(["rax", "rcx", "r8"]);
    expect(result.ok && result.tree.extended.map((r) => r.name)).toEqual(["pdptr", "cr3"]);
    expect(result.ok && result.tree.backends.map((b) => b.registers)).toEqual([
      ["pdptr"],
      ["rax", "rcx"],
    ]);
  });

  test.each([
    [0n, "bitmap"],
    [4n, "u32"],
    [8n, "u64"],
  ])("regs_avail of %d bytes: mask %s", (bytes, mask) => {
    const result = assemble(findings({ mask: bytes }));
    expect(result.ok && result.tree.mask).toBe(mask);
  });

  test.each([
    ["neither macro", {}, "ops_pointer"],
    ["asm/kvm-x86-ops.h", { "dispatch:static_call": 1n }, "static_call"],
    [
      "kvm_x86_call too",
      { "dispatch:static_call": 1n, "dispatch:kvm_x86_call": 1n },
      "kvm_x86_call",
    ],
  ])("dispatch with %s: %s", (_name, values, want) => {
    const result = assemble(findings(values));
    expect(result.ok && result.tree.cacheReg).toBe(want);
  });

  test("a set without a value (its probe failed) gives no backend", () => {
    const result = assemble(findings({ "set:TDX_REGS_AVAIL_SET": undefined }));
    expect(result.ok && result.tree.backends.map((b) => b.name)).toEqual(["svm"]);
  });

  test("units this build does not compile are passed on", () => {
    const unbuilt = [{ macro: "TDX_REGS_AVAIL_SET", file: "arch/x86/kvm/vmx/tdx.c" }];
    const result = assemble({ ...findings(), unbuilt });
    expect(result.ok && result.tree.unbuilt).toEqual(unbuilt);
  });

  test("no NR_* enumerator at all, so no GPR count: RC805 and nothing else", () => {
    const noCount = ENUM.filter((e) => !e.identifier.startsWith("NR_"));
    expect(messages(findings({}, noCount))).toEqual([
      `${inEnum} no NR_* enumerator between the GPRs and the extended registers`,
    ]);
  });

  test("every inconsistency at once", () => {
    const en = enumerators(
      "VCPU_REGS_RAX",
      "VCPU_EXREG_WRONG",
      "VCPU_REGS_RCX",
      "NR_VCPU_REGS",
      "VCPU_EXREG_PDPTR",
    );
    const found = messages(
      findings(
        {
          "enum:VCPU_EXREG_WRONG": 1n,
          "enum:VCPU_REGS_RCX": 5n,
          "enum:NR_VCPU_REGS": 3n,
          "enum:VCPU_EXREG_PDPTR": 2n,
          "set:SVM_REGS_LAZY_LOAD_SET": 1n << 9n,
          mask: 2n,
        },
        en,
      ),
    );
    expect(found).toEqual([
      `${inEnum} VCPU_EXREG_WRONG is not a VCPU_REGS_* enumerator, which this part of the enum holds`,
      `${inEnum} VCPU_REGS_RCX is 5, not 1: the spec lists registers in enum order, one value apart`,
      `${inEnum} NR_VCPU_REGS is 3, but 2 GPR enumerators precede it`,
      `${inEnum} VCPU_EXREG_PDPTR is 2, not 3: the spec lists registers in enum order, one value apart`,
      "RC811 svm.h: SVM_REGS_LAZY_LOAD_SET = 0x200 names bit 9, which is no register of enum kvm_reg",
      // The set's file is not among the texts read: the header stands in.
      "RC811 kvm_host.h: TDX_REGS_AVAIL_SET = 0x7 names bit 1, which is no register of enum kvm_reg",
      "RC812 kvm_host.h: regs_avail in struct kvm_vcpu_arch has a shape the spec cannot describe (an integer of 2 bytes)",
    ]);
  });
});

describe("assemble: the enum's spelling", () => {
  it("Linux 6.x: VCPU_REGS_*, NR_VCPU_REGS, VCPU_EXREG_* and no total", () => {
    const tree = treeOf([
      ...gprs("VCPU_REGS_", ["RAX", "RCX", "RIP"]),
      ["NR_VCPU_REGS", 3],
      ["VCPU_EXREG_PDPTR", 3],
      ["VCPU_EXREG_CR3", 4],
    ]) as ImportedTree;
    expect(tree.enum).toEqual({
      gprPrefix: "VCPU_REGS_",
      extendedPrefix: "VCPU_EXREG_",
      gprCount: "NR_VCPU_REGS",
    });
    expect(tree.gpr.map((r) => r.name)).toEqual(["rax", "rcx", "rip"]);
    expect(tree.extended.map((r) => r.name)).toEqual(["pdptr", "cr3"]);
    expect(tree.aliases).toEqual([]);
  });

  it("Linux 7.2: RIP after the GPR count, another prefix, an alias and a total", () => {
    const tree = treeOf([
      ...gprs("VCPU_REGS_", ["RAX", "RCX"]),
      ["VCPU_REGS_R8", 2, "CONFIG_X86_64"],
      ["NR_VCPU_GENERAL_PURPOSE_REGS", 3],
      ["VCPU_REG_RIP", 3],
      ["VCPU_REG_CR0", 4],
      ["VCPU_REG_CR3", 5],
      ["VCPU_REG_ERAPS", 5],
      ["VCPU_REG_CR4", 6],
      ["NR_VCPU_TOTAL_REGS", 7],
    ]) as ImportedTree;
    expect(tree.enum).toEqual({
      gprPrefix: "VCPU_REGS_",
      extendedPrefix: "VCPU_REG_",
      gprCount: "NR_VCPU_GENERAL_PURPOSE_REGS",
      total: "NR_VCPU_TOTAL_REGS",
    });
    expect(tree.gpr).toEqual([
      { name: "rax" },
      { name: "rcx" },
      { name: "r8", guard: "CONFIG_X86_64" },
    ]);
    expect(tree.extended.map((r) => r.name)).toEqual(["rip", "cr0", "cr3", "cr4"]);
    expect(tree.aliases).toEqual([{ name: "eraps", register: "cr3" }]);
  });

  it("Linux 7.2 with a guard that is off: the GPR count and the extended values follow the present GPRs", () => {
    const tree = treeOf([
      ...gprs("VCPU_REGS_", ["RAX", "RCX"]),
      ["VCPU_REGS_R8", undefined, "CONFIG_X86_64"],
      ["NR_VCPU_GENERAL_PURPOSE_REGS", 2],
      ["VCPU_REG_RIP", 2],
      ["NR_VCPU_TOTAL_REGS", 3],
    ]) as ImportedTree;
    expect(tree.gpr.map((r) => r.name)).toEqual(["rax", "rcx", "r8"]);
    expect(tree.extended).toEqual([{ name: "rip" }]);
  });

  const bad: [string, { list: [string, number | undefined, string?][]; says: RegExp }][] = [
    [
      "no terminator after the GPRs",
      { list: gprs("VCPU_REGS_", ["RAX", "RCX"]), says: /no NR_\* enumerator between the GPRs/ },
    ],
    ["a terminator first", { list: [["NR_VCPU_REGS", 0]], says: /NR_VCPU_REGS opens the enum/ }],
    [
      "a GPR count that is not the number of GPRs",
      {
        list: [...gprs("VCPU_REGS_", ["RAX", "RCX"]), ["NR_VCPU_GENERAL_PURPOSE_REGS", 3]],
        says: /NR_VCPU_GENERAL_PURPOSE_REGS is 3, but 2 GPR enumerators precede it/,
      },
    ],
    [
      "a total that is not the number of registers",
      {
        list: [
          ...gprs("VCPU_REGS_", ["RAX"]),
          ["NR_VCPU_GENERAL_PURPOSE_REGS", 1],
          ["VCPU_REG_RIP", 1],
          ["NR_VCPU_TOTAL_REGS", 5],
        ],
        says: /NR_VCPU_TOTAL_REGS is 5, but the registers end at 2/,
      },
    ],
    [
      "two totals",
      {
        list: [
          ...gprs("VCPU_REGS_", ["RAX"]),
          ["NR_VCPU_REGS", 1],
          ["VCPU_EXREG_CR3", 1],
          ["NR_VCPU_TOTAL_REGS", 2],
          ["NR_VCPU_ALL_REGS", 2],
        ],
        says: /ends in 2 NR_\* enumerators \(NR_VCPU_TOTAL_REGS, NR_VCPU_ALL_REGS\)/,
      },
    ],
    [
      "an extended register spelt with the GPRs' prefix among VCPU_REG_ ones",
      {
        list: [
          ...gprs("VCPU_REGS_", ["RAX"]),
          ["NR_VCPU_GENERAL_PURPOSE_REGS", 1],
          ["VCPU_REG_RIP", 1],
          ["VCPU_EXREG_CR3", 2],
        ],
        says: /VCPU_EXREG_CR3 is not a VCPU_REG_\* enumerator/,
      },
    ],
  ];
  it.each(bad)("RC805: %s", (_name, { list, says }) => {
    const r = assemble(listed(list));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics.map((d) => d.code)).toEqual(r.diagnostics.map(() => "RC805"));
    expect(r.diagnostics.map((d) => d.message).join("\n")).toMatch(says);
  });
});

describe("assemble: a set's bits are registers, never aliases", () => {
  it("the alias's bit is its register's", () => {
    const set: SetMacro = {
      macro: "VMX_REGS_LAZY_LOAD_SET",
      backend: "vmx",
      kind: "lazy",
      file: "vmx/vmx.h",
      offset: 0,
    };
    const r = assemble(
      listed(
        [
          ...gprs("VCPU_REGS_", ["RAX"]),
          ["NR_VCPU_GENERAL_PURPOSE_REGS", 1],
          ["VCPU_REG_CR3", 1],
          ["VCPU_REG_ERAPS", 1],
          ["NR_VCPU_TOTAL_REGS", 2],
        ],
        [[set, 0b10n]],
      ),
    );
    expect(r.ok && r.tree.backends).toEqual([
      { name: "vmx", kind: "lazy", registers: ["cr3"], macro: "VMX_REGS_LAZY_LOAD_SET" },
    ]);
  });
});
