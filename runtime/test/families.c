/* SPDX-License-Identifier: MIT */
/*
 * Linux 7.2's accessor families, one sequence of calls at a time, against the
 * headers of a 7.2-shaped spec (the c target's KVM_REGS_MODE_AWARE, _BITMAP,
 * _RIP_FIELD, _ASSERT_HOOK, and the bulk helpers): the probe
 * tests/runtime/families.test.ts drives with its table of cases. It needs no
 * simulator: one vCPU after a VM-exit, and a cache_reg that copies a
 * register from a hardware array, reached through the ops table's pointer
 * or, built with -DREGCACHE_STATIC_CALL, as a direct call.
 *
 *   families [lma=0|1] [csl=0|1] [protected=1] [irq=1] [pmi=1] [lazy=MASK]
 *            [hw:REG=VALUE ...] -- OP[:ARG[:ARG]] ...
 *
 * REG is a register number (enum kvm_reg). Hardware slot REG holds
 * 0x5eed0000000000NN (NN the number) unless hw: gives it. At VM-exit every
 * register outside `lazy` (a mask of register bits) is available with its
 * hardware value in regs[] (RIP in its own field); a register in `lazy` is
 * unavailable and its slot holds 0xbadc0ffee0dd00NN; nothing is dirty.
 * lma sets EFER.LMA, csl CS.L, protected the guest's protected state; irq=1
 * runs the ops from interrupt context, pmi=1 as a PMI VM-exit's handler.
 *
 * OPs: a GPR accessor by name (kvm_rax_read, kvm_rax_read_raw,
 * kvm_rax_write_raw:V, kvm_eax_read, kvm_eax_write:V, … for rax, rcx, rdx,
 * rbx, r8; kvm_rsp_read, kvm_rsp_write:V), kvm_rip_read, kvm_rip_write:V,
 * kvm_read_edx_eax, kvm_register_read:REG, kvm_register_write:REG:V,
 * kvm_register_read_raw:REG, kvm_register_write_raw:REG:V,
 * kvm_register_is_available:REG, kvm_register_is_dirty:REG,
 * kvm_register_mark_for_reload:REG, kvm_clear_available_registers:MASK,
 * kvm_reset_dirty_registers, is_64_bit_hypercall, slot:REG (regs[REG] as it
 * is). Each prints one JSON line: {"op", "value", "cache_reg" (calls so
 * far), "avail", "dirty", "rip", "warnings" (WARN_ON_ONCE reports),
 * "asserts" (the assertion hook's count)}. Exit 2 on a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvm_cache_regs.h"

#if !defined(KVM_REGS_MODE_AWARE) || !defined(KVM_REGS_BITMAP) ||	\
	!defined(KVM_REGS_RIP_FIELD) || !defined(KVM_REGS_ASSERT_HOOK)
#error "families.c needs the headers of a spec in Linux 7.2's shape"
#endif

bool regcache_in_interrupt;

static unsigned long long warnings;
static unsigned int cache_calls;
static u64 hw[NR_KVM_REG_BITS];

void regcache_warn(const char *condition, const char *file, int line)
{
	(void)condition;
	(void)file;
	(void)line;
	warnings++;
}

static void cache_reg(struct kvm_vcpu *vcpu, enum kvm_reg reg)
{
	cache_calls++;
	if (reg == VCPU_REG_RIP)
		vcpu->arch.rip = hw[reg];
	else if ((unsigned int)reg < NR_VCPU_REGS)
		vcpu->arch.regs[reg] = hw[reg];
	kvm_register_mark_available(vcpu, reg);
}

#ifdef REGCACHE_STATIC_CALL
/* The direct call a static call becomes. */
void kvm_x86_cache_reg(struct kvm_vcpu *vcpu, enum kvm_reg reg)
{
	cache_reg(vcpu, reg);
}
#else
static struct kvm_x86_ops ops = { .cache_reg = cache_reg };
struct kvm_x86_ops *kvm_x86_ops = &ops;
#endif

static void usage(const char *why)
{
	fprintf(stderr, "families: %s\n", why);
	exit(2);
}

static u64 number(const char *s)
{
	char *end;
	u64 v = strtoull(s, &end, 0);

	if (*s == '\0' || *end != '\0')
		usage("not a number");
	return v;
}

