/*
 * `regcache size merge`: the reports of two "CI jobs" (one config each) merge
 * into exactly the report one run of both configs prints, in every format;
 * reports that cannot be merged are refused with exit 2 and nothing written.
 */
import * as fs from "fs";
import * as path from "path";
import { runCli } from "../helpers/capture";
import { fileTempDir } from "./helpers";

const work = fileTempDir("size-merge");
const job = (name: string) => path.join(work, `${name}.json`);
const CONFIGS = ["gcc-O2", "gcc-O2-retpoline"];

beforeAll(async () => {
  for (const config of CONFIGS) {
    const r = await runCli(["size", "--config", config, "--format", "json", "--out", job(config)]);
    if (r.code !== 0) throw new Error(r.stderr);
  }
}, 240_000);

describe("merging the jobs' reports", () => {
  test.each(["json", "text", "markdown", "html"])(
    "%s: byte for byte the report of one run of both configs",
    async (format) => {
      const merged = await runCli(["size", "merge", ...CONFIGS.map(job), "--format", format]);
      expect(merged.code).toBe(0);
      const whole = await runCli([
        "size",
        ...CONFIGS.flatMap((c) => ["--config", c]),
        "--format",
        format,
      ]);
      expect(whole.code).toBe(0);
      expect(merged.stdout).toBe(whole.stdout);
    },
    120_000,
  );

  test("a budget is checked against the merged report", async () => {
    const budget = path.join(work, "budget.yaml");
    fs.writeFileSync(
      budget,
      "budgets:\n  - function: kvm_emulate_cpuid\n    max: 100\n    config: gcc-O2-retpoline\n",
    );
    const r = await runCli([
      "size",
      "merge",
      ...CONFIGS.map(job),
      "--budget",
      budget,
      "--format",
      "json",
    ]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.budget.breaches).toHaveLength(1);
    expect(report.budget.breaches[0]).toMatchObject({
      config: "gcc-O2-retpoline",
      target: "kvm_emulate_cpuid",
      check: "max",
      limit: 100,
    });
  });
});

test("a report saved with a UTF-8 byte order mark merges, as a spec with one is read", async () => {
  const bom = path.join(work, "bom.json");
  fs.writeFileSync(bom, "\ufeff" + fs.readFileSync(job("gcc-O2-retpoline"), "utf8"));
  const r = await runCli(["size", "merge", job("gcc-O2"), bom, "--format", "json"]);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout).configs.map((c: { name: string }) => c.name)).toEqual(CONFIGS);
});

describe("what cannot be merged: exit 2, nothing written", () => {
  const variant = (name: string, edit: (json: any) => void) => {
    const json = JSON.parse(fs.readFileSync(job("gcc-O2-retpoline"), "utf8"));
    edit(json);
    const file = path.join(work, `${name}.json`);
    fs.writeFileSync(file, JSON.stringify(json));
    return file;
  };
  const cases: [string, () => string[], RegExp][] = [
    [
      "different specs",
      () => [job("gcc-O2"), variant("other-spec", (j) => (j.spec = "spec/other.yaml"))],
      /reports of different specs cannot be merged/,
    ],
    [
      "different bases",
      () => [
        job("gcc-O2"),
        variant("other-base", (j) => (j.base = "git:HEAD~1:spec/x86-kvm-6.12.yaml")),
      ],
      /reports of different bases cannot be merged/,
    ],
    ["the same config twice", () => [job("gcc-O2"), job("gcc-O2")], /config gcc-O2 is in both/],
    [
      "a row whose delta is not head - base",
      () => [job("gcc-O2"), variant("edited", (j) => (j.configs[0].functions[0].delta += 1))],
      /edited\.json: config "gcc-O2-retpoline" \(\/configs\/0\): row "[^"]+" \(\/configs\/0\/functions\/0\): delta -?\d+ is not head − base/,
    ],
    [
      "a report that is not UTF-8",
      () => {
        const file = path.join(work, "latin1.json");
        fs.writeFileSync(file, Buffer.from('{"spec": "caf\xe9"}', "latin1"));
        return [job("gcc-O2"), file];
      },
      /latin1\.json is not valid UTF-8: byte 0xe9/,
    ],
    ["one report", () => [job("gcc-O2")], /two reports or more/],
    ["no report", () => [], /two reports or more; got 0/],
    [
      "another version",
      () => [job("gcc-O2"), variant("v1", (j) => (j.version = 1))],
      /report version 1; this regcache reads version 2/,
    ],
    [
      "not a report",
      () => [job("gcc-O2"), variant("junk", (j) => delete j.configs)],
      /not a regcache size JSON report/,
    ],
    [
      "not JSON",
      () => {
        const file = path.join(work, "broken.json");
        fs.writeFileSync(file, "{ nope");
        return [job("gcc-O2"), file];
      },
      /broken.json is not JSON/,
    ],
    [
      "a missing file",
      () => [job("gcc-O2"), path.join(work, "nope.json")],
      /cannot read .*nope.json: ENOENT/,
    ],
    [
      "a measuring option",
      () => [...CONFIGS.map(job), "--compiler", "gcc"],
      /--compiler does not apply to size merge/,
    ],
  ];
  test.each(cases)("%s", async (_name, argv, message) => {
    const out = path.join(work, "merged.md");
    const r = await runCli(["size", "merge", ...argv(), "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    // One message, from regcache, not a usage error beside it.
    expect(r.stderr.split("\n").filter((l) => l.includes("error")).length).toBeGreaterThan(0);
    expect(r.stderr).not.toMatch(/Not enough non-option arguments/);
    expect(fs.existsSync(out)).toBe(false);
  });
});
