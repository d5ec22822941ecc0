/*
 * `regcache size --objects OLD NEW`: the kernel developer's comparison of two
 * builds, done once over whole object trees instead of one bloat-o-meter
 * process per pair.
 *
 * OLD and NEW are two object files, or two directories whose `.o` files are
 * matched by their path relative to the directory. Functions and data (the
 * nm letters bloat-o-meter measures by default, as --compile-commands does)
 * are summed per folded name over every object of a side (toolchain/
 * symbols.ts: `.NUMBER` parts and __UNIQUE_ID counters folded), so each
 * name's base, head and delta equal the sums a loop of `scripts/bloat-o-meter
 * old/X.o new/X.o` over the pairs prints, but for the __UNIQUE_ID counters.
 *
 * Composite objects. Kbuild links a module's parts with `ld -r` into one
 * object beside them (arch/x86/kvm/kvm.o holds x86.o, emulate.o, …), so a
 * naive sum would count every function twice. A composite is recognised from
 * its own symbol table: `ld -r` keeps each input's STT_FILE symbol, so it
 * names two or more source files, where a compiled object names one. Its
 * parts are the other objects of the same tree whose source file is among
 * those names (or that name none: assembler objects such as svm/vmenter.o)
 * and whose every sized symbol (name and size) the composite also holds. A
 * composite with parts in the tree is left out, exactly as a loop over the
 * tree's pairs leaves it out. What it holds that no object counted in the
 * tree holds (its parts, or any other object counted on its own) is reported
 * as uncounted, never silently: parts built outside the tree (6.1's kvm.o
 * links ../../../virt/kvm/*.o) and symbols added when it was linked (6.12's
 * objtool adds a 16-byte __pfx_ symbol per function). A composite with no
 * part in the tree is an object like any other.
 */
import * as fs from "fs";
import * as path from "path";
import { ElfSymbolTable, readElfSymbols, STT } from "../../toolchain/elf";
import { foldSymbols, NmSymbol, nmSizeSort, SymbolSize } from "../../toolchain/symbols";

export interface ObjectFile {
  /** Path relative to the side's root (posix separators); the file name for a file pair. */
  readonly path: string;
  readonly table: ElfSymbolTable;
}

export interface ObjectPair {
  readonly path: string;
  readonly old: boolean;
  readonly new: boolean;
}

export interface CompositeObject {
  readonly path: string;
  /** Parts found in the same tree, by relative path, sorted. */
  readonly parts: readonly string[];
  /**
   * Symbols the composite holds that no object counted in the tree does
   * (parts built outside the tree, symbols added at link time): not counted,
   * as a loop over the tree's pairs does not count them either. Folded
   * names, by kind; bytes of both kinds.
   */
  readonly uncounted: {
    readonly functions: number;
    readonly data: number;
    readonly bytes: number;
  };
}

export interface MeasuredTree {
  /** Functions and data summed per folded name, composites counted once. */
  readonly symbols: readonly SymbolSize[];
  readonly composites: readonly CompositeObject[];
}

/** The source files an object's symbol table names (STT_FILE), sorted, unique. */
export function sourceFilesOf(table: ElfSymbolTable): string[] {
  const names = new Set<string>();
  for (const s of table.symbols) if (s.type === STT.FILE && s.name !== "") names.add(s.name);
  return [...names].sort();
}

const key = (s: NmSymbol) => `${s.name}\0${s.size}`;

function countSymbols(list: readonly NmSymbol[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of list) counts.set(key(s), (counts.get(key(s)) ?? 0) + 1);
  return counts;
}

function contains(whole: ReadonlyMap<string, number>, part: ReadonlyMap<string, number>): boolean {
  for (const [k, n] of part) if ((whole.get(k) ?? 0) < n) return false;
  return true;
}

/**
 * Measures one side: finds composites and their parts (see the top of this
 * file), then folds the symbols bloat-o-meter counts by default.
 */
