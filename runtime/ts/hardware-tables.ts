/*
 * What each backend's hardware leaves behind at VM-exit, for the shipped
 * specs, written by hand from the kernel (twin of runtime/sim/hardware/*.h)
 * and never read from the generator: the simulated hardware is the truth the
 * generated REGS_LAZY_LOAD_SET (KVM's side, the code under test) is held to.
 */

/** Per backend, the spec names of the registers its hardware loads lazily. */
export type SimHardware = Readonly<Record<string, readonly string[]>>;

export const SHIPPED_HARDWARE: Readonly<Record<string, SimHardware>> = {
  /*
   * KVM today. vmx: VMX_REGS_LAZY_LOAD_SET (arch/x86/kvm/vmx/vmx.h); svm:
   * SVM_REGS_LAZY_LOAD_SET (svm/svm.h), the PDPTRs only; tdx: everything
   * outside TDX_REGS_AVAIL_SET (the GPRs but RSP/RIP, and the exit infos).
   */
  "x86-kvm-6.12": {
    vmx: [
      "rip",
      "rsp",
      "rflags",
      "pdptr",
      "segments",
      "cr0",
      "cr3",
      "cr4",
      "exit_info_1",
      "exit_info_2",
    ],
    svm: ["pdptr"],
    tdx: ["rsp", "rip", "pdptr", "cr0", "cr3", "cr4", "rflags", "segments"],
  },
  /*
   * Linux v5.2. vmx: the regs_avail reset after VM-exit in vmx.c; svm: the
   * PDPTRs (with nested paging); tdx: not in v5.2, today's TDX limited to
   * this enum, as the spec models it.
   */
  "x86-kvm-v5.2": {
    vmx: ["rip", "rsp", "rflags", "pdptr", "segments", "cr3"],
    svm: ["pdptr"],
    tdx: ["rsp", "rip", "pdptr", "cr3", "rflags", "segments"],
  },
};
