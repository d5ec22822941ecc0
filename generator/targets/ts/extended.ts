/*
 * The parts of ts/registers.ts a spec's `api` and `accessors` sections add,
 * twins of the C target's: how cacheReg is reached (through the vCPU's ops,
 * or a static call installed once), WARN_ON_ONCE for the raw pair's range
 * check, the possibly-guest-owned CR bits, and the extended registers'
 * readers and writers (readCr3, pdptrRead, readCr0Bits, isCr4BitSet …).
 * A spec without those sections prints none of it. The decisions are the
 * model's (core/model/kernel-block.ts); bit operations and inline choices are C spelling
 * with no TypeScript meaning.
 */
import type { FunctionDeclarationStructure } from "ts-morph";
import { KERNEL_CONSTANTS } from "../../core/kernel";
import { tsFieldPath, tsFunctionName } from "../../core/spec/identifiers";
import { constant, doc, fn, regRef, type Statement, vcpuParam, type TsContext } from "./structures";
import type { ExtendedFunctionsModel, FunctionModel } from "../../core/model/types";

const statics = (ctx: TsContext) => ctx.model.api.cacheReg !== "ops_pointer";

/** The cacheReg call, as the spec reaches it: vcpu.kvmX86Ops.cacheReg(vcpu, reg) or staticCall.kvmX86CacheReg(vcpu, reg). */
export function cacheRegCall(ctx: TsContext, reg: string): string {
  return statics(ctx)
    ? `staticCall.kvmX86CacheReg(vcpu, ${reg});`
    : `vcpu.kvmX86Ops.cacheReg(vcpu, ${reg});`;
}

/** The extended registers' functions the model decided, in the spec's order. */
export const extendedFunctions = (ctx: TsContext): ExtendedFunctionsModel[] =>
  ctx.model.c.functions.filter((f): f is ExtendedFunctionsModel => f.kind === "extended");

export function dispatch(ctx: TsContext): Statement[] {
  // emits: export const staticCall = { kvmX86CacheReg(…) }; export function staticCallUpdate(…)
  if (!statics(ctx)) return [];
  const call =
    ctx.model.api.cacheReg === "kvm_x86_call"
      ? "kvm_x86_call(cache_reg)"
      : "static_call(kvm_x86_cache_reg)";
  return [
    constant(
      ctx,
      "staticCall",
      doc(
        `${call}: every call site calls the one function staticCallUpdate installed`,
        "(the kernel patches it in when the vendor module loads), not the vCPU's kvmX86Ops.",
      ),
      undefined,
      [
        "{",
        "  kvmX86CacheReg: (_vcpu: Vcpu, _reg: Reg): void => {",
        '    throw new Error("static call kvm_x86_cache_reg: no backend installed");',
        "  },",
        "}",
      ].join("\n"),
    ),
    fn(
      ctx,
      "staticCallUpdate",
      "static_call_update(kvm_x86_cache_reg, …): install the backend's cacheReg.",
      [{ name: "cacheReg", type: "(vcpu: Vcpu, reg: Reg) => void" }],
      "void",
      ["staticCall.kvmX86CacheReg = cacheReg;"],
    ),
  ];
}

export function warnings(ctx: TsContext): Statement[] {
  // emits: export const warnOnce = { handler, sites }; function warnOnce(condition, site)
  if (!ctx.model.api.rawPair) return [];
  return [
    constant(
      ctx,
      "WARN_ON_ONCE",
      doc(
        "WARN_ON_ONCE's state: the sites that have reported, and where reports go (replace",
        "handler to see them; by default they are dropped).",
      ),
      undefined,
      ["{", "  handler: (_site: string): void => {},", "  warned: new Set<string>(),", "}"].join(
        "\n",
      ),
    ),
    fn(
      ctx,
      "warnOnce",
      "WARN_ON_ONCE(condition): the condition, reported the first time it holds at a site.",
      [
        { name: "condition", type: "boolean" },
        { name: "site", type: "string" },
      ],
      "boolean",
      [
        "if (condition && !WARN_ON_ONCE.warned.has(site)) {",
        "  WARN_ON_ONCE.warned.add(site);",
        "  WARN_ON_ONCE.handler(site);",
        "}",
        "return condition;",
      ],
    ),
  ];
}

