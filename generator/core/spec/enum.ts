/*
 * The spec's `enum` section: how the kernel spells enum kvm_reg (the
 * enumerators' prefixes, the GPR count and the total), with Linux 6.x's
 * spelling for what the spec leaves out; and the shape of an alias (the
 * aliases themselves are checked with the registers, in validate.ts).
 */
import { diagnose, type Diagnostic, type SourceFile, type Span } from "../diagnostics/diagnostic";
import { IDENTIFIER } from "./identifiers";
import type { DocPath } from "./parse";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * How the kernel spells enum kvm_reg. Defaults: Linux 6.x (VCPU_REGS_RAX,
 * VCPU_EXREG_CR3, NR_VCPU_REGS after the GPRs, no total).
 */
export interface SpecEnum {
  readonly gprPrefix: string;
  readonly extendedPrefix: string;
  /** The enumerator counting the GPRs: regs[]'s length, the raw pair's bound. */
  readonly gprCount: string;
  /** The enumerator counting every register, when the enum has one. */
  readonly total?: string;
}

export const DEFAULT_ENUM: SpecEnum = {
  gprPrefix: "VCPU_REGS_",
  extendedPrefix: "VCPU_EXREG_",
  gprCount: "NR_VCPU_REGS",
};

/** An enumerator that is another name of a register (VCPU_REG_ERAPS = VCPU_REG_CR3). */
export interface SpecAlias {
  readonly name: string;
  readonly register: string;
}

/**
 * The enum section: prefixes and terminators, with DEFAULT_ENUM for what the
 * spec leaves out. The two terminators must differ, and the prefixes too.
 */
export function checkEnum(
  file: SourceFile,
  root: Obj,
  span: (p: DocPath, which?: "key" | "value") => Span | undefined,
  report: (d: Diagnostic) => void,
): SpecEnum {
  const e = isObj(root["enum"]) ? root["enum"] : {};
  const str = (k: string) => (typeof e[k] === "string" && IDENTIFIER.test(e[k]) ? e[k] : undefined);
  const gprPrefix = str("gpr_prefix") ?? DEFAULT_ENUM.gprPrefix;
  const extendedPrefix = str("extended_prefix") ?? DEFAULT_ENUM.extendedPrefix;
  const gprCount = str("gpr_count") ?? DEFAULT_ENUM.gprCount;
  const total = str("total");
  if (gprPrefix === extendedPrefix) {
    const key = "extended_prefix" in e ? "extended_prefix" : "gpr_prefix";
    report(
      diagnose(
        "RC129",
        file,
        span(["enum", key]),
        key,
        extendedPrefix,
        key === "extended_prefix"
          ? "is also the GPRs' prefix"
          : "is also the extended registers' prefix",
        "GPRs and extended registers need different prefixes (VCPU_REGS_ and VCPU_REG_ in Linux 7.2)",
      ),
    );
  }
  if (total !== undefined && total === gprCount) {
    report(
      diagnose(
        "RC129",
        file,
        span(["enum", "total"]),
        "total",
        total,
        "is also gpr_count",
        "total counts every register, gpr_count only the GPRs: give them different names",
      ),
    );
  }
  return { gprPrefix, extendedPrefix, gprCount, ...(total !== undefined ? { total } : {}) };
}
