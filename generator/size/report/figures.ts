/*
 * How the formats print the report's figures: sizes, deltas, percentages,
 * cross-config cells, budget limits, bloat-o-meter's summary and totals
 * lines. Pure; the figures themselves are decided in report.ts.
 *
 * Each format picks one minus sign and uses it for every figure of its own:
 * text and markdown the ASCII '-' (the sign bloat-o-meter's lines use, so a
 * report has one sign throughout and pastes into a commit message), html the
 * typographic '−' (U+2212) except inside bloat-o-meter's own lines.
 */
import { printable } from "../../core/diagnostics/diagnostic";
import type { SymbolKind } from "../../toolchain/symbols";
import {
  percentOf,
  type BloatSummary,
  type CrossRow,
  type BudgetBreach,
  type CrossCell,
  type SizeReport,
  type Totals,
} from "./report";

/**
 * The report with every string it holds (names from object files, paths,
 * compiler versions, anything a merged JSON report carried) made printable:
 * control characters, line and paragraph separators and bidi overrides
 * escaped as diagnostics escape them (`\n`, `\u{202e}`), so no value starts
 * a line, drives a terminal or reorders the text around it. Each format
 * prints from this and adds its own escaping (markdown, html).
 */
export function printableReport(report: SizeReport): SizeReport {
  return printableStrings(report) as SizeReport;
}

function printableStrings(value: unknown): unknown {
  if (typeof value === "string") return printable(value, Infinity);
  if (Array.isArray(value)) return value.map(printableStrings);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, printableStrings(item)]),
    );
  return value;
}

export type Minus = "-" | "\u2212";
export const ASCII_MINUS: Minus = "-";
export const TYPOGRAPHIC_MINUS: Minus = "\u2212";

/** "-47%": rounded to `digits` decimals (JavaScript rounding; display only). */
export function formatPercent(percent: number | null, digits: number, minus: Minus): string {
  if (percent === null) return "";
  const rounded = Number(percent.toFixed(digits));
  if (rounded === 0) return `${(0).toFixed(digits)}%`;
  return `${rounded < 0 ? minus : "+"}${Math.abs(rounded).toFixed(digits)}%`;
}

export function formatDelta(delta: number, minus: Minus): string {
  return delta > 0 ? `+${delta}` : delta < 0 ? `${minus}${-delta}` : "0";
}

/** "342 → 182 (-47%)", "— → 182 (new)", "342 → — (gone)". */
export function formatCell(cell: CrossCell | null, minus: Minus): string {
  if (!cell) return "";
  if (cell.base === null) return `— → ${cell.head} (new)`;
  if (cell.head === null) return `${cell.base} → — (gone)`;
  return `${cell.base} → ${cell.head} (${formatPercent(cell.percent, 0, minus)})`;
}

/** A limit as the budget file states it: "max 200 B", "growth ≤ -10%". */
export function formatLimit(b: BudgetBreach, minus: Minus): string {
  const value = b.limit < 0 ? `${minus}${-b.limit}` : String(b.limit);
  return b.check === "max"
    ? `max ${value} B`
    : `growth ≤ ${value}${b.unit === "bytes" ? " B" : "%"}`;
}

/** What was measured against it: "head 163 B", "63 → 43 B (-20 B, -31.7%)", "new, 20 B". */
export function formatMeasured(b: BudgetBreach, minus: Minus): string {
  if (b.check === "max") return `head ${b.head} B`;
  if (b.base === null) return `new, ${b.head} B`;
  const percent = percentOf(b.delta, b.base);
  return `${b.base} → ${b.head ?? "-"} B (${formatDelta(b.delta, minus)} B${percent === null ? "" : `, ${formatPercent(percent, 1, minus)}`})`;
}

/**
 * The --objects notes every format prints: objects on one side only, and
 * the `ld -r` composites counted once. Empty without --objects.
 */
