/* SPDX-License-Identifier: MIT */
/* Simulated SVM: where each guest register lives after a #VMEXIT. */
#include "sim.h"

u64 *svm_hw_slot(union sim_hw *hw, unsigned int reg)
{
	struct svm_hw *svm = &hw->svm;

	switch (reg) {
	case VCPU_REGS_RAX:
		return &svm->vmcb_save.rax;
	case VCPU_REGS_RSP:
		return &svm->vmcb_save.rsp;
	case VCPU_REGS_RIP:
		return &svm->vmcb_save.rip;
	}
	if (reg >= NR_VCPU_REGS)
		return &svm->vmcb_save.state[reg - NR_VCPU_REGS];
	return (u64 *)&svm->cpu_gprs[reg];
}

static void svm_cache_reg(struct kvm_vcpu *vcpu, enum kvm_reg reg)
{
	sim_cache_reg(vcpu, reg, svm_hw_slot(&to_sim(vcpu)->hw, reg));
}

struct kvm_x86_ops svm_x86_ops = {
	.cache_reg = svm_cache_reg,
};
