/*
 * `regcache adopt --revert` as a library: every file adoption touched goes
 * back to its original bytes and mode (kept in the tree's .regcache-adopt/,
 * store.ts), the files it created are removed, and so is the store; no git
 * needed. A file changed since adoption is refused by name, except the
 * generated file regenerated (an intact regcache banner): nothing is written
 * then. Returns a kind of outcome, never an exit code. Edge: reads and writes
 * the tree.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { errnoText } from "../util/errno";
import { actionOf, unchangedSince, type AdoptOutcome } from "./adopt";
import { writeFileAtomic } from "./atomic";
import { unifiedDiff, type FileChange } from "./patch";
import { utf8 } from "./plan";
import { MANIFEST, readManifest, readOriginal, removeStore, sha256Bytes, STORE_DIR } from "./store";
import { readTreeFile } from "./tree";

export interface RevertRequest {
  /** The kernel tree's top (absolute). */
  readonly root: string;
  /** Print the patch that reverts, write nothing. */
  readonly dryRun: boolean;
  readonly display: (file: string) => string;
}

/** Restores what adoptTree changed in the tree (see the module comment). */
export function revertTree(req: RevertRequest): AdoptOutcome {
  const { root } = req;
  const restores: { rel: string; bytes: Buffer | undefined; mode: number | undefined }[] = [];
  const changes: FileChange[] = [];
  try {
    const stored = readManifest(root);
    if (stored.kind === "absent")
      return refused(
        `nothing to revert: ${req.display(root) || "."} has no ${MANIFEST}`,
        "regcache adopt --revert undoes a regcache adopt of this tree, from the originals it kept there",
      );
    if (stored.kind === "damaged")
      return refused(
        `${req.display(path.join(root, MANIFEST))} cannot be read: ${stored.reason}`,
        `it records what regcache adopt changed; restore it (git cannot: ${STORE_DIR}/ is ignored)`,
      );
    const conflicts: string[] = [];
    for (const entry of stored.manifest.files) {
      const original = entry.created ? undefined : readOriginal(root, entry.path);
      if (!entry.created && (original === undefined || sha256Bytes(original) !== entry.original))
        return refused(
          `the stored original of ${entry.path} is missing or not what ${MANIFEST} records`,
          `restore ${STORE_DIR}/originals/${entry.path}, or restore the file from version control`,
        );
      const bytes = readTreeFile(root, entry.path);
      const current = bytes === undefined ? undefined : utf8(bytes);
      if (!unchangedSince(entry, bytes, current)) conflicts.push(entry.path);
      restores.push({ rel: entry.path, bytes: original, mode: entry.mode });
      changes.push({
        path: entry.path,
        before: bytes === undefined ? undefined : (current ?? bytes.toString("latin1")),
        after: original === undefined ? undefined : original.toString("utf8"),
      });
    }
    if (conflicts.length > 0)
      return refused(
        `changed since regcache adopt wrote ${conflicts.length === 1 ? "it" : "them"}: ${conflicts.join(", ")}`,
        "undo those changes first; a revert would lose them (nothing was restored)",
      );
  } catch (err) {
    return failed(`cannot read the tree ${req.display(root)}: ${errnoText(err)}`);
  }
  const files = changes.map((c) => ({ path: c.path, action: actionOf(c) }));
  const diff = unifiedDiff(changes);
  if (req.dryRun) return { kind: "done", files, diff };
  let at = "";
  try {
    for (const r of restores) {
      at = r.rel;
      const file = path.join(root, ...r.rel.split("/"));
      if (r.bytes === undefined) fs.rmSync(file, { force: true });
      else writeFileAtomic(file, r.bytes, r.mode);
    }
    at = STORE_DIR;
    removeStore(root);
  } catch (err) {
    return failed(`cannot restore ${at} in ${req.display(root)}: ${errnoText(err)}`);
  }
  return { kind: "done", files, diff };
}

const refused = (message: string, help: string) => ({ kind: "refused" as const, message, help });
const failed = (message: string) => ({
  kind: "failed" as const,
  message,
  help: "check the tree's permissions; the originals stay in the store until a revert completes",
});
