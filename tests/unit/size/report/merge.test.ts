/*
 * mergeReports (generator/size/report/merge.ts) on parsed JSON: when reports
 * of CI jobs merge (same spec, base and generated sources; each config from
 * one job; --explain everywhere or nowhere; no --objects report) and what the
 * merged report holds: every config in input order, a skipped config only
 * when no job ran it, the cross-config table and percentages recomputed,
 * --explain figures joined per register and ranked again, budgets dropped.
 */
import { formatJson } from "../../../../generator/size/formats/json";
import { mergeReports, type MergeInput } from "../../../../generator/size/report/merge";
import {
  buildReport,
  type ExplainRow,
  type MeasuredConfig,
  type SizeReport,
} from "../../../../generator/size/report/report";

const fn = (name: string, size: number) => ({ name, kind: "function" as const, size });

function config(name: string, sizes: Record<string, [number, number]>): MeasuredConfig {
  return {
    name,
    compiler: name.startsWith("clang") ? "clang" : "gcc",
    command: name.split("-")[0],
    compilerVersion: `${name} 1.0`,
    retpoline: name.endsWith("retpoline"),
    flags: ["-O2"],
    base: Object.entries(sizes).map(([n, [b]]) => fn(n, b)),
    head: Object.entries(sizes).map(([n, [, h]]) => fn(n, h)),
  };
}

interface JobOptions {
  spec?: string;
  base?: string;
  head?: string;
  skipped?: string[];
  explain?: ExplainRow[];
}

/** What one CI job's `--format json` wrote, parsed back. */
function job(configs: MeasuredConfig[], options: JobOptions = {}): unknown {
  const report: SizeReport = buildReport({
    spec: options.spec ?? "spec/x86-kvm-6.12.yaml",
    base: options.base ?? "all-cached",
    measured: configs,
    skipped: (options.skipped ?? []).map((name) => ({
      name,
      compiler: "clang",
      reason: "clang-19 or clang not found",
      hint: "apt-get install -y clang-19",
    })),
    baseFiles: [{ path: "c/kvm_regs.h", contents: "a\n" }],
    headFiles: [{ path: "c/kvm_regs.h", contents: options.head ?? "a\nb\n" }],
    ...(options.explain ? { explain: options.explain } : {}),
  });
  return JSON.parse(formatJson(report));
}

const inputs = (...jsons: unknown[]): MergeInput[] =>
  jsons.map((json, i) => ({ file: `job${i + 1}.json`, json }));

const gcc = config("gcc-O2", { cpuid: [342, 182], same: [10, 10] });
const clang = config("clang-O2", { cpuid: [300, 250], only_clang: [5, 9] });

const problemsOf = (given: MergeInput[]) => {
  const merged = mergeReports(given);
  return merged.ok ? [] : merged.problems;
};

