/* SPDX-License-Identifier: MIT */
/*
 * Nested SVM world switches (7.2's svm/nested.c), reduced to their register
 * traffic.  VMRUN takes vmcb12's address from RAX (masked to the mode's
 * width), saves L1's CR0, RFLAGS and RIP (and CR3 without NPT) in vmcb01,
 * and loads L2's RFLAGS, RAX (raw), RSP and RIP from the vmcb12 cache.
 * #VMEXIT saves L2's CR0, CR3, RFLAGS, RIP, RSP and RAX (raw) into vmcb12
 * and restores L1's from vmcb01.  CR4 is read from its field, as 7.2 does:
 * SVM never loads it lazily.  7.2's nested_svm_vmexit takes a vcpu_svm;
 * the suite's takes the vCPU, as its other SVM handlers do.
 */
#include "kvm_stubs_7.2.h"

static void nested_vmcb02_prepare_save(struct kvm_vcpu *vcpu)
{
	struct kvm_vcpu_ext72 *svm = to_ext72(vcpu);
	struct vmcb_save_area *save = &svm->nested_save;
	struct vmcb *vmcb02 = svm->vmcb02;

	kvm_set_rflags(vcpu, save->rflags | X86_EFLAGS_FIXED);

	svm_set_efer_cr0_cr4(vcpu, save);

	vmcb02->save.cr2 = save->cr2;

	kvm_rax_write_raw(vcpu, save->rax);
	kvm_rsp_write(vcpu, save->rsp);
	kvm_rip_write(vcpu, save->rip);

	/* Also in vmcb02, in case the vCPU does not reach the next run. */
	vmcb02->save.rax = save->rax;
	vmcb02->save.rsp = save->rsp;
	vmcb02->save.rip = save->rip;
	vmcb02->save.dr7 = save->dr7;
}

int enter_svm_guest_mode(struct kvm_vcpu *vcpu, u64 vmcb12_gpa,
			 bool from_vmrun)
{
	struct kvm_vcpu_ext72 *svm = to_ext72(vcpu);

	svm->nested_vmcb12_gpa = vmcb12_gpa;

	nested_vmcb02_prepare_save(vcpu);

	return nested_svm_load_cr3(vcpu, svm->nested_save.cr3, from_vmrun);
}

int nested_svm_vmrun(struct kvm_vcpu *vcpu)
{
	struct kvm_vcpu_ext72 *svm = to_ext72(vcpu);
	struct vmcb *vmcb01 = svm->vmcb01;
	u64 vmcb12_gpa;

	if (nested_svm_check_permissions(vcpu))
		return 1;

	vmcb12_gpa = kvm_rax_read(vcpu);
	/* The page check, the vmcb12 copy and the instruction skip. */
	if (!nested_svm_vmrun_prepare(vcpu, vmcb12_gpa))
		return 1;

	/* vmcb01 is not in use while L2 runs: it keeps L1's state. */
	vmcb01->save.cr0 = kvm_read_cr0(vcpu);
	vmcb01->save.cr4 = vcpu->arch.cr4;
	vmcb01->save.rflags = kvm_get_rflags(vcpu);
	vmcb01->save.rip = kvm_rip_read(vcpu);

	if (!npt_enabled())
		vmcb01->save.cr3 = kvm_read_cr3(vcpu);

	if (enter_svm_guest_mode(vcpu, vmcb12_gpa, true))
		nested_svm_vmexit(vcpu);

	return 1;
}

static int nested_svm_vmexit_update_vmcb12(struct kvm_vcpu *vcpu)
{
	struct kvm_vcpu_ext72 *svm = to_ext72(vcpu);
	struct vmcb *vmcb02 = svm->vmcb02;
	struct vmcb *vmcb12;
	int rc;

	rc = nested_svm_vmexit_map_vmcb12(vcpu, &vmcb12);
	if (rc)
		return rc;

	vmcb12->save.cr0 = kvm_read_cr0(vcpu);
	vmcb12->save.cr3 = kvm_read_cr3(vcpu);
	vmcb12->save.cr2 = vmcb02->save.cr2;
	vmcb12->save.cr4 = vcpu->arch.cr4;
	vmcb12->save.rflags = kvm_get_rflags(vcpu);
	vmcb12->save.rip = kvm_rip_read(vcpu);
	vmcb12->save.rsp = kvm_rsp_read(vcpu);
	vmcb12->save.rax = kvm_rax_read_raw(vcpu);
	vmcb12->save.dr7 = vmcb02->save.dr7;
	return 0;
}

void nested_svm_vmexit(struct kvm_vcpu *vcpu)
{
	struct kvm_vcpu_ext72 *svm = to_ext72(vcpu);
	struct vmcb *vmcb01 = svm->vmcb01;

	if (nested_svm_vmexit_update_vmcb12(vcpu))
		kvm_make_request_triple_fault(vcpu);

	svm->nested_vmcb12_gpa = 0;

	/* Back to L1. */
	kvm_set_rflags(vcpu, vmcb01->save.rflags);
	svm_set_efer_cr0_cr4(vcpu, &vmcb01->save);
	kvm_rax_write_raw(vcpu, vmcb01->save.rax);
	kvm_rsp_write(vcpu, vmcb01->save.rsp);
	kvm_rip_write(vcpu, vmcb01->save.rip);

	if (nested_svm_load_cr3(vcpu, vmcb01->save.cr3, true))
		kvm_make_request_triple_fault(vcpu);
}
