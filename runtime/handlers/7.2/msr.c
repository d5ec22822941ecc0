/* SPDX-License-Identifier: MIT */
/*
 * RDMSR/WRMSR exits (7.2's x86.c), shared by VMX and SVM.  The classic
 * forms take the index from ECX and move the value through EDX:EAX with
 * the 32-bit pair; the immediate forms take the index from the instruction
 * and move the value through one GPR with the masked kvm_register_read/
 * kvm_register_write, 32 bits wide outside 64-bit mode.  A failed access
 * may go to userspace, whose answer a completion writes on the way back.
 */
#include "kvm_stubs_7.2.h"

int complete_fast_rdmsr_imm(struct kvm_vcpu *vcpu)
{
	struct kvm_vcpu_ext72 *ext = to_ext72(vcpu);

	if (!ext->run_msr_error)
		kvm_register_write(vcpu, ext->cui_rdmsr_imm_reg,
				   ext->run_msr_data);

	return complete_fast_msr_access(vcpu);
}

static int __kvm_emulate_rdmsr(struct kvm_vcpu *vcpu, u32 msr, int reg,
			       int (*complete_rdmsr)(struct kvm_vcpu *))
{
	u64 data;
	int r;

	r = kvm_emulate_msr_read(vcpu, msr, &data);

	if (!r) {
		trace_kvm_msr_read(msr, data);

		if (reg < 0) {
			kvm_eax_write(vcpu, data);
			kvm_edx_write(vcpu, data >> 32);
		} else {
			kvm_register_write(vcpu, reg, data);
		}
	} else {
		if (kvm_msr_user_space(vcpu, msr, false, 0, complete_rdmsr, r))
			return 0;
		trace_kvm_msr_read_ex(msr);
	}

	return kvm_x86_complete_emulated_msr(vcpu, r);
}

int kvm_emulate_rdmsr(struct kvm_vcpu *vcpu)
{
	return __kvm_emulate_rdmsr(vcpu, kvm_ecx_read(vcpu), -1,
				   complete_fast_rdmsr);
}

int kvm_emulate_rdmsr_imm(struct kvm_vcpu *vcpu, u32 msr, int reg)
{
	to_ext72(vcpu)->cui_rdmsr_imm_reg = reg;

	return __kvm_emulate_rdmsr(vcpu, msr, reg, complete_fast_rdmsr_imm);
}

static int __kvm_emulate_wrmsr(struct kvm_vcpu *vcpu, u32 msr, u64 data)
{
	int r;

	r = kvm_emulate_msr_write(vcpu, msr, data);
	if (!r) {
		trace_kvm_msr_write(msr, data);
	} else {
		if (kvm_msr_user_space(vcpu, msr, true, data,
				       complete_fast_msr_access, r))
			return 0;
		/* Any other negative error goes to userspace as it is. */
		if (r < 0)
			return r;
		trace_kvm_msr_write_ex(msr, data);
	}

	return kvm_x86_complete_emulated_msr(vcpu, r);
}

int kvm_emulate_wrmsr(struct kvm_vcpu *vcpu)
{
	return __kvm_emulate_wrmsr(vcpu, kvm_ecx_read(vcpu),
				   kvm_read_edx_eax(vcpu));
}

int kvm_emulate_wrmsr_imm(struct kvm_vcpu *vcpu, u32 msr, int reg)
{
	return __kvm_emulate_wrmsr(vcpu, msr, kvm_register_read(vcpu, reg));
}
