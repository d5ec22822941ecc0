/*
 * renderReport (generator/size/formats/render.ts): --format by name, each
 * name its format's output (colour passed to text only), and one minus sign
 * per format: text and markdown the ASCII '-', html U+2212 for its own
 * figures and ASCII only inside bloat-o-meter's lines.
 */
import { formatChangelog } from "../../../../generator/size/formats/changelog";
import { formatHtml } from "../../../../generator/size/formats/html";
import { formatJson } from "../../../../generator/size/formats/json";
import { formatMarkdown } from "../../../../generator/size/formats/markdown";
import { REPORT_FORMATS, renderReport } from "../../../../generator/size/formats/render";
import { formatText } from "../../../../generator/size/formats/text";
import { sampleReport } from "../sample-report";

test("the formats --format accepts", () => {
  expect(REPORT_FORMATS).toEqual(["text", "markdown", "json", "html", "changelog"]);
});

test("each name renders its format; colour reaches text only", () => {
  const report = sampleReport();
  expect(renderReport(report, "text", { color: false })).toBe(formatText(report, { color: false }));
  expect(renderReport(report, "text", { color: true })).toBe(formatText(report, { color: true }));
  expect(renderReport(report, "markdown", { color: true })).toBe(formatMarkdown(report));
  expect(renderReport(report, "json", { color: true })).toBe(formatJson(report));
  expect(renderReport(report, "html", { color: true })).toBe(formatHtml(report));
  expect(renderReport(report, "changelog", { color: true })).toBe(formatChangelog(report));
  for (const format of ["markdown", "json", "html", "changelog"] as const)
    expect(renderReport(report, format, { color: true })).not.toContain("\x1b[");
});

describe("one minus sign per format", () => {
  test.each([["text"], ["markdown"]] as const)(
    "%s: every figure uses '-', none U+2212",
    (format) => {
      const text = renderReport(sampleReport(), format, { color: false });
      expect(text).not.toContain("\u2212");
      expect(text).toMatch(/-160\b/);
      expect(text).toContain("-46.8%");
    },
  );

  test("html: U+2212 for its own figures, ASCII only inside bloat-o-meter's lines", () => {
    const html = renderReport(sampleReport(), "html", { color: false });
    // bloat-o-meter's own lines stay ASCII in every format.
    const figures = html
      .split("\n")
      .filter((l) => !/^(add\/remove:|Total: Before=)/.test(l.replace(/<[^>]+>/g, "")))
      .join("\n");
    expect(figures).toContain("\u2212160");
    expect(figures).toContain("\u221246.8%");
    expect(figures).not.toMatch(/>-\d|\(-\d|\s-\d/);
    expect(html).toContain("chg -");
  });
});
