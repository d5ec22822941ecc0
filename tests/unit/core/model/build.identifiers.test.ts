/*
 * The model's identifier list (model.identifiers) and enum spelling
 * (model.enumSpelling), written out whole by hand for small specs.
 *
 * tests/unit/core/spec/identifiers.test.ts checks that every identifier the
 * emitted files define is in the list (the list may hold more: it reserves
 * every name a register could generate under any option). Here the list is
 * compared exactly, so a name added that the spec does not give (an include
 * guard without the kernel target, the generator's own NR_VCPU_REGS, an
 * accessor of a GPR entry) fails as surely as one left out. Each expected name
 * follows from the spec text and the naming rules in core/spec/identifiers.ts's
 * docstrings, not from a run.
 */
import { loadModel } from "../../../../generator/generate/produce";
import { GENERATOR_IDENTIFIERS } from "../../../../generator/core/spec/identifiers";
import type { Model } from "../../../../generator/core/model/types";

function load(text: string): Model {
  const r = loadModel({ specPath: "ids.yaml", specText: text });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n"));
  return r.model;
}

/** Linux 7.2's shape in small: its own enum spelling, an alias, every kind of named thing. */
const SHAPE_72 = `regcache: 1
name: ids
mask: bitmap
enum:
  gpr_prefix: R_
  extended_prefix: X_
  gpr_count: NR_G
  total: NR_ALL
registers:
  gpr: [rax, rbx, { name: r8, when: CONFIG_X86_64 }]
  extended: [rip, cr0, exit_info_1]
  aliases:
    eraps: cr0
backends:
  vmx:
    lazy: [rip, cr0]
  tdx:
    available: [rax, rbx]
output:
  targets: [kernel, ts]
  kernel_header: my-regs2.h
api:
  cache_reg: kvm_x86_call
  bitops: kernel
  raw_pair: true
  assert:
    macro: my_assert
    condition: in_task()
  gpr_family: mode_aware
  mode_mask: kvm_reg_mode_mask
  e_pair: [rax, rbx]
accessors:
  - register: rip
    field: rip
    read: kvm_rip_read
    write: kvm_rip_write
  - r8
  - register: cr0
    field: cr0
    type: ulong
    guest_owned: { possible: KVM_POSSIBLE_CR0_GUEST_BITS, owned: cr0_guest_owned_bits }
    read_bits: kvm_read_cr0_bits
    is_bit_set: kvm_is_cr0_bit_set
    read: kvm_read_cr0
  - register: exit_info_1
    field: exit_qualification
    type: u64
    write: kvm_write_exit_info_1
`;

/** The same registers with no enum, api or accessors section, written by the c target only. */
const SHAPE_6 = `regcache: 1
name: ids
mask: bitmap
registers:
  gpr: [rax, rbx]
  extended: [cr0]
backends:
  vmx:
    lazy: [cr0]
output:
  targets: [c]
`;

const gpr72 = (n: string, N: string) => [
  `R_${N}`,
  `KVM_REG_BIT_${N}`,
  `KVM_CHECK_REG_${N}`,
  `kvm_${n}_read`,
  `kvm_${n}_write`,
  `kvm_${n}_read_raw`,
  `kvm_${n}_write_raw`,
];
const extended72 = (N: string) => [`X_${N}`, `KVM_REG_BIT_${N}`, `KVM_CHECK_REG_${N}`];
const sets = (B: string) => [
  `${B}_REGS_LAZY_LOAD_SET`,
  `${B}_REGS_AVAIL_SET`,
  `KVM_CHECK_${B}_REGS_LAZY_LOAD_SET`,
  `KVM_CHECK_${B}_REGS_AVAIL_SET`,
];

