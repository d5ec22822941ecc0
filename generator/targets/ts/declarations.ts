/*
 * The declarations of ts/registers.ts that describe the register file: the
 * Reg enum and its counts, the mask representation and helpers, the vCPU
 * shape, and each backend's lazy and available sets, as ts-morph structures.
 * Each builder prints what the model decided; none decides.
 */
import type {
  EnumMemberStructure,
  InterfaceDeclarationStructure,
  TypeAliasDeclarationStructure,
  WriterFunction,
} from "ts-morph";
import { camelName } from "../../core/spec/identifiers";
import { extendedFunctions } from "./extended";
import {
  bracketed,
  constant,
  doc,
  fn,
  maskWords,
  regParam,
  regRef,
  type Statement,
  vcpuParam,
  type TsContext,
  vcpuHooks,
} from "./structures";
import { assertedHelpers } from "./accessors";
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

export function vcpuShape(ctx: TsContext): Statement[] {
  // emits: export interface KvmX86Ops { cacheReg(vcpu: Vcpu, reg: Reg): void } … Vcpu, createVcpu
  const ops: InterfaceDeclarationStructure = {
    kind: ctx.kinds.Interface,
    name: "KvmX86Ops",
    isExported: true,
    docs: [doc("The backend, as struct kvm_x86_ops: only what the register cache calls.")],
    methods: [
      {
        name: "cacheReg",
        docs: [doc("Copy reg from hardware state into vcpu.arch.regs and mark it available.")],
        parameters: [vcpuParam, regParam],
        returnType: "void",
      },
    ],
  };
  const hooks = hooksInterface(ctx);
  const arch: InterfaceDeclarationStructure = {
    kind: ctx.kinds.Interface,
    name: "VcpuArch",
    isExported: true,
    docs: [doc("struct kvm_vcpu_arch: the register cache and its two masks.")],
    properties: [
      {
        name: "regs",
        isReadonly: true,
        type: "BigUint64Array",
        docs: [
          doc(`unsigned long regs[${ctx.model.api.gprCount}]: stores wrap to 64 bits as in C.`),
        ],
      },
      {
        name: "regsAvail",
        isReadonly: true,
        type: "RegMask",
        docs: [doc("regs holds the value.")],
      },
      {
        name: "regsDirty",
        isReadonly: true,
        type: "RegMask",
        docs: [doc("regs holds a newer value than hardware: write it back before VM-entry.")],
      },
    ],
  };
  // The fields the extended registers' readers use (accessors), as a tree of
  // members below vcpu.arch: cr0, cr3, the guest-owned bits, and paths through
  // pointers or members (walk_mmu->pdptrs), an indexed one four u64 (PAE's PDPTEs).
  interface Field {
    c: string;
    leaf?: "value" | "indexed";
    members: Map<string, Field>;
  }
  const fields = new Map<string, Field>();
  const add = (path: string, leaf: "value" | "indexed") => {
    let level = fields;
    const tokens = path.split(/(->|\.)/); // names, with the separators between them
    const parts = tokens.filter((_, i) => i % 2 === 0);
    parts.forEach((part, i) => {
      const name = camelName(part);
      const node: Field = level.get(name) ?? {
        c: tokens.slice(0, 2 * i + 1).join(""),
        members: new Map<string, Field>(),
      };
      level.set(name, node);
      if (i === parts.length - 1) node.leaf = leaf;
      level = node.members;
    });
  };
  for (const f of extendedFunctions(ctx)) {
    add(f.field, f.indexed ? "indexed" : "value");
    if (f.guestOwned) add(f.guestOwned.owned, "value");
  }
  const typeOf = (node: Field): string =>
    node.leaf === "indexed"
      ? "BigUint64Array"
      : node.leaf === "value"
        ? "bigint"
        : `{ ${[...node.members].map(([m, n]) => `${n.leaf === "value" ? "" : "readonly "}${m}: ${typeOf(n)}`).join("; ")} }`;
  const initOf = (node: Field): string =>
    node.leaf === "indexed"
      ? "new BigUint64Array(4)"
      : node.leaf === "value"
        ? "0n"
        : `{ ${[...node.members].map(([m, n]) => `${m}: ${initOf(n)}`).join(", ")} }`;
  arch.properties!.push(
    ...[...fields].map(([name, node]) => ({
      name,
      ...(node.leaf === "value" ? {} : { isReadonly: true }),
      type: typeOf(node),
      docs: [doc(`vcpu->arch.${node.c}: read by the extended registers' accessors.`)],
    })),
  );
  const fieldInit = [...fields].map(([name, node]) => `    ${name}: ${initOf(node)},`);
  const vcpu: InterfaceDeclarationStructure = {
    kind: ctx.kinds.Interface,
    name: "Vcpu",
    isExported: true,
    docs: [
      doc(
        "struct kvm_vcpu. C reaches the backend through the global kvm_x86_ops; here each",
        "vCPU carries its own, so vCPUs of different backends can live side by side.",
      ),
    ],
    properties: [
      { name: "arch", isReadonly: true, type: "VcpuArch" },
      { name: "kvmX86Ops", isReadonly: true, type: "KvmX86Ops" },
      ...(hooks ? [{ name: "hooks", isReadonly: true, type: "VcpuHooks" }] : []),
    ],
  };
  const create = fn(
    ctx,
    "createVcpu",
    "A vCPU with every register zero and nothing available or dirty.",
    [
      { name: "kvmX86Ops", type: "KvmX86Ops" },
      ...(hooks ? [{ name: "hooks", type: "VcpuHooks" }] : []),
    ],
    "Vcpu",
    [
      "return {",
      "  arch: {",
      "    regs: new BigUint64Array(NR_VCPU_REGS),",
      "    regsAvail: new Uint32Array(REG_MASK_WORDS),",
      "    regsDirty: new Uint32Array(REG_MASK_WORDS),",
      ...fieldInit,
      "  },",
      "  kvmX86Ops,",
      ...(hooks ? ["  hooks,"] : []),
      "};",
    ],
  );
  return [ops, ...(hooks ? [hooks] : []), arch, vcpu, create];
}

