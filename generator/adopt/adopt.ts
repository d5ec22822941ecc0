/*
 * `regcache adopt` as a library: a kernel tree and a spec in, the tree
 * adopted (or the patch that would adopt it) out. Generates the spec's kernel
 * file into arch/x86/kvm/, replaces the region of the header the spec's
 * output.adopts names by its include, and calls each backend's generated set
 * check after the tree's set definition (plan.ts). Every check runs before
 * the first write; each file is written whole (atomic.ts); the originals and
 * a manifest are kept in the tree's .regcache-adopt/ (store.ts) so that
 * revertTree (revert.ts) restores them byte for byte. Running it again on an
 * adopted tree starts from the originals, so it changes nothing, or after a
 * spec change only the generated file. Returns a kind of outcome, never an
 * exit code. Edge: reads the spec and the tree, writes the tree.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Diagnostic } from "../core/diagnostics/diagnostic";
import { generate, type GenerateRequest } from "../generate/produce";
import { parseBanner } from "../targets/banner";
import { sha256 } from "../util/hash";
import { errnoText } from "../util/errno";
import { writeFileAtomic } from "./atomic";
import { unifiedDiff, type FileChange } from "./patch";
import { planAdoption, utf8 } from "./plan";
import {
  keepOriginal,
  MANIFEST,
  readManifest,
  sha256Bytes,
  STORE_DIR,
  writeManifest,
  type ManifestEntry,
} from "./store";
import { KVM_DIR, modeOf, readTreeFile } from "./tree";

export { STORE_DIR };

export interface AdoptRequest {
  /** The kernel tree's top (absolute): the directory holding arch/x86/kvm/ and a Makefile. */
  readonly root: string;
  /** The spec to generate from; its outDir is what the banner records (adoptionOutDir). */
  readonly generate: GenerateRequest;
  /** Print the patch, write nothing. */
  readonly dryRun: boolean;
  /** How messages show an absolute path. */
  readonly display: (file: string) => string;
}

export type FileAction = "create" | "update" | "remove" | "unchanged";

export type AdoptOutcome =
  /** The spec or the tree is not what adoption needs: diagnostics, nothing written. */
  | { readonly kind: "invalid"; readonly diagnostics: readonly Diagnostic[] }
  /** Adoption will not go on (files changed since adoption, nothing to revert): nothing written. */
  | { readonly kind: "refused"; readonly message: string; readonly help: string }
  /** Reading or writing the tree failed (the environment). */
  | { readonly kind: "failed"; readonly message: string; readonly help: string }
  | {
      readonly kind: "done";
      /** Per touched file (relative to the tree's top), what happened or would. */
      readonly files: readonly { readonly path: string; readonly action: FileAction }[];
      /** The unified diff of the change (`patch -p1` from the top); "" when nothing changes. */
      readonly diff: string;
    };

/** The directory adoption writes the generated file into. */
export const adoptionOutDir = (root: string): string => path.join(root, ...KVM_DIR.split("/"));

/** Whether text is a file regcache generated and nobody edited (its banner's body hash holds). */
export function isIntactGenerated(text: string): boolean {
  const banner = parseBanner(text);
  return banner !== undefined && sha256(banner.body) === banner.bodyHash;
}

/** Adopts the spec's generated kernel file in the tree (see the module comment). */
export function adoptTree(req: AdoptRequest): AdoptOutcome {
  const { root } = req;
  let planned: ReturnType<typeof planFiles>;
  try {
    planned = planFiles(req);
  } catch (err) {
    return failed(`cannot read the tree ${req.display(root)}: ${errnoText(err)}`);
  }
  if (planned.kind !== "planned") return planned;
  const { changes, entries, originals, modes } = planned;
  const diff = unifiedDiff(changes);
  const files = changes.map((c) => ({ path: c.path, action: actionOf(c) }));
  if (req.dryRun || diff === "") return { kind: "done", files, diff };
  let at = MANIFEST;
  try {
    for (const [rel, bytes] of originals) {
      at = `${STORE_DIR}/originals/${rel}`;
      keepOriginal(root, rel, bytes);
    }
    at = MANIFEST;
    writeManifest(root, { files: entries });
    for (const c of changes) {
      if (c.before === c.after) continue;
      at = c.path;
      const file = path.join(root, ...c.path.split("/"));
      if (c.after === undefined) fs.rmSync(file, { force: true });
      else writeFileAtomic(file, c.after, modeOf(root, c.path) ?? modes.get(c.path));
    }
  } catch (err) {
    return failed(
      `cannot write ${at} in ${req.display(root)}: ${errnoText(err)}`,
      `the originals are kept in ${STORE_DIR}/; fix the cause and run regcache adopt again, or regcache adopt --revert`,
    );
  }
  return { kind: "done", files, diff };
}

