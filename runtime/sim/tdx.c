/* SPDX-License-Identifier: MIT */
/*
 * Simulated TDX: the GPRs the TDX module passes on TDG.VP.VMCALL are handed
 * over at exit; RSP, RIP and the control state stay in the TDVPS.  A real
 * TD's RSP/RIP are not readable at all; the simulation lets cache_reg read
 * them so the same handler suite runs on every backend.
 */
#include "sim.h"

u64 *tdx_hw_slot(union sim_hw *hw, unsigned int reg)
{
	struct tdx_hw *tdx = &hw->tdx;

	if (reg == VCPU_REGS_RSP)
		return &tdx->tdvps.rsp;
	if (reg == VCPU_REGS_RIP)
		return &tdx->tdvps.rip;
	if (reg >= NR_VCPU_REGS)
		return &tdx->tdvps.state[reg - NR_VCPU_REGS];
	return (u64 *)&tdx->vp_enter_gprs[reg];
}

static void tdx_cache_reg(struct kvm_vcpu *vcpu, enum kvm_reg reg)
{
	sim_cache_reg(vcpu, reg, tdx_hw_slot(&to_sim(vcpu)->hw, reg));
}

struct kvm_x86_ops tdx_x86_ops = {
	.cache_reg = tdx_cache_reg,
};
