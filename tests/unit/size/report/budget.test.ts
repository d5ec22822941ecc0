/*
 * Budget files: every malformed rule is a diagnostic with its position (the
 * command exits 2), and every breach of a valid one is listed (exit 1; the
 * end-to-end test checks the exit codes on real objects).
 */
import { formatDiagnostic } from "../../../../generator/core/diagnostics/diagnostic";
import { checkBudget, parseBudget } from "../../../../generator/size/report/budget";
import { configReport } from "../../../../generator/size/report/report";
import { ASCII_MINUS, formatLimit } from "../../../../generator/size/report/figures";
import { SymbolSize } from "../../../../generator/toolchain/symbols";

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

describe("what each bad budget file says, in full", () => {
  test.each([
    [
      "not a mapping",
      "- 1\n",
      [
        "budget.yaml:1:1: error RC602: a budget file must be a mapping with 'budgets', found a list",
      ],
    ],
    [
      "budgets not a list",
      "budgets: 3\n",
      ["budget.yaml:1:10: error RC602: 'budgets' must be a list of rules, found number 3"],
    ],
    [
      "no budgets key: the help says where rules go",
      "limits: []\n",
      [
        "budget.yaml:1:1: error RC603: unknown key 'limits'",
        "budget.yaml:1:1: error RC604: missing required key 'budgets'",
      ],
    ],
    [
      "a rule that is not a mapping",
      "budgets: [5]\n",
      ["budget.yaml:1:11: error RC602: a budget rule must be a mapping, found number 5"],
    ],
    [
      "an empty function name",
      "budgets:\n  - function: ''\n    max: 1\n",
      ["budget.yaml:2:15: error RC602: 'function' must be a function name, found string \"\""],
    ],
    [
      "a function name that is a number",
      "budgets:\n  - function: 12\n    max: 1\n",
      ["budget.yaml:2:15: error RC602: 'function' must be a function name, found number 12"],
    ],
    [
      "total not true",
      "budgets:\n  - total: yes please\n    max: 1\n",
      ["budget.yaml:2:12: error RC602: 'total' must be true, found string \"yes please\""],
    ],
    [
      "a config that is a mapping",
      "budgets:\n  - total: true\n    max: 1\n    config: { a: 1 }\n",
      [
        "budget.yaml:4:13: error RC602: 'config' must be a config name or a list of them, found a mapping",
      ],
    ],
    [
      "text before a percentage",
      "budgets:\n  - function: f\n    growth: 'x5%'\n",
      ["budget.yaml:3:13: error RC605: 'x5%' is not a size limit"],
    ],
    [
      "text after a percentage",
      "budgets:\n  - function: f\n    growth: '5%x'\n",
      ["budget.yaml:3:13: error RC605: '5%x' is not a size limit"],
    ],
    [
      "text between the number and its percent sign",
      "budgets:\n  - function: f\n    growth: '5x%'\n",
      ["budget.yaml:3:13: error RC605: '5x%' is not a size limit"],
    ],
  ])("%s", (_name, text, want) => {
    const result = parse(text);
    expect(
      result.ok ? [] : result.diagnostics.map((d) => formatDiagnostic(d).split("\n")[0]),
    ).toEqual(want);
  });

  test("the help of a file without 'budgets'", () => {
    const result = parse("limits: []\n");
    const printed = result.ok ? "" : result.diagnostics.map((d) => formatDiagnostic(d)).join("");
    expect(printed).toContain("= help: list the rules under 'budgets:'");
  });
});

test("an unknown config: the help lists the matrix's configs", () => {
  const parsed = parse("budgets:\n  - total: true\n    max: 1\n    config: gcc-O3\n");
  if (!parsed.ok) throw new Error("should parse");
  const checked = checkBudget(parsed.budget, configs, names);
  expect(checked.ok ? "" : checked.diagnostics.map((d) => formatDiagnostic(d)).join("")).toContain(
    "= help: known configs: gcc-O2, clang-O2, gcc-O2-retpoline",
  );
});

