/* SPDX-License-Identifier: MIT */
/*
 * The three backends' hardware, cache_reg, and the VM-exit / VM-entry
 * halves, for the Linux 7.2 handler suite (see sim.h).
 *
 * Two sources meet here on purpose: what each backend's hardware keeps
 * lazily (hardware.h, by hand from the 7.2 tree) and what KVM's side
 * believes (the generated <BACKEND>_REGS_LAZY_LOAD_SET, handed to the
 * generated bulk helper kvm_clear_available_registers after VM-exit, as
 * 7.2's backends do).  When they disagree a handler reads poison or calls
 * cache_reg for a register the hardware saved, and the run fails.
 */
#include "sim.h"
#include "hardware.h"

struct sim72 sim72;
u64 sim72_warnings;
bool regcache_in_interrupt;

void regcache_warn(const char *condition, const char *file, int line)
{
	(void)condition;
	(void)file;
	(void)line;
	sim72_warnings++;
}

const struct sim72_backend sim72_backends[] = {
	{ "vmx", SIM72_VMX, SIM72_HW_LAZY_vmx & SIM72_ALL_REGS, 0 },
	{ "svm", SIM72_SVM, SIM72_HW_LAZY_svm & SIM72_ALL_REGS, 0 },
	{ "tdx", SIM72_TDX, SIM72_HW_LAZY_tdx & SIM72_ALL_REGS, 0 },
};
const unsigned int sim72_nr_backends =
	sizeof(sim72_backends) / sizeof(sim72_backends[0]);

/*
 * What KVM's side clears after VM-exit, from the generated sets (bitmaps of
 * one word), as 7.2 spells it: VMX_REGS_LAZY_LOAD_SET in vmx.c,
 * SVM_REGS_LAZY_LOAD_SET in svm.c, ~TDX_REGS_AVAIL_SET in tdx.c.
 */
static u64 kvm_lazy_of(enum sim72_backend_id id)
{
	switch (id) {
	case SIM72_VMX:
		return VMX_REGS_LAZY_LOAD_SET.bits[0];
	case SIM72_SVM:
		return SVM_REGS_LAZY_LOAD_SET.bits[0];
	case SIM72_TDX:
		return ~TDX_REGS_AVAIL_SET.bits[0];
	}
	return SIM72_ALL_REGS;
}

/*
 * Where each register lives in a backend's hardware state.  VMX: RSP, RIP
 * and the control state in the VMCS, the other GPRs in the CPU.  SVM: RAX,
 * RSP and RIP in the VMCB save area.  TDX: RSP, RIP and the control state in
 * the TDVPS, the other GPRs handed over by the TDX module.
 */
u64 *sim72_slot(struct sim72_hw *hw, enum sim72_backend_id id, unsigned int reg)
{
	if (reg == VCPU_REGS_RSP)
		return &hw->area_rsp;
	if (reg == VCPU_REGS_RAX && id == SIM72_SVM)
		return &hw->area_rax;
	if (reg == VCPU_REG_RIP)
		return &hw->area_rip;
	if (reg == VCPU_REG_PDPTR)
		return &hw->pdpte[0];
	if (reg >= NR_VCPU_REGS)
		return &hw->area_state[reg - NR_VCPU_REGS];
	return &hw->cpu_gprs[reg];
}

/* Where KVM caches a register: regs[], its own field, or the exreg array. */
static u64 *cache_of(unsigned int reg)
{
	struct kvm_vcpu_arch *arch = &sim72.ext.vcpu.arch;

	if (reg < NR_VCPU_REGS)
		return (u64 *)&arch->regs[reg];
	switch (reg) {
	case VCPU_REG_RIP:
		return (u64 *)&arch->rip;
	case VCPU_REG_PDPTR:
		return &arch->pdptrs[0];
	case VCPU_REG_CR0:
		return (u64 *)&arch->cr0;
	case VCPU_REG_CR3:
		return (u64 *)&arch->cr3;
	case VCPU_REG_CR4:
		return (u64 *)&arch->cr4;
	}
	return &sim72.exreg[reg - NR_VCPU_REGS];
}

/*
 * A lazily loaded register's cache after VM-exit: poison, but for CR0 and
 * CR4, where KVM keeps every intercepted bit up to date and only the bits
 * the guest owns are stale (flipped here).
 */
static u64 stale_value(unsigned int reg)
{
	u64 hw = *sim72_slot(&sim72.hw, sim72.backend->id, reg);
	struct kvm_vcpu_arch *arch = &sim72.ext.vcpu.arch;

	if (reg == VCPU_REG_CR0)
		return hw ^ arch->cr0_guest_owned_bits;
	if (reg == VCPU_REG_CR4)
		return hw ^ arch->cr4_guest_owned_bits;
	return SIM72_POISON(reg);
}

static void load_cache(unsigned int reg, bool stale)
{
	unsigned int i;

	*cache_of(reg) = stale ? stale_value(reg)
			       : *sim72_slot(&sim72.hw, sim72.backend->id, reg);
	if (reg == VCPU_REG_PDPTR)
		for (i = 1; i < 4; i++)
			sim72.ext.vcpu.arch.pdptrs[i] =
				stale ? SIM72_POISON(reg) : sim72.hw.pdpte[i];
}

static void store_hw(unsigned int reg)
{
	unsigned int i;

	*sim72_slot(&sim72.hw, sim72.backend->id, reg) = *cache_of(reg);
	if (reg == VCPU_REG_PDPTR)
		for (i = 1; i < 4; i++)
			sim72.hw.pdpte[i] = sim72.ext.vcpu.arch.pdptrs[i];
}

