/* SPDX-License-Identifier: MIT */
/*
 * The simulated hardware for spec/x86-kvm-v5.2.yaml, written by hand from
 * Linux v5.2, never from the generator (see backends.c for why).
 *
 *   vmx: RIP, RSP, RFLAGS, the PDPTRs, the segments and CR3 stay in the VMCS
 *        (vmx_cache_reg() and the regs_avail reset after VM-exit in vmx.c).
 *   svm: only the PDPTRs (with nested paging); svm_vcpu_run() copies RAX,
 *        RSP and RIP between the VMCB and regs[] on every run.
 *   tdx: not part of v5.2; today's TDX (only the GPRs but RSP and RIP are
 *        handed over) limited to this enum, as the spec models it.
 */
#ifndef REGCACHE_SIM_HARDWARE_H
#define REGCACHE_SIM_HARDWARE_H

#define SIM_HW_BIT(reg) (1ULL << (reg))

#define SIM_HW_LAZY_vmx							\
	(SIM_HW_BIT(VCPU_REGS_RIP) | SIM_HW_BIT(VCPU_REGS_RSP) |	\
	 SIM_HW_BIT(VCPU_EXREG_RFLAGS) | SIM_HW_BIT(VCPU_EXREG_PDPTR) |	\
	 SIM_HW_BIT(VCPU_EXREG_SEGMENTS) | SIM_HW_BIT(VCPU_EXREG_CR3))

#define SIM_HW_LAZY_svm (SIM_HW_BIT(VCPU_EXREG_PDPTR))

#define SIM_HW_LAZY_tdx							\
	(SIM_HW_BIT(VCPU_REGS_RSP) | SIM_HW_BIT(VCPU_REGS_RIP) |	\
	 SIM_HW_BIT(VCPU_EXREG_PDPTR) | SIM_HW_BIT(VCPU_EXREG_CR3) |	\
	 SIM_HW_BIT(VCPU_EXREG_RFLAGS) | SIM_HW_BIT(VCPU_EXREG_SEGMENTS))

#endif /* REGCACHE_SIM_HARDWARE_H */
