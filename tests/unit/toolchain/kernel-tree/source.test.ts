/*
 * What only the tree's text tells the import (generator/toolchain/kernel-tree/source.ts):
 * the enumerators of enum kvm_reg with their guards and offsets, every guard
 * the spec cannot express reported (RC804, RC805), where the backends' set
 * macros are defined, whether each set is lazy or available — read from how
 * the set is applied to regs_avail, never from its name (RC815) — and the
 * version from the top-level Makefile.
 */
import type { SourceFile } from "../../../../generator/core/diagnostics/diagnostic";
import {
  blankComments,
  findSetMacros,
  makefileRelease,
  treeRelease,
  readRegisterEnum,
  setKinds,
  type SetKind,
} from "../../../../generator/toolchain/kernel-tree/source";

const header = (text: string) => ({ displayPath: "arch/x86/include/asm/kvm_host.h", text });

test("blankComments keeps every offset and line break", () => {
  const text = "a /* b\nc */ d // e\nf";
  const blanked = blankComments(text);
  expect(blanked).toBe("a     \n     d     \nf");
  expect(blanked.length).toBe(text.length);
});

describe("readRegisterEnum", () => {
  test("enumerators in order with their offsets, guards and guard directives", () => {
    const text = [
      "/* enum kvm_reg { in a comment } */",
      "enum kvm_reg {",
      "\tVCPU_REGS_RAX = __VCPU_REGS_RAX, VCPU_REGS_RCX,",
      "#ifdef CONFIG_X86_64",
      "\tVCPU_REGS_R8 = __VCPU_REGS_R8, // r8",
      "#endif",
      "#if  IS_ENABLED( CONFIG_KVM_AMD )",
      "\tVCPU_EXREG_X,",
      "#endif",
      "#if defined(CONFIG_A)",
      "\tVCPU_EXREG_Y,",
      "#endif",
      "#if defined CONFIG_B",
      "\tVCPU_EXREG_Z,",
      "#endif",
      "\tNR_VCPU_REGS",
      "};",
    ].join("\n");
    const read = readRegisterEnum(header(text));
    if (!read.ok) throw new Error(read.diagnostics.map((d) => d.message).join("\n"));
    const got = read.value.enumerators;
    expect(got.map((e) => [e.identifier, e.guard, e.guardDirective])).toEqual([
      ["VCPU_REGS_RAX", undefined, undefined],
      ["VCPU_REGS_RCX", undefined, undefined],
      ["VCPU_REGS_R8", "CONFIG_X86_64", "#ifdef CONFIG_X86_64"],
      ["VCPU_EXREG_X", "CONFIG_KVM_AMD", "#if IS_ENABLED( CONFIG_KVM_AMD )"],
      ["VCPU_EXREG_Y", "CONFIG_A", "#if defined(CONFIG_A)"],
      ["VCPU_EXREG_Z", "CONFIG_B", "#if defined CONFIG_B"],
      ["NR_VCPU_REGS", undefined, undefined],
    ]);
    for (const e of got)
      expect(text.slice(e.offset, e.offset + e.identifier.length)).toBe(e.identifier);
    expect(read.value.header.displayPath).toBe("arch/x86/include/asm/kvm_host.h");
  });

  test("no enum kvm_reg: RC804", () => {
    const read = readRegisterEnum(header("/* enum kvm_reg { } */\nenum other { A };\n"));
    expect(read.ok ? [] : read.diagnostics.map((d) => d.code)).toEqual(["RC804"]);
  });

  test("no closing brace: RC805 at the enum's opening", () => {
    const text = "enum kvm_reg {\n\tVCPU_REGS_RAX,\n";
    const read = readRegisterEnum(header(text));
    expect(
      read.ok ? [] : read.diagnostics.map((d) => [d.code, text.slice(d.span!.start, d.span!.end)]),
    ).toEqual([["RC805", "enum kvm_reg {"]]);
  });

  test("every guard the spec cannot express, and an enumerator it cannot read, at once", () => {
    const text = [
      "enum kvm_reg {",
      "#ifndef CONFIG_X",
      "\tVCPU_REGS_A,",
      "#else",
      "\tVCPU_REGS_B,",
      "#endif",
      "#ifdef CONFIG_Y",
      "#ifdef CONFIG_Z",
      "\tVCPU_REGS_C,",
      "#endif",
      "#endif",
      "\tVCPU_REGS_D(1),",
      "};",
    ].join("\n");
    const read = readRegisterEnum(header(text));
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.diagnostics.every((d) => d.code === "RC805")).toBe(true);
    expect(read.diagnostics.map((d) => text.slice(d.span!.start, d.span!.end))).toEqual([
      "#ifndef CONFIG_X",
      "#else",
      "#ifdef CONFIG_Z",
      "\tVCPU_REGS_D(1)",
    ]);
    expect(read.diagnostics[0].message).toContain(
      "'#ifndef CONFIG_X' is not a guard the spec can express (it takes '#ifdef MACRO')",
    );
    expect(read.diagnostics[2].message).toContain("nested preprocessor guards inside the enum");
    expect(read.diagnostics[3].message).toContain("cannot read an enumerator in 'VCPU_REGS_D(1)'");
  });
});

