/* SPDX-License-Identifier: MIT */
/*
 * The behaviour test: every handler, on every backend, on seeded random
 * cases.  A case is the simulated hardware state at VM-exit plus the
 * handler's surroundings (struct sim_env) and arguments; running it is
 * vm_exit -> handler -> vm_enter, and its result is the state after
 * vm_enter, the handler's return value and its output.
 *
 * Checked here, per case:
 *   - no lazily loaded register was written behind the dirty mask's back
 *     (the write would never reach the hardware);
 *   - cache_reg ran at most once per register, never for an always-
 *     available one;
 *   - no poison value (a stale lazily loaded register) reached the result
 *     or a tracepoint;
 *   - with --trace-reads (meant for an --all-cached build): a first run in
 *     which every register is loaded lazily records exactly which registers
 *     the handler read before writing them; the real run must give the same
 *     result and call cache_reg for exactly those of them the backend loads
 *     lazily.
 * Checked by the caller: results and cache_reg digests are identical
 * between a build against the spec's headers and an --all-cached build.
 *
 * Output: a text summary (default), JSON lines of the summary
 * (--json-summary) or of every case too (--json), for other runtimes to
 * replay.  Exit 0 when every check passed, 1 when one failed, 2 on usage
 * or setup errors.
 */
#include <stdio.h>
#include <stdlib.h>

#include "sim.h"

#define DEFAULT_SEED 0x5eed2019c0ffee01ULL
#define DEFAULT_CASES 10000
/* Failures printed: the first few of each kind on each backend. */
#define MAX_FAILURE_LINES 4

extern const unsigned long regcache_handler_abi[4];

/* ---- seeded randomness: splitmix64 ---- */

struct rng {
	u64 state;
};

