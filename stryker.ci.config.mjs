// npm run test:mutation:ci, which .ci/run runs: the part of the mutation scope
// (stryker.config.json, npm run test:mutation) that fits in CI's time, about 10
// minutes on 2 cores. Same settings, from scratch: incremental off, so no
// earlier result is replayed. docs/dev/testing.md ("Mutation testing") says
// why the rest is left to the whole run.
import * as fs from "node:fs";

const base = JSON.parse(fs.readFileSync(new URL("./stryker.config.json", import.meta.url), "utf8"));
delete base.$schema;

export default {
  ...base,
  // Each module's own tests only (jest.mutation.ci.config.js says why).
  jest: { ...base.jest, configFile: "jest.mutation.ci.config.js" },
  mutate: ["generator/core/diagnostics/diagnostic.ts", "generator/output/drift.ts"],
  incremental: false,
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: "reports/mutation/ci.json" },
};