describe("merged", () => {
  test("configs in input order, cross-config table and percentages recomputed", () => {
    const merged = mergeReports(inputs(job([gcc], { skipped: ["clang-O2"] }), job([clang])));
    if (!merged.ok) throw new Error(merged.problems.join("\n"));
    const { report } = merged;
    expect(report.configs.map((c) => c.name)).toEqual(["gcc-O2", "clang-O2"]);
    expect(report.skipped).toEqual([]);
    expect(report.configs[0].functions.find((f) => f.name === "cpuid")?.percent).toBeCloseTo(
      (-160 * 100) / 342,
    );
    expect(report.configs[1].total).toEqual({
      base: 305,
      head: 259,
      delta: -46,
      percent: (-46 * 100) / 305,
    });
    expect(report.crossConfig.map((r) => [r.name, r.cells.map((c) => c?.delta ?? null)])).toEqual([
      ["only_clang", [null, 4]],
      ["cpuid", [-160, -50]],
    ]);
    expect(report.sources).toEqual([
      { path: "c/kvm_regs.h", base: { lines: 1, bytes: 2 }, head: { lines: 2, bytes: 4 } },
    ]);
    expect("explain" in report).toBe(false);
    expect("budget" in report).toBe(false);
  });

  test("a config skipped by every job is listed once; one any job ran is not", () => {
    const merged = mergeReports(
      inputs(
        job([gcc], { skipped: ["clang-O2", "clang-O2-retpoline"] }),
        job([clang], { skipped: ["clang-O2-retpoline"] }),
      ),
    );
    expect(merged.ok && merged.report.skipped.map((s) => s.name)).toEqual(["clang-O2-retpoline"]);
  });

  test("a job's budget is dropped: the merged report is checked afresh", () => {
    const withBudget = {
      ...(job([gcc]) as object),
      budget: { file: "b.yaml", breaches: [] },
    };
    const merged = mergeReports(inputs(withBudget, job([clang])));
    expect(merged.ok && "budget" in merged.report).toBe(false);
  });

  test("--explain: each register's savings joined in config order, then ranked again", () => {
    const row = (register: string, saved: (number | null)[], reached = true): ExplainRow => ({
      register,
      lazyIn: ["vmx"],
      reached,
      saved,
    });
    const merged = mergeReports(
      inputs(
        job([gcc], { explain: [row("rip", [10]), row("rsp", [30]), row("cr3", [null], false)] }),
        job([clang], { explain: [row("rip", [40]), row("rsp", [5]), row("cr3", [null], false)] }),
      ),
    );
    expect(merged.ok && merged.report.explain).toEqual([
      row("rip", [10, 40]),
      row("rsp", [30, 5]),
      row("cr3", [null, null], false),
    ]);
  });
});

