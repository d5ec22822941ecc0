/*
 * The size report model: every figure and every ordering the formats print is
 * decided here, from measured symbol sizes, so format-*.ts only lay it out.
 *
 * Per config it computes what scripts/bloat-o-meter computes for two objects
 * (add/remove, grow/shrink, up/down, net, the per-name deltas and the totals),
 * plus a percentage per row; across configs it builds the table a commit
 * message writes by hand (function × config, "342 → 182 (−47%)").
 *
 * Ordering: rows by delta, largest growth first and largest saving last, as
 * bloat-o-meter prints them: it sorts (delta, name) pairs in reverse, so ties
 * go by name in reverse order too, and so do ours.
 */
import { SymbolKind, SymbolSize } from "../../toolchain/symbols";
import { byCodeUnit } from "../../util/order";

/**
 * 2: budget breaches carry numbers (check, unit, limit, base, head, delta)
 * instead of version 1's prose `rule` and `actual`; `objects` added.
 */
export const REPORT_VERSION = 2;

export interface FunctionRow {
  readonly name: string;
  readonly kind: SymbolKind;
  /** null when the side does not define the symbol. */
  readonly base: number | null;
  readonly head: number | null;
  readonly delta: number;
  /** delta / base in percent; null when there is no base. */
  readonly percent: number | null;
}

export interface BloatSummary {
  readonly add: number;
  readonly remove: number;
  readonly grow: number;
  readonly shrink: number;
  readonly up: number;
  /** Bytes removed, as a positive number (bloat-o-meter prints it as -down). */
  readonly down: number;
  readonly net: number;
}

export interface Totals {
  readonly base: number;
  readonly head: number;
  readonly delta: number;
  readonly percent: number | null;
}

export interface ConfigReport {
  readonly name: string;
  readonly compiler: string;
  readonly command: string;
  readonly compilerVersion: string;
  readonly retpoline: boolean;
  readonly flags: readonly string[];
  readonly summary: BloatSummary;
  /** Every measured symbol, changed or not, in delta order. */
  readonly functions: readonly FunctionRow[];
  readonly total: Totals;
}

export interface SkippedConfig {
  readonly name: string;
  readonly compiler: string;
  readonly reason: string;
  readonly hint: string;
}

export interface FileSize {
  readonly lines: number;
  readonly bytes: number;
}

export interface SourceRow {
  readonly path: string;
  readonly base: FileSize | null;
  readonly head: FileSize | null;
}

export interface CrossCell {
  readonly base: number | null;
  readonly head: number | null;
  readonly delta: number;
  readonly percent: number | null;
}

export interface CrossRow {
  readonly name: string;
  /** One cell per entry of SizeReport.configs, same order; null when that config lacks the name. */
  readonly cells: readonly (CrossCell | null)[];
}

export interface ExplainRow {
  readonly register: string;
  /** Backends that load it lazily in the head spec. */
  readonly lazyIn: readonly string[];
  /**
   * Whether the handler suite reaches the register through the cache at all (a
   * static look at its calls, size/explain.ts). An unreached register is not
   * measured: its saved cells are null, never a measured 0.
   */
  readonly reached: boolean;
  /** Bytes the suite would shrink by (head total − what-if total), per config, same order as configs; null when not reached. */
  readonly saved: readonly (number | null)[];
}

export interface BudgetBreach {
  readonly config: string;
  /** A function name, or "total". */
  readonly target: string;
  /** Which limit: `max` (head size) or `growth` (head − base). */
  readonly check: "max" | "growth";
  /** `bytes`, or `percent` of base (growth only). */
  readonly unit: "bytes" | "percent";
  /** The limit as the budget file gives it, in `unit`. */
  readonly limit: number;
  /** Bytes; null when that side lacks the symbol. */
  readonly base: number | null;
  readonly head: number | null;
  readonly delta: number;
}

/** With --objects: what was paired and which composites were counted once. */
export interface ObjectsSection {
  /** "file" for one pair, "tree" for two directories. */
  readonly kind: "file" | "tree";
  /** Relative paths (the file names for a file pair); old/new say which side has it. */
  readonly pairs: readonly {
    readonly path: string;
    readonly old: boolean;
    readonly new: boolean;
  }[];
  /** `ld -r` composites whose parts were found beside them, per side. */
  readonly composites: readonly {
    readonly side: "old" | "new";
    readonly path: string;
    readonly parts: readonly string[];
    /**
     * Folded names (functions; data, absent from reports that counted
     * functions only) and their bytes it holds beyond every object counted
     * in the tree: not counted.
     */
    readonly uncounted: {
      readonly functions: number;
      readonly data?: number;
      readonly bytes: number;
    };
  }[];
}

export interface SizeReport {
  readonly version: typeof REPORT_VERSION;
  readonly spec: string;
  /** What the base was built from: "all-cached", a file, or git:REV:PATH. */
  readonly base: string;
  readonly configs: readonly ConfigReport[];
  readonly skipped: readonly SkippedConfig[];
  readonly crossConfig: readonly CrossRow[];
  readonly sources: readonly SourceRow[];
  readonly explain?: readonly ExplainRow[];
  readonly budget?: { readonly file: string; readonly breaches: readonly BudgetBreach[] };
  readonly objects?: ObjectsSection;
}

