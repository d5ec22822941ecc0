/*
 * readElfSymbols (generator/toolchain/elf.ts) on an object damaged one field at a
 * time: each refusal names what is wrong (the size command prints it beside
 * the object's path) instead of measuring garbage. The object is the ELF
 * symbols.test.ts compiles; the offsets are the ELF64 header's and section
 * header's fields (System V gABI).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { readElfSections, readElfSymbols } from "../../../generator/toolchain/elf";
import { fileTempDir } from "../../size/helpers";

const dir = fileTempDir("elf-damaged");
let object: Buffer;
beforeAll(() => {
  const out = path.join(dir, "symbols.o");
  execFileSync("gcc", [
    "-O2",
    "-c",
    path.join(__dirname, "..", "..", "size", "fixtures", "symbols.c"),
    "-o",
    out,
  ]);
  object = fs.readFileSync(out);
});

const E_SHOFF = 0x28;
const E_SHENTSIZE = 0x3a;
const E_SHNUM = 0x3c;
const E_SHSTRNDX = 0x3e;
const shoff = (b: Buffer) => Number(b.readBigUInt64LE(E_SHOFF));
/** Section `i`'s sh_flags, sh_offset and sh_size. */
const shField = (b: Buffer, i: number, field: "flags" | "offset" | "size") =>
  shoff(b) + i * 64 + { flags: 8, offset: 24, size: 32 }[field];

const damaged = (edit: (b: Buffer) => Buffer | void): Buffer => {
  const copy = Buffer.from(object);
  return edit(copy) ?? copy;
};

test("the undamaged object reads", () => {
  const r = readElfSymbols(object);
  expect(r.ok && r.table.symbols.length).toBeGreaterThan(10);
});

test.each<[string, (b: Buffer) => Buffer | void, string]>([
  ["ELF32 (EI_CLASS 1)", (b) => void (b[4] = 1), "not a 64-bit little-endian ELF file"],
  ["big-endian (EI_DATA 2)", (b) => void (b[5] = 2), "not a 64-bit little-endian ELF file"],
  [
    "an i386 object (e_machine 3)",
    (b) => void b.writeUInt16LE(3, 18),
    "ELF machine 3 is not x86-64",
  ],
  [
    "no section header table (e_shoff 0)",
    (b) => void b.writeBigUInt64LE(0n, E_SHOFF),
    "no section header table",
  ],
  [
    "ELF32-sized section headers (e_shentsize 40)",
    (b) => void b.writeUInt16LE(40, E_SHENTSIZE),
    "unexpected e_shentsize 40",
  ],
  [
    "cut inside the first section header",
    (b) => b.subarray(0, shoff(b) + 63),
    "section header table is truncated",
  ],
  [
    "cut inside the last section header",
    (b) => b.subarray(0, b.length - 1),
    "section header table is truncated",
  ],
  [
    "a section past the end of the file",
    (b) => void b.writeBigUInt64LE(BigInt(b.length), shField(b, 1, "size")),
    "section 1 extends past the end of the file",
  ],
  [
    "no section name table (e_shstrndx past the last section)",
    (b) => void b.writeUInt16LE(b.readUInt16LE(E_SHNUM), E_SHSTRNDX),
    "no section name table",
  ],
])("%s", (_name, edit, message) => {
  expect(readElfSymbols(damaged(edit))).toEqual({ ok: false, message });
});

/** Where symbol 1's st_size is: in the SHT_SYMTAB section (sh_type 2), 24 bytes per symbol. */
function symbolSizeAt(b: Buffer): number {
  const count = b.readUInt16LE(E_SHNUM);
  for (let i = 1; i < count; i++)
    if (b.readUInt32LE(shoff(b) + i * 64 + 4) === 2)
      return Number(b.readBigUInt64LE(shField(b, i, "offset"))) + 24 + 16;
  throw new Error("no symbol table");
}

describe("a 64-bit field past 2^53 - 1 is refused, never rounded", () => {
  const past = 2n ** 53n + 1n;
  test.each<[string, (b: Buffer) => void, string]>([
    [
      "e_shoff",
      (b) => void b.writeBigUInt64LE(2n ** 64n - 1n, E_SHOFF),
      "e_shoff is 18446744073709551615, past 2^53 - 1 (no object is that large)",
    ],
    [
      "a section's sh_size",
      (b) => void b.writeBigUInt64LE(past, shField(b, 1, "size")),
      "section 1's sh_size is 9007199254740993, past 2^53 - 1 (no object is that large)",
    ],
    [
      "a section's sh_offset",
      (b) => void b.writeBigUInt64LE(past, shField(b, 1, "offset")),
      "section 1's sh_offset is 9007199254740993, past 2^53 - 1 (no object is that large)",
    ],
    [
      "a section's sh_flags",
      (b) => void b.writeBigUInt64LE(past, shField(b, 1, "flags")),
      "section 1's sh_flags is 9007199254740993, past 2^53 - 1 (no object is that large)",
    ],
  ])("%s", (_name, edit, message) => {
    expect(readElfSymbols(damaged(edit))).toEqual({ ok: false, message });
  });

  test("a symbol's st_size, named with the symbol", () => {
    const whole = readElfSymbols(object);
    if (!whole.ok) throw new Error(whole.message);
    const name = whole.table.symbols[0].name;
    expect(readElfSymbols(damaged((b) => void b.writeBigUInt64LE(past, symbolSizeAt(b))))).toEqual({
      ok: false,
      message: `symbol 1 (${name})'s st_size is 9007199254740993, past 2^53 - 1 (no object is that large)`,
    });
  });

  test("2^53 - 1 itself is read exactly", () => {
    const r = readElfSymbols(
      damaged((b) => void b.writeBigUInt64LE(2n ** 53n - 1n, symbolSizeAt(b))),
    );
    expect(r.ok && r.table.symbols[0].size).toBe(Number.MAX_SAFE_INTEGER);
  });
});

test("a section that ends exactly at the end of the file is whole", () => {
  // Section 1 (.text) resized to reach the last byte: still inside the file.
  const b = damaged((b) => {
    const offset = Number(b.readBigUInt64LE(shField(b, 1, "offset")));
    b.writeBigUInt64LE(BigInt(b.length - offset), shField(b, 1, "size"));
  });
  expect(readElfSymbols(b).ok).toBe(true);
});

test("readElfSections: a section's bytes as objcopy extracts them; none for no-bits or absent sections", () => {
  const text = path.join(dir, "text.bin");
  execFileSync("objcopy", [
    "-O",
    "binary",
    "--only-section=.text",
    path.join(dir, "symbols.o"),
    text,
  ]);
  const r = readElfSections(object, [".text", ".bss", ".no-such-section"]);
  if (!r.ok) throw new Error(r.message);
  expect(r.contents.get(".text")!.equals(fs.readFileSync(text))).toBe(true);
  expect(r.contents.get(".text")!.length).toBeGreaterThan(0);
  expect(r.contents.has(".bss")).toBe(true);
  expect(r.contents.get(".bss")).toBeUndefined();
  expect(r.contents.get(".no-such-section")).toBeUndefined();
  expect(
    readElfSections(
      damaged((b) => void (b[4] = 1)),
      [".text"],
    ),
  ).toEqual({
    ok: false,
    message: "not a 64-bit little-endian ELF file",
  });
});
