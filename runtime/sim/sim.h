/* SPDX-License-Identifier: MIT */
/*
 * sim.h - the simulated machine the behaviour test runs handlers on.
 *
 * A backend (vmx, svm, tdx) owns a piece of "hardware state" holding every
 * guest register: the CPU registers the exit stub saves, and a VMCS-,
 * VMCB- or TD-like area for the rest.  vm_exit() copies the registers the
 * backend keeps always available into the vCPU's cache and poisons the
 * ones it loads lazily; cache_reg() fetches one lazily loaded register;
 * vm_enter() writes the cache back.  Which registers the hardware keeps
 * lazily comes from SIM_HARDWARE, written independently of the generator
 * (see backends.c); the generated <BACKEND>_REGS_LAZY_LOAD_SET is only what
 * KVM's side believes, and is checked against it by behaviour.  The
 * backends are the generated KVM_BACKENDS() X-macro's.
 *
 * This side is compiled against the headers of the spec that describes the
 * simulated hardware; the handlers may be compiled against another spec's
 * headers (with the same enum), which is how a wrong spec is caught.  The
 * simulator itself only uses its own generic cached path (sim_register_read
 * and _write below), so its behaviour never depends on which accessors a
 * spec makes direct, nor on how a spec spells the cached pair.
 *
 * KVM keeps an extended register's value in a vCPU field when the headers
 * read it from one (vcpu->arch.cr0, cr3, cr4, walk_mmu->pdptrs; the
 * generated header #defines each reader it defines), and the backends'
 * cache_reg fills that field; the other extended registers (RFLAGS,
 * SEGMENTS, the exit infos) are cached in sim_vcpu.exreg.
 */
#ifndef REGCACHE_SIM_H
#define REGCACHE_SIM_H

#include <string.h>

#include "kvm_stubs.h"

#define SIM_NR_EXREGS (NR_KVM_REG_BITS - NR_VCPU_REGS)
#define SIM_ALL_REGS ((NR_KVM_REG_BITS >= 64) ? ~0ULL : \
		      ((1ULL << NR_KVM_REG_BITS) - 1))

/* What a stale slot holds: recognisable, and it names its register. */
#define SIM_POISON_BASE 0xbadc0ffee0dd0000ULL
#define SIM_POISON(reg) (SIM_POISON_BASE | (u64)(reg))
#define SIM_IS_POISON(v) (((v) & ~0xffULL) == SIM_POISON_BASE)

/* The SEGMENTS slot models CS's attribute word; bit 13 is CS.L. */
#define SIM_CS_L (1ULL << 13)

/* The in-kernel PIO device answers on these ports. */
#define SIM_PIO_DEV_BASE 0x60
#define SIM_PIO_DEV_PORTS 16

#define SIM_NR_MSRS 6
#define SIM_NR_PMCS 4
#define SIM_XCR0_SUPPORTED 0x2e7ULL

/*
 * VMX: GPRs are in the CPU at VM-exit (the exit stub stores them), RSP,
 * RIP and the control state are VMCS fields read with VMREAD.
 */
struct vmx_hw {
	unsigned long cpu_gprs[NR_VCPU_REGS];
	struct {
		unsigned long guest_rsp;
		unsigned long guest_rip;
		u64 guest_state[SIM_NR_EXREGS];
	} vmcs;
};

/* SVM: RAX, RSP and RIP are in the VMCB save area, the rest in the CPU. */
struct svm_hw {
	unsigned long cpu_gprs[NR_VCPU_REGS];
	struct {
		u64 rax, rsp, rip;
		u64 state[SIM_NR_EXREGS];
	} vmcb_save;
};

/* TDX: the TDX module hands over the GPRs, the rest stays in the TDVPS. */
struct tdx_hw {
	unsigned long vp_enter_gprs[NR_VCPU_REGS];
	struct {
		u64 rip, rsp;
		u64 state[SIM_NR_EXREGS];
	} tdvps;
};

union sim_hw {
	struct vmx_hw vmx;
	struct svm_hw svm;
	struct tdx_hw tdx;
};

struct sim_backend {
	const char *name;
	u64 lazy;	/* the hardware's: SIM_HW_LAZY_<backend> */
	u64 avail;	/* the hardware's: every other register */
	u64 kvm_lazy;	/* KVM's (under test): <BACKEND>_REGS_LAZY_LOAD_SET */
	u64 kvm_avail;	/* KVM's (under test): <BACKEND>_REGS_AVAIL_SET */
	struct kvm_x86_ops *ops;
	u64 *(*slot)(union sim_hw *hw, unsigned int reg);
};

extern const struct sim_backend sim_backends[];
extern const unsigned int sim_nr_backends;

