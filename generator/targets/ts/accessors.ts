/*
 * The declarations of ts/registers.ts that move values: the availability
 * helpers, the cached path (registerRead / registerWrite calling the
 * backend's cacheReg) and the gprs' accessors, direct or cached as
 * model.accessors says, as ts-morph structures. Under the mode_aware family
 * (Linux 7.2) a gpr has a masked read, a raw pair and maybe a 32-bit pair, as
 * the kernel block gives it; the mode mask and the assertion are hooks of
 * the vCPU (VcpuHooks).
 */
import type { FunctionDeclarationStructure } from "ts-morph";
import { camelName, tsFunctionName } from "../../core/spec/identifiers";
import { ePairNames } from "../../core/spec/kernel-shape";
import { cacheRegCall } from "./extended";
import {
  accessorNames,
  doc,
  fn,
  regParam,
  regRef,
  vcpuHooks,
  vcpuParam,
  type TsContext,
} from "./structures";
import type { AccessorModel, Model } from "../../core/model/types";

const U32_ALL = "0xffffffffn";

/** The call of the vCPU's mode-mask hook (mode_aware specs only): vcpu.hooks.regModeMask(vcpu). */
const modeMaskCall = (ctx: TsContext): string =>
  `vcpu.hooks.${vcpuHooks(ctx.model).modeMask!}(vcpu)`;

/** The helpers that open with the assertion hook, as the kernel block's do. */
export const assertedHelpers = (model: Model): string[] => [
  "isAvailable",
  "isDirty",
  "markAvailable",
  "markDirty",
  "markForReload",
  ...(model.api.testAndMarkAvailable ? ["testAndMarkAvailable"] : []),
];

/** The cached pair's names: registerRead/registerWrite, or with api.raw_pair the _raw twins. */
export const cachedNames = (ctx: TsContext) =>
  ctx.model.api.rawPair
    ? { read: "registerReadRaw", write: "registerWriteRaw" }
    : { read: "registerRead", write: "registerWrite" };

export function cachedPath(ctx: TsContext): FunctionDeclarationStructure[] {
  // emits: isAvailable, isDirty, markAvailable, markDirty, markForReload, registerRead, registerWrite
  const valueParam = { name: "value", type: "bigint" };
  const names = cachedNames(ctx);
  const raw = ctx.model.api.rawPair;
  const assertName = vcpuHooks(ctx.model).assert;
  // The assertion hook each per-register availability helper opens with.
  const asserted = assertName === undefined ? [] : [`vcpu.hooks.${assertName}(vcpu);`];
  const testAndMark = ctx.model.api.testAndMarkAvailable
    ? [
        fn(
          ctx,
          "testAndMarkAvailable",
          "kvm_register_test_and_mark_available: whether reg was available; it is now.",
          [vcpuParam, regParam],
          "boolean",
          [
            ...asserted,
            "const was = maskTest(vcpu.arch.regsAvail, reg);",
            "maskSet(vcpu.arch.regsAvail, reg);",
            "return was;",
          ],
        ),
      ]
    : [];
  const pair = raw
    ? [
        fn(
          ctx,
          names.read,
          doc(
            "kvm_register_read_raw, the cached path over all 64 bits: fetch from hardware state",
            "only when regs is stale. A register past regs warns once and reads 0.",
          ),
          [vcpuParam, regParam],
          "bigint",
          [
            'if (warnOnce(reg < 0 || reg >= NR_VCPU_REGS, "kvm_register_read_raw")) return 0n;',
            `if (!isAvailable(vcpu, reg)) ${cacheRegCall(ctx, "reg")}`,
            "return vcpu.arch.regs[reg]!;",
          ],
        ),
        fn(
          ctx,
          names.write,
          "kvm_register_write_raw: store and mark dirty; past regs, warn once and store nothing.",
          [vcpuParam, regParam, valueParam],
          "void",
          [
            'if (warnOnce(reg < 0 || reg >= NR_VCPU_REGS, "kvm_register_write_raw")) return;',
            "vcpu.arch.regs[reg] = value;",
            "markDirty(vcpu, reg);",
          ],
        ),
      ]
    : [
        fn(
          ctx,
          "registerRead",
          "kvm_register_read, the cached path: fetch from hardware state only when regs is stale.",
          [vcpuParam, regParam],
          "bigint",
          [
            `if (!isAvailable(vcpu, reg)) ${cacheRegCall(ctx, "reg")}`,
            "return vcpu.arch.regs[reg]!;",
          ],
        ),
        fn(
          ctx,
          "registerWrite",
          "kvm_register_write: store, then mark dirty (and so available).",
          [vcpuParam, regParam, valueParam],
          "void",
          ["vcpu.arch.regs[reg] = value;", "markDirty(vcpu, reg);"],
        ),
      ];
  const modeAware = ctx.model.api.modeAware;
  const masked = modeAware
    ? [
        fn(
          ctx,
          "registerRead",
          doc(
            `${modeAware.read}: the cached path as wide as the vCPU's mode, through`,
            `${names.read} and the ${modeAware.modeMask} hook (32 bits outside 64-bit mode).`,
          ),
          [vcpuParam, regParam],
          "bigint",
          [`return ${names.read}(vcpu, reg) & ${modeMaskCall(ctx)};`],
        ),
        fn(
          ctx,
          "registerWrite",
          `${modeAware.write}: ${names.write} of the value masked to the vCPU's mode.`,
          [vcpuParam, regParam, valueParam],
          "void",
          [`${names.write}(vcpu, reg, value & ${modeMaskCall(ctx)});`],
        ),
      ]
    : [];
  return [
    fn(ctx, "isAvailable", "kvm_register_is_available", [vcpuParam, regParam], "boolean", [
      ...asserted,
      "return maskTest(vcpu.arch.regsAvail, reg);",
    ]),
    fn(ctx, "isDirty", "kvm_register_is_dirty", [vcpuParam, regParam], "boolean", [
      ...asserted,
      "return maskTest(vcpu.arch.regsDirty, reg);",
    ]),
    fn(ctx, "markAvailable", "kvm_register_mark_available", [vcpuParam, regParam], "void", [
      ...asserted,
      "maskSet(vcpu.arch.regsAvail, reg);",
    ]),
    fn(
      ctx,
      "markDirty",
      "kvm_register_mark_dirty: a dirty register is also available, regs holds the newer value.",
      [vcpuParam, regParam],
      "void",
      [...asserted, "maskSet(vcpu.arch.regsAvail, reg);", "maskSet(vcpu.arch.regsDirty, reg);"],
    ),
    fn(
      ctx,
      "markForReload",
      "kvm_register_mark_for_reload: forget the cached value, the next read calls cacheReg.",
      [vcpuParam, regParam],
      "void",
      [...asserted, "maskClear(vcpu.arch.regsAvail, reg);", "maskClear(vcpu.arch.regsDirty, reg);"],
    ),
    ...testAndMark,
    ...bulkHelpers(ctx),
    ...pair,
    ...masked,
  ];
}

