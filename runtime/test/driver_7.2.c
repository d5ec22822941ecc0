/* SPDX-License-Identifier: MIT */
/*
 * The behaviour test of the Linux 7.2 handler suite (runtime/handlers/7.2/)
 * on the 7.2 simulator (runtime/sim/7.2/): every function of the suite's
 * handlers.json, on every backend a vCPU of that kind reaches it from, on
 * seeded random cases.  A case is the hardware state at VM-exit, the
 * guest's mode (EFER.LMA, CS.L, protected state), the stand-ins' state and
 * the function's arguments; running it is vm_exit -> function -> vm_enter.
 *
 * Checked per case (a failure kind each):
 *   poison           a stale (poisoned) value reached a stand-in or the result
 *   lost-write       a lazily loaded register was written behind the dirty mask
 *   cache_reg-twice  cache_reg ran twice for one register
 *   cache_reg-available  cache_reg ran for a register the hardware saved
 *   tdx-fill         cache_reg ran on TDX (a TD's registers outside
 *                    TDX_REGS_AVAIL_SET can never be fetched; never a fill)
 *   value            a value a stand-in received, or a register after
 *                    vm_enter, differs from what the simulator computes from
 *                    the case's hardware and mode: masked reads to the mode's
 *                    width, the raw pair and RSP at 64 bits, the 32-bit pair
 *                    at 32 bits with its write clearing the high half, RIP
 *                    from its own field
 *   assert           the assertion hook counted a use of the cache (every
 *                    case runs in the vCPU's task)
 *   warning          a WARN_ON_ONCE fired in a case of a guest without
 *                    protected state where the function has no warning of
 *                    its own to give; or a function that always makes a
 *                    masked read ran on a protected guest and no warning
 *                    had fired by the end of the case (with CONFIG_X86_64:
 *                    7.2's is_64_bit_mode warns on protected state; WARN_ON_ONCE
 *                    reports once per call site, so only "at least one by
 *                    then" can be required)
 * Checked by the caller: the results and cache_reg digests are identical
 * between a build of the functions against the spec's headers and one
 * against --all-cached headers.
 *
 *   driver_7.2 [--seed N] [--cases N] [--backend NAME] [--function NAME]
 *              [--json-summary] [--json] [--list]
 *
 * Output: a text summary, or JSON lines (--json-summary): a "run" header
 * and one "backend" line each (cases, digests, failures by kind).  --json
 * prints the same lines with one "case" line per case between them: the
 * case's input (after fill_case, before vm_exit) and its result (after
 * vm_enter and the checks) as named arrays of u64s, its cache_reg counts
 * and its faults by kind, for the TypeScript twin (runtime/ts/7.2/) to
 * replay and compare field by field.  Exit 0 when every check passed, 1
 * when one failed, 2 on a usage error.
 */
#include <stdio.h>
#include <stdlib.h>

#include "sim.h"

#define DEFAULT_SEED 0x5eed2019c0ffee01ULL
#define DEFAULT_CASES 1000
#define MAX_FAILURE_LINES 4

/* ---- seeded randomness: splitmix64 ---- */

static u64 rng_state;

