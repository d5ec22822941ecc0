/*
 * scripts/mutation-score.js: sums StrykerJS JSON reports of runs over parts of
 * the mutation scope into one score (docs/dev/testing.md, "Mutation testing").
 * Checked on small reports whose counts are known.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const root = path.resolve(__dirname, "../..");
const script = path.join(root, "scripts", "mutation-score.js");

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "mutation-score-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes a StrykerJS JSON report holding `file`, whose mutants have `statuses`, and returns its path. */
function report(name: string, file: string, statuses: string[]): string {
  const at = { line: 1, column: 1 };
  const mutants = statuses.map((status, i) => ({
    id: String(i),
    mutatorName: "ConditionalExpression",
    replacement: "true",
    location: { start: at, end: { line: 1, column: 2 } },
    status,
  }));
  const content = {
    schemaVersion: "1.0",
    thresholds: { high: 90, low: 85 },
    files: { [file]: { language: "typescript", source: "x\n", mutants } },
  };
  const out = path.join(dir, name);
  fs.writeFileSync(out, JSON.stringify(content));
  return out;
}

function run(...args: string[]) {
  return spawnSync(process.execPath, [script, ...args], { encoding: "utf8" });
}

test("sums the reports: detected (killed, timed out) over valid; rejected mutants do not count", () => {
  const a = report("a.json", "generator/output/drift.ts", ["Killed", "Survived", "CompileError"]);
  const b = report("b.json", "generator/output/lock.ts", [
    "Killed",
    "Timeout",
    "NoCoverage",
    "Killed",
  ]);
  const r = run(a, b);
  // 4 detected of 6 valid.
  expect(r.stdout).toMatch(/^all \(2 files\)\s+66\.67\s+3\s+1\s+1\s+1\s+1$/m);
  expect(r.stdout).toMatch(/^generator\/output\/drift\.ts\s+50\.00\s+1\s+0\s+1\s+0\s+1$/m);
  expect(r.stdout).toMatch(/^not in the reports \(12\): generator\/core\/model\/build\.ts, /m);
  expect(r.stdout).not.toMatch(/not in the reports.*output\/(drift|lock)\.ts/);
  expect(r.stdout).toMatch(/below the 85% threshold/);
  expect(r.status).toBe(1);
});

test("a file in two reports is taken from the last one named; at or above the threshold exits 0", () => {
  const old = report("old.json", "generator/output/lock.ts", ["Survived", "Survived"]);
  const now = report("new.json", "generator/output/lock.ts", ["Killed", "Timeout"]);
  const r = run(old, now);
  expect(r.stdout).toMatch(/^all \(1 files\)\s+100\.00\s+1\s+1\s+0\s+0\s+0$/m);
  expect(r.stdout).toMatch(/at or above the 85% threshold/);
  expect(r.status).toBe(0);
});

test("bad input: exit 2, naming the file", () => {
  const notReport = path.join(dir, "package.json");
  fs.writeFileSync(notReport, JSON.stringify({ name: "x" }));
  const missing = path.join(dir, "gone.json");
  expect(run(notReport)).toMatchObject({ status: 2, stdout: "" });
  expect(run(notReport).stderr).toContain(`${notReport}: not a StrykerJS JSON report`);
  expect(run(missing).stderr).toContain(`${missing}: no such file`);
  expect(run().status).toBe(2);
  console.log("mutation-score: sums, last report wins, bad input exits 2");
});