function bulkHelpers(ctx: TsContext): FunctionDeclarationStructure[] {
  // emits: clearAvailableRegisters(vcpu, clearMask: bigint), resetDirtyRegisters(vcpu)
  // The spec checks (RC149, RC150) leave a bitmap of one 64-bit word: RegMask words 0 and 1.
  if (!ctx.model.api.bulkHelpers) return [];
  return [
    fn(
      ctx,
      "clearAvailableRegisters",
      doc(
        "kvm_clear_available_registers: regsAvail &= ~clearMask on the bitmap's one 64-bit word",
        "(bit n for Reg n, as C's unsigned long). A bit already clear stays clear.",
      ),
      [vcpuParam, { name: "clearMask", type: "bigint" }],
      "void",
      [
        "const keep = BigInt.asUintN(64, ~clearMask);",
        "vcpu.arch.regsAvail[0] = vcpu.arch.regsAvail[0]! & Number(keep & 0xffffffffn);",
        "vcpu.arch.regsAvail[1] = vcpu.arch.regsAvail[1]! & Number(keep >> 32n);",
      ],
    ),
    fn(
      ctx,
      "resetDirtyRegisters",
      "kvm_reset_dirty_registers: no register is dirty (the bitmap's one word is zero).",
      [vcpuParam],
      "void",
      ["vcpu.arch.regsDirty[0] = 0;", "vcpu.arch.regsDirty[1] = 0;"],
    ),
  ];
}

function accessorDoc(a: AccessorModel, c: string, ...notes: string[]): string {
  const r = a.register;
  const why =
    a.path === "direct"
      ? "always available: a plain regs access"
      : r.alwaysAvailable
        ? "always available, but --all-cached: the cached path"
        : `loaded lazily by ${r.lazyIn.join(", ")}: the cached path`;
  return doc(`${c}: ${r.name} is ${why}.`, ...notes, r.doc);
}

/**
 * The gprs the kernel block gives the mode_aware family (every gpr the
 * spec's accessors do not list), each with whether it has the 32-bit pair.
 */
function familyOf(model: Model): Map<string, { ePair: boolean }> {
  const out = new Map<string, { ePair: boolean }>();
  const inner = model.kernel.innerMacro;
  for (const a of model.kernel.gprMacro.accessors)
    out.set(a.register.name, { ePair: inner?.ePair.includes(a.register.name) ?? false });
  for (const f of model.kernel.functions)
    if (f.kind === "gpr" && f.family) out.set(f.register.name, { ePair: !!f.family.eRead });
  return out;
}

