/**
 * The real-kernel proof (npm run test:kernel): builds Linux 6.1 and 6.12's KVM
 * from Debian's linux-source packages. Slow (minutes), so not part of npm test.
 * One worker: kernel builds run one at a time (they also take a flock).
 * @type {import('jest').Config}
 */
module.exports = {
  // node, with a private TMPDIR per test file that must be empty at its end.
  testEnvironment: "<rootDir>/tests/helpers/private-tmp-environment.js",
  roots: ["<rootDir>/tests/kernel"],
  testMatch: ["**/*.proof.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tests/tsconfig.json" }],
  },
  maxWorkers: 1,
  // A beforeAll builds a kernel tree (cold cache) and two KVM variants; on a
  // shared, loaded machine that has taken 16 minutes. The limit catches hangs.
  testTimeout: 45 * 60 * 1000,
  reporters: ["default", "<rootDir>/tests/summary-reporter.js"],
};
