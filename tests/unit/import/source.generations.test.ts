/*
 * source.ts on texts written here: where the set macros are defined, and
 * whether each set is lazy or available, read from how the set is applied
 * to regs_avail (never from its name).
 */
import type { SourceFile } from "../../../generator/core/diagnostics/diagnostic";
import { findSetMacros, setKinds, type SetKind } from "../../../generator/import/source";

const file = (displayPath: string, text: string): SourceFile => ({ displayPath, text });

describe("findSetMacros", () => {
  it("object-like definitions only, the first of each name, sorted, with the name's offset", () => {
    const text = [
      "#define SVM_REGS_LAZY_LOAD_SET (BIT(VCPU_REG_PDPTR))",
      "#define NOT_A_SET 1",
      "#define XYZ_REGS_AVAIL_SET(x) (x)",
      "/* #define OLD_REGS_AVAIL_SET 0 */",
    ].join("\n");
    const later = "#define SVM_REGS_LAZY_LOAD_SET 0\n#define TDX_REGS_AVAIL_SET 3\n";
    expect(
      findSetMacros([
        { path: "a.h", text },
        { path: "b.c", text: later },
      ]),
    ).toEqual([
      { macro: "SVM_REGS_LAZY_LOAD_SET", backend: "svm", file: "a.h", offset: 8 },
      { macro: "TDX_REGS_AVAIL_SET", backend: "tdx", file: "b.c", offset: 41 },
    ]);
  });
});

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
  it.each(uses)("%s", (_name, { use, want }) => {
    const files = new Map([
      ["foo.h", file("foo.h", "#define FOO_SET BIT(3)\n")],
      ["foo.c", file("foo.c", `void exit(void)\n{\n\t${use}\n}\n`)],
    ]);
    const r = setKinds(defs, files);
    expect(r.ok && r.sets.map((s) => s.kind)).toEqual([want]);
  });

  it("a use in a comment does not count: RC815 at the definition", () => {
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

  it("uses that disagree: RC815 naming each", () => {
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
