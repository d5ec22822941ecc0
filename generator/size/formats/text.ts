/*
 * The text format: what a terminal shows and what `npm start` prints. One
 * bloat-o-meter-style block per config (changed rows only, unchanged counted),
 * the cross-config table, skipped configs, generated-source sizes, what-if
 * ranking and budget breaches. Colour (red growth, green savings) only when
 * the caller says so: on a TTY and without NO_COLOR.
 */
import { SizeReport } from "../report/report";
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

/** One sign for every figure, the ASCII one bloat-o-meter's lines use. */
const MINUS = ASCII_MINUS;
import { alignRows } from "../report/table";

export interface TextOptions {
  readonly color: boolean;
}

const RED = "31";
const GREEN = "32";
const BOLD = "1";

/** Why a register shows "not reached" instead of a size in the explain table. */
export const EXPLAIN_UNREACHED_NOTE =
  "not reached: the handler suite never calls this register's cache accessors (a static look at its sources), so it is not measured";

/** The text report; every string of `report` printed with its control characters escaped. */
export function formatText(given: SizeReport, options: TextOptions): string {
  const report = printableReport(given);
  const paint = (code: string, s: string) =>
    options.color && s !== "" ? `\x1b[${code}m${s}\x1b[0m` : s;
  const byDelta = (delta: number, s: string) =>
    delta > 0 ? paint(RED, s) : delta < 0 ? paint(GREEN, s) : s;
  const out: string[] = [];
  out.push(paint(BOLD, `regcache size: ${report.spec} (head) vs ${report.base} (base)`), "");

  for (const config of report.configs) {
    out.push(
      paint(BOLD, `== ${config.name} ==`) +
        (config.compilerVersion === "" ? "" : ` ${config.compilerVersion}`),
    );
    if (config.flags.length > 0) out.push(`flags: ${config.flags.join(" ")}`);
    out.push(formatSummary(config.summary));
    const changed = config.functions.filter((row) => row.delta !== 0);
    // One aligned table; functions under a "function" heading, data under "data".
    const rows: { cells: string[]; delta: number | null }[] = byKind(changed).flatMap((group) => [
      { cells: [group.kind, "base", "head", "delta", "%"], delta: null },
      ...group.rows.map((row) => ({
        cells: [
          row.name,
          row.base === null ? "-" : String(row.base),
          row.head === null ? "-" : String(row.head),
          formatDelta(row.delta, MINUS),
          formatPercent(row.percent, 1, MINUS),
        ],
        delta: row.delta,
      })),
    ]);
    if (changed.length > 0) {
      const lines = alignRows(
        rows.map((r) => r.cells),
        ["left", "right", "right", "right", "right"],
      );
      lines.forEach((line, i) =>
        out.push(rows[i].delta === null ? line : byDelta(rows[i].delta!, line)),
      );
    } else out.push("no symbol changed size");
    const unchanged = config.functions.length - changed.length;
    if (unchanged > 0) out.push(`(${unchanged} unchanged)`);
    out.push(byDelta(config.total.delta, formatTotals(config.total)), "");
  }

  if (report.configs.length > 0 && report.crossConfig.length > 0) {
    out.push(paint(BOLD, "== across configs =="));
    const rows = [
      ...byKind(crossRowsWithKind(report)).flatMap((group) => [
        [group.kind, ...report.configs.map((c) => c.name)],
        ...group.rows.map((row) => [row.name, ...row.cells.map((c) => formatCell(c, MINUS))]),
      ]),
      ["total", ...report.configs.map((c) => formatCell(c.total, MINUS))],
    ];
    out.push(
      ...alignRows(
        rows,
        rows[0].map((_, i) => (i === 0 ? "left" : "right")),
      ),
      "",
    );
  }

  const notes = objectsNotes(report);
  if (notes.length > 0) out.push(...notes, "");

  for (const skipped of report.skipped) {
    out.push(`skipped ${skipped.name}: ${skipped.reason} (install: ${skipped.hint})`);
  }
  if (report.skipped.length > 0) out.push("");

  if (report.sources.length > 0) {
    out.push(paint(BOLD, "== generated sources =="));
    const size = (s: { lines: number; bytes: number } | null) =>
      s ? [String(s.lines), String(s.bytes)] : ["-", "-"];
    const rows = [
      ["file", "base lines", "base bytes", "head lines", "head bytes"],
      ...report.sources.map((s) => [s.path, ...size(s.base), ...size(s.head)]),
    ];
    out.push(...alignRows(rows, ["left", "right", "right", "right", "right"]), "");
  }

  if (report.explain) {
    out.push(paint(BOLD, "== what if a lazy register were always available =="));
    const rows = [
      ["register", "lazy in", ...report.configs.map((c) => `${c.name} saves`)],
      ...report.explain.map((row) => [
        row.register,
        row.lazyIn.join(","),
        ...row.saved.map((b) => (b === null ? "not reached" : String(b))),
      ]),
    ];
    out.push(
      ...alignRows(
        rows,
        rows[0].map((_, i) => (i < 2 ? "left" : "right")),
      ),
      ...(report.explain.some((r) => !r.reached) ? [EXPLAIN_UNREACHED_NOTE] : []),
      "",
    );
  }

  if (report.budget) {
    const { file, breaches } = report.budget;
    if (breaches.length === 0) out.push(`budget ${file}: within every limit`);
    else {
      out.push(
        paint(RED, `budget ${file}: ${breaches.length} breach${breaches.length === 1 ? "" : "es"}`),
      );
      for (const b of breaches)
        out.push(
          `  ${b.config}: ${b.target}: ${formatMeasured(b, MINUS)}, limit ${formatLimit(b, MINUS)}`,
        );
    }
    out.push("");
  }
  return out.join("\n");
}
