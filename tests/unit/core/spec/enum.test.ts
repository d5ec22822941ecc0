/*
 * checkEnum: the spec's enum section, with Linux 6.x's spelling for what it
 * leaves out, and RC129 for names that clash: on the section alone, and
 * through validation, where each RC129 points (line and column counted by
 * hand) and, over every combination of the four keys, exactly when it fires.
 */
import fc from "fast-check";
import { lineColOf, type Diagnostic } from "../../../../generator/core/diagnostics/diagnostic";
import { checkEnum, DEFAULT_ENUM } from "../../../../generator/core/spec/enum";
import { parseSpec } from "../../../../generator/core/spec/parse";
import { validateSpec, type ValidateResult } from "../../../../generator/core/spec/validate";

const file = { displayPath: "s.yaml", text: "" };
const run = (root: Record<string, unknown>) => {
  const found: Diagnostic[] = [];
  const spelling = checkEnum(
    file,
    root,
    () => undefined,
    (d) => found.push(d),
  );
  return { spelling, codes: found.map((d) => `${d.code} ${d.message}`) };
};

test("no enum section: Linux 6.x's spelling, no total", () => {
  expect(run({})).toEqual({ spelling: DEFAULT_ENUM, codes: [] });
  expect(DEFAULT_ENUM).toEqual({
    gprPrefix: "VCPU_REGS_",
    extendedPrefix: "VCPU_EXREG_",
    gprCount: "NR_VCPU_REGS",
  });
});

test("Linux 7.2's spelling, each key taken as given", () => {
  const spelling = {
    gpr_prefix: "VCPU_REGS_",
    extended_prefix: "VCPU_REG_",
    gpr_count: "NR_VCPU_GENERAL_PURPOSE_REGS",
    total: "NR_VCPU_TOTAL_REGS",
  };
  expect(run({ enum: spelling })).toEqual({
    spelling: {
      gprPrefix: "VCPU_REGS_",
      extendedPrefix: "VCPU_REG_",
      gprCount: "NR_VCPU_GENERAL_PURPOSE_REGS",
      total: "NR_VCPU_TOTAL_REGS",
    },
    codes: [],
  });
});

test("one prefix for both kinds: RC129 on the key the spec wrote", () => {
  const r = run({ enum: { extended_prefix: "VCPU_REGS_" } });
  expect(r.codes).toEqual(["RC129 enum.extended_prefix 'VCPU_REGS_' is also the GPRs' prefix"]);
  const g = run({ enum: { gpr_prefix: "VCPU_EXREG_" } });
  expect(g.codes).toEqual([
    "RC129 enum.gpr_prefix 'VCPU_EXREG_' is also the extended registers' prefix",
  ]);
});

test("the total named as the GPR count: RC129; a total alone is fine", () => {
  expect(run({ enum: { total: "NR_VCPU_REGS" } }).codes).toEqual([
    "RC129 enum.total 'NR_VCPU_REGS' is also gpr_count",
  ]);
  expect(run({ enum: { total: "NR_VCPU_TOTAL_REGS" } }).codes).toEqual([]);
});

test("a value the schema rejects (not an identifier) falls back to the default", () => {
  expect(run({ enum: { gpr_count: "NR VCPU", extended_prefix: 3 } }).spelling).toEqual(
    DEFAULT_ENUM,
  );
});

/** A spec validated: each diagnostic as "CODE line:col message". */
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

/** A kernel spec with `extra` lines after line 3 (mask). */
function spec(extra: string[]): string[] {
  return [
    "regcache: 1",
    "name: t",
    "mask: bitmap",
    ...extra,
    "registers:",
    "  gpr: [rax, rcx, rdx, rbx, rsp]",
    "  extended: [rip, cr3]",
    "backends:",
    "  vmx: { lazy: [rsp, rip, cr3] }",
    "output:",
    "  targets: [kernel]",
  ];
}

describe("through validation: where RC129 points, and exactly when it fires", () => {
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
