/*
 * generator/toolchain/elf.ts against readelf and nm, the independent truth: every
 * section (name, type, flags) and every symbol (name, type, binding, section
 * index, size) of compiled and assembled objects as readelf prints them, and
 * objects edited by hand (offsets in ./readelf.ts) into the shapes gcc never
 * writes: refused where nm and readelf call them corrupt, read where they read.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { LTO_MESSAGE, readElfSymbols } from "../../../generator/toolchain/elf";
import { nmSizeSort } from "../../../generator/toolchain/symbols";
import { fileTempDir, findClang, nmSizeSortOf } from "../../size/helpers";
import {
  expectReadelfAgrees,
  read,
  readelfSections,
  sectionOfType,
  sh,
  sym,
  u64,
} from "../../size/readelf";

const dir = fileTempDir("elf-readelf");
const at = (name: string) => path.join(dir, name);

describe("every section and symbol as readelf prints them", () => {
  test.each([
    ["gcc -O2 fixtures/symbols.c", "symbols.c"],
    ["gcc fixtures/symbol-kinds.s", "symbol-kinds.s"],
  ])("%s", (_label, fixture) => {
    const object = at(`${fixture}.o`);
    execFileSync("gcc", [
      "-O2",
      "-c",
      path.join(__dirname, "..", "..", "size", "fixtures", fixture),
      "-o",
      object,
    ]);
    const table = expectReadelfAgrees(object);
    expect(table.symbols.length).toBeGreaterThan(20);
    expect(table.symbols.some((s) => s.type === 3 /* STT_SECTION */ || s.special)).toBe(true);
  });
});

/**
 * A small object (as fixtures/symbols.c's compile, but assembled here so the
 * layout is known): 0 null, 1 .text, 2 .rela.text, 3 .data, 4 .bss, 5 .symtab,
 * 6 .strtab, 7 .shstrtab; symbols 1 gfunc (.text, 5 bytes), 2 ext
 * (undefined), 3 gdata (.data, 8); .strtab is 17 bytes, .shstrtab 49. The first test pins that layout against readelf.
 */
const SMALL = `\t.text
\t.globl\tgfunc
\t.type\tgfunc, @function
gfunc:\tcall\text
\t.size\tgfunc, 5
\t.data
\t.globl\tgdata
\t.type\tgdata, @object
gdata:\t.quad\t1
\t.size\tgdata, 8
`;

let small = Buffer.alloc(0);
beforeAll(() => {
  fs.writeFileSync(at("small.s"), SMALL);
  execFileSync("as", [at("small.s"), "-o", at("small.o")]);
  small = fs.readFileSync(at("small.o"));
});