type Planned =
  | Exclude<AdoptOutcome, { kind: "done" }>
  | {
      readonly kind: "planned";
      readonly changes: FileChange[];
      readonly entries: ManifestEntry[];
      /** Originals to keep before the first change: files adoption touches for the first time. */
      readonly originals: Map<string, Buffer>;
      /** The original mode of a file restored because the spec no longer touches it. */
      readonly modes: Map<string, number>;
    };

/** Every check of an adoption, and what it would write; reads only. Throws read errors. */
function planFiles(req: AdoptRequest): Planned {
  const { root } = req;
  const stored = readManifest(root);
  if (stored.kind === "damaged")
    return refused(
      `${req.display(path.join(root, MANIFEST))} cannot be read: ${stored.reason}`,
      `it records what regcache adopt changed; restore it, or remove ${STORE_DIR}/ to adopt anew`,
    );
  const manifest = stored.kind === "ok" ? stored.manifest : undefined;
  const generated = generate(req.generate);
  if (!generated.ok) return { kind: "invalid", diagnostics: generated.diagnostics };
  const kernelFile = generated.files.find((f) => generated.targetOf[f.path] === "kernel");
  if (!kernelFile)
    return refused(
      `${req.generate.displayPath ?? req.generate.specPath} does not write the kernel target`,
      "adopt a kernel spec (output.targets: [kernel]), e.g. --spec linux-6.12; see regcache specs",
    );
  const plan = planAdoption({
    root,
    model: generated.model,
    generated: kernelFile.contents,
    ...(manifest ? { manifest } : {}),
    display: req.display,
  });
  if (!plan.ok)
    return "diagnostics" in plan
      ? { kind: "invalid", diagnostics: plan.diagnostics }
      : refused(plan.refused, plan.help);

  const known = new Map((manifest?.files ?? []).map((e) => [e.path, e]));
  const wanted = new Map(plan.wanted.map((w) => [w.path, w]));
  const changes: FileChange[] = [];
  const entries: ManifestEntry[] = [];
  const originals = new Map<string, Buffer>();
  const modes = new Map<string, number>();
  const conflicts: string[] = [];
  const paths = [...new Set([...wanted.keys(), ...known.keys()])].sort();
  for (const rel of paths) {
    const entry = known.get(rel);
    const want = wanted.get(rel);
    const bytes = readTreeFile(root, rel);
    const current = bytes === undefined ? undefined : utf8(bytes);
    if (bytes !== undefined && current === undefined)
      return refused(`${rel} is not UTF-8 text`, "adoption reads and writes UTF-8 text only");
    // A file of an earlier adoption the spec no longer touches goes back to its original.
    const after = want?.text ?? (entry && !entry.created ? originalText(root, rel) : undefined);
    if (entry && current !== after && !unchangedSince(entry, bytes, current)) conflicts.push(rel);
    changes.push({ path: rel, before: current, after });
    if (want === undefined) {
      if (entry?.mode !== undefined) modes.set(rel, entry.mode);
      continue;
    }
    if (entry) entries.push({ ...entry, written: sha256Bytes(want.text) });
    else if (current !== after) {
      if (bytes !== undefined) originals.set(rel, bytes);
      entries.push(
        bytes === undefined
          ? { path: rel, role: want.role, created: true, written: sha256Bytes(want.text) }
          : {
              path: rel,
              role: want.role,
              created: false,
              mode: modeOf(root, rel)!,
              original: sha256Bytes(bytes),
              written: sha256Bytes(want.text),
            },
      );
    }
  }
  if (conflicts.length > 0)
    return refused(
      `changed since regcache adopt wrote ${conflicts.length === 1 ? "it" : "them"}: ${conflicts.join(", ")}`,
      "undo those changes (regcache adopt --revert restores the originals once they are undone)",
    );
  return { kind: "planned", changes, entries, originals, modes };
}

/**
 * Whether a file holds what adoption wrote (or still its original): the only
 * change allowed to the generated file is its regeneration, any bytes carrying
 * an intact regcache banner.
 */
export function unchangedSince(
  entry: ManifestEntry,
  bytes: Buffer | undefined,
  text: string | undefined,
): boolean {
  if (bytes === undefined) return entry.created;
  const hash = sha256Bytes(bytes);
  if (hash === entry.written || hash === entry.original) return true;
  return entry.role === "generated" && text !== undefined && isIntactGenerated(text);
}

function originalText(root: string, rel: string): string | undefined {
  const bytes = readTreeFile(root, `${STORE_DIR}/originals/${rel}`);
  return bytes === undefined ? undefined : utf8(bytes);
}

export function actionOf(c: FileChange): FileAction {
  if (c.before === c.after) return "unchanged";
  if (c.before === undefined) return "create";
  return c.after === undefined ? "remove" : "update";
}

const refused = (message: string, help: string) => ({ kind: "refused" as const, message, help });
const failed = (message: string, help = "check the tree's permissions and free space") => ({
  kind: "failed" as const,
  message,
  help,
});
