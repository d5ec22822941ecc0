/*
 * runMerge (generator/size/run-merge.ts), `regcache size merge` as a library:
 * the JSON reports CI jobs wrote, read from disk relative to cwd and merged
 * into one report, with a budget's breaches; or every problem with the files
 * at once (unreadable, not JSON, not mergeable) beside the budget's
 * diagnostics. It writes nothing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runMerge } from "../../../generator/size/run-merge";
import { formatJson } from "../../../generator/size/formats/json";
import { buildReport, type MeasuredConfig } from "../../../generator/size/report/report";
import { tempDir } from "../../helpers/temp";

const fn = (name: string, size: number) => ({ name, kind: "function" as const, size });

function job(name: string, base: number, head: number): MeasuredConfig {
  return {
    name,
    compiler: "gcc",
    command: "gcc",
    compilerVersion: "gcc 12",
    retpoline: false,
    flags: ["-O2"],
    base: [fn("kvm_emulate_cpuid", base), fn("same", 10)],
    head: [fn("kvm_emulate_cpuid", head), fn("same", 10)],
  };
}

/** A CI job's JSON report: one config measured, one skipped. */
function reportJson(config: MeasuredConfig, skipped: string[] = []): string {
  return formatJson(
    buildReport({
      spec: "spec/x86-kvm-6.12.yaml",
      base: "all-cached",
      measured: [config],
      skipped: skipped.map((name) => ({
        name,
        compiler: "clang",
        reason: "clang-19 or clang not found",
        hint: "apt-get install -y clang-19",
      })),
      baseFiles: [{ path: "c/kvm_regs.h", contents: "a\n" }],
      headFiles: [{ path: "c/kvm_regs.h", contents: "a\nb\n" }],
    }),
  );
}

/** A directory holding `files`, as CI's artifacts would. */
function jobs(files: Record<string, string>): string {
  const dir = tempDir("run-merge");
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

test("a report with a UTF-8 byte order mark is read, as a spec is", () => {
  const cwd = jobs({
    "gcc.json": "\ufeff" + reportJson(job("gcc-O2", 342, 182)),
    "clang.json": reportJson(job("clang-O2", 300, 250)),
  });
  const outcome = runMerge({ cwd, reports: ["gcc.json", "clang.json"] });
  expect(outcome.ok && outcome.report.configs.map((c) => c.name)).toEqual(["gcc-O2", "clang-O2"]);
});

test("two jobs' reports: one report of both configs, in the order given", () => {
  const cwd = jobs({
    "gcc.json": reportJson(job("gcc-O2", 342, 182), ["clang-O2"]),
    "clang.json": reportJson(job("clang-O2", 300, 250)),
  });
  const outcome = runMerge({ cwd, reports: ["gcc.json", "clang.json"] });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome));
  const { report } = outcome;
  expect([report.spec, report.base]).toEqual(["spec/x86-kvm-6.12.yaml", "all-cached"]);
  expect(report.configs.map((c) => c.name)).toEqual(["gcc-O2", "clang-O2"]);
  // A config one job skipped and another ran counts as ran.
  expect(report.skipped).toEqual([]);
  expect(report.crossConfig).toEqual([
    {
      name: "kvm_emulate_cpuid",
      cells: [
        { base: 342, head: 182, delta: -160, percent: (-160 * 100) / 342 },
        { base: 300, head: 250, delta: -50, percent: (-50 * 100) / 300 },
      ],
    },
  ]);
  expect(report.configs[1].total).toEqual({
    base: 310,
    head: 260,
    delta: -50,
    percent: (-50 * 100) / 310,
  });
  expect(report.sources).toEqual([
    { path: "c/kvm_regs.h", base: { lines: 1, bytes: 2 }, head: { lines: 2, bytes: 4 } },
  ]);
  expect(report.budget).toBeUndefined();
});

test("a budget is checked against the merged report, a skipped config's name allowed", () => {
  const cwd = jobs({
    "gcc.json": reportJson(job("gcc-O2", 342, 400), ["clang-O2-retpoline"]),
    "clang.json": reportJson(job("clang-O2", 300, 250)),
    "budget.yaml":
      "budgets:\n  - function: kvm_emulate_cpuid\n    growth: 0\n    config: [gcc-O2, clang-O2, clang-O2-retpoline]\n",
  });
  const outcome = runMerge({ cwd, reports: ["gcc.json", "clang.json"], budget: "budget.yaml" });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome));
  expect(outcome.report.skipped.map((s) => s.name)).toEqual(["clang-O2-retpoline"]);
  expect(outcome.report.budget).toEqual({
    file: "budget.yaml",
    breaches: [
      {
        config: "gcc-O2",
        target: "kvm_emulate_cpuid",
        check: "growth",
        unit: "bytes",
        limit: 0,
        base: 342,
        head: 400,
        delta: 58,
      },
    ],
  });
});

