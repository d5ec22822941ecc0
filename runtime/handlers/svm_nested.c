/* SPDX-License-Identifier: MIT */
/*
 * Nested SVM world switches, reduced to their register traffic: VMRUN
 * loads L2's RAX, RSP and RIP (and RFLAGS, CR3) from the nested VMCB, and
 * #VMEXIT saves L2's into it and restores L1's from the host save area.
 */
#include "kvm_stubs.h"

int nested_svm_vmexit(struct kvm_vcpu *vcpu)
{
	struct kvm_vcpu_ext *svm = to_ext(vcpu);
	struct vmcb *vmcb = svm->vmcb;
	struct vmcb *hsave = svm->hsave;
	struct vmcb *nested_vmcb;

	nested_vmcb = nested_svm_map_vmcb(vcpu, svm->nested_vmcb);
	if (!nested_vmcb)
		return 1;

	/* L2's state as it left the guest. */
	nested_vmcb->save.cr0 = kvm_read_cr0(vcpu);
	nested_vmcb->save.cr3 = kvm_read_cr3(vcpu);
	/* The kernel reads vcpu->arch.cr4 here: SVM never loads CR4 lazily. */
	nested_vmcb->save.cr4 = kvm_read_cr4(vcpu);
	nested_vmcb->save.cr2 = vmcb->save.cr2;
	nested_vmcb->save.rflags = kvm_get_rflags(vcpu);
	nested_vmcb->save.rip = vmcb->save.rip;
	nested_vmcb->save.rsp = vmcb->save.rsp;
	nested_vmcb->save.rax = vmcb->save.rax;
	nested_vmcb->save.dr7 = vmcb->save.dr7;

	svm->nested_vmcb = 0;

	/* Back to L1. */
	kvm_set_rflags(vcpu, hsave->save.rflags);
	if (npt_enabled()) {
		vmcb->save.cr3 = hsave->save.cr3;
		(void)kvm_set_cr3(vcpu, hsave->save.cr3);
	} else {
		(void)kvm_set_cr3(vcpu, hsave->save.cr3);
	}
	kvm_rax_write(vcpu, hsave->save.rax);
	kvm_rsp_write(vcpu, hsave->save.rsp);
	kvm_rip_write(vcpu, hsave->save.rip);
	vmcb->save.dr7 = 0;

	kvm_mmu_reset_context(vcpu);
	return 0;
}

void enter_svm_guest_mode(struct kvm_vcpu *vcpu, u64 vmcb_gpa,
			  struct vmcb *nested_vmcb)
{
	struct kvm_vcpu_ext *svm = to_ext(vcpu);

	kvm_set_rflags(vcpu, nested_vmcb->save.rflags);
	if (npt_enabled())
		svm->vmcb->save.cr3 = nested_vmcb->save.cr3;
	(void)kvm_set_cr3(vcpu, nested_vmcb->save.cr3);

	/* L2's paging mode is live now. */
	kvm_mmu_reset_context(vcpu);

	svm->vmcb->save.cr2 = nested_vmcb->save.cr2;
	kvm_rax_write(vcpu, nested_vmcb->save.rax);
	kvm_rsp_write(vcpu, nested_vmcb->save.rsp);
	kvm_rip_write(vcpu, nested_vmcb->save.rip);

	/* Also in the VMCB, in case the vCPU does not reach the next run. */
	svm->vmcb->save.rax = nested_vmcb->save.rax;
	svm->vmcb->save.rsp = nested_vmcb->save.rsp;
	svm->vmcb->save.rip = nested_vmcb->save.rip;
	svm->vmcb->save.dr7 = nested_vmcb->save.dr7;

	svm->nested_vmcb = vmcb_gpa;
}
