/*
 * Reads the symbol table of an ELF64 little-endian relocatable object (what
 * `gcc -c` writes on x86-64) straight from its bytes: the section headers,
 * .symtab and its string table. Nothing here runs a program; the size report
 * measures objects with this instead of shelling out to `nm`.
 *
 * The result is the raw table plus, per symbol, the section it lives in, so
 * symbols.ts can classify each symbol the way `nm` does.
 */

export interface ElfSection {
  readonly name: string;
  readonly type: number;
  readonly flags: number;
}

export interface ElfSymbol {
  readonly name: string;
  /** STT_* from st_info. */
  readonly type: number;
  /** STB_* from st_info. */
  readonly binding: number;
  /**
   * The section header index the symbol is defined in (st_shndx, or for
   * SHN_XINDEX the entry of SHT_SYMTAB_SHNDX), or when `special` a reserved
   * SHN_* value (SHN_UNDEF, SHN_ABS, SHN_COMMON, …) that names no section.
   */
  readonly sectionIndex: number;
  /**
   * st_shndx is SHN_UNDEF or in the reserved range SHN_LORESERVE..SHN_HIRESERVE
   * (0xff00..0xffff; SHN_XINDEX excepted, it is resolved). Separate from the
   * index because an object with more than 0xff00 sections has real sections
   * numbered like SHN_ABS (0xfff1) or SHN_COMMON (0xfff2).
   */
  readonly special: boolean;
  readonly size: number;
}

export interface ElfSymbolTable {
  readonly sections: readonly ElfSection[];
  readonly symbols: readonly ElfSymbol[];
}

/**
 * `lto` marks an object that holds compiler IR instead of machine code (gcc's
 * slim LTO objects, LLVM bitcode): it has no function sizes to measure, and
 * the caller refuses it as bad input rather than reporting it as empty.
 */
export type ElfReadResult =
  { ok: true; table: ElfSymbolTable } | { ok: false; message: string; lto?: boolean };

/** What to tell a user whose objects are LTO IR (no code until link time). */
export const LTO_MESSAGE =
  "is an LTO object (compiler IR, no machine code until link time: gcc -flto or clang -flto/-flto=thin); " +
  "its functions have no size to measure. Build with -ffat-lto-objects to keep the machine code beside the IR, or without -flto";

/** gcc's marker symbol in a slim (IR-only) LTO object. */
const GCC_LTO_SLIM = "__gnu_lto_slim";
/** LLVM bitcode: raw ('BC' 0xC0DE) and wrapped (0x0B17C0DE) magic. */
const BITCODE_MAGIC = 0x4243c0de;
const BITCODE_WRAPPER_MAGIC = 0x0b17c0de;

export const SHT = { SYMTAB: 2, STRTAB: 3, RELA: 4, NOBITS: 8, REL: 9, SYMTAB_SHNDX: 18 } as const;
export const SHF = { WRITE: 0x1, ALLOC: 0x2, EXECINSTR: 0x4 } as const;
export const STT = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3, FILE: 4, GNU_IFUNC: 10 } as const;
export const STB = { LOCAL: 0, GLOBAL: 1, WEAK: 2, GNU_UNIQUE: 10 } as const;
/** Special section indices; X86_64_LCOMMON is gcc's `.largecomm` (the x86-64 psABI's large common). */
export const SHN = {
  UNDEF: 0,
  LORESERVE: 0xff00,
  X86_64_LCOMMON: 0xff02,
  ABS: 0xfff1,
  COMMON: 0xfff2,
  XINDEX: 0xffff,
} as const;

const EM_X86_64 = 62;
const SECTION_HEADER_SIZE = 64;
const SYMBOL_SIZE = 24;

/**
 * A string table's bytes, or why they are unusable: the gABI requires its last
 * byte to be NUL (so every name in it ends inside it); nm and readelf call one
 * that is not corrupt.
 */
function stringTable(bytes: Buffer, section: RawSection, index: number): Buffer | string {
  const table = bytes.subarray(section.offset, section.offset + section.size);
  if (table.length > 0 && table[table.length - 1] !== 0) {
    return `string table (section ${index}) does not end with a NUL byte`;
  }
  return table;
}

/**
 * The name at `offset` of a string table checked by stringTable, or undefined
 * when the offset is at or past its end (nm: "invalid string offset").
 */
