/*
 * The report model and its four formats, on synthetic measurements (the
 * end-to-end test measures real objects). Checks bloat-o-meter's arithmetic,
 * the orderings, and the structural promises of each format.
 */
import Ajv2020 from "ajv/dist/2020";
import { formatHtml } from "../../generator/size/format-html";
import { formatJson } from "../../generator/size/format-json";
import { formatMarkdown, MARKDOWN_LIMIT } from "../../generator/size/format-markdown";
import { formatText } from "../../generator/size/format-text";
import {
  buildReport,
  compareSides,
  formatCell,
  formatSummary,
  formatTotals,
  MeasuredConfig,
  SizeReport,
} from "../../generator/size/report";
import { sizeReportSchema } from "../../generator/size/report-schema";
import { SymbolSize } from "../../generator/size/symbols";

const fn = (name: string, size: number): SymbolSize => ({ name, kind: "function", size });

const base = [
  fn("kvm_emulate_cpuid", 342),
  fn("kvm_emulate_hypercall", 1362),
  fn("gone", 40),
  fn("same", 10),
  fn("grows", 50),
];
const head = [
  fn("kvm_emulate_cpuid", 182),
  fn("kvm_emulate_hypercall", 1143),
  fn("added", 7),
  fn("same", 10),
  fn("grows", 60),
];

function measured(name: string, b = base, h = head): MeasuredConfig {
  return {
    name,
    compiler: "gcc",
    command: "gcc",
    compilerVersion: "gcc 12",
    retpoline: false,
    flags: ["-O2"],
    base: b,
    head: h,
  };
}

function sampleReport(configs = [measured("gcc-O2"), measured("clang-O2")]): SizeReport {
  return buildReport({
    spec: "spec/x86-kvm.yaml",
    base: "all-cached",
    measured: configs,
    skipped: [
      {
        name: "clang-O2-retpoline",
        compiler: "clang",
        reason: "clang-19 or clang not found",
        hint: "apt-get install -y clang-19",
      },
    ],
    baseFiles: [{ path: "c/kvm_regs.h", contents: "a\nb\n" }],
    headFiles: [{ path: "c/kvm_regs.h", contents: "a\nbc\nd\n" }],
  });
}

describe("compareSides: bloat-o-meter's calc()", () => {
  const { summary, functions, total } = compareSides(base, head);

  test("counts and sums like bloat-o-meter", () => {
    expect(summary).toEqual({
      add: 1,
      remove: 1,
      grow: 1,
      shrink: 2,
      up: 7 + 10,
      down: 160 + 219 + 40,
      net: 17 - 419,
    });
    expect(formatSummary(summary)).toBe("add/remove: 1/1 grow/shrink: 1/2 up/down: 17/-419 (-402)");
  });

  test("rows sorted by delta, growth first, ties by name", () => {
    expect(functions.map((f) => [f.name, f.delta])).toEqual([
      ["grows", 10],
      ["added", 7],
      ["same", 0],
      ["gone", -40],
      ["kvm_emulate_cpuid", -160],
      ["kvm_emulate_hypercall", -219],
    ]);
    expect(functions.find((f) => f.name === "added")).toMatchObject({
      base: null,
      head: 7,
      percent: null,
    });
    expect(functions.find((f) => f.name === "gone")).toMatchObject({
      base: 40,
      head: null,
      percent: -100,
    });
  });

  test("totals and the footer", () => {
    const before = 342 + 1362 + 40 + 10 + 50;
    const after = 182 + 1143 + 7 + 10 + 60;
    expect(total).toMatchObject({ base: before, head: after, delta: after - before });
    expect(formatTotals(total)).toBe(
      `Total: Before=${before}, After=${after}, chg -${((100 * (before - after)) / before).toFixed(2)}%`,
    );
  });

  test.each([
    [{ base: 342, head: 182, delta: -160, percent: (-160 * 100) / 342 }, "342 → 182 (−47%)"],
    [{ base: 1362, head: 1143, delta: -219, percent: (-219 * 100) / 1362 }, "1362 → 1143 (−16%)"],
    [{ base: 50, head: 60, delta: 10, percent: 20 }, "50 → 60 (+20%)"],
    [{ base: 10, head: 10, delta: 0, percent: 0 }, "10 → 10 (0%)"],
    [{ base: null, head: 7, delta: 7, percent: null }, "— → 7 (new)"],
    [{ base: 40, head: null, delta: -40, percent: -100 }, "40 → — (gone)"],
  ])("cell %#: %s", (cell, want) => expect(formatCell(cell)).toBe(want));
});

