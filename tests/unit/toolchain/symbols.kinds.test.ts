/*
 * nmSizeSort (our ELF reader plus nm's type letters, generator/toolchain/symbols.ts)
 * against `nm --size-sort` itself on an object holding every kind of symbol nm
 * tells apart: the compiled fixtures of symbols.test.ts only have ordinary
 * functions and data, so the weak, unique, ifunc, common and absolute symbols,
 * the non-alloc, debug and no-bits sections and the PE section names BFD decides
 * on first (fixtures/symbol-kinds.s) are pinned here. Then bloat-o-meter's
 * selection over it: which letters are measured, and the kernel names it skips.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { readElfSymbols } from "../../../generator/toolchain/elf";
import { FUNCTION_LETTERS, foldSymbols, nmSizeSort } from "../../../generator/toolchain/symbols";
import { fileTempDir, nmSizeSortOf } from "../../size/helpers";

const dir = fileTempDir("symbol-kinds");
const object = path.join(dir, "symbol-kinds.o");
beforeAll(() => {
  execFileSync("gcc", [
    "-c",
    path.join(__dirname, "..", "..", "size", "fixtures", "symbol-kinds.s"),
    "-o",
    object,
  ]);
});

const ours = () => {
  const r = readElfSymbols(fs.readFileSync(object));
  if (!r.ok) throw new Error(r.message);
  return nmSizeSort(r.table);
};
const byName = <T extends { name: string }>(xs: readonly T[]) =>
  [...xs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

test("every symbol, size and type letter as nm --size-sort prints them", () => {
  const nm = nmSizeSortOf(object);
  // The fixture really has the kinds it is for (nm's letters, written out).
  expect(Object.fromEntries(nm.map((s) => [s.name, s.letter]))).toEqual({
    gfunc: "T",
    lfunc: "t",
    tother: "T",
    wfunc: "W",
    ifn: "i",
    wobj: "V",
    gdata: "D",
    rw: "D",
    uniq: "u",
    ro: "r",
    edy: "r",
    edz: "r",
    bs: "b",
    mb: "b",
    mrb: "b",
    common_sym: "C",
    lcom: "C",
    ed: "e",
    edx: "e",
    idt: "i",
    pdt: "p",
    drc: "i",
    dbg: "N",
    zdbg: "N",
    nt: "n",
    wn: "?",
    __mod_thing: "D",
    linux_banner: "d",
  });
  // An absolute symbol and an undefined one, each with a declared size: plain nm lists
  // them, --size-sort does not.
  const plain = execFileSync("nm", [object], { encoding: "utf8" });
  expect(plain).toMatch(/^0*1234 A abs_sym$/m);
  expect(plain).toMatch(/^\s+U ext$/m);
  expect(byName(ours())).toEqual(byName(nm));
});

test("bloat-o-meter's selection: its letters only, kernel artefacts skipped, -t functions only", () => {
  expect(foldSymbols([ours()]).map((s) => [s.name, s.kind, s.size])).toEqual([
    ["bs", "data", 16],
    ["edy", "data", 4],
    ["edz", "data", 4],
    ["gdata", "data", 8],
    ["gfunc", "function", 1],
    ["lfunc", "function", 2],
    ["mb", "data", 8],
    ["mrb", "data", 8],
    ["ro", "data", 4],
    ["rw", "data", 4],
    ["tother", "function", 1],
    ["wfunc", "function", 1],
    ["wobj", "data", 4],
  ]);
  expect(foldSymbols([ours()], FUNCTION_LETTERS).map((s) => s.name)).toEqual([
    "gfunc",
    "lfunc",
    "tother",
    "wfunc",
  ]);
});
