/*
 * struct kvm_regs, the register file KVM_GET_REGS/KVM_SET_REGS exchange with
 * userspace: its fields in the kernel's order (arch/x86/include/uapi/asm/kvm.h),
 * the same in Linux 6.x and 7.2, so both twins (sim.ts and 7.2/sim.ts) take it
 * from here.
 */

/** The fields of struct kvm_regs, in struct order. */
export const KVM_REGS_FIELDS = [
  "rax",
  "rbx",
  "rcx",
  "rdx",
  "rsi",
  "rdi",
  "rsp",
  "rbp",
  "r8",
  "r9",
  "r10",
  "r11",
  "r12",
  "r13",
  "r14",
  "r15",
  "rip",
  "rflags",
] as const;

/** A struct kvm_regs: each field a u64. */
export type KvmRegs = Record<(typeof KVM_REGS_FIELDS)[number], bigint>;

/** A struct kvm_regs of zeros. */
export const emptyKvmRegs = (): KvmRegs =>
  Object.fromEntries(KVM_REGS_FIELDS.map((f) => [f, 0n])) as KvmRegs;
