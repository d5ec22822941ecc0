/*
 * c-text.ts: the macros and static inline functions a header defines, with
 * functions inside macro bodies and definitions inside comments left out;
 * the block comment right above a definition and the one inside a body.
 */
import {
  commentAbove,
  commentInside,
  definitions,
  macroLinkage,
} from "../../../generator/import/c-text";

const text = [
  "/* static inline int commented(void) { return 0; } */",
  "#define PLAIN 1",
  "#define GUARD(v) \\",
  "\tcheck_once(v != 0)",
  "#define MAKE(name) \\",
  "static __always_inline int make_##name(void) \\",
  "{ \\",
  "\treturn 1; \\",
  "}",
  "static inline unsigned long reader(struct kvm_vcpu *vcpu,",
  "\t\t\t\t   int index)",
  "{",
  "\tif (index) {",
  "\t\treturn 2;",
  "\t}",
  "\treturn 3;",
  "}",
  "static __always_inline void nothing(void) { }",
  "int not_static(void) { return 0; }",
].join("\n");

describe("definitions", () => {
  const found = definitions(text);

  it("macros: object-like and function-like, continuation lines joined", () => {
    expect(found.macros.map((m) => [m.name, m.params, m.body])).toEqual([
      ["PLAIN", undefined, "1"],
      ["GUARD", ["v"], "check_once(v != 0)"],
      ["MAKE", ["name"], "static __always_inline int make_##name(void)  {  \treturn 1;  }"],
    ]);
  });

  it("functions: static inline ones only, not those in macro bodies or comments", () => {
    expect(found.functions.map((f) => [f.name, f.linkage, f.returns, f.params])).toEqual([
      [
        "reader",
        "inline",
        "unsigned long",
        [
          { type: "struct kvm_vcpu *", name: "vcpu" },
          { type: "int", name: "index" },
        ],
      ],
      ["nothing", "always_inline", "void", []],
    ]);
  });

  it("a function's body runs to its own closing brace", () => {
    const reader = found.functions[0]!;
    expect(reader.body.startsWith("{")).toBe(true);
    expect(reader.body.endsWith("return 3;\n}")).toBe(true);
    expect(text.slice(reader.offset, reader.offset + 13)).toBe("static inline");
  });

  it("a macro's linkage is that of the first function it defines", () => {
    expect(macroLinkage(found.macros[2]!.body)).toBe("always_inline");
    expect(macroLinkage("static inline void f(void) {}")).toBe("inline");
    expect(macroLinkage(found.macros[1]!.body)).toBeUndefined();
  });
});

describe("commentAbove and commentInside", () => {
  const header = [
    "/*",
    " * Kernel style.",
    " *",
    " * \tA tabbed line.",
    " */",
    "static inline int styled(void) { return 0; }",
    "/* One line. */",
    "#define ONE_LINE 1",
    "/*",
    " * Not right above.",
    " */",
    "",
    "static inline int apart(void) { return 0; }",
    "int x; /* after code */",
    "static inline int trailing(void) { return 0; }",
    "static inline int inner(void)",
    "{",
    "\tint y = 0;",
    "",
    "\t/*",
    "\t * The one inside.",
    "\t */",
    "\treturn y;",
    "}",
    "static inline int two_inside(void)",
    "{",
    "\t/* first */",
    "\t/* second */",
    "\treturn 0;",
    "}",
    "static inline int shares_a_line(void)",
    "{",
    "\treturn 0; /* beside code */",
    "}",
  ].join("\n");

  const defs = () => definitions(header);
  const offsetOf = (name: string) => {
    const d = defs();
    return (d.functions.find((f) => f.name === name) ?? d.macros.find((m) => m.name === name))!
      .offset;
  };
  const fnNamed = (name: string) => defs().functions.find((f) => f.name === name)!;

  it.each([
    ["styled", "Kernel style.\n\n\tA tabbed line."],
    ["ONE_LINE", "One line."],
    ["apart", undefined],
    ["trailing", undefined],
    ["inner", undefined],
  ])("the comment right above %s", (name, want) => {
    expect(commentAbove(header, offsetOf(name))).toBe(want);
  });

  it.each([
    ["inner", "The one inside."],
    ["two_inside", undefined],
    ["shares_a_line", undefined],
    ["styled", undefined],
  ])("the one comment inside %s", (name, want) => {
    expect(commentInside(header, fnNamed(name))).toBe(want);
  });
});
