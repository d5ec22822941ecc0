/* SPDX-License-Identifier: MIT */
/*
 * kvm_host.h - the smallest vCPU model the generated accessors compile against.
 *
 * It mirrors the shape of KVM's vcpu state: a register array, two
 * availability/dirty masks whose width comes from the spec (through the
 * generated kvm_regs.h), the fields the extended registers' readers use (cr0,
 * cr3, cr4, the guest-owned CR0/CR4 bits, walk_mmu->pdptrs), and a backend
 * ops table.  However the spec spells the call (kvm_x86_ops->cache_reg,
 * static_call(kvm_x86_cache_reg), kvm_x86_call(cache_reg)), it goes through
 * the ops table's function pointer, as in the seed's era, or, with
 * -DREGCACHE_STATIC_CALL, through a direct call chosen at build time, as
 * today's static calls are.  The bit helpers (regcache's kvm_reg_mask_* and
 * the kernel's test_bit/__set_bit spellings over them) are inline bts/btr
 * with a memory clobber, like the kernel's non-atomic __set_bit(), so the
 * cached path costs here what it cost there.
 *
 * Linux 7.2's shape, where the generated kvm_regs.h asks for it with a
 * KVM_REGS_* macro (a 6.x-shaped spec's header defines none, and its build
 * is what it was): the masks as bitmaps (KVM_REGS_BITMAP), RIP in its own
 * field (KVM_REGS_RIP_FIELD), the PDPTRs in the vCPU (KVM_REGS_PDPTRS_FIELD),
 * the guest mode state and kvm_reg_mode_mask() the mode_aware family masks
 * with (KVM_REGS_MODE_AWARE), and the hook the assertion macro calls
 * (KVM_REGS_ASSERT_HOOK).
 */
#ifndef REGCACHE_KVM_HOST_H
#define REGCACHE_KVM_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;
typedef unsigned long ulong;

#ifndef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#endif

#ifndef unlikely
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

#define BITS_PER_LONG (8 * sizeof(unsigned long))
#define BITS_TO_LONGS(n) (((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)

#include "kvm_regs.h"

struct kvm_vcpu;

struct kvm_x86_ops {
	/* Copy @reg from hardware state into vcpu->arch.regs[], mark it available. */
	void (*cache_reg)(struct kvm_vcpu *vcpu, enum kvm_reg reg);
};

/*
 * The spellings of a static call (6.1's static_call(kvm_x86_cache_reg), 6.12's
 * kvm_x86_call(cache_reg)) resolve to the dispatch this build chose.
 */
#define kvm_x86_call(func) static_call(kvm_x86_##func)

#ifdef REGCACHE_STATIC_CALL
/*
 * Static-call dispatch, as KVM has had it since 5.10
 * (static_call(kvm_x86_cache_reg) in 6.1, kvm_x86_call(cache_reg) in 6.12):
 * the call site is a direct call whose target is fixed when the kernel is
 * built and patched once at boot. Modelled as a direct call chosen at build
 * time: cache_reg is kvm_x86_cache_reg in a constant table the compiler folds,
 * so no indirect call (and no retpoline thunk) remains at the call site.
 * `regcache size --dispatch static_call` builds the handler suite this way.
 */
void kvm_x86_cache_reg(struct kvm_vcpu *vcpu, enum kvm_reg reg);
#define static_call(name) name
static const struct kvm_x86_ops regcache_static_call_ops __attribute__((unused)) = {
	.cache_reg = kvm_x86_cache_reg,
};
static const struct kvm_x86_ops *const kvm_x86_ops __attribute__((unused)) =
	&regcache_static_call_ops;
#else
/* Pointer dispatch, as in the seed's era: an indirect call through the ops table. */
extern struct kvm_x86_ops *kvm_x86_ops;
#define static_call(name) REGCACHE_OPS_##name
#define REGCACHE_OPS_kvm_x86_cache_reg kvm_x86_ops->cache_reg
#endif

/* The MMU a vCPU walks guest page tables with; PAE paging's four PDPTEs. */
struct kvm_mmu {
	u64 pdptrs[4];
};

struct kvm_vcpu_arch {
	unsigned long regs[NR_VCPU_REGS];
#ifdef KVM_REGS_BITMAP
	/* DECLARE_BITMAP in 7.2: the bitops take them as they are. */
	kvm_reg_mask_word_t regs_avail[KVM_REG_MASK_BITS / 64];
	kvm_reg_mask_word_t regs_dirty[KVM_REG_MASK_BITS / 64];
#else
	kvm_reg_mask_t regs_avail;
	kvm_reg_mask_t regs_dirty;
#endif
#ifdef KVM_REGS_RIP_FIELD
	/* RIP has no slot in regs[], only its availability and dirty bits. */
	unsigned long rip;
#endif
#ifdef KVM_REGS_PDPTRS_FIELD
	/* PAE paging's four PDPTEs, read through kvm_pdptr_read(). */
	u64 pdptrs[4];
#endif
#ifdef KVM_REGS_MODE_AWARE
	/*
	 * The guest's mode, as a case sets it: EFER (LMA, long mode active)
	 * and CS.L of its code segment, which the kernel gets through the
	 * backend's get_cs_db_l_bits. With guest_state_protected set (an
	 * SEV-ES or TDX guest) CS cannot be read.
	 */
	u64 efer;
	bool cs_l;
	bool guest_state_protected;
#endif
#ifdef KVM_REGS_ASSERT_HOOK
	/* A PMI VM-exit is being handled: the cache may be used from the IRQ. */
	bool handling_intr_from_guest;
	/* Uses of the cache the assertion hook refused, counted (see below). */
	unsigned int caching_assert_reports;
#endif

