/* SPDX-License-Identifier: MIT */
/*
 * Compiled with the handlers' include path, linked with the driver: the
 * driver checks both sides agree on the enum and the vCPU layout before
 * running a case, since the two may be built from different specs.
 */
#include "kvm_stubs.h"

const unsigned long regcache_handler_abi[4] = {
	NR_VCPU_REGS,
	NR_KVM_REG_BITS,
	sizeof(struct kvm_vcpu),
	sizeof(struct kvm_vcpu_ext),
};
