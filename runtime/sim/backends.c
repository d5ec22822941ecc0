/* SPDX-License-Identifier: MIT */
/*
 * The backend table and the VM-exit / VM-entry halves every backend shares.
 *
 * Two sources meet here, on purpose.  What each backend's hardware keeps
 * lazily (SIM_HW_LAZY_<backend>) comes from SIM_HARDWARE, a header written
 * independently of the generator: by hand for the shipped specs
 * (hardware/<spec>.h), from the spec file's own lists by the test harness
 * otherwise.  What KVM's backend code believes it must mark available after
 * VM-exit is the generated <BACKEND>_REGS_LAZY_LOAD_SET, the code under test,
 * as the kernel's vmx_register_cache_reset() uses VMX_REGS_LAZY_LOAD_SET.
 * When the two disagree a handler reads poison or calls cache_reg for a
 * register the hardware already saved, and the behaviour test fails.
 */
#include "sim.h"

#ifndef SIM_HARDWARE
#error "define SIM_HARDWARE as the header naming each backend's lazily loaded registers, e.g. -DSIM_HARDWARE='\"hardware/x86-kvm.h\"'"
#endif
#include SIM_HARDWARE

struct kvm_x86_ops *kvm_x86_ops;

#define SIM_BACKEND(lname, uname)					\
	{								\
		.name = #lname,						\
		.lazy = (u64)(SIM_HW_LAZY_##lname) & SIM_ALL_REGS,	\
		.avail = ~(u64)(SIM_HW_LAZY_##lname) & SIM_ALL_REGS,	\
		.kvm_lazy = (u64)(uname##_REGS_LAZY_LOAD_SET),		\
		.kvm_avail = (u64)(uname##_REGS_AVAIL_SET),		\
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
 * After VM-exit: the hardware half saves every register outside @hw_lazy
 * into the cache and leaves poison in the rest; then KVM's backend code
 * marks available every register outside @kvm_lazy (the generated set).  A
 * register the hardware left behind but KVM marks available reads as poison,
 * a value that names the register.
 */
void sim_vm_exit(struct sim_vcpu *sv, u64 hw_lazy, u64 kvm_lazy)
{
	struct kvm_vcpu *vcpu = &sv->ext.vcpu;
	unsigned int reg;

	memset(&vcpu->arch.regs_avail, 0, sizeof(vcpu->arch.regs_avail));
	memset(&vcpu->arch.regs_dirty, 0, sizeof(vcpu->arch.regs_dirty));
	for (reg = 0; reg < NR_KVM_REG_BITS; reg++) {
		if (hw_lazy & (1ULL << reg))
			sim_store_cache(sv, reg, SIM_POISON(reg));
		else
			sim_store_cache(sv, reg,
					*sv->backend->slot(&sv->hw, reg));
		if (!(kvm_lazy & (1ULL << reg)))
			kvm_register_mark_available(vcpu, (enum kvm_reg)reg);
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