#define READ(fn)							\
	if (!strcmp(op, #fn))						\
		return fn(vcpu);
#define WRITE(fn, type)							\
	if (!strcmp(op, #fn)) {						\
		fn(vcpu, (type)number(a));				\
		return 0;						\
	}
#define GPR(r, e)							\
	READ(kvm_##r##_read)						\
	READ(kvm_##r##_read_raw)					\
	WRITE(kvm_##r##_write_raw, unsigned long)			\
	READ(kvm_##e##_read)						\
	WRITE(kvm_##e##_write, u32)

/* One op; returns the value it gives (0 for a writer). */
static u64 run_op(struct kvm_vcpu *vcpu, const char *op, const char *a,
		  const char *b)
{
	GPR(rax, eax)
	GPR(rcx, ecx)
	GPR(rdx, edx)
	GPR(rbx, ebx)
#ifdef CONFIG_X86_64
	READ(kvm_r8_read)
	READ(kvm_r8_read_raw)
	WRITE(kvm_r8_write_raw, unsigned long)
#endif
	READ(kvm_rsp_read)
	WRITE(kvm_rsp_write, unsigned long)
	READ(kvm_rip_read)
	WRITE(kvm_rip_write, unsigned long)
	READ(kvm_read_edx_eax)
	READ(is_64_bit_hypercall)
	if (!strcmp(op, "kvm_register_read"))
		return kvm_register_read(vcpu, (int)number(a));
	if (!strcmp(op, "kvm_register_read_raw"))
		return kvm_register_read_raw(vcpu, (int)number(a));
	if (!strcmp(op, "kvm_register_write")) {
		kvm_register_write(vcpu, (int)number(a), number(b));
		return 0;
	}
	if (!strcmp(op, "kvm_register_write_raw")) {
		kvm_register_write_raw(vcpu, (int)number(a), number(b));
		return 0;
	}
	if (!strcmp(op, "kvm_register_is_available"))
		return kvm_register_is_available(vcpu, (enum kvm_reg)number(a));
	if (!strcmp(op, "kvm_register_is_dirty"))
		return kvm_register_is_dirty(vcpu, (enum kvm_reg)number(a));
	if (!strcmp(op, "kvm_register_mark_for_reload")) {
		kvm_register_mark_for_reload(vcpu, (enum kvm_reg)number(a));
		return 0;
	}
	if (!strcmp(op, "kvm_clear_available_registers")) {
		kvm_clear_available_registers(vcpu, number(a));
		return 0;
	}
	if (!strcmp(op, "kvm_reset_dirty_registers")) {
		kvm_reset_dirty_registers(vcpu);
		return 0;
	}
	if (!strcmp(op, "slot")) {
		if (number(a) >= NR_VCPU_REGS)
			usage("slot: not a GPR");
		return vcpu->arch.regs[number(a)];
	}
	usage("unknown op");
	return 0;
}

/* VM-exit: the available registers' values in the cache, the others stale. */
static void vm_exit(struct kvm_vcpu *vcpu, u64 lazy)
{
	unsigned int reg;

	for (reg = 0; reg < NR_VCPU_REGS; reg++)
		vcpu->arch.regs[reg] = (lazy >> reg) & 1 ?
			0xbadc0ffee0dd0000ULL | reg : hw[reg];
	vcpu->arch.rip = (lazy >> VCPU_REG_RIP) & 1 ?
		0xbadc0ffee0dd0000ULL | VCPU_REG_RIP : hw[VCPU_REG_RIP];
	vcpu->arch.regs_avail[0] = ~lazy & ((1ULL << NR_KVM_REG_BITS) - 1);
	vcpu->arch.regs_dirty[0] = 0;
}

int main(int argc, char **argv)
{
	static struct kvm_vcpu v;
	struct kvm_vcpu *vcpu = &v;
	unsigned int reg;
	u64 lazy = 0;
	int arg = 1;

	for (reg = 0; reg < NR_KVM_REG_BITS; reg++)
		hw[reg] = 0x5eed000000000000ULL | reg;
	for (; arg < argc && strcmp(argv[arg], "--"); arg++) {
		char *eq = strchr(argv[arg], '=');

		if (!eq)
			usage("expected KEY=VALUE");
		*eq = '\0';
		if (!strcmp(argv[arg], "lma"))
			vcpu->arch.efer = number(eq + 1) ? EFER_LMA : 0;
		else if (!strcmp(argv[arg], "csl"))
			vcpu->arch.cs_l = number(eq + 1) != 0;
		else if (!strcmp(argv[arg], "protected"))
			vcpu->arch.guest_state_protected = number(eq + 1) != 0;
		else if (!strcmp(argv[arg], "irq"))
			regcache_in_interrupt = number(eq + 1) != 0;
		else if (!strcmp(argv[arg], "pmi"))
			vcpu->arch.handling_intr_from_guest = number(eq + 1) != 0;
		else if (!strcmp(argv[arg], "lazy"))
			lazy = number(eq + 1);
		else if (!strncmp(argv[arg], "hw:", 3) &&
			 number(argv[arg] + 3) < NR_KVM_REG_BITS)
			hw[number(argv[arg] + 3)] = number(eq + 1);
		else
			usage("unknown setting");
	}
	if (arg == argc)
		usage("no --");

	vm_exit(vcpu, lazy);
	for (arg++; arg < argc; arg++) {
		char *op = argv[arg], *a, *c = NULL;
		u64 value;

		a = strchr(op, ':');
		if (a) {
			*a++ = '\0';
			c = strchr(a, ':');
			if (c)
				*c++ = '\0';
		}
		value = run_op(vcpu, op, a ? a : "", c ? c : "");
		printf("{\"op\":\"%s\",\"value\":\"0x%llx\",\"cache_reg\":%u,"
		       "\"avail\":\"0x%llx\",\"dirty\":\"0x%llx\","
		       "\"rip\":\"0x%llx\",\"warnings\":%llu,\"asserts\":%u}\n",
		       op, (unsigned long long)value, cache_calls,
		       (unsigned long long)vcpu->arch.regs_avail[0],
		       (unsigned long long)vcpu->arch.regs_dirty[0],
		       (unsigned long long)vcpu->arch.rip, warnings,
		       vcpu->arch.caching_assert_reports);
	}
	return 0;
}
