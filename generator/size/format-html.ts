/*
 * The html format: one self-contained page (inline CSS and SVG, no script,
 * no fonts or images fetched) with the cross-config table and, per config, a
 * bar chart of base against head for the changed functions, then its table.
 */
import {
  ConfigReport,
  formatCell,
  formatDelta,
  formatPercent,
  formatSummary,
  formatTotals,
  SizeReport,
} from "./report";

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}th,td{padding:2px 8px;border-bottom:1px solid #ddd}
td.n{text-align:right;font-variant-numeric:tabular-nums}code,pre{font-family:ui-monospace,monospace}
.grow{color:#b00}.shrink{color:#070}svg text{font:12px ui-monospace,monospace}
.base{fill:#bbb}.head{fill:#4a7}.head.up{fill:#c55}`;

/** Most functions one chart shows (the largest changes; the table lists all). */
const CHART_ROWS = 40;

function chart(config: ConfigReport): string {
  const rows = config.functions.filter((r) => r.delta !== 0).slice(0, CHART_ROWS);
  if (rows.length === 0) return "<p>No function changed size.</p>";
  const max = Math.max(...rows.map((r) => Math.max(r.base ?? 0, r.head ?? 0)), 1);
  const label = 260,
    width = 420,
    rowHeight = 26;
  const bars = rows.map((r, i) => {
    const y = i * rowHeight;
    const w = (n: number | null) => (((n ?? 0) / max) * width).toFixed(1);
    return [
      `<text x="0" y="${y + 15}">${esc(r.name)}</text>`,
      `<rect class="base" x="${label}" y="${y + 2}" width="${w(r.base)}" height="10"><title>base ${r.base ?? "-"}</title></rect>`,
      `<rect class="head${r.delta > 0 ? " up" : ""}" x="${label}" y="${y + 12}" width="${w(r.head)}" height="10"><title>head ${r.head ?? "-"}</title></rect>`,
      `<text x="${label + width + 8}" y="${y + 15}">${r.base ?? "-"} → ${r.head ?? "-"}</text>`,
    ].join("");
  });
  const height = rows.length * rowHeight;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${label + width + 130}" height="${height}" role="img" aria-label="${esc(config.name)}: base (grey) against head">${bars.join("\n")}</svg>`;
}

function configSection(config: ConfigReport): string {
  const cls = (d: number) => (d > 0 ? "grow" : d < 0 ? "shrink" : "");
  const rows = config.functions
    .filter((r) => r.delta !== 0)
    .map(
      (r) =>
        `<tr class="${cls(r.delta)}"><td><code>${esc(r.name)}</code></td><td class="n">${r.base ?? "-"}</td><td class="n">${r.head ?? "-"}</td><td class="n">${formatDelta(r.delta)}</td><td class="n">${formatPercent(r.percent, 1)}</td></tr>`,
    );
  const unchanged = config.functions.length - rows.length;
  return `<section><h2>${esc(config.name)}</h2>
<p>${esc(config.compilerVersion)}<br><code>${esc(config.flags.join(" "))}</code></p>
<pre>${esc(formatSummary(config.summary))}\n${esc(formatTotals(config.total))}</pre>
${chart(config)}
<table><tr><th>function</th><th>base</th><th>head</th><th>delta</th><th>%</th></tr>
${rows.join("\n")}</table>
${unchanged > 0 ? `<p>${unchanged} unchanged.</p>` : ""}</section>`;
}

export function formatHtml(report: SizeReport): string {
  const title = `regcache size: ${report.spec} vs ${report.base}`;
  const parts: string[] = [`<h1>${esc(title)}</h1>`];
  if (report.configs.length > 0) {
    parts.push(
      `<table><tr><th>function</th>${report.configs.map((c) => `<th>${esc(c.name)}</th>`).join("")}</tr>`,
      ...report.crossConfig.map(
        (row) =>
          `<tr><td><code>${esc(row.name)}</code></td>${row.cells.map((c) => `<td class="n">${esc(formatCell(c))}</td>`).join("")}</tr>`,
      ),
      `<tr><th>total</th>${report.configs.map((c) => `<td class="n">${esc(formatCell(c.total))}</td>`).join("")}</tr></table>`,
    );
  }
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
                `<li>${esc(b.config)}: <code>${esc(b.target)}</code>: ${esc(b.actual)}, limit ${esc(b.rule)}</li>`,
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
          `<tr><td><code>${esc(r.register)}</code></td><td>${esc(r.lazyIn.join(", "))}</td>${r.saved.map((s) => `<td class="n">${s}</td>`).join("")}</tr>`,
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
