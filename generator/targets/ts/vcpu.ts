/*
 * The vCPU's shape in ts/registers.ts, as ts-morph structures: KvmX86Ops (the
 * backend's cacheReg), VcpuHooks (what the spec's api asks of the vCPU's
 * model, when it asks anything), VcpuArch (regs, the two masks and the fields
 * the extended registers' accessors read, nested along their C path), Vcpu
 * and createVcpu. Prints what the model decided; pure.
 */
import type { InterfaceDeclarationStructure } from "ts-morph";
import { camelName } from "../../core/spec/identifiers";
import { extendedFunctions } from "./extended";
import {
  doc,
  fn,
  regParam,
  type Statement,
  vcpuParam,
  type TsContext,
  vcpuHooks,
} from "./structures";
import { assertedHelpers } from "./accessors";

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
