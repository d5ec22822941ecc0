/*
 * The markdown format (generator/size/formats/markdown.ts): a PR comment.
 * The cross-config table first, the budget, each config's bloat-o-meter
 * lines in a code block and its changed rows, unchanged rows folded; it
 * stays under MARKDOWN_LIMIT by unfolding, then capping the tables, then
 * cutting.
 */
import { formatMarkdown, MARKDOWN_LIMIT } from "../../../../generator/size/formats/markdown";
import { EXPLAIN_UNREACHED_NOTE } from "../../../../generator/size/formats/text";
import type { SizeReport } from "../../../../generator/size/report/report";
import { data, fn, fullReport, measured, sampleReport } from "../sample-report";

test("every section, in order", () => {
  expect(formatMarkdown(fullReport())).toBe(
    [
      "## regcache size: `spec/x86-kvm-6.12.yaml` vs `all-cached`",
      "",
      "| function | gcc-O2 |",
      "|:--|--:|",
      "| `f` | 10 → 12 (+20%) |",
      "| **total** | 15 → 17 (+13%) |",
      "",
      "- only in old: a.o",
      "",
      "- skipped **clang-O2-retpoline**: clang-19 or clang not found (install: `apt-get install -y clang-19`)",
      "",
      "### Budget `b.yaml`",
      "",
      "| config | target | actual | limit |",
      "|:--|:--|:--|:--|",
      "| gcc-O2 | `f` | head 12 B | max 11 B |",
      "",
      "### gcc-O2",
      "",
      "gcc 12 · retpoline: no · flags: `-O2`",
      "",
      "```",
      "add/remove: 0/0 grow/shrink: 1/0 up/down: 2/0 (2)",
      "Total: Before=15, After=17, chg +13.33%",
      "```",
      "",
      "| function | base | head | delta | % |",
      "|:--|--:|--:|--:|--:|",
      "| `f` | 10 | 12 | +2 | +20.0% |",
      "",
      "<details><summary>1 unchanged</summary>",
      "",
      "| function | base | head | delta | % |",
      "|:--|--:|--:|--:|--:|",
      "| `g` | 5 | 5 | 0 | 0.0% |",
      "",
      "</details>",
      "",
      "### What if a lazy register were always available",
      "",
      "| register | lazy in | gcc-O2 saves |",
      "|:--|:--|--:|",
      "| `rip` | vmx, svm | 12 |",
      "| `cr3` | vmx | not reached |",
      "",
      EXPLAIN_UNREACHED_NOTE,
      "",
      "### Generated sources",
      "",
      "| file | base | head |",
      "|:--|--:|--:|",
      "| `c/kvm_regs.h` | 2 lines, 4 B | 3 lines, 7 B |",
      "",
    ].join("\n"),
  );
});

test("data symbols in tables headed 'data', functions in tables headed 'function'", () => {
  const report: SizeReport = {
    ...sampleReport([
      measured("x", [fn("f", 10), data("table", 64)], [fn("f", 12), data("table", 32)]),
    ]),
    skipped: [],
    sources: [],
  };
  const md = formatMarkdown(report);
  expect(md).toContain(
    [
      "| function | x |",
      "|:--|--:|",
      "| `f` | 10 → 12 (+20%) |",
      "",
      "| data | x |",
      "|:--|--:|",
      "| `table` | 64 → 32 (-50%) |",
      "| **total** | 74 → 44 (-41%) |",
    ].join("\n"),
  );
  expect(md).toContain(
    [
      "| function | base | head | delta | % |",
      "|:--|--:|--:|--:|--:|",
      "| `f` | 10 | 12 | +2 | +20.0% |",
      "",
      "| data | base | head | delta | % |",
      "|:--|--:|--:|--:|--:|",
      "| `table` | 64 | 32 | -32 | -50.0% |",
    ].join("\n"),
  );
});

test("no config ran; a budget within every limit", () => {
  const report: SizeReport = {
    ...sampleReport([]),
    sources: [],
    budget: { file: "b.yaml", breaches: [] },
  };
  expect(formatMarkdown(report)).toBe(
    [
      "## regcache size: `spec/x86-kvm-6.12.yaml` vs `all-cached`",
      "",
      "_No config ran._",
      "",
      "- skipped **clang-O2-retpoline**: clang-19 or clang not found (install: `apt-get install -y clang-19`)",
      "",
      "### Budget `b.yaml`",
      "",
      "Within every limit.",
      "",
    ].join("\n"),
  );
});

test("a table cell cannot be broken: '|' and '\\' escaped, '<' an entity", () => {
  const md = formatMarkdown(sampleReport([measured("a|b<c\\", [fn("f", 1)], [fn("f", 2)])]));
  expect(md).toContain("| function | a\\|b&lt;c\\\\ |");
  expect(md).toContain("### a\\|b&lt;c\\\\");
});