	/* The extended registers' values (no slot in regs[]). */
	unsigned long cr0;
	unsigned long cr0_guest_owned_bits;
	unsigned long cr3;
	unsigned long cr4;
	unsigned long cr4_guest_owned_bits;
	struct kvm_mmu *walk_mmu;
};

struct kvm_vcpu {
	struct kvm_vcpu_arch arch;
};

/*
 * Mask bit helpers.  kvm_reg_mask_t is an integer for "u32"/"u64" masks and a
 * struct holding an unsigned long array for "bitmap" masks; either way the
 * helpers take its address, and bts/btr with a register bit offset address
 * any bit from that base, exactly like the kernel's bitops.  The offset is
 * cast to kvm_reg_mask_word_t so the access is as wide as one mask word.
 */
static __always_inline bool kvm_reg_mask_test(const kvm_reg_mask_t *mask,
					      unsigned int nr)
{
	const unsigned char *bytes = (const unsigned char *)mask;

	return (bytes[nr / 8] >> (nr % 8)) & 1;
}

static __always_inline void kvm_reg_mask_set(kvm_reg_mask_t *mask,
					     unsigned int nr)
{
	asm volatile("bts %1,%0"
		     : "+m"(*mask)
		     : "r"((kvm_reg_mask_word_t)nr)
		     : "memory");
}

static __always_inline void kvm_reg_mask_clear(kvm_reg_mask_t *mask,
					       unsigned int nr)
{
	asm volatile("btr %1,%0"
		     : "+m"(*mask)
		     : "r"((kvm_reg_mask_word_t)nr)
		     : "memory");
}

static __always_inline bool kvm_reg_mask_test_and_set(kvm_reg_mask_t *mask,
						      unsigned int nr)
{
	bool old;

	asm volatile("bts %2,%1"
		     : "=@ccc"(old), "+m"(*mask)
		     : "r"((kvm_reg_mask_word_t)nr)
		     : "memory");
	return old;
}

/*
 * The kernel's bit operations, as a spec with `bitops: kernel` spells them
 * (on a u32 or u64 mask cast to unsigned long *, or on a KVM_REGS_BITMAP
 * array as it is: the same words as a kvm_reg_mask_t): the same
 * instructions as above. Here they only ever address regs_avail or
 * regs_dirty.
 */
#define test_bit(nr, addr) kvm_reg_mask_test((const kvm_reg_mask_t *)(addr), (nr))
#define __set_bit(nr, addr) kvm_reg_mask_set((kvm_reg_mask_t *)(addr), (nr))
#define __clear_bit(nr, addr) kvm_reg_mask_clear((kvm_reg_mask_t *)(addr), (nr))
#define arch___test_and_set_bit(nr, addr) \
	kvm_reg_mask_test_and_set((kvm_reg_mask_t *)(addr), (nr))

/*
 * WARN_ON_ONCE as the kernel has it: the condition's value every time, a
 * report the first time it holds at this call site.  The report goes to
 * regcache_warn(), which the simulator counts; a size build leaves it
 * undefined, and a constant in-range register folds the check away.
 */
void regcache_warn(const char *condition, const char *file, int line);
#define WARN_ON_ONCE(condition) ({					\
	static bool __already_warned;					\
	bool __ret_warn_once = !!(condition);				\
									\
	if (unlikely(__ret_warn_once && !__already_warned)) {		\
		__already_warned = true;				\
		regcache_warn(#condition, __FILE__, __LINE__);		\
	}								\
	unlikely(__ret_warn_once);					\
})

/* The readers may sleep (kvm_pdptr_read); nothing here schedules. */
#define might_sleep() do { } while (0)

/*
 * A condition the compiler must prove false (after inlining, as the kernel's
 * BUILD_BUG_ON): kvm_is_cr0_bit_set() and kvm_is_cr4_bit_set() take one bit.
 */
#ifdef __OPTIMIZE__
void regcache_build_bug(void) __attribute__((__error__("BUILD_BUG_ON failed")));
#define BUILD_BUG_ON(condition)						\
	do {								\
		if (condition)						\
			regcache_build_bug();				\
	} while (0)
