/*
 * readelf's and nm's view of an object in the shapes generator/toolchain/elf.ts
 * gives, for the tests that hold our ELF reader to them, and the System V gABI
 * offsets those tests edit objects at: ELF64 header e_shoff 0x28, e_shnum
 * 0x3c, e_shstrndx 0x3e; section header (64 bytes) sh_name +0, sh_type +4,
 * sh_offset +24, sh_size +32, sh_link +40; symbol (24 bytes) st_name +0,
 * st_info +4, st_shndx +6, st_size +16.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import { ElfSymbolTable, readElfSymbols } from "../../generator/toolchain/elf";

export const E_SHOFF = 0x28;
export const E_SHNUM = 0x3c;
export const E_SHSTRNDX = 0x3e;
export const SH = { name: 0, type: 4, offset: 24, size: 32, link: 40 } as const;
export const SYM = { name: 0, info: 4, shndx: 6, size: 16 } as const;
/** Symbol `i`'s field offset in the symbol table at file offset `symtab`. */
export const sym = (symtab: number, i: number, field: keyof typeof SYM) =>
  symtab + i * 24 + SYM[field];

/** Section `i`'s header field offset in `b` (e_shoff + i * e_shentsize + field). */
export const sh = (b: Buffer, i: number, field: keyof typeof SH) =>
  Number(b.readBigUInt64LE(E_SHOFF)) + i * 64 + SH[field];
export const u64 = (b: Buffer, offset: number) => Number(b.readBigUInt64LE(offset));
/** The number of sections: e_shnum, or when that is 0, section 0's sh_size (gABI). */
export const sectionCount = (b: Buffer) => b.readUInt16LE(E_SHNUM) || u64(b, sh(b, 0, "size"));
/** The first section of ELF type `type` (SHT_*), by scanning the headers. */
export const sectionOfType = (b: Buffer, type: number) => {
  for (let i = 0; i < sectionCount(b); i++) if (b.readUInt32LE(sh(b, i, "type")) === type) return i;
  throw new Error(`no section of type ${type}`);
};

/** The names readelf prints, as the gABI numbers them. */
export const SECTION_TYPES: Record<string, number> = {
  NULL: 0,
  PROGBITS: 1,
  SYMTAB: 2,
  STRTAB: 3,
  RELA: 4,
  NOTE: 7,
  NOBITS: 8,
  GROUP: 17,
  "SYMTAB SECTION INDICES": 18,
  X86_64_UNWIND: 0x70000001,
};
/** readelf's flag letters (its "Key to Flags") and their SHF_* bits. */
export const FLAG_BITS: Record<string, number> = {
  W: 0x1,
  A: 0x2,
  X: 0x4,
  M: 0x10,
  S: 0x20,
  I: 0x40,
  L: 0x80,
  O: 0x100,
  G: 0x200,
  T: 0x400,
  C: 0x800,
  E: 0x80000000,
  l: 0x10000000, // SHF_X86_64_LARGE
};
export const SYMBOL_TYPES: Record<string, number> = {
  NOTYPE: 0,
  OBJECT: 1,
  FUNC: 2,
  SECTION: 3,
  FILE: 4,
  TLS: 6,
  IFUNC: 10,
};
export const BINDINGS: Record<string, number> = { LOCAL: 0, GLOBAL: 1, WEAK: 2, UNIQUE: 10 };
/** readelf's names for the reserved section indices (st_shndx) it prints by name. */
export const SPECIAL_INDICES: Record<string, number> = {
  UND: 0,
  LARGE_COM: 0xff02,
  ABS: 0xfff1,
  COM: 0xfff2,
};

export const known = <T>(table: Record<string, T>, key: string, what: string): T => {
  if (!(key in table))
    throw new Error(`readelf printed ${what} ${JSON.stringify(key)}, not in this test's table`);
  return table[key];
};

