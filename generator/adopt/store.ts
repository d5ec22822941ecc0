/*
 * Where adoption keeps what it needs to undo itself, inside the tree:
 * `.regcache-adopt/` at the tree's top, holding `manifest.json` (per touched
 * file: its path, whether adoption created it, its mode, the sha256 of its
 * original bytes and of the bytes adoption wrote) and `originals/<path>`, the
 * original bytes of each file adoption changed. A kernel's top-level
 * .gitignore ignores dot-files (`.*`), so the store leaves `git status`
 * clean. Edge: reads and writes the store.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "./atomic";
import { byCodeUnit } from "../util/order";

/** The store's directory, relative to the tree's top. */
export const STORE_DIR = ".regcache-adopt";
export const MANIFEST = `${STORE_DIR}/manifest.json`;

/** What a touched file is to adoption. */
export type FileRole = "header" | "set-check" | "generated";

export interface ManifestEntry {
  /** Relative to the tree's top, forward slashes. */
  readonly path: string;
  readonly role: FileRole;
  /** Whether adoption created it (revert removes it). */
  readonly created: boolean;
  /** The original's permission bits (0o644 is 420); undefined for a created file. */
  readonly mode?: number;
  /** sha256 (hex) of the original bytes; undefined for a created file. */
  readonly original?: string;
  /** sha256 (hex) of the bytes adoption wrote last. */
  readonly written: string;
}

export interface Manifest {
  readonly files: readonly ManifestEntry[];
}

/** sha256 of bytes, hex. */
export const sha256Bytes = (bytes: Buffer | string): string =>
  createHash("sha256").update(bytes).digest("hex");

const abs = (root: string, rel: string) => path.join(root, ...rel.split("/"));
const originalPath = (root: string, rel: string) => abs(root, `${STORE_DIR}/originals/${rel}`);

export type ManifestRead =
  | { readonly kind: "absent" }
  | { readonly kind: "ok"; readonly manifest: Manifest }
  | { readonly kind: "damaged"; readonly reason: string };

/** The tree's manifest, absent, or why it cannot be used. Throws read errors other than ENOENT. */
export function readManifest(root: string): ManifestRead {
  let text: string;
  try {
    text = fs.readFileSync(abs(root, MANIFEST), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { kind: "absent" };
    throw err;
  }
  try {
    const data = JSON.parse(text) as { files?: unknown };
    if (!Array.isArray(data.files)) throw new Error("no 'files' list");
    for (const f of data.files as Partial<ManifestEntry>[]) {
      if (typeof f.path !== "string" || typeof f.written !== "string")
        throw new Error("an entry without 'path' or 'written'");
      if (!f.created && typeof f.original !== "string")
        throw new Error(`'${f.path}' has no 'original' hash`);
    }
    return { kind: "ok", manifest: { files: data.files as ManifestEntry[] } };
  } catch (err) {
    return { kind: "damaged", reason: (err as Error).message };
  }
}

/** The stored original of a file adoption changed, or undefined when it is not there. */
export function readOriginal(root: string, rel: string): Buffer | undefined {
  try {
    return fs.readFileSync(originalPath(root, rel));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** Keeps a file's original bytes in the store. Throws the file system's error. */
export function keepOriginal(root: string, rel: string, bytes: Buffer): void {
  writeFileAtomic(originalPath(root, rel), bytes);
}

/** Writes the manifest (entries sorted by path). Throws the file system's error. */
export function writeManifest(root: string, manifest: Manifest): void {
  const files = [...manifest.files].sort((a, b) => byCodeUnit(a.path, b.path));
  writeFileAtomic(abs(root, MANIFEST), `${JSON.stringify({ files }, null, 2)}\n`);
}

/** Removes the store and everything in it. Throws the file system's error. */
export function removeStore(root: string): void {
  fs.rmSync(abs(root, STORE_DIR), { recursive: true, force: true });
}
