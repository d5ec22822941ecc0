/*
 * The declarations of ts/registers.ts that describe the register file: the
 * Reg enum and its counts, the mask representation and helpers, and each
 * backend's lazy and available sets, as ts-morph structures (the vCPU's
 * shape is vcpu.ts's). Each builder prints what the model decided; none
 * decides.
 */
import type { EnumMemberStructure, TypeAliasDeclarationStructure, WriterFunction } from "ts-morph";
import {
  bracketed,
  constant,
  doc,
  fn,
  maskWords,
  regParam,
  regRef,
  type Statement,
  type TsContext,
} from "./structures";
import type { BackendModel, RegisterModel } from "../../core/model/types";

export function regEnum(ctx: TsContext): WriterFunction {
  // emits: export enum Reg { RAX = 0, RCX = 1, …, RIP = 16, PDPTR = 17, … }
  // Written by hand around printed members: prettier gives the last member a
  // trailing comma too, which ts-morph's enum structure leaves off.
  const spelling = ctx.model.enumSpelling;
  const description = doc(
    "Register numbers, as enum kvm_reg on a 64-bit build (every guard defined): the slots",
    "of vcpu.arch.regs in hardware encoding order, then the registers that have only an",
    "availability bit.",
    spelling.isDefault
      ? undefined
      : `C spells them ${spelling.gprPrefix}<NAME> for the gprs and ${spelling.extendedPrefix}<NAME> for the others.`,
  );
  return (writer) => {
    writer.blankLineIfLastNot();
    writer.writeLine(ctx.print({ kind: ctx.kinds.JSDoc, description }));
    writer.write("export enum Reg ").inlineBlock(() => {
      for (const r of ctx.model.registers) {
        // An alias comes before its register (C puts it after), so that the
        // enum's reverse mapping, Reg[Reg.CR3], stays the register's own name.
        for (const a of ctx.model.aliases.filter((x) => x.register === r)) {
          const member: EnumMemberStructure = {
            kind: ctx.kinds.EnumMember,
            name: a.upper,
            value: r.index,
            docs: [doc(`Another name of ${r.upper} (C: ${a.enumName} = ${r.enumName}).`)],
          };
          writer.writeLine(`${ctx.print(member)},`);
        }
        const notes = doc(r.doc, r.guard ? `C: only under ${r.guard}.` : undefined);
        const member: EnumMemberStructure = {
          kind: ctx.kinds.EnumMember,
          name: r.upper,
          value: r.index,
          ...(notes ? { docs: [notes] } : {}),
        };
        writer.writeLine(`${ctx.print(member)},`);
      }
    });
  };
}

export function counts(ctx: TsContext): Statement[] {
  // emits: export const NR_VCPU_REGS = 17; export const NR_KVM_REG_BITS = 25;
  // The names stay regcache's whatever the spec's enum section calls them in C.
  const spelling = ctx.model.enumSpelling;
  const inC = (name: string | undefined) =>
    spelling.isDefault || name === undefined ? "" : ` (C: ${name})`;
  return [
    constant(
      ctx,
      "NR_VCPU_REGS",
      `Slots in vcpu.arch.regs: one per gpr${inC(spelling.gprCount)}.`,
      undefined,
      `${ctx.model.gprs.length}`,
    ),
    constant(
      ctx,
      "NR_KVM_REG_BITS",
      `Bits in regsAvail / regsDirty: one per register, gpr and extended${inC(spelling.total)}.`,
      undefined,
      `${ctx.model.registers.length}`,
    ),
  ];
}

