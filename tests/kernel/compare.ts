/*
 * Comparing two builds of the same KVM objects, the way a kernel developer
 * does: symbol sizes from `nm --size-sort` (binutils), names folded like
 * scripts/bloat-o-meter folds them, plus the tree's own bloat-o-meter output
 * read back. Pure functions over command output; the proof runs the commands.
 */

export interface NmEntry {
  readonly name: string;
  readonly size: number;
  /** nm's type letter (t/T text, d/D data, b/B bss, r/R rodata, w/W weak, …). */
  readonly type: string;
}

/** Parses `nm --size-sort FILE` output: "SIZE(hex) TYPE NAME" per line. */
export function parseNmSizeSort(output: string): NmEntry[] {
  const entries: NmEntry[] = [];
  for (const line of output.split("\n")) {
    if (line.trim() === "") continue;
    const m = /^([0-9a-fA-F]+) (\S) (\S+)$/.exec(line.trim());
    if (!m) throw new Error(`unexpected nm line: ${JSON.stringify(line)}`);
    entries.push({ size: parseInt(m[1], 16), type: m[2], name: m[3] });
  }
  return entries;
}

export function isFunction(type: string): boolean {
  return "tTwW".includes(type);
}

/**
 * The name a symbol is compared under. Like bloat-o-meter, every `.NUMBER`
 * component goes (gcc's numbering of local statics and clones moves when an
 * earlier declaration changes). Then the `__COUNTER__` value the kernel's
 * __UNIQUE_ID() appends (`__UNIQUE_ID___addressable_foo1495`) goes too: it
 * counts macro expansions in the translation unit, not code.
 */
export function comparableName(name: string): string {
  const folded = name.replace(/\.[0-9]+/g, "");
  return folded.startsWith("__UNIQUE_ID_") ? folded.replace(/[0-9]+$/, "#") : folded;
}

/** comparable name → sizes (sorted), for one object. */
export type SymbolTable = ReadonlyMap<string, readonly number[]>;

export function symbolTable(entries: readonly NmEntry[]): SymbolTable {
  const table = new Map<string, number[]>();
  for (const e of entries) {
    const key = `${isFunction(e.type) ? "function" : "data"} ${comparableName(e.name)}`;
    const sizes = table.get(key) ?? [];
    sizes.push(e.size);
    table.set(key, sizes);
  }
  for (const sizes of table.values()) sizes.sort((a, b) => a - b);
  return table;
}

export interface SymbolDifference {
  readonly object: string;
  /** "function NAME" or "data NAME" (comparable name). */
  readonly symbol: string;
  /** Sizes in the first build (empty when the symbol is missing there). */
  readonly before: readonly number[];
  readonly after: readonly number[];
}

export interface BuildComparison {
  readonly objects: number;
  /** Function symbols compared (in the first build). */
  readonly functions: number;
  readonly symbols: number;
  readonly differences: readonly SymbolDifference[];
}

/** Compares per-object symbol tables of two builds (object path → table). */
export function compareBuilds(
  before: ReadonlyMap<string, SymbolTable>,
  after: ReadonlyMap<string, SymbolTable>,
): BuildComparison {
  const differences: SymbolDifference[] = [];
  let functions = 0;
  let symbols = 0;
  const objects = [...new Set([...before.keys(), ...after.keys()])].sort();
  for (const object of objects) {
    const a = before.get(object) ?? new Map<string, readonly number[]>();
    const b = after.get(object) ?? new Map<string, readonly number[]>();
    if (!before.has(object) || !after.has(object)) {
      differences.push({
        object,
        symbol: "(object)",
        before: before.has(object) ? [1] : [],
        after: after.has(object) ? [1] : [],
      });
    }
    for (const symbol of [...new Set([...a.keys(), ...b.keys()])].sort()) {
      const sa = a.get(symbol) ?? [];
      const sb = b.get(symbol) ?? [];
      symbols += sa.length;
      if (symbol.startsWith("function ")) functions += sa.length;
      if (sa.join(",") !== sb.join(","))
        differences.push({ object, symbol, before: sa, after: sb });
    }
  }
  return { objects: objects.length, functions, symbols, differences };
}

/** Total size of the functions with this (comparable) name across a build. */
export function functionSize(
  build: ReadonlyMap<string, SymbolTable>,
  name: string,
): number | undefined {
  let total: number | undefined;
  for (const table of build.values()) {
    const sizes = table.get(`function ${name}`);
    if (sizes) total = (total ?? 0) + sizes.reduce((s, x) => s + x, 0);
  }
  return total;
}

/** Sum of all symbol sizes of a build (functions and data). */
export function totalSize(build: ReadonlyMap<string, SymbolTable>): number {
  let total = 0;
  for (const table of build.values())
    for (const sizes of table.values()) for (const s of sizes) total += s;
  return total;
}

export interface BloatRow {
  readonly name: string;
  readonly old: number | undefined;
  readonly new: number | undefined;
  readonly delta: number;
}

export interface BloatReport {
  readonly added: number;
  readonly removed: number;
  readonly grown: number;
  readonly shrunk: number;
  readonly net: number;
  readonly rows: readonly BloatRow[];
}

/**
 * Parses scripts/bloat-o-meter's default output: the header
 * `add/remove: A/R grow/shrink: G/S up/down: U/-D (NET)`, then
 * `function old new delta` rows, then `Total: …`.
 */
export function parseBloatOMeter(output: string): BloatReport {
  const lines = output.split("\n");
  const header = lines.find((l) => l.startsWith("add/remove:"));
  const m =
    header &&
    /^add\/remove: (\d+)\/(\d+) grow\/shrink: (\d+)\/(\d+) up\/down: \d+\/-?\d+ \((-?\d+)\)/.exec(
      header,
    );
  if (!m) throw new Error(`no bloat-o-meter header in:\n${output}`);
  const rows: BloatRow[] = [];
  for (const line of lines) {
    const r = /^(\S+)\s+(-|\d+)\s+(-|\d+)\s+([+-]?\d+)$/.exec(line.trim());
    if (!r) continue;
    const num = (s: string) => (s === "-" ? undefined : Number(s));
    rows.push({ name: r[1], old: num(r[2]), new: num(r[3]), delta: Number(r[4]) });
  }
  const [added, removed, grown, shrunk, net] = m.slice(1).map(Number);
  return { added, removed, grown, shrunk, net, rows };
}

/**
 * Rows of a bloat-o-meter report that are real changes: a symbol removed and
 * one added with the same size and the same comparable name (a __COUNTER__
 * rename) cancel out; anything else stays.
 */
export function realChanges(report: BloatReport): BloatRow[] {
  const removed = report.rows.filter((r) => r.new === undefined);
  const added = report.rows.filter((r) => r.old === undefined);
  const rest = report.rows.filter((r) => r.new !== undefined && r.old !== undefined);
  const unmatched = [...added];
  const left: BloatRow[] = [];
  for (const r of removed) {
    const i = unmatched.findIndex(
      (a) => comparableName(a.name) === comparableName(r.name) && a.new === r.old,
    );
    if (i >= 0) unmatched.splice(i, 1);
    else left.push(r);
  }
  return [...rest, ...left, ...unmatched];
}