describe("findSetMacros", () => {
  test("object-like definitions, first of each name, sorted, at the name's offset; comments and calls skipped", () => {
    const files = [
      {
        path: "vmx.h",
        text: [
          "#define VMX_REGS_LAZY_LOAD_SET ((1 << VCPU_REGS_RIP))",
          "/* #define SVM_REGS_LAZY_LOAD_SET 0 */",
          "#define NOT_REGS_LAZY_LOAD_SET_X 1",
          "#define FN_REGS_AVAIL_SET(x) (x)",
        ].join("\n"),
      },
      {
        path: "tdx.h",
        text: "  #  define TDX_REGS_AVAIL_SET 3\n#define VMX_REGS_LAZY_LOAD_SET 0\n#define SVM_REGS_LAZY_LOAD_SET\t7\n",
      },
    ];
    const found = findSetMacros(files);
    expect(found).toEqual([
      { macro: "SVM_REGS_LAZY_LOAD_SET", backend: "svm", file: "tdx.h", offset: 74 },
      { macro: "TDX_REGS_AVAIL_SET", backend: "tdx", file: "tdx.h", offset: 12 },
      { macro: "VMX_REGS_LAZY_LOAD_SET", backend: "vmx", file: "vmx.h", offset: 8 },
    ]);
    for (const set of found) {
      const text = files.find((f) => f.path === set.file)!.text;
      expect(text.slice(set.offset, set.offset + set.macro.length)).toBe(set.macro);
    }
  });
});

const file = (displayPath: string, text: string): SourceFile => ({ displayPath, text });

const uses: [string, { use: string; want: SetKind }][] = [
  ["6.x: regs_avail &= ~SET", { use: "vcpu->arch.regs_avail &= ~FOO_SET;", want: "lazy" }],
  ["6.x: regs_avail = ~SET", { use: "vcpu->arch.regs_avail = ~FOO_SET;", want: "lazy" }],
  ["regs_avail &= SET", { use: "vcpu->arch.regs_avail &= FOO_SET;", want: "available" }],
  ["regs_avail[0] = SET", { use: "vcpu->arch.regs_avail[0] = (FOO_SET);", want: "available" }],
  [
    "7.2: kvm_clear_available_registers(vcpu, SET)",
    { use: "kvm_clear_available_registers(vcpu, FOO_SET);", want: "lazy" },
  ],
  [
    "7.2: kvm_clear_available_registers(vcpu, ~SET)",
    { use: "kvm_clear_available_registers(vcpu, ~FOO_SET);", want: "available" },
  ],
  [
    "spaces and parentheses",
    { use: "kvm_clear_available_registers( vcpu ,~ ( FOO_SET ) );", want: "available" },
  ],
];

const defs = [{ macro: "FOO_SET", backend: "foo", file: "foo.h", offset: 8 }];

describe("setKinds", () => {
  test.each(uses)("%s", (_name, { use, want }) => {
    const files = new Map([
      ["foo.h", file("foo.h", "#define FOO_SET BIT(3)\n")],
      ["foo.c", file("foo.c", `void exit(void)\n{\n\t${use}\n}\n`)],
    ]);
    const r = setKinds(defs, files);
    expect(r.ok && r.sets.map((s) => s.kind)).toEqual([want]);
  });

  test("a use in a comment does not count: RC815 at the definition", () => {
    const files = new Map([
      ["foo.h", file("foo.h", "#define FOO_SET BIT(3)\n")],
      ["foo.c", file("foo.c", "/* regs_avail &= ~FOO_SET; */\nint FOO_SET_users;\n")],
    ]);
    const r = setKinds(defs, files);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics.map((d) => [d.code, d.span, d.message])).toEqual([
      [
        "RC815",
        { start: 8, end: 15 },
        "cannot tell whether FOO_SET is a lazy or an available set: no file below arch/x86/kvm/ applies it to regs_avail (looked in 2 files)",
      ],
    ]);
  });

  test("uses that disagree: RC815 naming each", () => {
    const files = new Map([
      ["foo.h", file("foo.h", "#define FOO_SET BIT(3)\n")],
      [
        "foo.c",
        file("foo.c", "a->regs_avail &= ~FOO_SET;\nkvm_clear_available_registers(v, ~FOO_SET);\n"),
      ],
    ]);
    const r = setKinds(defs, files);
    expect(r.ok ? [] : r.diagnostics.map((d) => d.message)).toEqual([
      "cannot tell whether FOO_SET is a lazy or an available set: its uses disagree: foo.c:1 (clears it), foo.c:2 (keeps only it)",
    ]);
  });
});

test.each([
  ["VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 158\nEXTRAVERSION =\n", "6.1.158"],
  ["VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\nEXTRAVERSION = -rc3\nNAME = x\n", "6.12.0-rc3"],
  ["VERSION = 6\nPATCHLEVEL = 1\n", "6.1"],
  ["PATCHLEVEL = 1\n", undefined],
  ["# VERSION = 6\n", undefined],
])("makefileRelease %#", (makefile, want) => expect(makefileRelease(makefile)).toBe(want));

test.each([
  [
    "the Makefile's version wins over the build's",
    "VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 57\n",
    "6.12.57-g0123abcd-dirty",
    "6.12.57",
  ],
  [
    "an -rc EXTRAVERSION is the tree's own",
    "VERSION = 7\nPATCHLEVEL = 2\nSUBLEVEL = 0\nEXTRAVERSION = -rc3\n",
    "7.2.0-rc3-00042-gdeadbeef",
    "7.2.0-rc3",
  ],
  [
    "no Makefile: UTS_RELEASE without a local version or git suffix",
    undefined,
    "6.12.57+deb13-amd64",
    "6.12.57",
  ],
  ["no Makefile: an -rc survives, the -dirty does not", undefined, "7.2.0-rc3-dirty", "7.2.0-rc3"],
  [
    "a Makefile without VERSION falls back to UTS_RELEASE",
    "# nothing\n",
    "6.1.158-1-amd64",
    "6.1.158",
  ],
  ["neither", undefined, "", ""],
] as [string, string | undefined, string, string][])("treeRelease: %s", (_, makefile, uts, want) =>
  expect(treeRelease(makefile, uts)).toBe(want),
);
