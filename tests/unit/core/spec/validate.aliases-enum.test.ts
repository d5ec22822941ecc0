/*
 * Linux 7.2's additions to validation (generator/core/spec/validate.ts): the
 * enum section's spelling with Linux 6.x's as the default, and checked
 * (RC129: the two prefixes differ, and so do the two terminators); and
 * registers.aliases, other names of declared registers that take no bit
 * (RC127 for an alias of no register, RC105 for an alias that is itself a
 * register's name, RC128 for a backend list naming one). Each fires exactly
 * when it should. Lines and columns are counted by hand.
 */
import fc from "fast-check";
import { lineColOf } from "../../../../generator/core/diagnostics/diagnostic";
import { parseSpec } from "../../../../generator/core/spec/parse";
import {
  DEFAULT_ENUM,
  validateSpec,
  type ValidateResult,
} from "../../../../generator/core/spec/validate";

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

describe("enum", () => {
  test("without the section, Linux 6.x's spelling and no total", () => {
    const { result } = validate(spec([]));
    expect(result.ok && result.spec.enum).toEqual({
      gprPrefix: "VCPU_REGS_",
      extendedPrefix: "VCPU_EXREG_",
      gprCount: "NR_VCPU_REGS",
    });
    expect(DEFAULT_ENUM).toEqual({
      gprPrefix: "VCPU_REGS_",
      extendedPrefix: "VCPU_EXREG_",
      gprCount: "NR_VCPU_REGS",
    });
  });

  test("Linux 7.2's spelling, with each leaving out the default of the rest", () => {
    const { result } = validate(
      spec(["enum:", "  extended_prefix: VCPU_REG_", "  gpr_count: NR_GPRS", "  total: NR_ALL"]),
    );
    expect(result.ok && result.spec.enum).toEqual({
      gprPrefix: "VCPU_REGS_",
      extendedPrefix: "VCPU_REG_",
      gprCount: "NR_GPRS",
      total: "NR_ALL",
    });
  });

  test.each<[string, string[], string[]]>([
    [
      "the extended prefix is the GPRs' (default) prefix",
      ["enum:", "  extended_prefix: VCPU_REGS_"],
      ["RC129 5:20 enum.extended_prefix 'VCPU_REGS_' is also the GPRs' prefix"],
    ],
    [
      "the GPRs' prefix is the extended registers' (default) prefix: pointed at the one given",
      ["enum:", "  gpr_prefix: VCPU_EXREG_"],
      ["RC129 5:15 enum.gpr_prefix 'VCPU_EXREG_' is also the extended registers' prefix"],
    ],
    [
      "both given and equal: pointed at the extended one",
      ["enum:", "  gpr_prefix: P_", "  extended_prefix: P_"],
      ["RC129 6:20 enum.extended_prefix 'P_' is also the GPRs' prefix"],
    ],
    [
      "the total is the (default) GPR count",
      ["enum:", "  total: NR_VCPU_REGS"],
      ["RC129 5:10 enum.total 'NR_VCPU_REGS' is also gpr_count"],
    ],
    [
      "different prefixes and terminators",
      ["enum:", "  gpr_prefix: A_", "  total: NR_VCPU_REGS_ALL"],
      [],
    ],
    ["the total left out, gpr_count given", ["enum:", "  gpr_count: NR_X"], []],
  ])("%s", (_what, extra, want) => {
    expect(validate(spec(extra)).said).toEqual(want);
  });

  test("RC129 fires exactly for equal prefixes and for a total equal to gpr_count", () => {
    const name = fc.constantFrom(undefined, "VCPU_REGS_", "VCPU_EXREG_", "NR_VCPU_REGS", "NR_T");
    fc.assert(
      fc.property(name, name, name, name, (gprPrefix, extendedPrefix, gprCount, total) => {
        const keys = {
          gpr_prefix: gprPrefix,
          extended_prefix: extendedPrefix,
          gpr_count: gprCount,
          total,
        };
        const given = Object.entries(keys).filter(([, v]) => v !== undefined);
        const extra = given.length ? ["enum:", ...given.map(([k, v]) => `  ${k}: ${v}`)] : [];
        const said = validate(spec(extra)).said.filter((s) => s.startsWith("RC129"));
        const prefixes =
          (gprPrefix ?? DEFAULT_ENUM.gprPrefix) === (extendedPrefix ?? DEFAULT_ENUM.extendedPrefix);
        const terminators = total !== undefined && total === (gprCount ?? DEFAULT_ENUM.gprCount);
        expect(said.map((s) => /enum\.(\w+)/.exec(s)![1])).toEqual([
          ...(prefixes ? [extendedPrefix !== undefined ? "extended_prefix" : "gpr_prefix"] : []),
          ...(terminators ? ["total"] : []),
        ]);
      }),
      { numRuns: 120 },
    );
  });
});

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
