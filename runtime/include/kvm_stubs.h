/* SPDX-License-Identifier: MIT */
/*
 * kvm_stubs.h - everything the handler suite needs besides the register cache.
 *
 * The handlers in runtime/handlers/ are KVM's exit handlers reduced to their
 * register traffic.  What they do besides reading and writing guest registers
 * (look up CPUID, access an MSR, talk to a PIO device, queue an exception,
 * trace) is reached through the extern stand-ins declared here; the behaviour
 * test links them against runtime/sim/, the size report leaves them
 * undefined.  Being extern, they keep the compiler from folding a handler
 * away, and they cost the same under every generated header, so a size
 * difference between two headers is the accessors' alone.
 *
 * kvm_host.h is the generator's contract, so the vCPU state KVM keeps in
 * kvm_vcpu_arch and vcpu_svm beyond the register cache lives in struct
 * kvm_vcpu_ext, which wraps struct kvm_vcpu; handlers reach it with
 * to_ext(), the way svm.c reaches struct vcpu_svm with to_svm().
 */
#ifndef REGCACHE_KVM_STUBS_H
#define REGCACHE_KVM_STUBS_H

#include "kvm_cache_regs.h"

#ifdef KVM_REGS_MODE_AWARE
#error "the 6.x handler suite needs a 6.x-shaped spec's headers (spec/x86-kvm-6.12.yaml); a 7.2-shaped spec's suite is handlers/7.2/ with kvm_stubs_7.2.h"
#endif

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#endif

#ifndef unlikely
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

/*
 * The kernel's pseudo-keyword for an intended switch fall-through. An
 * attribute, not a comment, so it survives preprocessing: distcc (size
 * --launcher distcc) compiles preprocessed text, where a comment is gone.
 */
#ifndef fallthrough
#define fallthrough __attribute__((__fallthrough__))
#endif

#define UD_VECTOR 6
#define GP_VECTOR 13

#define X86_EFLAGS_TF (1UL << 8)
#define X86_EFLAGS_FIXED (1UL << 1)

/* Hypercall numbers and errors (include/uapi/linux/kvm_para.h). */
#define KVM_ENOSYS 1000
#define KVM_EPERM 1
#define KVM_HC_VAPIC_POLL_IRQ 1
#define KVM_HC_KICK_CPU 5
#define KVM_HC_CLOCK_PAIRING 9
#define KVM_HC_SEND_IPI 10

/* Hyper-V hypercall input layout and the codes the suite handles. */
#include "hyperv_hypercall.h"

#define APIC_DEFAULT_PHYS_BASE 0xfee00000ULL
#define MSR_IA32_APICBASE_BSP (1ULL << 8)
#define MSR_IA32_APICBASE_ENABLE (1ULL << 11)

/* The register file KVM_GET_REGS/KVM_SET_REGS exchange with userspace. */
struct kvm_regs {
	u64 rax, rbx, rcx, rdx;
	u64 rsi, rdi, rsp, rbp;
	u64 r8, r9, r10, r11;
	u64 r12, r13, r14, r15;
	u64 rip, rflags;
};

struct msr_data {
	bool host_initiated;
	u32 index;
	u64 data;
};

/* The part of a VMCB's save area the SVM handlers touch. */
struct vmcb_save_area {
	u64 cr2, cr3, dr7, rflags;
	u64 rip, rsp, rax;
	u64 cr0, cr4;
};

struct vmcb {
	struct vmcb_save_area save;
};

struct kvm_pio_request {
	unsigned long linear_rip;
	unsigned long count;
	int in;
	int port;
	int size;
};

struct kvm_vcpu_ext {
	struct kvm_vcpu vcpu;

	/* from kvm_vcpu_arch */
	struct kvm_pio_request pio;
	int (*complete_userspace_io)(struct kvm_vcpu *vcpu);
	bool emulate_regs_need_sync_to_vcpu;
	bool emulate_regs_need_sync_from_vcpu;
	bool exception_pending;
	u64 apic_base;
	u64 microcode_version;
	u64 stat_hypercalls;

