/*
 * The html format: one self-contained page (inline CSS and SVG, no script,
 * no fonts or images fetched) with the cross-config table under its heading
 * and, per config, a bar chart of base against head for the changed
 * functions (legend above, byte scale below), then its table. Elements carry
 * data-* attributes (config, function, side, bytes) so a browser test can
 * read what was drawn.
 */
import { ConfigReport, SizeReport } from "../report/report";
import {
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
  TYPOGRAPHIC_MINUS,
} from "../report/figures";

/** Figures of our own print with U+2212; bloat-o-meter's lines keep its ASCII '-'. */
const MINUS = TYPOGRAPHIC_MINUS;

/** Text or an attribute value (always double-quoted) made literal. */
const esc = (s: string) =>
  s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}th,td{padding:2px 8px;border-bottom:1px solid #ddd}
td.n{text-align:right;font-variant-numeric:tabular-nums}code,pre{font-family:ui-monospace,monospace}
caption{text-align:left;font-weight:bold;padding:4px 0}
.grow{color:#b00}.shrink{color:#070}svg text{font:12px ui-monospace,monospace}
svg .axis{stroke:#888}svg .grid{stroke:#e4e4e4}
.base{fill:#bbb}.head{fill:#4a7}.head.up{fill:#c55}`;

/** Most functions one chart shows (the largest changes; the table lists all). */
export const CHART_ROWS = 40;

const LABEL_WIDTH = 260;
const PLOT_WIDTH = 420;
const ROW_HEIGHT = 26;
const LEGEND_HEIGHT = 28;
const AXIS_HEIGHT = 34;
/** Upper bound of one character's advance in the charts' 12px monospace font. */
const CHAR_WIDTH = 8;
/** Longest function label that fits left of the bars; longer ones end in '…' (full name on hover). */
const LABEL_CHARS = Math.floor((LABEL_WIDTH - 8) / CHAR_WIDTH);
const LEGEND = [
  ["base", "base", "base"],
  ["head", "head", "head (smaller or equal)"],
  ["head up", "head-up", "head (larger)"],
] as const;

const label = (name: string) =>
  name.length <= LABEL_CHARS ? name : `${name.slice(0, LABEL_CHARS - 1)}…`;

/**
 * Tick spacing for a byte axis from 0 to `max`: the smallest 1, 2 or 5 × 10^k
 * giving at most 6 intervals, so the scale reads in round numbers.
 */
export function tickStep(max: number): number {
  for (let power = 1; ; power *= 10) {
    for (const m of [1, 2, 5]) if (max / (m * power) <= 6) return m * power;
  }
}

/** The rows one config's chart draws: changed functions in report order, capped. */
export function chartRows(config: ConfigReport) {
  return config.functions.filter((r) => r.delta !== 0).slice(0, CHART_ROWS);
}

// emits: <figure> with a legend (base, head smaller, head larger), one pair of
// bars per changed function, and a byte axis with round ticks under the bars.
function chart(config: ConfigReport): string {
  const rows = chartRows(config);
  if (rows.length === 0) return "<p>No function changed size.</p>";
  const largest = Math.max(...rows.map((r) => Math.max(r.base ?? 0, r.head ?? 0)), 1);
  const step = tickStep(largest);
  const axisMax = Math.ceil(largest / step) * step;
  const x = (bytes: number) => LABEL_WIDTH + (bytes / axisMax) * PLOT_WIDTH;
  const w = (n: number | null) => (((n ?? 0) / axisMax) * PLOT_WIDTH).toFixed(1);
  const plotTop = LEGEND_HEIGHT;
  const plotBottom = plotTop + rows.length * ROW_HEIGHT;

  // Each legend item is as wide as its swatch, its text and a gap.
  let legendX = LABEL_WIDTH;
  const legend = LEGEND.map(([cls, key, text]) => {
    const x = legendX;
    legendX += 20 + text.length * CHAR_WIDTH + 16;
    return `<g class="legend-item" data-legend="${key}"><rect class="${cls}" x="${x}" y="6" width="14" height="10"/><text x="${x + 20}" y="15">${text}</text></g>`;
  });

  const ticks: string[] = [];
  for (let t = 0; t <= axisMax; t += step) {
    const tx = x(t).toFixed(1);
    ticks.push(
      `<line class="grid" x1="${tx}" y1="${plotTop}" x2="${tx}" y2="${plotBottom}"/>`,
      `<line class="axis" x1="${tx}" y1="${plotBottom}" x2="${tx}" y2="${plotBottom + 5}"/>`,
      `<text class="tick" data-bytes="${t}" x="${tx}" y="${plotBottom + 17}" text-anchor="middle">${t}</text>`,
    );
  }
  const axis = [
    ...ticks,
    `<line class="axis" x1="${LABEL_WIDTH}" y1="${plotBottom}" x2="${LABEL_WIDTH + PLOT_WIDTH}" y2="${plotBottom}"/>`,
    `<text class="axis-label" x="${LABEL_WIDTH + PLOT_WIDTH / 2}" y="${plotBottom + 31}" text-anchor="middle">bytes</text>`,
  ];

  const bars = rows.map((r, i) => {
    const y = plotTop + i * ROW_HEIGHT;
    return [
      `<g class="bar" data-function="${esc(r.name)}">`,
      `<text class="name" x="0" y="${y + 15}">${esc(label(r.name))}<title>${esc(r.name)}</title></text>`,
      `<rect class="base" data-side="base" data-bytes="${r.base ?? 0}" x="${LABEL_WIDTH}" y="${y + 2}" width="${w(r.base)}" height="10"><title>base ${r.base ?? "-"} B</title></rect>`,
      `<rect class="head${r.delta > 0 ? " up" : ""}" data-side="head" data-bytes="${r.head ?? 0}" x="${LABEL_WIDTH}" y="${y + 12}" width="${w(r.head)}" height="10"><title>head ${r.head ?? "-"} B</title></rect>`,
      `<text class="figures" x="${LABEL_WIDTH + PLOT_WIDTH + 8}" y="${y + 15}">${r.base ?? "-"} → ${r.head ?? "-"}</text>`,
      `</g>`,
    ].join("");
  });
  const height = plotBottom + AXIS_HEIGHT;
  const hidden = config.functions.filter((r) => r.delta !== 0).length - rows.length;
  return `<figure data-chart="${esc(config.name)}"><svg xmlns="http://www.w3.org/2000/svg" width="${LABEL_WIDTH + PLOT_WIDTH + 130}" height="${height}" role="img" aria-label="${esc(config.name)}: bytes per changed function, base against head">
${legend.join("\n")}
${axis.join("\n")}
${bars.join("\n")}
</svg>${hidden > 0 ? `<figcaption>The ${CHART_ROWS} largest changes of ${rows.length + hidden}; the table lists all.</figcaption>` : ""}</figure>`;
}

function configSection(config: ConfigReport): string {
  const cls = (d: number) => (d > 0 ? "grow" : d < 0 ? "shrink" : "");
  const changed = config.functions.filter((r) => r.delta !== 0);
  // Functions under a "function" heading row, data under a "data" one.
  const rows = byKind(changed).flatMap((group) => [
    `<tr><th>${group.kind}</th><th>base</th><th>head</th><th>delta</th><th>%</th></tr>`,
    ...group.rows.map(
      (r) =>
        `<tr class="${cls(r.delta)}"><td><code>${esc(r.name)}</code></td><td class="n">${r.base ?? "-"}</td><td class="n">${r.head ?? "-"}</td><td class="n">${formatDelta(r.delta, MINUS)}</td><td class="n">${formatPercent(r.percent, 1, MINUS)}</td></tr>`,
    ),
  ]);
  if (rows.length === 0)
    rows.push(`<tr><th>function</th><th>base</th><th>head</th><th>delta</th><th>%</th></tr>`);
  const unchanged = config.functions.length - changed.length;
  return `<section data-config="${esc(config.name)}"><h2>${esc(config.name)}</h2>
<p>${esc(config.compilerVersion)}<br><code>${esc(config.flags.join(" "))}</code></p>
<pre>${esc(formatSummary(config.summary))}\n${esc(formatTotals(config.total))}</pre>
${chart(config)}
<table class="functions">${rows.join("\n")}</table>
${unchanged > 0 ? `<p>${unchanged} unchanged.</p>` : ""}</section>`;
}

/** The page; every string of `report` with its control characters escaped, then HTML-escaped. */
export function formatHtml(given: SizeReport): string {
  const report = printableReport(given);
  const title = `regcache size: ${report.spec} vs ${report.base}`;
  const parts: string[] = [`<h1>${esc(title)}</h1>`];
  const kindHeader = (kind: string) =>
    `<tr><th>${kind}</th>${report.configs.map((c) => `<th>${esc(c.name)}</th>`).join("")}</tr>`;
  if (report.configs.length > 0) {
    parts.push(
      `<h2>Across configs</h2>`,
      `<table class="across"><caption>Bytes per symbol that changed in any config: base → head (change)</caption>`,
      ...(report.crossConfig.length === 0 ? [kindHeader("function")] : []),
      ...byKind(crossRowsWithKind(report)).flatMap((group) => [
        kindHeader(group.kind),
        ...group.rows.map(
          (row) =>
            `<tr><td><code>${esc(row.name)}</code></td>${row.cells.map((c) => `<td class="n">${esc(formatCell(c, MINUS))}</td>`).join("")}</tr>`,
        ),
      ]),
      `<tr><th>total</th>${report.configs.map((c) => `<td class="n">${esc(formatCell(c.total, MINUS))}</td>`).join("")}</tr></table>`,
    );
  }
  const notes = objectsNotes(report);
  if (notes.length > 0)
    parts.push(`<ul class="objects">${notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>`);
  for (const s of report.skipped)
    parts.push(
      `<p>Skipped <b>${esc(s.name)}</b>: ${esc(s.reason)} (install: <code>${esc(s.hint)}</code>)</p>`,
    );
  if (report.budget) {
    const { file, breaches } = report.budget;
    parts.push(
      breaches.length === 0
        ? `<p>Budget <code>${esc(file)}</code>: within every limit.</p>`
        : `<h2 class="grow">Budget <code>${esc(file)}</code>: ${breaches.length} breach(es)</h2><ul>${breaches
            .map(
              (b) =>
                `<li>${esc(b.config)}: <code>${esc(b.target)}</code>: ${esc(formatMeasured(b, MINUS))}, limit ${esc(formatLimit(b, MINUS))}</li>`,
            )
            .join("")}</ul>`,
    );
  }
  parts.push(...report.configs.map(configSection));
  if (report.explain) {
    parts.push(
      `<h2>What if a lazy register were always available</h2><table><tr><th>register</th><th>lazy in</th>${report.configs.map((c) => `<th>${esc(c.name)} saves</th>`).join("")}</tr>`,
      ...report.explain.map(
        (r) =>
          `<tr><td><code>${esc(r.register)}</code></td><td>${esc(r.lazyIn.join(", "))}</td>${r.saved.map((s) => `<td class="n">${s === null ? "not reached" : s}</td>`).join("")}</tr>`,
      ),
      "</table>",
    );
  }
  if (report.sources.length > 0) {
    const size = (s: { lines: number; bytes: number } | null) =>
      s ? `${s.lines} lines, ${s.bytes} B` : "-";
    parts.push(
      "<h2>Generated sources</h2><table><tr><th>file</th><th>base</th><th>head</th></tr>",
      ...report.sources.map(
        (s) =>
          `<tr><td><code>${esc(s.path)}</code></td><td class="n">${size(s.base)}</td><td class="n">${size(s.head)}</td></tr>`,
      ),
      "</table>",
    );
  }
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${CSS}</style></head>
<body>
${parts.join("\n")}
</body></html>
`;
}
