/* SPDX-License-Identifier: MIT */
/*
 * Fast port I/O (7.2's x86.c): the data travels in AL/AX/EAX, read and
 * written through the raw pair (the port size, not the mode, decides the
 * width).  An IN narrower than four bytes merges into RAX, a four-byte IN
 * zero-extends it.  When no in-kernel device claims the port, the access
 * goes to userspace and complete_fast_pio_in finishes it on the way back.
 */
#include "kvm_stubs_7.2.h"

int kvm_fast_pio_out(struct kvm_vcpu *vcpu, int size, unsigned short port)
{
	struct kvm_vcpu_ext72 *ext = to_ext72(vcpu);
	unsigned long val = kvm_rax_read_raw(vcpu);
	int ret = emulator_pio_out(vcpu, size, port, &val, 1);

	if (ret)
		return ret;

	/*
	 * Old userspace expects RIP past "OUT 0x7e" when it sees the exit
	 * (a quirk): skip the instruction before leaving for that port.
	 */
	if (port == 0x7e && kvm_quirk_out_7e_inc_rip(vcpu)) {
		ext->complete_userspace_io = complete_fast_pio_out_port_0x7e;
		kvm_skip_emulated_instruction(vcpu);
	} else {
		ext->cui_linear_rip = kvm_get_linear_rip(vcpu);
		ext->complete_userspace_io = complete_fast_pio_out;
	}
	return 0;
}

int complete_fast_pio_in(struct kvm_vcpu *vcpu)
{
	struct kvm_vcpu_ext72 *ext = to_ext72(vcpu);
	unsigned long val;

	/* Only ever reached with one pending port read. */
	if (WARN_ON_ONCE(ext->pio_count != 1))
		return -5;

	/* RIP moved under our feet (a signal, a reset): drop the result. */
	if (unlikely(!kvm_is_linear_rip(vcpu, ext->cui_linear_rip))) {
		ext->pio_count = 0;
		return 1;
	}

	val = (ext->pio_size < 4) ? kvm_rax_read_raw(vcpu) : 0;

	complete_emulator_pio_in(vcpu, &val);
	kvm_rax_write_raw(vcpu, val);

	return kvm_skip_emulated_instruction(vcpu);
}

int kvm_fast_pio_in(struct kvm_vcpu *vcpu, int size, unsigned short port)
{
	struct kvm_vcpu_ext72 *ext = to_ext72(vcpu);
	unsigned long val;
	int ret;

	val = (size < 4) ? kvm_rax_read_raw(vcpu) : 0;

	ret = emulator_pio_in(vcpu, size, port, &val, 1);
	if (ret) {
		kvm_rax_write_raw(vcpu, val);
		return ret;
	}

	ext->cui_linear_rip = kvm_get_linear_rip(vcpu);
	ext->complete_userspace_io = complete_fast_pio_in;

	return 0;
}

int kvm_fast_pio(struct kvm_vcpu *vcpu, int size, unsigned short port, int in)
{
	int ret;

	if (in)
		ret = kvm_fast_pio_in(vcpu, size, port);
	else
		ret = kvm_fast_pio_out(vcpu, size, port);
	return ret && kvm_skip_emulated_instruction(vcpu);
}
