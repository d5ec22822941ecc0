/* SPDX-License-Identifier: MIT */
/*
 * KVM's own hypercall ABI: number in RAX, up to four arguments in RBX, RCX,
 * RDX and RSI, result back in RAX.  Outside 64-bit mode every value is cut
 * to 32 bits.  Hyper-V guests are routed to kvm_hv_hypercall instead.
 */
#include "kvm_stubs.h"

int kvm_emulate_hypercall(struct kvm_vcpu *vcpu)
{
	unsigned long nr, a0, a1, a2, a3, ret;
	int op_64_bit;

	if (kvm_hv_hypercall_enabled(vcpu))
		return kvm_hv_hypercall(vcpu);

	nr = kvm_rax_read(vcpu);
	a0 = kvm_rbx_read(vcpu);
	a1 = kvm_rcx_read(vcpu);
	a2 = kvm_rdx_read(vcpu);
	a3 = kvm_rsi_read(vcpu);

	trace_kvm_hypercall(nr, a0, a1, a2, a3);

	op_64_bit = is_64_bit_mode(vcpu);
	if (!op_64_bit) {
		nr &= 0xffffffff;
		a0 &= 0xffffffff;
		a1 &= 0xffffffff;
		a2 &= 0xffffffff;
		a3 &= 0xffffffff;
	}

	if (kvm_x86_get_cpl(vcpu) != 0) {
		ret = -KVM_EPERM;
		goto out;
	}

	switch (nr) {
	case KVM_HC_VAPIC_POLL_IRQ:
		ret = 0;
		break;
	case KVM_HC_KICK_CPU:
		kvm_pv_kick_cpu_op(vcpu, a0, (int)a1);
		ret = 0;
		break;
	case KVM_HC_CLOCK_PAIRING:
		ret = kvm_pv_clock_pairing(vcpu, a0, a1);
		break;
	case KVM_HC_SEND_IPI:
		ret = kvm_pv_send_ipi(vcpu, a0, a1, (u32)a2, a3, op_64_bit);
		break;
	default:
		ret = -KVM_ENOSYS;
		break;
	}
out:
	if (!op_64_bit)
		ret = (u32)ret;
	kvm_rax_write(vcpu, ret);

	++to_ext(vcpu)->stat_hypercalls;
	return kvm_skip_emulated_instruction(vcpu);
}
