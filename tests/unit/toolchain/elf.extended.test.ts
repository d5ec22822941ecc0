/*
 * generator/toolchain/elf.ts on an object with more than 0xff00 sections, assembled
 * here: the section count and name table index live in section 0 (e_shnum 0,
 * e_shstrndx SHN_XINDEX) and the symbols of the high sections are SHN_XINDEX
 * with their index in SHT_SYMTAB_SHNDX. readelf is the truth for what we read,
 * nm --size-sort for the letters, also in the real sections numbered like
 * SHN_X86_64_LCOMMON (0xff02), SHN_ABS (0xfff1) and SHN_COMMON (0xfff2).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { readElfSymbols } from "../../../generator/toolchain/elf";
import { nmSizeSort } from "../../../generator/toolchain/symbols";
import { fileTempDir, nmSizeSortOf } from "../../size/helpers";
import { byName, expectReadelfAgrees, read, sh, sectionOfType } from "../../size/readelf";

const dir = fileTempDir("elf-extended");
const at = (name: string) => path.join(dir, name);

describe("more than 0xff00 sections: extended section numbering", () => {
  // 65600 sections s0..s65599 (code, data, read-only in turn), each one byte;
  // `as` numbers them from 4 (after .text, .data, .bss). The first three and
  // the last 330 (sections 65274 on, across 0xff00 and 0xffff) hold a sized
  // symbol y<i>: few symbols keep the test quick, the high ones are the point.
  const count = 65600;
  const withSymbol = (i: number) => i < 3 || i >= 65270;
  const flags = ['"ax"', '"aw"', '"a"'];
  let object = "";
  beforeAll(() => {
    const lines: string[] = [];
    for (let i = 0; i < count; i++) {
      lines.push(`\t.section s${i},${flags[i % 3]},@progbits`);
      if (!withSymbol(i)) continue;
      lines.push(`\t.globl y${i}`, `\t.type y${i}, @object`, `y${i}:\t.byte 1`, `\t.size y${i}, 1`);
    }
    fs.writeFileSync(at("many.s"), lines.join("\n") + "\n");
    object = at("many.o");
    execFileSync("as", [at("many.s"), "-o", object]);
  });

  test("the object really uses extended numbering (readelf -h)", () => {
    const header = execFileSync("readelf", ["-hW", object], { encoding: "utf8" });
    expect(header).toMatch(/Number of section headers:\s+0 \(65608\)/);
    expect(header).toMatch(/Section header string table index:\s+65535 \(65607\)/);
  });

  test("sections and symbols as readelf prints them, SHN_XINDEX resolved", () => {
    const table = expectReadelfAgrees(object);
    expect(table.sections).toHaveLength(65608);
    // y65596 lives in section 65600, well past 0xffff: only SHT_SYMTAB_SHNDX can say so.
    expect(table.symbols.find((s) => s.name === "y65596")).toMatchObject({
      sectionIndex: 65600,
      special: false,
    });
  });

  test("nm --size-sort, letter for letter, also in the sections numbered 0xff02, 0xfff1 and 0xfff2", () => {
    const ours = nmSizeSort(read(object));
    const nm = nmSizeSortOf(object);
    expect(nm).toHaveLength(333);
    // Sections 0xff02, 0xfff1 and 0xfff2 (hold y65278, y65517, y65518: index - 4) are
    // ordinary code, data and read-only sections, not large common, absolute or common.
    const letters = Object.fromEntries(nm.map((s) => [s.name, s.letter]));
    expect([letters.y65278, letters.y65517, letters.y65518]).toEqual(["D", "T", "D"]);
    expect(byName(ours)).toEqual(byName(nm));
  });

  const shndx = (b: Buffer) => sectionOfType(b, 18 /* SHT_SYMTAB_SHNDX */);

  test.each<[string, (b: Buffer) => void, RegExp]>([
    [
      // Symbol 10 is y65276 (after y0..y2 and y65270..y65275), in section 65280 = 0xff00.
      "SHT_SYMTAB_SHNDX linked to no symbol table (sh_link 0): readelf prints RSV[0xffff]",
      (b) => b.writeUInt32LE(0, sh(b, shndx(b), "link")),
      /^symbol 10 has SHN_XINDEX but no SHT_SYMTAB_SHNDX section belongs to the symbol table$/,
    ],
    [
      "SHT_SYMTAB_SHNDX one entry short",
      (b) => {
        const size = sh(b, shndx(b), "size");
        b.writeBigUInt64LE(b.readBigUInt64LE(size) - 4n, size);
      },
      /^SHT_SYMTAB_SHNDX section 65605 holds 1332 bytes, not 4 for each of the 334 symbols$/,
    ],
  ])("%s: refused", (_label, edit, message) => {
    const b = fs.readFileSync(object);
    edit(b);
    const r = readElfSymbols(b);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  test("readelf sees the unlinked SHT_SYMTAB_SHNDX as we do", () => {
    const b = fs.readFileSync(object);
    b.writeUInt32LE(0, sh(b, shndx(b), "link"));
    fs.writeFileSync(at("unlinked.o"), b);
    const out = execFileSync("readelf", ["-sW", at("unlinked.o")], {
      encoding: "utf8",
      maxBuffer: 1 << 30,
    });
    expect(out).toMatch(/ RSV\[0xffff\] y65300$/m);
  });
});
