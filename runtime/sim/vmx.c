/* SPDX-License-Identifier: MIT */
/* Simulated VMX: where each guest register lives after a VM-exit. */
#include "sim.h"

u64 *vmx_hw_slot(union sim_hw *hw, unsigned int reg)
{
	struct vmx_hw *vmx = &hw->vmx;

	if (reg == VCPU_REGS_RSP)
		return (u64 *)&vmx->vmcs.guest_rsp;
	if (reg == VCPU_REGS_RIP)
		return (u64 *)&vmx->vmcs.guest_rip;
	if (reg >= NR_VCPU_REGS)
		return &vmx->vmcs.guest_state[reg - NR_VCPU_REGS];
	return (u64 *)&vmx->cpu_gprs[reg];
}

/* The VMREAD a lazily loaded register costs on first use. */
static void vmx_cache_reg(struct kvm_vcpu *vcpu, enum kvm_reg reg)
{
	sim_cache_reg(vcpu, reg, vmx_hw_slot(&to_sim(vcpu)->hw, reg));
}

struct kvm_x86_ops vmx_x86_ops = {
	.cache_reg = vmx_cache_reg,
};
