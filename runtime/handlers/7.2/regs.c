/* SPDX-License-Identifier: MIT */
/*
 * KVM_GET_REGS / KVM_SET_REGS (7.2's regs.c): every GPR at full width
 * through the raw pair, whatever the guest's mode; RSP through its own
 * accessors (full width, cached path), RIP through its field's, RFLAGS
 * behind kvm_get_rflags/kvm_set_rflags.
 */
#include "kvm_stubs_7.2.h"

void __get_regs(struct kvm_vcpu *vcpu, struct kvm_regs *regs)
{
	struct kvm_vcpu_ext72 *ext = to_ext72(vcpu);

	if (ext->emulate_regs_need_sync_to_vcpu) {
		/*
		 * Userspace asked in the middle of an emulated instruction:
		 * the emulator's copy is newer, write it back first.
		 */
		emulator_writeback_register_cache(vcpu);
		ext->emulate_regs_need_sync_to_vcpu = false;
	}
	regs->rax = kvm_rax_read_raw(vcpu);
	regs->rbx = kvm_rbx_read_raw(vcpu);
	regs->rcx = kvm_rcx_read_raw(vcpu);
	regs->rdx = kvm_rdx_read_raw(vcpu);
	regs->rsi = kvm_rsi_read_raw(vcpu);
	regs->rdi = kvm_rdi_read_raw(vcpu);
	regs->rsp = kvm_rsp_read(vcpu);
	regs->rbp = kvm_rbp_read_raw(vcpu);
#ifdef CONFIG_X86_64
	regs->r8 = kvm_r8_read_raw(vcpu);
	regs->r9 = kvm_r9_read_raw(vcpu);
	regs->r10 = kvm_r10_read_raw(vcpu);
	regs->r11 = kvm_r11_read_raw(vcpu);
	regs->r12 = kvm_r12_read_raw(vcpu);
	regs->r13 = kvm_r13_read_raw(vcpu);
	regs->r14 = kvm_r14_read_raw(vcpu);
	regs->r15 = kvm_r15_read_raw(vcpu);
#endif

	regs->rip = kvm_rip_read(vcpu);
	regs->rflags = kvm_get_rflags(vcpu);
}

void __set_regs(struct kvm_vcpu *vcpu, struct kvm_regs *regs)
{
	struct kvm_vcpu_ext72 *ext = to_ext72(vcpu);

	ext->emulate_regs_need_sync_from_vcpu = true;
	ext->emulate_regs_need_sync_to_vcpu = false;

	kvm_rax_write_raw(vcpu, regs->rax);
	kvm_rbx_write_raw(vcpu, regs->rbx);
	kvm_rcx_write_raw(vcpu, regs->rcx);
	kvm_rdx_write_raw(vcpu, regs->rdx);
	kvm_rsi_write_raw(vcpu, regs->rsi);
	kvm_rdi_write_raw(vcpu, regs->rdi);
	kvm_rsp_write(vcpu, regs->rsp);
	kvm_rbp_write_raw(vcpu, regs->rbp);
#ifdef CONFIG_X86_64
	kvm_r8_write_raw(vcpu, regs->r8);
	kvm_r9_write_raw(vcpu, regs->r9);
	kvm_r10_write_raw(vcpu, regs->r10);
	kvm_r11_write_raw(vcpu, regs->r11);
	kvm_r12_write_raw(vcpu, regs->r12);
	kvm_r13_write_raw(vcpu, regs->r13);
	kvm_r14_write_raw(vcpu, regs->r14);
	kvm_r15_write_raw(vcpu, regs->r15);
#endif

	kvm_rip_write(vcpu, regs->rip);
	kvm_set_rflags(vcpu, regs->rflags | X86_EFLAGS_FIXED);

	ext->exception_pending = false;
	ext->exception_vmexit_pending = false;

	kvm_make_request_event(vcpu);
}
