/*
 * The text format (generator/size/formats/text.ts): a terminal's report.
 * Per config bloat-o-meter's summary, the changed rows aligned and the
 * unchanged counted, its Total line; then the cross-config table, the
 * --objects notes, skipped configs, generated sources, the what-if ranking
 * and the budget. Colour only when asked.
 */
import { EXPLAIN_UNREACHED_NOTE, formatText } from "../../../../generator/size/formats/text";
import type { SizeReport } from "../../../../generator/size/report/report";
import { data, fn, fullReport, measured, sampleReport } from "../sample-report";

test("every section, in order, figures worked out by hand", () => {
  // f: 10 -> 12 is +2, +20.0%; totals 15 -> 17 is +13.33%, +13% in a cell.
  expect(formatText(fullReport(), { color: false })).toBe(
    [
      "regcache size: spec/x86-kvm-6.12.yaml (head) vs all-cached (base)",
      "",
      "== gcc-O2 == gcc 12",
      "flags: -O2",
      "add/remove: 0/0 grow/shrink: 1/0 up/down: 2/0 (2)",
      "function  base  head  delta       %",
      "f           10    12     +2  +20.0%",
      "(1 unchanged)",
      "Total: Before=15, After=17, chg +13.33%",
      "",
      "== across configs ==",
      "function          gcc-O2",
      "f         10 → 12 (+20%)",
      "total     15 → 17 (+13%)",
      "",
      "only in old: a.o",
      "",
      "skipped clang-O2-retpoline: clang-19 or clang not found (install: apt-get install -y clang-19)",
      "",
      "== generated sources ==",
      "file          base lines  base bytes  head lines  head bytes",
      "c/kvm_regs.h           2           4           3           7",
      "",
      "== what if a lazy register were always available ==",
      "register  lazy in  gcc-O2 saves",
      "rip       vmx,svm            12",
      "cr3       vmx       not reached",
      EXPLAIN_UNREACHED_NOTE,
      "",
      "budget b.yaml: 1 breach",
      "  gcc-O2: f: head 12 B, limit max 11 B",
      "",
    ].join("\n"),
  );
});

test("nothing changed: no rows, no cross-config table; no flags or version line when empty", () => {
  const report: SizeReport = {
    ...sampleReport([
      { ...measured("x", [fn("f", 1)], [fn("f", 1)]), compilerVersion: "", flags: [] },
    ]),
    skipped: [],
    sources: [],
  };
  expect(formatText(report, { color: false })).toBe(
    [
      "regcache size: spec/x86-kvm-6.12.yaml (head) vs all-cached (base)",
      "",
      "== x ==",
      "add/remove: 0/0 grow/shrink: 0/0 up/down: 0/0 (0)",
      "no symbol changed size",
      "(1 unchanged)",
      "Total: Before=1, After=1, chg +0.00%",
      "",
    ].join("\n"),
  );
});

test("data symbols under their own 'data' heading, functions under 'function', in one alignment", () => {
  const report: SizeReport = {
    ...sampleReport([
      {
        ...measured("x", [fn("f", 10), data("table", 64)], [fn("f", 12), data("table", 32)]),
        compilerVersion: "",
        flags: [],
      },
    ]),
    skipped: [],
    sources: [],
  };
  expect(formatText(report, { color: false })).toBe(
    [
      "regcache size: spec/x86-kvm-6.12.yaml (head) vs all-cached (base)",
      "",
      "== x ==",
      "add/remove: 0/0 grow/shrink: 1/1 up/down: 2/-32 (-30)",
      "function  base  head  delta       %",
      "f           10    12     +2  +20.0%",
      "data      base  head  delta       %",
      "table       64    32    -32  -50.0%",
      "Total: Before=74, After=44, chg -40.54%",
      "",
      "== across configs ==",
      "function               x",
      "f         10 → 12 (+20%)",
      "data                   x",
      "table     64 → 32 (-50%)",
      "total     74 → 44 (-41%)",
      "",
    ].join("\n"),
  );
});

