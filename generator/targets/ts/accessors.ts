/*
 * The declarations of ts/registers.ts that move values: the availability
 * helpers, the cached path (registerRead / registerWrite calling the
 * backend's cacheReg) and one read/write pair per gpr, direct or cached as
 * model.accessors says, as ts-morph structures.
 */
import type { FunctionDeclarationStructure } from "ts-morph";
import { cacheRegCall } from "./extended";
import { accessorNames, doc, fn, regParam, regRef, vcpuParam, type TsContext } from "./structures";
import type { AccessorModel } from "../../core/model/types";

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
  const testAndMark = ctx.model.api.testAndMarkAvailable
    ? [
        fn(
          ctx,
          "testAndMarkAvailable",
          "kvm_register_test_and_mark_available: whether reg was available; it is now.",
          [vcpuParam, regParam],
          "boolean",
          [
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
  return [
    fn(ctx, "isAvailable", "kvm_register_is_available", [vcpuParam, regParam], "boolean", [
      "return maskTest(vcpu.arch.regsAvail, reg);",
    ]),
    fn(ctx, "isDirty", "kvm_register_is_dirty", [vcpuParam, regParam], "boolean", [
      "return maskTest(vcpu.arch.regsDirty, reg);",
    ]),
    fn(ctx, "markAvailable", "kvm_register_mark_available", [vcpuParam, regParam], "void", [
      "maskSet(vcpu.arch.regsAvail, reg);",
    ]),
    fn(
      ctx,
      "markDirty",
      "kvm_register_mark_dirty: a dirty register is also available, regs holds the newer value.",
      [vcpuParam, regParam],
      "void",
      ["maskSet(vcpu.arch.regsAvail, reg);", "maskSet(vcpu.arch.regsDirty, reg);"],
    ),
    fn(
      ctx,
      "markForReload",
      "kvm_register_mark_for_reload: forget the cached value, the next read calls cacheReg.",
      [vcpuParam, regParam],
      "void",
      ["maskClear(vcpu.arch.regsAvail, reg);", "maskClear(vcpu.arch.regsDirty, reg);"],
    ),
    ...testAndMark,
    ...pair,
  ];
}

function accessorDoc(a: AccessorModel, c: string): string {
  const r = a.register;
  const why =
    a.path === "direct"
      ? "always available: a plain regs access"
      : r.alwaysAvailable
        ? "always available, but --all-cached: the cached path"
        : `loaded lazily by ${r.lazyIn.join(", ")}: the cached path`;
  return doc(`${c}: ${r.name} is ${why}.`, r.doc);
}

export function accessors(ctx: TsContext): FunctionDeclarationStructure[] {
  // emits: export function raxRead(vcpu: Vcpu): bigint { return vcpu.arch.regs[Reg.RAX]; } and raxWrite
  return ctx.model.accessors.flatMap((a) => {
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
  return [
    fn(
      ctx,
      "readEdxEax",
      "kvm_read_edx_eax: EDX:EAX as one 64-bit value, as RDMSR/WRMSR/XSETBV take it.",
      [vcpuParam],
      "bigint",
      [
        `return (${accessorNames(rax).read}(vcpu) & 0xffffffffn) | ((${accessorNames(rdx).read}(vcpu) & 0xffffffffn) << 32n);`,
      ],
    ),
  ];
}