static u64 mix64(u64 x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static u64 rng_next(struct rng *r)
{
	r->state += 0x9e3779b97f4a7c15ULL;
	return mix64(r->state);
}

/* Random values never look like poison, so poison in a result is a bug. */
static u64 rng_u64(struct rng *r)
{
	u64 v;

	do
		v = rng_next(r);
	while (SIM_IS_POISON(v));
	return v;
}

static u64 rng_below(struct rng *r, u64 n)
{
	return rng_next(r) % n;
}

static bool rng_chance(struct rng *r, unsigned int num, unsigned int den)
{
	return rng_below(r, den) < num;
}

/* A 32-bit quantity in a 64-bit register: upper half clean or garbage. */
static u64 rng_low32(struct rng *r, u32 low)
{
	return (rng_chance(r, 1, 2) ? rng_u64(r) & ~0xffffffffULL : 0) | low;
}

static u64 fnv1a(const char *s)
{
	u64 h = 0xcbf29ce484222325ULL;

	while (*s)
		h = (h ^ (u8)*s++) * 0x100000001b3ULL;
	return h;
}

/* ---- cases and results ---- */

#define SIM_VCPU_FIELDS(X)						\
	X(pio_linear_rip) X(pio_count) X(pio_in) X(pio_port) X(pio_size)	\
	X(complete_userspace_io) X(emulate_regs_need_sync_to_vcpu)	\
	X(emulate_regs_need_sync_from_vcpu) X(exception_pending)	\
	X(apic_base) X(microcode_version) X(stat_hypercalls)		\
	X(nested_vmcb) X(next_rip) X(cr0_guest_owned_bits)		\
	X(cr4_guest_owned_bits)

struct sim_vcpu_fields {
#define SIM_VCPU_MEMBER(name) u64 name;
	SIM_VCPU_FIELDS(SIM_VCPU_MEMBER)
#undef SIM_VCPU_MEMBER
};

/* Everything a handler can observe or change, indexed by enum kvm_reg. */
struct sim_state {
	u64 hw[NR_KVM_REG_BITS];
	struct sim_env env;
	struct sim_vcpu_fields vcpu;
	struct vmcb vmcb, hsave, nested;
};

struct sim_case {
	struct sim_state state;
	u64 emu_dirty;
	u64 emu_regs[NR_VCPU_REGS];
	struct sim_args args;
};

struct sim_result {
	struct sim_state state;
	u64 ret;
	struct kvm_regs regs_out;
	u32 cache_calls[NR_KVM_REG_BITS];
	u64 lost_writes;
};

/* complete_userspace_io is a function pointer; cases name it by number. */
static int (*const cui_funcs[])(struct kvm_vcpu *) = {
	NULL, complete_fast_pio_in, complete_fast_pio_out,
	complete_fast_pio_out_port_0x7e,
};
#define NR_CUI (sizeof(cui_funcs) / sizeof(cui_funcs[0]))

static u64 cui_id(int (*fn)(struct kvm_vcpu *))
{
	u64 i;

	for (i = 0; i < NR_CUI; i++)
		if (cui_funcs[i] == fn)
			return i;
	return NR_CUI;
}

/* ---- the handlers, each with the inputs that reach its paths ---- */

struct sim_handler {
	const char *name;
	u64 (*run)(struct kvm_vcpu *vcpu, struct sim_args *a,
		   struct kvm_regs *out);
	void (*shape)(struct sim_case *c, struct rng *r);
};

#define RET(expr) ((u64)(s64)(expr))

static u64 run_cpuid(struct kvm_vcpu *v, struct sim_args *a,
		     struct kvm_regs *o)
{
	(void)a, (void)o;
	return RET(kvm_emulate_cpuid(v));
}

static u64 run_hypercall(struct kvm_vcpu *v, struct sim_args *a,
			 struct kvm_regs *o)
{
	(void)a, (void)o;
	return RET(kvm_emulate_hypercall(v));
}

static u64 run_hv_hypercall(struct kvm_vcpu *v, struct sim_args *a,
			    struct kvm_regs *o)
{
	(void)a, (void)o;
	return RET(kvm_hv_hypercall(v));
}

static u64 run_hv_set_result(struct kvm_vcpu *v, struct sim_args *a,
			     struct kvm_regs *o)
{
	(void)o;
	kvm_hv_hypercall_set_result(v, a->hv_result);
	return 0;
}

static u64 run_rdmsr(struct kvm_vcpu *v, struct sim_args *a,
		     struct kvm_regs *o)
{
	(void)a, (void)o;
	return RET(rdmsr_interception(v));
}

static u64 run_wrmsr(struct kvm_vcpu *v, struct sim_args *a,
		     struct kvm_regs *o)
{
	(void)a, (void)o;
	return RET(wrmsr_interception(v));
}

static u64 run_rdpmc(struct kvm_vcpu *v, struct sim_args *a,
		     struct kvm_regs *o)
{
	(void)a, (void)o;
	return RET(kvm_rdpmc(v));
}

static u64 run_pio_out(struct kvm_vcpu *v, struct sim_args *a,
		       struct kvm_regs *o)
{
	(void)o;
	return RET(kvm_fast_pio_out(v, (int)a->pio_size,
				    (unsigned short)a->pio_port));
}

static u64 run_pio_in(struct kvm_vcpu *v, struct sim_args *a,
		      struct kvm_regs *o)
{
	(void)o;
	return RET(kvm_fast_pio_in(v, (int)a->pio_size,
				   (unsigned short)a->pio_port));
}

static u64 run_complete_pio_in(struct kvm_vcpu *v, struct sim_args *a,
			       struct kvm_regs *o)
{
	(void)a, (void)o;
	return RET(complete_fast_pio_in(v));
}

static u64 run_xsetbv_svm(struct kvm_vcpu *v, struct sim_args *a,
			  struct kvm_regs *o)
{
	(void)a, (void)o;
	return RET(xsetbv_interception(v));
}

static u64 run_xsetbv_vmx(struct kvm_vcpu *v, struct sim_args *a,
			  struct kvm_regs *o)
{
	(void)a, (void)o;
	return RET(handle_xsetbv(v));
}

static u64 run_get_regs(struct kvm_vcpu *v, struct sim_args *a,
			struct kvm_regs *o)
{
	(void)a;
	__get_regs(v, o);
	return 0;
}

static u64 run_set_regs(struct kvm_vcpu *v, struct sim_args *a,
			struct kvm_regs *o)
{
	(void)o;
	__set_regs(v, &a->regs_in);
	return 0;
}

static u64 run_svm_reset(struct kvm_vcpu *v, struct sim_args *a,
			 struct kvm_regs *o)
{
	(void)o;
	svm_vcpu_reset(v, a->init_event);
	return 0;
}

static u64 run_nested_vmexit(struct kvm_vcpu *v, struct sim_args *a,
			     struct kvm_regs *o)
{
	(void)a, (void)o;
	return RET(nested_svm_vmexit(v));
}

static u64 run_enter_guest(struct kvm_vcpu *v, struct sim_args *a,
			   struct kvm_regs *o)
{
	(void)o;
	enter_svm_guest_mode(v, a->nested_gpa, &to_sim(v)->nested);
	return 0;
}

static u64 run_invlpga(struct kvm_vcpu *v, struct sim_args *a,
		       struct kvm_regs *o)
{
	(void)a, (void)o;
	return RET(invlpga_interception(v));
}

static u64 run_skinit(struct kvm_vcpu *v, struct sim_args *a,
		      struct kvm_regs *o)
{
	(void)a, (void)o;
	return RET(skinit_interception(v));
}

static void shape_cpuid(struct sim_case *c, struct rng *r)
{
	static const u32 leaves[] = { 0, 1, 7, 0xd, 0x40000000, 0x80000000,
				      0x80000001 };

	if (rng_chance(r, 3, 4))
		c->state.hw[VCPU_REGS_RAX] =
			rng_low32(r, leaves[rng_below(r, 7)]);
	if (rng_chance(r, 3, 4))
		c->state.hw[VCPU_REGS_RCX] = rng_low32(r, rng_below(r, 2));
}

static void shape_hypercall(struct sim_case *c, struct rng *r)
{
	static const u32 nrs[] = { KVM_HC_VAPIC_POLL_IRQ, KVM_HC_KICK_CPU,
				   KVM_HC_CLOCK_PAIRING, KVM_HC_SEND_IPI };

	if (rng_chance(r, 3, 4))
		c->state.hw[VCPU_REGS_RAX] = rng_low32(r, nrs[rng_below(r, 4)]);
	if (rng_chance(r, 1, 2))
		c->state.hw[VCPU_REGS_RCX] &= ~7ULL;
	if (rng_chance(r, 1, 2))
		c->state.hw[VCPU_REGS_RCX] = rng_below(r, 2);
}

/* The control word goes where either mode looks for it. */
static void shape_hv_hypercall(struct sim_case *c, struct rng *r)
{
	static const u16 codes[] = { HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE,
				     HVCALL_NOTIFY_LONG_SPIN_WAIT,
				     HVCALL_POST_MESSAGE, HVCALL_SIGNAL_EVENT };
	u64 param = rng_chance(r, 3, 4) ? codes[rng_below(r, 4)]
					: rng_below(r, 0x10000);

	if (rng_chance(r, 1, 4))
		param |= HV_HYPERCALL_FAST_BIT;
	if (rng_chance(r, 1, 8))
		param |= rng_u64(r) & 0x0fff0fff00000000ULL;
	c->state.hw[VCPU_REGS_RCX] = param;
	c->state.hw[VCPU_REGS_RDX] = rng_low32(r, (u32)(param >> 32));
	c->state.hw[VCPU_REGS_RAX] = rng_low32(r, (u32)param);
	if (rng_chance(r, 1, 2)) {
		/* a small connection id / aligned GPA for the fast paths */
		c->state.hw[VCPU_REGS_RDX] = rng_below(r, 8);
		c->state.hw[VCPU_REGS_RBX] = rng_low32(r, 0);
		c->state.hw[VCPU_REGS_RCX] &= ~0xff000000ULL;
	}
	c->state.env.hv_enabled = 1;
}

static void shape_msr(struct sim_case *c, struct rng *r)
{
	if (rng_chance(r, 3, 4))
		c->state.hw[VCPU_REGS_RCX] =
			rng_low32(r, sim_msr_index[rng_below(r, SIM_NR_MSRS)]);
	if (rng_chance(r, 1, 2)) {
		/* small values pass most reserved-bit checks */
		c->state.hw[VCPU_REGS_RAX] = rng_low32(r, rng_below(r, 0x100));
		c->state.hw[VCPU_REGS_RDX] = rng_low32(r, 0);
	}
}

static void shape_rdpmc(struct sim_case *c, struct rng *r)
{
	c->state.hw[VCPU_REGS_RCX] =
		rng_low32(r, (u32)rng_below(r, SIM_NR_PMCS + 2));
	/* outside ring 0 half the time, where CR4.PCE and CR0.PE decide */
	c->state.env.cpl = rng_chance(r, 1, 2) ? 0 : 3;
}

static void shape_xsetbv(struct sim_case *c, struct rng *r)
{
	if (rng_chance(r, 3, 4))
		c->state.hw[VCPU_REGS_RCX] = rng_low32(r, 0);
	if (rng_chance(r, 1, 2)) {
		u64 xcr0 = 1 | (rng_u64(r) & SIM_XCR0_SUPPORTED);

		if (xcr0 & 4)
			xcr0 |= 2;
		c->state.hw[VCPU_REGS_RAX] = rng_low32(r, (u32)xcr0);
		c->state.hw[VCPU_REGS_RDX] = rng_low32(r, 0);
	}
}

static void shape_complete_pio_in(struct sim_case *c, struct rng *r)
{
	struct sim_vcpu_fields *v = &c->state.vcpu;

	v->pio_count = 1;
	v->pio_in = 1;
	v->pio_size = c->args.pio_size;
	v->pio_port = c->args.pio_port;
	v->pio_linear_rip = rng_chance(r, 3, 4) ? c->state.hw[VCPU_REGS_RIP]
						: rng_u64(r);
}

static void shape_none(struct sim_case *c, struct rng *r)
{
	(void)c, (void)r;
}

static const struct sim_handler handlers[] = {
	{ "kvm_emulate_cpuid", run_cpuid, shape_cpuid },
	{ "kvm_emulate_hypercall", run_hypercall, shape_hypercall },
	{ "kvm_hv_hypercall", run_hv_hypercall, shape_hv_hypercall },
	{ "kvm_hv_hypercall_set_result", run_hv_set_result, shape_none },
	{ "rdmsr_interception", run_rdmsr, shape_msr },
	{ "wrmsr_interception", run_wrmsr, shape_msr },
	{ "kvm_rdpmc", run_rdpmc, shape_rdpmc },
	{ "kvm_fast_pio_out", run_pio_out, shape_none },
	{ "kvm_fast_pio_in", run_pio_in, shape_none },
	{ "complete_fast_pio_in", run_complete_pio_in, shape_complete_pio_in },
	{ "xsetbv_interception", run_xsetbv_svm, shape_xsetbv },
	{ "handle_xsetbv", run_xsetbv_vmx, shape_xsetbv },
	{ "__get_regs", run_get_regs, shape_none },
	{ "__set_regs", run_set_regs, shape_none },
	{ "svm_vcpu_reset", run_svm_reset, shape_none },
	{ "nested_svm_vmexit", run_nested_vmexit, shape_none },
	{ "enter_svm_guest_mode", run_enter_guest, shape_none },
	{ "invlpga_interception", run_invlpga, shape_none },
	{ "skinit_interception", run_skinit, shape_none },
};
#define NR_HANDLERS (sizeof(handlers) / sizeof(handlers[0]))

/* ---- building and running a case ---- */

static void random_vmcb(struct vmcb *vmcb, struct rng *r)
{
	u64 *f = (u64 *)&vmcb->save;
	unsigned int i;

	for (i = 0; i < sizeof(vmcb->save) / sizeof(u64); i++)
		f[i] = rng_u64(r);
}

static void make_case(struct sim_case *c, const struct sim_backend *b,
		      const struct sim_handler *h, u64 seed, u64 index)
{
	static const u16 ports[] = { 0x60, 0x61, 0x64, 0x6e, 0x6f, 0x7e, 0x80,
				     0x3f8 };
	static const u8 sizes[] = { 1, 2, 4 };
	struct rng r = { mix64(mix64(mix64(seed ^ fnv1a(b->name)) ^
				     fnv1a(h->name)) ^ index) };
	struct sim_state *s = &c->state;
	struct sim_env *e = &s->env;
	unsigned int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < NR_KVM_REG_BITS; i++)
		s->hw[i] = rng_u64(&r);
	/* bit 1 of RFLAGS is fixed; TF makes the skip a single-step exit */
	s->hw[VCPU_EXREG_RFLAGS] = (s->hw[VCPU_EXREG_RFLAGS] & 0x3f4cd5) | 2;
	if (rng_chance(&r, 1, 8))
		s->hw[VCPU_EXREG_RFLAGS] |= X86_EFLAGS_TF;

	e->cpl = rng_chance(&r, 7, 8) ? 0 : 3;
	e->protmode = rng_chance(&r, 7, 8);
	e->cpuid_fault = rng_chance(&r, 1, 8);
	e->hv_enabled = rng_chance(&r, 1, 4);
	e->synic_active = rng_chance(&r, 1, 2);
	e->npt = rng_chance(&r, 1, 2);
	e->apicv = rng_chance(&r, 1, 2);
	e->reset_bsp = rng_chance(&r, 1, 2);
	e->insn_len = 1 + rng_below(&r, 15);
	e->xcr0 = 7;
	e->userspace_pio_data = rng_u64(&r);
	for (i = 0; i < SIM_NR_MSRS; i++)
		e->msr_value[i] = rng_u64(&r);
	for (i = 0; i < SIM_NR_PMCS; i++)
		e->pmc[i] = rng_u64(&r);
	for (i = 0; i < SIM_PIO_DEV_PORTS; i++)
		e->pio_dev[i] = (u8)rng_next(&r);

	s->vcpu.apic_base = rng_u64(&r);
	s->vcpu.microcode_version = rng_u64(&r);
	s->vcpu.stat_hypercalls = rng_below(&r, 1000);
	s->vcpu.emulate_regs_need_sync_to_vcpu = rng_chance(&r, 1, 4);
	s->vcpu.nested_vmcb = rng_u64(&r) & ~0xfffULL;
	random_vmcb(&s->vmcb, &r);
	random_vmcb(&s->hsave, &r);
	random_vmcb(&s->nested, &r);

	c->emu_dirty = rng_next(&r) & ((1ULL << NR_VCPU_REGS) - 1);
	for (i = 0; i < NR_VCPU_REGS; i++)
		c->emu_regs[i] = rng_u64(&r);

	c->args.pio_size = sizes[rng_below(&r, 3)];
	c->args.pio_port = rng_chance(&r, 7, 8) ? ports[rng_below(&r, 8)]
						: rng_below(&r, 0x10000);
	c->args.init_event = rng_chance(&r, 1, 2);
	c->args.hv_result = rng_u64(&r);
	c->args.nested_gpa = rng_chance(&r, 7, 8) ? rng_u64(&r) & ~0xfffULL
						  : rng_u64(&r);
	{
		u64 *f = (u64 *)&c->args.regs_in;

		for (i = 0; i < sizeof(c->args.regs_in) / sizeof(u64); i++)
			f[i] = rng_u64(&r);
	}

	/* which of the possibly guest-owned CR bits the guest owns now */
	s->vcpu.cr0_guest_owned_bits = rng_u64(&r) & KVM_POSSIBLE_CR0_GUEST_BITS;
	s->vcpu.cr4_guest_owned_bits = rng_u64(&r) & KVM_POSSIBLE_CR4_GUEST_BITS;

	h->shape(c, &r);
}