test("a budget within every limit, and breaches counted in the plural", () => {
  const report = fullReport();
  const within = formatText(
    { ...report, budget: { file: "b.yaml", breaches: [] } },
    { color: false },
  );
  expect(within.endsWith("budget b.yaml: within every limit\n")).toBe(true);
  const breach = report.budget!.breaches[0];
  const two = formatText(
    {
      ...report,
      budget: {
        file: "b.yaml",
        breaches: [
          breach,
          { ...breach, target: "total", check: "growth", unit: "percent", limit: -1 },
        ],
      },
    },
    { color: false },
  );
  expect(two).toContain(
    "budget b.yaml: 2 breaches\n  gcc-O2: f: head 12 B, limit max 11 B\n  gcc-O2: total: 10 → 12 B (+2 B, +20.0%), limit growth ≤ -1%\n",
  );
});

test("every register reached: no note under the what-if table", () => {
  const report = fullReport();
  const text = formatText({ ...report, explain: [report.explain![0]] }, { color: false });
  expect(text).toContain("rip       vmx,svm            12\n");
  expect(text).not.toContain(EXPLAIN_UNREACHED_NOTE);
});

test("colour: headings bold, the breach line and growth red, nothing escaped when off", () => {
  const text = formatText(fullReport(), { color: true });
  expect(text.split("\n")[0]).toBe(
    "\x1b[1mregcache size: spec/x86-kvm-6.12.yaml (head) vs all-cached (base)\x1b[0m",
  );
  expect(text).toContain("\x1b[1m== gcc-O2 ==\x1b[0m gcc 12\n");
  expect(text).toContain("\x1b[31mf           10    12     +2  +20.0%\x1b[0m\n");
  expect(text).toContain("\x1b[31mTotal: Before=15, After=17, chg +13.33%\x1b[0m\n");
  expect(text).toContain("\x1b[31mbudget b.yaml: 1 breach\x1b[0m\n");
  // The header row and unchanged figures stay plain.
  expect(text).toContain("\nfunction  base  head  delta       %\n");
});

describe("text format", () => {
  let report: SizeReport;
  beforeEach(() => (report = sampleReport()));
  test("plain without colour: aligned columns, changed rows, unchanged counted", () => {
    const text = formatText(report, { color: false });
    expect(text).not.toContain("\x1b[");
    expect(text).toContain("add/remove: 1/1 grow/shrink: 1/2 up/down: 17/-419 (-402)");
    expect(text).toContain("(1 unchanged)");
    expect(text).toContain(
      "skipped clang-O2-retpoline: clang-19 or clang not found (install: apt-get install -y clang-19)",
    );
    const header = text.split("\n").find((l) => l.startsWith("function ") && l.includes("delta"))!;
    const cpuid = text
      .split("\n")
      .find((l) => l.startsWith("kvm_emulate_cpuid ") && l.includes("-160"))!;
    // Right-aligned numbers end in the same column as their headers.
    expect(cpuid.indexOf("-160") + 4).toBe(header.indexOf("delta") + 5);
  });
  test("colour when asked: red growth, green savings", () => {
    const text = formatText(report, { color: true });
    expect(text).toMatch(/\x1b\[31mgrows\s/);
    expect(text).toMatch(/\x1b\[32mkvm_emulate_cpuid\s/);
  });
});

test("names with line breaks, escapes and bidi overrides print on their own line, escaped", () => {
  const odd = "x\n== pwned ==\r\u001b[2J\u202e";
  const config = { ...measured("gcc\nO2"), compilerVersion: "gcc\u001b]0;t\u0007" };
  const text = formatText(sampleReport([{ ...config, base: [fn(odd, 1)], head: [fn(odd, 2)] }]), {
    color: false,
  });
  expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/);
  expect(text.split("\n")).toContain("== gcc\\nO2 == gcc\\u{1b}]0;t\\u{7}");
  expect(
    text.split("\n").filter((l) => l.startsWith("x\\n== pwned ==\\r\\u{1b}[2J\\u{202e}")),
  ).toHaveLength(2);
});
