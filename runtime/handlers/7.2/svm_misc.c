/* SPDX-License-Identifier: MIT */
/*
 * SVM exits with register traffic besides the nested switches (7.2's
 * svm/svm.c): INVLPGA (address from RAX, masked to the mode's width; ASID
 * from ECX through the 32-bit pair) and SKINIT (refused with #UD after
 * tracing RAX).  7.2's svm_vcpu_reset touches no register: the reset's
 * register traffic is kvm_vcpu_reset's (reset.c).
 */
#include "kvm_stubs_7.2.h"

int invlpga_interception(struct kvm_vcpu *vcpu)
{
	unsigned long gva = kvm_rax_read(vcpu);
	u32 asid = kvm_ecx_read(vcpu);

	if (nested_svm_check_permissions(vcpu))
		return 1;

	trace_kvm_invlpga(to_ext72(vcpu)->vmcb02->save.rip, asid, gva);

	/* Treated like INVLPG: the ASID is ignored. */
	kvm_mmu_invlpg(vcpu, gva);

	return kvm_skip_emulated_instruction(vcpu);
}

int skinit_interception(struct kvm_vcpu *vcpu)
{
	trace_kvm_skinit(to_ext72(vcpu)->vmcb02->save.rip, kvm_rax_read(vcpu));

	kvm_queue_exception(vcpu, UD_VECTOR);
	return 1;
}
