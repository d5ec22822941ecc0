/* SPDX-License-Identifier: MIT */
/*
 * The backend table and the VM-exit / VM-entry halves every backend shares.
 * The table is built from the generated KVM_BACKENDS() X-macro, so the set of
 * backends and each one's lazily loaded registers are the spec's.
 */
#include "sim.h"

struct kvm_x86_ops *kvm_x86_ops;

#define SIM_BACKEND(lname, uname)					\
	{								\
		.name = #lname,						\
		.lazy = (u64)(uname##_REGS_LAZY_LOAD_SET),		\
		.avail = (u64)(uname##_REGS_AVAIL_SET),			\
		.ops = &lname##_x86_ops,				\
		.slot = lname##_hw_slot,				\
	},

const struct sim_backend sim_backends[] = { KVM_BACKENDS(SIM_BACKEND) };
const unsigned int sim_nr_backends =
	sizeof(sim_backends) / sizeof(sim_backends[0]);

void sim_store_cache(struct sim_vcpu *sv, unsigned int reg, u64 val)
{
	if (reg < NR_VCPU_REGS)
		sv->ext.vcpu.arch.regs[reg] = val;
	else
		sv->exreg[reg - NR_VCPU_REGS] = val;
}

u64 sim_load_cache(const struct sim_vcpu *sv, unsigned int reg)
{
	if (reg < NR_VCPU_REGS)
		return sv->ext.vcpu.arch.regs[reg];
	return sv->exreg[reg - NR_VCPU_REGS];
}

/* Every backend's cache_reg: count the call, copy the slot, mark it. */
void sim_cache_reg(struct kvm_vcpu *vcpu, enum kvm_reg reg, const u64 *slot)
{
	struct sim_vcpu *sv = to_sim(vcpu);

	sv->cache_calls[reg]++;
	sim_store_cache(sv, reg, *slot);
	kvm_register_mark_available(vcpu, reg);
}

/*
 * After VM-exit: always-available registers are in the cache and marked
 * so; lazily loaded ones hold poison with their avail bit clear, so a read
 * that skips cache_reg returns a value that names the register.
 */
void sim_vm_exit(struct sim_vcpu *sv, u64 lazy)
{
	struct kvm_vcpu *vcpu = &sv->ext.vcpu;
	unsigned int reg;

	memset(&vcpu->arch.regs_avail, 0, sizeof(vcpu->arch.regs_avail));
	memset(&vcpu->arch.regs_dirty, 0, sizeof(vcpu->arch.regs_dirty));
	for (reg = 0; reg < NR_KVM_REG_BITS; reg++) {
		if (lazy & (1ULL << reg)) {
			sim_store_cache(sv, reg, SIM_POISON(reg));
		} else {
			sim_store_cache(sv, reg, *sv->backend->slot(&sv->hw, reg));
			kvm_register_mark_available(vcpu, (enum kvm_reg)reg);
		}
	}
}

/*
 * Before VM-entry: always-available registers go back unconditionally (the
 * entry stub loads them all), lazily loaded ones only when dirty.  A lazy
 * register whose cache no longer matches either the hardware (when
 * available) or its poison (when not) was written behind the dirty mask's
 * back: that write is lost, and @chk says which.
 */
void sim_vm_enter(struct sim_vcpu *sv, u64 lazy, struct sim_enter_check *chk)
{
	struct kvm_vcpu *vcpu = &sv->ext.vcpu;
	unsigned int reg;

	chk->lost_writes = 0;
	for (reg = 0; reg < NR_KVM_REG_BITS; reg++) {
		u64 *slot = sv->backend->slot(&sv->hw, reg);
		u64 cached = sim_load_cache(sv, reg);
		enum kvm_reg r = (enum kvm_reg)reg;

		if (!(lazy & (1ULL << reg))) {
			*slot = cached;
			continue;
		}
		if (kvm_register_is_dirty(vcpu, r))
			*slot = cached;
		if (kvm_register_is_available(vcpu, r) ? cached != *slot
						      : cached != SIM_POISON(reg))
			chk->lost_writes |= 1ULL << reg;
	}
	memset(&vcpu->arch.regs_dirty, 0, sizeof(vcpu->arch.regs_dirty));
}
