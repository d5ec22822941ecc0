/*
 * Symbol sizes as the kernel's scripts/bloat-o-meter sees them.
 *
 * bloat-o-meter runs `nm --size-sort` on each object and keeps the symbols
 * whose nm type letter is one of `tTdDbBrRvVwW` (text, data, bss, read-only
 * data, weak), drops a few kernel-generated prefixes, removes every `.NUMBER`
 * component of the name (regex `\.[0-9]+`, all occurrences) and sums sizes
 * per resulting name. So `foo.constprop.0` counts as `foo.constprop` (not as
 * `foo`), `table.1` and `table.2` fold into `table`. We do that, from the
 * ELF symbol table read by elf.ts, and fold one more generated number that
 * bloat-o-meter keeps: the `__COUNTER__` value the kernel's __UNIQUE_ID()
 * appends (`__UNIQUE_ID_license1495`, or `__UNIQUE_ID_license_1495` from
 * 7.x). It counts macro expansions in the translation unit, so one call
 * fewer in a header renames every later one; folded, `__UNIQUE_ID_license`
 * sums every such symbol of an object and matches base to head:
 *
 *   - nmSizeSort() lists what `nm --size-sort` lists: defined, sized, not
 *     section/file symbols, each with nm's type letter (computed like BFD's
 *     bfd_decode_symclass in binutils 2.40: common, ifunc, weak and unique
 *     first, then the section's flags; upper case when global);
 *   - foldSymbols() applies bloat-o-meter's filter and folding.
 *
 * Tests compare nmSizeSort() with the real `nm --size-sort` output.
 */
import { ElfSection, ElfSymbolTable, SHF, SHN, SHT, STB, STT } from "./elf";
import { byCodeUnit } from "../util/order";

export type SymbolKind = "function" | "data";

export interface NmSymbol {
  readonly name: string;
  readonly size: number;
  /** nm's one-letter type: t/T text, d/D data, b/B bss, r/R rodata, W/V weak, … */
  readonly letter: string;
}

export interface SymbolSize {
  readonly name: string;
  readonly kind: SymbolKind;
  readonly size: number;
}

/** bloat-o-meter's default selection (`calc(…, "tTdDbBrRvVwW")`). */
export const MEASURED_LETTERS = "tTdDbBrRvVwW";
/** `bloat-o-meter -t`'s selection: functions only. */
export const FUNCTION_LETTERS = "tTwW";

/** Names bloat-o-meter never reports (kernel build artefacts). */
const IGNORED_PREFIXES = ["__mod_", "__se_sys", "__se_compat_sys", "__addressable_"];
const IGNORED_NAMES = new Set(["linux_banner", "vermagic"]);

/**
 * BFD's coff_section_type table (binutils 2.40): these PE names decide first,
 * when followed by nothing, '.', '$' or a digit.
 */
const SECTION_NAME_LETTERS: readonly (readonly [string, string])[] = [
  [".drectve", "i"],
  [".edata", "e"],
  [".idata", "i"],
  [".pdata", "p"],
];

/** Sections BFD's ELF reader flags SEC_DEBUGGING (by name). */
const DEBUG_SECTION_PREFIXES = [
  ".debug",
  ".zdebug",
  ".gnu.linkonce.wi.",
  ".line",
  ".stab",
  ".gdb_index",
  ".gnu.debuglto_",
];

/** ELF section types BFD reads into its own tables instead of making a section of. */
const NO_BFD_SECTION: ReadonlySet<number> = new Set([
  SHT.SYMTAB,
  SHT.STRTAB,
  SHT.RELA,
  SHT.REL,
  SHT.SYMTAB_SHNDX,
]);

function sectionLetter(section: ElfSection): string {
  for (const [prefix, letter] of SECTION_NAME_LETTERS) {
    if (section.name.startsWith(prefix) && /^$|^[.$0-9]/.test(section.name.slice(prefix.length)))
      return letter;
  }
  // BFD's decode_section_type, on the flags BFD derives from the ELF ones:
  // SEC_CODE from SHF_EXECINSTR, SEC_DATA for other loaded sections,
  // SEC_READONLY without SHF_WRITE. (gcc marks .data.rel.ro writable in an
  // object, clang does not, so nm says 'd' for one and 'r' for the other.)
  const alloc = (section.flags & SHF.ALLOC) !== 0;
  const hasContents = section.type !== SHT.NOBITS;
  const readOnly = !(section.flags & SHF.WRITE);
  if (section.flags & SHF.EXECINSTR) return "t";
  if (alloc && hasContents) return readOnly ? "r" : "d";
  if (!hasContents) return "b";
  if (DEBUG_SECTION_PREFIXES.some((prefix) => section.name.startsWith(prefix))) return "N";
  return readOnly ? "n" : "?";
}

