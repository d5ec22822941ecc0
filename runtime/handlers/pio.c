/* SPDX-License-Identifier: MIT */
/*
 * Fast port I/O (IN/OUT with the port in the exit information): the data
 * travels in AL/AX/EAX.  An IN narrower than four bytes merges into RAX,
 * a four-byte IN zero-extends it.  When no in-kernel device claims the
 * port, the access goes to userspace and complete_fast_pio_in finishes it
 * on the way back.
 */
#include "kvm_stubs.h"

int kvm_fast_pio_out(struct kvm_vcpu *vcpu, int size, unsigned short port)
{
	struct kvm_vcpu_ext *ext = to_ext(vcpu);
	unsigned long val = kvm_rax_read(vcpu);
	int ret = emulator_pio_out_emulated(vcpu, size, port, &val, 1);

	if (ret)
		return ret;

	/*
	 * Old userspace expects RIP to be past "OUT 0x7e" when it sees the
	 * exit, so skip the instruction before leaving for this port.
	 */
	if (port == 0x7e && kvm_skip_emulated_instruction(vcpu)) {
		ext->complete_userspace_io = complete_fast_pio_out_port_0x7e;
		return 0;
	}

	ext->pio.linear_rip = kvm_get_linear_rip(vcpu);
	ext->complete_userspace_io = complete_fast_pio_out;
	return 0;
}

int complete_fast_pio_in(struct kvm_vcpu *vcpu)
{
	struct kvm_vcpu_ext *ext = to_ext(vcpu);
	unsigned long val;

	/* RIP moved under our feet (a signal, a reset): drop the result. */
	if (unlikely(!kvm_is_linear_rip(vcpu, ext->pio.linear_rip))) {
		ext->pio.count = 0;
		return 1;
	}

	val = (ext->pio.size < 4) ? kvm_rax_read(vcpu) : 0;

	/* pio.count is 1, so this picks up the data userspace provided. */
	emulator_pio_in_emulated(vcpu, ext->pio.size, ext->pio.port, &val, 1);
	kvm_rax_write(vcpu, val);

	return kvm_skip_emulated_instruction(vcpu);
}

int kvm_fast_pio_in(struct kvm_vcpu *vcpu, int size, unsigned short port)
{
	struct kvm_vcpu_ext *ext = to_ext(vcpu);
	unsigned long val;
	int ret;

	val = (size < 4) ? kvm_rax_read(vcpu) : 0;

	ret = emulator_pio_in_emulated(vcpu, size, port, &val, 1);
	if (ret) {
		kvm_rax_write(vcpu, val);
		return ret;
	}

	ext->pio.linear_rip = kvm_get_linear_rip(vcpu);
	ext->complete_userspace_io = complete_fast_pio_in;
	return 0;
}
