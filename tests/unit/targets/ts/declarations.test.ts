/*
 * The TypeScript target's declarations of the register file
 * (generator/targets/ts/declarations.ts): the Reg enum in the model's order
 * with each guard noted, the two counts, the mask as 32-bit words with its
 * helpers, and each backend's sets.
 * Checked by what the builders return and by running the printed file.
 */
import fc from "fast-check";
import {
  backendSets,
  counts,
  maskHelpers,
  regEnum,
} from "../../../../generator/targets/ts/declarations";
import { printRegistersSource, tsContext } from "../../../../generator/targets/ts/emit";
import type { Model } from "../../../../generator/core/model/types";
import { linux72, modelOf } from "../spec-model";
import { load, tsSpec } from "./load";

/** The printed text of builders' statements, one after another. */
function printed(
  model: Model,
  build: (ctx: ReturnType<typeof tsContext>) => unknown[] | unknown,
): string {
  const ctx = tsContext(model);
  const out = build(ctx);
  return ctx.print({
    kind: ctx.kinds.SourceFile,
    statements: (Array.isArray(out) ? out : [out]) as never,
  });
}

const SPEC = (mask: string) => tsSpec().map((l) => (l === "mask: u32" ? `mask: ${mask}` : l));

test("the enum: every register at its index, a guarded one noted, a register's doc kept", () => {
  const spec = SPEC("u32").map((l) =>
    l.replace("extended: [pdptr,", 'extended: [{ name: pdptr, doc: "The PDPTEs." },'),
  );
  const text = printed(modelOf(spec), regEnum);
  expect(text).toContain("export enum Reg {\n");
  expect(text).toContain("  RAX = 0,\n");
  expect(text).toContain("  /** C: only under CONFIG_X86_64. */\n  R8 = 4,\n");
  expect(text).toContain("  RIP = 5,\n");
  expect(text).toContain("  /** The PDPTEs. */\n  PDPTR = 6,\n");
  expect(text).toContain("  CR8 = 9,\n}");
  const r = load(printRegistersSource(modelOf(spec)));
  expect(Object.keys(r["Reg"]).filter((k) => Number.isNaN(Number(k)))).toEqual([
    "RAX",
    "RCX",
    "RDX",
    "RSP",
    "R8",
    "RIP",
    "PDPTR",
    "CR0",
    "CR3",
    "CR8",
  ]);
});

test("the counts: regs[] has a slot per GPR, the masks a bit per register", () => {
  expect(printed(modelOf(SPEC("u32")), counts)).toBe(
    [
      "/** Slots in vcpu.arch.regs: one per gpr. */",
      "export const NR_VCPU_REGS = 6;",
      "/** Bits in regsAvail / regsDirty: one per register, gpr and extended. */",
      "export const NR_KVM_REG_BITS = 10;",
      "",
    ].join("\n"),
  );
});

describe("the mask", () => {
  test.each([
    ["u32", 1, "a u32"],
    ["u64", 2, "a u64"],
    ["bitmap", 2, "a bitmap of 1 unsigned long"],
  ])("a %s mask is %i 32-bit words, and says what it is in C", (mask, words, c) => {
    const text = printed(modelOf(SPEC(mask)), maskHelpers);
    expect(text).toContain(`export const REG_MASK_WORDS = ${words};`);
    expect(text).toContain(`regs_avail / regs_dirty (${c} in C)`);
    // The doc's lines are full: each but the last within 90 columns of text and
    // longer than 60, none cut after "bit n in".
    const lines = text
      .slice(text.indexOf("regs_avail"), text.indexOf("*/"))
      .split("\n")
      .map((l) => l.replace(/^\s*\* ?/, ""))
      .filter((l) => l !== "");
    expect(lines.slice(0, -1).filter((l) => l.length < 60 || l.length > 90)).toEqual([]);
  });

  test("maskTest, maskSet and maskClear touch exactly one bit; regMask holds exactly its registers", () => {
    const gprs = Array.from({ length: 70 }, (_, i) => `g${i}`);
    const r = load(
      printRegistersSource(
        modelOf([
          "regcache: 1",
          "name: t",
          "mask: bitmap",
          "registers:",
          `  gpr: [${gprs.join(", ")}]`,
          "backends:",
          "  vmx: { lazy: [] }",
        ]),
      ),
    );
    expect(r["REG_MASK_WORDS"]).toBe(4);
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(69)), fc.nat(69), (regs, reg) => {
        const mask = r["regMask"](regs);
        for (let i = 0; i < 70; i++) expect(r["maskTest"](mask, i)).toBe(regs.includes(i));
        r["maskSet"](mask, reg);
        for (let i = 0; i < 70; i++)
          expect(r["maskTest"](mask, i)).toBe(regs.includes(i) || i === reg);
        r["maskClear"](mask, reg);
        for (let i = 0; i < 70; i++)
          expect(r["maskTest"](mask, i)).toBe(regs.includes(i) && i !== reg);
      }),
      { numRuns: 50 },
    );
  });
});