/* Backend parts, one file each. */
extern struct kvm_x86_ops vmx_x86_ops, svm_x86_ops, tdx_x86_ops;
u64 *vmx_hw_slot(union sim_hw *hw, unsigned int reg);
u64 *svm_hw_slot(union sim_hw *hw, unsigned int reg);
u64 *tdx_hw_slot(union sim_hw *hw, unsigned int reg);

/*
 * Everything outside the register cache that a handler can see or change,
 * all as u64 so cases and results serialize alike.
 */
#define SIM_ENV_FIELDS(X)						\
	X(cpl) X(protmode) X(cpuid_fault) X(hv_enabled) X(synic_active)	\
	X(npt) X(apicv) X(reset_bsp) X(insn_len) X(xcr0)		\
	X(userspace_pio_data) X(exception) X(error_code) X(traces)	\
	X(trace_hash) X(kicks) X(spins) X(flushes) X(singlesteps)	\
	X(requests) X(mmu_resets) X(init_vmcbs) X(vapic_bar)		\
	X(invlpg_gva) X(hv_exit_param) X(hv_exit_ingpa) X(hv_exit_outgpa) \
	X(poison_traced)

struct sim_env {
#define SIM_ENV_MEMBER(name) u64 name;
	SIM_ENV_FIELDS(SIM_ENV_MEMBER)
#undef SIM_ENV_MEMBER
	u64 msr_value[SIM_NR_MSRS];
	u64 pmc[SIM_NR_PMCS];
	u8 pio_dev[SIM_PIO_DEV_PORTS];
};

/* Arguments of the handlers that take more than the vCPU. */
struct sim_args {
	u64 pio_size;
	u64 pio_port;
	u64 init_event;
	u64 hv_result;
	u64 nested_gpa;
	struct kvm_regs regs_in;
};

struct sim_vcpu {
	struct kvm_vcpu_ext ext;
	const struct sim_backend *backend;
	union sim_hw hw;
	/*
	 * PDPTE1-3 in hardware state, beside each backend's PDPTR slot (which
	 * holds PDPTE0): the four GUEST_PDPTRn fields of a VMCS, alike on every
	 * backend here.
	 */
	u64 hw_pdpte[3];
	struct kvm_mmu mmu;	/* vcpu->arch.walk_mmu */
	u64 exreg[SIM_NR_EXREGS];	/* cache of the extended registers */
	u32 cache_calls[NR_KVM_REG_BITS];
	struct vmcb vmcb, hsave, nested;
	/* the emulator's register copy, for emulator_writeback_register_cache */
	u64 emu_dirty;
	unsigned long emu_regs[NR_VCPU_REGS];
	struct sim_env env;
};

static inline struct sim_vcpu *to_sim(struct kvm_vcpu *vcpu)
{
	return container_of(vcpu, struct sim_vcpu, ext.vcpu);
}

/* The simulator's own cached path, whatever the spec calls the kernel's. */
static inline unsigned long sim_register_read(struct kvm_vcpu *vcpu,
					      enum kvm_reg reg)
{
	if (!kvm_register_is_available(vcpu, reg))
		kvm_x86_ops->cache_reg(vcpu, reg);
	return vcpu->arch.regs[reg];
}

static inline void sim_register_write(struct kvm_vcpu *vcpu, enum kvm_reg reg,
				      unsigned long val)
{
	vcpu->arch.regs[reg] = val;
	kvm_register_mark_dirty(vcpu, reg);
}

/* backends.c */
void sim_install_backend(const struct sim_backend *backend);
extern u64 sim_warnings;
u64 sim_stale_value(struct sim_vcpu *sv, unsigned int reg);
void sim_store_cache(struct sim_vcpu *sv, unsigned int reg, u64 val);
u64 sim_load_cache(const struct sim_vcpu *sv, unsigned int reg);
void sim_cache_reg(struct kvm_vcpu *vcpu, enum kvm_reg reg, const u64 *slot);
void sim_vm_exit(struct sim_vcpu *sv, u64 hw_lazy, u64 kvm_lazy);

struct sim_enter_check {
	u64 lost_writes;	/* lazy registers written but never marked dirty */
};
void sim_vm_enter(struct sim_vcpu *sv, u64 lazy, struct sim_enter_check *chk);

/* world.c */
u64 sim_exreg_read(struct kvm_vcpu *vcpu, enum kvm_reg reg);
void sim_exreg_write(struct kvm_vcpu *vcpu, enum kvm_reg reg, u64 val);
extern const u32 sim_msr_index[SIM_NR_MSRS];
void sim_set_running(struct kvm_vcpu *vcpu);

#endif /* REGCACHE_SIM_H */
