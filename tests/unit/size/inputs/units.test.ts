/*
 * Which units of a compile database a size run measures
 * (generator/size/inputs/units.ts): --units globs tried on the path below the
 * tree's root and on the absolute path, a file listed twice taken once (the
 * first entry), and without globs the units that can reach the header's
 * directory by their own location or an include path.
 */
import { reachesDirectory, selectUnits } from "../../../../generator/size/inputs/units";
import type { CompileCommand } from "../../../../generator/toolchain/compile-db";

const unit = (file: string, argv: string[] = ["gcc", "-c", file], index = 0): CompileCommand => ({
  directory: "/build",
  file,
  argv,
  index,
});

describe("selectUnits", () => {
  const units = [
    unit("/src/arch/x86/kvm/x86.c", undefined, 0),
    unit("/src/arch/x86/kvm/svm/svm.c", undefined, 1),
    unit("/src/scripts/kconfig/conf.c", undefined, 2),
    unit("/src/arch/x86/kvm/x86.c", ["gcc", "-DOTHER", "-c", "x86.c"], 3),
    unit("/src/.hidden/h.c", undefined, 4),
  ];
  const pick = (globs: string[]) => selectUnits(units, globs, "/src").map((u) => u.index);

  test.each<[string, string[], number[]]>([
    ["no globs: every file once, the first entry of each", [], [0, 1, 2, 4]],
    ["a glob below the root", ["arch/x86/kvm/**"], [0, 1]],
    ["one level only", ["arch/x86/kvm/*.c"], [0]],
    ["an absolute glob", ["/src/scripts/**"], [2]],
    ["several globs", ["**/svm.c", "scripts/**"], [1, 2]],
    ["dot directories match", ["**/h.c"], [4]],
    ["nothing matches", ["drivers/**"], []],
  ])("%s", (_name, globs, want) => expect(pick(globs)).toEqual(want));

  test("a file listed twice that a glob takes: its first entry", () => {
    const twice = [unit("/src/a.c", undefined, 0), unit("/src/a.c", undefined, 1)];
    expect(selectUnits(twice, ["a.c"], "/src").map((u) => u.index)).toEqual([0]);
  });
});

describe("reachesDirectory", () => {
  const kvm = "/src/arch/x86/kvm";
  test.each<[string, CompileCommand, boolean]>([
    ["its source lies in the directory", unit(`${kvm}/x86.c`), true],
    ["its source lies below it", unit(`${kvm}/svm/svm.c`), true],
    ["its source lies elsewhere", unit("/src/lib/a.c"), false],
    ["its source lies below it, in a directory named ..svm", unit(`${kvm}/..svm/svm.c`), true],
    ["-I a directory of it named ..svm", unit("/src/lib/a.c", ["gcc", `-I${kvm}/..svm`]), true],
    ["-I its parent, by ..", unit("/src/lib/a.c", ["gcc", `-I${kvm}/..`]), false],
    ["-I DIR, separate", unit("/src/lib/a.c", ["gcc", "-I", kvm, "-c", "a.c"]), true],
    ["-IDIR, joined", unit("/src/lib/a.c", ["gcc", `-I${kvm}`, "-c", "a.c"]), true],
    ["-iquote below it", unit("/src/lib/a.c", ["gcc", "-iquote", `${kvm}/svm`]), true],
    ["-isystem elsewhere", unit("/src/lib/a.c", ["gcc", "-isystem", "/src/include"]), false],
    [
      "-include of a file in it",
      unit("/src/lib/a.c", ["gcc", "-include", `${kvm}/kvm_cache_regs.h`]),
      true,
    ],
    [
      "a relative -I, resolved against the unit's directory",
      { directory: "/src/arch", file: "/src/lib/a.c", argv: ["gcc", "-Ix86/kvm"], index: 0 },
      true,
    ],
    ["a prefix of the name is not inside", unit("/src/lib/a.c", ["gcc", `-I${kvm}-extra`]), false],
    ["-I as the last word, no value", unit("/src/lib/a.c", ["gcc", "-I"]), false],
    ["the compiler itself is not an option", unit("/src/lib/a.c", [`-I${kvm}`, "-c"]), false],
  ])("%s: %s", (_name, u, want) => expect(reachesDirectory(u, kvm)).toBe(want));
});
