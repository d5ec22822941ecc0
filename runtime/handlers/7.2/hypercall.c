/* SPDX-License-Identifier: MIT */
/*
 * KVM's own hypercall ABI (7.2's x86.c): number in RAX, up to four
 * arguments in RBX, RCX, RDX and RSI.  A 64-bit hypercall (64-bit mode, or
 * any call of a guest with protected state) reads them through the raw
 * pair at full width; any other reads the 32-bit pair.  The result waits in
 * the run structure until complete_hypercall_exit writes it to RAX, cut to
 * 32 bits for a 32-bit hypercall.  Xen and Hyper-V guests are routed away
 * first.
 */
#include "kvm_stubs_7.2.h"

int complete_hypercall_exit(struct kvm_vcpu *vcpu)
{
	u64 ret = to_ext72(vcpu)->run_hypercall_ret;

	if (!is_64_bit_hypercall(vcpu))
		ret = (u32)ret;
	kvm_rax_write_raw(vcpu, ret);
	return kvm_skip_emulated_instruction(vcpu);
}

int ____kvm_emulate_hypercall(struct kvm_vcpu *vcpu, int cpl,
			      int (*complete_hypercall)(struct kvm_vcpu *))
{
	struct kvm_vcpu_ext72 *ext = to_ext72(vcpu);
	int op_64_bit = is_64_bit_hypercall(vcpu);
	unsigned long ret, nr, a0, a1, a2, a3;

	++ext->stat_hypercalls;

	if (op_64_bit) {
		nr = kvm_rax_read_raw(vcpu);
		a0 = kvm_rbx_read_raw(vcpu);
		a1 = kvm_rcx_read_raw(vcpu);
		a2 = kvm_rdx_read_raw(vcpu);
		a3 = kvm_rsi_read_raw(vcpu);
	} else {
		nr = kvm_eax_read(vcpu);
		a0 = kvm_ebx_read(vcpu);
		a1 = kvm_ecx_read(vcpu);
		a2 = kvm_edx_read(vcpu);
		a3 = kvm_esi_read(vcpu);
	}

	trace_kvm_hypercall(nr, a0, a1, a2, a3);

	if (cpl) {
		ret = -KVM_EPERM;
		goto out;
	}

	ret = -KVM_ENOSYS;

	switch (nr) {
	case KVM_HC_VAPIC_POLL_IRQ:
		ret = 0;
		break;
	case KVM_HC_KICK_CPU:
		if (!guest_pv_has(vcpu, KVM_FEATURE_PV_UNHALT))
			break;
		kvm_pv_kick_cpu_op(vcpu, (int)a1);
		kvm_sched_yield(vcpu, a1);
		ret = 0;
		break;
#ifdef CONFIG_X86_64
	case KVM_HC_CLOCK_PAIRING:
		ret = kvm_pv_clock_pairing(vcpu, a0, a1);
		break;
#endif
	case KVM_HC_SEND_IPI:
		if (!guest_pv_has(vcpu, KVM_FEATURE_PV_SEND_IPI))
			break;
		ret = kvm_pv_send_ipi(vcpu, a0, a1, (u32)a2, a3, op_64_bit);
		break;
	case KVM_HC_SCHED_YIELD:
		if (!guest_pv_has(vcpu, KVM_FEATURE_PV_SCHED_YIELD))
			break;
		kvm_sched_yield(vcpu, a0);
		ret = 0;
		break;
	case KVM_HC_MAP_GPA_RANGE:
		/*
		 * Userspace maps the range; RAX gets its answer when the vCPU
		 * comes back, through complete_hypercall.
		 */
		if (!kvm_hypercall_map_gpa_range_exit(vcpu, a0, a1, a2,
						      op_64_bit))
			break;
		ext->run_hypercall_ret = 0;
		ext->complete_userspace_io = complete_hypercall;
		return 0;
	default:
		ret = -KVM_ENOSYS;
		break;
	}

out:
	ext->run_hypercall_ret = ret;
	return 1;
}

int kvm_emulate_hypercall(struct kvm_vcpu *vcpu)
{
	if (kvm_xen_hypercall_enabled(vcpu))
		return kvm_xen_hypercall(vcpu);

	if (kvm_hv_hypercall_enabled(vcpu))
		return kvm_hv_hypercall(vcpu);

	return __kvm_emulate_hypercall(vcpu, kvm_x86_get_cpl(vcpu),
				       complete_hypercall_exit);
}
