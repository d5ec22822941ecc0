/*
 * The test files `npm run test:mutation` (StrykerJS) runs against each
 * mutant: the ones that exercise the mutated modules in-process (a mutant
 * only counts as covered by code that runs inside jest's workers) and finish
 * in seconds. Slow suites that build C or spawn the CLI stay in `npm test`.
 */
const fs = require("node:fs");
const path = require("node:path");
const base = require("./jest.config.js");

// Every mutant the fuzz suites reach runs them whole, so they run fewer random
// specs here than in `npm test` (25 each instead of 100 and 200): a mutant
// that breaks their property fails within the first cases. Set in this
// process, which runs the tests (in band); the variables still override.
process.env["FUZZ_RUNS_MODEL"] ??= "25";
process.env["FUZZ_RUNS_POSITIONS"] ??= "25";

// Stryker's jest runner wraps the test environment and resolves it without
// jest's <rootDir>: give it the absolute path.
const rooted = (p) => (typeof p === "string" ? p.replace("<rootDir>", __dirname) : p);

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  // The suite's environment, which also stops a mutant's run at its first
  // failing test (StrykerJS's jest runner cannot make jest bail).
  testEnvironment: rooted("<rootDir>/tests/helpers/mutation-environment.js"),
  // generator/ in jest's module map too: StrykerJS picks each mutant's test files
  // with --findRelatedTests, which follows imports only through modules in the
  // map. With tests/ alone, a test reaching the mutated module through another
  // generator module (produce.ts, say) was never run against it.
  roots: [...base.roots, "<rootDir>/generator"],
  reporters: ["default"],
  // Transpile only: tests/tsconfig.json sets isolatedModules, so ts-jest compiles
  // each file on its own; no type diagnostics (the TypeScript checker judges types).
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tests/tsconfig.json", diagnostics: false }],
  },
  // In-process tests of each module (tests/unit/, mirroring generator/) and the
  // baseline suites; a mutant counts as covered only by code that runs inside
  // jest's workers. The drift suite's watch cases credit nothing in-process and
  // cost minutes; files that run the built CLI are left out (below). The two
  // fuzz suites generate and check random specs in-process.
  testMatch: [
    "<rootDir>/tests/unit/**/*.test.ts",
    "<rootDir>/tests/errors/**/*.test.ts",
    "<rootDir>/tests/golden/**/*.test.ts",
    "<rootDir>/tests/drift/**/*.test.ts",
    "<rootDir>/tests/fuzz/model.test.ts",
    "<rootDir>/tests/fuzz/positions.test.ts",
  ],
  testPathIgnorePatterns: [
    "/node_modules/",
    "<rootDir>/tests/drift/watch[^/]*\\.test\\.ts$",
    ...runsTheBuiltTool([
      "tests/unit",
      "tests/errors",
      "tests/golden",
      "tests/drift",
      "tests/fuzz",
    ]),
  ],
};

/**
 * Test files (below `dirs`, relative to this file) that name the launcher
 * (bin/regcache.js) or the compiled modules (dist/generator): they run the
 * built tool, not the mutated sources, so they credit nothing, and in
 * Stryker's sandbox, whose sources differ from what dist/ was built from, the
 * launcher refuses to run (exit 3) and the run fails before its first mutant.
 */
function runsTheBuiltTool(dirs) {
  // Path parts may be split over lines (path.join wrapped by prettier); the .js may be left off.
  const names = /\bbin["',\s/]+regcache(?:\.js)?\b|\bdist["',\s/]+generator\b/;
  return dirs.flatMap((dir) =>
    fs
      .readdirSync(path.join(__dirname, dir), { recursive: true })
      .filter((f) => f.endsWith(".test.ts"))
      .map((f) => path.join(dir, f))
      .filter((f) => names.test(fs.readFileSync(path.join(__dirname, f), "utf8")))
      .map((f) => `<rootDir>/${f.split(path.sep).join("/")}`),
  );
}
