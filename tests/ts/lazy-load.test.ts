/*
 * ts-morph (about a second to load) and prettier are required only on the
 * TypeScript emit path: with both made to throw when loaded, the CLI module
 * and everything it imports load, the C-only generate() works, and only
 * generateAll() trips over them, which shows the trap is armed.
 */
import * as path from "node:path";

jest.mock("ts-morph", () => {
  throw new Error("ts-morph was loaded");
});
jest.mock("prettier/standalone", () => {
  throw new Error("prettier was loaded");
});
jest.mock("prettier", () => {
  throw new Error("prettier was loaded");
});

const repoRoot = path.resolve(__dirname, "..", "..");

describe("lazy loading of the TypeScript target's libraries", () => {
  it("the CLI with every command loads without them", () => {
    expect(() =>
      jest.requireActual<typeof import("../../generator/cli/main")>("../../generator/cli/main"),
    ).not.toThrow();
  });

  it("generate() for C does not load them", () => {
    const { generate } = jest.requireActual<typeof import("../../generator/generate/produce")>(
      "../../generator/generate/produce",
    );
    const result = generate({ specPath: path.join(repoRoot, "spec", "x86-kvm.yaml") });
    expect(result.ok).toBe(true);
    if (result.ok)
      expect(result.files.map((f) => f.path)).toEqual(["c/kvm_cache_regs.h", "c/kvm_regs.h"]);
  });

  it("generateAll() does load them (so the two tests above can fail)", async () => {
    const { generateAll } = jest.requireActual<typeof import("../../generator/generate/produce")>(
      "../../generator/generate/produce",
    );
    await expect(
      generateAll({ specPath: path.join(repoRoot, "spec", "x86-kvm.yaml") }),
    ).rejects.toThrow(/was loaded/);
  });
});