static void load_state(struct sim_vcpu *sv, const struct sim_state *s)
{
	struct kvm_vcpu_ext *ext = &sv->ext;
	const struct sim_vcpu_fields *v = &s->vcpu;
	unsigned int i;

	for (i = 0; i < NR_KVM_REG_BITS; i++)
		*sv->backend->slot(&sv->hw, i) = s->hw[i];
	sv->env = s->env;
	sv->vmcb = s->vmcb;
	sv->hsave = s->hsave;
	sv->nested = s->nested;
	ext->vmcb = &sv->vmcb;
	ext->hsave = &sv->hsave;
	ext->pio.linear_rip = v->pio_linear_rip;
	ext->pio.count = v->pio_count;
	ext->pio.in = (int)v->pio_in;
	ext->pio.port = (int)v->pio_port;
	ext->pio.size = (int)v->pio_size;
	ext->complete_userspace_io =
		v->complete_userspace_io < NR_CUI ?
			cui_funcs[v->complete_userspace_io] : NULL;
	ext->emulate_regs_need_sync_to_vcpu = v->emulate_regs_need_sync_to_vcpu;
	ext->emulate_regs_need_sync_from_vcpu =
		v->emulate_regs_need_sync_from_vcpu;
	ext->exception_pending = v->exception_pending;
	ext->apic_base = v->apic_base;
	ext->microcode_version = v->microcode_version;
	ext->stat_hypercalls = v->stat_hypercalls;
	ext->nested_vmcb = v->nested_vmcb;
	ext->next_rip = v->next_rip;
	ext->vcpu.arch.cr0_guest_owned_bits = v->cr0_guest_owned_bits;
	ext->vcpu.arch.cr4_guest_owned_bits = v->cr4_guest_owned_bits;
}

