/*
 * A spec against the tree it describes: where the spec's registers, aliases
 * and backend sets differ from what the tree's compiler says (read.ts). A
 * spec that makes a register always available while the backend's set still
 * fetches it lazily builds and reads a stale register, so `check
 * --compile-commands` fails on every difference and `size` warns of them.
 * The set messages use the words of the kernel target's set checks
 * (targets/kernel/view.ts), naming the register, the backend and the tree's
 * macro with the file defining it.
 *
 * Pure: a model and the tree's facts in, the differences out.
 */
import type { Model } from "../../core/model/types";
import type { SetKind } from "./source";

/** What the comparison needs of a tree (read.ts's TreeRegisters has it all). */
export interface TreeFacts {
  /** Each register's number in enum kvm_reg with every guard defined, by spec name. */
  readonly enum: ReadonlyMap<string, number>;
  /** Each register's guard in the enum (CONFIG_X86_64), by spec name; absent when unguarded. */
  readonly guards: ReadonlyMap<string, string>;
  /** Registers whose guard is off in this build: no set can hold them. */
  readonly guardedOff: ReadonlySet<string>;
  /** Enumerators that are another name of a register (VCPU_REG_ERAPS = VCPU_REG_CR3). */
  readonly aliases: readonly { readonly name: string; readonly register: string }[];
  readonly sets: readonly {
    readonly backend: string;
    readonly macro: string;
    readonly kind: SetKind;
    /** Relative to the tree's root. */
    readonly file: string;
    readonly registers: readonly string[];
  }[];
  /** Sets defined in units this build does not compile. */
  readonly unbuilt: readonly { readonly macro: string; readonly file: string }[];
  /** The file holding enum kvm_reg, relative to the tree's root. */
  readonly enumFile: string;
}

export type DifferenceKind = "set" | "register" | "numbering" | "guard" | "alias" | "backend";

export interface TreeDifference {
  readonly kind: DifferenceKind;
  /** The spec's name of the register (or alias) it is about, when it is about one. */
  readonly register?: string;
  /** The backend it is about, when it is about one. */
  readonly backend?: string;
  /** One line naming both sides: "the spec has cr3 always available on vmx, …". */
  readonly message: string;
}

export interface TreeComparison {
  /** In spec order: enum first, then aliases, then each backend. Empty when they agree. */
  readonly differences: readonly TreeDifference[];
  /** What could not be compared, and why ("tdx: TDX_REGS_AVAIL_SET … is not compiled"). */
  readonly notes: readonly string[];
}

/** What to do about a difference, printed after them (check and size alike). */
export const TREE_FIX =
  "make the spec's registers and backends say what the tree does, or change the tree's sets; `regcache import --compile-commands DB` prints the spec the tree describes";

/**
 * Every difference between the spec's model and the tree. A register's
 * number is compared only when both sides have the same registers (a missing
 * one shifts every number after it; the missing register is the difference).
 * A spec backend whose set sits in a unit this build does not compile is a
 * note, not a difference.
 */