function familyAccessors(
  ctx: TsContext,
  a: AccessorModel,
  ePair: boolean,
): FunctionDeclarationStructure[] {
  // emits: raxRead (masked), raxReadRaw, raxWriteRaw, and with the 32-bit pair eaxRead, eaxWrite
  const r = a.register;
  const reg = regRef(r);
  const slot = `vcpu.arch.regs[${reg}]`;
  const direct = a.path === "direct";
  const names = cachedNames(ctx);
  const modeAware = ctx.model.api.modeAware!;
  const camel = camelName(r.name);
  const e = ePairNames(r.name);
  const value = { name: "value", type: "bigint" };
  return [
    fn(
      ctx,
      a.tsRead,
      accessorDoc(a, a.read, `Masked to the vCPU's mode (${modeAware.modeMask}).`),
      [vcpuParam],
      "bigint",
      [direct ? `return ${slot}! & ${modeMaskCall(ctx)};` : `return registerRead(vcpu, ${reg});`],
    ),
    fn(
      ctx,
      `${camel}ReadRaw`,
      `${a.read}_raw: all 64 bits, whatever the mode.`,
      [vcpuParam],
      "bigint",
      [direct ? `return ${slot}!;` : `return ${names.read}(vcpu, ${reg});`],
    ),
    fn(
      ctx,
      `${camel}WriteRaw`,
      `${a.write}_raw: all 64 bits, whatever the mode.`,
      [vcpuParam, value],
      "void",
      [direct ? `${slot} = value;` : `${names.write}(vcpu, ${reg}, value);`],
    ),
    ...(ePair
      ? [
          fn(
            ctx,
            tsFunctionName(e.read),
            `${e.read}: the low 32 bits, in every mode.`,
            [vcpuParam],
            "bigint",
            [
              direct
                ? `return ${slot}! & ${U32_ALL};`
                : `return ${names.read}(vcpu, ${reg}) & ${U32_ALL};`,
            ],
          ),
          fn(
            ctx,
            tsFunctionName(e.write),
            `${e.write}: the value as a u32, zero-extended: the high half becomes 0.`,
            [vcpuParam, value],
            "void",
            [
              direct
                ? `${slot} = BigInt.asUintN(32, value);`
                : `${names.write}(vcpu, ${reg}, BigInt.asUintN(32, value));`,
            ],
          ),
        ]
      : []),
  ];
}

export function accessors(ctx: TsContext): FunctionDeclarationStructure[] {
  // emits: export function raxRead(vcpu: Vcpu): bigint { return vcpu.arch.regs[Reg.RAX]; } and raxWrite
  const family = ctx.model.api.modeAware
    ? familyOf(ctx.model)
    : new Map<string, { ePair: boolean }>();
  return ctx.model.accessors.flatMap((a) => {
    const own = family.get(a.register.name);
    if (own) return familyAccessors(ctx, a, own.ePair);
    const { read, write } = accessorNames(a);
    const reg = regRef(a.register);
    const direct = a.path === "direct";
    return [
      fn(ctx, read, accessorDoc(a, a.read), [vcpuParam], "bigint", [
        direct
          ? `return vcpu.arch.regs[${reg}]!;`
          : `return ${cachedNames(ctx).read}(vcpu, ${reg});`,
      ]),
      fn(
        ctx,
        write,
        accessorDoc(a, a.write),
        [vcpuParam, { name: "value", type: "bigint" }],
        "void",
        [
          direct
            ? `vcpu.arch.regs[${reg}] = value;`
            : `${cachedNames(ctx).write}(vcpu, ${reg}, value);`,
        ],
      ),
    ];
  });
}

export function edxEax(ctx: TsContext): FunctionDeclarationStructure[] {
  // emits: export function readEdxEax(vcpu: Vcpu): bigint (when the spec has rax and rdx)
  const rax = ctx.model.accessors.find((a) => a.register.name === "rax");
  const rdx = ctx.model.accessors.find((a) => a.register.name === "rdx");
  if (!rax || !rdx) return [];
  const body = ctx.model.kernel.edxEaxByEPair
    ? `return ${tsFunctionName(ePairNames("rax").read)}(vcpu) | (${tsFunctionName(ePairNames("rdx").read)}(vcpu) << 32n);`
    : `return (${accessorNames(rax).read}(vcpu) & 0xffffffffn) | ((${accessorNames(rdx).read}(vcpu) & 0xffffffffn) << 32n);`;
  return [
    fn(
      ctx,
      "readEdxEax",
      "kvm_read_edx_eax: EDX:EAX as one 64-bit value, as RDMSR/WRMSR/XSETBV take it.",
      [vcpuParam],
      "bigint",
      [body],
    ),
  ];
}
