/*
 * Kernel-style layout of C text (generator/targets/render/layout.ts): widths
 * with tabs to the next multiple of eight, backslash continuations aligned at
 * column 72 with tabs, indentation to a column with tabs then spaces, and a
 * function head on one line when it fits 80 columns, else its parameters
 * continued under the opening parenthesis.
 */
import fc from "fast-check";
import {
  continueLines,
  displayWidth,
  indentTo,
  signature,
} from "../../../../generator/targets/render/layout";

const VCPU = "struct kvm_vcpu *vcpu";

test.each([
  ["", 0],
  ["abc", 3],
  ["\t", 8],
  ["\tx", 9],
  ["abc\t", 8],
  ["12345678\t", 16],
  ["1234567\t\t", 16],
])("displayWidth(%j) is %i", (line, width) => {
  expect(displayWidth(line)).toBe(width);
});

describe("continueLines", () => {
  test("every line but the last ends in a backslash at column 72, padded with tabs", () => {
    const out = continueLines(["#define X(a)", "\tfoo(a);", "\tbar(a)"]).split("\n");
    expect(out).toEqual([
      "#define X(a)\t\t\t\t\t\t\t\t\\",
      "\tfoo(a);\t\t\t\t\t\t\t\t\\",
      "\tbar(a)",
    ]);
    for (const line of out.slice(0, -1)) expect(displayWidth(line.slice(0, -1))).toBe(72);
  });

  test("a line already at column 72 or past it gets its backslash after one space", () => {
    const long = "x".repeat(72);
    expect(continueLines([long, "y"])).toBe(`${long} \\\ny`);
    expect(continueLines(["x".repeat(71), "y"])).toBe(`${"x".repeat(71)}\t\\\ny`);
  });

  test("one line is left as it is; no line is none", () => {
    expect(continueLines(["#define X 1"])).toBe("#define X 1");
    expect(continueLines([])).toBe("");
  });

  test("any lines keep their text; a continued line ends at column 72, or one space past a long one", () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[\ta-z ]{0,90}$/), { minLength: 1, maxLength: 6 }),
        (lines) => {
          const out = continueLines(lines).split("\n");
          expect(out).toHaveLength(lines.length);
          expect(out[out.length - 1]).toBe(lines[lines.length - 1]);
          out.slice(0, -1).forEach((line, i) => {
            const text = lines[i]!;
            expect(line.endsWith("\\")).toBe(true);
            const pad = line.slice(text.length, -1);
            expect(line.startsWith(text)).toBe(true);
            if (displayWidth(text) >= 72) expect(pad).toBe(" ");
            else {
              expect(pad).toMatch(/^\t+$/);
              expect(displayWidth(line.slice(0, -1))).toBe(72);
            }
          });
        },
      ),
    );
  });
});

test("indentTo reaches its column with tabs, then fewer than eight spaces", () => {
  expect(indentTo(0)).toBe("");
  expect(indentTo(7)).toBe("       ");
  expect(indentTo(8)).toBe("\t");
  expect(indentTo(29)).toBe("\t\t\t     ");
  fc.assert(
    fc.property(fc.nat(200), (col) => {
      const indent = indentTo(col);
      expect(displayWidth(indent)).toBe(col);
      expect(indent).toMatch(/^\t* {0,7}$/);
    }),
  );
});

describe("signature", () => {
  test("on one line when it fits 80 columns", () => {
    expect(
      signature("static inline", "unsigned long", "kvm_register_read", [VCPU, "int reg"]),
    ).toBe("static inline unsigned long kvm_register_read(struct kvm_vcpu *vcpu, int reg)");
  });

  test("81 columns do not fit", () => {
    expect(
      signature("static inline", "unsigned long", "kvm_register_read_raw", [VCPU, "int reg"]),
    ).toBe(
      [
        "static inline unsigned long kvm_register_read_raw(struct kvm_vcpu *vcpu,",
        "\t\t\t\t\t\t  int reg)",
      ].join("\n"),
    );
  });

  test("else the parameters continue under the opening parenthesis", () => {
    expect(
      signature("static __always_inline", "void", "kvm_register_mark_for_reload", [
        VCPU,
        "enum kvm_reg reg",
      ]),
    ).toBe(
      [
        "static __always_inline void kvm_register_mark_for_reload(struct kvm_vcpu *vcpu,",
        "\t\t\t\t\t\t\t enum kvm_reg reg)",
      ].join("\n"),
    );
  });

  test("a parameter too wide for any line stays on the head's", () => {
    const wide = `unsigned long ${"x".repeat(80)}`;
    expect(signature("static inline", "void", "f", [wide])).toBe(`static inline void f(${wide})`);
  });

  test("for any parameters: the one-line head again once joined, each line within 80 where it can be", () => {
    const param = fc.stringMatching(/^[a-z][a-z *]{0,30}[a-z]$/);
    fc.assert(
      fc.property(
        fc.constantFrom("static inline" as const, "static __always_inline" as const),
        fc.stringMatching(/^[a-z_]{1,40}$/),
        fc.array(param, { minLength: 1, maxLength: 5 }),
        (linkage, name, params) => {
          const head = `${linkage} void ${name}(`;
          const out = signature(linkage, "void", name, params);
          const lines = out.split("\n");
          expect(lines[0]!.startsWith(head)).toBe(true);
          // Continuation lines start under the first parameter.
          for (const line of lines.slice(1)) {
            expect(line.startsWith(indentTo(displayWidth(head)))).toBe(true);
            expect(line.slice(indentTo(displayWidth(head)).length)).not.toMatch(/^\s/);
          }
          expect(lines.map((l, i) => (i === 0 ? l : ` ${l.trimStart()}`)).join("")).toBe(
            `${head}${params.join(", ")})`,
          );
          // A line runs past 80 only when it holds a single parameter that cannot move.
          lines.forEach((line, i) => {
            if (displayWidth(line) > 80)
              expect(i === 0 ? line.slice(head.length) : line.trimStart()).not.toMatch(/, /);
          });
        },
      ),
    );
  });
});