describe("refused, every reason at once", () => {
  test("fewer than two reports", () => {
    expect(problemsOf(inputs(job([gcc])))).toEqual(["merge needs two reports or more; got 1"]);
    expect(problemsOf([])).toEqual(["merge needs two reports or more; got 0"]);
  });

  test("another report version, and a file that is no report", () => {
    expect(
      problemsOf(inputs({ ...(job([gcc]) as object), version: 1 }, { configs: [] }, null)),
    ).toEqual([
      "job1.json: report version 1; this regcache reads version 2 (rerun the job with the same regcache)",
      "job2.json: not a regcache size JSON report: the report lacks the key 'version'",
      "job3.json: not a regcache size JSON report: the report must be a mapping",
    ]);
  });

  test("a report with a field the schema does not know", () => {
    const json = job([gcc]) as { configs: Record<string, unknown>[] };
    json.configs[0].extra = 1;
    expect(problemsOf(inputs(json, job([clang])))).toEqual([
      "job1.json: not a regcache size JSON report: configs[0] has the unknown key 'extra'",
    ]);
  });

  test("another spec, base and generated sources", () => {
    expect(
      problemsOf(
        inputs(job([gcc]), job([clang], { spec: "other.yaml", base: "git:HEAD", head: "c\n" })),
      ),
    ).toEqual([
      'job2.json measured spec "other.yaml", job1.json "spec/x86-kvm-6.12.yaml": reports of different specs cannot be merged',
      'job2.json measured base "git:HEAD", job1.json "all-cached": reports of different bases cannot be merged',
      expect.stringMatching(
        /^job2\.json measured generated source ".*", job1\.json ".*": reports of different generated sources cannot be merged$/,
      ),
    ]);
  });

  type Row = { name: string; base: number | null; head: number | null; delta: number };
  type Config = {
    functions: Row[];
    total: Record<string, number>;
    summary: Record<string, number>;
  };
  /** job1.json: gcc's report with `edit` applied to its one config; job2.json: clang's. */
  const edited = (edit: (c: Config) => void) => {
    const json = job([gcc]) as { configs: Config[] };
    edit(json.configs[0]);
    return problemsOf(inputs(json, job([clang])));
  };
  const row = (c: Config, name: string) => c.functions.find((f) => f.name === name)!;

  test("figures that contradict each other: each named by file, config and row", () => {
    expect(edited((c) => (row(c, "cpuid").delta = -150))).toEqual([
      'job1.json: config "gcc-O2" (/configs/0): row "cpuid" (/configs/0/functions/1): delta -150 is not head − base (-160)',
    ]);
    expect(edited((c) => c.functions.push({ ...row(c, "same") }))).toEqual([
      'job1.json: config "gcc-O2" (/configs/0): row "same" (/configs/0/functions/2) repeats the row at /configs/0/functions/0',
      'job1.json: config "gcc-O2" (/configs/0): total.base 352 is not that of its rows (362)',
      'job1.json: config "gcc-O2" (/configs/0): total.head 192 is not that of its rows (202)',
    ]);
    expect(
      edited((c) => {
        row(c, "same").head = 12;
        row(c, "same").delta = 2;
      }),
    ).toEqual([
      'job1.json: config "gcc-O2" (/configs/0): total.head 192 is not that of its rows (194)',
      'job1.json: config "gcc-O2" (/configs/0): total.delta -160 is not that of its rows (-158)',
      'job1.json: config "gcc-O2" (/configs/0): summary.grow 0 is not that of its rows (1)',
      'job1.json: config "gcc-O2" (/configs/0): summary.up 0 is not that of its rows (2)',
      'job1.json: config "gcc-O2" (/configs/0): summary.net -160 is not that of its rows (-158)',
    ]);
    expect(
      edited((c) => {
        row(c, "same").base = null;
        row(c, "same").head = null;
        row(c, "same").delta = 0;
        c.total.base = 342;
        c.total.head = 182;
      }),
    ).toEqual([
      'job1.json: config "gcc-O2" (/configs/0): row "same" (/configs/0/functions/0) has neither a base nor a head size',
      'job1.json: config "gcc-O2" (/configs/0): summary.add 0 is not that of its rows (1)',
    ]);
  });

  test("--explain rows that contradict the report: a register twice, savings not one per config", () => {
    const rip = { register: "rip", lazyIn: ["vmx"], reached: true, saved: [1] };
    const json = job([gcc], { explain: [rip] }) as { explain: (typeof rip)[] };
    json.explain.push({ ...rip, saved: [1, 2] });
    expect(problemsOf(inputs(json, job([clang], { explain: [rip] })))).toEqual([
      'job1.json: --explain row "rip" (/explain/1) repeats the row at /explain/0',
      'job1.json: --explain row "rip" (/explain/1) has 2 savings for the report\'s 1 configs',
    ]);
  });

  test("a size past 2^53 − 1 is refused, not rounded", () => {
    expect(edited((c) => (row(c, "cpuid").head = 2 ** 53))).toEqual([
      "job1.json: not a regcache size JSON report: configs[0].functions[1].head must be a number of at most 9007199254740991",
    ]);
  });

  test("one config from two jobs", () => {
    expect(problemsOf(inputs(job([gcc, clang]), job([clang])))).toEqual([
      "config clang-O2 is in both job1.json and job2.json; each config must come from one job",
    ]);
  });

  test("--explain in some jobs only", () => {
    const explain = [{ register: "rip", lazyIn: ["vmx"], reached: true, saved: [1] }];
    expect(problemsOf(inputs(job([gcc], { explain }), job([clang])))).toEqual([
      "job1.json ran --explain, job2.json did not: run every job with the same options",
    ]);
  });

  test("--explain over other registers", () => {
    const one = (register: string) => [{ register, lazyIn: ["vmx"], reached: true, saved: [1] }];
    expect(
      problemsOf(
        inputs(job([gcc], { explain: one("rip") }), job([clang], { explain: one("rsp") })),
      ),
    ).toEqual(["job2.json: --explain ranked other registers than job1.json"]);
  });

  test("--objects reports", () => {
    const objects = {
      kind: "file",
      pairs: [{ path: "a.o", old: true, new: true }],
      composites: [],
    };
    expect(
      problemsOf(
        inputs({ ...(job([gcc]) as object), objects }, { ...(job([clang]) as object), objects }),
      ),
    ).toEqual([
      "job1.json, job2.json: --objects reports are one comparison each and are not merged",
    ]);
  });
});