	/* from vcpu_svm */
	struct vmcb *vmcb;
	struct vmcb *hsave;
	u64 nested_vmcb;
	u64 next_rip;
};

static __always_inline struct kvm_vcpu_ext *to_ext(struct kvm_vcpu *vcpu)
{
	return container_of(vcpu, struct kvm_vcpu_ext, vcpu);
}

/* vCPU mode and privilege */
bool kvm_get_cs_l(struct kvm_vcpu *vcpu);

/* Only a 64-bit kernel has a 64-bit guest mode, as in KVM's x86.h. */
static inline bool is_64_bit_mode(struct kvm_vcpu *vcpu)
{
#ifdef CONFIG_X86_64
	return kvm_get_cs_l(vcpu);
#else
	(void)vcpu;
	return false;
#endif
}

bool is_protmode(struct kvm_vcpu *vcpu);
int kvm_x86_get_cpl(struct kvm_vcpu *vcpu);
bool kvm_require_cpl(struct kvm_vcpu *vcpu, int required_cpl);
bool cpuid_fault_enabled(struct kvm_vcpu *vcpu);
unsigned long kvm_get_rflags(struct kvm_vcpu *vcpu);
void kvm_set_rflags(struct kvm_vcpu *vcpu, unsigned long rflags);
/*
 * Stand-ins for the extended registers' readers the handlers use, where the
 * generated header defines none (x86-kvm-v5.2.yaml's, which has no
 * accessors section): the generated header #defines each reader it has.
 */
#ifndef kvm_read_cr3
unsigned long kvm_read_cr3(struct kvm_vcpu *vcpu);
#endif
#ifndef kvm_read_cr0
unsigned long kvm_read_cr0(struct kvm_vcpu *vcpu);
#endif
#ifndef kvm_read_cr4
unsigned long kvm_read_cr4(struct kvm_vcpu *vcpu);
#endif
#ifndef kvm_is_cr0_bit_set
bool kvm_is_cr0_bit_set(struct kvm_vcpu *vcpu, unsigned long cr0_bit);
#endif
#ifndef kvm_is_cr4_bit_set
bool kvm_is_cr4_bit_set(struct kvm_vcpu *vcpu, unsigned long cr4_bit);
#endif
int kvm_set_cr3(struct kvm_vcpu *vcpu, unsigned long cr3);
unsigned long kvm_get_linear_rip(struct kvm_vcpu *vcpu);
bool kvm_is_linear_rip(struct kvm_vcpu *vcpu, unsigned long linear_rip);

/* instruction completion and events */
int kvm_skip_emulated_instruction(struct kvm_vcpu *vcpu);
void kvm_queue_exception(struct kvm_vcpu *vcpu, unsigned int nr);
void kvm_inject_gp(struct kvm_vcpu *vcpu, u32 error_code);
void kvm_make_request_event(struct kvm_vcpu *vcpu);
void kvm_mmu_invlpg(struct kvm_vcpu *vcpu, unsigned long gva);
void kvm_mmu_reset_context(struct kvm_vcpu *vcpu);

/* CPUID, MSRs, XCRs, PMU */
void kvm_cpuid(struct kvm_vcpu *vcpu, u32 *eax, u32 *ebx, u32 *ecx, u32 *edx,
	       bool exact_only);
int kvm_get_msr(struct kvm_vcpu *vcpu, struct msr_data *msr);
int kvm_set_msr(struct kvm_vcpu *vcpu, struct msr_data *msr);
int kvm_set_xcr(struct kvm_vcpu *vcpu, u32 index, u64 xcr);
int kvm_pmu_rdpmc(struct kvm_vcpu *vcpu, unsigned int idx, u64 *data);

/* port I/O through the emulator */
int emulator_pio_in_emulated(struct kvm_vcpu *vcpu, int size,
			     unsigned short port, void *val,
			     unsigned int count);
int emulator_pio_out_emulated(struct kvm_vcpu *vcpu, int size,
			      unsigned short port, const void *val,
			      unsigned int count);
int complete_fast_pio_out(struct kvm_vcpu *vcpu);
int complete_fast_pio_out_port_0x7e(struct kvm_vcpu *vcpu);
void emulator_writeback_register_cache(struct kvm_vcpu *vcpu);