static void save_state(struct sim_vcpu *sv, struct sim_state *s)
{
	const struct kvm_vcpu_ext *ext = &sv->ext;
	struct sim_vcpu_fields *v = &s->vcpu;
	unsigned int i;

	for (i = 0; i < NR_KVM_REG_BITS; i++)
		s->hw[i] = *sv->backend->slot(&sv->hw, i);
	s->env = sv->env;
	s->vmcb = sv->vmcb;
	s->hsave = sv->hsave;
	s->nested = sv->nested;
	v->pio_linear_rip = ext->pio.linear_rip;
	v->pio_count = ext->pio.count;
	v->pio_in = (u64)ext->pio.in;
	v->pio_port = (u64)ext->pio.port;
	v->pio_size = (u64)ext->pio.size;
	v->complete_userspace_io = cui_id(ext->complete_userspace_io);
	v->emulate_regs_need_sync_to_vcpu = ext->emulate_regs_need_sync_to_vcpu;
	v->emulate_regs_need_sync_from_vcpu =
		ext->emulate_regs_need_sync_from_vcpu;
	v->exception_pending = ext->exception_pending;
	v->apic_base = ext->apic_base;
	v->microcode_version = ext->microcode_version;
	v->stat_hypercalls = ext->stat_hypercalls;
	v->nested_vmcb = ext->nested_vmcb;
	v->next_rip = ext->next_rip;
	v->cr0_guest_owned_bits = ext->vcpu.arch.cr0_guest_owned_bits;
	v->cr4_guest_owned_bits = ext->vcpu.arch.cr4_guest_owned_bits;
}

