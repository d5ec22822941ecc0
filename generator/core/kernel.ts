/*
 * The kernel constants a spec may name by their C name where a target needs
 * their value: the TypeScript target has no kernel headers to take
 * KVM_POSSIBLE_CR0_GUEST_BITS from, so its value is here (the C targets
 * take it from the headers: runtime/include/kvm_host.h, or the kernel's own
 * arch/x86/kvm/kvm_cache_regs.h). A spec naming any other constant cannot
 * write the ts target (RC148). A leaf module.
 */

export interface KernelConstant {
  readonly value: bigint;
  /** What it is and where the kernel defines it. */
  readonly doc: string;
}

export const KERNEL_CONSTANTS: Readonly<Record<string, KernelConstant>> = {
  KVM_POSSIBLE_CR0_GUEST_BITS: {
    value: 0x10008n,
    doc: "CR0.TS | CR0.WP: the CR0 bits a backend may let the guest own (arch/x86/kvm/kvm_cache_regs.h).",
  },
  KVM_POSSIBLE_CR4_GUEST_BITS: {
    value: 0x1078en,
    doc: "CR4.PVI | DE | PCE | OSFXSR | OSXMMEXCPT | PGE | TSD | FSGSBASE: the CR4 bits a backend may let the guest own (arch/x86/kvm/kvm_cache_regs.h).",
  },
};
