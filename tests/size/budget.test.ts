/*
 * Budget files: every malformed rule is a diagnostic with its position (the
 * command exits 2), and every breach of a valid one is listed (exit 1; the
 * end-to-end test checks the exit codes on real objects).
 */
import { formatDiagnostic } from "../../generator/diagnostics";
import { checkBudget, parseBudget } from "../../generator/size/budget";
import { configReport } from "../../generator/size/report";
import { SymbolSize } from "../../generator/size/symbols";

const parse = (text: string) => parseBudget({ displayPath: "budget.yaml", text });

describe("bad budget files", () => {
  test.each([
    ["syntax error", "budgets: [\n", "RC601", "budget.yaml:2:1"],
    ["not a mapping", "- 1\n", "RC602", "budget.yaml:1:1"],
    ["no budgets key", "limits: []\n", "RC603", "budget.yaml:1:1"],
    ["budgets not a list", "budgets: 3\n", "RC602", "budget.yaml:1:10"],
    ["no limit", "budgets:\n  - function: f\n", "RC607", "budget.yaml:2:5"],
    ["no target", "budgets:\n  - max: 3\n", "RC606", "budget.yaml:2:5"],
    [
      "both targets",
      "budgets:\n  - { function: f, total: true, max: 1 }\n",
      "RC606",
      "budget.yaml:2:5",
    ],
    ["percent max", "budgets:\n  - function: f\n    max: 5%\n", "RC608", "budget.yaml:3:10"],
    ["bad limit", "budgets:\n  - function: f\n    growth: lots\n", "RC605", "budget.yaml:3:13"],
    [
      "unknown key",
      "budgets:\n  - function: f\n    max: 1\n    colour: red\n",
      "RC603",
      "budget.yaml:4:5",
    ],
    [
      "total not true",
      "budgets:\n  - total: yes please\n    max: 1\n",
      "RC602",
      "budget.yaml:2:12",
    ],
    [
      "bad config",
      "budgets:\n  - total: true\n    max: 1\n    config: { a: 1 }\n",
      "RC602",
      "budget.yaml:4:13",
    ],
  ])("%s", (_name, text, code, where) => {
    const result = parse(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const printed = result.diagnostics.map((d) => formatDiagnostic(d));
    expect(printed.some((p) => p.startsWith(`${where}: error ${code}:`))).toBe(true);
  });

  test("every problem at once", () => {
    const result = parse("budgets:\n  - function: f\n  - max: 1\n  - function: g\n    growth: x\n");
    expect(result.ok ? [] : result.diagnostics.map((d) => d.code)).toEqual([
      "RC607",
      "RC606",
      "RC605",
    ]);
  });
});

const fn = (name: string, size: number): SymbolSize => ({ name, kind: "function", size });
const config = (name: string, base: SymbolSize[], head: SymbolSize[]) =>
  configReport({
    name,
    compiler: "gcc",
    command: "gcc",
    compilerVersion: "",
    retpoline: false,
    flags: [],
    base,
    head,
  });
const configs = [
  config(
    "gcc-O2",
    [fn("cpuid", 342), fn("hypercall", 1362), fn("grower", 100)],
    [fn("cpuid", 182), fn("hypercall", 1143), fn("grower", 110), fn("fresh", 20)],
  ),
  config(
    "clang-O2",
    [fn("cpuid", 300), fn("hypercall", 1000), fn("grower", 100)],
    [fn("cpuid", 250), fn("hypercall", 1000), fn("grower", 100)],
  ),
];
const names = ["gcc-O2", "clang-O2", "gcc-O2-retpoline"];

function breaches(yaml: string) {
  const parsed = parse(yaml);
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => formatDiagnostic(d)).join(""));
  const checked = checkBudget(parsed.budget, configs, names);
  if (!checked.ok) throw new Error(checked.diagnostics.map((d) => formatDiagnostic(d)).join(""));
  return checked.breaches.map((b) => `${b.config} ${b.target}: ${b.rule}`);
}

describe("checking a budget", () => {
  test.each([
    ["absolute max", "budgets: [{ function: cpuid, max: 200 }]", ["clang-O2 cpuid: max 200 B"]],
    [
      "growth in bytes, every function",
      "budgets: [{ function: '*', growth: 0 }]",
      ["gcc-O2 fresh: growth ≤ 0 B", "gcc-O2 grower: growth ≤ 0 B"],
    ],
    [
      "growth in percent",
      "budgets: [{ function: grower, growth: '5%' }]",
      ["gcc-O2 grower: growth ≤ 5%"],
    ],
    [
      "a required saving",
      "budgets: [{ function: cpuid, growth: '-35%' }]",
      ["clang-O2 cpuid: growth ≤ -35%"],
    ],
    [
      "a new function breaches any percent limit",
      "budgets: [{ function: 'fr*', growth: '50%' }]",
      ["gcc-O2 fresh: growth ≤ 50%"],
    ],
    ["total", "budgets: [{ total: true, growth: '-10%' }]", ["clang-O2 total: growth ≤ -10%"]],
    ["limited to a config", "budgets: [{ function: cpuid, max: 200, config: gcc-O2 }]", []],
    [
      "JSON works too",
      '{"budgets": [{"function": "hypercall", "max": 1100}]}',
      ["gcc-O2 hypercall: max 1100 B"],
    ],
    // Boundaries: a value exactly at its limit passes, one unit over breaches.
    ["max: head exactly at the limit passes", "budgets: [{ function: cpuid, max: 250 }]", []],
    [
      "max: one byte under the head breaches",
      "budgets: [{ function: cpuid, max: 249 }]",
      ["clang-O2 cpuid: max 249 B"],
    ],
    ["growth: exactly the bytes allowed passes", "budgets: [{ function: grower, growth: 10 }]", []],
    [
      "growth: one byte more than allowed breaches",
      "budgets: [{ function: grower, growth: 9 }]",
      ["gcc-O2 grower: growth ≤ 9 B"],
    ],
    [
      "growth: exactly the percent allowed passes",
      "budgets: [{ function: grower, growth: '10%' }]",
      [],
    ],
    [
      "growth: a hair over the percent allowed breaches",
      "budgets: [{ function: grower, growth: '9.99%' }]",
      ["gcc-O2 grower: growth ≤ 9.99%"],
    ],
    [
      "within every limit",
      "budgets: [{ function: '*', max: 5000 }, { total: true, growth: 0 }]",
      [],
    ],
  ])("%s", (_name, yaml, want) => expect(breaches(yaml)).toEqual(want));

  test("names an unknown function or config: diagnostics, not a pass", () => {
    const parsed = parse(
      "budgets:\n  - function: cpuidd\n    max: 1\n  - total: true\n    max: 1\n    config: gcc-O3\n",
    );
    if (!parsed.ok) throw new Error("should parse");
    const checked = checkBudget(parsed.budget, configs, names);
    expect(
      checked.ok ? [] : checked.diagnostics.map((d) => formatDiagnostic(d).split("\n")[0]),
    ).toEqual([
      "budget.yaml:2:15: error RC609: budget names function 'cpuidd', which no measured object defines",
      "budget.yaml:6:13: error RC610: budget names config 'gcc-O3', which is not in the matrix",
    ]);
  });
});
