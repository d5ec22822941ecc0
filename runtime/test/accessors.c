/* SPDX-License-Identifier: MIT */
/*
 * The extended registers' readers and the raw cached pair, one sequence of
 * calls at a time, on a simulated backend: the behaviour test's probe
 * (tests/runtime/accessors.test.ts holds the table of cases and what each
 * must give).  Built like the driver, against a spec's headers, with or
 * without -DREGCACHE_STATIC_CALL.
 *
 *   accessors BACKEND [owned0=MASK] [owned4=MASK] [hw:REG=VALUE ...]
 *             [pdpte:I=VALUE ...] -- OP[:ARG[:ARG]] ...
 *
 * REG is a register number (enum kvm_reg); every other hardware slot holds
 * 0x5eed0000000000NN (NN the register number).  OPs: read_cr0_bits:MASK,
 * read_cr4_bits:MASK, is_cr0_bit_set:BIT, is_cr4_bit_set:BIT, read_cr0,
 * read_cr4, read_cr3, pdptr_read:I, pdptr_write:I:VALUE, read_raw:REG,
 * write_raw:REG:VALUE, rip_read, rsp_read.  After VM-exit each op prints
 * one JSON line {"op", "value", "cache_reg"} (cache_reg: calls so far, by
 * register number); a last line gives {"warnings", "regs"}.  Exit 2 on a
 * usage error.
 */
#include <stdio.h>
#include <stdlib.h>

#include "sim.h"

static void usage(const char *why)
{
	fprintf(stderr, "accessors: %s\n", why);
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

static void print_calls(const struct sim_vcpu *sv)
{
	unsigned int reg;

	printf("[");
	for (reg = 0; reg < NR_KVM_REG_BITS; reg++)
		printf("%s%u", reg ? "," : "", sv->cache_calls[reg]);
	printf("]");
}

/* One op; returns the value it gives (0 for a writer). */
static u64 run_op(struct kvm_vcpu *vcpu, const char *op, const char *a,
		  const char *b)
{
	if (!strcmp(op, "read_cr0_bits"))
		return kvm_read_cr0_bits(vcpu, number(a));
	if (!strcmp(op, "read_cr4_bits"))
		return kvm_read_cr4_bits(vcpu, number(a));
	/* kvm_is_cr*_bit_set want a constant; these dispatch to one. */
#define BIT_CASES(opname, name)						\
	if (!strcmp(op, opname)) {					\
		switch (number(a)) {					\
		case X86_CR0_PE: return name(vcpu, X86_CR0_PE);		\
		case X86_CR0_TS: return name(vcpu, X86_CR0_TS);		\
		case X86_CR4_PCE: return name(vcpu, X86_CR4_PCE);	\
		case X86_CR4_OSXSAVE: return name(vcpu, X86_CR4_OSXSAVE); \
		}							\
		usage("bit not in the probe's list");			\
	}
	BIT_CASES("is_cr0_bit_set", kvm_is_cr0_bit_set)
	BIT_CASES("is_cr4_bit_set", kvm_is_cr4_bit_set)
	if (!strcmp(op, "read_cr0"))
		return kvm_read_cr0(vcpu);
	if (!strcmp(op, "read_cr4"))
		return kvm_read_cr4(vcpu);
	if (!strcmp(op, "read_cr3"))
		return kvm_read_cr3(vcpu);
	if (!strcmp(op, "pdptr_read"))
		return kvm_pdptr_read(vcpu, (int)number(a));
	if (!strcmp(op, "pdptr_write")) {
		kvm_pdptr_write(vcpu, (int)number(a), number(b));
		return 0;
	}
	if (!strcmp(op, "read_raw"))
		return kvm_register_read_raw(vcpu, (int)number(a));
	if (!strcmp(op, "write_raw")) {
		kvm_register_write_raw(vcpu, (int)number(a), number(b));
		return 0;
	}
	if (!strcmp(op, "rip_read"))
		return kvm_rip_read(vcpu);
	if (!strcmp(op, "rsp_read"))
		return kvm_rsp_read(vcpu);
	usage("unknown op");
	return 0;
}

int main(int argc, char **argv)
{
	static struct sim_vcpu sv;
	struct kvm_vcpu *vcpu = &sv.ext.vcpu;
	const struct sim_backend *b = NULL;
	unsigned int i, reg;
	int arg = 2;

	if (argc < 2)
		usage("no backend");
	for (i = 0; i < sim_nr_backends; i++)
		if (!strcmp(sim_backends[i].name, argv[1]))
			b = &sim_backends[i];
	if (!b)
		usage("unknown backend");

	sv.backend = b;
	for (reg = 0; reg < NR_KVM_REG_BITS; reg++)
		*b->slot(&sv.hw, reg) = 0x5eed000000000000ULL | reg;
	for (; arg < argc && strcmp(argv[arg], "--"); arg++) {
		char *eq = strchr(argv[arg], '=');

		if (!eq)
			usage("expected KEY=VALUE");
		*eq = '\0';
		if (!strcmp(argv[arg], "owned0"))
			vcpu->arch.cr0_guest_owned_bits = number(eq + 1);
		else if (!strcmp(argv[arg], "owned4"))
			vcpu->arch.cr4_guest_owned_bits = number(eq + 1);
		else if (!strncmp(argv[arg], "hw:", 3) &&
			 number(argv[arg] + 3) < NR_KVM_REG_BITS)
			*b->slot(&sv.hw, (unsigned int)number(argv[arg] + 3)) =
				number(eq + 1);
		else if (!strncmp(argv[arg], "pdpte:", 6) &&
			 number(argv[arg] + 6) >= 1 && number(argv[arg] + 6) <= 3)
			sv.hw_pdpte[number(argv[arg] + 6) - 1] = number(eq + 1);
		else
			usage("unknown setting");
	}
	if (arg == argc)
		usage("no --");

	sim_install_backend(b);
	sim_set_running(vcpu);
	sim_vm_exit(&sv, b->lazy, b->kvm_lazy);
	for (arg++; arg < argc; arg++) {
		char *op = argv[arg], *a = NULL, *c = NULL;
		u64 value;

		a = strchr(op, ':');
		if (a) {
			*a++ = '\0';
			c = strchr(a, ':');
			if (c)
				*c++ = '\0';
		}
		value = run_op(vcpu, op, a ? a : "", c ? c : "");
		printf("{\"op\":\"%s\",\"value\":\"0x%llx\",\"cache_reg\":", op,
		       (unsigned long long)value);
		print_calls(&sv);
		printf("}\n");
	}
	printf("{\"warnings\":%llu,\"regs\":[", (unsigned long long)sim_warnings);
	for (reg = 0; reg < NR_VCPU_REGS; reg++)
		printf("%s\"0x%llx\"", reg ? "," : "",
		       (unsigned long long)vcpu->arch.regs[reg]);
	printf("]}\n");
	return 0;
}