/* hypercalls */
bool kvm_hv_hypercall_enabled(struct kvm_vcpu *vcpu);
void kvm_pv_kick_cpu_op(struct kvm_vcpu *vcpu, unsigned long flags,
			int apicid);
int kvm_pv_clock_pairing(struct kvm_vcpu *vcpu, unsigned long paddr,
			 unsigned long clock_type);
int kvm_pv_send_ipi(struct kvm_vcpu *vcpu, unsigned long ipi_bitmap_low,
		    unsigned long ipi_bitmap_high, u32 min,
		    unsigned long icr, int op_64_bit);
void kvm_vcpu_on_spin(struct kvm_vcpu *vcpu, bool yield_to_kernel_mode);
u16 kvm_hvcall_signal_event(struct kvm_vcpu *vcpu, bool fast, u64 param);
u16 kvm_hv_flush_tlb(struct kvm_vcpu *vcpu, u64 ingpa, u16 rep_cnt);
bool kvm_hv_synic_active(struct kvm_vcpu *vcpu);
void kvm_hv_exit_to_userspace(struct kvm_vcpu *vcpu, u64 param, u64 ingpa,
			      u64 outgpa);

/* SVM */
struct vmcb *nested_svm_map_vmcb(struct kvm_vcpu *vcpu, u64 gpa);
void init_vmcb(struct kvm_vcpu *vcpu);
bool kvm_vcpu_is_reset_bsp(struct kvm_vcpu *vcpu);
bool kvm_vcpu_apicv_active(struct kvm_vcpu *vcpu);
void avic_update_vapic_bar(struct kvm_vcpu *vcpu, u64 data);
bool npt_enabled(void);

/* tracepoints: each records its arguments */
void trace_kvm_hypercall(unsigned long nr, unsigned long a0, unsigned long a1,
			 unsigned long a2, unsigned long a3);
void trace_kvm_hv_hypercall(u16 code, bool fast, u16 rep_cnt, u16 rep_idx,
			    u64 ingpa, u64 outgpa);
void trace_kvm_msr(int write, u32 ecx, u64 data, bool exception);
void trace_kvm_invlpga(u64 rip, unsigned long asid, u64 address);
void trace_kvm_skinit(u64 rip, unsigned long slb);

/*
 * The handler suite (runtime/handlers/HANDLERS lists file and function).
 * Kernel names; the SVM ones take a kvm_vcpu as they do since Linux 5.12.
 */
int kvm_emulate_cpuid(struct kvm_vcpu *vcpu);
int kvm_emulate_hypercall(struct kvm_vcpu *vcpu);
int kvm_hv_hypercall(struct kvm_vcpu *vcpu);
void kvm_hv_hypercall_set_result(struct kvm_vcpu *vcpu, u64 result);
int rdmsr_interception(struct kvm_vcpu *vcpu);
int wrmsr_interception(struct kvm_vcpu *vcpu);
bool kvm_rdpmc(struct kvm_vcpu *vcpu);
int kvm_fast_pio_out(struct kvm_vcpu *vcpu, int size, unsigned short port);
int kvm_fast_pio_in(struct kvm_vcpu *vcpu, int size, unsigned short port);
int complete_fast_pio_in(struct kvm_vcpu *vcpu);
int xsetbv_interception(struct kvm_vcpu *vcpu);
int handle_xsetbv(struct kvm_vcpu *vcpu);
void __get_regs(struct kvm_vcpu *vcpu, struct kvm_regs *regs);
void __set_regs(struct kvm_vcpu *vcpu, struct kvm_regs *regs);
void svm_vcpu_reset(struct kvm_vcpu *vcpu, bool init_event);
int nested_svm_vmexit(struct kvm_vcpu *vcpu);
void enter_svm_guest_mode(struct kvm_vcpu *vcpu, u64 vmcb_gpa,
			  struct vmcb *nested_vmcb);
int invlpga_interception(struct kvm_vcpu *vcpu);
int skinit_interception(struct kvm_vcpu *vcpu);

#endif /* REGCACHE_KVM_STUBS_H */