describe("the backends' sets", () => {
  test("each set holds exactly the model's registers, by name and in the tables", () => {
    const model = modelOf(SPEC("u32"));
    const r = load(printRegistersSource(model));
    expect(r["BACKENDS"]).toEqual(["vmx", "svm"]);
    for (const b of model.backends) {
      const lazy = r[b.lazySetName];
      const avail = r[b.availSetName];
      expect(r["REGS_LAZY_LOAD_SET"][b.name]).toBe(lazy);
      expect(r["REGS_AVAIL_SET"][b.name]).toBe(avail);
      for (const reg of model.registers) {
        const isLazy = b.lazy.includes(reg);
        expect([
          b.name,
          reg.name,
          r["maskTest"](lazy, reg.index),
          r["maskTest"](avail, reg.index),
        ]).toEqual([b.name, reg.name, isLazy, !isLazy]);
      }
    }
  });

  test("each set's doc counts its registers; a backend's doc is kept", () => {
    const spec = SPEC("u32").map((l) =>
      l.replace("svm: { lazy: [pdptr, cr3] }", "svm: { lazy: [pdptr, cr3], doc: AMD. }"),
    );
    const text = printed(modelOf(spec), backendSets);
    expect(text).toContain("/** vmx: 5 lazily loaded, 5 always available (spec lists lazy). */");
    expect(text).toContain(
      "/**\n * svm: 2 lazily loaded, 8 always available (spec lists lazy).\n * AMD.\n */",
    );
    expect(text).toContain('export type Backend = "vmx" | "svm";');
  });

  test("no backends: the Backend type is never and the lists are empty", () => {
    const model = modelOf([
      "regcache: 1",
      "name: t",
      "mask: u32",
      "registers:",
      "  gpr: [rax]",
      "backends:",
      "  vmx: { lazy: [] }",
    ]);
    const none: Model = { ...model, backends: [] };
    const text = printed(none, backendSets);
    expect(text).toContain("export type Backend = never;");
    expect(text).toContain("export const BACKENDS: readonly Backend[] = [];");
    expect(text).toContain(
      "export const REGS_LAZY_LOAD_SET: Readonly<Record<Backend, Readonly<RegMask>>> = {};",
    );
  });
});

describe("Linux 7.2's spelling and hooks (spec-model's linux72, written by the ts target)", () => {
  const TS72 = linux72().map((l) =>
    l === "  targets: [kernel]"
      ? "  targets: [kernel, ts]"
      : l === "  extended: [rip, cr3]"
        ? "  extended: [rip, cr3]\n  aliases: { eraps: cr3 }"
        : l,
  );

  test("an alias is a member before its register, so the reverse mapping keeps the register's name", () => {
    const text = printed(modelOf(TS72), regEnum);
    expect(text).toContain(
      "  /** Another name of CR3 (C: VCPU_REG_ERAPS = VCPU_REG_CR3). */\n  ERAPS = 7,\n  CR3 = 7,\n",
    );
    const Reg = load(printRegistersSource(modelOf(TS72)))["Reg"];
    expect(Reg.ERAPS).toBe(Reg.CR3);
    expect(Reg[Reg.CR3]).toBe("CR3");
  });

  test("the enum's C spelling is named in the docs; the TypeScript names stay", () => {
    const model = modelOf(TS72);
    expect(printed(model, regEnum)).toContain(
      "C spells them VCPU_REGS_<NAME> for the gprs and VCPU_REG_<NAME> for the others.",
    );
    const text = printed(model, counts);
    expect(text).toContain(
      "/** Slots in vcpu.arch.regs: one per gpr (C: NR_VCPU_GENERAL_PURPOSE_REGS). */",
    );
    expect(text).toContain("export const NR_VCPU_REGS = 6;");
    expect(text).toContain("(C: NR_VCPU_TOTAL_REGS)");
    expect(text).toContain("export const NR_KVM_REG_BITS = 8;");
    expect(printed(modelOf(tsSpec()), counts)).not.toContain("(C:");
  });
});
