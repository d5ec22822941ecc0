/* SPDX-License-Identifier: MIT */
/*
 * kvm_stubs_7.2.h - what the Linux 7.2 handler suite (runtime/handlers/7.2/)
 * needs besides the register cache.
 *
 * The 7.2 suite is KVM 7.2's exit handlers reduced to their register
 * traffic, compiled against the c output of a 7.2-shaped spec
 * (spec/x86-kvm.yaml): the masked family, the raw pair,
 * the 32-bit pair, RIP in its own field.  Everything else a handler does is
 * an extern stand-in declared here, as kvm_stubs.h does for the 6.x suite:
 * the compiler cannot fold a handler away, and a stand-in costs the same
 * under every header.  Stand-ins carry 7.2's names where 7.2 reaches a
 * backend through kvm_x86_call() (kvm_x86_get_cpl,
 * kvm_x86_complete_emulated_msr): the runtime's kvm_host.h routes only
 * cache_reg through its ops table.
 *
 * The two stubs headers are separate because 7.2's mode helpers
 * (is_64_bit_mode, is_64_bit_hypercall) come from kvm_host.h with a 7.2
 * header and from kvm_stubs.h's stand-in with a 6.x one.  A 6.x-shaped
 * header is refused here, so the 7.2 suite cannot silently build against
 * 6.x's accessors.
 *
 * State 7.2 keeps in kvm_vcpu_arch, kvm_run and vcpu_svm beyond the
 * register cache lives in struct kvm_vcpu_ext72, which wraps struct
 * kvm_vcpu; handlers reach it with to_ext72().
 */
#ifndef REGCACHE_KVM_STUBS_7_2_H
#define REGCACHE_KVM_STUBS_7_2_H

#include "kvm_cache_regs.h"

#if !defined(KVM_REGS_MODE_AWARE) || !defined(KVM_REGS_RIP_FIELD)
#error "the 7.2 handler suite needs a 7.2-shaped spec's headers (KVM_REGS_MODE_AWARE, KVM_REGS_RIP_FIELD)"
#endif

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#endif

/* An attribute, not a comment, so it survives preprocessing (distcc). */
#ifndef fallthrough
#define fallthrough __attribute__((__fallthrough__))
#endif

#define UD_VECTOR 6
#define GP_VECTOR 13

#define X86_EFLAGS_FIXED (1UL << 1)

/* Hypercall numbers, errors and exit flags (include/uapi/linux/kvm_para.h). */
#define KVM_ENOSYS 1000
#define KVM_EINVAL 22
#define KVM_EPERM 1
#define KVM_HC_VAPIC_POLL_IRQ 1
#define KVM_HC_KICK_CPU 5
#define KVM_HC_CLOCK_PAIRING 9
#define KVM_HC_SEND_IPI 10
#define KVM_HC_SCHED_YIELD 11
#define KVM_HC_MAP_GPA_RANGE 12
#define KVM_FEATURE_PV_UNHALT 7
#define KVM_FEATURE_PV_SEND_IPI 11
#define KVM_FEATURE_PV_SCHED_YIELD 13

/* Hyper-V hypercall input layout and the codes the suite handles. */
#include "hyperv_hypercall.h"
#define HV_HYPERCALL_VARHEAD_OFFSET 17
#define HV_HYPERCALL_VARHEAD_MASK (0x3ffULL << HV_HYPERCALL_VARHEAD_OFFSET)

/* The register file KVM_GET_REGS/KVM_SET_REGS exchange with userspace. */
struct kvm_regs {
	u64 rax, rbx, rcx, rdx;
	u64 rsi, rdi, rsp, rbp;
	u64 r8, r9, r10, r11;
	u64 r12, r13, r14, r15;
	u64 rip, rflags;
};

/* A Hyper-V hypercall's decoded input (hyperv.c's struct kvm_hv_hcall). */
struct kvm_hv_hcall {
	u64 param, ingpa, outgpa;
	u16 code, var_cnt, rep_cnt, rep_idx;
	bool fast, rep;
};

/* The part of a VMCB's save area the SVM handlers touch. */
struct vmcb_save_area {
	u64 cr0, cr2, cr3, cr4, dr7, rflags;
	u64 rip, rsp, rax;
};

struct vmcb {
	struct vmcb_save_area save;
};

struct kvm_vcpu_ext72 {
	struct kvm_vcpu vcpu;

	/* from kvm_vcpu_arch */
	int (*complete_userspace_io)(struct kvm_vcpu *vcpu);
	unsigned long cui_linear_rip;
	int cui_rdmsr_imm_reg;
	int pio_count;
	int pio_size;
	bool emulate_regs_need_sync_to_vcpu;
	bool emulate_regs_need_sync_from_vcpu;
	bool exception_pending;
	bool exception_vmexit_pending;
	u64 stat_hypercalls;

	/* from kvm_run: the answers userspace gives on re-entry */
	u64 run_hypercall_ret;
	u64 run_msr_data;
	u8 run_msr_error;

