/* SPDX-License-Identifier: MIT */
/*
 * XSETBV: the XCR index in ECX, the new value in EDX:EAX.  One handler per
 * vendor; SVM's records next_rip, VMX's lets the skip use the exit's
 * instruction length.
 */
#include "kvm_stubs.h"

int xsetbv_interception(struct kvm_vcpu *vcpu)
{
	u64 new_bv = kvm_read_edx_eax(vcpu);
	u32 index = kvm_rcx_read(vcpu);

	if (kvm_set_xcr(vcpu, index, new_bv) == 0) {
		to_ext(vcpu)->next_rip = kvm_rip_read(vcpu) + 3;
		return kvm_skip_emulated_instruction(vcpu);
	}

	kvm_inject_gp(vcpu, 0);
	return 1;
}

int handle_xsetbv(struct kvm_vcpu *vcpu)
{
	u64 new_bv = kvm_read_edx_eax(vcpu);
	u32 index = kvm_rcx_read(vcpu);

	if (kvm_set_xcr(vcpu, index, new_bv) == 0)
		return kvm_skip_emulated_instruction(vcpu);

	kvm_inject_gp(vcpu, 0);
	return 1;
}
