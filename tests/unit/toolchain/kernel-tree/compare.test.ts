/*
 * A spec against a tree's facts (generator/toolchain/kernel-tree/compare.ts):
 * facts written to agree with a bundled spec compare clean, and each way a
 * tree can disagree (a set, a register, its number or guard, an alias, a
 * backend) is one difference naming the register and the backend.
 */
import * as path from "node:path";
import { loadModel } from "../../../../generator/generate/produce";
import type { Model } from "../../../../generator/core/model/types";
import {
  compareWithTree,
  type TreeFacts,
} from "../../../../generator/toolchain/kernel-tree/compare";

const SPECS = path.join(__dirname, "..", "..", "..", "..", "spec");

function modelOf(name: string): Model {
  const loaded = loadModel({ specPath: path.join(SPECS, `${name}.yaml`) });
  if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join("\n"));
  return loaded.model;
}

/** Facts a tree that agrees with the model would have: each backend's set as the spec declares it. */
function factsOf(model: Model): TreeFacts {
  return {
    enum: new Map(model.registers.map((r) => [r.name, r.index])),
    guards: new Map(model.registers.flatMap((r) => (r.guard ? [[r.name, r.guard] as const] : []))),
    guardedOff: new Set(),
    aliases: model.aliases.map((a) => ({ name: a.name, register: a.register.name })),
    sets: model.backends.map((b) => ({
      backend: b.name,
      macro: b.declared === "lazy" ? b.lazySetName : b.availSetName,
      kind: b.declared,
      file: `arch/x86/kvm/${b.name}/${b.name}.h`,
      registers: (b.declared === "lazy" ? b.lazy : b.available).map((r) => r.name),
    })),
    unbuilt: [],
    enumFile: "arch/x86/include/asm/kvm_host.h",
  };
}

const withSet = (facts: TreeFacts, backend: string, edit: (regs: string[]) => string[]) => ({
  ...facts,
  sets: facts.sets.map((s) =>
    s.backend === backend ? { ...s, registers: edit([...s.registers]) } : s,
  ),
});

