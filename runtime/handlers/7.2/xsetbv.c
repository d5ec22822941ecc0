/* SPDX-License-Identifier: MIT */
/*
 * XSETBV exit (7.2's x86.c, one handler for VMX and SVM): outside ring 0,
 * or for a value __kvm_set_xcr refuses, #GP; the XCR index comes from ECX
 * and the value from EDX:EAX, both through the 32-bit pair.
 */
#include "kvm_stubs_7.2.h"

int kvm_emulate_xsetbv(struct kvm_vcpu *vcpu)
{
	if (kvm_x86_get_cpl(vcpu) != 0 ||
	    __kvm_set_xcr(vcpu, kvm_ecx_read(vcpu), kvm_read_edx_eax(vcpu))) {
		kvm_inject_gp(vcpu, 0);
		return 1;
	}

	return kvm_skip_emulated_instruction(vcpu);
}