/** `readelf -SW`, each section as readElfSymbols gives it. */
export function readelfSections(file: string) {
  const out = execFileSync("readelf", ["-SW", file], { encoding: "utf8", maxBuffer: 1 << 30 });
  const row =
    /^\s*\[\s*\d+\] (\S*)\s+(.+?)\s+[0-9a-f]{16} [0-9a-f]+ [0-9a-f]+ [0-9a-f]{2}\s+([A-Za-z]*)\s+\d+\s+\d+\s+\d+$/;
  return out
    .split("\n")
    .flatMap((line) => {
      const m = row.exec(line);
      return m ? [m] : [];
    })
    .map(([, name, type, flags]) => ({
      name,
      type: known(SECTION_TYPES, type, "section type"),
      flags: [...flags].reduce((bits, letter) => bits | known(FLAG_BITS, letter, "flag"), 0) >>> 0,
    }));
}

/** `readelf -sW` on .symtab, each symbol but the null one as readElfSymbols gives it. */
export function readelfSymbols(file: string, sections: readonly { name: string }[]) {
  // --unicode=escape: readelf 2.40's default display drops the last byte of a
  // name ending in a multi-byte character (café prints as caf\xc3).
  const out = execFileSync("readelf", ["-sW", "--unicode=escape", file], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  const entries = Number(/Symbol table '\.symtab' contains (\d+) entries/.exec(out)![1]);
  // Ndx: a number, a name (UND, ABS, …), or a reserved index readelf spells out
  // by range: PRC[0xff00] (processor), OS [0xff20], RSV[0xfff0].
  const row =
    /^\s*(\d+): [0-9a-f]{16}\s+(\S+) (\S+)\s+(\S+)\s+\S+\s+((?:PRC|OS |RSV)\[0x[0-9a-f]{4}\]|\S+)(?: (.*))?$/;
  const symbols = out
    .split("\n")
    .flatMap((line) => {
      const m = row.exec(line);
      return m && m[1] !== "0" ? [m] : [];
    })
    .map(([, , size, type, bind, ndx, name = ""]) => {
      const reserved = /\[(0x[0-9a-f]{4})\]$/.exec(ndx);
      const special = ndx in SPECIAL_INDICES || reserved !== null;
      const sectionIndex = reserved
        ? Number(reserved[1])
        : special
          ? SPECIAL_INDICES[ndx]
          : Number(ndx);
      if (!special && !/^\d+$/.test(ndx)) throw new Error(`readelf printed Ndx ${ndx}`);
      // readelf names a section symbol (st_name 0) after its section; the ELF name is empty.
      if (type === "SECTION") expect(name).toBe(sections[sectionIndex].name);
      return {
        name:
          type === "SECTION"
            ? ""
            : name.replace(/\\u([0-9a-f]{4})/g, (_: string, hex: string) =>
                String.fromCharCode(parseInt(hex, 16)),
              ),
        type: known(SYMBOL_TYPES, type, "symbol type"),
        binding: known(BINDINGS, bind, "binding"),
        sectionIndex,
        special,
        size: Number(size), // decimal, or 0x… hex when large
      };
    });
  expect(symbols).toHaveLength(entries - 1);
  return symbols;
}

export const read = (file: string | Buffer): ElfSymbolTable => {
  const r = readElfSymbols(Buffer.isBuffer(file) ? file : fs.readFileSync(file));
  if (!r.ok) throw new Error(r.message);
  return r.table;
};

/** One line per entry: jest compares 65,000 strings far faster than as many objects. */
const lines = <T extends object>(xs: readonly T[]) =>
  xs.map((x) => JSON.stringify(x, Object.keys(x).sort()));

/** readElfSymbols(file) gives the sections and symbols readelf prints. */
export const expectReadelfAgrees = (file: string) => {
  const table = read(file);
  const sections = readelfSections(file);
  expect(lines(table.sections)).toEqual(lines(sections));
  expect(lines(table.symbols)).toEqual(lines(readelfSymbols(file, sections)));
  return table;
};

export const byName = <T extends { name: string }>(xs: readonly T[]) =>
  [...xs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
