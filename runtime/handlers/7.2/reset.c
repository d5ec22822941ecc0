/* SPDX-License-Identifier: MIT */
/*
 * vCPU RESET/INIT (7.2's kvm_vcpu_reset in x86.c; the backend's vcpu_reset
 * is a stand-in): every GPR zeroed in regs[] and RSP marked dirty, EDX set
 * to the CPU signature through the 32-bit pair, RFLAGS and RIP (its own
 * field) set to their reset values, CR3 zeroed in its field and marked
 * dirty.  CR0, CR3 and CR4 are read first: a RESET warns unless they are
 * zero, and the old CR0 decides the flush.
 */
#include "kvm_stubs_7.2.h"

void kvm_vcpu_reset(struct kvm_vcpu *vcpu, bool init_event)
{
	unsigned long old_cr0 = kvm_read_cr0(vcpu);

	/* A RESET finds the CRs as vCPU creation left them: zero. */
	WARN_ON_ONCE(!init_event &&
		     (old_cr0 || kvm_read_cr3(vcpu) || kvm_read_cr4(vcpu)));

	/* Events, FPU, MSRs and the rest of the state that is not a GPR. */
	kvm_vcpu_reset_state(vcpu, init_event);

	/* Every GPR but RDX (below) is zero after RESET and INIT. */
	__builtin_memset(vcpu->arch.regs, 0, sizeof(vcpu->arch.regs));
	kvm_register_mark_dirty(vcpu, VCPU_REGS_RSP);

	kvm_edx_write(vcpu, kvm_cpuid_signature(vcpu));

	kvm_x86_vcpu_reset(vcpu, init_event);

	kvm_set_rflags(vcpu, X86_EFLAGS_FIXED);
	kvm_rip_write(vcpu, 0xfff0);

	vcpu->arch.cr3 = 0;
	kvm_register_mark_dirty(vcpu, VCPU_REG_CR3);

	/* CR0 (keeping CD/NW on INIT), CR4 and EFER, and the flushes. */
	kvm_vcpu_reset_control(vcpu, init_event, old_cr0);
}