describe("how a percentage is written", () => {
  test.each([
    ["'5%'", 5],
    ["'+5%'", 5],
    ["'-5%'", -5],
    ["'−5%' (U+2212, as the report prints it)", -5],
    ["' +2.5 % ' (spaces around)", 2.5],
  ])("%s", (written, value) => {
    const literal = written.split(" (")[0]!;
    const result = parse(`budgets:\n  - function: f\n    growth: ${literal}\n`);
    if (!result.ok) throw new Error(result.diagnostics.map((d) => formatDiagnostic(d)).join(""));
    expect(result.budget.rules[0]!.growth).toEqual({ unit: "percent", value });
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
  return checked.breaches.map((b) => `${b.config} ${b.target}: ${formatLimit(b, ASCII_MINUS)}`);
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
    ["a zero max", "budgets: [{ function: fresh, max: 0 }]", ["gcc-O2 fresh: max 0 B"]],
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
      "budget.yaml:6:13: error RC610: budget names config 'gcc-O3', which is not in the matrix",
      "budget.yaml:2:15: error RC609: budget names function 'cpuidd', which matches no measured symbol",
    ]);
  });
});

describe("breaches are numbers, not prose", () => {
  test.each([
    [
      "max",
      "budgets: [{ function: cpuid, max: 200 }]",
      {
        config: "clang-O2",
        target: "cpuid",
        check: "max",
        unit: "bytes",
        limit: 200,
        base: 300,
        head: 250,
        delta: -50,
      },
    ],
    [
      "growth in bytes",
      "budgets: [{ function: grower, growth: 5 }]",
      {
        config: "gcc-O2",
        target: "grower",
        check: "growth",
        unit: "bytes",
        limit: 5,
        base: 100,
        head: 110,
        delta: 10,
      },
    ],
    [
      "growth in percent (a required saving)",
      "budgets: [{ function: cpuid, growth: '-35%' }]",
      {
        config: "clang-O2",
        target: "cpuid",
        check: "growth",
        unit: "percent",
        limit: -35,
        base: 300,
        head: 250,
        delta: -50,
      },
    ],
    [
      "a new function",
      "budgets: [{ function: fresh, growth: '10%' }]",
      {
        config: "gcc-O2",
        target: "fresh",
        check: "growth",
        unit: "percent",
        limit: 10,
        base: null,
        head: 20,
        delta: 20,
      },
    ],
    [
      "total",
      "budgets: [{ total: true, growth: '-10%', config: clang-O2 }]",
      {
        config: "clang-O2",
        target: "total",
        check: "growth",
        unit: "percent",
        limit: -10,
        base: 1400,
        head: 1350,
        delta: -50,
      },
    ],
  ])("%s", (_name, yaml, want) => {
    const parsed = parse(yaml);
    if (!parsed.ok) throw new Error("should parse");
    const checked = checkBudget(parsed.budget, configs, names);
    expect(checked.ok ? checked.breaches : checked.diagnostics).toEqual([want]);
  });
});