/** nm's type letter for a defined symbol, or undefined for one nm hides or cannot size. */
function nmLetter(
  table: ElfSymbolTable,
  symbol: ElfSymbolTable["symbols"][number],
): string | undefined {
  if (symbol.type === STT.SECTION || symbol.type === STT.FILE) return undefined;
  // nm --size-sort lists neither undefined nor absolute symbols (nm.c: filter_symbols
  // removes them before sort_symbols_by_size), whatever size an absolute one declares.
  // BFD files under the absolute section, whatever the symbol's binding or type, every
  // reserved index but the common ones and every index it made no section for: past
  // the last section, or a symbol, string or relocation table (nm 2.40 prints 'A').
  if (symbol.special) {
    return symbol.sectionIndex === SHN.COMMON || symbol.sectionIndex === SHN.X86_64_LCOMMON
      ? "C"
      : undefined;
  }
  const section = table.sections[symbol.sectionIndex];
  if (!section || NO_BFD_SECTION.has(section.type)) return undefined;
  if (symbol.type === STT.GNU_IFUNC) return "i";
  if (symbol.binding === STB.WEAK) return symbol.type === STT.OBJECT ? "V" : "W";
  if (symbol.binding === STB.GNU_UNIQUE) return "u";
  const letter = sectionLetter(section);
  return symbol.binding === STB.GLOBAL ? letter.toUpperCase() : letter;
}

/** The symbols `nm --size-sort` prints for this object, in symbol-table order. */
export function nmSizeSort(table: ElfSymbolTable): NmSymbol[] {
  const listed: NmSymbol[] = [];
  for (const symbol of table.symbols) {
    if (symbol.size === 0 || symbol.name === "") continue;
    const letter = nmLetter(table, symbol);
    if (letter === undefined) continue;
    listed.push({ name: symbol.name, size: symbol.size, letter });
  }
  return listed;
}

/** The prefix of the kernel's __UNIQUE_ID() names, whose trailing digits are __COUNTER__'s. */
export const UNIQUE_ID_PREFIX = "__UNIQUE_ID_";

/**
 * bloat-o-meter's name folding (every `.NUMBER` component goes), then a
 * `__UNIQUE_ID_` name's trailing `__COUNTER__` digits:
 * `__UNIQUE_ID___addressable_foo300.268` → `__UNIQUE_ID___addressable_foo`.
 */
export function foldName(name: string): string {
  const folded = name.replace(/\.[0-9]+/g, "");
  return folded.startsWith(UNIQUE_ID_PREFIX) ? folded.replace(/[0-9]+$/, "") : folded;
}

/**
 * Sums sizes per folded name over any number of objects' symbol lists, keeping
 * only the nm letters bloat-o-meter measures (its default selection, or `-t`'s
 * FUNCTION_LETTERS). Sorted by name so output is deterministic.
 */
export function foldSymbols(
  lists: readonly (readonly NmSymbol[])[],
  letters: string = MEASURED_LETTERS,
): SymbolSize[] {
  const sums = new Map<string, { kind: SymbolKind; size: number }>();
  for (const list of lists) {
    for (const symbol of list) {
      if (!letters.includes(symbol.letter)) continue;
      if (IGNORED_NAMES.has(symbol.name)) continue;
      if (IGNORED_PREFIXES.some((prefix) => symbol.name.startsWith(prefix))) continue;
      const name = foldName(symbol.name);
      const kind: SymbolKind = FUNCTION_LETTERS.includes(symbol.letter) ? "function" : "data";
      const entry = sums.get(name);
      if (entry) entry.size += symbol.size;
      else sums.set(name, { kind, size: symbol.size });
    }
  }
  return [...sums.entries()]
    .map(([name, { kind, size }]) => ({ name, kind, size }))
    .sort((a, b) => byCodeUnit(a.name, b.name));
}