function cString(table: Buffer, offset: number): string | undefined {
  if (offset >= table.length) return undefined;
  // Symbol names are bytes; compilers write non-ASCII identifiers (café) as
  // UTF-8, which is also how nm prints them.
  return table.toString("utf8", offset, table.indexOf(0, offset));
}

/**
 * The unsigned 64-bit field at `at`, as a number when it is a safe integer
 * (at most 2^53 − 1), else the message refusing it: a larger value would
 * be rounded by Number(), and a size or offset that large is damage.
 */
function u64(bytes: Buffer, at: number, what: string): number | string {
  const value = bytes.readBigUInt64LE(at);
  return value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : `${what} is ${value}, past 2^53 - 1 (no object is that large)`;
}

interface RawSection {
  nameOffset: number;
  type: number;
  flags: number;
  offset: number;
  size: number;
  link: number;
}

type SectionsResult =
  { ok: true; raw: RawSection[]; sections: ElfSection[] } | { ok: false; message: string };

/** Checks the ELF header and reads the section headers with their names. */
function parseSections(bytes: Buffer): SectionsResult {
  if (bytes.length < 64 || bytes.readUInt32BE(0) !== 0x7f454c46) {
    return { ok: false, message: "not an ELF file" };
  }
  if (bytes[4] !== 2 || bytes[5] !== 1) {
    return { ok: false, message: "not a 64-bit little-endian ELF file" };
  }
  const machine = bytes.readUInt16LE(18);
  if (machine !== EM_X86_64) return { ok: false, message: `ELF machine ${machine} is not x86-64` };

  const shoff = u64(bytes, 0x28, "e_shoff");
  if (typeof shoff === "string") return { ok: false, message: shoff };
  const shentsize = bytes.readUInt16LE(0x3a);
  let shnum = bytes.readUInt16LE(0x3c);
  let shstrndx = bytes.readUInt16LE(0x3e);
  if (shoff === 0) return { ok: false, message: "no section header table" };
  if (shentsize !== SECTION_HEADER_SIZE)
    return { ok: false, message: `unexpected e_shentsize ${shentsize}` };

  /** Section `index`'s header; undefined past the file's end, a message for a field past 2^53 − 1. */
  const readSection = (index: number): RawSection | string | undefined => {
    const at = shoff + index * SECTION_HEADER_SIZE;
    if (at + SECTION_HEADER_SIZE > bytes.length) return undefined;
    const flags = u64(bytes, at + 8, `section ${index}'s sh_flags`);
    const offset = u64(bytes, at + 24, `section ${index}'s sh_offset`);
    const size = u64(bytes, at + 32, `section ${index}'s sh_size`);
    for (const field of [flags, offset, size]) if (typeof field === "string") return field;
    return {
      nameOffset: bytes.readUInt32LE(at),
      type: bytes.readUInt32LE(at + 4),
      flags: flags as number,
      offset: offset as number,
      size: size as number,
      link: bytes.readUInt32LE(at + 40),
    };
  };
  // With 0xff00 sections or more, the real counts live in section 0.
  const zero = readSection(0);
  if (!zero) return { ok: false, message: "section header table is truncated" };
  if (typeof zero === "string") return { ok: false, message: zero };
  if (shnum === 0) shnum = zero.size;
  if (shstrndx === SHN.XINDEX) shstrndx = zero.link;

  const raw: RawSection[] = [];
  for (let i = 0; i < shnum; i++) {
    const section = readSection(i);
    if (!section) return { ok: false, message: "section header table is truncated" };
    if (typeof section === "string") return { ok: false, message: section };
    if (section.type !== SHT.NOBITS && section.offset + section.size > bytes.length) {
      return { ok: false, message: `section ${i} extends past the end of the file` };
    }
    raw.push(section);
  }
  const names = raw[shstrndx];
  if (!names) return { ok: false, message: "no section name table" };
  const sectionNames = stringTable(bytes, names, shstrndx);
  if (typeof sectionNames === "string") return { ok: false, message: sectionNames };
  const sections: ElfSection[] = [];
  for (const [i, s] of raw.entries()) {
    const name = cString(sectionNames, s.nameOffset);
    if (name === undefined) {
      return {
        ok: false,
        message: `section ${i}'s name (offset ${s.nameOffset}) is outside the section name table (${sectionNames.length} bytes)`,
      };
    }
    sections.push({ name, type: s.type, flags: s.flags });
  }
  return { ok: true, raw, sections };
}

