/*
 * The report model and its four formats, on synthetic measurements (the
 * end-to-end test measures real objects). Checks bloat-o-meter's arithmetic,
 * the orderings, and the structural promises of each format.
 */
import Ajv2020 from "ajv/dist/2020";
import { formatHtml } from "../../../../generator/size/formats/html";
import { formatJson } from "../../../../generator/size/formats/json";
import { formatMarkdown, MARKDOWN_LIMIT } from "../../../../generator/size/formats/markdown";
import { formatText } from "../../../../generator/size/formats/text";
import {
  buildReport,
  compareSides,
  MeasuredConfig,
  SizeReport,
} from "../../../../generator/size/report/report";
import {
  ASCII_MINUS,
  formatCell,
  formatFixed,
  formatSummary,
  formatTotals,
  TYPOGRAPHIC_MINUS,
} from "../../../../generator/size/report/figures";
import { sizeReportSchema } from "../../../../generator/size/formats/report-schema";
import { SymbolSize } from "../../../../generator/toolchain/symbols";

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
  // Computed per test (beforeEach), not while the file loads: a mutation run
  // attributes the code it reaches to the tests that reach it.
  let summary: ReturnType<typeof compareSides>["summary"];
  let functions: ReturnType<typeof compareSides>["functions"];
  let total: ReturnType<typeof compareSides>["total"];
  beforeEach(() => ({ summary, functions, total } = compareSides(base, head)));

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

  test("ties in bloat-o-meter's order: its reverse sort of (delta, name) puts the larger name first", () => {
    const tied = compareSides(
      [fn("alpha", 10), fn("beta", 10), fn("gamma", 10)],
      [fn("alpha", 11), fn("beta", 11), fn("gamma", 9)],
    );
    expect(tied.functions.map((f) => f.name)).toEqual(["beta", "alpha", "gamma"]);
  });

  test("rows sorted by delta, growth first", () => {
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
    [{ base: 342, head: 182, delta: -160, percent: (-160 * 100) / 342 }, "342 → 182 (-47%)"],
    [{ base: 1362, head: 1143, delta: -219, percent: (-219 * 100) / 1362 }, "1362 → 1143 (-16%)"],
    [{ base: 50, head: 60, delta: 10, percent: 20 }, "50 → 60 (+20%)"],
    [{ base: 10, head: 10, delta: 0, percent: 0 }, "10 → 10 (0%)"],
    [{ base: null, head: 7, delta: 7, percent: null }, "— → 7 (new)"],
    [{ base: 40, head: null, delta: -40, percent: -100 }, "40 → — (gone)"],
  ])("cell %#: %s", (cell, want) => {
    expect(formatCell(cell, ASCII_MINUS)).toBe(want);
    expect(formatCell(cell, TYPOGRAPHIC_MINUS)).toBe(want.replace("-", "\u2212"));
  });
});

