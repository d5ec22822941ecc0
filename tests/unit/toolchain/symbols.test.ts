import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { readElfSymbols } from "../../../generator/toolchain/elf";
import { foldName, foldSymbols, nmSizeSort } from "../../../generator/toolchain/symbols";
import { findClang, nmSizeSortOf, sortSymbols, fileTempDir } from "../../size/helpers";

const fixture = path.join(__dirname, "..", "..", "size", "fixtures", "symbols.c");
const kernelFlags = [
  "-std=gnu11",
  "-O2",
  "-fno-pic",
  "-mcmodel=kernel",
  "-mno-red-zone",
  "-fno-stack-protector",
];

function compile(compiler: string, extra: string[], out: string): string {
  execFileSync(compiler, [...kernelFlags, ...extra, "-c", fixture, "-o", out]);
  return out;
}

function symbolsOf(objectPath: string) {
  const result = readElfSymbols(fs.readFileSync(objectPath));
  if (!result.ok) throw new Error(result.message);
  return nmSizeSort(result.table);
}

const dir = fileTempDir("symbols");

const clang = findClang();
const builds: [string, string, string[]][] = [
  ["gcc -O2", "gcc", []],
  [
    "gcc -O2 -ffunction-sections -fdata-sections",
    "gcc",
    ["-ffunction-sections", "-fdata-sections"],
  ],
  ["gcc -O2 -g", "gcc", ["-g"]],
  ["gcc retpoline", "gcc", ["-mindirect-branch=thunk-extern", "-mindirect-branch-register"]],
  ...(clang ? ([["clang -O2", clang, []]] as [string, string, string[]][]) : []),
];

describe("nmSizeSort equals `nm --size-sort`", () => {
  test.each(builds)("%s", (label, compiler, extra) => {
    const object = compile(compiler, extra, path.join(dir, `${label.replace(/\W+/g, "_")}.o`));
    const ours = sortSymbols(symbolsOf(object));
    const nm = sortSymbols(nmSizeSortOf(object));
    expect(nm.length).toBeGreaterThan(10);
    expect(ours).toEqual(nm);
  });
});

describe("bloat-o-meter folding", () => {
  test.each([
    ["foo", "foo"],
    ["foo.constprop.0", "foo.constprop"],
    ["counter.12", "counter"],
    ["x.part.0.isra.3", "x.part.isra"],
    ["v2.name", "v2.name"],
    ["__UNIQUE_ID_license1495", "__UNIQUE_ID_license"],
    ["__UNIQUE_ID_license_1495", "__UNIQUE_ID_license_"],
    [
      "__UNIQUE_ID___addressable___SCK__kvm_x86_cache_reg300.268",
      "__UNIQUE_ID___addressable___SCK__kvm_x86_cache_reg",
    ],
    ["vmx_l1d_flush_pages2", "vmx_l1d_flush_pages2"],
  ])("%s -> %s", (given, want) => expect(foldName(given)).toBe(want));

  test("sums clones and static locals per folded name, keeps only t/d/b/r/w/v", () => {
    const object = compile("gcc", [], path.join(dir, "fold.o"));
    const listed = symbolsOf(object);
    const folded = foldSymbols([listed]);
    const byName = new Map(folded.map((s) => [s.name, s]));
    const counters = listed.filter((s) => /^counter\.\d+$/.test(s.name));
    expect(counters.length).toBe(2);
    expect(byName.get("counter")).toEqual({
      name: "counter",
      kind: "data",
      size: counters[0].size + counters[1].size,
    });
    expect(byName.get("cp.constprop")?.kind).toBe("function");
    expect(byName.get("weakfn")?.kind).toBe("function");
    expect(byName.get("weakobj")?.kind).toBe("data");
    expect(byName.get("grodata")?.size).toBe(64);
    const total = listed.reduce((sum, s) => sum + s.size, 0);
    expect(folded.reduce((sum, s) => sum + s.size, 0)).toBe(total);
  });

  test("sums the same name across objects", () => {
    const a = [{ name: "f", size: 10, letter: "T" }];
    const b = [
      { name: "f", size: 5, letter: "T" },
      { name: "ignored", size: 7, letter: "U" },
    ];
    expect(foldSymbols([a, b])).toEqual([{ name: "f", kind: "function", size: 15 }]);
  });
});

describe("readElfSymbols rejects what it cannot read", () => {
  test.each([
    ["empty", Buffer.alloc(0), "not an ELF file"],
    [
      "text",
      Buffer.from("hello world, this is not an object file at all; padding padding padding"),
      "not an ELF file",
    ],
  ])("%s", (_name, bytes, message) => {
    expect(readElfSymbols(bytes)).toEqual({ ok: false, message });
  });
});

describe("symbol names are UTF-8, as compilers write them and nm prints them", () => {
  test.each(builds)("%s: café", (label, compiler, extra) => {
    const object = compile(compiler, extra, path.join(dir, `utf8_${label.replace(/\W+/g, "_")}.o`));
    const names = symbolsOf(object).map((s) => s.name);
    expect(names).toContain("café");
    expect(names.filter((n) => /[\u0080-\u00ff]{2}/.test(n))).toEqual([]);
  });
});

describe("LTO objects are refused by name, not measured as empty", () => {
  const lto: [string, string, string[]][] = [
    ["gcc -flto", "gcc", ["-flto"]],
    ...(clang
      ? ([
          ["clang -flto=thin", clang, ["-flto=thin"]],
          ["clang -flto", clang, ["-flto"]],
        ] as [string, string, string[]][])
      : []),
  ];
  test.each(lto)("%s", (label, compiler, extra) => {
    const object = compile(compiler, extra, path.join(dir, `lto_${label.replace(/\W+/g, "_")}.o`));
    const read = readElfSymbols(fs.readFileSync(object));
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.lto).toBe(true);
    expect(read.message).toMatch(/LTO/);
    expect(read.message).toMatch(/-ffat-lto-objects/);
  });

  const fat: [string, string, string[]][] = [
    ["gcc -flto -ffat-lto-objects", "gcc", ["-flto", "-ffat-lto-objects"]],
    ...(clang
      ? ([["clang -flto=thin -ffat-lto-objects", clang, ["-flto=thin", "-ffat-lto-objects"]]] as [
          string,
          string,
          string[],
        ][])
      : []),
  ];
  test.each(fat)("%s is measured, and equals the plain build", (label, compiler, extra) => {
    const object = compile(compiler, extra, path.join(dir, `fat_${label.replace(/\W+/g, "_")}.o`));
    const plain = compile(compiler, [], path.join(dir, `plain_${label.replace(/\W+/g, "_")}.o`));
    const functions = (o: string) =>
      foldSymbols([symbolsOf(o)]).filter((s) => s.kind === "function");
    expect(functions(object).length).toBeGreaterThan(5);
    expect(functions(object)).toEqual(functions(plain));
  });
});
