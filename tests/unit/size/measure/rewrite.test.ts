/*
 * A recorded compile turned into the one a size run executes
 * (generator/size/measure/rewrite.ts): outputs and dependency files
 * redirected, the source and include paths into the overlaid directory moved
 * to its mirror, __FILE__ mapped back through the recorded prefix maps; a
 * command that does not compile one source to one object refused with why.
 */
import { mapPath, rewriteCommand } from "../../../../generator/size/measure/rewrite";
import type { CompileCommand } from "../../../../generator/toolchain/compile-db";

const map = { treeDir: "/src/arch/x86/kvm", overlayDir: "/run/overlay/head" };
const outputs = { object: "/run/head/x86.o", depfile: "/run/head/x86.o.d" };
const unit = (argv: string[], file = "/src/arch/x86/kvm/x86.c"): CompileCommand => ({
  directory: "/build",
  file,
  argv,
  index: 0,
});
const tail = (prefix = "/src/arch/x86/kvm/") => [
  `-ffile-prefix-map=/run/overlay/head/=${prefix}`,
  "-MD",
  "-MF",
  outputs.depfile,
  "-o",
  outputs.object,
];

describe("mapPath", () => {
  test.each([
    ["/src/arch/x86/kvm/x86.c", "/run/overlay/head/x86.c"],
    ["/src/arch/x86/kvm", "/run/overlay/head"],
    ["../src/arch/x86/kvm/svm/svm.c", "/run/overlay/head/svm/svm.c"],
    ["/src/arch/x86/kvm-other/x.c", "/src/arch/x86/kvm-other/x.c"],
    ["/src/arch/x86/kvm/..svm/svm.c", "/run/overlay/head/..svm/svm.c"],
    ["/src/arch/x86/kvm/../x.c", "/src/arch/x86/kvm/../x.c"],
    ["include", "include"],
  ])("%s -> %s", (p, want) => expect(mapPath(map, "/build", p)).toBe(want));
});

describe("rewriteCommand", () => {
  test("kbuild's command: -Wp,-MMD and -o dropped, source and -I into the directory moved", () => {
    const rewritten = rewriteCommand(
      unit([
        "gcc",
        "-Wp,-MMD,arch/x86/kvm/.x86.o.d",
        "-nostdinc",
        "-I/src/arch/x86/kvm",
        "-I",
        "/src/arch/x86/kvm/svm",
        "-I/src/include",
        "-include",
        "/src/include/linux/kconfig.h",
        "-O2",
        '-DKBUILD_MODNAME="kvm"',
        "-c",
        "-o",
        "arch/x86/kvm/x86.o",
        "/src/arch/x86/kvm/x86.c",
      ]),
      map,
      outputs,
    );
    expect(rewritten).toEqual({
      ok: true,
      argv: [
        "gcc",
        "-nostdinc",
        "-I/run/overlay/head",
        "-I",
        "/run/overlay/head/svm",
        "-I/src/include",
        "-include",
        "/src/include/linux/kconfig.h",
        "-O2",
        '-DKBUILD_MODNAME="kvm"',
        "-c",
        "/run/overlay/head/x86.c",
        ...tail(),
      ],
    });
  });

  test("-MD -MF FILE, -save-temps, -o FILE separate and joined: all dropped", () => {
    const rewritten = rewriteCommand(
      unit([
        "cc",
        "-MD",
        "-MF",
        "d",
        "-MT",
        "t",
        "-save-temps",
        "-ox.o",
        "-c",
        "../src/arch/x86/kvm/x86.c",
      ]),
      map,
      outputs,
    );
    expect(rewritten).toEqual({
      ok: true,
      argv: ["cc", "-c", "/run/overlay/head/x86.c", ...tail()],
    });
  });

  test("the recorded prefix maps decide what the mirror's paths map back to; the last match wins", () => {
    const rewritten = rewriteCommand(
      unit([
        "gcc",
        "-fmacro-prefix-map=/src/=",
        "-ffile-prefix-map=/other/=x/",
        "-ffile-prefix-map=../src/arch/=a/",
        "-c",
        "/src/arch/x86/kvm/x86.c",
      ]),
      map,
      outputs,
    );
    expect(rewritten.ok && rewritten.argv.slice(-6)[0]).toBe(
      "-ffile-prefix-map=/run/overlay/head/=a/x86/kvm/",
    );
  });

  test.each<[string, string[], string]>([
    [
      "a link step",
      ["gcc", "-o", "vmlinux", "/src/arch/x86/kvm/x86.c"],
      "it has no -c (a link step?)",
    ],
    ["preprocessing only", ["gcc", "-E", "/src/arch/x86/kvm/x86.c"], "it runs -E, not a compile"],
    [
      "assembly output",
      ["gcc", "-S", "-c", "/src/arch/x86/kvm/x86.c"],
      "it runs -S, not a compile",
    ],
    [
      "another file's command",
      ["gcc", "-c", "/src/arch/x86/kvm/mmu.c"],
      "its arguments do not name /src/arch/x86/kvm/x86.c",
    ],
    ["-I without a value", ["gcc", "-c", "/src/arch/x86/kvm/x86.c", "-I"], "-I has no value"],
  ])("refused: %s", (_name, argv, problem) => {
    expect(rewriteCommand(unit(argv), map, outputs)).toEqual({ ok: false, problem });
  });

  test("a source outside the overlaid directory stays where it is", () => {
    const rewritten = rewriteCommand(
      unit(["gcc", "-I/src/arch/x86/kvm", "-c", "/src/lib/a.c"], "/src/lib/a.c"),
      map,
      outputs,
    );
    expect(rewritten.ok && rewritten.argv.slice(0, 4)).toEqual([
      "gcc",
      "-I/run/overlay/head",
      "-c",
      "/src/lib/a.c",
    ]);
  });
});
