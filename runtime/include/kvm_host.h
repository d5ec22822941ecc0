/* SPDX-License-Identifier: MIT */
/*
 * kvm_host.h - the smallest vCPU model the generated accessors compile against.
 *
 * It mirrors the shape of KVM's vcpu state in the v5.2 era: a register array,
 * two availability/dirty masks whose width comes from the spec (through the
 * generated kvm_regs.h), and a backend ops table whose cache_reg is reached
 * through a function pointer, as kvm_x86_ops->cache_reg was (or, with
 * -DREGCACHE_STATIC_CALL, through a direct call chosen at build time, as
 * today's static calls are).  The bit
 * helpers are inline bts/btr with a memory clobber, like the kernel's
 * non-atomic __set_bit(), so the cached path costs here what it cost there.
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

#define BITS_PER_LONG (8 * sizeof(unsigned long))
#define BITS_TO_LONGS(n) (((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)

#include "kvm_regs.h"

struct kvm_vcpu;

struct kvm_x86_ops {
	/* Copy @reg from hardware state into vcpu->arch.regs[], mark it available. */
	void (*cache_reg)(struct kvm_vcpu *vcpu, enum kvm_reg reg);
};

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
static const struct kvm_x86_ops regcache_static_call_ops __attribute__((unused)) = {
	.cache_reg = kvm_x86_cache_reg,
};
#define kvm_x86_ops (&regcache_static_call_ops)
#else
/* Pointer dispatch, as in the seed's era: an indirect call through the ops table. */
extern struct kvm_x86_ops *kvm_x86_ops;
#endif

struct kvm_vcpu_arch {
	unsigned long regs[NR_VCPU_REGS];
	kvm_reg_mask_t regs_avail;
	kvm_reg_mask_t regs_dirty;
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

#endif /* REGCACHE_KVM_HOST_H */