	/* from vcpu_svm: vmcb01, the vmcb12 cache and vmcb02 */
	struct vmcb *vmcb01;
	struct vmcb *vmcb02;
	struct vmcb_save_area nested_save;
	u64 nested_vmcb12_gpa;
};

static __always_inline struct kvm_vcpu_ext72 *to_ext72(struct kvm_vcpu *vcpu)
{
	return container_of(vcpu, struct kvm_vcpu_ext72, vcpu);
}

/* vCPU mode and privilege (kvm_x86_call(get_cpl) in 7.2) */
int kvm_x86_get_cpl(struct kvm_vcpu *vcpu);
bool is_protmode(struct kvm_vcpu *vcpu);
bool kvm_is_cpuid_allowed(struct kvm_vcpu *vcpu);
unsigned long kvm_get_rflags(struct kvm_vcpu *vcpu);
void kvm_set_rflags(struct kvm_vcpu *vcpu, unsigned long rflags);
unsigned long kvm_get_linear_rip(struct kvm_vcpu *vcpu);
bool kvm_is_linear_rip(struct kvm_vcpu *vcpu, unsigned long linear_rip);

/* instruction completion and events */
int kvm_skip_emulated_instruction(struct kvm_vcpu *vcpu);
void kvm_queue_exception(struct kvm_vcpu *vcpu, unsigned int nr);
void kvm_queue_exception_e(struct kvm_vcpu *vcpu, unsigned int nr,
			   u32 error_code);
void kvm_inject_gp(struct kvm_vcpu *vcpu, u32 error_code);
void kvm_make_request_event(struct kvm_vcpu *vcpu);
void kvm_mmu_invlpg(struct kvm_vcpu *vcpu, unsigned long gva);

/* CPUID, MSRs, XCRs, PMU */
void kvm_cpuid(struct kvm_vcpu *vcpu, u32 *eax, u32 *ebx, u32 *ecx, u32 *edx,
	       bool exact_only);
u32 kvm_cpuid_signature(struct kvm_vcpu *vcpu);
int kvm_emulate_msr_read(struct kvm_vcpu *vcpu, u32 index, u64 *data);
int kvm_emulate_msr_write(struct kvm_vcpu *vcpu, u32 index, u64 data);
bool kvm_msr_user_space(struct kvm_vcpu *vcpu, u32 index, bool write,
			u64 data, int (*completion)(struct kvm_vcpu *vcpu),
			int r);
int kvm_x86_complete_emulated_msr(struct kvm_vcpu *vcpu, int err);
int complete_fast_rdmsr(struct kvm_vcpu *vcpu);
int complete_fast_msr_access(struct kvm_vcpu *vcpu);
int __kvm_set_xcr(struct kvm_vcpu *vcpu, u32 index, u64 xcr);
int kvm_pmu_rdpmc(struct kvm_vcpu *vcpu, unsigned int idx, u64 *data);

/* port I/O through the emulator */
int emulator_pio_in(struct kvm_vcpu *vcpu, int size, unsigned short port,
		    void *val, unsigned int count);
int emulator_pio_out(struct kvm_vcpu *vcpu, int size, unsigned short port,
		     const void *val, unsigned int count);
void complete_emulator_pio_in(struct kvm_vcpu *vcpu, void *val);
bool kvm_quirk_out_7e_inc_rip(struct kvm_vcpu *vcpu);
int complete_fast_pio_out(struct kvm_vcpu *vcpu);
int complete_fast_pio_out_port_0x7e(struct kvm_vcpu *vcpu);
void emulator_writeback_register_cache(struct kvm_vcpu *vcpu);

/* hypercalls */
bool kvm_xen_hypercall_enabled(struct kvm_vcpu *vcpu);
int kvm_xen_hypercall(struct kvm_vcpu *vcpu);
bool kvm_hv_hypercall_enabled(struct kvm_vcpu *vcpu);
bool guest_pv_has(struct kvm_vcpu *vcpu, unsigned int feature);
void kvm_pv_kick_cpu_op(struct kvm_vcpu *vcpu, int apicid);
void kvm_sched_yield(struct kvm_vcpu *vcpu, unsigned long dest_id);
int kvm_pv_clock_pairing(struct kvm_vcpu *vcpu, unsigned long paddr,
			 unsigned long clock_type);
int kvm_pv_send_ipi(struct kvm_vcpu *vcpu, unsigned long ipi_bitmap_low,
		    unsigned long ipi_bitmap_high, u32 min,
		    unsigned long icr, int op_64_bit);
bool kvm_hypercall_map_gpa_range_exit(struct kvm_vcpu *vcpu, u64 gpa,
				      u64 npages, u64 attrs, int op_64_bit);
void kvm_vcpu_on_spin(struct kvm_vcpu *vcpu, bool yield_to_kernel_mode);
u64 kvm_hvcall_signal_event(struct kvm_vcpu *vcpu, struct kvm_hv_hcall *hc);
u64 kvm_hv_flush_tlb(struct kvm_vcpu *vcpu, struct kvm_hv_hcall *hc);
bool kvm_hv_synic_active(struct kvm_vcpu *vcpu);
int kvm_hv_hypercall_userspace_exit(struct kvm_vcpu *vcpu,
				    struct kvm_hv_hcall *hc);

