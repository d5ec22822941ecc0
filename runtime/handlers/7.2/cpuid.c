/* SPDX-License-Identifier: MIT */
/*
 * CPUID exit (7.2's cpuid.c): EAX and ECX select the leaf, the answer goes
 * to EAX..EDX through the 32-bit pair, which reads the low half and clears
 * the high half on write in every mode.
 */
#include "kvm_stubs_7.2.h"

int kvm_emulate_cpuid(struct kvm_vcpu *vcpu)
{
	u32 eax, ebx, ecx, edx;

	if (!kvm_is_cpuid_allowed(vcpu)) {
		kvm_queue_exception_e(vcpu, GP_VECTOR, 0);
		return 1;
	}

	eax = kvm_eax_read(vcpu);
	ecx = kvm_ecx_read(vcpu);
	kvm_cpuid(vcpu, &eax, &ebx, &ecx, &edx, false);
	kvm_eax_write(vcpu, eax);
	kvm_ebx_write(vcpu, ebx);
	kvm_ecx_write(vcpu, ecx);
	kvm_edx_write(vcpu, edx);
	return kvm_skip_emulated_instruction(vcpu);
}
