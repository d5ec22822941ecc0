/*
 * assemble(): enum kvm_reg's names (from the text) and values (from the
 * compiler) become registers, the enum's spelling and its aliases. The
 * findings are made up here, as a probe would report them, so each case
 * shows one way a tree can write its enum.
 */
import { assemble, probeKeys, type ImportedTree } from "../../../generator/import/assemble";
import type { Enumerator, SetMacro } from "../../../generator/import/source";

const header = { displayPath: "asm/kvm_host.h", text: "enum kvm_reg { … };" };

/** Enumerators with the values the compiler gave them (undefined: under a guard that is off). */
function findings(list: [string, number | undefined, string?][], sets: [SetMacro, bigint][] = []) {
  const enumerators: Enumerator[] = list.map(([identifier, , guard], i) => ({
    identifier,
    offset: i,
    ...(guard ? { guard, guardDirective: `#ifdef ${guard}` } : {}),
  }));
  const values = new Map<string, bigint | undefined>(
    list.map(([id, v]) => [probeKeys.enumerator(id), v === undefined ? undefined : BigInt(v)]),
  );
  values.set(probeKeys.mask, 0n);
  values.set(probeKeys.kvmX86Call, 1n);
  for (const [set, value] of sets) values.set(probeKeys.set(set.macro), value);
  return {
    registerEnum: { header, enumerators },
    sets: sets.map(([s]) => s),
    setFiles: new Map(),
    values,
    release: "7.2.0",
  };
}

const gprs = (prefix: string, names: string[], from = 0): [string, number][] =>
  names.map((n, i) => [prefix + n, from + i]);

const treeOf = (list: [string, number | undefined, string?][]) => {
  const r = assemble(findings(list));
  return r.ok ? r.tree : r.diagnostics.map((d) => d.message);
};

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

  it("a guard that is off: the GPR count and the extended values follow the present GPRs", () => {
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
    const r = assemble(findings(list));
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
      findings(
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