/*
 * Every backend's cache_reg: count the call and copy one register from
 * hardware state.  TDX never fills: a TD's registers outside what the TDX
 * module handed over cannot be read, and 7.2's vt_cache_reg warns and
 * returns; the simulator reports the call (tdx_fill) and leaves the poison.
 */
static void sim72_cache_reg(struct kvm_vcpu *vcpu, enum kvm_reg reg)
{
	unsigned int r = (unsigned int)reg;

	if (r >= NR_KVM_REG_BITS) {
		sim72.faults.value++;
		return;
	}
	if (++sim72.cache_calls[r] > 1)
		sim72.faults.cache_twice++;
	if (!(sim72.backend->hw_lazy & (1ULL << r)))
		sim72.faults.cache_available++;
	if (sim72.backend->id == SIM72_TDX) {
		sim72.faults.tdx_fill++;
		return;
	}
	load_cache(r, false);
	__set_bit(r, vcpu->arch.regs_avail);
}

#ifdef REGCACHE_STATIC_CALL
void kvm_x86_cache_reg(struct kvm_vcpu *vcpu, enum kvm_reg reg)
{
	sim72_cache_reg(vcpu, reg);
}
#else
static struct kvm_x86_ops sim72_ops = { .cache_reg = sim72_cache_reg };
struct kvm_x86_ops *kvm_x86_ops = &sim72_ops;
#endif

static struct sim72_backend installed;

void sim72_install_backend(const struct sim72_backend *backend)
{
	installed = *backend;
	installed.kvm_lazy = kvm_lazy_of(backend->id);
	sim72.backend = &installed;
}

/*
 * After VM-exit: the hardware saves every register outside its lazy set
 * into the cache and leaves the rest stale; KVM's side then marks every
 * register available and clears the generated lazy set's bits with the
 * generated bulk helper, as 7.2's vmx/svm/tdx exit paths do.
 */
void sim72_vm_exit(void)
{
	struct kvm_vcpu *vcpu = &sim72.ext.vcpu;
	unsigned int reg;

	sim72.hw_at_exit = sim72.hw;
	for (reg = 0; reg < NR_KVM_REG_BITS; reg++)
		load_cache(reg, sim72.backend->hw_lazy & (1ULL << reg));
	memset(vcpu->arch.regs_avail, 0xff, sizeof(vcpu->arch.regs_avail));
	memset(vcpu->arch.regs_dirty, 0, sizeof(vcpu->arch.regs_dirty));
	kvm_clear_available_registers(vcpu, sim72.backend->kvm_lazy);
}

/*
 * Before VM-entry: registers the hardware saved go back unconditionally
 * (the entry stub loads them all), lazy ones only when dirty.  A lazy
 * register whose cache no longer matches the hardware (available) or its
 * stale value (not available) was written behind the dirty mask's back.
 * On TDX nothing but the handed-over registers goes back.
 */
void sim72_vm_enter(void)
{
	struct kvm_vcpu *vcpu = &sim72.ext.vcpu;
	unsigned int reg;

	for (reg = 0; reg < NR_KVM_REG_BITS; reg++) {
		u64 cached = *cache_of(reg);
		u64 hw = *sim72_slot(&sim72.hw, sim72.backend->id, reg);
		bool avail = test_bit(reg, vcpu->arch.regs_avail);

		if (!(sim72.backend->hw_lazy & (1ULL << reg))) {
			store_hw(reg);
			continue;
		}
		if (test_bit(reg, vcpu->arch.regs_dirty)) {
			if (sim72.backend->id != SIM72_TDX)
				store_hw(reg);
			continue;
		}
		if (avail ? cached != hw : cached != stale_value(reg))
			sim72.faults.lost_write++;
	}
	kvm_reset_dirty_registers(vcpu);
}

u64 sim72_read(unsigned int reg)
{
	struct kvm_vcpu *vcpu = &sim72.ext.vcpu;

	if (!test_bit(reg, vcpu->arch.regs_avail))
		sim72_cache_reg(vcpu, (enum kvm_reg)reg);
	return *cache_of(reg);
}

void sim72_write(unsigned int reg, u64 val)
{
	struct kvm_vcpu *vcpu = &sim72.ext.vcpu;

	*cache_of(reg) = val;
	__set_bit(reg, vcpu->arch.regs_avail);
	__set_bit(reg, vcpu->arch.regs_dirty);
}

u64 sim72_hw0(unsigned int reg)
{
	return *sim72_slot(&sim72.hw_at_exit, sim72.backend->id, reg);
}

u64 sim72_mask_of_mode(void)
{
#ifdef CONFIG_X86_64
	const struct kvm_vcpu_arch *arch = &sim72.ext.vcpu.arch;

	if ((arch->efer & EFER_LMA) && arch->cs_l)
		return ~0ULL;
#endif
	return 0xffffffffULL;
}

bool sim72_hypercall_64(void)
{
#ifdef CONFIG_X86_64
	return sim72.ext.vcpu.arch.guest_state_protected ||
	       sim72_mask_of_mode() == ~0ULL;
#else
	return false;
#endif
}

static u64 mix(u64 h, u64 v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h * 0x100000001b3ULL;
}

void sim72_note(unsigned int tag, u64 value)
{
	if (SIM72_IS_POISON(value))
		sim72.faults.poison++;
	sim72.env.trace_hash = mix(mix(sim72.env.trace_hash, tag), value);
}

void sim72_expect(unsigned int tag, u64 got, u64 want)
{
	sim72_note(tag, got);
	if (got != want)
		sim72.faults.value++;
}