export function percentOf(delta: number, base: number | null): number | null {
  return base === null || base === 0 ? null : (delta * 100) / base;
}

/** bloat-o-meter's calc(): the per-name comparison of two measured sides. */
export function compareSides(
  base: readonly SymbolSize[],
  head: readonly SymbolSize[],
): { summary: BloatSummary; functions: FunctionRow[]; total: Totals } {
  const baseBy = new Map(base.map((s) => [s.name, s]));
  const headBy = new Map(head.map((s) => [s.name, s]));
  const names = [...new Set([...baseBy.keys(), ...headBy.keys()])];
  let add = 0,
    remove = 0,
    grow = 0,
    shrink = 0,
    up = 0,
    down = 0;
  const functions: FunctionRow[] = names.map((name) => {
    const b = baseBy.get(name);
    const h = headBy.get(name);
    const baseSize = b ? b.size : null;
    const headSize = h ? h.size : null;
    const delta = (headSize ?? 0) - (baseSize ?? 0);
    if (baseSize === null) add++;
    else if (headSize === null) remove++;
    else if (delta > 0) grow++;
    else if (delta < 0) shrink++;
    if (delta > 0) up += delta;
    else down -= delta;
    return {
      name,
      kind: (h ?? b)!.kind,
      base: baseSize,
      head: headSize,
      delta,
      percent: percentOf(delta, baseSize),
    };
  });
  functions.sort((x, y) => y.delta - x.delta || byCodeUnit(y.name, x.name));
  const baseTotal = base.reduce((sum, s) => sum + s.size, 0);
  const headTotal = head.reduce((sum, s) => sum + s.size, 0);
  return {
    summary: { add, remove, grow, shrink, up, down, net: up - down },
    functions,
    total: {
      base: baseTotal,
      head: headTotal,
      delta: headTotal - baseTotal,
      percent: percentOf(headTotal - baseTotal, baseTotal),
    },
  };
}

export interface MeasuredConfig {
  readonly name: string;
  readonly compiler: string;
  readonly command: string;
  readonly compilerVersion: string;
  readonly retpoline: boolean;
  readonly flags: readonly string[];
  readonly base: readonly SymbolSize[];
  readonly head: readonly SymbolSize[];
}

export function configReport(measured: MeasuredConfig): ConfigReport {
  const { base, head, ...identity } = measured;
  return { ...identity, ...compareSides(base, head) };
}

/** Names that changed in at least one config, one cell per config. */
export function crossConfigRows(configs: readonly ConfigReport[]): CrossRow[] {
  const changed = new Set<string>();
  for (const config of configs)
    for (const row of config.functions) if (row.delta !== 0) changed.add(row.name);
  const rows = [...changed].map((name) => ({
    name,
    cells: configs.map((config) => {
      const row = config.functions.find((r) => r.name === name);
      return row
        ? { base: row.base, head: row.head, delta: row.delta, percent: row.percent }
        : null;
    }),
  }));
  const sumDelta = (row: CrossRow) => row.cells.reduce((sum, cell) => sum + (cell?.delta ?? 0), 0);
  return rows.sort((a, b) => sumDelta(b) - sumDelta(a) || byCodeUnit(a.name, b.name));
}

export function fileSize(contents: string): FileSize {
  const lines =
    contents === "" ? 0 : contents.split("\n").length - (contents.endsWith("\n") ? 1 : 0);
  return { lines, bytes: Buffer.byteLength(contents, "utf8") };
}

export function sourceRows(
  base: readonly { path: string; contents: string }[],
  head: readonly { path: string; contents: string }[],
): SourceRow[] {
  const paths = [...new Set([...base.map((f) => f.path), ...head.map((f) => f.path)])].sort(
    byCodeUnit,
  );
  const sizeIn = (files: readonly { path: string; contents: string }[], p: string) => {
    const file = files.find((f) => f.path === p);
    return file ? fileSize(file.contents) : null;
  };
  return paths.map((p) => ({ path: p, base: sizeIn(base, p), head: sizeIn(head, p) }));
}

/** Ranks what-if registers by bytes saved, largest first (sum over configs, then name). */
export function rankExplain(rows: readonly ExplainRow[]): ExplainRow[] {
  const sum = (row: ExplainRow) => row.saved.reduce<number>((a, b) => a + (b ?? 0), 0);
  // Measured rows first, by saving; then the registers the suite never reaches, by name.
  return [...rows].sort(
    (a, b) =>
      Number(b.reached) - Number(a.reached) ||
      sum(b) - sum(a) ||
      byCodeUnit(a.register, b.register),
  );
}

export function buildReport(input: {
  spec: string;
  base: string;
  measured: readonly MeasuredConfig[];
  skipped: readonly SkippedConfig[];
  baseFiles: readonly { path: string; contents: string }[];
  headFiles: readonly { path: string; contents: string }[];
  explain?: readonly ExplainRow[];
}): SizeReport {
  const configs = input.measured.map(configReport);
  return {
    version: REPORT_VERSION,
    spec: input.spec,
    base: input.base,
    configs,
    skipped: input.skipped,
    crossConfig: crossConfigRows(configs),
    sources: sourceRows(input.baseFiles, input.headFiles),
    ...(input.explain ? { explain: rankExplain(input.explain) } : {}),
  };
}