export function compareWithTree(model: Model, tree: TreeFacts): TreeComparison {
  const differences: TreeDifference[] = [];
  const notes: string[] = [];
  const enumAt = `enum kvm_reg (${tree.enumFile})`;
  const specNames = new Set(model.registers.map((r) => r.name));
  const specAliases = new Map(model.aliases.map((a) => [a.name, a.register.name]));
  const treeAliases = new Map(tree.aliases.map((a) => [a.name, a.register]));

  let sameRegisters = true;
  for (const r of model.registers) {
    if (tree.enum.has(r.name)) continue;
    sameRegisters = false;
    const other = treeAliases.get(r.name);
    differences.push({
      kind: other === undefined ? "register" : "alias",
      register: r.name,
      message:
        other === undefined
          ? `the spec has register ${r.name} (${r.enumName}), ${enumAt} lacks it`
          : `the spec has ${r.name} as a register of its own, ${enumAt} has it as another name of ${other}`,
    });
  }
  for (const name of tree.enum.keys()) {
    if (specNames.has(name)) continue;
    sameRegisters = false;
    const other = specAliases.get(name);
    differences.push({
      kind: other === undefined ? "register" : "alias",
      register: name,
      message:
        other === undefined
          ? `${enumAt} has register ${name}, the spec lacks it`
          : `${enumAt} has ${name} as a register of its own, the spec has it as another name of ${other}`,
    });
  }
  for (const r of model.registers) {
    const at = tree.enum.get(r.name);
    if (at === undefined) continue;
    if (sameRegisters && at !== r.index) {
      differences.push({
        kind: "numbering",
        register: r.name,
        message: `the spec numbers ${r.name} ${r.index}, ${enumAt} numbers it ${at}`,
      });
    }
    const treeGuard = tree.guards.get(r.name);
    if (treeGuard !== r.guard) {
      const guarded = (g: string | undefined) => (g ? `only when ${g}` : "unguarded");
      differences.push({
        kind: "guard",
        register: r.name,
        message: `the spec has ${r.name} ${guarded(r.guard)}, ${enumAt} has it ${guarded(treeGuard)}`,
      });
    }
  }

  for (const [name, register] of specAliases) {
    if (tree.enum.has(name)) continue; // reported above as a register of the tree's
    const treeRegister = treeAliases.get(name);
    if (treeRegister === register) continue;
    differences.push({
      kind: "alias",
      register: name,
      message:
        treeRegister === undefined
          ? `the spec has ${name} as another name of ${register}, ${enumAt} lacks it`
          : `the spec has ${name} as another name of ${register}, ${enumAt} has it as another name of ${treeRegister}`,
    });
  }
  for (const [name, register] of treeAliases) {
    if (specAliases.has(name) || specNames.has(name)) continue;
    differences.push({
      kind: "alias",
      register: name,
      message: `${enumAt} has ${name} as another name of ${register}, the spec lacks it`,
    });
  }

  const specBackends = new Set(model.backends.map((b) => b.name));
  for (const b of model.backends) {
    const sets = tree.sets.filter((s) => s.backend === b.name);
    if (sets.length === 0) {
      const unbuilt = tree.unbuilt.filter(
        (u) => u.macro === b.lazySetName || u.macro === b.availSetName,
      );
      if (unbuilt.length > 0) {
        for (const u of unbuilt)
          notes.push(
            `${b.name}: ${u.macro} (${u.file}) is in a unit this build does not compile; not compared`,
          );
        continue;
      }
      differences.push({
        kind: "backend",
        backend: b.name,
        message: `the spec has backend ${b.name}, no file below arch/x86/kvm/ that this build compiles defines ${b.lazySetName} or ${b.availSetName}`,
      });
      continue;
    }
    const lazy = new Set(b.lazy.map((r) => r.name));
    for (const s of sets) {
      const where = `${s.macro} (${s.file})`;
      const inSet = new Set(s.registers);
      for (const r of model.registers) {
        if (!tree.enum.has(r.name) || tree.guardedOff.has(r.name)) continue;
        const treeLazy = s.kind === "lazy" ? inSet.has(r.name) : !inSet.has(r.name);
        if (treeLazy === lazy.has(r.name)) continue;
        const spec = lazy.has(r.name)
          ? `the spec has ${b.name} load ${r.name} lazily`
          : `the spec has ${r.name} always available on ${b.name}`;
        const treeSays = inSet.has(r.name)
          ? `has it ${s.kind === "lazy" ? "lazy" : "always available"}`
          : `lacks it, so ${s.kind === "lazy" ? "always available" : "lazy"}`;
        differences.push({
          kind: "set",
          register: r.name,
          backend: b.name,
          message: `${spec}, ${where} ${treeSays}`,
        });
      }
    }
  }
  for (const s of tree.sets) {
    if (specBackends.has(s.backend)) continue;
    differences.push({
      kind: "backend",
      backend: s.backend,
      message: `${s.macro} (${s.file}) is the set of backend ${s.backend}, the spec has no backend ${s.backend}`,
    });
  }
  return { differences, notes };
}