describe("cross-config table and sources", () => {
  const report = sampleReport();
  test("one row per name changed anywhere, one cell per config", () => {
    expect(report.crossConfig.map((r) => r.name)).not.toContain("same");
    expect(
      report.crossConfig.find((r) => r.name === "kvm_emulate_cpuid")?.cells.map(formatCell),
    ).toEqual(["342 → 182 (−47%)", "342 → 182 (−47%)"]);
  });
  test("configs that differ: each cell is its own config's, rows by summed delta", () => {
    const report = sampleReport([
      measured("gcc-O2"),
      measured(
        "clang-O2",
        [fn("kvm_emulate_cpuid", 300), fn("same", 10), fn("grows", 50), fn("clang_only", 5)],
        [fn("kvm_emulate_cpuid", 250), fn("same", 12), fn("grows", 50), fn("clang_only", 9)],
      ),
    ]);
    expect(report.crossConfig.map((r) => [r.name, ...r.cells.map(formatCell)])).toEqual([
      ["grows", "50 → 60 (+20%)", "50 → 50 (0%)"],
      ["added", "— → 7 (new)", ""],
      ["clang_only", "", "5 → 9 (+80%)"],
      ["same", "10 → 10 (0%)", "10 → 12 (+20%)"],
      ["gone", "40 → — (gone)", ""],
      ["kvm_emulate_cpuid", "342 → 182 (−47%)", "300 → 250 (−17%)"],
      ["kvm_emulate_hypercall", "1362 → 1143 (−16%)", ""],
    ]);
  });
  test("generated source sizes per file", () => {
    expect(report.sources).toEqual([
      { path: "c/kvm_regs.h", base: { lines: 2, bytes: 4 }, head: { lines: 3, bytes: 7 } },
    ]);
  });
});

describe("text format", () => {
  const report = sampleReport();
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

describe("markdown format", () => {
  test("cross-config table first, unchanged rows folded", () => {
    const md = formatMarkdown(sampleReport());
    expect(md.indexOf("| function | gcc-O2 | clang-O2 |")).toBeGreaterThan(0);
    expect(md.indexOf("| function | gcc-O2 | clang-O2 |")).toBeLessThan(md.indexOf("### gcc-O2"));
    expect(md).toContain("| `kvm_emulate_cpuid` | 342 → 182 (−47%) | 342 → 182 (−47%) |");
    expect(md).toContain("<details><summary>1 unchanged</summary>");
    const folded = md.slice(md.indexOf("<details>"), md.indexOf("</details>"));
    expect(folded).toContain("`same`");
  });
  test(`stays under ${MARKDOWN_LIMIT} characters on a huge report`, () => {
    const many = (n: number, size: number) =>
      Array.from({ length: n }, (_, i) => fn(`handler_with_a_long_name_${i}`, size + (i % 7)));
    const configs = ["a", "b", "c", "d"].map((name) =>
      measured(name, many(3000, 100), many(3000, 90)),
    );
    const md = formatMarkdown(sampleReport(configs));
    expect(md.length).toBeLessThan(MARKDOWN_LIMIT);
    expect(md).toContain("more changed");
  });
});

describe("json format", () => {
  const validate = new Ajv2020({ strict: true, allErrors: true }).compile(sizeReportSchema);
  test("matches the documented schema, version 1", () => {
    const json = JSON.parse(formatJson(sampleReport()));
    expect(validate(json) ? [] : validate.errors).toEqual([]);
    expect(json.version).toBe(1);
    expect(json.configs[0]).toMatchObject({
      name: "gcc-O2",
      compiler: "gcc",
      retpoline: false,
      flags: ["-O2"],
    });
    expect(json.configs[0].functions[0]).toEqual({
      name: "grows",
      kind: "function",
      base: 50,
      head: 60,
      delta: 10,
    });
  });
  test("the schema rejects what it should", () => {
    const json = JSON.parse(formatJson(sampleReport()));
    delete json.configs[0].total;
    expect(validate(json)).toBe(false);
  });
});

describe("html format", () => {
  const html = formatHtml(sampleReport());
  test("one self-contained page: no scripts, no external resources", () => {
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(|\ssrc=/i);
    expect(html.replaceAll('xmlns="http://www.w3.org/2000/svg"', "")).not.toMatch(/https?:/);
  });
  test("a bar chart per config", () => {
    expect(html.match(/<svg /g)?.length).toBe(2);
    expect(html).toContain('<rect class="base"');
  });
  test("escapes names", () => {
    const odd = formatHtml(sampleReport([measured("x<y>", [fn("a&b", 1)], [fn("a&b", 2)])]));
    expect(odd).toContain("x&lt;y&gt;");
    expect(odd).toContain("a&amp;b");
    expect(odd).not.toContain("a&b<");
  });
});
