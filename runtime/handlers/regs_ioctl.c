/* SPDX-License-Identifier: MIT */
/*
 * KVM_GET_REGS / KVM_SET_REGS: every GPR, RIP and RFLAGS in one go.  RSP and
 * RIP take whatever path the spec gives them (the cached one, since VMX
 * keeps both in the VMCS); RFLAGS is an extended register behind
 * kvm_get_rflags/kvm_set_rflags.
 */
#include "kvm_stubs.h"

void __get_regs(struct kvm_vcpu *vcpu, struct kvm_regs *regs)
{
	struct kvm_vcpu_ext *ext = to_ext(vcpu);

	if (ext->emulate_regs_need_sync_to_vcpu) {
		/*
		 * Userspace asked in the middle of an emulated instruction:
		 * the emulator's copy is newer, write it back first.
		 */
		emulator_writeback_register_cache(vcpu);
		ext->emulate_regs_need_sync_to_vcpu = false;
	}

	regs->rax = kvm_rax_read(vcpu);
	regs->rbx = kvm_rbx_read(vcpu);
	regs->rcx = kvm_rcx_read(vcpu);
	regs->rdx = kvm_rdx_read(vcpu);
	regs->rsi = kvm_rsi_read(vcpu);
	regs->rdi = kvm_rdi_read(vcpu);
	regs->rsp = kvm_rsp_read(vcpu);
	regs->rbp = kvm_rbp_read(vcpu);
#ifdef CONFIG_X86_64
	regs->r8 = kvm_r8_read(vcpu);
	regs->r9 = kvm_r9_read(vcpu);
	regs->r10 = kvm_r10_read(vcpu);
	regs->r11 = kvm_r11_read(vcpu);
	regs->r12 = kvm_r12_read(vcpu);
	regs->r13 = kvm_r13_read(vcpu);
	regs->r14 = kvm_r14_read(vcpu);
	regs->r15 = kvm_r15_read(vcpu);
#endif

	regs->rip = kvm_rip_read(vcpu);
	regs->rflags = kvm_get_rflags(vcpu);
}

void __set_regs(struct kvm_vcpu *vcpu, struct kvm_regs *regs)
{
	struct kvm_vcpu_ext *ext = to_ext(vcpu);

	ext->emulate_regs_need_sync_from_vcpu = true;
	ext->emulate_regs_need_sync_to_vcpu = false;

	kvm_rax_write(vcpu, regs->rax);
	kvm_rbx_write(vcpu, regs->rbx);
	kvm_rcx_write(vcpu, regs->rcx);
	kvm_rdx_write(vcpu, regs->rdx);
	kvm_rsi_write(vcpu, regs->rsi);
	kvm_rdi_write(vcpu, regs->rdi);
	kvm_rsp_write(vcpu, regs->rsp);
	kvm_rbp_write(vcpu, regs->rbp);
#ifdef CONFIG_X86_64
	kvm_r8_write(vcpu, regs->r8);
	kvm_r9_write(vcpu, regs->r9);
	kvm_r10_write(vcpu, regs->r10);
	kvm_r11_write(vcpu, regs->r11);
	kvm_r12_write(vcpu, regs->r12);
	kvm_r13_write(vcpu, regs->r13);
	kvm_r14_write(vcpu, regs->r14);
	kvm_r15_write(vcpu, regs->r15);
#endif

	kvm_rip_write(vcpu, regs->rip);
	kvm_set_rflags(vcpu, regs->rflags | X86_EFLAGS_FIXED);

	ext->exception_pending = false;
	kvm_make_request_event(vcpu);
}
