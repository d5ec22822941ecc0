/**
 * The HTML report in headless Chromium (npm run test:browser): needs Debian's
 * chromium (.ci/run installs it), so it is not part of npm test.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests/browser"],
  testMatch: ["**/*.browser.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tests/tsconfig.json" }],
  },
  maxWorkers: 1,
  testTimeout: 120000,
  reporters: ["default", "<rootDir>/tests/summary-reporter.js"],
};