test("a budget naming a config no job measured or skipped: its diagnostic", () => {
  const cwd = jobs({
    "gcc.json": reportJson(job("gcc-O2", 1, 1)),
    "clang.json": reportJson(job("clang-O2", 1, 1)),
    "budget.yaml": "budgets:\n  - total: true\n    max: 10\n    config: icc-O2\n",
  });
  const outcome = runMerge({ cwd, reports: ["gcc.json", "clang.json"], budget: "budget.yaml" });
  expect(outcome.ok ? [] : [outcome.kind, outcome.diagnostics.map((d) => d.code)]).toEqual([
    "invalid-input",
    ["RC610"],
  ]);
});

describe("refused: every problem with the files at once", () => {
  test("unreadable and not JSON, each named as given", () => {
    const cwd = jobs({ "broken.json": "{ nope", "gcc.json": reportJson(job("gcc-O2", 1, 1)) });
    const outcome = runMerge({ cwd, reports: ["missing.json", "broken.json", "gcc.json"] });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.kind).toBe("invalid-input");
    expect(outcome.problems).toHaveLength(1);
    expect(outcome.problems[0]).toMatch(/^broken\.json is not JSON: \S/);
    expect(outcome.problems[0]).not.toContain("\n");
    expect(outcome.diagnostics.map((d) => d.message)).toEqual(["cannot read missing.json: ENOENT"]);
  });

  test("a report that is not UTF-8: RC620, as for a budget or a spec", () => {
    const cwd = jobs({ "gcc.json": reportJson(job("gcc-O2", 1, 1)) });
    fs.writeFileSync(path.join(cwd, "bad.json"), Buffer.from('{"spec": "\xe9"}', "latin1"));
    const outcome = runMerge({ cwd, reports: ["gcc.json", "bad.json"] });
    expect(outcome.ok ? [] : outcome.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["RC620", "bad.json is not valid UTF-8: byte 0xe9 at byte offset 10"],
    ]);
  });

  test("one report is not a merge", () => {
    const cwd = jobs({ "gcc.json": reportJson(job("gcc-O2", 1, 1)) });
    const outcome = runMerge({ cwd, reports: ["gcc.json"] });
    expect(outcome.ok ? [] : outcome.problems).toEqual(["merge needs two reports or more; got 1"]);
  });

  test("the same config from two jobs", () => {
    const cwd = jobs({
      "a.json": reportJson(job("gcc-O2", 1, 1)),
      "b.json": reportJson(job("gcc-O2", 1, 2)),
    });
    const outcome = runMerge({ cwd, reports: ["a.json", "b.json"] });
    expect(outcome.ok ? [] : outcome.problems).toEqual([
      "config gcc-O2 is in both a.json and b.json; each config must come from one job",
    ]);
  });

  test("a bad report beside an unreadable budget: the problems and the budget's diagnostic", () => {
    const cwd = jobs({ "a.json": "[]", "b.json": reportJson(job("gcc-O2", 1, 1)) });
    const outcome = runMerge({ cwd, reports: ["a.json", "b.json"], budget: "nope.yaml" });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.problems).toEqual([
      "a.json: not a regcache size JSON report: the report must be a mapping",
    ]);
    expect(outcome.diagnostics.map((d) => d.code)).toEqual(["RC600"]);
  });

  test("good reports beside an unreadable budget: the budget's diagnostic alone", () => {
    const cwd = jobs({
      "a.json": reportJson(job("gcc-O2", 1, 1)),
      "b.json": reportJson(job("clang-O2", 1, 1)),
    });
    const before = fs.readdirSync(cwd).sort();
    const outcome = runMerge({ cwd, reports: ["a.json", "b.json"], budget: "nope.yaml" });
    expect(outcome.ok ? [] : [outcome.problems, outcome.diagnostics.map((d) => d.code)]).toEqual([
      [],
      ["RC600"],
    ]);
    expect(fs.readdirSync(cwd).sort()).toEqual(before);
  });
});
