/*
 * `regcache import` as a library: a kernel tree's compile database in, a spec
 * describing its register cache out (or the diagnostics that stop it). The
 * stages: read the tree's register enum and backend sets through its own
 * compiler (toolchain/kernel-tree/read.ts), read the API from the
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
import { diagnose, type Diagnostic } from "../core/diagnostics/diagnostic";
import { packageRoot } from "../util/paths";
import type { ImportedTree } from "../toolchain/kernel-tree/assemble";
import { runProbe } from "../toolchain/kernel-tree/probe-run";
import { readSource, readTreeRegisters } from "../toolchain/kernel-tree/read";
import { emitSpec } from "./emit-spec";
import { type GuestBits, guestBitsMacros, guestBitsProbeItems, readGuestBits } from "./guest-bits";
import { definesGprMacro, readHeader, type HeaderFacts } from "./header";
import { listProfiles, nearestProfile, parseKernelVersion } from "./profile";

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

const failed = (diagnostics: readonly Diagnostic[], environment = false): ImportResult => ({
  ok: false,
  diagnostics,
  environment,
});

export async function importTree(req: ImportRequest): Promise<ImportResult> {
  const read = await readTreeRegisters({ compileDb: req.compileDb, display: req.display });
  if (!read.ok) return failed(read.diagnostics, read.environment);
  const { root, preferred, sources: texts, database, tree } = read.value;

  const profilesDir = req.profilesDir ?? path.join(packageRoot(), "spec");
  let names: string[] = [];
  try {
    names = fs.readdirSync(profilesDir);
  } catch {
    names = [];
  }
  const version = parseKernelVersion(tree.release);
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
        enum: tree.enum,
        gpr: tree.gpr,
        extended: tree.extended,
      })
    : undefined;
  const emitRequest = {
    tree,
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
    return failed([diagnose("RC814", database, undefined, why)]);
  }
  return {
    ok: true,
    text,
    tree,
    ...(cacheHeader ? { header: cacheHeader } : {}),
    profile: profile.file,
    followed,
  };
}
