/*
 * The report formats by name, for --format.
 */
import { formatChangelog } from "./changelog";
import { formatHtml } from "./html";
import { formatJson } from "./json";
import { formatMarkdown } from "./markdown";
import { formatText } from "./text";
import { SizeReport } from "../report/report";

export const REPORT_FORMATS = ["text", "markdown", "json", "html", "changelog"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function renderReport(
  report: SizeReport,
  format: ReportFormat,
  options: { readonly color: boolean },
): string {
  switch (format) {
    case "text":
      return formatText(report, options);
    case "markdown":
      return formatMarkdown(report);
    case "json":
      return formatJson(report);
    case "html":
      return formatHtml(report);
    case "changelog":
      return formatChangelog(report);
  }
}
