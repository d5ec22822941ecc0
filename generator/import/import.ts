/*
 * `regcache import` as a library: a kernel tree's compile database in, a spec
 * describing its register cache out (or the diagnostics that stop it). The
 * stages: read the database (toolchain/compile-db.ts) and find the KVM units, read the
 * names the compiler cannot show and each set's use from the source
 * (source.ts), compile probes with the units' own flags (probe.ts,
 * probe-run.ts), put the answers together (assemble.ts), read the API from the
 * register-cache header (header.ts, accessors.ts), and write the spec from
 * the nearest shipped profile with the header's answers laid over it
 * (profile.ts, emit-spec.ts, overlay.ts). The result is validated as any spec
 * is before a byte is written.
 *
 * Reads the database, the tree's sources and the shipped profiles; writes
 * only inside private temporary directories. Never writes the tree.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { loadModel } from "../generate/produce";
import { diagnose, type Diagnostic, type SourceFile } from "../core/diagnostics/diagnostic";
import { errnoText } from "../util/errno";
import { packageRoot } from "../util/paths";
import { assemble, setProbeItem, treeProbeItems, type ImportedTree } from "./assemble";
import { readCompileDb, type CompileCommand } from "../toolchain/compile-db";
import { emitSpec } from "./emit-spec";
import { type GuestBits, guestBitsMacros, guestBitsProbeItems, readGuestBits } from "./guest-bits";
import { definesGprMacro, readHeader, type HeaderFacts } from "./header";
import type { ProbeItem } from "./probe";
import { runProbe } from "./probe-run";
import { listProfiles, nearestProfile, parseKernelVersion } from "./profile";
import {
  findSetMacros,
  treeRelease,
  readRegisterEnum,
  setKinds,
  type SetDefinition,
} from "./source";

export interface ImportRequest {
  /** The compile database to read (absolute). */
  readonly compileDb: string;
  /** How paths appear in diagnostics (relative to the working directory where possible). */
  readonly display: (absolutePath: string) => string;
  /** Where the shipped profiles are; defaults to the package's spec/. */
  readonly profilesDir?: string;
}

export type ImportResult =
  | {
      readonly ok: true;
      readonly text: string;
      readonly tree: ImportedTree;
      /** What the tree's register-cache header says, when it has one. */
      readonly header?: HeaderFacts;
      /** The profile file the API details were copied from. */
      readonly profile: string;
      /** The profile's keys the tree's header said otherwise about, and so replaced ("api.assert"). */
      readonly followed: readonly string[];
    }
  | {
      readonly ok: false;
      readonly diagnostics: readonly Diagnostic[];
      /** Whether the environment failed (a compiler that does not run) rather than the input. */
      readonly environment: boolean;
    };

/** Where KVM's units sit in a kernel tree; the part before it is the tree's root. */
const KVM_DIR = "/arch/x86/kvm/";
const ENUM_HEADER = "arch/x86/include/asm/kvm_host.h";
/** The unit that sees the whole register cache API, preferred for the tree-wide questions. */
const PREFERRED_UNIT = "arch/x86/kvm/x86.c";

const failed = (diagnostics: readonly Diagnostic[], environment = false): ImportResult => ({
  ok: false,
  diagnostics,
  environment,
});

function readSource(
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
      .sort((a, b) => (a.name < b.name ? -1 : 1))) {
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

export async function importTree(req: ImportRequest): Promise<ImportResult> {
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
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
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
  const results = await Promise.all(
    [...plan].map(async ([unit, items]) => [unit, items, await runProbe(unit, items)] as const),
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

  const profilesDir = req.profilesDir ?? path.join(packageRoot(), "spec");
  let names: string[] = [];
  try {
    names = fs.readdirSync(profilesDir);
  } catch {
    names = [];
  }
  const version = parseKernelVersion(assembled.tree.release);
  const profile = nearestProfile(listProfiles(names), version);
  const profilePath = profile ? path.join(profilesDir, profile.file) : profilesDir;
  const profileRead = profile ? readSource(profilePath, req.display(profilePath)) : undefined;
  if (!profile || !profileRead?.ok) {
    const shown = req.display(profilesDir);
    return failed([diagnose("RC813", { displayPath: shown, text: "" }, undefined)]);
  }
  // The register-cache header: a header of arch/x86/kvm/ itself that defines the GPR macro.
  const cachePath = [...texts.keys()].find(
    (p) =>
      path.dirname(p) === path.join(root, "arch/x86/kvm") &&
      p.endsWith(".h") &&
      definesGprMacro(texts.get(p)!.text),
  );
  const cacheHeader = cachePath
    ? readHeader({
        name: path.basename(cachePath),
        text: texts.get(cachePath)!.text,
        enum: assembled.tree.enum,
        gpr: assembled.tree.gpr,
        extended: assembled.tree.extended,
      })
    : undefined;
  const emitRequest = {
    tree: assembled.tree,
    ...(cacheHeader ? { header: cacheHeader } : {}),
    version,
    profile: { name: profile.name, document: parseDocument(profileRead.file.text) },
  };
  // The possible-guest-owned-bits macros the spec's accessors name, asked of
  // the preferred unit (it includes the register-cache header); a probe that
  // fails leaves every one unevaluated rather than failing the import.
  const macros = guestBitsMacros(parseDocument(emitSpec(emitRequest).text));
  let guestBits: GuestBits | undefined;
  if (macros.length) {
    const items = guestBitsProbeItems(macros);
    const probed = items.length ? await runProbe(preferred, items) : undefined;
    guestBits = readGuestBits(
      macros,
      probed?.ok ? probed.values : undefined,
      path.relative(root, preferred.file),
    );
  }
  const { text, followed } = emitSpec({ ...emitRequest, ...(guestBits ? { guestBits } : {}) });
  const checked = loadModel({
    specPath: "imported.yaml",
    specText: text,
    displayPath: "(imported spec)",
  });
  if (!checked.ok) {
    const why = checked.diagnostics.map((d) => d.message).join("; ");
    return failed([diagnose("RC814", dbRead.file, undefined, why)]);
  }
  return {
    ok: true,
    text,
    tree: assembled.tree,
    ...(cacheHeader ? { header: cacheHeader } : {}),
    profile: profile.file,
    followed,
  };
}
