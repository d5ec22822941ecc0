/** @type {import('jest').Config} */
module.exports = {
  // node, with a private TMPDIR per test file that must be empty at its end.
  testEnvironment: "<rootDir>/tests/helpers/private-tmp-environment.js",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  // Real kernel builds (tests/kernel/*.proof.ts) run in npm run test:kernel.
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tests/tsconfig.json" }],
  },
  // Compiling C is the slow part of the suite; give those tests room.
  testTimeout: 120000,
  reporters: ["default", "<rootDir>/tests/summary-reporter.js"],
};
