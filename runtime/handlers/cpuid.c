/* SPDX-License-Identifier: MIT */
/*
 * CPUID exit: RAX and RCX select the leaf, the answer goes to RAX..RDX.
 * All four are always available on VMX and SVM, so with the spec's header
 * this is plain array traffic; only the instruction skip reaches RIP.
 */
#include "kvm_stubs.h"

int kvm_emulate_cpuid(struct kvm_vcpu *vcpu)
{
	u32 eax, ebx, ecx, edx;

	if (cpuid_fault_enabled(vcpu) && !kvm_require_cpl(vcpu, 0))
		return 1;

	eax = kvm_rax_read(vcpu);
	ecx = kvm_rcx_read(vcpu);
	kvm_cpuid(vcpu, &eax, &ebx, &ecx, &edx, true);
	kvm_rax_write(vcpu, eax);
	kvm_rbx_write(vcpu, ebx);
	kvm_rcx_write(vcpu, ecx);
	kvm_rdx_write(vcpu, edx);
	return kvm_skip_emulated_instruction(vcpu);
}
