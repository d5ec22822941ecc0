/*
 * checkEnum: the spec's enum section, with Linux 6.x's spelling for what it
 * leaves out, and RC129 for names that clash.
 */
import type { Diagnostic } from "../../../../generator/core/diagnostics/diagnostic";
import { checkEnum, DEFAULT_ENUM } from "../../../../generator/core/spec/enum";

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