export function guestOwnedConstants(ctx: TsContext): Statement[] {
  // emits: export const KVM_POSSIBLE_CR0_GUEST_BITS = 0x10008n;
  // The spec's value where it gives one (guest_owned.value), else regcache's own.
  const values = new Map<string, { value: bigint; doc: string }>();
  for (const f of extendedFunctions(ctx)) {
    if (!f.guestOwned || values.has(f.guestOwned.possible)) continue;
    const { possible, value } = f.guestOwned;
    const known = KERNEL_CONSTANTS[possible];
    values.set(
      possible,
      value !== undefined
        ? { value, doc: `The bits a backend may let the guest own, as the spec gives them.` }
        : { value: known!.value, doc: known!.doc },
    );
  }
  return [...values].map(([name, c]) =>
    constant(ctx, name, doc(c.doc), undefined, `0x${c.value.toString(16)}n`),
  );
}

const U64_ALL = "0xffffffffffffffffn";
const valueBits = (type: string) => (type === "u32" ? 32 : 64);

export function extendedAccessors(ctx: TsContext): FunctionDeclarationStructure[] {
  // emits: export function readCr3(vcpu: Vcpu): bigint { if (!isAvailable(vcpu, Reg.CR3)) … return vcpu.arch.cr3; }
  return extendedFunctions(ctx).flatMap((f) => {
    const reg = regRef(f.register);
    const field = `vcpu.arch.${tsFieldPath(f.field)}`;
    const slot = f.indexed ? `${field}[index]!` : field;
    const index = f.indexed ? [{ name: "index", type: "number" }] : [];
    const fetch =
      f.path === "cached" ? [`if (!isAvailable(vcpu, ${reg})) ${cacheRegCall(ctx, reg)}`] : [];
    const name = (m: FunctionModel) => tsFunctionName(m.name);
    const out: FunctionDeclarationStructure[] = [];
    const why =
      f.path === "cached"
        ? `loaded lazily by ${f.register.lazyIn.join(", ")}: cacheReg when not available`
        : "always available: read straight from its field";
    if (f.read && !f.readBits)
      out.push(
        fn(
          ctx,
          name(f.read),
          doc(`${f.read.name}: ${f.register.name} is ${why}.`, f.doc),
          [vcpuParam, ...index],
          "bigint",
          [...fetch, `return ${slot};`],
        ),
      );
    if (f.write)
      out.push(
        fn(
          ctx,
          name(f.write),
          doc(
            f.markDirty
              ? `${f.write.name}: store into the field and mark ${f.register.name} dirty, as in C.`
              : `${f.write.name}: store into the field (no dirty bit, as in C).`,
          ),
          [vcpuParam, ...index, { name: "value", type: "bigint" }],
          "void",
          [
            f.indexed
              ? `${field}[index] = value;`
              : `${field} = BigInt.asUintN(${valueBits(f.type)}, value);`,
            ...(f.markDirty ? [`markDirty(vcpu, ${reg});`] : []),
          ],
        ),
      );
    if (f.readBits) {
      const owned = `vcpu.arch.${tsFieldPath(f.guestOwned!.owned)}`;
      out.push(
        fn(
          ctx,
          name(f.readBits),
          doc(
            `${f.readBits.name}: cacheReg only when the asked bits may be owned by the guest now`,
            `(mask & ${f.guestOwned!.possible} & ${f.guestOwned!.owned}) and ${f.register.name} is not available.`,
          ),
          [vcpuParam, { name: "mask", type: "bigint" }],
          "bigint",
          [
            ...(f.path === "cached"
              ? [
                  `const guestBits = mask & ${f.guestOwned!.possible};`,
                  `if ((guestBits & ${owned}) !== 0n && !isAvailable(vcpu, ${reg})) {`,
                  `  ${cacheRegCall(ctx, reg)}`,
                  "}",
                ]
              : []),
            `return ${field} & mask;`,
          ],
        ),
      );
      if (f.isBitSet) {
        const bit = `${f.register.name}Bit`;
        out.push(
          fn(
            ctx,
            name(f.isBitSet),
            doc(`${f.isBitSet.name}: one bit (C checks that at build time; here a RangeError).`),
            [vcpuParam, { name: bit, type: "bigint" }],
            "boolean",
            [
              `if (${bit} <= 0n || (${bit} & (${bit} - 1n)) !== 0n) {`,
              `  throw new RangeError(\`${f.isBitSet.name}: \${${bit}} is not one bit\`);`,
              "}",
              `return ${name(f.readBits)}(vcpu, ${bit}) !== 0n;`,
            ],
          ),
        );
      }
      if (f.read)
        out.push(
          fn(
            ctx,
            name(f.read),
            doc(`${f.read.name}: every bit, through ${f.readBits.name}.`),
            [vcpuParam],
            "bigint",
            [`return ${name(f.readBits)}(vcpu, ${U64_ALL});`],
          ),
        );
    }
    return out;
  });
}