static u64 mix64(u64 x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static u64 rnd(void)
{
	rng_state += 0x9e3779b97f4a7c15ULL;
	return mix64(rng_state);
}

/* One chance in n. */
static bool one_in(u64 n)
{
	return rnd() % n == 0;
}

static u64 pick(const u64 *values, unsigned int n)
{
	return values[rnd() % n];
}

/* ---- the case's arguments and outputs ---- */

static struct {
	int size;
	unsigned short port;
	int in;
	u32 msr;
	int reg;
	bool init_event;
	u64 result;
	u64 gpa;
	bool from_vmrun;
	struct kvm_regs regs_in;
	struct kvm_regs regs_out;
	long long ret;
} arg;

#define HW0(reg) sim72_hw0(reg)
#define HW(reg) (*sim72_slot(&sim72.hw, sim72.backend->id, (reg)))
/* A check after vm_enter; one tag for all (__LINE__ differs between compilers). */
#define EXPECT(got, want) sim72_expect(0x100, (got), (want))

static u64 lo32(unsigned int reg)
{
	return (u32)HW0(reg);
}

/* ---- shaping: bias random registers to the functions' paths ---- */

static void set_hw(unsigned int reg, u64 v)
{
	*sim72_slot(&sim72.hw, sim72.backend->id, reg) = v;
}

/* Keep the high half random or zero, the low half given. */
static void set_lo(unsigned int reg, u64 lo)
{
	u64 hi = one_in(2) ? 0 : rnd() & ~0xffffffffULL;

	set_hw(reg, hi | (u32)lo);
}

static void shape_hypercall(void)
{
	static const u64 nrs[] = { 1, 5, 9, 10, 11, 12, 77 };

	set_lo(VCPU_REGS_RAX, pick(nrs, 7));
}

static void shape_hv(void)
{
	static const u64 codes[] = { 0x2, 0x8, 0x5c, 0x5d, 0x99 };
	u64 param = pick(codes, 5) | (one_in(2) ? HV_HYPERCALL_FAST_BIT : 0) |
		    (one_in(4) ? rnd() & (HV_HYPERCALL_VARHEAD_MASK | 0xfff00000000ULL) : 0);

	set_hw(VCPU_REGS_RCX, one_in(2) ? param : rnd());
	set_lo(VCPU_REGS_RAX, param);
	set_lo(VCPU_REGS_RDX, param >> 32);
	sim72.env.hv_enabled = 1;
}

static void shape_msr(void)
{
	if (!one_in(4))
		sim72.env.msr_known = (u32)HW(VCPU_REGS_RCX);
	arg.msr = one_in(4) ? (u32)rnd() : (u32)sim72.env.msr_known;
	arg.reg = (int)(rnd() % NR_VCPU_REGS);
}

static void shape_rdpmc(void)
{
	set_lo(VCPU_REGS_RCX, one_in(4) ? rnd() : rnd() % 4);
}

static void shape_pio(void)
{
	static const u64 ports[] = { 0x60, 0x64, 0x6f, 0x7e, 0x80, 0x3f8 };
	static const u64 sizes[] = { 1, 2, 4 };

	arg.size = (int)pick(sizes, 3);
	arg.port = (unsigned short)pick(ports, 6);
	arg.in = one_in(2);
}

static void shape_pio_complete(void)
{
	struct kvm_vcpu_ext72 *ext = &sim72.ext;

	ext->pio_count = one_in(8) ? 0 : 1;
	ext->pio_size = (int)(1 + rnd() % 4);
	ext->cui_linear_rip = one_in(4) ? rnd() : HW(VCPU_REG_RIP);
}

static void shape_xsetbv(void)
{
	set_lo(VCPU_REGS_RCX, one_in(4) ? 1 : 0);
	set_lo(VCPU_REGS_RAX, one_in(4) ? rnd() : 1 | (rnd() & 0x2e6));
	set_lo(VCPU_REGS_RDX, one_in(4) ? rnd() : 0);
}

static void shape_reset(void)
{
	arg.init_event = one_in(2);
	if (!arg.init_event && !one_in(4)) {
		set_hw(VCPU_REG_CR0, 0);
		set_hw(VCPU_REG_CR3, 0);
		set_hw(VCPU_REG_CR4, 0);
	}
}

/* ---- the functions, their arguments and their checks after vm_enter ---- */

static long long run_cpuid(struct kvm_vcpu *v) { return kvm_emulate_cpuid(v); }
static void check_cpuid(void)
{
	if (sim72.env.cpuid_fault)
		return;
	EXPECT(HW(VCPU_REGS_RAX), sim72_cpuid_out[0]);
	EXPECT(HW(VCPU_REGS_RBX), sim72_cpuid_out[1]);
	EXPECT(HW(VCPU_REGS_RCX), sim72_cpuid_out[2]);
	EXPECT(HW(VCPU_REGS_RDX), sim72_cpuid_out[3]);
}

static long long run_hypercall_raw(struct kvm_vcpu *v)
{
	return ____kvm_emulate_hypercall(v, (int)sim72.env.cpl, complete_hypercall_exit);
}
static long long run_hypercall(struct kvm_vcpu *v) { return kvm_emulate_hypercall(v); }

static long long run_hypercall_exit(struct kvm_vcpu *v) { return complete_hypercall_exit(v); }
static void check_hypercall_exit(void)
{
	u64 ret = sim72.ext.run_hypercall_ret;

	EXPECT(HW(VCPU_REGS_RAX), sim72_hypercall_64() ? ret : (u32)ret);
}

static long long run_hv(struct kvm_vcpu *v) { return kvm_hv_hypercall(v); }

static long long run_hv_result(struct kvm_vcpu *v)
{
	kvm_hv_hypercall_set_result(v, arg.result);
	return 0;
}
static void check_hv_result(void)
{
	if (sim72_hypercall_64()) {
		EXPECT(HW(VCPU_REGS_RAX), arg.result);
		EXPECT(HW(VCPU_REGS_RDX), HW0(VCPU_REGS_RDX));
	} else {
		EXPECT(HW(VCPU_REGS_RAX), (u32)arg.result);
		EXPECT(HW(VCPU_REGS_RDX), arg.result >> 32);
	}
}

static long long run_rdmsr(struct kvm_vcpu *v) { return kvm_emulate_rdmsr(v); }
static void check_rdmsr(void)
{
	if ((u32)HW0(VCPU_REGS_RCX) != (u32)sim72.env.msr_known)
		return;
	EXPECT(HW(VCPU_REGS_RAX), (u32)sim72_msr_read_value);
	EXPECT(HW(VCPU_REGS_RDX), sim72_msr_read_value >> 32);
}

static long long run_rdmsr_imm(struct kvm_vcpu *v) { return kvm_emulate_rdmsr_imm(v, arg.msr, arg.reg); }
static void check_rdmsr_imm(void)
{
	if (arg.msr != (u32)sim72.env.msr_known)
		return;
	EXPECT(HW((unsigned int)arg.reg), sim72_msr_read_value & sim72_mask_of_mode());
}

static long long run_rdmsr_imm_done(struct kvm_vcpu *v) { return complete_fast_rdmsr_imm(v); }
static void shape_rdmsr_imm_done(void)
{
	sim72.ext.cui_rdmsr_imm_reg = (int)(rnd() % NR_VCPU_REGS);
	sim72.ext.run_msr_error = one_in(4);
}
static void check_rdmsr_imm_done(void)
{
	if (sim72.ext.run_msr_error)
		return;
	EXPECT(HW((unsigned int)sim72.ext.cui_rdmsr_imm_reg),
	       sim72.ext.run_msr_data & sim72_mask_of_mode());
}

static long long run_wrmsr(struct kvm_vcpu *v)
{
	sim72_wrmsr_want = lo32(VCPU_REGS_RAX) | lo32(VCPU_REGS_RDX) << 32;
	return kvm_emulate_wrmsr(v);
}

static long long run_wrmsr_imm(struct kvm_vcpu *v)
{
	sim72_wrmsr_want = HW0((unsigned int)arg.reg) & sim72_mask_of_mode();
	return kvm_emulate_wrmsr_imm(v, arg.msr, arg.reg);
}

static long long run_rdpmc(struct kvm_vcpu *v) { return kvm_emulate_rdpmc(v); }
static void check_rdpmc(void)
{
	u32 idx = (u32)HW0(VCPU_REGS_RCX);
	u64 data = sim72.env.pmc ^ idx;

	if ((idx & 0xff) >= 4)
		return;
	EXPECT(HW(VCPU_REGS_RAX), (u32)data);
	EXPECT(HW(VCPU_REGS_RDX), data >> 32);
}

static long long run_pio(struct kvm_vcpu *v) { return kvm_fast_pio(v, arg.size, arg.port, arg.in); }
static long long run_pio_out(struct kvm_vcpu *v) { return kvm_fast_pio_out(v, arg.size, arg.port); }
static long long run_pio_in(struct kvm_vcpu *v) { return kvm_fast_pio_in(v, arg.size, arg.port); }
static void check_pio_in(void)
{
	u64 v = arg.size < 4 ? HW0(VCPU_REGS_RAX) : 0;

	if (arg.port < 0x60 || arg.port >= 0x70)
		return;
	memcpy(&v, &sim72.env.pio_in_data, (size_t)arg.size);
	EXPECT(HW(VCPU_REGS_RAX), v);
}
static long long run_pio_in_done(struct kvm_vcpu *v) { return complete_fast_pio_in(v); }

static long long run_xsetbv(struct kvm_vcpu *v) { return kvm_emulate_xsetbv(v); }

static long long run_get_regs(struct kvm_vcpu *v)
{
	__get_regs(v, &arg.regs_out);
	return 0;
}
static void check_get_regs(void)
{
	const struct kvm_regs *r = &arg.regs_out;

	EXPECT(r->rax, HW0(VCPU_REGS_RAX));
	EXPECT(r->rbx, HW0(VCPU_REGS_RBX));
	EXPECT(r->rcx, HW0(VCPU_REGS_RCX));
	EXPECT(r->rdx, HW0(VCPU_REGS_RDX));
	EXPECT(r->rsi, HW0(VCPU_REGS_RSI));
	EXPECT(r->rdi, HW0(VCPU_REGS_RDI));
	EXPECT(r->rsp, HW0(VCPU_REGS_RSP));
	EXPECT(r->rbp, HW0(VCPU_REGS_RBP));
#ifdef CONFIG_X86_64
	EXPECT(r->r8, HW0(VCPU_REGS_R8));
	EXPECT(r->r15, HW0(VCPU_REGS_R15));
#endif
	EXPECT(r->rip, HW0(VCPU_REG_RIP));
	EXPECT(r->rflags, HW0(VCPU_REG_RFLAGS));
}

static long long run_set_regs(struct kvm_vcpu *v)
{
	__set_regs(v, &arg.regs_in);
	return 0;
}
static void check_set_regs(void)
{
	const struct kvm_regs *r = &arg.regs_in;

	EXPECT(HW(VCPU_REGS_RAX), r->rax);
	EXPECT(HW(VCPU_REGS_RBX), r->rbx);
	EXPECT(HW(VCPU_REGS_RCX), r->rcx);
	EXPECT(HW(VCPU_REGS_RDX), r->rdx);
	EXPECT(HW(VCPU_REGS_RSI), r->rsi);
	EXPECT(HW(VCPU_REGS_RDI), r->rdi);
	EXPECT(HW(VCPU_REGS_RSP), r->rsp);
	EXPECT(HW(VCPU_REGS_RBP), r->rbp);
#ifdef CONFIG_X86_64
	EXPECT(HW(VCPU_REGS_R8), r->r8);
	EXPECT(HW(VCPU_REGS_R15), r->r15);
#endif
	EXPECT(HW(VCPU_REG_RIP), r->rip);
}

static long long run_vmrun(struct kvm_vcpu *v) { return nested_svm_vmrun(v); }
static long long run_enter_guest(struct kvm_vcpu *v) { return enter_svm_guest_mode(v, arg.gpa, arg.from_vmrun); }
static long long run_vmexit(struct kvm_vcpu *v)
{
	nested_svm_vmexit(v);
	return 0;
}
static void check_vmexit(void)
{
	if (sim72.env.map_vmcb12)
		return;
	EXPECT(sim72.vmcb12.save.rip, HW0(VCPU_REG_RIP));
	EXPECT(sim72.vmcb12.save.rsp, HW0(VCPU_REGS_RSP));
	EXPECT(sim72.vmcb12.save.rax, HW0(VCPU_REGS_RAX));
	EXPECT(HW(VCPU_REG_RIP), sim72.vmcb01.save.rip);
	EXPECT(HW(VCPU_REGS_RAX), sim72.vmcb01.save.rax);
}

static long long run_invlpga(struct kvm_vcpu *v) { return invlpga_interception(v); }
static long long run_skinit(struct kvm_vcpu *v) { return skinit_interception(v); }

static long long run_reset(struct kvm_vcpu *v)
{
	kvm_vcpu_reset(v, arg.init_event);
	return 0;
}
static void check_reset(void)
{
	EXPECT(HW(VCPU_REG_RIP), 0xfff0);
	EXPECT(HW(VCPU_REGS_RDX), (u32)sim72.env.signature);
	EXPECT(HW(VCPU_REGS_RAX), 0);
	EXPECT(HW(VCPU_REGS_RSP), 0);
}

struct function {
	const char *name;
	long long (*run)(struct kvm_vcpu *vcpu);
	void (*shape)(void);
	void (*check)(void);
	/* A TD vCPU reaches it (its traffic stays in TDX_REGS_AVAIL_SET). */
	bool tdx;
	/* It makes a masked read (kvm_rax_read, kvm_register_read) every time. */
	bool masked_read;
	/* It has a WARN_ON_ONCE of its own (a state it refuses). */
	bool may_warn;
};

static const struct function functions[] = {
	{ "kvm_emulate_cpuid", run_cpuid, NULL, check_cpuid, true, false, false },
	{ "____kvm_emulate_hypercall", run_hypercall_raw, shape_hypercall, NULL, true, false, false },
	{ "complete_hypercall_exit", run_hypercall_exit, NULL, check_hypercall_exit, true, false, false },
	{ "kvm_emulate_hypercall", run_hypercall, shape_hypercall, NULL, true, false, false },
	{ "kvm_hv_hypercall", run_hv, shape_hv, NULL, true, false, false },
	{ "kvm_hv_hypercall_set_result", run_hv_result, NULL, check_hv_result, true, false, false },
	{ "kvm_emulate_rdmsr", run_rdmsr, shape_msr, check_rdmsr, true, false, false },
	{ "kvm_emulate_rdmsr_imm", run_rdmsr_imm, shape_msr, check_rdmsr_imm, false, false, false },
	{ "complete_fast_rdmsr_imm", run_rdmsr_imm_done, shape_rdmsr_imm_done, check_rdmsr_imm_done, false, false, false },
	{ "kvm_emulate_wrmsr", run_wrmsr, shape_msr, NULL, true, false, false },
	{ "kvm_emulate_wrmsr_imm", run_wrmsr_imm, shape_msr, NULL, false, true, false },
	{ "kvm_emulate_rdpmc", run_rdpmc, shape_rdpmc, check_rdpmc, true, false, false },
	{ "kvm_fast_pio", run_pio, shape_pio, NULL, true, false, false },
	{ "kvm_fast_pio_out", run_pio_out, shape_pio, NULL, true, false, false },
	{ "kvm_fast_pio_in", run_pio_in, shape_pio, check_pio_in, true, false, false },
	{ "complete_fast_pio_in", run_pio_in_done, shape_pio_complete, NULL, true, false, true },
	{ "kvm_emulate_xsetbv", run_xsetbv, shape_xsetbv, NULL, true, false, false },
	{ "__get_regs", run_get_regs, NULL, check_get_regs, false, false, false },
	{ "__set_regs", run_set_regs, NULL, check_set_regs, false, false, false },
	{ "nested_svm_vmrun", run_vmrun, NULL, NULL, false, false, false },
	{ "enter_svm_guest_mode", run_enter_guest, NULL, NULL, false, false, false },
	{ "nested_svm_vmexit", run_vmexit, NULL, check_vmexit, false, false, false },
	{ "invlpga_interception", run_invlpga, NULL, NULL, false, true, false },
	{ "skinit_interception", run_skinit, NULL, NULL, false, true, false },
	{ "kvm_vcpu_reset", run_reset, shape_reset, check_reset, false, false, true },
};
#define NR_FUNCTIONS (sizeof(functions) / sizeof(functions[0]))

/* ---- one case ---- */

/* FNV-1a: the digests, and the function's part of a case's seed. */
static u64 fnv(u64 h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ULL;
	return h;
}

static void random_save(struct vmcb_save_area *s)
{
	s->cr0 = rnd(); s->cr2 = rnd(); s->cr3 = rnd(); s->cr4 = rnd();
	s->dr7 = rnd(); s->rflags = rnd(); s->rip = rnd(); s->rsp = rnd();
	s->rax = rnd();
}

static void fill_case(const struct sim72_backend *b, const struct function *f,
		      u64 seed, u64 n)
{
	struct kvm_vcpu_arch *arch;
	unsigned int i;
	u64 *words = (u64 *)&sim72.hw;

	memset(&sim72, 0, sizeof(sim72));
	memset(&arg, 0, sizeof(arg));
	/* From seed, backend, function and case number: filtering keeps a case. */
	rng_state = seed ^ mix64((u64)b->id + 1) ^ mix64(n * 0x10001ULL + 7) ^
		    fnv(0xcbf29ce484222325ULL, f->name, strlen(f->name));
	sim72_install_backend(b);
	arch = &sim72.ext.vcpu.arch;

	for (i = 0; i < sizeof(sim72.hw) / sizeof(u64); i++)
		words[i] = rnd();
	arch->efer = one_in(2) ? EFER_LMA : 0;
	arch->cs_l = one_in(2);
	if (one_in(2)) {	/* 64-bit mode half the time */
		arch->efer = EFER_LMA;
		arch->cs_l = true;
	}
	arch->guest_state_protected = b->id == SIM72_TDX || one_in(8);
	arch->cr0_guest_owned_bits = rnd() & KVM_POSSIBLE_CR0_GUEST_BITS;
	arch->cr4_guest_owned_bits = rnd() & KVM_POSSIBLE_CR4_GUEST_BITS;

	sim72.env.cpl = one_in(4) ? 3 : 0;
	sim72.env.protmode = !one_in(8);
	sim72.env.cpuid_fault = one_in(16);
	sim72.env.xen = one_in(16);
	sim72.env.pv_features = rnd();
	sim72.env.synic_active = one_in(2);
	sim72.env.npt = one_in(2);
	sim72.env.insn_len = 1 + rnd() % 15;
	sim72.env.msr_known = (u32)rnd();
	sim72.env.msr_data = rnd();
	sim72.env.msr_user = one_in(4);
	sim72.env.pio_in_data = rnd();
	sim72.env.quirk_7e = one_in(2);
	sim72.env.pmc = rnd();
	sim72.env.signature = rnd();
	sim72.env.vmrun_ok = !one_in(8);
	sim72.env.map_vmcb12 = one_in(8);
	sim72.env.load_cr3_fail = one_in(8);
	sim72.env.pae = one_in(2);

	sim72.ext.run_hypercall_ret = rnd();
	sim72.ext.run_msr_data = rnd();
	sim72.ext.vmcb01 = &sim72.vmcb01;
	sim72.ext.vmcb02 = &sim72.vmcb02;
	random_save(&sim72.vmcb01.save);
	random_save(&sim72.vmcb02.save);
	random_save(&sim72.ext.nested_save);
	arg.result = rnd();
	arg.gpa = rnd();
	arg.from_vmrun = one_in(2);
	arg.size = 4;
	{
		u64 *r = (u64 *)&arg.regs_in;

		for (i = 0; i < sizeof(arg.regs_in) / sizeof(u64); i++)
			r[i] = rnd();
	}
	if (f->shape)
		f->shape();
}

/* ---- digests ---- */

static u64 result_digest(void)
{
	u64 h = 0xcbf29ce484222325ULL;
	const struct kvm_vcpu_ext72 *e = &sim72.ext;
	int cui = e->complete_userspace_io == NULL ? 0 :
		  e->complete_userspace_io == complete_hypercall_exit ? 1 :
		  e->complete_userspace_io == complete_fast_pio_in ? 2 : 3;

	h = fnv(h, &sim72.hw, sizeof(sim72.hw));
	h = fnv(h, &sim72.env, sizeof(sim72.env));
	h = fnv(h, &arg.ret, sizeof(arg.ret));
	h = fnv(h, &arg.regs_out, sizeof(arg.regs_out));
	h = fnv(h, &sim72.vmcb01, sizeof(sim72.vmcb01));
	h = fnv(h, &sim72.vmcb02, sizeof(sim72.vmcb02));
	h = fnv(h, &sim72.vmcb12, sizeof(sim72.vmcb12));
	h = fnv(h, &cui, sizeof(cui));
	h = fnv(h, &e->cui_linear_rip, sizeof(e->cui_linear_rip));
	h = fnv(h, &e->stat_hypercalls, sizeof(e->stat_hypercalls));
	h = fnv(h, &e->run_hypercall_ret, sizeof(e->run_hypercall_ret));
	h = fnv(h, &e->pio_count, sizeof(e->pio_count));
	return h;
}

/* A poison value left in the hardware or the output is a fault too. */
static void check_result_poison(void)
{
	const u64 *w = (const u64 *)&sim72.hw;
	const u64 *r = (const u64 *)&arg.regs_out;
	unsigned int i;

	for (i = 0; i < sizeof(sim72.hw) / sizeof(u64); i++)
		if (SIM72_IS_POISON(w[i]))
			sim72.faults.poison++;
	for (i = 0; i < sizeof(arg.regs_out) / sizeof(u64); i++)
		if (SIM72_IS_POISON(r[i]))
			sim72.faults.poison++;
}

#define FAULT_KINDS(X)							\
	X(poison, "poison") X(lost_write, "lost-write")			\
	X(cache_twice, "cache_reg-twice")				\
	X(cache_available, "cache_reg-available")			\
	X(tdx_fill, "tdx-fill") X(value, "value")			\
	X(assert_hook, "assert") X(warning, "warning")

enum {
#define FAULT_ENUM(field, text) K_##field,
	FAULT_KINDS(FAULT_ENUM)
#undef FAULT_ENUM
	NR_KINDS
};

static const char *const kind_names[] = {
#define FAULT_NAME(field, text) text,
	FAULT_KINDS(FAULT_NAME)
#undef FAULT_NAME
};

static void usage(void)
{
	fprintf(stderr,
		"usage: driver_7.2 [--seed N] [--cases N] [--backend NAME]\n"
		"                  [--function NAME] [--json-summary] [--json] [--list]\n");
	exit(2);
}

/* ---- --json: every case, field by field ---- */

static void json_u64s(const char *name, const u64 *v, size_t n, bool first)
{
	size_t i;

	printf("%s\"%s\":[", first ? "" : ",", name);
	for (i = 0; i < n; i++)
		printf("%s\"0x%llx\"", i ? "," : "", (unsigned long long)v[i]);
	printf("]");
}

#define JSON_WORDS(name, obj, first) \
	json_u64s((name), (const u64 *)&(obj), sizeof(obj) / sizeof(u64), (first))

static int cui_id(void)
{
	int (*cui)(struct kvm_vcpu *) = sim72.ext.complete_userspace_io;

	return cui == NULL ? 0 : cui == complete_hypercall_exit ? 1 :
	       cui == complete_fast_pio_in ? 2 : 3;
}

/* The machine's state: the hardware, the stand-ins, the vCPU's own fields. */
static void json_state(void)
{
	const struct kvm_vcpu_ext72 *e = &sim72.ext;
	const struct kvm_vcpu_arch *a = &e->vcpu.arch;
	u64 ext[] = {
		e->cui_linear_rip, (u64)(s64)e->cui_rdmsr_imm_reg,
		(u64)(s64)e->pio_count, (u64)(s64)e->pio_size,
		e->emulate_regs_need_sync_to_vcpu,
		e->emulate_regs_need_sync_from_vcpu, e->exception_pending,
		e->exception_vmexit_pending, e->stat_hypercalls,
		e->run_hypercall_ret, e->run_msr_data, e->run_msr_error,
		e->nested_vmcb12_gpa, (u64)(s64)cui_id(),
	};
	u64 mode[] = {
		a->efer, a->cs_l, a->guest_state_protected,
		a->cr0_guest_owned_bits, a->cr4_guest_owned_bits,
	};

	JSON_WORDS("hw", sim72.hw, true);
	json_u64s("mode", mode, sizeof(mode) / sizeof(u64), false);
#define JSON_ENV(field) json_u64s(#field, &sim72.env.field, 1, false);
	SIM72_ENV_FIELDS(JSON_ENV)
#undef JSON_ENV
	json_u64s("ext", ext, sizeof(ext) / sizeof(u64), false);
	JSON_WORDS("vmcb01", sim72.vmcb01.save, false);
	JSON_WORDS("vmcb02", sim72.vmcb02.save, false);
}

static void json_case_input(const char *backend, const char *function, u64 n)
{
	u64 args[] = {
		(u64)(s64)arg.size, arg.port, (u64)(s64)arg.in, arg.msr,
		(u64)(s64)arg.reg, arg.init_event, arg.result, arg.gpa,
		arg.from_vmrun,
	};

	printf("{\"type\":\"case\",\"backend\":\"%s\",\"handler\":\"%s\",\"case\":%llu,"
	       "\"input\":{", backend, function, (unsigned long long)n);
	json_state();
	JSON_WORDS("nested_save", sim72.ext.nested_save, false);
	json_u64s("args", args, sizeof(args) / sizeof(u64), false);
	JSON_WORDS("regs_in", arg.regs_in, false);
	printf("}");
}

static void json_case_result(const u64 *kinds, unsigned int nr_kinds)
{
	const struct kvm_vcpu_arch *a = &sim72.ext.vcpu.arch;
	u64 ret = (u64)arg.ret;
	u64 cache[] = {
		a->regs_avail[0], a->regs_dirty[0], a->rip, a->cr0, a->cr3,
		a->cr4, a->pdptrs[0], a->pdptrs[1], a->pdptrs[2], a->pdptrs[3],
	};
	unsigned int i;

	printf(",\"result\":{");
	json_u64s("ret", &ret, 1, true);
	json_state();
	JSON_WORDS("vmcb12", sim72.vmcb12.save, false);
	JSON_WORDS("regs_out", arg.regs_out, false);
	JSON_WORDS("regs", a->regs, false);
	json_u64s("cache", cache, sizeof(cache) / sizeof(u64), false);
	printf("},\"cache_reg\":[");
	for (i = 0; i < NR_KVM_REG_BITS; i++)
		printf("%s%u", i ? "," : "", sim72.cache_calls[i]);
	printf("],\"faults\":[");
	for (i = 0; i < nr_kinds; i++)
		printf("%s%llu", i ? "," : "", (unsigned long long)kinds[i]);
	printf("]}\n");
}

int main(int argc, char **argv)
{
	u64 seed = DEFAULT_SEED, cases = DEFAULT_CASES;
	const char *only_backend = NULL, *only_function = NULL;
	bool json = false, json_cases = false, failed = false;
	unsigned int b, f, k;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		char *end;

		if (!strcmp(a, "--json-summary")) {
			json = true;
		} else if (!strcmp(a, "--json")) {
			json = json_cases = true;
		} else if (!strcmp(a, "--list")) {
			for (f = 0; f < NR_FUNCTIONS; f++)
				printf("%s%s\n", functions[f].name,
				       functions[f].tdx ? "" : " (not on tdx)");
			return 0;
		} else if (i + 1 < argc && (!strcmp(a, "--seed") || !strcmp(a, "--cases"))) {
			u64 v = strtoull(argv[++i], &end, 0);

			if (*end || !*argv[i])
				usage();
			if (!strcmp(a, "--seed"))
				seed = v;
			else
				cases = v;
		} else if (i + 1 < argc && !strcmp(a, "--backend")) {
			only_backend = argv[++i];
		} else if (i + 1 < argc && !strcmp(a, "--function")) {
			only_function = argv[++i];
		} else {
			usage();
		}
	}

	if (json) {
		printf("{\"type\":\"run\",\"seed\":\"0x%llx\",\"cases\":%llu,"
		       "\"x86_64\":%s,\"nr_regs\":%u,\"backends\":[",
		       (unsigned long long)seed, (unsigned long long)cases,
#ifdef CONFIG_X86_64
		       "true",
#else
		       "false",
#endif
		       (unsigned int)NR_KVM_REG_BITS);
		for (b = 0; b < sim72_nr_backends; b++)
			printf("%s{\"name\":\"%s\"}", b ? "," : "", sim72_backends[b].name);
		printf("],\"handlers\":[");
		for (f = 0; f < NR_FUNCTIONS; f++)
			printf("%s\"%s\"", f ? "," : "", functions[f].name);
		printf("]}\n");
	}

	for (b = 0; b < sim72_nr_backends; b++) {
		const struct sim72_backend *be = &sim72_backends[b];
		u64 results = 0xcbf29ce484222325ULL, calls = results;
		u64 by_kind[NR_KINDS] = { 0 }, total = 0, failures = 0;
		unsigned int nfuncs = 0;

		if (only_backend && strcmp(only_backend, be->name))
			continue;
		for (f = 0; f < NR_FUNCTIONS; f++) {
			const struct function *fn = &functions[f];
			u64 n;

			if (only_function && strcmp(only_function, fn->name))
				continue;
			if (be->id == SIM72_TDX && !fn->tdx)
				continue;
			nfuncs++;
			for (n = 0; n < cases; n++) {
				u64 kinds[NR_KINDS];
				u64 warnings_before = sim72_warnings;
				bool bad = false, protected_state;

				fill_case(be, fn, seed, n);
				if (json_cases)
					json_case_input(be->name, fn->name, n);
				protected_state = sim72.ext.vcpu.arch.guest_state_protected;
				sim72_vm_exit();
				arg.ret = fn->run(&sim72.ext.vcpu);
				sim72_vm_enter();
				if (fn->check)
					fn->check();
				check_result_poison();
				sim72.faults.assert_hook +=
					sim72.ext.vcpu.arch.caching_assert_reports;
				if (!protected_state && !fn->may_warn &&
				    sim72_warnings != warnings_before)
					sim72.faults.warning++;
#ifdef CONFIG_X86_64
				/* Without it the mode mask is 32 bits, no mode asked. */
				if (protected_state && fn->masked_read && !sim72_warnings)
					sim72.faults.warning++;
#endif
#define FAULT_COPY(field, text) kinds[K_##field] = sim72.faults.field;
				FAULT_KINDS(FAULT_COPY)
#undef FAULT_COPY
				for (k = 0; k < NR_KINDS; k++) {
					if (!kinds[k])
						continue;
					bad = true;
					if (by_kind[k]++ < MAX_FAILURE_LINES)
						fprintf(stderr, "%s %s case %llu: %s\n",
							be->name, fn->name,
							(unsigned long long)n,
							kind_names[k]);
				}
				if (json_cases)
					json_case_result(kinds, NR_KINDS);
				failures += bad;
				total++;
				results = fnv(results, &(u64){ result_digest() }, sizeof(u64));
				calls = fnv(calls, sim72.cache_calls, sizeof(sim72.cache_calls));
			}
		}
		failed |= failures != 0;
		if (json) {
			printf("{\"type\":\"backend\",\"backend\":\"%s\",\"handlers\":%u,"
			       "\"cases\":%llu,\"results\":\"%016llx\",\"cache_reg\":\"%016llx\","
			       "\"failures\":%llu,\"by_kind\":{",
			       be->name, nfuncs, (unsigned long long)total,
			       (unsigned long long)results, (unsigned long long)calls,
			       (unsigned long long)failures);
			for (k = 0; k < NR_KINDS; k++)
				printf("%s\"%s\":%llu", k ? "," : "", kind_names[k],
				       (unsigned long long)by_kind[k]);
			printf("}}\n");
		} else {
			printf("%s: %u functions, %llu cases, results %016llx, "
			       "cache_reg %016llx, %llu failed\n",
			       be->name, nfuncs, (unsigned long long)total,
			       (unsigned long long)results, (unsigned long long)calls,
			       (unsigned long long)failures);
		}
	}
	return failed ? 1 : 0;
}