/*
 * x86.h's wrapper: run the hypercall, and when it was handled in the
 * kernel (a positive result) complete it at once.
 */
#define __kvm_emulate_hypercall(_vcpu, cpl, complete_hypercall)		\
	({								\
		int __ret;						\
		__ret = ____kvm_emulate_hypercall(_vcpu, cpl,		\
						  complete_hypercall);	\
		if (__ret > 0)						\
			__ret = complete_hypercall(_vcpu);		\
		__ret;							\
	})

/* SVM */
int nested_svm_check_permissions(struct kvm_vcpu *vcpu);
bool nested_svm_vmrun_prepare(struct kvm_vcpu *vcpu, u64 vmcb12_gpa);
int nested_svm_load_cr3(struct kvm_vcpu *vcpu, unsigned long cr3,
			bool from_vmrun);
int nested_svm_vmexit_map_vmcb12(struct kvm_vcpu *vcpu, struct vmcb **vmcb12);
void svm_set_efer_cr0_cr4(struct kvm_vcpu *vcpu,
			  const struct vmcb_save_area *save);
void kvm_make_request_triple_fault(struct kvm_vcpu *vcpu);
bool npt_enabled(void);
void kvm_vcpu_reset_state(struct kvm_vcpu *vcpu, bool init_event);
void kvm_vcpu_reset_control(struct kvm_vcpu *vcpu, bool init_event,
			    unsigned long old_cr0);
void kvm_x86_vcpu_reset(struct kvm_vcpu *vcpu, bool init_event);

/* tracepoints: each records its arguments */
void trace_kvm_hypercall(unsigned long nr, unsigned long a0, unsigned long a1,
			 unsigned long a2, unsigned long a3);
void trace_kvm_hv_hypercall(u16 code, bool fast, u16 var_cnt, u16 rep_cnt,
			    u16 rep_idx, u64 ingpa, u64 outgpa);
void trace_kvm_msr_read(u32 ecx, u64 data);
void trace_kvm_msr_read_ex(u32 ecx);
void trace_kvm_msr_write(u32 ecx, u64 data);
void trace_kvm_msr_write_ex(u32 ecx, u64 data);
void trace_kvm_invlpga(u64 rip, u32 asid, u64 address);
void trace_kvm_skinit(u64 rip, u32 slb);

/*
 * The 7.2 handler suite (runtime/handlers/7.2/handlers.json lists file and
 * function).  7.2's names; functions static in 7.2 whose register traffic
 * the suite measures are non-static here.
 */
int kvm_emulate_cpuid(struct kvm_vcpu *vcpu);
int ____kvm_emulate_hypercall(struct kvm_vcpu *vcpu, int cpl,
			      int (*complete_hypercall)(struct kvm_vcpu *));
int complete_hypercall_exit(struct kvm_vcpu *vcpu);
int kvm_emulate_hypercall(struct kvm_vcpu *vcpu);
int kvm_hv_hypercall(struct kvm_vcpu *vcpu);
void kvm_hv_hypercall_set_result(struct kvm_vcpu *vcpu, u64 result);
int kvm_emulate_rdmsr(struct kvm_vcpu *vcpu);
int kvm_emulate_rdmsr_imm(struct kvm_vcpu *vcpu, u32 msr, int reg);
int complete_fast_rdmsr_imm(struct kvm_vcpu *vcpu);
int kvm_emulate_wrmsr(struct kvm_vcpu *vcpu);
int kvm_emulate_wrmsr_imm(struct kvm_vcpu *vcpu, u32 msr, int reg);
int kvm_emulate_rdpmc(struct kvm_vcpu *vcpu);
int kvm_fast_pio_out(struct kvm_vcpu *vcpu, int size, unsigned short port);
int complete_fast_pio_in(struct kvm_vcpu *vcpu);
int kvm_fast_pio_in(struct kvm_vcpu *vcpu, int size, unsigned short port);
int kvm_fast_pio(struct kvm_vcpu *vcpu, int size, unsigned short port, int in);
int kvm_emulate_xsetbv(struct kvm_vcpu *vcpu);
void __get_regs(struct kvm_vcpu *vcpu, struct kvm_regs *regs);
void __set_regs(struct kvm_vcpu *vcpu, struct kvm_regs *regs);
int nested_svm_vmrun(struct kvm_vcpu *vcpu);
int enter_svm_guest_mode(struct kvm_vcpu *vcpu, u64 vmcb12_gpa,
			 bool from_vmrun);
void nested_svm_vmexit(struct kvm_vcpu *vcpu);
int invlpga_interception(struct kvm_vcpu *vcpu);
int skinit_interception(struct kvm_vcpu *vcpu);
void kvm_vcpu_reset(struct kvm_vcpu *vcpu, bool init_event);

#endif /* REGCACHE_KVM_STUBS_7_2_H */