#else
#define BUILD_BUG_ON(condition) ((void)sizeof(!!(condition)))
#endif
#define is_power_of_2(n) ((n) != 0 && (((n) & ((n) - 1)) == 0))

/* Control-register bits (arch/x86/include/uapi/asm/processor-flags.h). */
#define X86_CR0_PE (1UL << 0)
#define X86_CR0_TS (1UL << 3)
#define X86_CR0_WP (1UL << 16)
#define X86_CR0_PG (1UL << 31)
#define X86_CR4_PVI (1UL << 1)
#define X86_CR4_TSD (1UL << 2)
#define X86_CR4_DE (1UL << 3)
#define X86_CR4_PGE (1UL << 7)
#define X86_CR4_PCE (1UL << 8)
#define X86_CR4_OSFXSR (1UL << 9)
#define X86_CR4_OSXMMEXCPT (1UL << 10)
#define X86_CR4_FSGSBASE (1UL << 16)
#define X86_CR4_OSXSAVE (1UL << 18)
#define X86_CR4_PKE (1UL << 22)

/*
 * The CR0/CR4 bits a backend may let the guest own (write without an exit),
 * as arch/x86/kvm/kvm_cache_regs.h defines them before the register-cache
 * block: a read of other bits never needs cache_reg.  Which of them the
 * guest owns right now is vcpu->arch.cr0_guest_owned_bits/cr4_...
 */
#define KVM_POSSIBLE_CR0_GUEST_BITS (X86_CR0_TS | X86_CR0_WP)
#define KVM_POSSIBLE_CR4_GUEST_BITS					\
	(X86_CR4_PVI | X86_CR4_DE | X86_CR4_PCE | X86_CR4_OSFXSR |	\
	 X86_CR4_OSXMMEXCPT | X86_CR4_PGE | X86_CR4_TSD | X86_CR4_FSGSBASE)

#ifdef KVM_REGS_BITMAP
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#ifdef KVM_REGS_MODE_AWARE
#define EFER_LMA (1ULL << 10)
#define GENMASK(h, l) \
	(((~0UL) << (l)) & (~0UL >> (BITS_PER_LONG - 1 - (h))))

/*
 * The mode helpers Linux 7.2 keeps hand-written in arch/x86/kvm/regs.h
 * beside the generated block, reading the fields above. Asking for the
 * mode of a guest with protected state is a bug warned about once (CS
 * cannot be read): the answer is then "not 64-bit", as the kernel's is.
 */
static inline bool is_long_mode(struct kvm_vcpu *vcpu)
{
#ifdef CONFIG_X86_64
	return !!(vcpu->arch.efer & EFER_LMA);
#else
	(void)vcpu;
	return false;
#endif
}

static inline bool is_64_bit_mode(struct kvm_vcpu *vcpu)
{
	WARN_ON_ONCE(vcpu->arch.guest_state_protected);

	if (!is_long_mode(vcpu))
		return false;
	return vcpu->arch.cs_l;
}

/* A protected guest's hypercall registers were given in 64-bit mode. */
static inline bool is_64_bit_hypercall(struct kvm_vcpu *vcpu)
{
#ifdef CONFIG_X86_64
	return vcpu->arch.guest_state_protected || is_64_bit_mode(vcpu);
#else
	(void)vcpu;
	return false;
#endif
}

/* The operand width of the vCPU's mode: 64 bits in 64-bit mode, else 32. */
static __always_inline unsigned long kvm_reg_mode_mask(struct kvm_vcpu *vcpu)
{
#ifdef CONFIG_X86_64
	return is_64_bit_mode(vcpu) ? GENMASK(63, 0) : GENMASK(31, 0);
#else
	(void)vcpu;
	return GENMASK(31, 0);
#endif
}
#endif /* KVM_REGS_MODE_AWARE */

#ifdef KVM_REGS_ASSERT_HOOK
/*
 * The assertion the cache helpers open with. In the kernel it is
 * lockdep_assert_once(in_task() || kvm_arch_pmi_in_guest(vcpu)): with
 * lockdep, a warning the first time the cache is used from interrupt
 * context other than a PMI VM-exit's, since an availability bit and the
 * value it covers cannot be updated together atomically; without lockdep,
 * nothing. Here the hook counts every refused use in the vCPU
 * (caching_assert_reports), for the simulator to read after a run: a
 * count above zero is the kernel's one warning. The context is
 * regcache_in_interrupt (the program defines it; false is the vCPU's task).
 */
extern bool regcache_in_interrupt;
#define in_task() (!regcache_in_interrupt)
#define kvm_arch_pmi_in_guest(vcpu) ((vcpu)->arch.handling_intr_from_guest)

static __always_inline void
regcache_assert_caching_allowed(struct kvm_vcpu *vcpu, bool allowed)
{
	if (unlikely(!allowed))
		vcpu->arch.caching_assert_reports++;
}
#endif /* KVM_REGS_ASSERT_HOOK */

#endif /* REGCACHE_KVM_HOST_H */
