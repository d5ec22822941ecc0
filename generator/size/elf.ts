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
  /** Section index (after resolving SHN_XINDEX), or a special SHN_* value. */
  readonly sectionIndex: number;
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

export const SHT = { NOBITS: 8, SYMTAB: 2, SYMTAB_SHNDX: 18 } as const;
export const SHF = { WRITE: 0x1, ALLOC: 0x2, EXECINSTR: 0x4 } as const;
export const STT = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3, FILE: 4, GNU_IFUNC: 10 } as const;
export const STB = { LOCAL: 0, GLOBAL: 1, WEAK: 2, GNU_UNIQUE: 10 } as const;
/** Special section indices; X86_64_LCOMMON is gcc's `.largecomm` (the x86-64 psABI's large common). */
export const SHN = {
  UNDEF: 0,
  X86_64_LCOMMON: 0xff02,
  ABS: 0xfff1,
  COMMON: 0xfff2,
  XINDEX: 0xffff,
} as const;

const EM_X86_64 = 62;
const SECTION_HEADER_SIZE = 64;
const SYMBOL_SIZE = 24;

function cString(bytes: Buffer, offset: number): string {
  if (offset >= bytes.length) return "";
  const end = bytes.indexOf(0, offset);
  // Symbol names are bytes; compilers write non-ASCII identifiers (café) as
  // UTF-8, which is also how nm prints them.
  return bytes.toString("utf8", offset, end < 0 ? bytes.length : end);
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

  const shoff = Number(bytes.readBigUInt64LE(0x28));
  const shentsize = bytes.readUInt16LE(0x3a);
  let shnum = bytes.readUInt16LE(0x3c);
  let shstrndx = bytes.readUInt16LE(0x3e);
  if (shoff === 0) return { ok: false, message: "no section header table" };
  if (shentsize !== SECTION_HEADER_SIZE)
    return { ok: false, message: `unexpected e_shentsize ${shentsize}` };

  const readSection = (index: number): RawSection | undefined => {
    const at = shoff + index * SECTION_HEADER_SIZE;
    if (at + SECTION_HEADER_SIZE > bytes.length) return undefined;
    return {
      nameOffset: bytes.readUInt32LE(at),
      type: bytes.readUInt32LE(at + 4),
      flags: Number(bytes.readBigUInt64LE(at + 8)),
      offset: Number(bytes.readBigUInt64LE(at + 24)),
      size: Number(bytes.readBigUInt64LE(at + 32)),
      link: bytes.readUInt32LE(at + 40),
    };
  };
  // With 0xff00 sections or more, the real counts live in section 0.
  const zero = readSection(0);
  if (!zero) return { ok: false, message: "section header table is truncated" };
  if (shnum === 0) shnum = zero.size;
  if (shstrndx === SHN.XINDEX) shstrndx = zero.link;

  const raw: RawSection[] = [];
  for (let i = 0; i < shnum; i++) {
    const section = readSection(i);
    if (!section) return { ok: false, message: "section header table is truncated" };
    if (section.type !== SHT.NOBITS && section.offset + section.size > bytes.length) {
      return { ok: false, message: `section ${i} extends past the end of the file` };
    }
    raw.push(section);
  }
  const names = raw[shstrndx];
  if (!names) return { ok: false, message: "no section name table" };
  const sectionNames = bytes.subarray(names.offset, names.offset + names.size);
  const sections: ElfSection[] = raw.map((s) => ({
    name: cString(sectionNames, s.nameOffset),
    type: s.type,
    flags: s.flags,
  }));
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

  const symtabIndex = raw.findIndex((s) => s.type === SHT.SYMTAB);
  if (symtabIndex < 0) return { ok: true, table: { sections, symbols: [] } };
  const symtab = raw[symtabIndex];
  const strtab = raw[symtab.link];
  if (!strtab) return { ok: false, message: "symbol table has no string table" };
  const strings = bytes.subarray(strtab.offset, strtab.offset + strtab.size);
  const shndxSection = raw.find((s) => s.type === SHT.SYMTAB_SHNDX && s.link === symtabIndex);

  const symbols: ElfSymbol[] = [];
  const count = Math.floor(symtab.size / SYMBOL_SIZE);
  // Entry 0 is the reserved null symbol.
  for (let i = 1; i < count; i++) {
    const at = symtab.offset + i * SYMBOL_SIZE;
    const info = bytes[at + 4];
    let sectionIndex = bytes.readUInt16LE(at + 6);
    if (sectionIndex === SHN.XINDEX && shndxSection) {
      sectionIndex = bytes.readUInt32LE(shndxSection.offset + i * 4);
    }
    symbols.push({
      name: cString(strings, bytes.readUInt32LE(at)),
      type: info & 0xf,
      binding: info >> 4,
      sectionIndex,
      size: Number(bytes.readBigUInt64LE(at + 16)),
    });
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
