/*
 * The html format (generator/size/formats/html.ts): one self-contained
 * page, the cross-config table, per config a bar chart (legend, bars of the
 * changed functions, a byte axis with round ticks) and its table, then the
 * budget, the what-if table and the generated sources; data-* attributes
 * say what each element draws.
 */
import {
  CHART_ROWS,
  chartRows,
  formatHtml,
  tickStep,
} from "../../../../generator/size/formats/html";
import { data, fn, fullReport, measured, sampleReport } from "../sample-report";

describe("tickStep: the smallest 1, 2 or 5 × 10^k giving at most 6 intervals", () => {
  test.each([
    [0, 1],
    [6, 1],
    [7, 2],
    [12, 2],
    [13, 5],
    [30, 5],
    [31, 10],
    [342, 100],
    [1362, 500],
    [1200, 200],
    [6000, 1000],
    [6001, 2000],
  ])("%d -> %d", (max, step) => expect(tickStep(max)).toBe(step));
});

describe("the chart", () => {
  test("the bars of a changed function carry its bytes; head drawn 'up' when it grew", () => {
    const page = formatHtml(fullReport());
    expect(page).toContain('<g class="bar" data-function="f">');
    expect(page).toContain('<rect class="base" data-side="base" data-bytes="10"');
    expect(page).toContain('<rect class="head up" data-side="head" data-bytes="12"');
    expect(page).not.toContain('data-function="g"');
    // 12 B at most: ticks every 2 B up to 12.
    const ticks = [...page.matchAll(/<text class="tick" data-bytes="(\d+)"/g)].map((m) =>
      Number(m[1]),
    );
    expect(ticks).toEqual([0, 2, 4, 6, 8, 10, 12]);
  });

  test("bar widths on one scale: the plot is 420 px wide for the axis maximum", () => {
    const page = formatHtml(fullReport());
    // axis max 12: 10 B is 350 px, 12 B is 420 px.
    expect(page).toMatch(/data-side="base" data-bytes="10" x="260" y="\d+" width="350\.0"/);
    expect(page).toMatch(/data-side="head" data-bytes="12" x="260" y="\d+" width="420\.0"/);
  });

  test(`at most ${CHART_ROWS} rows; the caption says how many changed`, () => {
    const n = CHART_ROWS + 5;
    const names = Array.from({ length: n }, (_, i) => `f${i}`);
    const report = sampleReport([
      measured(
        "gcc-O2",
        names.map((name) => fn(name, 10)),
        names.map((name, i) => fn(name, 11 + i)),
      ),
    ]);
    expect(chartRows(report.configs[0])).toHaveLength(CHART_ROWS);
    const page = formatHtml(report);
    expect(page.match(/<g class="bar"/g)).toHaveLength(CHART_ROWS);
    expect(page).toContain(
      `<figcaption>The ${CHART_ROWS} largest changes of ${n}; the table lists all.</figcaption>`,
    );
    // The largest growth first.
    expect(chartRows(report.configs[0])[0].name).toBe(`f${n - 1}`);
  });

  test("no change: no chart, a sentence instead", () => {
    const page = formatHtml(sampleReport([measured("gcc-O2", [fn("f", 1)], [fn("f", 1)])]));
    expect(page).toContain("<p>No function changed size.</p>");
    expect(page).not.toContain("<svg");
    expect(page).toContain("<p>1 unchanged.</p>");
  });
});

test("budget, what-if and sources sections, and the --objects notes", () => {
  const page = formatHtml(fullReport());
  expect(page).toContain(
    '<h2 class="grow">Budget <code>b.yaml</code>: 1 breach(es)</h2><ul><li>gcc-O2: <code>f</code>: head 12 B, limit max 11 B</li></ul>',
  );
  expect(page).toContain(
    '<tr><td><code>rip</code></td><td>vmx, svm</td><td class="n">12</td></tr>',
  );
  expect(page).toContain('<td class="n">not reached</td>');
  expect(page).toContain('<ul class="objects"><li>only in old: a.o</li></ul>');
  expect(page).toContain(
    '<tr><td><code>c/kvm_regs.h</code></td><td class="n">2 lines, 4 B</td><td class="n">3 lines, 7 B</td></tr>',
  );
  const within = formatHtml({ ...fullReport(), budget: { file: "b.yaml", breaches: [] } });
  expect(within).toContain("<p>Budget <code>b.yaml</code>: within every limit.</p>");
});

test("data symbols under a 'data' heading row, functions under a 'function' one", () => {
  const html = formatHtml(
    sampleReport([
      measured("x", [fn("f", 10), data("table", 64)], [fn("f", 12), data("table", 32)]),
    ]),
  );
  const config = html.slice(html.indexOf('<section data-config="x">'));
  expect(config.indexOf("<tr><th>function</th><th>base</th>")).toBeLessThan(
    config.indexOf("<code>f</code>"),
  );
  expect(config.indexOf("<code>f</code>")).toBeLessThan(
    config.indexOf("<tr><th>data</th><th>base</th>"),
  );
  expect(config.indexOf("<tr><th>data</th><th>base</th>")).toBeLessThan(
    config.indexOf("<code>table</code>"),
  );
  const across = html.slice(html.indexOf('<table class="across">'), html.indexOf("</table>"));
  expect(across).toContain("<tr><th>data</th><th>x</th></tr>");
  expect(across.indexOf("<th>data</th>")).toBeLessThan(across.indexOf("<code>table</code>"));
});

test("no config ran: no cross-config table, the skipped configs said", () => {
  const page = formatHtml(sampleReport([]));
  expect(page).not.toContain("Across configs");
  expect(page).toContain(
    "<p>Skipped <b>clang-O2-retpoline</b>: clang-19 or clang not found (install: <code>apt-get install -y clang-19</code>)</p>",
  );
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

  test("escapes control characters and quotes, in text and in attributes", () => {
    const name = "a'\n<h1>\u001b\u202e";
    const page = formatHtml(sampleReport([measured("c'\u0007", [fn(name, 1)], [fn(name, 2)])]));
    expect(page).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/);
    expect(page).toContain('data-function="a&#39;\\n&lt;h1&gt;\\u{1b}\\u{202e}"');
    expect(page).toContain("<h2>c&#39;\\u{7}</h2>");
    expect(page).not.toContain("<h1>\u001b");
  });
});
