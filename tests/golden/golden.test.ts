/*
 * Golden tests: the checked-in outputs under tests/golden/ (the runtime specs
 * and the kernel specs; both C styles, and --all-cached; C only,
 * tests/ts/golden holds the TypeScript variants), generated/ itself and
 * generated/x86-kvm-6.12/ (every target) are exactly what the generator
 * produces now. UPDATE_GOLDEN=1 rewrites them; a normal run never does.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { generate, generateAll, type GenerateResult } from "../../generator/generate/produce";
import { goldenCases, kernelGoldenCases, runtime72GoldenCases } from "../helpers/golden-cases";
import { repoRoot, writeFiles } from "../helpers/capture";

const allCases = [...goldenCases, ...kernelGoldenCases, ...runtime72GoldenCases];
/** Checked-in trees nested in another (generated/x86-kvm-6.12/ in generated/): their own cases. */
const caseDirs = new Set(allCases.map((c) => path.join(repoRoot, c.dir)));

/** A tree's files, without the trees of other cases nested in it. */
function listFiles(dir: string, prefix = ""): string[] {
  if (!fs.existsSync(path.join(dir, prefix))) return [];
  return fs
    .readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap((e) =>
      !e.isDirectory()
        ? [`${prefix}${e.name}`]
        : caseDirs.has(path.join(dir, prefix, e.name))
          ? []
          : listFiles(dir, `${prefix}${e.name}/`),
    )
    .sort();
}

describe.each(allCases.map((c) => [c.name, c] as const))("golden %s", (_name, c) => {
  const run = (): Promise<GenerateResult> => {
    const req = {
      specPath: path.join(repoRoot, c.spec),
      displayPath: c.spec,
      bannerSpecPath: c.spec,
      ...c.request,
    };
    return c.allTargets ? generateAll(req) : Promise.resolve(generate(req));
  };
  // Each test generates for itself: the mutation run credits a test only with
  // what ran inside it (docs/dev/testing.md).
  it("generates without diagnostics", async () => {
    expect((await run()).ok).toBe(true);
  });

  it("matches the checked-in files byte for byte", async () => {
    const result = await run();
    if (!result.ok) throw new Error("generation failed");
    const dir = path.join(repoRoot, c.dir);
    if (process.env["UPDATE_GOLDEN"] === "1") {
      for (const file of listFiles(dir)) fs.rmSync(path.join(dir, file));
      writeFiles(dir, result.files);
    }
    expect(listFiles(dir)).toEqual(result.files.map((f) => f.path).sort());
    for (const f of result.files) {
      expect(fs.readFileSync(path.join(dir, f.path), "utf8")).toBe(f.contents);
    }
  });

  it("is deterministic: a second run gives the same bytes", async () => {
    const [result, again] = [await run(), await run()];
    if (!again.ok || !result.ok) throw new Error("generation failed");
    expect(again.files).toEqual(result.files);
  });
});
