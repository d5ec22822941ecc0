/*
 * The markdown format: paste-ready for a PR comment (and readable as plain
 * text in a commit message). The cross-config table comes first, as in the
 * seed's commit message; each config follows with its bloat-o-meter summary
 * and changed rows, unchanged rows folded into <details>. The whole stays
 * under MARKDOWN_LIMIT characters (GitHub rejects comments past 65,536): when
 * it would not, unchanged rows go first, then rows past a cap per table.
 */
import { EXPLAIN_UNREACHED_NOTE } from "./text";
import { ConfigReport, FunctionRow, SizeReport } from "../report/report";
import {
  ASCII_MINUS,
  byKind,
  crossRowsWithKind,
  formatCell,
  formatDelta,
  formatLimit,
  formatMeasured,
  formatPercent,
  formatSummary,
  formatTotals,
  objectsNotes,
  printableReport,
} from "../report/figures";

export const MARKDOWN_LIMIT = 60000;

/** One sign for every figure, the ASCII one bloat-o-meter's lines in the code block use. */
const MINUS = ASCII_MINUS;

/**
 * Text that markdown prints as written, in a table cell or anywhere in a
 * line: '\\', '|' and the inline markers backslash-escaped ('_' only where it
 * could open emphasis: not between two letters or digits), '&' and '<' as
 * entities, and a first character that could start a block (a heading, a
 * quote, a list, a rule) escaped, since some values begin a line. Line breaks never
 * reach here: printableReport escapes them.
 */
export function escapeText(s: string): string {
  const inline = s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/[\\|`*[\]~]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, "\\$&");
  const block = /^(?:[#>+=-]|\d+[.)](?= |$))/.exec(inline);
  if (!block) return inline;
  const at = block[0].length - 1;
  return `${inline.slice(0, at)}\\${inline.slice(at)}`;
}

/**
 * A name as code. In backticks when that prints it exactly; a name holding a
 * backtick, '|' or '\\' (which a table cell or a code span cannot hold as
 * written) as <code> with its punctuation as character references, which
 * markdown decodes and the table never splits on.
 */
export function code(s: string): string {
  if (!/[`|\\]/.test(s) && !/^ | $/.test(s)) return "`" + s + "`";
  return `<code>${s.replace(/[!-/:-@[-`{-~]/g, (c) => `&#${c.charCodeAt(0)};`)}</code>`;
}
const escape = escapeText;

/** A table per kind of symbol, headed "function" or "data". */
function functionTable(rows: readonly FunctionRow[]): string[] {
  return byKind(rows).flatMap((group, i) => [
    ...(i > 0 ? [""] : []),
    `| ${group.kind} | base | head | delta | % |`,
    "|:--|--:|--:|--:|--:|",
    ...group.rows.map(
      (r) =>
        `| ${code(r.name)} | ${r.base ?? "-"} | ${r.head ?? "-"} | ${formatDelta(r.delta, MINUS)} | ${formatPercent(r.percent, 1, MINUS)} |`,
    ),
  ]);
}

interface Layout {
  readonly foldUnchanged: boolean;
  /** Most rows per table; Infinity for all. */
  readonly cap: number;
}

function capped<T>(rows: readonly T[], cap: number): { shown: readonly T[]; hidden: number } {
  return rows.length > cap
    ? { shown: rows.slice(0, cap), hidden: rows.length - cap }
    : { shown: rows, hidden: 0 };
}

function configSection(config: ConfigReport, layout: Layout): string[] {
  const changed = config.functions.filter((r) => r.delta !== 0);
  const unchanged = config.functions.filter((r) => r.delta === 0);
  const { shown, hidden } = capped(changed, layout.cap);
  const out = [
    `### ${escape(config.name)}`,
    "",
    `${escape(config.compilerVersion)} · retpoline: ${config.retpoline ? "yes" : "no"} · flags: ${code(config.flags.join(" "))}`,
    "",
    "```",
    formatSummary(config.summary),
    formatTotals(config.total),
    "```",
    "",
  ];
  if (shown.length > 0) out.push(...functionTable(shown), "");
  if (hidden > 0) out.push(`_${hidden} more changed rows not shown; see \`--format json\`._`, "");
  if (unchanged.length > 0) {
    if (layout.foldUnchanged) {
      out.push(
        `<details><summary>${unchanged.length} unchanged</summary>`,
        "",
        ...functionTable(unchanged),
        "",
        "</details>",
        "",
      );
    } else out.push(`_${unchanged.length} unchanged rows not shown._`, "");
  }
  return out;
}