/*
 * @all_lazy: the tracing run, in which the hardware and KVM alike treat
 * every register as lazily loaded; otherwise the hardware follows b->lazy
 * and KVM's side the generated b->kvm_lazy.
 */
static void run_case(const struct sim_case *c, const struct sim_backend *b,
		     const struct sim_handler *h, bool all_lazy,
		     struct sim_result *res)
{
	const u64 hw_lazy = all_lazy ? SIM_ALL_REGS : b->lazy;
	const u64 kvm_lazy = all_lazy ? SIM_ALL_REGS : b->kvm_lazy;
	static struct sim_vcpu sv;
	struct sim_args args = c->args;
	struct sim_enter_check chk;
	unsigned int i;

	memset(&sv, 0, sizeof(sv));
	memset(res, 0, sizeof(*res));
	sv.backend = b;
	load_state(&sv, &c->state);
	sv.emu_dirty = c->emu_dirty;
	for (i = 0; i < NR_VCPU_REGS; i++)
		sv.emu_regs[i] = c->emu_regs[i];
	sim_install_backend(b);
	sim_set_running(&sv.ext.vcpu);

	sim_vm_exit(&sv, hw_lazy, kvm_lazy);
	res->ret = h->run(&sv.ext.vcpu, &args, &res->regs_out);
	sim_vm_enter(&sv, hw_lazy, &chk);

	sim_set_running(NULL);
	save_state(&sv, &res->state);
	memcpy(res->cache_calls, sv.cache_calls, sizeof(res->cache_calls));
	res->lost_writes = chk.lost_writes;
}

/* ---- visiting, digesting, printing ---- */

typedef void (*visit_fn)(void *ctx, const char *name, const u64 *v,
			 unsigned int n);

static void visit_state(const struct sim_state *s, visit_fn f, void *ctx)
{
	u64 dev[(SIM_PIO_DEV_PORTS + 7) / 8] = { 0 };

	f(ctx, "hw", s->hw, NR_KVM_REG_BITS);
#define VISIT_ENV(name) f(ctx, #name, &s->env.name, 1);
	SIM_ENV_FIELDS(VISIT_ENV)
#undef VISIT_ENV
	f(ctx, "msr_value", s->env.msr_value, SIM_NR_MSRS);
	f(ctx, "pmc", s->env.pmc, SIM_NR_PMCS);
	memcpy(dev, s->env.pio_dev, sizeof(s->env.pio_dev));
	f(ctx, "pio_dev", dev, sizeof(dev) / sizeof(dev[0]));
#define VISIT_VCPU(name) f(ctx, #name, &s->vcpu.name, 1);
	SIM_VCPU_FIELDS(VISIT_VCPU)
#undef VISIT_VCPU
	f(ctx, "vmcb", (const u64 *)&s->vmcb.save,
	  sizeof(s->vmcb.save) / sizeof(u64));
	f(ctx, "hsave", (const u64 *)&s->hsave.save,
	  sizeof(s->hsave.save) / sizeof(u64));
	f(ctx, "nested_save", (const u64 *)&s->nested.save,
	  sizeof(s->nested.save) / sizeof(u64));
}

/* The architectural result: what the guest or the host could observe. */
static void visit_result(const struct sim_result *res, visit_fn f, void *ctx)
{
	f(ctx, "ret", &res->ret, 1);
	visit_state(&res->state, f, ctx);
	f(ctx, "regs_out", (const u64 *)&res->regs_out,
	  sizeof(res->regs_out) / sizeof(u64));
}