describe("cross-config table and sources", () => {
  let report: SizeReport;
  beforeEach(() => (report = sampleReport()));
  test("one row per name changed anywhere, one cell per config", () => {
    expect(report.crossConfig.map((r) => r.name)).not.toContain("same");
    expect(
      report.crossConfig
        .find((r) => r.name === "kvm_emulate_cpuid")
        ?.cells.map((c) => formatCell(c, ASCII_MINUS)),
    ).toEqual(["342 → 182 (-47%)", "342 → 182 (-47%)"]);
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
    expect(
      report.crossConfig.map((r) => [r.name, ...r.cells.map((c) => formatCell(c, ASCII_MINUS))]),
    ).toEqual([
      ["grows", "50 → 60 (+20%)", "50 → 50 (0%)"],
      ["added", "— → 7 (new)", ""],
      ["clang_only", "", "5 → 9 (+80%)"],
      ["same", "10 → 10 (0%)", "10 → 12 (+20%)"],
      ["gone", "40 → — (gone)", ""],
      ["kvm_emulate_cpuid", "342 → 182 (-47%)", "300 → 250 (-17%)"],
      ["kvm_emulate_hypercall", "1362 → 1143 (-16%)", ""],
    ]);
  });
  test("generated source sizes per file", () => {
    expect(report.sources).toEqual([
      { path: "c/kvm_regs.h", base: { lines: 2, bytes: 4 }, head: { lines: 3, bytes: 7 } },
    ]);
  });
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

describe("markdown format", () => {
  test("cross-config table first, unchanged rows folded", () => {
    const md = formatMarkdown(sampleReport());
    expect(md.indexOf("| function | gcc-O2 | clang-O2 |")).toBeGreaterThan(0);
    expect(md.indexOf("| function | gcc-O2 | clang-O2 |")).toBeLessThan(md.indexOf("### gcc-O2"));
    expect(md).toContain("| `kvm_emulate_cpuid` | 342 → 182 (-47%) | 342 → 182 (-47%) |");
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
  test("matches the documented schema, version 2", () => {
    const json = JSON.parse(formatJson(sampleReport()));
    expect(validate(json) ? [] : validate.errors).toEqual([]);
    expect(json.version).toBe(2);
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
  let html: string;
  beforeEach(() => (html = formatHtml(sampleReport())));
  test("one self-contained page: no scripts, no external resources", () => {
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(|\ssrc=/i);
    expect(html.replaceAll('xmlns="http://www.w3.org/2000/svg"', "")).not.toMatch(/https?:/);
  });
  test("a bar chart per config", () => {
    expect(html.match(/<svg /g)?.length).toBe(2);
    expect(html).toContain('<rect class="base"');
  });
  test("legend, byte scale and the cross-config heading are there", () => {
    expect(html).toContain('data-legend="base"');
    expect(html).toContain('data-legend="head-up"');
    expect(html).toContain('class="axis-label"');
    expect(html).toMatch(/<text class="tick" data-bytes="0"/);
    expect(html).toContain("<h2>Across configs</h2>");
  });
  test("a name too long for the label column ends in '…', the full name in its title", () => {
    const long = "a_function_name_far_too_long_for_the_label_column_of_the_chart";
    const page = formatHtml(sampleReport([measured("gcc-O2", [fn(long, 10)], [fn(long, 20)])]));
    expect(page).toMatch(
      /<text class="name"[^>]*>a_function_name_far_too_long_f…<title>a_function_name_far_too_long_for_the_label_column_of_the_chart<\/title>/,
    );
  });
  test("escapes names", () => {
    const odd = formatHtml(sampleReport([measured("x<y>", [fn("a&b", 1)], [fn("a&b", 2)])]));
    expect(odd).toContain("x&lt;y&gt;");
    expect(odd).toContain("a&amp;b");
    expect(odd).not.toContain("a&b<");
  });
});

describe("the Total line is bloat-o-meter's, byte for byte (Python's %+.2f rounds ties to even)", () => {
  // Each `want` is what `python3 -c 'print("Total: Before=%d, After=%d, chg %+.2f%%" % (o, n, (n-o)*100.0/o))'` prints.
  test.each([
    [800, 801, "Total: Before=800, After=801, chg +0.12%"],
    [800, 799, "Total: Before=800, After=799, chg -0.12%"],
    [800, 803, "Total: Before=800, After=803, chg +0.38%"],
    [1600, 1601, "Total: Before=1600, After=1601, chg +0.06%"],
    [5327, 3304, "Total: Before=5327, After=3304, chg -37.98%"],
    [100, 100, "Total: Before=100, After=100, chg +0.00%"],
    [0, 10, "Total: Before=0, After=10, chg +0.00%"],
    [100000, 99999, "Total: Before=100000, After=99999, chg -0.00%"],
    [8, 9, "Total: Before=8, After=9, chg +12.50%"],
  ])("%d -> %d", (b, h, want) => {
    expect(formatTotals({ base: b, head: h, delta: h - b, percent: null })).toBe(want);
  });

  test.each([
    [0.125, 2, "0.12"],
    [0.375, 2, "0.38"],
    [2.5, 0, "2"],
    [3.5, 0, "4"],
    [-0.125, 2, "-0.12"],
    [1e-9, 2, "0.00"],
    [123456.789, 1, "123456.8"],
    [0.1, 20, "0.10000000000000000555"],
  ])("formatFixed(%d, %d) = %s", (x, digits, want) => expect(formatFixed(x, digits)).toBe(want));
});

describe("one minus sign per format", () => {
  const report = sampleReport();
  // bloat-o-meter's own lines stay ASCII in every format.
  const ownLines = (text: string) =>
    text
      .split("\n")
      .filter((l) => !/^(add\/remove:|Total: Before=)/.test(l.replace(/<[^>]+>/g, "")));
  test.each([
    ["text", formatText(report, { color: false }), "-", "\u2212"],
    ["markdown", formatMarkdown(report), "-", "\u2212"],
  ])("%s: every figure uses '%s', none '%s'", (_f, text, sign, other) => {
    expect(text).not.toContain(other);
    expect(text).toMatch(new RegExp(`${sign}160\\b`));
    expect(text).toContain(`${sign}46.8%`);
  });
  test("html: U+2212 for its own figures, ASCII only inside bloat-o-meter's lines", () => {
    const html = formatHtml(report);
    const figures = ownLines(html).join("\n");
    expect(figures).toContain("\u2212160");
    expect(figures).toContain("\u221246.8%");
    expect(figures).not.toMatch(/>-\d|\(-\d|\s-\d/);
    expect(html).toContain("chg -");
  });
});
