/*
 * The adoption's store in the tree: the manifest read back as written (or
 * absent, or damaged with a reason), the originals kept and removed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  keepOriginal,
  readManifest,
  readOriginal,
  removeStore,
  sha256Bytes,
  writeManifest,
  type ManifestEntry,
} from "../../../generator/adopt/store";
import { tempDir } from "../../helpers/capture";

const entry = (p: string): ManifestEntry => ({
  path: p,
  role: "set-check",
  created: false,
  mode: 0o644,
  original: sha256Bytes("a"),
  written: sha256Bytes("b"),
});

describe("the store", () => {
  test("a manifest reads back as written, its entries sorted by path", () => {
    const root = tempDir("adopt-store");
    expect(readManifest(root)).toEqual({ kind: "absent" });
    writeManifest(root, { files: [entry("b.h"), entry("a.h")] });
    expect(readManifest(root)).toEqual({
      kind: "ok",
      manifest: { files: [entry("a.h"), entry("b.h")] },
    });
  });

  test.each([
    ["not JSON", "{", /JSON|Unexpected|Expected/],
    ["no files list", "{}", /no 'files' list/],
    ["an entry without written", '{"files":[{"path":"a"}]}', /without 'path' or 'written'/],
    [
      "a changed file without its original",
      '{"files":[{"path":"a","written":"x"}]}',
      /'a' has no 'original'/,
    ],
  ])("a manifest with %s is damaged", (_name, text, reason) => {
    const root = tempDir("adopt-store");
    fs.mkdirSync(path.join(root, ".regcache-adopt"));
    fs.writeFileSync(path.join(root, ".regcache-adopt/manifest.json"), text);
    const read = readManifest(root);
    expect(read.kind).toBe("damaged");
    expect(read.kind === "damaged" && read.reason).toMatch(reason);
  });

  test("originals are kept byte for byte, and removeStore removes them all", () => {
    const root = tempDir("adopt-store");
    const bytes = Buffer.from([0, 1, 0xff]);
    keepOriginal(root, "arch/x86/kvm/vmx/vmx.h", bytes);
    expect(readOriginal(root, "arch/x86/kvm/vmx/vmx.h")).toEqual(bytes);
    expect(readOriginal(root, "arch/x86/kvm/svm/svm.h")).toBeUndefined();
    removeStore(root);
    expect(fs.readdirSync(root)).toEqual([]);
  });
});
