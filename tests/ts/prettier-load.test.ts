/*
 * The TypeScript target loads prettier only when its printed text has a line
 * too long to keep (generator/targets/ts/emit.ts): with prettier made to throw when
 * loaded, generateAll() writes both targets for the default spec, and a spec
 * whose long backend name overflows a line trips over it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { generateAll } from "../../generator/generate/produce";
import { specText, type SpecShape } from "../robustness/specs";

jest.mock("prettier/standalone", () => {
  throw new Error("prettier was loaded");
});
jest.mock("prettier", () => {
  throw new Error("prettier was loaded");
});

const repoRoot = path.resolve(__dirname, "..", "..");

describe("prettier on the TypeScript path", () => {
  it("is not loaded for the default spec, whose output is the checked-in file", async () => {
    const spec = "spec/x86-kvm.yaml";
    const r = await generateAll({
      specPath: path.join(repoRoot, spec),
      displayPath: spec,
      bannerSpecPath: spec,
      outDir: "generated",
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const ts = r.files.find((f) => f.path === "ts/registers.ts");
    expect(ts?.contents).toBe(
      fs.readFileSync(path.join(repoRoot, "generated", "ts", "registers.ts"), "utf8"),
    );
  });

  it("is loaded when a name makes a line too long (so the test above can fail)", async () => {
    const backend = `b${"x".repeat(80)}`;
    const shape: SpecShape = {
      gpr: ["rax", "rsp", "rip"],
      backends: { [backend]: { lazy: ["rip"] } },
    };
    await expect(generateAll({ specPath: "long.yaml", specText: specText(shape) })).rejects.toThrow(
      /prettier was loaded/,
    );
  });
});
