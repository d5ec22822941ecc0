/*
 * What a built kernel tree says about its register cache, read through its
 * compile database: `enum kvm_reg` and every backend's lazy or available set,
 * as the tree's own compiler evaluates them. The stages: read the database
 * (toolchain/compile-db.ts) and find the KVM units, read the names the
 * compiler cannot show and each set's use from the source (source.ts),
 * compile one probe per unit with the unit's own flags (probe.ts,
 * probe-run.ts), and put the answers together (assemble.ts). `regcache
 * import` writes a spec from the result; `check` and `size` compare a spec
 * with it (compare.ts).
 *
 * Edge: reads the database and the tree's sources, runs the recorded
 * compilers; writes only inside private temporary directories, never the tree.
 * Returns a kind of failure (diagnostics, and whether the environment failed),
 * never an exit code.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { diagnose, type Diagnostic, type SourceFile } from "../../core/diagnostics/diagnostic";
import { errnoText } from "../../util/errno";
import { readCompileDb, type CompileCommand } from "../compile-db";
import { assemble, probeKeys, setProbeItem, treeProbeItems, type ImportedTree } from "./assemble";
import type { ProbeItem } from "./probe";
import { runProbe } from "./probe-run";
import {
  findSetMacros,
  readRegisterEnum,
  setKinds,
  treeRelease,
  type SetDefinition,
  type SetKind,
} from "./source";
import { byCodeUnit } from "../../util/order";

export interface TreeRequest {
  /** The compile database to read (absolute). */
  readonly compileDb: string;
  /** How paths appear in diagnostics (relative to the working directory where possible). */
  readonly display: (absolutePath: string) => string;
  /**
   * Called as probes finish: `done` of `total` units compiled, `unit` the
   * last one finished (as `display` shows it). Called once with done 0 first.
   */
  readonly onProgress?: (done: number, total: number, unit?: string) => void;
}

/** One backend's set as the tree defines and uses it. */
export interface TreeSet {
  /** The backend, lower case: "vmx". */
  readonly backend: string;
  /** "VMX_REGS_LAZY_LOAD_SET". */
  readonly macro: string;
  /** What the set's registers are to the backend, from how the set is used (source.ts). */
  readonly kind: SetKind;
  /** The file defining it, relative to the tree's root: "arch/x86/kvm/vmx/vmx.h". */
  readonly file: string;
  /** The registers whose bits the set holds in this build, in enum order. */
  readonly registers: readonly string[];
}

export interface TreeRegisters {
  /** The tree's root (absolute): the directory holding arch/x86/kvm/. */
  readonly root: string;
  /** The compile database's text, for diagnostics that point at it. */
  readonly database: SourceFile;
  /** The unit that sees the whole register cache API (arch/x86/kvm/x86.c when listed). */
  readonly preferred: CompileCommand;
  /** Every .c and .h below arch/x86/kvm/, by absolute path. */
  readonly sources: ReadonlyMap<string, SourceFile>;
  /** Everything the probe and the sources say, as import writes a spec from it. */
  readonly tree: ImportedTree;
  /**
   * Each register's number in enum kvm_reg with every guard defined (the
   * spec's numbering: GPRs from 0, the extended registers after the GPR count),
   * by spec name ("cr3"). Aliases are not registers and are in tree.aliases.
   */
  readonly enum: ReadonlyMap<string, number>;
  /** Each register's guard in the enum (CONFIG_X86_64), by spec name; absent when unguarded. */
  readonly guards: ReadonlyMap<string, string>;
  /** Registers whose guard is off in this build (no set can hold them). */
  readonly guardedOff: ReadonlySet<string>;
  /** Enumerators that are another name of a register: { name: "eraps", register: "cr3" }. */
  readonly aliases: ImportedTree["aliases"];
  /** Every set a unit of this build compiles, by macro name. */
  readonly sets: readonly TreeSet[];
  /** Sets defined in units this build does not compile (TDX's without CONFIG_KVM_INTEL_TDX). */
  readonly unbuilt: ImportedTree["unbuilt"];
  /** The file holding enum kvm_reg, relative to the root. */
  readonly enumFile: string;
  /** How many probes were compiled. */
  readonly unitsCompiled: number;
}

export type TreeResult =
  | { readonly ok: true; readonly value: TreeRegisters }
  | {
      readonly ok: false;
      readonly diagnostics: readonly Diagnostic[];
      /** Whether the environment failed (a compiler that does not run) rather than the input. */
      readonly environment: boolean;
    };

