/* SPDX-License-Identifier: MIT */
/*
 * Hyper-V hypercalls (7.2's hyperv.c).  A 64-bit hypercall takes the
 * control word, input and output addresses from RCX, RDX and R8 through the
 * raw pair; any other joins each from two 32-bit halves (EDX:EAX, EBX:ECX,
 * EDI:ESI).  The result goes back to RAX at full width, or to EDX:EAX
 * through the 32-bit pair.
 */
#include "kvm_stubs_7.2.h"

void kvm_hv_hypercall_set_result(struct kvm_vcpu *vcpu, u64 result)
{
	bool longmode;

	longmode = is_64_bit_hypercall(vcpu);
	if (longmode) {
		kvm_rax_write_raw(vcpu, result);
	} else {
		kvm_edx_write(vcpu, result >> 32);
		kvm_eax_write(vcpu, result);
	}
}

static int kvm_hv_hypercall_complete(struct kvm_vcpu *vcpu, u64 result)
{
	kvm_hv_hypercall_set_result(vcpu, result);
	++to_ext72(vcpu)->stat_hypercalls;
	return kvm_skip_emulated_instruction(vcpu);
}

int kvm_hv_hypercall(struct kvm_vcpu *vcpu)
{
	struct kvm_hv_hcall hc;
	u64 ret = HV_STATUS_SUCCESS;

	/* From user mode or real mode, a hypercall raises #UD. */
	if (kvm_x86_get_cpl(vcpu) != 0 || !is_protmode(vcpu)) {
		kvm_queue_exception(vcpu, UD_VECTOR);
		return 1;
	}

#ifdef CONFIG_X86_64
	if (is_64_bit_hypercall(vcpu)) {
		hc.param = kvm_rcx_read_raw(vcpu);
		hc.ingpa = kvm_rdx_read_raw(vcpu);
		hc.outgpa = kvm_r8_read_raw(vcpu);
	} else
#endif
	{
		hc.param = ((u64)kvm_edx_read(vcpu) << 32) | kvm_eax_read(vcpu);
		hc.ingpa = ((u64)kvm_ebx_read(vcpu) << 32) | kvm_ecx_read(vcpu);
		hc.outgpa = ((u64)kvm_edi_read(vcpu) << 32) | kvm_esi_read(vcpu);
	}

	hc.code = hc.param & 0xffff;
	hc.var_cnt = (hc.param & HV_HYPERCALL_VARHEAD_MASK) >>
		     HV_HYPERCALL_VARHEAD_OFFSET;
	hc.fast = !!(hc.param & HV_HYPERCALL_FAST_BIT);
	hc.rep_cnt = (hc.param >> HV_HYPERCALL_REP_COMP_OFFSET) & 0xfff;
	hc.rep_idx = (hc.param >> HV_HYPERCALL_REP_START_OFFSET) & 0xfff;
	hc.rep = !!(hc.rep_cnt || hc.rep_idx);

	trace_kvm_hv_hypercall(hc.code, hc.fast, hc.var_cnt, hc.rep_cnt,
			       hc.rep_idx, hc.ingpa, hc.outgpa);

	switch (hc.code) {
	case HVCALL_NOTIFY_LONG_SPIN_WAIT:
		if (unlikely(hc.rep || hc.var_cnt)) {
			ret = HV_STATUS_INVALID_HYPERCALL_INPUT;
			break;
		}
		kvm_vcpu_on_spin(vcpu, true);
		break;
	case HVCALL_SIGNAL_EVENT:
		if (unlikely(hc.rep || hc.var_cnt)) {
			ret = HV_STATUS_INVALID_HYPERCALL_INPUT;
			break;
		}
		ret = kvm_hvcall_signal_event(vcpu, &hc);
		if (ret != HV_STATUS_INVALID_PORT_ID)
			break;
		/* An unknown connection may be userspace's: post it there. */
		fallthrough;
	case HVCALL_POST_MESSAGE:
		if (unlikely(hc.rep || hc.var_cnt ||
			     !kvm_hv_synic_active(vcpu))) {
			ret = HV_STATUS_INVALID_HYPERCALL_INPUT;
			break;
		}
		return kvm_hv_hypercall_userspace_exit(vcpu, &hc);
	case HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE:
		if (unlikely(hc.var_cnt || hc.rep)) {
			ret = HV_STATUS_INVALID_HYPERCALL_INPUT;
			break;
		}
		ret = kvm_hv_flush_tlb(vcpu, &hc);
		break;
	default:
		ret = HV_STATUS_INVALID_HYPERCALL_CODE;
		break;
	}

	return kvm_hv_hypercall_complete(vcpu, ret);
}
