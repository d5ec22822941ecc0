/*
 * The mutation run's choice of test files (docs/dev/testing.md, "Mutation
 * testing"): StrykerJS runs each mutant against the files jest's
 * --findRelatedTests names for the mutated module, under
 * jest.mutation.config.js. Those must include a test that reaches the module
 * only through other generator modules: build.identifiers.test.ts imports
 * generate/produce.ts, never core/model/build.ts itself. Asked of jest itself,
 * as StrykerJS asks it.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const root = path.resolve(__dirname, "../..");

/** The test files (relative to the repository) jest relates to `module` under the mutation config. */
function relatedTests(module: string): string[] {
  const jest = path.join(root, "node_modules", "jest", "bin", "jest.js");
  // Its own cache, removed after: the test leaves TMPDIR as it found it.
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "mutation-related-"));
  try {
    const out = execFileSync(
      process.execPath,
      [
        jest,
        "-c",
        "jest.mutation.config.js",
        "--cacheDirectory",
        cache,
        "--listTests",
        "--findRelatedTests",
        module,
      ],
      { cwd: root, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } },
    );
    return out
      .split("\n")
      .filter((l) => l.endsWith(".test.ts"))
      .map((l) => path.relative(root, l).split(path.sep).join("/"));
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
}

test("a test reaching the mutated module through produce.ts is related to it", () => {
  const related = relatedTests("generator/core/model/build.ts");
  expect(related).toContain("tests/unit/core/model/build.identifiers.test.ts");
  // It imports produce.ts, not build.ts: found only through the imports between them.
  expect(
    fs.readFileSync(path.join(root, "tests/unit/core/model/build.identifiers.test.ts"), "utf8"),
  ).not.toMatch(/core\/model\/build"/);
  console.log(`mutation-related: ${related.length} test files related to core/model/build.ts`);
}, 120_000);