/** A table row's cells as GFM splits them: at each '|' not escaped by a backslash. */
function cells(row: string): string[] {
  const out: string[] = [];
  let cell = "";
  for (let i = 0; i < row.length; i++) {
    if (row[i] === "\\") cell += row[i] + (row[++i] ?? "");
    else if (row[i] === "|") (out.push(cell), (cell = ""));
    else cell += row[i];
  }
  return [...out, cell];
}

test.each<[string, string, string]>([
  ["a '|'", "a|b", "<code>a&#124;b</code>"],
  ["a backslash before a '|'", "a\\|b", "<code>a&#92;&#124;b</code>"],
  ["a backtick", "f`g", "<code>f&#96;g</code>"],
  ["a leading space, which a code span would drop", " f", "<code> f</code>"],
  [
    "a line break and a heading, as a JSON report can carry",
    "x\n## pwned",
    "<code>x&#92;n&#35;&#35; pwned</code>",
  ],
  [
    "a carriage return and an escape",
    "x\r\u001b[2J",
    "<code>x&#92;r&#92;u&#123;1b&#125;&#91;2J</code>",
  ],
])("a function name with %s: one cell, printed as written", (_name, name, want) => {
  const md = formatMarkdown(sampleReport([measured("gcc-O2", [fn(name, 1)], [fn(name, 2)])]));
  const lines = md.split("\n");
  const rows = lines.filter((l) => l.startsWith("| ") && l.includes(want));
  // The cross-config row and the config's function table row.
  expect(rows).toHaveLength(2);
  for (const row of rows) expect(cells(row)[1]).toBe(` ${want} `);
  expect(
    lines
      .filter((l) => l.startsWith("#"))
      .every((l) => /^##+ (regcache size|gcc-O2|Generated)/.test(l)),
  ).toBe(true);
});

test.each<[string, string, string]>([
  ["a heading", "# evil", "\\# evil"],
  ["a list item", "- x", "\\- x"],
  ["an ordered list item", "1. x", "1\\. x"],
  ["a quote", "> x", "\\> x"],
  ["emphasis and a link", "*a* _b_ [c](d) ~~e~~", "\\*a\\* \\_b\\_ \\[c\\](d) \\~\\~e\\~\\~"],
  ["an entity and a tag", "&lt; <b>", "&amp;lt; &lt;b>"],
  ["a line break", "gcc\n# x", "gcc\\\\n# x"],
])("a compiler version holding %s begins its line as plain text", (_name, version, want) => {
  const config = { ...measured("gcc-O2"), compilerVersion: version };
  const md = formatMarkdown(sampleReport([config]));
  expect(md.split("\n")).toContain(`${want} · retpoline: no · flags: \`-O2\``);
});

test("'_' between letters, as in most symbol and file names, stays as written", () => {
  const config = { ...measured("gcc-O2"), compilerVersion: "kvm_main x_1 a_b_" };
  expect(formatMarkdown(sampleReport([config]))).toContain("kvm_main x_1 a_b\\_ ·");
});

describe("the limit", () => {
  /** 300 functions with long names; every 11th (i = 10, 21, …, 296: 27 of them) unchanged. */
  const big = () => {
    const names = Array.from({ length: 300 }, (_, i) => `function_with_a_long_name_${i}`);
    return sampleReport([
      measured(
        "c0",
        names.map((name) => fn(name, 100)),
        names.map((name, i) => fn(name, 90 + (i % 11))),
      ),
    ]);
  };

  test("under it, every row is shown and unchanged rows folded", () => {
    const md = formatMarkdown(big(), 100_000);
    expect(md).not.toContain("not shown");
    expect(md).toContain("<details><summary>27 unchanged</summary>");
    expect(md).toContain("`function_with_a_long_name_296` | 100 | 100 | 0 | 0.0% |");
  });

  test("reaching it, unchanged rows go first", () => {
    const whole = formatMarkdown(big(), Infinity);
    const md = formatMarkdown(big(), whole.length);
    expect(md.length).toBeLessThan(whole.length);
    expect(md).not.toContain("<details>");
    expect(md).toContain("_27 unchanged rows not shown._");
    expect(md).not.toContain("more changed");
  });

  test("further over it, the tables are capped, halving until it fits", () => {
    const unfolded = formatMarkdown(big(), formatMarkdown(big(), Infinity).length);
    const md = formatMarkdown(big(), unfolded.length);
    expect(md.length).toBeLessThan(unfolded.length);
    // 273 changed rows capped at 200 in the cross-config table and in the config's own.
    expect(md).toContain("_73 more changed symbols not shown._");
    expect(md).toContain("_73 more changed rows not shown; see `--format json`._");
  });

  test("a limit no capping meets: cut, and said so", () => {
    const md = formatMarkdown(big(), 200);
    expect(md.length).toBeLessThan(200);
    expect(md.endsWith("\n\n_(report truncated)_\n")).toBe(true);
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
