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
  // Transpile only: tests/tsconfig.json sets isolatedModules, so ts-jest compiles
  // each file on its own; no type diagnostics (the TypeScript checker judges types).
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tests/tsconfig.json", diagnostics: false }],
  },
  // In-process tests of each module (tests/unit/, mirroring generator/) and the
  // baseline suites; a mutant counts as covered only by code that runs inside
  // jest's workers. The drift suite's cases that build a copy of the project or
  // watch the file system credit nothing in-process and cost minutes. The two
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
    "<rootDir>/tests/drift/generator-change.test.ts",
    "<rootDir>/tests/drift/watch.test.ts",
  ],
};
