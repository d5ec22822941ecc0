/*
 * The test files `npm run test:mutation` (StrykerJS) runs against each
 * mutant: the ones that exercise the mutated modules in-process (a mutant
 * only counts as covered by code that runs inside jest's workers) and finish
 * in seconds. Slow suites that build C or spawn the CLI stay in `npm test`.
 */
const path = require("node:path");
const base = require("./jest.config.js");

// Stryker's jest runner wraps the test environment and resolves it without
// jest's <rootDir>: give it the absolute path.
const rooted = (p) => (typeof p === "string" ? p.replace("<rootDir>", __dirname) : p);

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testEnvironment: rooted(base.testEnvironment),
  reporters: ["default"],
  // The banners' generator digest of the code as written, not as instrumented.
  setupFiles: ["<rootDir>/tests/mutation/built-digest.js"],
  // Transpile only: tests/tsconfig.json sets isolatedModules, so ts-jest compiles
  // each file on its own; no type diagnostics (the TypeScript checker judges types).
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tests/tsconfig.json", diagnostics: false }],
  },
  testMatch: [
    "<rootDir>/tests/core/validate.test.ts",
    "<rootDir>/tests/core/validate-meaning.test.ts",
    "<rootDir>/tests/core/kernel-spec.test.ts",
    "<rootDir>/tests/core/golden.test.ts",
    "<rootDir>/tests/core/identifiers.test.ts",
    "<rootDir>/tests/core/model-expectations.test.ts",
    "<rootDir>/tests/core/model-whole.test.ts",
    "<rootDir>/tests/errors/errors.test.ts",
    "<rootDir>/tests/drift/causes.test.ts",
    "<rootDir>/tests/drift/generate.test.ts",
    "<rootDir>/tests/drift/check.test.ts",
    "<rootDir>/tests/drift/lazy-diff.test.ts",
    "<rootDir>/tests/drift/writer.test.ts",
    "<rootDir>/tests/drift/writer-edges.test.ts",
    "<rootDir>/tests/fuzz/model.test.ts",
    "<rootDir>/tests/fuzz/positions.test.ts",
    "<rootDir>/tests/size/budget.test.ts",
    "<rootDir>/tests/size/report.test.ts",
    "<rootDir>/tests/size/report-figures.test.ts",
    "<rootDir>/tests/size/symbols.test.ts",
    "<rootDir>/tests/size/clones.test.ts",
    "<rootDir>/tests/size/symbol-kinds.test.ts",
    "<rootDir>/tests/size/elf-damaged.test.ts",
    "<rootDir>/tests/size/elf-extended.test.ts",
    "<rootDir>/tests/size/elf-readelf.test.ts",
    "<rootDir>/tests/mutation/**/*.test.ts",
    "<rootDir>/tests/unit/**/*.test.ts",
  ],
};