/** Parses an ELF64 LE x86-64 object's section headers and .symtab. */
export function readElfSymbols(bytes: Buffer): ElfReadResult {
  if (
    bytes.length >= 4 &&
    (bytes.readUInt32BE(0) === BITCODE_MAGIC || bytes.readUInt32LE(0) === BITCODE_WRAPPER_MAGIC)
  ) {
    return { ok: false, message: `LLVM bitcode: ${LTO_MESSAGE}`, lto: true };
  }
  const parsed = parseSections(bytes);
  if (!parsed.ok) return parsed;
  const { raw, sections } = parsed;

  // Section 0 is reserved (gABI): nm reads no symbol table there (readelf does).
  const symtabIndex = raw.findIndex((s, i) => i > 0 && s.type === SHT.SYMTAB);
  if (symtabIndex < 0) return { ok: true, table: { sections, symbols: [] } };
  const symtab = raw[symtabIndex];
  const strtab = raw[symtab.link];
  if (!strtab) return { ok: false, message: "symbol table has no string table" };
  const strings = stringTable(bytes, strtab, symtab.link);
  if (typeof strings === "string") return { ok: false, message: strings };
  const count = Math.floor(symtab.size / SYMBOL_SIZE);
  // SHT_SYMTAB_SHNDX: one 32-bit section index per symbol, for the symbols
  // whose st_shndx is SHN_XINDEX (the sections numbered 0xff00 and up).
  const shndxIndex = raw.findIndex((s) => s.type === SHT.SYMTAB_SHNDX && s.link === symtabIndex);
  const shndx = raw[shndxIndex];
  if (shndx && shndx.size < count * 4) {
    return {
      ok: false,
      message: `SHT_SYMTAB_SHNDX section ${shndxIndex} holds ${shndx.size} bytes, not 4 for each of the ${count} symbols`,
    };
  }

  const symbols: ElfSymbol[] = [];
  // Entry 0 is the reserved null symbol.
  for (let i = 1; i < count; i++) {
    const at = symtab.offset + i * SYMBOL_SIZE;
    const info = bytes[at + 4];
    let sectionIndex = bytes.readUInt16LE(at + 6);
    const special =
      sectionIndex === SHN.UNDEF || (sectionIndex >= SHN.LORESERVE && sectionIndex !== SHN.XINDEX);
    if (sectionIndex === SHN.XINDEX) {
      // Without any SHT_SYMTAB_SHNDX nm refuses the object too ("references
      // nonexistent SHT_SYMTAB_SHNDX section"); one linked to another section
      // (sh_link) is not this table's, as readelf reads it (nm takes it all the same).
      if (!shndx)
        return {
          ok: false,
          message: `symbol ${i} has SHN_XINDEX but no SHT_SYMTAB_SHNDX section belongs to the symbol table`,
        };
      sectionIndex = bytes.readUInt32LE(shndx.offset + i * 4);
    }
    const nameOffset = bytes.readUInt32LE(at);
    const name = cString(strings, nameOffset);
    if (name === undefined) {
      return {
        ok: false,
        message: `symbol ${i}'s name (offset ${nameOffset}) is outside its string table (section ${symtab.link}, ${strings.length} bytes)`,
      };
    }
    const size = u64(bytes, at + 16, `symbol ${i} (${name})'s st_size`);
    if (typeof size === "string") return { ok: false, message: size };
    symbols.push({ name, type: info & 0xf, binding: info >> 4, sectionIndex, special, size });
  }
  if (symbols.some((sym) => sym.name === GCC_LTO_SLIM)) {
    return { ok: false, message: `gcc slim LTO object: ${LTO_MESSAGE}`, lto: true };
  }
  return { ok: true, table: { sections, symbols } };
}

/**
 * The contents of each named section (the first of that name) of an x86-64
 * ELF object; a name the object lacks (or an SHT_NOBITS section) maps to
 * undefined.
 */
export function readElfSections(
  bytes: Buffer,
  names: readonly string[],
):
  { ok: true; contents: ReadonlyMap<string, Buffer | undefined> } | { ok: false; message: string } {
  const parsed = parseSections(bytes);
  if (!parsed.ok) return parsed;
  const contents = new Map<string, Buffer | undefined>();
  for (const name of names) {
    const i = parsed.sections.findIndex((s) => s.name === name);
    const raw = parsed.raw[i];
    contents.set(
      name,
      raw && raw.type !== SHT.NOBITS
        ? bytes.subarray(raw.offset, raw.offset + raw.size)
        : undefined,
    );
  }
  return { ok: true, contents };
}