/** Where KVM's units sit in a kernel tree; the part before it is the tree's root. */
const KVM_DIR = "/arch/x86/kvm/";
export const ENUM_HEADER = "arch/x86/include/asm/kvm_host.h";
/** The unit that sees the whole register cache API, preferred for the tree-wide questions. */
const PREFERRED_UNIT = "arch/x86/kvm/x86.c";

const failed = (diagnostics: readonly Diagnostic[], environment = false): TreeResult => ({
  ok: false,
  diagnostics,
  environment,
});

/** A file's text, or RC800 naming it. */
export function readSource(
  file: string,
  display: string,
): { ok: true; file: SourceFile } | { ok: false; diagnostic: Diagnostic } {
  try {
    return { ok: true, file: { displayPath: display, text: fs.readFileSync(file, "utf8") } };
  } catch (err) {
    const empty = { displayPath: display, text: "" };
    return {
      ok: false,
      diagnostic: diagnose("RC800", empty, undefined, display, errnoText(err)),
    };
  }
}

/** Every .c and .h below dir, sorted, so the first definition of a macro is the same on every machine. */
function sourcesBelow(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs
      .readdirSync(d, { withFileTypes: true })
      .sort((a, b) => byCodeUnit(a.name, b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && /\.[ch]$/.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/**
 * The unit whose probe sees a set macro. A set defined in a .c file is seen by
 * that unit only: when the database does not list it (vmx/tdx.c without
 * CONFIG_KVM_INTEL_TDX, which the Makefile leaves out), the backend is not
 * built, and none is returned. A set in a header: the unit named like the
 * header in the same directory (vmx/vmx.h → vmx/vmx.c), else another unit of
 * that directory.
 */
function unitFor(set: SetDefinition, units: readonly CompileCommand[]): CompileCommand | undefined {
  const exact = units.find((u) => u.file === set.file);
  if (exact || set.file.endsWith(".c")) return exact;
  const dir = path.dirname(set.file);
  const stem = path.basename(set.file).replace(/\.[ch]$/, "");
  const sameDir = units.filter((u) => path.dirname(u.file) === dir);
  return sameDir.find((u) => path.basename(u.file) === `${stem}.c`) ?? sameDir[0];
}

/**
 * Reads the tree's register facts: RC800–RC812 and RC815 when the database,
 * the sources or a probe say no (environment true for RC809, a compiler that
 * does not run).
 */
export async function readTreeRegisters(req: TreeRequest): Promise<TreeResult> {
  const dbDisplay = req.display(req.compileDb);
  const dbRead = readSource(req.compileDb, dbDisplay);
  if (!dbRead.ok) return failed([dbRead.diagnostic]);
  const db = readCompileDb(dbRead.file.text);
  if (!db.ok)
    return failed(
      db.problems.map((p) =>
        p.entry === undefined
          ? diagnose("RC801", dbRead.file, undefined, dbRead.file.displayPath, p.why)
          : diagnose("RC802", dbRead.file, undefined, p.entry, p.why),
      ),
    );

  const units = db.commands
    .filter((e) => e.file.includes(KVM_DIR) && e.file.endsWith(".c"))
    .sort((a, b) => byCodeUnit(a.file, b.file));
  if (units.length === 0) {
    return failed([diagnose("RC803", dbRead.file, undefined, db.commands.length)]);
  }
  const preferred = units.find((u) => u.file.endsWith("/" + PREFERRED_UNIT)) ?? units[0];
  const root = preferred.file.slice(0, preferred.file.lastIndexOf(KVM_DIR));
  const kvmUnits = units.filter((u) => u.file.startsWith(root + KVM_DIR));

  const headerPath = path.join(root, ENUM_HEADER);
  const header = readSource(headerPath, req.display(headerPath));
  if (!header.ok) return failed([header.diagnostic]);
  const registerEnum = readRegisterEnum(header.file);
  if (!registerEnum.ok) return failed(registerEnum.diagnostics);

  const kvmDir = path.join(root, KVM_DIR);
  let sourcePaths: string[];
  try {
    sourcePaths = sourcesBelow(kvmDir);
  } catch (err) {
    const shown = req.display(kvmDir);
    return failed([
      diagnose("RC800", { displayPath: shown, text: "" }, undefined, shown, errnoText(err)),
    ]);
  }
  const texts = new Map<string, SourceFile>();
  for (const p of sourcePaths) {
    const read = readSource(p, req.display(p));
    if (!read.ok) return failed([read.diagnostic]);
    texts.set(p, read.file);
  }
  const defined = findSetMacros([...texts].map(([p, f]) => ({ path: p, text: f.text })));
  if (defined.length === 0) {
    const shown = req.display(kvmDir);
    return failed([
      diagnose("RC806", { displayPath: shown, text: "" }, undefined, shown, texts.size),
    ]);
  }
  // Sets of units this build does not compile describe no backend of it.
  const unbuilt = defined
    .filter((d) => d.file.endsWith(".c") && !unitFor(d, kvmUnits))
    .map((d) => ({ macro: d.macro, file: path.relative(root, d.file) }));
  const kinds = setKinds(
    defined.filter((d) => !unbuilt.some((u) => u.macro === d.macro)),
    texts,
  );
  if (!kinds.ok) return failed(kinds.diagnostics);
  const sets = kinds.sets;

  // One probe per unit; the tree-wide questions ride along with the first set's unit.
  const plan = new Map<CompileCommand, ProbeItem[]>();
  const diagnostics: Diagnostic[] = [];
  for (const set of sets) {
    const unit = unitFor(set, kvmUnits);
    const file = texts.get(set.file)!;
    if (!unit) {
      diagnostics.push(diagnose("RC807", file, undefined, set.macro, file.displayPath));
      continue;
    }
    if (plan.size === 0) plan.set(unit, treeProbeItems(registerEnum.value));
    plan.set(unit, [...(plan.get(unit) ?? []), setProbeItem(set)]);
  }
  // Every set unbuilt: the tree-wide questions still need a unit.
  if (plan.size === 0) plan.set(preferred, treeProbeItems(registerEnum.value));
  if (diagnostics.length) return failed(diagnostics);

  const values = new Map<string, bigint | undefined>();
  let release = "";
  let environment = false;
  let done = 0;
  req.onProgress?.(0, plan.size);
  const results = await Promise.all(
    [...plan].map(async ([unit, items]) => {
      const result = await runProbe(unit, items);
      req.onProgress?.(++done, plan.size, req.display(unit.file));
      return [unit, items, result] as const;
    }),
  );
  for (const [unit, items, result] of results) {
    const what =
      items
        .map((i) => i.key.replace(/^[a-z]+:/, ""))
        .filter((k) => /_SET$/.test(k))
        .join(", ") || "enum kvm_reg";
    const unitShown = req.display(unit.file);
    if (!result.ok) {
      if (result.kind === "no-compiler") {
        environment = true;
        diagnostics.push(
          diagnose("RC809", dbRead.file, undefined, unit.argv[0], unitShown, result.message),
        );
      } else if (result.kind === "compile") {
        diagnostics.push(
          diagnose(
            "RC808",
            dbRead.file,
            undefined,
            what,
            unitShown,
            result.exitCode,
            result.stderr,
          ),
        );
      } else diagnostics.push(diagnose("RC810", dbRead.file, undefined, what, result.message));
      continue;
    }
    for (const [k, v] of result.values) values.set(k, v);
    if (result.release) release = result.release;
  }
  if (diagnostics.length) return failed(diagnostics, environment);

  let makefile: string | undefined;
  try {
    makefile = fs.readFileSync(path.join(root, "Makefile"), "utf8");
  } catch {
    makefile = undefined;
  }
  release = treeRelease(makefile, release);
  const setFiles = new Map(sets.map((s) => [s.file, texts.get(s.file)!]));
  const assembled = assemble({
    registerEnum: registerEnum.value,
    sets,
    setFiles,
    values,
    release: release || "unknown",
    unbuilt,
  });
  if (!assembled.ok) return failed(assembled.diagnostics);
  const tree = assembled.tree;
  // assemble checked that the registers are one value apart in enum order.
  const registers = [...tree.gpr, ...tree.extended];
  const guardedOff = new Set<string>();
  for (const e of registerEnum.value.enumerators) {
    if (values.get(probeKeys.enumerator(e.identifier)) !== undefined) continue;
    const prefix = [tree.enum.gprPrefix, tree.enum.extendedPrefix].find((p) =>
      e.identifier.startsWith(p),
    );
    if (prefix) guardedOff.add(e.identifier.slice(prefix.length).toLowerCase());
  }
  return {
    ok: true,
    value: {
      root,
      database: dbRead.file,
      preferred,
      sources: texts,
      tree,
      enum: new Map(registers.map((r, i) => [r.name, i])),
      guards: new Map(registers.flatMap((r) => (r.guard ? [[r.name, r.guard] as const] : []))),
      guardedOff,
      aliases: tree.aliases,
      sets: tree.backends.map((b) => ({
        backend: b.name,
        macro: b.macro,
        kind: b.kind,
        file: path.relative(root, sets.find((s) => s.macro === b.macro)!.file),
        registers: b.registers,
      })),
      unbuilt: tree.unbuilt,
      enumFile: ENUM_HEADER,
      unitsCompiled: plan.size,
    },
  };
}
