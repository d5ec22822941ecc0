/**
 * The HTML report in headless Chromium (npm run test:browser): needs Debian's
 * chromium (.ci/run installs it), so it is not part of npm test.
 * @type {import('jest').Config}
 */
module.exports = {
  // node, with a private TMPDIR per test file that must be empty at its end.
  testEnvironment: "<rootDir>/tests/helpers/private-tmp-environment.js",
  roots: ["<rootDir>/tests/browser"],
  testMatch: ["**/*.browser.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tests/tsconfig.json" }],
  },
  maxWorkers: 1,
  testTimeout: 120000,
  reporters: ["default", "<rootDir>/tests/summary-reporter.js"],
};