describe("hand-edited objects", () => {
  /** `small` edited, written to `name` for nm and readelf. */
  const edited = (name: string, edit: (b: Buffer) => Buffer | void) => {
    const copy = Buffer.from(small);
    const b = edit(copy) ?? copy;
    fs.writeFileSync(at(name), b);
    return b;
  };
  const symtabOffset = (b: Buffer) => u64(b, sh(b, 5, "offset"));
  /** A tool's stdout and stderr together (nm warns on stderr and goes on). */
  const tool = (command: string, ...args: string[]) => {
    const r = spawnSync(command, args, { encoding: "utf8" });
    return r.stdout + r.stderr;
  };

  test("the layout the edits rely on, as readelf prints it", () => {
    const table = expectReadelfAgrees(at("small.o"));
    expect(table.sections.map((s) => s.name)).toEqual([
      "",
      ".text",
      ".rela.text",
      ".data",
      ".bss",
      ".symtab",
      ".strtab",
      ".shstrtab",
    ]);
    expect(table.symbols.map((s) => s.name)).toEqual(["gfunc", "ext", "gdata"]);
  });

  test.each<[string, (b: Buffer) => Buffer | void, string, [string, RegExp] | undefined]>([
    [
      "symbol table's sh_link past the last section",
      (b) => void b.writeUInt32LE(8, sh(b, 5, "link")),
      "symbol table has no string table",
      undefined,
    ],
    [
      "gfunc's st_name at the end of the string table",
      (b) => void b.writeUInt32LE(u64(b, sh(b, 6, "size")), sym(symtabOffset(b), 1, "name")),
      "symbol 1's name (offset 17) is outside its string table (section 6, 17 bytes)",
      ["nm", /invalid string offset 17 >= 17 for section `\.strtab'/],
    ],
    [
      "the string table's last byte not NUL",
      (b) => void (b[u64(b, sh(b, 6, "offset")) + u64(b, sh(b, 6, "size")) - 1] = 0x58),
      "string table (section 6) does not end with a NUL byte",
      ["nm", /\(null\)/],
    ],
    [
      "the section name table's last byte not NUL",
      (b) => void (b[u64(b, sh(b, 7, "offset")) + u64(b, sh(b, 7, "size")) - 1] = 0x58),
      "string table (section 7) does not end with a NUL byte",
      undefined,
    ],
    [
      ".text's sh_name at the end of the section name table",
      (b) => void b.writeUInt32LE(u64(b, sh(b, 7, "size")), sh(b, 1, "name")),
      "section 1's name (offset 49) is outside the section name table (49 bytes)",
      ["readelf", /<corrupt>/],
    ],
    [
      "only the 64-byte ELF header, e_shoff 0",
      (b) => {
        const header = b.subarray(0, 64);
        header.writeBigUInt64LE(0n, 0x28);
        header.writeUInt16LE(0, 0x3c);
        header.writeUInt16LE(0, 0x3e);
        return header;
      },
      "no section header table",
      ["readelf", /There are no sections in this file/],
    ],
    ["63 bytes of the header", (b) => b.subarray(0, 63), "not an ELF file", undefined],
    ["3 bytes", (b) => b.subarray(0, 3), "not an ELF file", undefined],
    ["nothing", (b) => b.subarray(0, 0), "not an ELF file", undefined],
  ])("%s: refused", (label, edit, message, witness) => {
    const file = `${label.replace(/\W+/g, "_")}.o`;
    expect(readElfSymbols(edited(file, edit))).toEqual({ ok: false, message });
    if (witness)
      expect(tool(witness[0], witness[0] === "nm" ? "-S" : "-SW", at(file))).toMatch(witness[1]);
  });

  test("extended numbering written into section 0 (e_shnum 0, e_shstrndx SHN_XINDEX) reads the same", () => {
    edited("extended.o", (b) => {
      b.writeBigUInt64LE(BigInt(b.readUInt16LE(0x3c)), sh(b, 0, "size"));
      b.writeUInt32LE(b.readUInt16LE(0x3e), sh(b, 0, "link"));
      b.writeUInt16LE(0, 0x3c);
      b.writeUInt16LE(0xffff, 0x3e);
    });
    expect(execFileSync("readelf", ["-hW", at("extended.o")], { encoding: "utf8" })).toMatch(
      /Number of section headers:\s+0 \(8\)/,
    );
    expect(expectReadelfAgrees(at("extended.o"))).toEqual(read(small));
  });

  test("no symbol table (objcopy --strip-all): the sections, no symbols, as nm says", () => {
    execFileSync("objcopy", [
      "--strip-all",
      "--keep-symbol=nothing",
      at("small.o"),
      at("stripped.o"),
    ]);
    expect(tool("nm", at("stripped.o"))).toMatch(/no symbols/);
    const sections = readelfSections(at("stripped.o"));
    expect(sections.map((s) => s.type)).not.toContain(2 /* SHT_SYMTAB */);
    expect(read(at("stripped.o"))).toEqual({ sections, symbols: [] });
  });

  test("an empty string table beside a symbol table of only the null symbol: no symbols, as nm says", () => {
    edited("empty-strtab.o", (b) => {
      b.writeBigUInt64LE(24n, sh(b, 5, "size"));
      b.writeBigUInt64LE(0n, sh(b, 6, "size"));
    });
    expect(tool("nm", at("empty-strtab.o"))).toMatch(/no symbols/);
    expect(read(at("empty-strtab.o"))).toEqual({
      sections: readelfSections(at("empty-strtab.o")),
      symbols: [],
    });
  });

  test("a symbol table in section 0 (reserved) is no symbol table, as nm says (readelf reads it)", () => {
    // .symtab's header copied over section 0's, .symtab itself made SHT_PROGBITS.
    edited("symtab-in-0.o", (b) => {
      b.copy(b, sh(b, 0, "name"), sh(b, 5, "name"), sh(b, 6, "name"));
      b.writeUInt32LE(1, sh(b, 5, "type"));
    });
    expect(tool("nm", at("symtab-in-0.o"))).toMatch(/no symbols/);
    expect(tool("readelf", "-sW", at("symtab-in-0.o"))).toMatch(/ gfunc$/m);
    expect(read(at("symtab-in-0.o")).symbols).toEqual([]);
  });

  test("a .bss far larger than the file is whole (no-bits sections occupy no file space)", () => {
    fs.writeFileSync(
      at("bss.s"),
      "\t.bss\n\t.globl big\n\t.type big, @object\nbig:\t.zero 0x1000000\n\t.size big, 0x1000000\n",
    );
    execFileSync("as", [at("bss.s"), "-o", at("bss.o")]);
    const b = fs.readFileSync(at("bss.o"));
    const bss = sectionOfType(b, 8 /* SHT_NOBITS */);
    expect(u64(b, sh(b, bss, "offset")) + u64(b, sh(b, bss, "size"))).toBeGreaterThan(b.length);
    expectReadelfAgrees(at("bss.o"));
    expect(nmSizeSort(read(b))).toEqual(nmSizeSortOf(at("bss.o")));
    expect(nmSizeSortOf(at("bss.o"))).toEqual([{ name: "big", size: 0x1000000, letter: "B" }]);
  });

  test("LLVM bitcode by its magic alone: 'BC' 0xC0DE, 4 bytes (file: LLVM IR bitcode)", () => {
    const magic = Buffer.from([0x42, 0x43, 0xc0, 0xde]);
    fs.writeFileSync(at("magic.bc"), magic);
    expect(tool("file", "-b", at("magic.bc"))).toMatch(/^LLVM IR bitcode/);
    expect(readElfSymbols(magic)).toEqual({
      ok: false,
      message: `LLVM bitcode: ${LTO_MESSAGE}`,
      lto: true,
    });
  });

  test("LLVM bitcode's wrapper by its magic alone: 0x0B17C0DE, little-endian", () => {
    const magic = Buffer.from([0xde, 0xc0, 0x17, 0x0b]);
    expect(readElfSymbols(magic)).toEqual({
      ok: false,
      message: `LLVM bitcode: ${LTO_MESSAGE}`,
      lto: true,
    });
  });

  const clang = findClang();
  (clang ? test : test.skip)(
    "LLVM bitcode in its wrapper (0x0B17C0DE, as clang writes for Darwin)",
    () => {
      fs.writeFileSync(at("w.c"), "int f(int x) { return x + 1; }\n");
      execFileSync(clang!, [
        "-target",
        "x86_64-apple-macosx",
        "-flto",
        "-c",
        at("w.c"),
        "-o",
        at("w.o"),
      ]);
      const b = fs.readFileSync(at("w.o"));
      expect(tool("file", "-b", at("w.o"))).toMatch(/^LLVM bitcode, wrapper/);
      expect(b.readUInt32LE(0)).toBe(0x0b17c0de);
      const r = readElfSymbols(b);
      expect(r).toMatchObject({ ok: false, lto: true });
      if (!r.ok) expect(r.message).toMatch(/^LLVM bitcode: /);
    },
  );
});

describe("nm --size-sort leaves out what BFD files away: no section, or a debugging type", () => {
  // gdata (symbol 3) moved by its st_shndx: BFD files it under the absolute
  // section, which nm --size-sort leaves out; gfunc stays 'T'.
  test.each<[string, number, number | undefined]>([
    ["SHN_LOPROC (0xff00)", 0xff00, undefined],
    ["SHN_LOOS (0xff20)", 0xff20, undefined],
    ["reserved 0xfff0", 0xfff0, undefined],
    ["past the last section (8)", 8, undefined],
    ["far past it (200), and weak", 200, 2 /* STB_WEAK */],
    [".rela.text (2)", 2, undefined],
    [".symtab (5)", 5, undefined],
    [".strtab (6)", 6, undefined],
    [".shstrtab (7)", 7, undefined],
  ])("%s", (label, shndx, binding) => {
    const file = at(`moved_${shndx}.o`);
    const b = Buffer.from(small);
    const symtab = u64(b, sh(b, 5, "offset"));
    b.writeUInt16LE(shndx, sym(symtab, 3, "shndx"));
    if (binding !== undefined)
      b[sym(symtab, 3, "info")] = (binding << 4) | (b[sym(symtab, 3, "info")] & 0xf);
    fs.writeFileSync(file, b);
    // readelf reads the index as written (PRC[0xff00], OS [0xff20], RSV[0xfff0]: special).
    if (shndx >= 0xff00) expectReadelfAgrees(file);
    // Plain nm still lists it: absolute ('a'), or weak object ('V').
    const plain = binding === undefined ? /^0+ a gdata$/im : /^0+ V gdata$/m;
    expect(execFileSync("nm", [file], { encoding: "utf8" })).toMatch(plain);
    const nm = nmSizeSortOf(file);
    expect(nm).toEqual([{ name: "gfunc", size: 5, letter: "T" }]);
    expect(nmSizeSort(read(b))).toEqual(nm);
  });

  // gdata's type made STT_FILE or STT_SECTION, its size kept: BFD marks those
  // symbols debugging ones, which nm hides (plain and --size-sort) without -a.
  test.each([
    ["STT_SECTION", 3],
    ["STT_FILE", 4],
  ])("a sized %s symbol is hidden", (label, type) => {
    const file = at(`typed_${type}.o`);
    const b = Buffer.from(small);
    const info = sym(u64(b, sh(b, 5, "offset")), 3, "info");
    b[info] = (b[info] & 0xf0) | type;
    fs.writeFileSync(file, b);
    expect(execFileSync("nm", [file], { encoding: "utf8" })).not.toMatch(/gdata/);
    const nm = nmSizeSortOf(file);
    expect(nm).toEqual([{ name: "gfunc", size: 5, letter: "T" }]);
    expect(nmSizeSort(read(b))).toEqual(nm);
  });

  test("a sized symbol without a name is left out on purpose (nm prints it nameless)", () => {
    // gdata's st_name made 0. nm --size-sort prints "0000000000000008 D " with no
    // name, a line bloat-o-meter cannot read (`size, type, name = line.split()`);
    // a size report has nothing to call it, so nmSizeSort leaves it out.
    const file = at("unnamed.o");
    const b = Buffer.from(small);
    b.writeUInt32LE(0, sym(u64(b, sh(b, 5, "offset")), 3, "name"));
    fs.writeFileSync(file, b);
    expect(execFileSync("nm", ["--size-sort", file], { encoding: "utf8" })).toMatch(/^0+8 D $/m);
    expect(nmSizeSort(read(b))).toEqual([{ name: "gfunc", size: 5, letter: "T" }]);
  });
});