static void visit_case(const struct sim_case *c, visit_fn f, void *ctx)
{
	visit_state(&c->state, f, ctx);
	f(ctx, "emu_dirty", &c->emu_dirty, 1);
	f(ctx, "emu_regs", c->emu_regs, NR_VCPU_REGS);
	f(ctx, "pio_size", &c->args.pio_size, 1);
	f(ctx, "pio_port", &c->args.pio_port, 1);
	f(ctx, "init_event", &c->args.init_event, 1);
	f(ctx, "hv_result", &c->args.hv_result, 1);
	f(ctx, "nested_gpa", &c->args.nested_gpa, 1);
	f(ctx, "regs_in", (const u64 *)&c->args.regs_in,
	  sizeof(c->args.regs_in) / sizeof(u64));
}

static void digest_visit(void *ctx, const char *name, const u64 *v,
			 unsigned int n)
{
	u64 *h = ctx;
	unsigned int i;

	(void)name;
	for (i = 0; i < n; i++)
		*h = mix64(*h ^ v[i]) + 0x9e3779b97f4a7c15ULL;
}

struct json_ctx {
	bool first;
};

static void json_visit(void *ctx, const char *name, const u64 *v,
		       unsigned int n)
{
	struct json_ctx *j = ctx;
	unsigned int i;

	printf("%s\"%s\":", j->first ? "" : ",", name);
	j->first = false;
	if (n == 1 && strcmp(name, "hw") && strcmp(name, "pio_dev") &&
	    strcmp(name, "msr_value") && strcmp(name, "pmc")) {
		printf("\"0x%llx\"", (unsigned long long)v[0]);
		return;
	}
	putchar('[');
	for (i = 0; i < n; i++)
		printf("%s\"0x%llx\"", i ? "," : "", (unsigned long long)v[i]);
	putchar(']');
}

/* Poison in a result names the stale register it came from. */
struct poison_ctx {
	const char *field;
	unsigned int index;
	u64 value;
};

static void poison_visit(void *ctx, const char *name, const u64 *v,
			 unsigned int n)
{
	struct poison_ctx *p = ctx;
	unsigned int i;

	for (i = 0; i < n && !p->field; i++) {
		if (SIM_IS_POISON(v[i])) {
			p->field = name;
			p->index = i;
			p->value = v[i];
		}
	}
}

static const char *reg_name(unsigned int reg)
{
	static const char *const names[NR_KVM_REG_BITS] = {
		[VCPU_REGS_RAX] = "rax", [VCPU_REGS_RCX] = "rcx",
		[VCPU_REGS_RDX] = "rdx", [VCPU_REGS_RBX] = "rbx",
		[VCPU_REGS_RSP] = "rsp", [VCPU_REGS_RBP] = "rbp",
		[VCPU_REGS_RSI] = "rsi", [VCPU_REGS_RDI] = "rdi",
#ifdef CONFIG_X86_64
		[VCPU_REGS_R8] = "r8", [VCPU_REGS_R9] = "r9",
		[VCPU_REGS_R10] = "r10", [VCPU_REGS_R11] = "r11",
		[VCPU_REGS_R12] = "r12", [VCPU_REGS_R13] = "r13",
		[VCPU_REGS_R14] = "r14", [VCPU_REGS_R15] = "r15",
#endif
		[VCPU_REGS_RIP] = "rip", [VCPU_EXREG_PDPTR] = "pdptr",
		[VCPU_EXREG_CR3] = "cr3", [VCPU_EXREG_RFLAGS] = "rflags",
		[VCPU_EXREG_SEGMENTS] = "segments",
	};

	if (reg < NR_KVM_REG_BITS && names[reg])
		return names[reg];
	return "exreg";
}

/* ---- checks ---- */

enum failure_kind {
	FAIL_POISON,
	FAIL_LOST_WRITE,
	FAIL_CACHE_REG_AVAILABLE,
	FAIL_CACHE_REG_TWICE,
	FAIL_TRACE_RESULT,
	FAIL_TRACE_READS,
	NR_FAILURE_KINDS
};

static const char *const failure_names[NR_FAILURE_KINDS] = {
	"poison", "lost-write", "cache_reg-available", "cache_reg-twice",
	"trace-result", "trace-reads",
};

struct tally {
	u64 cases;
	u64 results_digest;
	u64 cache_reg_digest;
	u64 failures[NR_FAILURE_KINDS];
};

static void fail(struct tally *t, enum failure_kind kind,
		 const struct sim_backend *b, const struct sim_handler *h,
		 u64 index, const char *fmt, unsigned long long a,
		 const char *reg)
{
	if (t->failures[kind]++ >= MAX_FAILURE_LINES)
		return;
	fprintf(stderr, "FAIL %s %s/%s case %llu: ", failure_names[kind],
		b->name, h->name, (unsigned long long)index);
	fprintf(stderr, fmt, a, reg);
	fputc('\n', stderr);
}

