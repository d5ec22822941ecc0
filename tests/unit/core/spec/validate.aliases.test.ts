/*
 * registers.aliases in validation (generator/core/spec/validate.ts): other
 * names of declared registers that take no bit of their own. An alias of no
 * register is RC127 (with the nearest register), an alias that is itself a
 * register's name RC105, a backend list naming one RC128, and an alias's
 * name is checked like a register's. Lines and columns are counted by hand.
 */
import { lineColOf } from "../../../../generator/core/diagnostics/diagnostic";
import { parseSpec } from "../../../../generator/core/spec/parse";
import { validateSpec, type ValidateResult } from "../../../../generator/core/spec/validate";

function validate(lines: readonly string[]): { result: ValidateResult; said: string[] } {
  const text = lines.join("\n") + "\n";
  const parsed = parseSpec({ displayPath: "s.yaml", text });
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join("\n"));
  const result = validateSpec(parsed.doc);
  const said = result.ok
    ? []
    : result.diagnostics.map((d) => {
        const at = d.span ? lineColOf(text, d.span.start) : undefined;
        return `${d.code} ${at ? `${at.line}:${at.col}` : "-"} ${d.message}`;
      });
  return { result, said };
}

/** A kernel spec with `extra` lines after line 3 (mask) and `aliases` below the registers. */
function spec(extra: string[], aliases: string[] = [], lazy = "[rsp, rip, cr3]"): string[] {
  return [
    "regcache: 1",
    "name: t",
    "mask: bitmap",
    ...extra,
    "registers:",
    "  gpr: [rax, rcx, rdx, rbx, rsp]",
    "  extended: [rip, cr3]",
    ...aliases,
    "backends:",
    `  vmx: { lazy: ${lazy} }`,
    "output:",
    "  targets: [kernel]",
  ];
}

describe("registers.aliases", () => {
  test("an alias of a declared register is kept, and takes no bit of its own", () => {
    const { result } = validate(spec([], ["  aliases: { eraps: cr3 }"]));
    expect(result.ok && result.spec.aliases).toEqual([{ name: "eraps", register: "cr3" }]);
    expect(result.ok && result.spec.registers.map((r) => r.name)).toEqual([
      "rax",
      "rcx",
      "rdx",
      "rbx",
      "rsp",
      "rip",
      "cr3",
    ]);
  });

  test.each<[string, string, string[]]>([
    [
      "an alias of no register, with the nearest register",
      "  aliases: { eraps: cr2 }",
      ["RC127 7:21 alias 'eraps' names 'cr2', which is not a register (did you mean 'cr3'?)"],
    ],
    [
      "an alias of a register spelt in another case",
      "  aliases: { eraps: CR3 }",
      ["RC127 7:21 alias 'eraps' names 'CR3', which is not a register (did you mean 'cr3'?)"],
    ],
    [
      "an alias of nothing close",
      "  aliases: { eraps: frobnicator }",
      ["RC127 7:21 alias 'eraps' names 'frobnicator', which is not a register"],
    ],
    [
      "an alias of an alias is of no register",
      "  aliases: { a1: cr3, a2: a1 }",
      ["RC127 7:27 alias 'a2' names 'a1', which is not a register"],
    ],
  ])("%s", (_what, line, want) => {
    expect(validate(spec([], [line])).said).toEqual(want);
  });

  test("an alias that is a register's name, whatever its case, is RC105 at the alias", () => {
    const said = validate(spec([], ["  aliases: { RIP: cr3 }"])).said;
    expect(said).toHaveLength(1);
    // The message's tail is not pinned here: it nests a second parenthesis in the first.
    expect(said[0]).toMatch(/^RC105 7:14 duplicate register 'RIP' \(first declared at line 6\b/);
    expect(said[0]).toContain("an alias is another name, not a second register");
  });

  test("RC128: a backend list naming an alias, not as an unknown register", () => {
    const { said } = validate(spec([], ["  aliases: { eraps: cr3 }"], "[rsp, rip, eraps]"));
    expect(said).toEqual(["RC128 9:27 'eraps' is an alias of 'cr3', not a register"]);
    expect(validate(spec([], [], "[rsp, rip, eraps]")).said).toEqual([
      "RC104 8:27 unknown register 'eraps'",
    ]);
  });

  test("an alias's name is checked like a register's", () => {
    expect(validate(spec([], ["  aliases: { int: cr3 }"])).said).toEqual([
      "RC107 7:14 'int' is a C keyword and cannot be used as a register name",
    ]);
  });
});