describe("compareWithTree", () => {
  test.each(["linux-6.1", "linux-6.12", "linux-7.2"])(
    "%s against facts that agree: no difference",
    (name) => {
      const model = modelOf(name);
      expect(compareWithTree(model, factsOf(model))).toEqual({ differences: [], notes: [] });
    },
  );

  test.each(["linux-6.12", "linux-7.2"])(
    "%s: cr3 out of the spec's vmx lazy list while the tree's set has it",
    (name) => {
      const model = modelOf(name);
      const vmx = model.backends.find((b) => b.name === "vmx")!;
      const facts = factsOf(model);
      // The tree keeps cr3 in its set; the spec's model is read without it.
      const specWithout: Model = {
        ...model,
        backends: model.backends.map((b) =>
          b === vmx ? { ...b, lazy: b.lazy.filter((r) => r.name !== "cr3") } : b,
        ),
      };
      const { differences } = compareWithTree(specWithout, facts);
      expect(differences).toEqual([
        {
          kind: "set",
          register: "cr3",
          backend: "vmx",
          message: `the spec has cr3 always available on vmx, ${vmx.lazySetName} (arch/x86/kvm/vmx/vmx.h) has it lazy`,
        },
      ]);
    },
  );

  test("rbp lazy in the spec, not in the tree's set", () => {
    const model = modelOf("linux-6.12");
    const facts = withSet(factsOf(model), "vmx", (regs) => regs.filter((r) => r !== "rbp"));
    const rbp = model.registers.find((r) => r.name === "rbp")!;
    const specWith: Model = {
      ...model,
      backends: model.backends.map((b) =>
        b.name === "vmx" ? { ...b, lazy: [...b.lazy, rbp] } : b,
      ),
    };
    expect(compareWithTree(specWith, facts).differences).toEqual([
      {
        kind: "set",
        register: "rbp",
        backend: "vmx",
        message:
          "the spec has vmx load rbp lazily, VMX_REGS_LAZY_LOAD_SET (arch/x86/kvm/vmx/vmx.h) lacks it, so always available",
      },
    ]);
  });

  test("an available set (tdx) is read the other way round", () => {
    const model = modelOf("linux-7.2");
    const facts = withSet(factsOf(model), "tdx", (regs) => regs.filter((r) => r !== "rax"));
    const [d, ...rest] = compareWithTree(model, facts).differences;
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ kind: "set", register: "rax", backend: "tdx" });
    expect(d!.message).toBe(
      "the spec has rax always available on tdx, TDX_REGS_AVAIL_SET (arch/x86/kvm/tdx/tdx.h) lacks it, so lazy",
    );
  });

  test("a register whose guard is off in this build is not compared in a set", () => {
    const model = modelOf("linux-7.2");
    const facts = {
      ...withSet(factsOf(model), "tdx", (regs) => regs.filter((r) => r !== "r8")),
      guardedOff: new Set(["r8"]),
    };
    expect(compareWithTree(model, facts).differences).toEqual([]);
  });

  test("a register the tree lacks, one it has more, and numbers after a gap are not repeated", () => {
    const model = modelOf("linux-6.12");
    const facts = factsOf(model);
    const lacking = new Map([...facts.enum].filter(([n]) => n !== "cr0"));
    lacking.set("ssp", facts.enum.size);
    const messages = compareWithTree(model, { ...facts, enum: lacking }).differences.map(
      (d) => `${d.kind} ${d.register}: ${d.message}`,
    );
    expect(messages).toEqual([
      "register cr0: the spec has register cr0 (VCPU_EXREG_CR0), enum kvm_reg (arch/x86/include/asm/kvm_host.h) lacks it",
      "register ssp: enum kvm_reg (arch/x86/include/asm/kvm_host.h) has register ssp, the spec lacks it",
    ]);
  });

  test("a register numbered differently and one guarded differently", () => {
    const model = modelOf("linux-6.12");
    const facts = factsOf(model);
    const [a, b] = [model.registers[0]!, model.registers[1]!];
    const swapped = new Map(facts.enum);
    swapped.set(a.name, b.index);
    swapped.set(b.name, a.index);
    const guards = new Map(facts.guards);
    guards.set(a.name, "CONFIG_X86_64");
    const differences = compareWithTree(model, { ...facts, enum: swapped, guards }).differences;
    expect(differences.map((d) => [d.kind, d.register])).toEqual([
      ["numbering", a.name],
      ["guard", a.name],
      ["numbering", b.name],
    ]);
    expect(differences[0]!.message).toBe(
      `the spec numbers ${a.name} ${a.index}, enum kvm_reg (arch/x86/include/asm/kvm_host.h) numbers it ${b.index}`,
    );
    expect(differences[1]!.message).toBe(
      `the spec has ${a.name} unguarded, enum kvm_reg (arch/x86/include/asm/kvm_host.h) has it only when CONFIG_X86_64`,
    );
  });

  test("aliases: 7.2's eraps against a tree without it, and a tree alias the spec lacks", () => {
    const model = modelOf("linux-7.2");
    const facts = factsOf(model);
    expect(compareWithTree(model, { ...facts, aliases: [] }).differences).toEqual([
      {
        kind: "alias",
        register: "eraps",
        message:
          "the spec has eraps as another name of cr3, enum kvm_reg (arch/x86/include/asm/kvm_host.h) lacks it",
      },
    ]);
    const six = modelOf("linux-6.12");
    expect(
      compareWithTree(six, { ...factsOf(six), aliases: [{ name: "eraps", register: "cr3" }] })
        .differences,
    ).toEqual([
      {
        kind: "alias",
        register: "eraps",
        message:
          "enum kvm_reg (arch/x86/include/asm/kvm_host.h) has eraps as another name of cr3, the spec lacks it",
      },
    ]);
  });

  test("backends: one the tree lacks, one it builds not, one the spec lacks", () => {
    const model = modelOf("linux-7.2");
    const facts = factsOf(model);
    const withoutTdx = { ...facts, sets: facts.sets.filter((s) => s.backend !== "tdx") };
    expect(compareWithTree(model, withoutTdx).differences).toEqual([
      {
        kind: "backend",
        backend: "tdx",
        message:
          "the spec has backend tdx, no file below arch/x86/kvm/ that this build compiles defines TDX_REGS_LAZY_LOAD_SET or TDX_REGS_AVAIL_SET",
      },
    ]);
    const unbuilt = {
      ...withoutTdx,
      unbuilt: [{ macro: "TDX_REGS_AVAIL_SET", file: "arch/x86/kvm/vmx/tdx.c" }],
    };
    expect(compareWithTree(model, unbuilt)).toEqual({
      differences: [],
      notes: [
        "tdx: TDX_REGS_AVAIL_SET (arch/x86/kvm/vmx/tdx.c) is in a unit this build does not compile; not compared",
      ],
    });
    const six = modelOf("linux-6.12");
    const extra = factsOf(six);
    const tdx = facts.sets.find((s) => s.backend === "tdx")!;
    expect(compareWithTree(six, { ...extra, sets: [...extra.sets, tdx] }).differences).toEqual([
      {
        kind: "backend",
        backend: "tdx",
        message: `TDX_REGS_AVAIL_SET (${tdx.file}) is the set of backend tdx, the spec has no backend tdx`,
      },
    ]);
  });
});