static void check_case(struct tally *t, const struct sim_backend *b,
		       const struct sim_handler *h, u64 index,
		       const struct sim_result *res)
{
	struct poison_ctx p = { NULL, 0, 0 };
	unsigned int reg;

	visit_result(res, poison_visit, &p);
	if (p.field)
		fail(t, FAIL_POISON, b, h, index,
		     "stale value 0x%llx of %s reached the result", p.value,
		     reg_name((unsigned int)(p.value & 0xff)));
	else if (res->state.env.poison_traced)
		fail(t, FAIL_POISON, b, h, index,
		     "%llu stale value(s) reached a tracepoint%s",
		     res->state.env.poison_traced, "");

	for (reg = 0; reg < NR_KVM_REG_BITS; reg++) {
		bool lazy = b->lazy & (1ULL << reg);

		if (res->lost_writes & (1ULL << reg))
			fail(t, FAIL_LOST_WRITE, b, h, index,
			     "write to lazily loaded register %llu (%s) never reached the hardware",
			     reg, reg_name(reg));
		if (res->cache_calls[reg] && !lazy)
			fail(t, FAIL_CACHE_REG_AVAILABLE, b, h, index,
			     "cache_reg called for always-available register %llu (%s)",
			     reg, reg_name(reg));
		if (res->cache_calls[reg] > 1)
			fail(t, FAIL_CACHE_REG_TWICE, b, h, index,
			     "cache_reg called more than once for register %llu (%s)",
			     reg, reg_name(reg));
	}
}

/*
 * @traced ran with every register lazy, so its cache_reg calls are the
 * registers the handler read before writing them.
 */
static void check_trace(struct tally *t, const struct sim_backend *b,
			const struct sim_handler *h, u64 index,
			const struct sim_result *res,
			const struct sim_result *traced)
{
	u64 d1 = 0, d2 = 0;
	unsigned int reg;

	visit_result(res, digest_visit, &d1);
	visit_result(traced, digest_visit, &d2);
	if (d1 != d2)
		fail(t, FAIL_TRACE_RESULT, b, h, index,
		     "result differs when every register is loaded lazily (digest 0x%llx)%s",
		     d2, "");
	for (reg = 0; reg < NR_KVM_REG_BITS; reg++) {
		bool read = traced->cache_calls[reg] > 0;
		bool lazy = b->lazy & (1ULL << reg);

		if ((res->cache_calls[reg] > 0) != (read && lazy))
			fail(t, FAIL_TRACE_READS, b, h, index,
			     "cache_reg calls for register %llu (%s) do not match the handler's reads",
			     reg, reg_name(reg));
	}
}

/* ---- main ---- */

struct options {
	u64 seed;
	u64 cases;
	bool json_cases;
	bool json_summary;
	bool trace_reads;
	const char *backend;
	const char *handler;
};

static int usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s [--seed N] [--cases N] [--backend NAME] [--handler NAME]\n"
		"          [--trace-reads] [--json | --json-summary] [--list]\n",
		argv0);
	return 2;
}

static void print_header(const struct options *o)
{
	unsigned int i;

	printf("{\"type\":\"run\",\"seed\":\"0x%llx\",\"cases\":%llu,"
	       "\"config_x86_64\":%s,\"nr_vcpu_regs\":%u,\"nr_reg_bits\":%u,"
	       "\"poison_base\":\"0x%llx\",\"backends\":[",
	       (unsigned long long)o->seed, (unsigned long long)o->cases,
#ifdef CONFIG_X86_64
	       "true",
#else
	       "false",
#endif
	       (unsigned int)NR_VCPU_REGS, (unsigned int)NR_KVM_REG_BITS,
	       SIM_POISON_BASE);
	for (i = 0; i < sim_nr_backends; i++)
		printf("%s{\"name\":\"%s\",\"lazy\":\"0x%llx\",\"avail\":\"0x%llx\","
		       "\"kvm_lazy\":\"0x%llx\",\"kvm_avail\":\"0x%llx\"}",
		       i ? "," : "", sim_backends[i].name,
		       (unsigned long long)sim_backends[i].lazy,
		       (unsigned long long)sim_backends[i].avail,
		       (unsigned long long)sim_backends[i].kvm_lazy,
		       (unsigned long long)sim_backends[i].kvm_avail);
	printf("],\"handlers\":[");
	for (i = 0; i < NR_HANDLERS; i++)
		printf("%s\"%s\"", i ? "," : "", handlers[i].name);
	printf("]}\n");
}

static void print_case(const struct sim_backend *b, const struct sim_handler *h,
		       u64 index, const struct sim_case *c,
		       const struct sim_result *res)
{
	struct json_ctx j = { true };
	unsigned int reg;

	printf("{\"type\":\"case\",\"backend\":\"%s\",\"handler\":\"%s\","
	       "\"case\":%llu,\"input\":{",
	       b->name, h->name, (unsigned long long)index);
	visit_case(c, json_visit, &j);
	printf("},\"result\":{");
	j.first = true;
	visit_result(res, json_visit, &j);
	printf("},\"cache_reg\":[");
	for (reg = 0; reg < NR_KVM_REG_BITS; reg++)
		printf("%s%u", reg ? "," : "", res->cache_calls[reg]);
	printf("]}\n");
}