function hooksInterface(ctx: TsContext): InterfaceDeclarationStructure | undefined {
  // emits: export interface VcpuHooks { regModeMask(vcpu: Vcpu): bigint; assertRegisterCachingAllowed(vcpu: Vcpu): void }
  const names = vcpuHooks(ctx.model);
  const api = ctx.model.api;
  if (names.modeMask === undefined && names.assert === undefined) return undefined;
  return {
    kind: ctx.kinds.Interface,
    name: "VcpuHooks",
    isExported: true,
    docs: [
      doc(
        "What the register cache asks of the vCPU's model besides its registers: in C,",
        "helpers written by hand around the generated block.",
      ),
    ],
    methods: [
      ...(names.modeMask !== undefined
        ? [
            {
              name: names.modeMask,
              docs: [
                doc(
                  `${api.modeAware!.modeMask}: the operand width of the vCPU's mode as a mask,`,
                  "0xffffffffffffffffn in 64-bit mode and 0xffffffffn otherwise (C also warns when",
                  "the guest state is protected). The masked reads and registerWrite apply it.",
                ),
              ],
              parameters: [vcpuParam],
              returnType: "bigint",
            },
          ]
        : []),
      ...(names.assert !== undefined
        ? [
            {
              name: names.assert,
              docs: [
                doc(
                  `${api.assert!.macro}: called first by ${assertedHelpers(ctx.model).join(", ")}, where C asserts ${api.assert!.condition} under lockdep. Throw to refuse the access.`,
                ),
              ],
              parameters: [vcpuParam],
              returnType: "void",
            },
          ]
        : []),
    ],
  };
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
