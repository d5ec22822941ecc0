/*
 * The mutation run's test environment (tests/helpers/mutation-environment.js):
 * once a test fails while a mutant is active, the rest of that mutant's tests
 * are skipped, in the same file and in the files after it; with no active
 * mutant every test runs. Checked by running jest on two small test files,
 * in band as StrykerJS runs it.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const root = path.resolve(__dirname, "../..");
const jestBin = path.join(root, "node_modules", "jest", "bin", "jest.js");

interface Outcome {
  /** "<file> <test>" → passed | failed | pending (skipped). */
  status: Record<string, string>;
  /** Whether the second file's beforeAll ran. */
  beforeAllRan: boolean;
}

/** Runs the two fixture files in band, with `mutant` as StrykerJS's active mutant (or none). */
function runFixtures(mutant: string | undefined): Outcome {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mutation-env-"));
  try {
    const marker = path.join(dir, "before-all-ran");
    fs.writeFileSync(
      path.join(dir, "a.test.js"),
      [
        `test("fails", () => { throw new Error("mutant caught"); });`,
        `test("after the failure", () => {});`,
      ].join("\n"),
    );
    fs.writeFileSync(
      path.join(dir, "b.test.js"),
      [
        `const fs = require("node:fs");`,
        `describe("next file", () => {`,
        `  beforeAll(() => fs.writeFileSync(${JSON.stringify(marker)}, ""));`,
        `  test("runs", () => {});`,
        `});`,
      ].join("\n"),
    );
    // a.test.js before b.test.js, as named.
    fs.writeFileSync(
      path.join(dir, "sequencer.js"),
      [
        `const Sequencer = require(${JSON.stringify(require.resolve("@jest/test-sequencer"))}).default;`,
        `module.exports = class extends Sequencer {`,
        `  sort(tests) { return [...tests].sort((x, y) => x.path.localeCompare(y.path)); }`,
        `};`,
      ].join("\n"),
    );
    const config = {
      rootDir: dir,
      testMatch: ["<rootDir>/*.test.js"],
      testEnvironment: path.join(root, "tests", "helpers", "mutation-environment.js"),
      testSequencer: "<rootDir>/sequencer.js",
      cacheDirectory: path.join(dir, "cache"),
    };
    const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: "0" };
    delete env["__STRYKER_ACTIVE_MUTANT__"];
    if (mutant !== undefined) env["__STRYKER_ACTIVE_MUTANT__"] = mutant;
    const out = path.join(dir, "result.json");
    spawnSync(
      process.execPath,
      [jestBin, "--config", JSON.stringify(config), "--runInBand", "--json", "--outputFile", out],
      { cwd: dir, env, encoding: "utf8" },
    );
    const result = JSON.parse(fs.readFileSync(out, "utf8")) as {
      testResults: { name: string; assertionResults: { title: string; status: string }[] }[];
    };
    const status: Record<string, string> = {};
    for (const file of result.testResults)
      for (const t of file.assertionResults)
        status[`${path.basename(file.name)} ${t.title}`] = t.status;
    return { status, beforeAllRan: fs.existsSync(marker) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test("under an active mutant, the tests after a failing one are skipped, in later files too", () => {
  const outcome = runFixtures("7");
  expect(outcome.status).toEqual({
    "a.test.js fails": "failed",
    "a.test.js after the failure": "pending",
    "b.test.js runs": "pending",
  });
  expect(outcome.beforeAllRan).toBe(false);
}, 120_000);

test("with no active mutant every test runs", () => {
  const outcome = runFixtures(undefined);
  expect(outcome.status).toEqual({
    "a.test.js fails": "failed",
    "a.test.js after the failure": "passed",
    "b.test.js runs": "passed",
  });
  expect(outcome.beforeAllRan).toBe(true);
  console.log("mutation-environment: a failure stops a mutant's run; without a mutant all run");
}, 120_000);