export function measureTree(objects: readonly ObjectFile[]): MeasuredTree {
  const listed = objects.map((o) => ({
    path: o.path,
    symbols: nmSizeSort(o.table),
    sources: sourceFilesOf(o.table),
  }));
  const counts = listed.map((o) => countSymbols(o.symbols));
  const partsOf = listed.map((object, i) =>
    // Assembler objects carry no STT_FILE symbol; they can be parts, never composites.
    object.sources.length < 2
      ? []
      : listed.filter(
          (candidate, j) =>
            j !== i &&
            candidate.sources.length <= 1 &&
            candidate.sources.every((source) => object.sources.includes(source)) &&
            candidate.symbols.length > 0 &&
            contains(counts[i], counts[j]),
        ),
  );
  const counted = listed.filter((_, i) => partsOf[i].length === 0);
  const composites: CompositeObject[] = [];
  listed.forEach((object, i) => {
    if (partsOf[i].length === 0) return;
    // What the composite holds beyond every object counted in the tree: its parts,
    // and objects it links that were not recognised as parts but count on their own.
    const left = new Map(counts[i]);
    for (const other of counted)
      for (const symbol of other.symbols) {
        const n = left.get(key(symbol)) ?? 0;
        if (n > 0) left.set(key(symbol), n - 1);
      }
    const uncounted: NmSymbol[] = [];
    for (const symbol of object.symbols) {
      const n = left.get(key(symbol)) ?? 0;
      if (n > 0) {
        uncounted.push(symbol);
        left.set(key(symbol), n - 1);
      }
    }
    const folded = foldSymbols([uncounted]);
    composites.push({
      path: object.path,
      parts: partsOf[i].map((p) => p.path).sort(),
      uncounted: {
        functions: folded.filter((f) => f.kind === "function").length,
        data: folded.filter((f) => f.kind === "data").length,
        bytes: folded.reduce((sum, f) => sum + f.size, 0),
      },
    });
  });
  return { symbols: foldSymbols(counted.map((o) => o.symbols)), composites };
}

export type ObjectInput =
  { ok: true; kind: "file" | "tree"; pairs: ObjectPair[] } | { ok: false; problem: string };

const posix = (p: string) => p.split(path.sep).join("/");

/** Every `.o` under dir, relative posix paths, sorted (symlinks not followed). */
function listObjects(dir: string): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel === "" ? entry.name : path.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && entry.name.endsWith(".o")) found.push(posix(child));
    }
  };
  walk("");
  return found.sort();
}

/**
 * Checks OLD and NEW (both files, or both directories) and pairs their
 * objects by relative path. A `.o` on one side only is kept: its functions
 * count as added or removed.
 */
export function pairObjects(oldPath: string, newPath: string): ObjectInput {
  const stat = (p: string) => {
    try {
      return fs.statSync(p);
    } catch (err) {
      return (err as NodeJS.ErrnoException).code ?? "unreadable";
    }
  };
  const o = stat(oldPath);
  const n = stat(newPath);
  for (const [given, s] of [
    [oldPath, o],
    [newPath, n],
  ] as const) {
    if (typeof s === "string") return { ok: false, problem: `cannot read ${given}: ${s}` };
    if (!s.isFile() && !s.isDirectory())
      return { ok: false, problem: `${given} is neither an object file nor a directory` };
  }
  const oldStat = o as fs.Stats;
  const newStat = n as fs.Stats;
  if (oldStat.isFile() !== newStat.isFile())
    return {
      ok: false,
      problem: `${oldPath} and ${newPath} must both be object files or both directories`,
    };
  if (oldStat.isFile())
    return { ok: true, kind: "file", pairs: [{ path: "", old: true, new: true }] };
  let oldObjects: string[];
  let newObjects: string[];
  try {
    oldObjects = listObjects(oldPath);
    newObjects = listObjects(newPath);
  } catch (err) {
    return { ok: false, problem: `cannot list objects: ${(err as Error).message}` };
  }
  if (oldObjects.length === 0 && newObjects.length === 0)
    return { ok: false, problem: `no .o files under ${oldPath} or ${newPath}` };
  const all = [...new Set([...oldObjects, ...newObjects])].sort();
  const oldSet = new Set(oldObjects);
  const newSet = new Set(newObjects);
  return {
    ok: true,
    kind: "tree",
    pairs: all.map((p) => ({ path: p, old: oldSet.has(p), new: newSet.has(p) })),
  };
}

export type ReadSide =
  { ok: true; objects: ObjectFile[] } | { ok: false; problem: string; lto: boolean };

/** Reads one side's objects; the first unreadable or LTO object is the problem. */
export function readSide(
  root: string,
  kind: "file" | "tree",
  pairs: readonly ObjectPair[],
  side: "old" | "new",
): ReadSide {
  const objects: ObjectFile[] = [];
  for (const pair of pairs) {
    if (!pair[side]) continue;
    const file = kind === "file" ? root : path.join(root, ...pair.path.split("/"));
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (err) {
      return {
        ok: false,
        problem: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code}`,
        lto: false,
      };
    }
    const read = readElfSymbols(bytes);
    if (!read.ok) return { ok: false, problem: `${file}: ${read.message}`, lto: read.lto === true };
    objects.push({ path: kind === "file" ? path.basename(root) : pair.path, table: read.table });
  }
  return { ok: true, objects };
}