static bool setup_ok(void)
{
	unsigned int i;

	if (regcache_handler_abi[0] != NR_VCPU_REGS ||
	    regcache_handler_abi[1] != NR_KVM_REG_BITS ||
	    regcache_handler_abi[2] != sizeof(struct kvm_vcpu) ||
	    regcache_handler_abi[3] != sizeof(struct kvm_vcpu_ext)) {
		fprintf(stderr, "setup: handlers and simulator were built from specs with different register enums or vCPU layouts\n");
		return false;
	}
	if (NR_KVM_REG_BITS > 64) {
		fprintf(stderr, "setup: the simulator handles at most 64 register bits\n");
		return false;
	}
	for (i = 0; i < sim_nr_backends; i++) {
		const struct sim_backend *b = &sim_backends[i];

		if ((b->kvm_lazy | b->kvm_avail) != SIM_ALL_REGS ||
		    (b->kvm_lazy & b->kvm_avail)) {
			fprintf(stderr, "setup: %s: LAZY_LOAD_SET 0x%llx and AVAIL_SET 0x%llx do not split the %u register bits\n",
				b->name, (unsigned long long)b->kvm_lazy,
				(unsigned long long)b->kvm_avail,
				(unsigned int)NR_KVM_REG_BITS);
			return false;
		}
	}
	return true;
}

static bool parse_u64(const char *s, u64 *out)
{
	char *end;

	*out = strtoull(s, &end, 0);
	return *s && !*end;
}

int main(int argc, char **argv)
{
	struct options o = { DEFAULT_SEED, DEFAULT_CASES, false, false, false,
			     NULL, NULL };
	static struct sim_case c;
	static struct sim_result res, traced;
	u64 total_failures = 0, overall = 0;
	unsigned int bi, hi, k;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *next = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--list")) {
			for (hi = 0; hi < NR_HANDLERS; hi++)
				printf("%s\n", handlers[hi].name);
			return 0;
		} else if (!strcmp(a, "--json")) {
			o.json_cases = o.json_summary = true;
		} else if (!strcmp(a, "--json-summary")) {
			o.json_summary = true;
		} else if (!strcmp(a, "--trace-reads")) {
			o.trace_reads = true;
		} else if (!strcmp(a, "--seed") && next) {
			if (!parse_u64(next, &o.seed))
				return usage(argv[0]);
			i++;
		} else if (!strcmp(a, "--cases") && next) {
			if (!parse_u64(next, &o.cases))
				return usage(argv[0]);
			i++;
		} else if (!strcmp(a, "--backend") && next) {
			o.backend = next;
			i++;
		} else if (!strcmp(a, "--handler") && next) {
			o.handler = next;
			i++;
		} else {
			return usage(argv[0]);
		}
	}
	if (!setup_ok())
		return 2;

	if (o.json_summary)
		print_header(&o);
	else
		printf("regcache behaviour test: seed 0x%llx, %llu cases per handler and backend, CONFIG_X86_64=%s%s\n",
		       (unsigned long long)o.seed,
		       (unsigned long long)o.cases,
#ifdef CONFIG_X86_64
		       "y",
#else
		       "n",
#endif
		       o.trace_reads ? ", tracing reads" : "");

	for (bi = 0; bi < sim_nr_backends; bi++) {
		const struct sim_backend *b = &sim_backends[bi];
		struct tally t = { 0, 0, 0, { 0 } };
		u64 failures = 0;
		unsigned int nh = 0;

		if (o.backend && strcmp(o.backend, b->name))
			continue;
		for (hi = 0; hi < NR_HANDLERS; hi++) {
			const struct sim_handler *h = &handlers[hi];
			u64 n;

			if (o.handler && strcmp(o.handler, h->name))
				continue;
			nh++;
			for (n = 0; n < o.cases; n++) {
				make_case(&c, b, h, o.seed, n);
				run_case(&c, b, h, false, &res);
				check_case(&t, b, h, n, &res);
				if (o.trace_reads) {
					run_case(&c, b, h, true, &traced);
					check_trace(&t, b, h, n, &res,
						    &traced);
				}
				visit_result(&res, digest_visit,
					     &t.results_digest);
				for (k = 0; k < NR_KVM_REG_BITS; k++)
					t.cache_reg_digest = mix64(
						t.cache_reg_digest ^
						((u64)k << 32 |
						 res.cache_calls[k]));
				t.cases++;
				if (o.json_cases)
					print_case(b, h, n, &c, &res);
			}
		}
		for (k = 0; k < NR_FAILURE_KINDS; k++)
			failures += t.failures[k];
		total_failures += failures;
		overall = mix64(overall ^ t.results_digest ^
				mix64(t.cache_reg_digest));

		if (o.json_summary) {
			printf("{\"type\":\"backend\",\"backend\":\"%s\",\"handlers\":%u,\"cases\":%llu,"
			       "\"results\":\"%016llx\",\"cache_reg\":\"%016llx\",\"failures\":%llu,\"by_kind\":{",
			       b->name, nh, (unsigned long long)t.cases,
			       (unsigned long long)t.results_digest,
			       (unsigned long long)t.cache_reg_digest,
			       (unsigned long long)failures);
			for (k = 0; k < NR_FAILURE_KINDS; k++)
				printf("%s\"%s\":%llu", k ? "," : "",
				       failure_names[k],
				       (unsigned long long)t.failures[k]);
			printf("}}\n");
		} else {
			printf("backend %s: %llu cases (%u handlers), results %016llx, cache_reg %016llx, failures %llu\n",
			       b->name, (unsigned long long)t.cases, nh,
			       (unsigned long long)t.results_digest,
			       (unsigned long long)t.cache_reg_digest,
			       (unsigned long long)failures);
		}
	}
	if (!o.json_summary)
		printf("digest %016llx, %llu failures\n",
		       (unsigned long long)overall,
		       (unsigned long long)total_failures);
	return total_failures ? 1 : 0;
}