function render(report: SizeReport, layout: Layout): string {
  const out: string[] = [`## regcache size: ${code(report.spec)} vs ${code(report.base)}`, ""];
  if (report.configs.length > 0) {
    const { shown, hidden } = capped(crossRowsWithKind(report), layout.cap);
    const groups = byKind(shown);
    const header = (kind: string) => [
      `| ${kind} | ${report.configs.map((c) => escape(c.name)).join(" | ")} |`,
      `|:--|${report.configs.map(() => "--:").join("|")}|`,
    ];
    // Functions, then data in a table of its own; the total (both kinds) closes the last.
    out.push(...header(groups[0]?.kind ?? "function"));
    groups.forEach((group, i) => {
      if (i > 0) out.push("", ...header(group.kind));
      out.push(
        ...group.rows.map(
          (row) =>
            `| ${code(row.name)} | ${row.cells.map((c) => formatCell(c, MINUS)).join(" | ")} |`,
        ),
      );
      if (i === groups.length - 1)
        out.push(
          `| **total** | ${report.configs.map((c) => formatCell(c.total, MINUS)).join(" | ")} |`,
        );
    });
    if (groups.length === 0)
      out.push(
        `| **total** | ${report.configs.map((c) => formatCell(c.total, MINUS)).join(" | ")} |`,
      );
    out.push("");
    if (hidden > 0) out.push(`_${hidden} more changed symbols not shown._`, "");
  } else out.push("_No config ran._", "");
  const notes = objectsNotes(report);
  if (notes.length > 0) out.push(...notes.map((n) => `- ${escape(n)}`), "");
  for (const s of report.skipped)
    out.push(`- skipped **${escape(s.name)}**: ${escape(s.reason)} (install: ${code(s.hint)})`);
  if (report.skipped.length > 0) out.push("");

  if (report.budget) {
    const { file, breaches } = report.budget;
    out.push(`### Budget ${code(file)}`, "");
    if (breaches.length === 0) out.push("Within every limit.", "");
    else {
      out.push("| config | target | actual | limit |", "|:--|:--|:--|:--|");
      out.push(
        ...breaches.map(
          (b) =>
            `| ${escape(b.config)} | ${code(b.target)} | ${escape(formatMeasured(b, MINUS))} | ${escape(formatLimit(b, MINUS))} |`,
        ),
        "",
      );
    }
  }

  for (const config of report.configs) out.push(...configSection(config, layout));

  if (report.explain) {
    out.push("### What if a lazy register were always available", "");
    out.push(
      `| register | lazy in | ${report.configs.map((c) => `${escape(c.name)} saves`).join(" | ")} |`,
      `|:--|:--|${report.configs.map(() => "--:").join("|")}|`,
      ...report.explain.map(
        (r) =>
          `| ${code(r.register)} | ${escape(r.lazyIn.join(", "))} | ${r.saved.map((b) => (b === null ? "not reached" : String(b))).join(" | ")} |`,
      ),
      ...(report.explain.some((r) => !r.reached) ? ["", EXPLAIN_UNREACHED_NOTE] : []),
      "",
    );
  }

  if (report.sources.length > 0) {
    const size = (s: { lines: number; bytes: number } | null) =>
      s ? `${s.lines} lines, ${s.bytes} B` : "-";
    out.push("### Generated sources", "", "| file | base | head |", "|:--|--:|--:|");
    out.push(
      ...report.sources.map((s) => `| ${code(s.path)} | ${size(s.base)} | ${size(s.head)} |`),
      "",
    );
  }
  return out.join("\n");
}

/**
 * The report as markdown of fewer than `limit` characters; every string of
 * `report` printed as written (control characters escaped, then markdown's
 * own characters: escapeText, code).
 */
export function formatMarkdown(given: SizeReport, limit = MARKDOWN_LIMIT): string {
  const report = printableReport(given);
  let text = render(report, { foldUnchanged: true, cap: Infinity });
  if (text.length < limit) return text;
  text = render(report, { foldUnchanged: false, cap: Infinity });
  for (let cap = 200; text.length >= limit && cap >= 1; cap = Math.floor(cap / 2)) {
    text = render(report, { foldUnchanged: false, cap });
  }
  return text.length < limit ? text : text.slice(0, limit - 40) + "\n\n_(report truncated)_\n";
}
