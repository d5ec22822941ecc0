/* SPDX-License-Identifier: MIT */
/*
 * RDMSR/WRMSR/RDPMC exits: the index comes in ECX, the 64-bit value travels
 * in EDX:EAX.  The MSR handlers are SVM's; they set next_rip so the skip
 * does not have to decode the instruction.
 */
#include "kvm_stubs.h"

int rdmsr_interception(struct kvm_vcpu *vcpu)
{
	u32 ecx = kvm_rcx_read(vcpu);
	struct msr_data msr_info;

	msr_info.index = ecx;
	msr_info.host_initiated = false;
	if (kvm_get_msr(vcpu, &msr_info)) {
		trace_kvm_msr(0, ecx, 0, true);
		kvm_inject_gp(vcpu, 0);
		return 1;
	}

	trace_kvm_msr(0, ecx, msr_info.data, false);
	kvm_rax_write(vcpu, msr_info.data & 0xffffffff);
	kvm_rdx_write(vcpu, msr_info.data >> 32);
	to_ext(vcpu)->next_rip = kvm_rip_read(vcpu) + 2;
	return kvm_skip_emulated_instruction(vcpu);
}

int wrmsr_interception(struct kvm_vcpu *vcpu)
{
	struct msr_data msr;
	u32 ecx = kvm_rcx_read(vcpu);
	u64 data = kvm_read_edx_eax(vcpu);

	msr.data = data;
	msr.index = ecx;
	msr.host_initiated = false;

	to_ext(vcpu)->next_rip = kvm_rip_read(vcpu) + 2;
	if (kvm_set_msr(vcpu, &msr)) {
		trace_kvm_msr(1, ecx, data, true);
		kvm_inject_gp(vcpu, 0);
		return 1;
	}

	trace_kvm_msr(1, ecx, data, false);
	return kvm_skip_emulated_instruction(vcpu);
}

bool kvm_rdpmc(struct kvm_vcpu *vcpu)
{
	u32 ecx = kvm_rcx_read(vcpu);
	u64 data;
	int err;

	/*
	 * kvm_pmu_rdpmc()'s permission check: outside ring 0 in protected
	 * mode, RDPMC needs CR4.PCE.  PCE may be guest-owned, PE never is.
	 */
	if (!kvm_is_cr4_bit_set(vcpu, X86_CR4_PCE) &&
	    kvm_x86_get_cpl(vcpu) != 0 &&
	    kvm_is_cr0_bit_set(vcpu, X86_CR0_PE))
		return 1;

	err = kvm_pmu_rdpmc(vcpu, ecx, &data);
	if (err)
		return err;
	kvm_rax_write(vcpu, (u32)data);
	kvm_rdx_write(vcpu, data >> 32);
	return err;
}
