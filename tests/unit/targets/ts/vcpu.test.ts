/*
 * The TypeScript target's vCPU (generator/targets/ts/vcpu.ts): the fields the
 * extended accessors read (paths through pointers become nested objects),
 * createVcpu's fresh state, and VcpuHooks with what the spec's api asks for.
 * Checked by what vcpuShape returns and by running the printed file.
 */
import { vcpuShape } from "../../../../generator/targets/ts/vcpu";
import { printRegistersSource, tsContext } from "../../../../generator/targets/ts/emit";
import type { Model } from "../../../../generator/core/model/types";
import { linux72, modelOf } from "../spec-model";
import { load, tsSpec } from "./load";

/** The printed text of vcpuShape's statements for the model. */
function printed(model: Model): string {
  const ctx = tsContext(model);
  return ctx.print({ kind: ctx.kinds.SourceFile, statements: vcpuShape(ctx) as never });
}

const SPEC = (mask: string) => tsSpec().map((l) => (l === "mask: u32" ? `mask: ${mask}` : l));

/** spec-model's linux72, written by the ts target. */
const TS72 = () =>
  linux72().map((l) => (l === "  targets: [kernel]" ? "  targets: [kernel, ts]" : l));

describe("the vCPU", () => {
  test("the fields the extended accessors read, nested along their path", () => {
    const text = printed(modelOf(SPEC("u32")));
    expect(text).toContain("readonly walkMmu: { readonly pdptrs: BigUint64Array };");
    expect(text).toContain("cr0: bigint;");
    expect(text).toContain("cr0GuestOwnedBits: bigint;");
    expect(text).toContain(
      "/** vcpu->arch.walk_mmu: read by the extended registers' accessors. */",
    );
  });

  test("createVcpu: zero, nothing available or dirty, its own backend", () => {
    const r = load(printRegistersSource(modelOf(SPEC("u64"))));
    const ops = { cacheReg: () => undefined };
    const vcpu = r["createVcpu"](ops);
    expect(vcpu.kvmX86Ops).toBe(ops);
    expect(vcpu.arch.regs).toEqual(new BigUint64Array(6));
    expect(vcpu.arch.regsAvail).toEqual(new Uint32Array(2));
    expect(vcpu.arch.regsDirty).toEqual(new Uint32Array(2));
    expect(vcpu.arch.walkMmu.pdptrs).toEqual(new BigUint64Array(4));
    expect([vcpu.arch.cr0, vcpu.arch.cr0GuestOwnedBits, vcpu.arch.cr3, vcpu.arch.cr8]).toEqual([
      0n,
      0n,
      0n,
      0n,
    ]);
    expect(r["createVcpu"](ops).arch.regs).not.toBe(vcpu.arch.regs);
  });

  test("without extended accessors, only regs and the two masks", () => {
    const plain = [
      "regcache: 1",
      "name: t",
      "mask: u32",
      "registers:",
      "  gpr: [rax]",
      "backends:",
      "  vmx: { lazy: [] }",
    ];
    const vcpu = load(printRegistersSource(modelOf(plain)))["createVcpu"]({});
    expect(Object.keys(vcpu.arch)).toEqual(["regs", "regsAvail", "regsDirty"]);
  });

  test("VcpuHooks holds what the api asks for, and createVcpu takes it; without, neither", () => {
    const text = printed(modelOf(TS72()));
    expect(text).toMatch(
      /export interface VcpuHooks \{[^}]*regModeMask\(vcpu: Vcpu\): bigint;[^}]*assertX\(vcpu: Vcpu\): void;\n\}/,
    );
    expect(text).toContain(
      "export function createVcpu(kvmX86Ops: KvmX86Ops, hooks: VcpuHooks): Vcpu {",
    );
    const noAssert = printed(modelOf(TS72().filter((l) => !l.startsWith("  assert:"))));
    expect(noAssert).toContain("regModeMask(vcpu: Vcpu): bigint;");
    expect(noAssert).not.toContain("assertX");
    const plain = printed(modelOf(tsSpec()));
    expect(plain).not.toContain("VcpuHooks");
    expect(plain).not.toContain("hooks");
  });
});
