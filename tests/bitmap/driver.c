/* SPDX-License-Identifier: MIT */
/*
 * Exercises a `mask: bitmap` spec's generated headers (more than 64
 * registers, so the mask spans several unsigned longs) against a plain
 * reference model: one bool per register for avail and one for dirty.
 *
 * Prints, for the test to compare with its own oracle:
 *   nr <NR_VCPU_REGS> <NR_KVM_REG_BITS> <words>
 *   enum <name> <value>                 (from the generated REGISTERS list)
 *   set <backend> lazy|avail <01…>      (KVM_REG_SET_TEST over every bit)
 * and checks here, printing "fail …" lines and exiting 1 on a mismatch:
 *   - a seeded random walk of mark_available / mark_dirty / mark_for_reload
 *     leaves is_available / is_dirty and the raw words exactly as the
 *     reference model says (bit reg of word reg / 64 at position reg % 64);
 *   - assigning a backend's AVAIL_SET to regs_avail makes exactly its
 *     registers available; kvm_register_read calls cache_reg only for a
 *     register whose bit is clear, once, and kvm_register_write sets both bits;
 *   - every gpr accessor: a read with regs_avail empty calls cache_reg only
 *     when the accessor takes the cached path, and a write marks it dirty
 *     only then (the test knows which path each should take).
 */
#include <stdio.h>
#include <string.h>

#include "kvm_cache_regs.h"
#include "registers.h"	/* written by the test: REGISTERS(X) and GPRS(X) lists */

struct kvm_x86_ops *kvm_x86_ops;

static unsigned int cache_calls[NR_KVM_REG_BITS];
static unsigned int failures;

static void cache_reg(struct kvm_vcpu *vcpu, enum kvm_reg reg)
{
	cache_calls[reg]++;
	if ((unsigned int)reg < NR_VCPU_REGS)
		vcpu->arch.regs[reg] = 0x1000 + reg;
	kvm_register_mark_available(vcpu, reg);
}

static struct kvm_x86_ops ops = { .cache_reg = cache_reg };

#define FAIL(...)                                                             \
	do {                                                                  \
		if (failures++ < 20) {                                        \
			printf("fail ");                                      \
			printf(__VA_ARGS__);                                  \
			putchar('\n');                                        \
		}                                                             \
	} while (0)

#define WORDS (sizeof(kvm_reg_mask_t) / sizeof(unsigned long))

static unsigned long long rng_state = 0x5eedb17aa9ULL;

static unsigned int rng_below(unsigned int n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned int)((rng_state >> 33) % n);
}

/* The mask's words as the reference model says they must be. */
static void model_words(const bool *bits, unsigned long *words)
{
	unsigned int i;

	memset(words, 0, WORDS * sizeof(unsigned long));
	for (i = 0; i < NR_KVM_REG_BITS; i++)
		if (bits[i])
			words[i / 64] |= 1UL << (i % 64);
}

static void compare(const struct kvm_vcpu *vcpu, const bool *avail,
		    const bool *dirty, unsigned int step)
{
	unsigned long want[WORDS];
	unsigned int i;

	for (i = 0; i < NR_KVM_REG_BITS; i++) {
		struct kvm_vcpu *v = (struct kvm_vcpu *)vcpu;

		if (kvm_register_is_available(v, (enum kvm_reg)i) != avail[i])
			FAIL("step %u: reg %u available %d, want %d", step, i,
			     !avail[i], avail[i]);
		if (kvm_register_is_dirty(v, (enum kvm_reg)i) != dirty[i])
			FAIL("step %u: reg %u dirty %d, want %d", step, i,
			     !dirty[i], dirty[i]);
	}
	model_words(avail, want);
	if (memcmp(want, vcpu->arch.regs_avail.bits, sizeof(want)))
		FAIL("step %u: regs_avail words differ from the model", step);
	model_words(dirty, want);
	if (memcmp(want, vcpu->arch.regs_dirty.bits, sizeof(want)))
		FAIL("step %u: regs_dirty words differ from the model", step);
}