describe("what used to pass silently", () => {
  const diagnosticsOf = (yaml: string) => {
    const parsed = parse(yaml);
    if (!parsed.ok) return parsed.diagnostics.map((d) => formatDiagnostic(d).split("\n")[0]);
    const checked = checkBudget(parsed.budget, configs, names);
    return checked.ok ? [] : checked.diagnostics.map((d) => formatDiagnostic(d).split("\n")[0]);
  };
  test.each([
    [
      "a pattern that matches no function",
      "budgets:\n  - function: 'kvm_*'\n    max: 1\n",
      [
        "budget.yaml:2:15: error RC609: budget names function 'kvm_*', which matches no measured symbol",
      ],
    ],
    [
      "a name defined only in a config the rule does not apply to",
      "budgets:\n  - function: fresh\n    max: 1\n    config: clang-O2\n",
      [
        "budget.yaml:2:15: error RC609: budget names function 'fresh', which matches no measured symbol",
      ],
    ],
    [
      "a negative max",
      "budgets:\n  - function: cpuid\n    max: -5\n",
      ["budget.yaml:3:10: error RC618: 'max' must be a whole number of bytes, 0 or more, found -5"],
    ],
    [
      "a fractional max",
      "budgets:\n  - function: cpuid\n    max: 1.5\n",
      [
        "budget.yaml:3:10: error RC618: 'max' must be a whole number of bytes, 0 or more, found 1.5",
      ],
    ],
    [
      "a max past 2^53 - 1, shown as written, not rounded",
      "budgets:\n  - function: cpuid\n    max: 9007199254740993\n",
      [
        "budget.yaml:3:10: error RC618: 'max' must be a whole number of bytes, from 0 to 2^53 - 1, found 9007199254740993",
      ],
    ],
    [
      "a growth below -(2^53 - 1)",
      "budgets:\n  - total: true\n    growth: -1e17\n",
      [
        "budget.yaml:3:13: error RC618: 'growth' must be a whole number of bytes, from -(2^53 - 1) to 2^53 - 1, found -1e17",
      ],
    ],
    [
      "a fractional growth in bytes",
      "budgets:\n  - function: cpuid\n    growth: 0.5\n",
      ["budget.yaml:3:13: error RC618: 'growth' must be a whole number of bytes, found 0.5"],
    ],
    [
      "a pattern's dot is a dot, not any character",
      "budgets:\n  - function: 'gro.wer*'\n    max: 1\n",
      [
        "budget.yaml:2:15: error RC609: budget names function 'gro.wer*', which matches no measured symbol",
      ],
    ],
    [
      "a rule only for a config that did not run is not an unmatched name",
      "budgets:\n  - function: nothing_here\n    max: 1\n    config: gcc-O2-retpoline\n",
      [],
    ],
  ])("%s", (_name, yaml, want) => expect(diagnosticsOf(yaml)).toEqual(want));

  test("every problem of the file in one round: bad rules, unknown configs, unmatched names", () => {
    const yaml = [
      "budgets:",
      "  - function: nope_*", //   unmatched pattern
      "    max: 1",
      "  - function: cpuid", //    negative max
      "    max: -1",
      "  - total: true", //        unknown config
      "    max: 1",
      "    config: gcc-O9",
      "  - function: cpuidd", //   unknown name
      "    max: 1",
      "",
    ].join("\n");
    const parsed = parse(yaml);
    // The malformed rule is reported by the parse; the rest in the check, together.
    expect(parsed.ok ? [] : parsed.diagnostics.map((d) => d.code)).toEqual(["RC618"]);
    const valid = parse(yaml.replace("max: -1", "max: 1"));
    if (!valid.ok) throw new Error("should parse");
    const checked = checkBudget(valid.budget, configs, names);
    expect(checked.ok ? [] : checked.diagnostics.map((d) => d.code)).toEqual([
      "RC610",
      "RC609",
      "RC609",
    ]);
  });
});

describe("which arithmetic a limit uses", () => {
  // Hand-made sides: "small" grows 8 B on 50 B (16%); "gone" leaves; the second config
  // measured nothing in base (its total is 0 B, so no percentage of it exists), the third
  // nothing on either side.
  const sides = [
    config("gcc-O2", [fn("small", 50), fn("gone", 30)], [fn("small", 58)]),
    config("clang-O2", [], [fn("small", 12)]),
    config("gcc-O2-retpoline", [], []),
  ];
  const breachesIn = (yaml: string) => {
    const parsed = parse(yaml);
    if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => formatDiagnostic(d)).join(""));
    const checked = checkBudget(parsed.budget, sides, names);
    if (!checked.ok) throw new Error(checked.diagnostics.map((d) => formatDiagnostic(d)).join(""));
    return checked.breaches.map((b) => `${b.config} ${b.target}: ${formatLimit(b, ASCII_MINUS)}`);
  };
  test.each([
    [
      "a byte limit counts bytes: +8 B (16%) is within 10 B",
      "[{ function: small, growth: 10, config: gcc-O2 }]",
      [],
    ],
    [
      "a percent limit counts percent: +8 B on 50 B is over 10%",
      "[{ function: small, growth: '10%', config: gcc-O2 }]",
      ["gcc-O2 small: growth ≤ 10%"],
    ],
    [
      "a byte limit on a new function counts its bytes",
      "[{ function: small, growth: 12, config: clang-O2 }]",
      [],
    ],
    [
      "a total grown from 0 B breaches any percent limit (no percentage of nothing)",
      "[{ total: true, growth: '1000%', config: [clang-O2, gcc-O2-retpoline] }]",
      ["clang-O2 total: growth ≤ 1000%"],
    ],
    [
      "a total of 0 B on both sides has not grown",
      "[{ total: true, growth: '0%', config: gcc-O2-retpoline }]",
      [],
    ],
    ["a function that left has no head to hold to a max", "[{ function: gone, max: 0 }]", []],
    ["…but it shrank, which a required saving counts", "[{ function: gone, growth: -30 }]", []],
    [
      "…and a required saving it does not make breaches",
      "[{ function: gone, growth: -31 }]",
      ["gcc-O2 gone: growth ≤ -31 B"],
    ],
  ])("%s", (_name, rules, want) => expect(breachesIn(`budgets: ${rules}`)).toEqual(want));
});
