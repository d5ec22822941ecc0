/* SPDX-License-Identifier: MIT */
/*
 * The SVM-only exits the seed touched: vCPU reset (EDX holds the CPU
 * signature afterwards), INVLPGA (address in RAX, ASID in ECX) and SKINIT
 * (which KVM refuses with #UD after tracing RAX).
 */
#include "kvm_stubs.h"

void svm_vcpu_reset(struct kvm_vcpu *vcpu, bool init_event)
{
	struct kvm_vcpu_ext *svm = to_ext(vcpu);
	u32 dummy;
	u32 eax = 1;

	svm->microcode_version = 0x01000065;
	if (!init_event) {
		svm->apic_base = APIC_DEFAULT_PHYS_BASE |
				 MSR_IA32_APICBASE_ENABLE;
		if (kvm_vcpu_is_reset_bsp(vcpu))
			svm->apic_base |= MSR_IA32_APICBASE_BSP;
	}
	init_vmcb(vcpu);

	kvm_cpuid(vcpu, &eax, &dummy, &dummy, &dummy, true);
	kvm_rdx_write(vcpu, eax);

	if (kvm_vcpu_apicv_active(vcpu) && !init_event)
		avic_update_vapic_bar(vcpu, APIC_DEFAULT_PHYS_BASE);
}

int invlpga_interception(struct kvm_vcpu *vcpu)
{
	struct kvm_vcpu_ext *svm = to_ext(vcpu);

	trace_kvm_invlpga(svm->vmcb->save.rip, kvm_rcx_read(vcpu),
			  kvm_rax_read(vcpu));

	/* Treated like INVLPG: the ASID is ignored. */
	kvm_mmu_invlpg(vcpu, kvm_rax_read(vcpu));

	svm->next_rip = kvm_rip_read(vcpu) + 3;
	return kvm_skip_emulated_instruction(vcpu);
}

int skinit_interception(struct kvm_vcpu *vcpu)
{
	struct kvm_vcpu_ext *svm = to_ext(vcpu);

	trace_kvm_skinit(svm->vmcb->save.rip, kvm_rax_read(vcpu));

	kvm_queue_exception(vcpu, UD_VECTOR);
	return 1;
}