describe("model.identifiers: exactly the names the spec gives, in spec order", () => {
  test("Linux 7.2's shape: registers, aliases, backends, accessor functions, assertion, 32-bit pairs, counts, guard", () => {
    const m = load(SHAPE_72);
    expect(m.identifiers.c).toEqual([
      ...GENERATOR_IDENTIFIERS.c,
      ...gpr72("rax", "RAX"),
      ...gpr72("rbx", "RBX"),
      ...gpr72("r8", "R8"),
      ...extended72("RIP"),
      ...extended72("CR0"),
      ...extended72("EXIT_INFO_1"),
      // The alias is named as an extended register is.
      ...extended72("ERAPS"),
      ...sets("VMX"),
      ...sets("TDX"),
      // The extended entries' functions in read, write, read_bits, is_bit_set order;
      // the GPR entry (r8) names none of its own.
      "kvm_rip_read",
      "kvm_rip_write",
      "kvm_read_cr0",
      "kvm_read_cr0_bits",
      "kvm_is_cr0_bit_set",
      "kvm_write_exit_info_1",
      "my_assert",
      "kvm_eax_read",
      "kvm_eax_write",
      "kvm_ebx_read",
      "kvm_ebx_write",
      "NR_G",
      "NR_ALL",
      "MY_REGS2_H",
    ]);
    expect(m.identifiers.ts).toEqual([
      ...GENERATOR_IDENTIFIERS.ts,
      ...["rax", "rbx", "r8"].flatMap((n) => [
        `${n}Read`,
        `${n}Write`,
        `${n}ReadRaw`,
        `${n}WriteRaw`,
      ]),
      // Extended registers, the alias and the counts name nothing in TypeScript.
      "VMX_REGS_LAZY_LOAD_SET",
      "VMX_REGS_AVAIL_SET",
      "TDX_REGS_LAZY_LOAD_SET",
      "TDX_REGS_AVAIL_SET",
      "ripRead",
      "ripWrite",
      "readCr0",
      "readCr0Bits",
      "isCr0BitSet",
      "writeExitInfo1",
      "myAssert",
      "eaxRead",
      "eaxWrite",
      "ebxRead",
      "ebxWrite",
    ]);
  });

  test("Linux 6.x's defaults: 6.x prefixes, NR_VCPU_REGS left to the generator, no total, no guard", () => {
    const m = load(SHAPE_6);
    expect(m.identifiers.c).toEqual([
      ...GENERATOR_IDENTIFIERS.c,
      ...["rax", "rbx"].flatMap((n) => [
        `VCPU_REGS_${n.toUpperCase()}`,
        `KVM_REG_BIT_${n.toUpperCase()}`,
        `KVM_CHECK_REG_${n.toUpperCase()}`,
        `kvm_${n}_read`,
        `kvm_${n}_write`,
        `kvm_${n}_read_raw`,
        `kvm_${n}_write_raw`,
      ]),
      "VCPU_EXREG_CR0",
      "KVM_REG_BIT_CR0",
      "KVM_CHECK_REG_CR0",
      ...sets("VMX"),
    ]);
    expect(m.identifiers.ts).toEqual([
      ...GENERATOR_IDENTIFIERS.ts,
      ...["rax", "rbx"].flatMap((n) => [`${n}Read`, `${n}Write`, `${n}ReadRaw`, `${n}WriteRaw`]),
      "VMX_REGS_LAZY_LOAD_SET",
      "VMX_REGS_AVAIL_SET",
    ]);
  });

  test("a count the spec names is listed unless the generator defines it", () => {
    const m = load(
      SHAPE_6.replace(
        "registers:",
        "enum:\n  gpr_count: NR_VCPU_REGS\n  total: NR_ALL\nregisters:",
      ),
    );
    expect(m.identifiers.c.filter((n) => n.startsWith("NR_"))).toEqual([
      ...[...GENERATOR_IDENTIFIERS.c].filter((n) => n.startsWith("NR_")),
      "NR_ALL",
    ]);
    expect(m.identifiers.c.filter((n) => n === "NR_VCPU_REGS")).toHaveLength(1);
  });
});

describe("model.enumSpelling.isDefault: true only when every term is Linux 6.x's", () => {
  const withEnum = (lines: string[]) =>
    SHAPE_6.replace(
      "registers:",
      ["enum:", ...lines.map((l) => `  ${l}`), "registers:"].join("\n"),
    );

  test("no enum section, or one that spells the defaults: default", () => {
    expect(load(SHAPE_6).enumSpelling).toStrictEqual({
      gprPrefix: "VCPU_REGS_",
      extendedPrefix: "VCPU_EXREG_",
      gprCount: "NR_VCPU_REGS",
      isDefault: true,
    });
    const spelled = withEnum([
      "gpr_prefix: VCPU_REGS_",
      "extended_prefix: VCPU_EXREG_",
      "gpr_count: NR_VCPU_REGS",
    ]);
    expect(load(spelled).enumSpelling.isDefault).toBe(true);
  });

  test.each([
    ["gpr_prefix", "gpr_prefix: R_", { gprPrefix: "R_" }],
    ["extended_prefix", "extended_prefix: VCPU_REG_", { extendedPrefix: "VCPU_REG_" }],
    ["gpr_count", "gpr_count: NR_G", { gprCount: "NR_G" }],
    ["total", "total: NR_ALL", { total: "NR_ALL" }],
  ])("%s alone differs: not default", (_term, line, changed) => {
    expect(load(withEnum([line])).enumSpelling).toStrictEqual({
      gprPrefix: "VCPU_REGS_",
      extendedPrefix: "VCPU_EXREG_",
      gprCount: "NR_VCPU_REGS",
      ...changed,
      isDefault: false,
    });
  });
});
