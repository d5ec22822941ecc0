/* SPDX-License-Identifier: MIT */
/*
 * The stand-ins of kvm_stubs.h: small emulations of what a handler does
 * besides register traffic (a CPUID table, an MSR store, XCR0, PMU
 * counters, a PIO device, exceptions, tracepoints).  Their state is the
 * vCPU's struct sim_env, part of every case's input and result.  Register
 * accesses here use the simulator's own cached path only (sim.h).
 */
#include "sim.h"

static struct sim_env *env_of(struct kvm_vcpu *vcpu)
{
	return &to_sim(vcpu)->env;
}

/*
 * Extended registers have no regs[] slot; their cache is a vCPU field or
 * sim_vcpu.exreg (sim_load_cache).
 */
u64 sim_exreg_read(struct kvm_vcpu *vcpu, enum kvm_reg reg)
{
	if (!kvm_register_is_available(vcpu, reg))
		kvm_x86_ops->cache_reg(vcpu, reg);
	return sim_load_cache(to_sim(vcpu), reg);
}

void sim_exreg_write(struct kvm_vcpu *vcpu, enum kvm_reg reg, u64 val)
{
	sim_store_cache(to_sim(vcpu), reg, val);
	kvm_register_mark_dirty(vcpu, reg);
}

static u64 mix64(u64 x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/* Tracepoints fold their arguments into a hash; poison is counted. */
static void sim_trace(struct kvm_vcpu *vcpu, unsigned int id, unsigned int n,
		      const u64 *args)
{
	struct sim_env *env = env_of(vcpu);
	unsigned int i;

	env->traces++;
	env->trace_hash = mix64(env->trace_hash ^ id);
	for (i = 0; i < n; i++) {
		env->trace_hash = mix64(env->trace_hash ^ args[i]);
		if (SIM_IS_POISON(args[i]))
			env->poison_traced++;
	}
}

bool kvm_get_cs_l(struct kvm_vcpu *vcpu)
{
	return sim_exreg_read(vcpu, VCPU_EXREG_SEGMENTS) & SIM_CS_L;
}

bool is_protmode(struct kvm_vcpu *vcpu)
{
	return env_of(vcpu)->protmode;
}

int kvm_x86_get_cpl(struct kvm_vcpu *vcpu)
{
	return (int)env_of(vcpu)->cpl;
}

bool kvm_require_cpl(struct kvm_vcpu *vcpu, int required_cpl)
{
	if (kvm_x86_get_cpl(vcpu) <= required_cpl)
		return true;
	kvm_inject_gp(vcpu, 0);
	return false;
}

bool cpuid_fault_enabled(struct kvm_vcpu *vcpu)
{
	return env_of(vcpu)->cpuid_fault;
}

unsigned long kvm_get_rflags(struct kvm_vcpu *vcpu)
{
	return sim_exreg_read(vcpu, VCPU_EXREG_RFLAGS);
}

void kvm_set_rflags(struct kvm_vcpu *vcpu, unsigned long rflags)
{
	sim_exreg_write(vcpu, VCPU_EXREG_RFLAGS, rflags);
}

/*
 * Stand-ins for a spec whose headers have no such reader (v5.2's): CR3
 * through the cache, CR0 and CR4 (no registers of v5.2's enum) from the
 * vCPU's fields as KVM of that era kept them, which nothing fills here.
 */
#ifndef kvm_read_cr3
unsigned long kvm_read_cr3(struct kvm_vcpu *vcpu)
{
	return sim_exreg_read(vcpu, VCPU_EXREG_CR3);
}
#endif
#ifndef kvm_read_cr0
unsigned long kvm_read_cr0(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.cr0;
}
#endif
#ifndef kvm_read_cr4
unsigned long kvm_read_cr4(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.cr4;
}
#endif
#ifndef kvm_is_cr0_bit_set
bool kvm_is_cr0_bit_set(struct kvm_vcpu *vcpu, unsigned long cr0_bit)
{
	return !!(vcpu->arch.cr0 & cr0_bit);
}
#endif
#ifndef kvm_is_cr4_bit_set
bool kvm_is_cr4_bit_set(struct kvm_vcpu *vcpu, unsigned long cr4_bit)
{
	return !!(vcpu->arch.cr4 & cr4_bit);
}
#endif

int kvm_set_cr3(struct kvm_vcpu *vcpu, unsigned long cr3)
{
	sim_exreg_write(vcpu, VCPU_EXREG_CR3, cr3);
	return 0;
}

/* CS base is zero in the simulation, so the linear RIP is RIP. */
unsigned long kvm_get_linear_rip(struct kvm_vcpu *vcpu)
{
	return sim_register_read(vcpu, VCPU_REGS_RIP);
}

bool kvm_is_linear_rip(struct kvm_vcpu *vcpu, unsigned long linear_rip)
{
	return kvm_get_linear_rip(vcpu) == linear_rip;
}

/*
 * Past the instruction: to SVM's next_rip when a handler recorded one,
 * else by the exit's instruction length.  A set trap flag turns the exit
 * into a single-step exit (return 0), as in KVM.
 */
int kvm_skip_emulated_instruction(struct kvm_vcpu *vcpu)
{
	struct kvm_vcpu_ext *ext = to_ext(vcpu);
	unsigned long rflags = kvm_get_rflags(vcpu);

	if (ext->next_rip) {
		sim_register_write(vcpu, VCPU_REGS_RIP, ext->next_rip);
	} else {
		unsigned long rip = sim_register_read(vcpu, VCPU_REGS_RIP);

		sim_register_write(vcpu, VCPU_REGS_RIP,
				   rip + env_of(vcpu)->insn_len);
	}
	if (rflags & X86_EFLAGS_TF) {
		env_of(vcpu)->singlesteps++;
		return 0;
	}
	return 1;
}

void kvm_queue_exception(struct kvm_vcpu *vcpu, unsigned int nr)
{
	env_of(vcpu)->exception = nr + 1;
}

void kvm_inject_gp(struct kvm_vcpu *vcpu, u32 error_code)
{
	env_of(vcpu)->exception = GP_VECTOR + 1;
	env_of(vcpu)->error_code = error_code;
}

void kvm_make_request_event(struct kvm_vcpu *vcpu)
{
	env_of(vcpu)->requests++;
}

void kvm_mmu_invlpg(struct kvm_vcpu *vcpu, unsigned long gva)
{
	env_of(vcpu)->invlpg_gva = gva;
}

void kvm_mmu_reset_context(struct kvm_vcpu *vcpu)
{
	env_of(vcpu)->mmu_resets++;
}

/* A few leaves of a made-up CPU; unknown leaves read as zeroes. */
static const struct {
	u32 function, index;
	bool indexed;
	u32 eax, ebx, ecx, edx;
} cpuid_table[] = {
	{ 0x0, 0, false, 0x0000000d, 0x68747541, 0x444d4163, 0x69746e65 },
	{ 0x1, 0, false, 0x00a20f12, 0x00020800, 0xfed83203, 0x178bfbff },
	{ 0x7, 0, true, 0x00000000, 0x219c97a9, 0x0040069c, 0x00000010 },
	{ 0xd, 0, true, 0x000002e7, 0x00000980, 0x00000988, 0x00000000 },
	{ 0xd, 1, true, 0x0000000f, 0x00000340, 0x00001800, 0x00000000 },
	{ 0x40000000, 0, false, 0x40000001, 0x4b4d564b, 0x564b4d56,
	  0x0000004d },
	{ 0x80000000, 0, false, 0x80000021, 0x68747541, 0x444d4163,
	  0x69746e65 },
	{ 0x80000001, 0, false, 0x00a20f12, 0x20000000, 0x75c237ff,
	  0x2fd3fbff },
};

/*
 * Like KVM, the index in *ecx matters only for indexed leaves, and only
 * then is it read: callers pass an uninitialised *ecx for plain leaves.
 */
void kvm_cpuid(struct kvm_vcpu *vcpu, u32 *eax, u32 *ebx, u32 *ecx, u32 *edx,
	       bool exact_only)
{
	const unsigned int n = sizeof(cpuid_table) / sizeof(cpuid_table[0]);
	u64 args[2] = { *eax, 0 };
	unsigned int i;

	(void)exact_only;
	for (i = 0; i < n; i++) {
		if (cpuid_table[i].function != args[0])
			continue;
		if (cpuid_table[i].indexed) {
			args[1] = *ecx;
			if (cpuid_table[i].index != args[1])
				continue;
		}
		break;
	}
	sim_trace(vcpu, 1, 2, args);
	if (i == n) {
		*eax = *ebx = *ecx = *edx = 0;
		return;
	}
	*eax = cpuid_table[i].eax;
	*ebx = cpuid_table[i].ebx;
	*ecx = cpuid_table[i].ecx;
	*edx = cpuid_table[i].edx;
}

/* The MSR store: fixed indices, per-case values, reserved bits #GP. */
const u32 sim_msr_index[SIM_NR_MSRS] = {
	0x00000010, 0x0000001b, 0x00000174, 0x000001a0, 0xc0000080, 0xc0000102,
};
static const u64 sim_msr_reserved[SIM_NR_MSRS] = {
	0, 0xfff00000000006ffULL, 0xffffffffffff0000ULL, 0xfffffffc00000000ULL,
	0xffffffffffff02feULL, 0,
};

static int sim_msr_slot(u32 index)
{
	int i;

	for (i = 0; i < SIM_NR_MSRS; i++)
		if (sim_msr_index[i] == index)
			return i;
	return -1;
}

int kvm_get_msr(struct kvm_vcpu *vcpu, struct msr_data *msr)
{
	int i = sim_msr_slot(msr->index);

	if (i < 0)
		return 1;
	msr->data = env_of(vcpu)->msr_value[i];
	return 0;
}

int kvm_set_msr(struct kvm_vcpu *vcpu, struct msr_data *msr)
{
	int i = sim_msr_slot(msr->index);

	if (i < 0 || (msr->data & sim_msr_reserved[i]))
		return 1;
	env_of(vcpu)->msr_value[i] = msr->data;
	return 0;
}

/* XCR0: x87 always on, AVX needs SSE, nothing the CPU lacks. */
int kvm_set_xcr(struct kvm_vcpu *vcpu, u32 index, u64 xcr)
{
	if (index != 0 || !(xcr & 1) || (xcr & ~SIM_XCR0_SUPPORTED) ||
	    ((xcr & 6) == 4))
		return 1;
	env_of(vcpu)->xcr0 = xcr;
	return 0;
}

int kvm_pmu_rdpmc(struct kvm_vcpu *vcpu, unsigned int idx, u64 *data)
{
	if (idx >= SIM_NR_PMCS)
		return 1;
	*data = env_of(vcpu)->pmc[idx];
	return 0;
}

static bool sim_pio_claims(unsigned short port)
{
	return port >= SIM_PIO_DEV_BASE &&
	       port < SIM_PIO_DEV_BASE + SIM_PIO_DEV_PORTS;
}

/*
 * IN: a pending request is completed with what userspace provided; a port
 * of the in-kernel device is answered byte by byte (0xff past its end);
 * anything else becomes a request for userspace (return 0).  Only @size
 * bytes of *val change, which is what makes narrow INs merge into RAX.
 */
int emulator_pio_in_emulated(struct kvm_vcpu *vcpu, int size,
			     unsigned short port, void *val,
			     unsigned int count)
{
	struct kvm_vcpu_ext *ext = to_ext(vcpu);
	struct sim_env *env = env_of(vcpu);
	u8 bytes[8];
	int i;

	if (ext->pio.count) {
		memcpy(bytes, &env->userspace_pio_data, sizeof(bytes));
		ext->pio.count = 0;
	} else if (sim_pio_claims(port)) {
		for (i = 0; i < size; i++) {
			unsigned int at = port - SIM_PIO_DEV_BASE + i;

			bytes[i] = at < SIM_PIO_DEV_PORTS ? env->pio_dev[at]
							  : 0xff;
		}
	} else {
		ext->pio.in = 1;
		ext->pio.port = port;
		ext->pio.size = size;
		ext->pio.count = count;
		return 0;
	}
	memcpy(val, bytes, size);
	return 1;
}

int emulator_pio_out_emulated(struct kvm_vcpu *vcpu, int size,
			      unsigned short port, const void *val,
			      unsigned int count)
{
	struct kvm_vcpu_ext *ext = to_ext(vcpu);
	struct sim_env *env = env_of(vcpu);
	u64 data = 0;
	int i;

	memcpy(&data, val, size);
	if (sim_pio_claims(port)) {
		for (i = 0; i < size; i++) {
			unsigned int at = port - SIM_PIO_DEV_BASE + i;

			if (at < SIM_PIO_DEV_PORTS)
				env->pio_dev[at] = (u8)(data >> (8 * i));
		}
		return 1;
	}
	ext->pio.in = 0;
	ext->pio.port = port;
	ext->pio.size = size;
	ext->pio.count = count;
	env->userspace_pio_data = data;
	return 0;
}

int complete_fast_pio_out(struct kvm_vcpu *vcpu)
{
	to_ext(vcpu)->pio.count = 0;
	if (!kvm_is_linear_rip(vcpu, to_ext(vcpu)->pio.linear_rip))
		return 1;
	return kvm_skip_emulated_instruction(vcpu);
}

int complete_fast_pio_out_port_0x7e(struct kvm_vcpu *vcpu)
{
	to_ext(vcpu)->pio.count = 0;
	return 1;
}

/* The emulator's newer copy of some GPRs goes back through the cache. */
void emulator_writeback_register_cache(struct kvm_vcpu *vcpu)
{
	struct sim_vcpu *sv = to_sim(vcpu);
	unsigned int reg;

	for (reg = 0; reg < NR_VCPU_REGS; reg++)
		if (sv->emu_dirty & (1ULL << reg))
			sim_register_write(vcpu, (enum kvm_reg)reg,
					   sv->emu_regs[reg]);
}

bool kvm_hv_hypercall_enabled(struct kvm_vcpu *vcpu)
{
	return env_of(vcpu)->hv_enabled;
}

void kvm_pv_kick_cpu_op(struct kvm_vcpu *vcpu, unsigned long flags,
			int apicid)
{
	u64 args[2] = { flags, (u64)(s64)apicid };

	env_of(vcpu)->kicks++;
	sim_trace(vcpu, 2, 2, args);
}

int kvm_pv_clock_pairing(struct kvm_vcpu *vcpu, unsigned long paddr,
			 unsigned long clock_type)
{
	u64 args[2] = { paddr, clock_type };

	sim_trace(vcpu, 3, 2, args);
	if (clock_type != 0)
		return -95;	/* -EOPNOTSUPP */
	return (paddr & 7) ? -14 /* -EFAULT */ : 0;
}

/* Delivers to every set bit; the count is the hypercall's result. */
int kvm_pv_send_ipi(struct kvm_vcpu *vcpu, unsigned long ipi_bitmap_low,
		    unsigned long ipi_bitmap_high, u32 min,
		    unsigned long icr, int op_64_bit)
{
	u64 args[5] = { ipi_bitmap_low, ipi_bitmap_high, min, icr,
			(u64)op_64_bit };

	sim_trace(vcpu, 4, 5, args);
	if (icr & (1UL << 15))
		return -22;	/* -EINVAL: level-triggered */
	return __builtin_popcountl(ipi_bitmap_low) +
	       __builtin_popcountl(ipi_bitmap_high);
}

void kvm_vcpu_on_spin(struct kvm_vcpu *vcpu, bool yield_to_kernel_mode)
{
	(void)yield_to_kernel_mode;
	env_of(vcpu)->spins++;
}

/* Connection ids below 4 are KVM's own eventfds; others may be userspace's. */
u16 kvm_hvcall_signal_event(struct kvm_vcpu *vcpu, bool fast, u64 param)
{
	u64 args[2] = { fast, param };

	sim_trace(vcpu, 5, 2, args);
	if (!fast)
		param = mix64(param);	/* "read from guest memory" */
	if (param & 0xff000000ULL)
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	return (param & 0xffffff) < 4 ? HV_STATUS_SUCCESS
				      : HV_STATUS_INVALID_PORT_ID;
}

u16 kvm_hv_flush_tlb(struct kvm_vcpu *vcpu, u64 ingpa, u16 rep_cnt)
{
	u64 args[2] = { ingpa, rep_cnt };

	sim_trace(vcpu, 6, 2, args);
	env_of(vcpu)->flushes++;
	return (ingpa & 7) ? HV_STATUS_INVALID_HYPERCALL_INPUT
			   : HV_STATUS_SUCCESS;
}

bool kvm_hv_synic_active(struct kvm_vcpu *vcpu)
{
	return env_of(vcpu)->synic_active;
}

void kvm_hv_exit_to_userspace(struct kvm_vcpu *vcpu, u64 param, u64 ingpa,
			      u64 outgpa)
{
	struct sim_env *env = env_of(vcpu);

	env->hv_exit_param = param;
	env->hv_exit_ingpa = ingpa;
	env->hv_exit_outgpa = outgpa;
}

struct vmcb *nested_svm_map_vmcb(struct kvm_vcpu *vcpu, u64 gpa)
{
	if (gpa == 0 || (gpa & 0xfff)) {
		kvm_inject_gp(vcpu, 0);
		return NULL;
	}
	return &to_sim(vcpu)->nested;
}

void init_vmcb(struct kvm_vcpu *vcpu)
{
	env_of(vcpu)->init_vmcbs++;
	to_ext(vcpu)->vmcb->save.dr7 = 0x400;
}

bool kvm_vcpu_is_reset_bsp(struct kvm_vcpu *vcpu)
{
	return env_of(vcpu)->reset_bsp;
}

bool kvm_vcpu_apicv_active(struct kvm_vcpu *vcpu)
{
	return env_of(vcpu)->apicv;
}

void avic_update_vapic_bar(struct kvm_vcpu *vcpu, u64 data)
{
	env_of(vcpu)->vapic_bar = data;
}

/* One global switch in KVM; per case here, through the running vCPU. */
static struct kvm_vcpu *sim_running_vcpu;

void sim_set_running(struct kvm_vcpu *vcpu)
{
	sim_running_vcpu = vcpu;
}

bool npt_enabled(void)
{
	return sim_running_vcpu && env_of(sim_running_vcpu)->npt;
}

void trace_kvm_hypercall(unsigned long nr, unsigned long a0, unsigned long a1,
			 unsigned long a2, unsigned long a3)
{
	u64 args[5] = { nr, a0, a1, a2, a3 };

	sim_trace(sim_running_vcpu, 7, 5, args);
}

void trace_kvm_hv_hypercall(u16 code, bool fast, u16 rep_cnt, u16 rep_idx,
			    u64 ingpa, u64 outgpa)
{
	u64 args[6] = { code, fast, rep_cnt, rep_idx, ingpa, outgpa };

	sim_trace(sim_running_vcpu, 8, 6, args);
}

void trace_kvm_msr(int write, u32 ecx, u64 data, bool exception)
{
	u64 args[4] = { (u64)write, ecx, data, exception };

	sim_trace(sim_running_vcpu, 9, 4, args);
}

void trace_kvm_invlpga(u64 rip, unsigned long asid, u64 address)
{
	u64 args[3] = { rip, asid, address };

	sim_trace(sim_running_vcpu, 10, 3, args);
}

void trace_kvm_skinit(u64 rip, unsigned long slb)
{
	u64 args[2] = { rip, slb };

	sim_trace(sim_running_vcpu, 11, 2, args);
}
