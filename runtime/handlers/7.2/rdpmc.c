/* SPDX-License-Identifier: MIT */
/*
 * RDPMC exit (7.2's x86.c, one handler for VMX and SVM): the counter index
 * in ECX, the count back in EDX:EAX through the 32-bit pair.  The
 * permission check (CR4.PCE, CPL, CR0.PE) is inside kvm_pmu_rdpmc, a
 * stand-in here.
 */
#include "kvm_stubs_7.2.h"

int kvm_emulate_rdpmc(struct kvm_vcpu *vcpu)
{
	u32 pmc = kvm_ecx_read(vcpu);
	u64 data;

	if (kvm_pmu_rdpmc(vcpu, pmc, &data)) {
		kvm_inject_gp(vcpu, 0);
		return 1;
	}

	kvm_eax_write(vcpu, data);
	kvm_edx_write(vcpu, data >> 32);
	return kvm_skip_emulated_instruction(vcpu);
}