export function maskHelpers(ctx: TsContext): Statement[] {
  // emits: export type RegMask = Uint32Array; export const REG_MASK_WORDS = 1; maskTest, maskSet, …
  const mask = ctx.model.mask;
  const cWidth =
    mask.kind === "bitmap" ? `a bitmap of ${mask.words} unsigned long` : `a ${mask.kind}`;
  const maskParam = { name: "mask", type: "RegMask" };
  const readonlyMaskParam = { name: "mask", type: "Readonly<RegMask>" };
  const alias: TypeAliasDeclarationStructure = {
    kind: ctx.kinds.TypeAlias,
    name: "RegMask",
    isExported: true,
    type: "Uint32Array",
    docs: [
      doc(
        // The bitmap's longer C width moves "bit n in" down, keeping the lines within DOC_WIDTH.
        ...(mask.kind === "bitmap"
          ? [
              `regs_avail / regs_dirty (${cWidth} in C) as an array of 32-bit words,`,
              "bit n in word n >>> 5. One representation serves u32, u64 and bitmap masks of any size:",
            ]
          : [
              `regs_avail / regs_dirty (${cWidth} in C) as an array of 32-bit words, bit n in`,
              "word n >>> 5. One representation serves u32, u64 and bitmap masks of any size:",
            ]),
        "testing or setting a bit touches one word in place, where a bigint mask would",
        "copy itself on every set (costly with thousands of registers), and 32-bit words",
        "are what JavaScript's bit operators work on without going through bigint.",
      ),
    ],
  };
  return [
    alias,
    constant(
      ctx,
      "REG_MASK_WORDS",
      "32-bit words in a RegMask: as many bits as the C mask holds.",
      undefined,
      `${maskWords(ctx.model)}`,
    ),
    fn(ctx, "maskTest", "Whether reg's bit is set.", [readonlyMaskParam, regParam], "boolean", [
      "return ((mask[reg >>> 5]! >>> (reg & 31)) & 1) === 1;",
    ]),
    fn(ctx, "maskSet", "Sets reg's bit, in place.", [maskParam, regParam], "void", [
      "mask[reg >>> 5] = mask[reg >>> 5]! | (1 << (reg & 31));",
    ]),
    fn(ctx, "maskClear", "Clears reg's bit, in place.", [maskParam, regParam], "void", [
      "mask[reg >>> 5] = mask[reg >>> 5]! & ~(1 << (reg & 31));",
    ]),
    fn(
      ctx,
      "regMask",
      "A new mask holding exactly the given registers.",
      [{ name: "regs", type: "readonly Reg[]" }],
      "RegMask",
      [
        "const mask = new Uint32Array(REG_MASK_WORDS);",
        "for (const reg of regs) maskSet(mask, reg);",
        "return mask;",
      ],
    ),
  ];
}

function backendDoc(b: BackendModel): string {
  return doc(
    `${b.name}: ${b.lazy.length} lazily loaded, ${b.available.length} always available (spec lists ${b.declared}).`,
    b.doc,
  );
}

const setInitializer = (regs: readonly RegisterModel[]) =>
  bracketed("regMask([", regs.map(regRef), "])");

export function backendSets(ctx: TsContext): Statement[] {
  // emits: export const VMX_REGS_LAZY_LOAD_SET: Readonly<RegMask> = regMask([Reg.RSP, …]); … REGS_LAZY_LOAD_SET
  const backends = ctx.model.backends;
  const perBackend = backends.flatMap((b) => [
    constant(ctx, b.lazySetName, backendDoc(b), "Readonly<RegMask>", setInitializer(b.lazy)),
    constant(
      ctx,
      b.availSetName,
      `${b.name}: saved into vcpu.arch.regs on every VM-exit.`,
      "Readonly<RegMask>",
      setInitializer(b.available),
    ),
  ]);
  const names: TypeAliasDeclarationStructure = {
    kind: ctx.kinds.TypeAlias,
    name: "Backend",
    isExported: true,
    docs: [doc("The spec's backends, as the C KVM_BACKENDS() X-macro lists them.")],
    type: backends.length ? backends.map((b) => JSON.stringify(b.name)).join(" | ") : "never",
  };
  const table = (name: string, docs: string, setName: (b: BackendModel) => string) =>
    constant(
      ctx,
      name,
      docs,
      "Readonly<Record<Backend, Readonly<RegMask>>>",
      bracketed(
        "{",
        backends.map((b) => `${b.name}: ${setName(b)}`),
        "}",
        true,
      ),
    );
  return [
    ...perBackend,
    names,
    constant(
      ctx,
      "BACKENDS",
      "Every backend, in spec order.",
      "readonly Backend[]",
      bracketed(
        "[",
        backends.map((b) => JSON.stringify(b.name)),
        "]",
      ),
    ),
    table("REGS_LAZY_LOAD_SET", "Each backend's lazily loaded set, by name.", (b) => b.lazySetName),
    table("REGS_AVAIL_SET", "Each backend's always-available set, by name.", (b) => b.availSetName),
  ];
}
