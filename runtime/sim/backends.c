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
#error "define SIM_HARDWARE as the header naming each backend's lazily loaded registers, e.g. -DSIM_HARDWARE='\"hardware/x86-kvm-6.12.h\"'"
#endif
#include SIM_HARDWARE

#ifdef REGCACHE_STATIC_CALL
/*
 * Static-call dispatch: the handlers' call sites call kvm_x86_cache_reg
 * directly.  The kernel patches that call to the vendor module's function
 * when the module loads (static_call_update); here it enters the backend
 * installed for the run.
 */
static const struct kvm_x86_ops *sim_static_call_target;

void kvm_x86_cache_reg(struct kvm_vcpu *vcpu, enum kvm_reg reg)
{
	sim_static_call_target->cache_reg(vcpu, reg);
}
#else
struct kvm_x86_ops *kvm_x86_ops;
#endif

void sim_install_backend(const struct sim_backend *backend)
{
#ifdef REGCACHE_STATIC_CALL
	sim_static_call_target = backend->ops;
#else
	kvm_x86_ops = backend->ops;
#endif
}

/* WARN_ON_ONCE's reports (kvm_host.h): counted, and part of every result. */
u64 sim_warnings;

void regcache_warn(const char *condition, const char *file, int line)
{
	(void)condition;
	(void)file;
	(void)line;
	sim_warnings++;
}

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

/*
 * The vCPU field KVM keeps an extended register in, when the headers read it
 * from one (each reader the generated header defines is also a macro).
 */
static unsigned long *sim_exreg_field(struct sim_vcpu *sv, unsigned int reg)
{
	struct kvm_vcpu_arch *arch = &sv->ext.vcpu.arch;

	(void)arch;
	(void)reg;
#ifdef kvm_read_cr0
	if (reg == VCPU_EXREG_CR0)
		return &arch->cr0;
#endif
#ifdef kvm_read_cr3
	if (reg == VCPU_EXREG_CR3)
		return &arch->cr3;
#endif
#ifdef kvm_read_cr4
	if (reg == VCPU_EXREG_CR4)
		return &arch->cr4;
#endif
	return NULL;
}

void sim_store_cache(struct sim_vcpu *sv, unsigned int reg, u64 val)
{
	unsigned long *field;

	if (reg < NR_VCPU_REGS) {
		sv->ext.vcpu.arch.regs[reg] = val;
		return;
	}
#ifdef kvm_pdptr_read
	if (reg == VCPU_EXREG_PDPTR) {
		sv->mmu.pdptrs[0] = val;
		return;
	}
#endif
	field = sim_exreg_field(sv, reg);
	if (field)
		*field = val;
	else
		sv->exreg[reg - NR_VCPU_REGS] = val;
}

u64 sim_load_cache(const struct sim_vcpu *sv, unsigned int reg)
{
	unsigned long *field;

	if (reg < NR_VCPU_REGS)
		return sv->ext.vcpu.arch.regs[reg];
#ifdef kvm_pdptr_read
	if (reg == VCPU_EXREG_PDPTR)
		return sv->mmu.pdptrs[0];
#endif
	field = sim_exreg_field((struct sim_vcpu *)sv, reg);
	return field ? *field : sv->exreg[reg - NR_VCPU_REGS];
}

/*
 * What a lazily loaded register's cache holds after VM-exit: poison, except
 * for CR0 and CR4 where the headers gate reads on the guest-owned bits.
 * There KVM keeps every bit it intercepts up to date, so only the bits the
 * guest owns are stale (the guest may have flipped them): a read of other
 * bits needs no cache_reg, one of owned bits does.
 */
u64 sim_stale_value(struct sim_vcpu *sv, unsigned int reg)
{
	u64 hw = *sv->backend->slot(&sv->hw, reg);

	(void)hw;
#ifdef kvm_read_cr0_bits
	if (reg == VCPU_EXREG_CR0)
		return hw ^ sv->ext.vcpu.arch.cr0_guest_owned_bits;
#endif
#ifdef kvm_read_cr4_bits
	if (reg == VCPU_EXREG_CR4)
		return hw ^ sv->ext.vcpu.arch.cr4_guest_owned_bits;
#endif
	return SIM_POISON(reg);
}

/*
 * PDPTE1-3 go with PDPTE0 (the PDPTR slot): loaded from hardware state,
 * poisoned, or written back, all four at once.
 */
static void sim_pdpte_load(struct sim_vcpu *sv, unsigned int reg, bool poison)
{
	unsigned int i;

#ifdef kvm_pdptr_read
	if (reg != VCPU_EXREG_PDPTR)
		return;
	for (i = 0; i < 3; i++)
		sv->mmu.pdptrs[i + 1] = poison ? SIM_POISON(reg) : sv->hw_pdpte[i];
#else
	(void)sv;
	(void)reg;
	(void)poison;
	(void)i;
#endif
}

static void sim_pdpte_store(struct sim_vcpu *sv, unsigned int reg)
{
	unsigned int i;

#ifdef kvm_pdptr_read
	if (reg != VCPU_EXREG_PDPTR)
		return;
	for (i = 0; i < 3; i++)
		sv->hw_pdpte[i] = sv->mmu.pdptrs[i + 1];
#else
	(void)sv;
	(void)reg;
	(void)i;
#endif
}

/* Every backend's cache_reg: count the call, copy the slot, mark it. */
void sim_cache_reg(struct kvm_vcpu *vcpu, enum kvm_reg reg, const u64 *slot)
{
	struct sim_vcpu *sv = to_sim(vcpu);

	sv->cache_calls[reg]++;
	sim_store_cache(sv, reg, *slot);
	sim_pdpte_load(sv, reg, false);
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

	vcpu->arch.walk_mmu = &sv->mmu;
	memset(&vcpu->arch.regs_avail, 0, sizeof(vcpu->arch.regs_avail));
	memset(&vcpu->arch.regs_dirty, 0, sizeof(vcpu->arch.regs_dirty));
	for (reg = 0; reg < NR_KVM_REG_BITS; reg++) {
		bool lazy = hw_lazy & (1ULL << reg);

		if (lazy)
			sim_store_cache(sv, reg, sim_stale_value(sv, reg));
		else
			sim_store_cache(sv, reg,
					*sv->backend->slot(&sv->hw, reg));
		sim_pdpte_load(sv, reg, lazy);
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
		u64 stale = sim_stale_value(sv, reg);
		enum kvm_reg r = (enum kvm_reg)reg;

		if (!(lazy & (1ULL << reg))) {
			*slot = cached;
			sim_pdpte_store(sv, reg);
			continue;
		}
		if (kvm_register_is_dirty(vcpu, r)) {
			*slot = cached;
			sim_pdpte_store(sv, reg);
		}
		if (kvm_register_is_available(vcpu, r) ? cached != *slot
						      : cached != stale)
			chk->lost_writes |= 1ULL << reg;
	}
	memset(&vcpu->arch.regs_dirty, 0, sizeof(vcpu->arch.regs_dirty));
}
