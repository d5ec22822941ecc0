/* SPDX-License-Identifier: MIT */
/*
 * sim.h - the simulated machine the Linux 7.2 handler suite runs on.
 *
 * The 7.2 counterpart of runtime/sim/sim.h, kept apart because the 7.2
 * suite's vCPU (kvm_stubs_7.2.h: struct kvm_vcpu_ext72, RIP in its own
 * field, bitmap masks, the guest's mode) and stand-ins differ from 6.x's at
 * every point the 6.x simulator touches; sharing the files would put a
 * KVM_REGS_* branch in every function of both.
 *
 * A backend (vmx, svm, tdx) keeps every guest register in its hardware
 * state: the CPU registers the exit stub saves, and a VMCS-, VMCB- or
 * TDVPS-like area for the rest, RIP included (its own field in every one).
 * Which registers each hardware keeps lazily is hardware.h, written by hand
 * from the 7.2 tree; the generated <BACKEND>_REGS_LAZY_LOAD_SET is what
 * KVM's side believes, and is the code under test.  The simulator reaches
 * the cache only through its own generic path (sim72_read/sim72_write
 * below), never through a generated accessor, and it computes what a
 * handler must have read from the case's hardware values and the guest's
 * mode itself (sim72_mask_of_mode), so the expected values do not come
 * from the generator.
 *
 * Input: a case (hardware values, mode, stand-in state) filled in by the
 * driver.  Output: the hardware state after vm_enter, the stand-ins' state,
 * and counters of every rule broken (struct sim72_faults).
 */
#ifndef REGCACHE_SIM72_H
#define REGCACHE_SIM72_H

#include <string.h>

#include "kvm_stubs_7.2.h"

#define SIM72_NR_EXREGS (NR_KVM_REG_BITS - NR_VCPU_REGS)
#define SIM72_ALL_REGS ((1ULL << NR_KVM_REG_BITS) - 1)

/* What a stale slot holds: recognisable, and it names its register. */
#define SIM72_POISON_BASE 0xbadc0ffee0dd0000ULL
#define SIM72_POISON(reg) (SIM72_POISON_BASE | (u64)(reg))
#define SIM72_IS_POISON(v) (((v) & ~0xffULL) == SIM72_POISON_BASE)

/* Where a guest register lives after VM-exit, per backend. */
struct sim72_hw {
	u64 cpu_gprs[NR_VCPU_REGS];	/* what the exit stub saved */
	u64 area_rsp;			/* VMCS / VMCB / TDVPS */
	u64 area_rax;			/* VMCB only: SVM saves RAX there */
	u64 area_rip;			/* RIP: its own field everywhere */
	u64 area_state[SIM72_NR_EXREGS];
	u64 pdpte[4];			/* PDPTE0 is the PDPTR's slot */
};

enum sim72_backend_id { SIM72_VMX, SIM72_SVM, SIM72_TDX };

struct sim72_backend {
	const char *name;
	enum sim72_backend_id id;
	u64 hw_lazy;	/* hardware.h's */
	u64 kvm_lazy;	/* what KVM's side clears after VM-exit: the generated
			 * set (under test), filled in by sim72_install_backend */
};

extern const struct sim72_backend sim72_backends[];
extern const unsigned int sim72_nr_backends;

/* The rules a run checks, counted per case. */
struct sim72_faults {
	u64 poison;		/* a poison value reached a stand-in or the result */
	u64 lost_write;		/* a lazy register written behind the dirty mask */
	u64 cache_twice;	/* cache_reg twice for one register */
	u64 cache_available;	/* cache_reg for a register the hardware saved */
	u64 tdx_fill;		/* cache_reg on TDX: never allowed (vt_cache_reg) */
	u64 value;		/* a handler read or wrote a wrong value */
	u64 assert_hook;	/* the assertion hook counted a use in task context */
	u64 warning;		/* a WARN_ON_ONCE where none is due, or none where one is */
};

/* Everything outside the cache a handler can see or change, as u64s. */
#define SIM72_ENV_FIELDS(X)						\
	X(cpl) X(protmode) X(cpuid_fault) X(xen) X(hv_enabled) X(pv_features) \
	X(synic_active) X(npt) X(insn_len) X(xcr0) X(msr_known)		\
	X(msr_data) X(msr_user) X(pio_in_data) X(quirk_7e)		\
	X(exception) X(error_code) X(trace_hash) X(skips) X(requests)	\
	X(invlpg_gva) X(cpuid_out) X(pmc) X(signature) X(vmrun_ok)	\
	X(map_vmcb12) X(load_cr3_fail) X(efer_cr_loads) X(pae)

struct sim72_env {
#define SIM72_ENV_MEMBER(name) u64 name;
	SIM72_ENV_FIELDS(SIM72_ENV_MEMBER)
#undef SIM72_ENV_MEMBER
};

struct sim72 {
	struct kvm_vcpu_ext72 ext;
	const struct sim72_backend *backend;
	struct sim72_hw hw;
	struct sim72_hw hw_at_exit;	/* the case's hardware, for the oracles */
	u64 exreg[SIM72_NR_EXREGS];	/* cache of RFLAGS, SEGMENTS, exit infos */
	u32 cache_calls[NR_KVM_REG_BITS];
	struct vmcb vmcb01, vmcb02, vmcb12;
	struct sim72_env env;
	struct sim72_faults faults;
};

/* The one simulated vCPU (one vCPU, one thread). */
extern struct sim72 sim72;

u64 *sim72_slot(struct sim72_hw *hw, enum sim72_backend_id id, unsigned int reg);
void sim72_install_backend(const struct sim72_backend *backend);
void sim72_vm_exit(void);
void sim72_vm_enter(void);
extern u64 sim72_warnings;

/* The simulator's own cached path, whatever the headers call theirs. */
u64 sim72_read(unsigned int reg);
void sim72_write(unsigned int reg, u64 val);

/* The case's hardware value of a register at VM-exit. */
u64 sim72_hw0(unsigned int reg);
/* The operand width of the guest's mode, from the case's EFER.LMA and CS.L. */
u64 sim72_mask_of_mode(void);
/* A 64-bit hypercall: protected state, or 64-bit mode. */
bool sim72_hypercall_64(void);
/* A value a stand-in receives: poison is a fault, the value is hashed. */
void sim72_note(unsigned int tag, u64 value);
/* A value a handler handed over that the simulator can predict. */
void sim72_expect(unsigned int tag, u64 got, u64 want);

/* world.c: the answers the stand-ins gave, for the driver's checks. */
extern u32 sim72_cpuid_out[4];
extern u64 sim72_msr_read_value;
/* What a WRMSR must hand kvm_emulate_msr_write, set by the driver per case. */
extern u64 sim72_wrmsr_want;
u64 sim72_cpuid_answer(u32 leaf, unsigned int i);

#endif /* REGCACHE_SIM72_H */
