/* SPDX-License-Identifier: MIT */
/*
 * The simulated hardware of Linux 7.2's backends, written by hand from the
 * 7.2 tree, never from the generator (the generated sets are the code under
 * test):
 *
 *   vmx: VMX_REGS_LAZY_LOAD_SET in arch/x86/kvm/vmx/vmx.h: RSP, RIP and the
 *        control state stay in the VMCS until read with VMREAD.
 *   svm: SVM_REGS_LAZY_LOAD_SET in arch/x86/kvm/svm/svm.h: only the PDPTRs.
 *   tdx: TDX_REGS_AVAIL_SET in arch/x86/kvm/vmx/tdx.c: the GPRs but RSP and
 *        the two exit infos are handed over at exit; nothing else can ever
 *        be fetched (vt_cache_reg in vmx/main.c warns and returns), so a
 *        TDX cache_reg is a bug the simulator reports and never fills.
 */
#ifndef REGCACHE_SIM72_HARDWARE_H
#define REGCACHE_SIM72_HARDWARE_H

#define SIM72_BIT(reg) (1ULL << (reg))

#define SIM72_HW_LAZY_vmx						\
	(SIM72_BIT(VCPU_REGS_RSP) | SIM72_BIT(VCPU_REG_RIP) |		\
	 SIM72_BIT(VCPU_REG_RFLAGS) | SIM72_BIT(VCPU_REG_PDPTR) |	\
	 SIM72_BIT(VCPU_REG_SEGMENTS) | SIM72_BIT(VCPU_REG_CR0) |	\
	 SIM72_BIT(VCPU_REG_CR3) | SIM72_BIT(VCPU_REG_CR4) |		\
	 SIM72_BIT(VCPU_REG_EXIT_INFO_1) | SIM72_BIT(VCPU_REG_EXIT_INFO_2))

#define SIM72_HW_LAZY_svm (SIM72_BIT(VCPU_REG_PDPTR))

#ifdef CONFIG_X86_64
#define SIM72_TDX_R8_R15						\
	(SIM72_BIT(VCPU_REGS_R8) | SIM72_BIT(VCPU_REGS_R9) |		\
	 SIM72_BIT(VCPU_REGS_R10) | SIM72_BIT(VCPU_REGS_R11) |		\
	 SIM72_BIT(VCPU_REGS_R12) | SIM72_BIT(VCPU_REGS_R13) |		\
	 SIM72_BIT(VCPU_REGS_R14) | SIM72_BIT(VCPU_REGS_R15))
#else
#define SIM72_TDX_R8_R15 0ULL
#endif

/* TDX_REGS_AVAIL_SET: what the TDX module hands over. */
#define SIM72_HW_AVAIL_tdx						\
	(SIM72_BIT(VCPU_REG_EXIT_INFO_1) | SIM72_BIT(VCPU_REG_EXIT_INFO_2) | \
	 SIM72_BIT(VCPU_REGS_RAX) | SIM72_BIT(VCPU_REGS_RBX) |		\
	 SIM72_BIT(VCPU_REGS_RCX) | SIM72_BIT(VCPU_REGS_RDX) |		\
	 SIM72_BIT(VCPU_REGS_RBP) | SIM72_BIT(VCPU_REGS_RSI) |		\
	 SIM72_BIT(VCPU_REGS_RDI) | SIM72_TDX_R8_R15)

#define SIM72_HW_LAZY_tdx (~(u64)(SIM72_HW_AVAIL_tdx))

#endif /* REGCACHE_SIM72_HARDWARE_H */