export function objectsNotes(report: SizeReport): string[] {
  if (!report.objects) return [];
  const { pairs, composites } = report.objects;
  const notes: string[] = [];
  for (const side of ["old", "new"] as const) {
    const only = pairs.filter((p) => p[side] && !p[side === "old" ? "new" : "old"]);
    if (only.length > 0) notes.push(`only in ${side}: ${only.map((p) => p.path).join(", ")}`);
  }
  for (const c of composites) {
    const { functions, data = 0, bytes } = c.uncounted;
    const what = [
      ...(functions > 0 ? [plural(functions, "function")] : []),
      ...(data > 0 ? [plural(data, "data symbol")] : []),
    ].join(" and ");
    notes.push(
      `${c.side}/${c.path}: an 'ld -r' composite of ${c.parts.join(", ")}: counted through its parts` +
        (what !== ""
          ? `; ${what} (${bytes} B) in it that no object here defines (parts built elsewhere, symbols added at link time) are not counted`
          : ""),
    );
  }
  return notes;
}

/**
 * The kinds of symbol a report's tables hold, in the order they are shown,
 * each under its own heading: a table's first column says "function" only
 * over functions (nm letters tTwW), "data" over the rest.
 */
export const SYMBOL_KINDS: readonly SymbolKind[] = ["function", "data"];

/** Rows split by kind, in SYMBOL_KINDS order, kinds without rows left out. */
export function byKind<T extends { readonly kind: SymbolKind }>(
  rows: readonly T[],
): { kind: SymbolKind; rows: T[] }[] {
  return SYMBOL_KINDS.map((kind) => ({ kind, rows: rows.filter((r) => r.kind === kind) })).filter(
    (group) => group.rows.length > 0,
  );
}

/** A cross-config row with its symbol's kind (from the first config that has the symbol). */
export function crossRowsWithKind(report: SizeReport): (CrossRow & { kind: SymbolKind })[] {
  return report.crossConfig.map((row) => {
    const kind =
      report.configs
        .map((config) => config.functions.find((r) => r.name === row.name)?.kind)
        .find((k) => k !== undefined) ?? "function";
    return { ...row, kind };
  });
}

/** "1 function", "2 functions". */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** bloat-o-meter's header line. */
export function formatSummary(s: BloatSummary): string {
  return `add/remove: ${s.add}/${s.remove} grow/shrink: ${s.grow}/${s.shrink} up/down: ${s.up}/${-s.down} (${s.net})`;
}

/**
 * C's and Python's `%.Nf`: the exact binary value of `x` rounded half to even
 * at N decimals (JavaScript's toFixed rounds a tie away from zero instead, so
 * 0.125 prints 0.13 where bloat-o-meter prints 0.12). Sign of zero kept as
 * printf keeps it ("-0.00" for a small negative value).
 */
export function formatFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return String(x);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const exponentBits = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  // x = mantissa * 2^exponent exactly.
  const mantissa = exponentBits === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (exponentBits === 0 ? 1 : exponentBits) - 1075;
  // Scaled = |x| * 10^digits as a fraction numerator / denominator.
  let numerator = mantissa * 10n ** BigInt(digits);
  let denominator = 1n;
  if (exponent >= 0) numerator <<= BigInt(exponent);
  else denominator <<= BigInt(-exponent);
  let quotient = numerator / denominator;
  const twice = (numerator % denominator) * 2n;
  if (twice > denominator || (twice === denominator && quotient % 2n === 1n)) quotient += 1n;
  const text = quotient.toString().padStart(digits + 1, "0");
  const whole = text.slice(0, text.length - digits);
  const body = digits > 0 ? `${whole}.${text.slice(text.length - digits)}` : whole;
  return negative ? `-${body}` : body;
}

/**
 * bloat-o-meter's footer line, byte for byte: `Total: Before=%d, After=%d,
 * chg %+.2f%%` with the percentage computed as it does ((new − old) × 100.0 /
 * old, 0 when old is 0) and an ASCII minus.
 */
export function formatTotals(t: Totals): string {
  const chg = t.base === 0 ? 0 : ((t.head - t.base) * 100.0) / t.base;
  const fixed = formatFixed(chg, 2);
  return `Total: Before=${t.base}, After=${t.head}, chg ${fixed.startsWith("-") ? fixed : `+${fixed}`}%`;
}
