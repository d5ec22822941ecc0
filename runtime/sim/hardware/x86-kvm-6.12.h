/* SPDX-License-Identifier: MIT */
/*
 * The simulated hardware for spec/x86-kvm-6.12.yaml: which registers each
 * backend leaves in hardware state at VM-exit, written by hand from the
 * kernel, never from the generator (see backends.c for why).
 *
 *   vmx: VMX_REGS_LAZY_LOAD_SET in arch/x86/kvm/vmx/vmx.h: RIP, RSP and the
 *        control state stay in the VMCS until read with VMREAD.
 *   svm: SVM_REGS_LAZY_LOAD_SET in arch/x86/kvm/svm/svm.h: only the PDPTRs.
 *   tdx: TDX_REGS_AVAIL_SET names the GPRs but RSP/RIP and the two exit
 *        infos; everything else (RSP, RIP, the control state) stays in the
 *        TDVPS.
 */
#ifndef REGCACHE_SIM_HARDWARE_H
#define REGCACHE_SIM_HARDWARE_H

#define SIM_HW_BIT(reg) (1ULL << (reg))

#define SIM_HW_LAZY_vmx							\
	(SIM_HW_BIT(VCPU_REGS_RIP) | SIM_HW_BIT(VCPU_REGS_RSP) |	\
	 SIM_HW_BIT(VCPU_EXREG_RFLAGS) | SIM_HW_BIT(VCPU_EXREG_PDPTR) |	\
	 SIM_HW_BIT(VCPU_EXREG_SEGMENTS) | SIM_HW_BIT(VCPU_EXREG_CR0) |	\
	 SIM_HW_BIT(VCPU_EXREG_CR3) | SIM_HW_BIT(VCPU_EXREG_CR4) |	\
	 SIM_HW_BIT(VCPU_EXREG_EXIT_INFO_1) |				\
	 SIM_HW_BIT(VCPU_EXREG_EXIT_INFO_2))

#define SIM_HW_LAZY_svm (SIM_HW_BIT(VCPU_EXREG_PDPTR))

#define SIM_HW_LAZY_tdx							\
	(SIM_HW_BIT(VCPU_REGS_RSP) | SIM_HW_BIT(VCPU_REGS_RIP) |	\
	 SIM_HW_BIT(VCPU_EXREG_PDPTR) | SIM_HW_BIT(VCPU_EXREG_CR0) |	\
	 SIM_HW_BIT(VCPU_EXREG_CR3) | SIM_HW_BIT(VCPU_EXREG_CR4) |	\
	 SIM_HW_BIT(VCPU_EXREG_RFLAGS) | SIM_HW_BIT(VCPU_EXREG_SEGMENTS))

#endif /* REGCACHE_SIM_HARDWARE_H */