static void random_walk(void)
{
	static struct kvm_vcpu vcpu;
	bool avail[NR_KVM_REG_BITS] = { false }, dirty[NR_KVM_REG_BITS] = { false };
	unsigned int step;

	memset(&vcpu, 0, sizeof(vcpu));
	for (step = 0; step < 20000; step++) {
		enum kvm_reg reg = (enum kvm_reg)rng_below(NR_KVM_REG_BITS);

		switch (rng_below(3)) {
		case 0:
			kvm_register_mark_available(&vcpu, reg);
			avail[reg] = true;
			break;
		case 1:
			kvm_register_mark_dirty(&vcpu, reg);
			avail[reg] = dirty[reg] = true;
			break;
		default:
			kvm_register_mark_for_reload(&vcpu, reg);
			avail[reg] = dirty[reg] = false;
			break;
		}
		if (step % 97 == 0 || step > 19900)
			compare(&vcpu, avail, dirty, step);
	}
}

static void print_set(const char *backend, const char *kind, kvm_reg_mask_t set)
{
	unsigned int i;

	printf("set %s %s ", backend, kind);
	for (i = 0; i < NR_KVM_REG_BITS; i++)
		putchar('0' + (int)KVM_REG_SET_TEST(set, i));
	putchar('\n');
}

/* regs_avail = a backend's AVAIL_SET, then the cached path on every register. */
static void cached_path(const char *backend, kvm_reg_mask_t avail_set)
{
	static struct kvm_vcpu vcpu;
	unsigned int i;

	memset(&vcpu, 0, sizeof(vcpu));
	memset(cache_calls, 0, sizeof(cache_calls));
	vcpu.arch.regs_avail = avail_set;
	for (i = 0; i < NR_KVM_REG_BITS; i++) {
		bool was = KVM_REG_SET_TEST(avail_set, i);

		if (kvm_register_is_available(&vcpu, (enum kvm_reg)i) != was)
			FAIL("%s: reg %u available after assigning AVAIL_SET", backend, i);
		if (i < NR_VCPU_REGS) {
			(void)kvm_register_read(&vcpu, (enum kvm_reg)i);
			(void)kvm_register_read(&vcpu, (enum kvm_reg)i);
			if (cache_calls[i] != (was ? 0U : 1U))
				FAIL("%s: reg %u: cache_reg ran %u times", backend, i,
				     cache_calls[i]);
			kvm_register_write(&vcpu, (enum kvm_reg)i, i);
			if (!kvm_register_is_dirty(&vcpu, (enum kvm_reg)i) ||
			    !kvm_register_is_available(&vcpu, (enum kvm_reg)i))
				FAIL("%s: reg %u: write did not mark it dirty", backend, i);
		}
	}
}

#define PRINT_ENUM(name, NAME) printf("enum %s %d\n", #name, (int)NAME);
#define PRINT_SETS(l, U)                                                      \
	print_set(#l, "lazy", U##_REGS_LAZY_LOAD_SET);                        \
	print_set(#l, "avail", U##_REGS_AVAIL_SET);
#define CACHED_PATH(l, U) cached_path(#l, U##_REGS_AVAIL_SET);
#define ACCESSOR(l, U)                                                        \
	do {                                                                  \
		static struct kvm_vcpu v;                                     \
		unsigned int before;                                          \
		memset(&v, 0, sizeof(v));                                     \
		before = cache_calls[VCPU_REGS_##U];                          \
		(void)kvm_##l##_read(&v);                                     \
		kvm_##l##_write(&v, 1);                                       \
		printf("acc %s %u%d\n", #l,                                   \
		       cache_calls[VCPU_REGS_##U] - before,                   \
		       (int)kvm_register_is_dirty(&v, VCPU_REGS_##U));        \
	} while (0);

int main(void)
{
	kvm_x86_ops = &ops;
	printf("nr %d %d %d\n", (int)NR_VCPU_REGS, (int)NR_KVM_REG_BITS,
	       (int)WORDS);
	REGISTERS(PRINT_ENUM)
	KVM_BACKENDS(PRINT_SETS)
	random_walk();
	KVM_BACKENDS(CACHED_PATH)
	memset(cache_calls, 0, sizeof(cache_calls));
	GPRS(ACCESSOR)
	printf("failures %u\n", failures);
	return failures ? 1 : 0;
}
