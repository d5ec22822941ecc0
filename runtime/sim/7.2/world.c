/* SPDX-License-Identifier: MIT */
/*
 * The stand-ins kvm_stubs_7.2.h declares, emulated for the simulator: each
 * hashes what it is given (a poison value is a fault) and answers from the
 * case's stand-in state (sim72.env).  Where a handler must have handed a
 * stand-in a value the simulator can predict from the case's hardware and
 * the guest's mode (a CPUID leaf, hypercall arguments, an MSR index, a
 * port value, a VMRUN address), the stand-in checks it (sim72_expect):
 * masked reads against sim72_mask_of_mode(), raw reads at full width, the
 * 32-bit pair at 32 bits in every mode.
 */
#include "sim.h"

u32 sim72_cpuid_out[4];
u64 sim72_msr_read_value;
u64 sim72_wrmsr_want;

enum {
	T_CPUID = 1, T_MSR, T_XCR, T_PMC, T_PIO, T_HC, T_HV, T_SVM, T_RESET,
	T_RFLAGS,
};

#define ENV (sim72.env)
#define EXT (sim72.ext)

static u64 lo32(unsigned int reg)
{
	return (u32)sim72_hw0(reg);
}

static bool on_tdx(void)
{
	return sim72.backend->id == SIM72_TDX;
}

int kvm_x86_get_cpl(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	return (int)ENV.cpl;
}

bool is_protmode(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	return ENV.protmode;
}

bool kvm_is_cpuid_allowed(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	return !ENV.cpuid_fault;
}

/* A TD's RFLAGS cannot be read (vt_get_rflags gives 0) nor written. */
unsigned long kvm_get_rflags(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	return on_tdx() ? 0 : sim72_read(VCPU_REG_RFLAGS);
}

void kvm_set_rflags(struct kvm_vcpu *vcpu, unsigned long rflags)
{
	(void)vcpu;
	sim72_note(T_RFLAGS, rflags);
	if (!on_tdx())
		sim72_write(VCPU_REG_RFLAGS, rflags);
}

/* A guest with protected state has no readable RIP: 0, and always "there". */
unsigned long kvm_get_linear_rip(struct kvm_vcpu *vcpu)
{
	if (vcpu->arch.guest_state_protected)
		return 0;
	return sim72_read(VCPU_REG_RIP);
}

bool kvm_is_linear_rip(struct kvm_vcpu *vcpu, unsigned long linear_rip)
{
	if (vcpu->arch.guest_state_protected)
		return true;
	return kvm_get_linear_rip(vcpu) == linear_rip;
}

int kvm_skip_emulated_instruction(struct kvm_vcpu *vcpu)
{
	ENV.skips++;
	if (!vcpu->arch.guest_state_protected)
		sim72_write(VCPU_REG_RIP, sim72_read(VCPU_REG_RIP) + ENV.insn_len);
	return 1;
}

void kvm_queue_exception(struct kvm_vcpu *vcpu, unsigned int nr)
{
	(void)vcpu;
	ENV.exception = nr + 1;
}

void kvm_queue_exception_e(struct kvm_vcpu *vcpu, unsigned int nr,
			   u32 error_code)
{
	(void)vcpu;
	ENV.exception = nr + 1;
	ENV.error_code = error_code;
}

void kvm_inject_gp(struct kvm_vcpu *vcpu, u32 error_code)
{
	kvm_queue_exception_e(vcpu, GP_VECTOR, error_code);
}

void kvm_make_request_event(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	ENV.requests++;
}

/* INVLPGA's address: RAX masked to the mode's width. */
void kvm_mmu_invlpg(struct kvm_vcpu *vcpu, unsigned long gva)
{
	(void)vcpu;
	sim72_expect(T_SVM, gva, sim72_hw0(VCPU_REGS_RAX) & sim72_mask_of_mode());
	ENV.invlpg_gva = gva;
}

u64 sim72_cpuid_answer(u32 leaf, unsigned int i)
{
	return (u32)((leaf * 0x9e3779b9U) ^ (0x1111U << (4 * i)) ^ (u32)ENV.signature);
}

/* CPUID's leaf and subleaf: the low halves of RAX and RCX, in every mode. */
void kvm_cpuid(struct kvm_vcpu *vcpu, u32 *eax, u32 *ebx, u32 *ecx, u32 *edx,
	       bool exact_only)
{
	u32 leaf = *eax;
	unsigned int i;

	(void)vcpu;
	(void)exact_only;
	sim72_expect(T_CPUID, *eax, lo32(VCPU_REGS_RAX));
	sim72_expect(T_CPUID, *ecx, lo32(VCPU_REGS_RCX));
	for (i = 0; i < 4; i++)
		sim72_cpuid_out[i] = (u32)sim72_cpuid_answer(leaf, i);
	*eax = sim72_cpuid_out[0];
	*ebx = sim72_cpuid_out[1];
	*ecx = sim72_cpuid_out[2];
	*edx = sim72_cpuid_out[3];
}

u32 kvm_cpuid_signature(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	return (u32)ENV.signature;
}

int kvm_emulate_msr_read(struct kvm_vcpu *vcpu, u32 index, u64 *data)
{
	(void)vcpu;
	sim72_note(T_MSR, index);
	if (index != (u32)ENV.msr_known)
		return 1;
	*data = sim72_msr_read_value = ENV.msr_data;
	return 0;
}

/* The value a WRMSR hands over, as the driver predicted it for the case. */
int kvm_emulate_msr_write(struct kvm_vcpu *vcpu, u32 index, u64 data)
{
	(void)vcpu;
	sim72_note(T_MSR, index);
	sim72_expect(T_MSR, data, sim72_wrmsr_want);
	if (index != (u32)ENV.msr_known)
		return 1;
	ENV.msr_data = data;
	return 0;
}

bool kvm_msr_user_space(struct kvm_vcpu *vcpu, u32 index, bool write,
			u64 data, int (*completion)(struct kvm_vcpu *vcpu),
			int r)
{
	(void)vcpu;
	sim72_note(T_MSR, index ^ ((u64)write << 32) ^ (u64)r);
	sim72_note(T_MSR, data);
	if (!ENV.msr_user)
		return false;
	to_ext72(vcpu)->complete_userspace_io = completion;
	return true;
}

int kvm_x86_complete_emulated_msr(struct kvm_vcpu *vcpu, int err)
{
	if (err) {
		kvm_inject_gp(vcpu, 0);
		return 1;
	}
	return kvm_skip_emulated_instruction(vcpu);
}

int complete_fast_msr_access(struct kvm_vcpu *vcpu)
{
	return kvm_x86_complete_emulated_msr(vcpu, to_ext72(vcpu)->run_msr_error);
}

int complete_fast_rdmsr(struct kvm_vcpu *vcpu)
{
	return complete_fast_msr_access(vcpu);
}

/* XSETBV: index from ECX, value from EDX:EAX, 32-bit halves in every mode. */
int __kvm_set_xcr(struct kvm_vcpu *vcpu, u32 index, u64 xcr)
{
	(void)vcpu;
	sim72_expect(T_XCR, index, lo32(VCPU_REGS_RCX));
	sim72_expect(T_XCR, xcr, lo32(VCPU_REGS_RAX) | lo32(VCPU_REGS_RDX) << 32);
	if (index != 0 || !(xcr & 1) || (xcr & ~0x2e7ULL))
		return 1;
	ENV.xcr0 = xcr;
	return 0;
}

int kvm_pmu_rdpmc(struct kvm_vcpu *vcpu, unsigned int idx, u64 *data)
{
	(void)vcpu;
	sim72_expect(T_PMC, idx, lo32(VCPU_REGS_RCX));
	if ((idx & 0xff) >= 4)
		return 1;
	*data = ENV.pmc ^ idx;
	return 0;
}

/* An in-kernel device answers on 0x60-0x6f; other ports go to userspace. */
static bool pio_dev(unsigned short port)
{
	return port >= 0x60 && port < 0x70;
}

static void pio_merge(void *val, int size, u64 data)
{
	memcpy(val, &data, (size_t)size);
}

int emulator_pio_in(struct kvm_vcpu *vcpu, int size, unsigned short port,
		    void *val, unsigned int count)
{
	struct kvm_vcpu_ext72 *ext = to_ext72(vcpu);
	unsigned long v;

	(void)count;
	memcpy(&v, val, sizeof(v));
	/* An IN narrower than 4 bytes starts from RAX at full width. */
	sim72_expect(T_PIO, v, size < 4 ? sim72_hw0(VCPU_REGS_RAX) : 0);
	sim72_note(T_PIO, port);
	if (pio_dev(port)) {
		pio_merge(val, size, ENV.pio_in_data);
		return 1;
	}
	ext->pio_count = 1;
	ext->pio_size = size;
	return 0;
}

void complete_emulator_pio_in(struct kvm_vcpu *vcpu, void *val)
{
	struct kvm_vcpu_ext72 *ext = to_ext72(vcpu);

	pio_merge(val, ext->pio_size, ENV.pio_in_data);
	ext->pio_count = 0;
}

/* An OUT's data: RAX at full width (the raw pair), whatever the mode. */
int emulator_pio_out(struct kvm_vcpu *vcpu, int size, unsigned short port,
		     const void *val, unsigned int count)
{
	unsigned long v;

	(void)vcpu;
	(void)count;
	memcpy(&v, val, sizeof(v));
	sim72_expect(T_PIO, v, sim72_hw0(VCPU_REGS_RAX));
	sim72_note(T_PIO, (u64)size << 16 | port);
	return pio_dev(port);
}

bool kvm_quirk_out_7e_inc_rip(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	return ENV.quirk_7e;
}

int complete_fast_pio_out(struct kvm_vcpu *vcpu)
{
	return kvm_skip_emulated_instruction(vcpu);
}

int complete_fast_pio_out_port_0x7e(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	return 1;
}

void emulator_writeback_register_cache(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	ENV.requests += 0x10000;
}

bool kvm_xen_hypercall_enabled(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	return ENV.xen;
}

int kvm_xen_hypercall(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	sim72_note(T_HC, 0xe);
	return 1;
}

bool kvm_hv_hypercall_enabled(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	return ENV.hv_enabled;
}

bool guest_pv_has(struct kvm_vcpu *vcpu, unsigned int feature)
{
	(void)vcpu;
	return (ENV.pv_features >> feature) & 1;
}

void kvm_pv_kick_cpu_op(struct kvm_vcpu *vcpu, int apicid)
{
	(void)vcpu;
	sim72_note(T_HC, (u64)(unsigned int)apicid);
}

void kvm_sched_yield(struct kvm_vcpu *vcpu, unsigned long dest_id)
{
	(void)vcpu;
	sim72_note(T_HC, dest_id);
}

int kvm_pv_clock_pairing(struct kvm_vcpu *vcpu, unsigned long paddr,
			 unsigned long clock_type)
{
	(void)vcpu;
	sim72_note(T_HC, paddr);
	sim72_note(T_HC, clock_type);
	return (int)(clock_type & 1) ? -KVM_EINVAL : 0;
}

int kvm_pv_send_ipi(struct kvm_vcpu *vcpu, unsigned long ipi_bitmap_low,
		    unsigned long ipi_bitmap_high, u32 min,
		    unsigned long icr, int op_64_bit)
{
	(void)vcpu;
	sim72_note(T_HC, ipi_bitmap_low);
	sim72_note(T_HC, ipi_bitmap_high);
	sim72_note(T_HC, min);
	sim72_note(T_HC, icr);
	sim72_expect(T_HC, (u64)op_64_bit, sim72_hypercall_64());
	return __builtin_popcountl(ipi_bitmap_low);
}

bool kvm_hypercall_map_gpa_range_exit(struct kvm_vcpu *vcpu, u64 gpa,
				      u64 npages, u64 attrs, int op_64_bit)
{
	(void)vcpu;
	sim72_note(T_HC, gpa);
	sim72_note(T_HC, npages);
	sim72_note(T_HC, attrs);
	sim72_expect(T_HC, (u64)op_64_bit, sim72_hypercall_64());
	return ENV.msr_user;
}

void kvm_vcpu_on_spin(struct kvm_vcpu *vcpu, bool yield_to_kernel_mode)
{
	(void)vcpu;
	sim72_note(T_HV, yield_to_kernel_mode);
}

u64 kvm_hvcall_signal_event(struct kvm_vcpu *vcpu, struct kvm_hv_hcall *hc)
{
	(void)vcpu;
	sim72_note(T_HV, hc->ingpa);
	return (hc->ingpa & 1) ? HV_STATUS_INVALID_PORT_ID : HV_STATUS_SUCCESS;
}

u64 kvm_hv_flush_tlb(struct kvm_vcpu *vcpu, struct kvm_hv_hcall *hc)
{
	(void)vcpu;
	sim72_note(T_HV, hc->ingpa ^ hc->outgpa);
	return HV_STATUS_SUCCESS;
}

bool kvm_hv_synic_active(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	return ENV.synic_active;
}

int kvm_hv_hypercall_userspace_exit(struct kvm_vcpu *vcpu,
				    struct kvm_hv_hcall *hc)
{
	(void)vcpu;
	sim72_note(T_HV, hc->param);
	return 0;
}

int nested_svm_check_permissions(struct kvm_vcpu *vcpu)
{
	if (ENV.cpl) {
		kvm_inject_gp(vcpu, 0);
		return 1;
	}
	return 0;
}

/* VMRUN's vmcb12 address: RAX masked to the mode's width. */
bool nested_svm_vmrun_prepare(struct kvm_vcpu *vcpu, u64 vmcb12_gpa)
{
	(void)vcpu;
	sim72_expect(T_SVM, vmcb12_gpa,
		     sim72_hw0(VCPU_REGS_RAX) & sim72_mask_of_mode());
	return ENV.vmrun_ok;
}

/*
 * With PAE paging (the case's pae) the PDPTRs were loaded from L1's CR3
 * before (load_pdptrs: all four in the cache, available and dirty).  With
 * nested NPT (the case's npt) 7.2's nested_svm_load_cr3 then marks them for
 * reload with the generated helper: afterwards they are neither available
 * nor dirty, and the next read fetches them from hardware.
 */
int nested_svm_load_cr3(struct kvm_vcpu *vcpu, unsigned long cr3,
			bool from_vmrun)
{
	unsigned int i;

	sim72_note(T_SVM, cr3 ^ from_vmrun);
	if (ENV.load_cr3_fail)
		return -KVM_EINVAL;
	if (!ENV.pae)
		return 0;
	for (i = 1; i < 4; i++)
		vcpu->arch.pdptrs[i] = sim72.hw.pdpte[i];
	sim72_write(VCPU_REG_PDPTR, sim72.hw.pdpte[0]);
	if (ENV.npt) {
		kvm_register_mark_for_reload(vcpu, VCPU_REG_PDPTR);
		if (test_bit(VCPU_REG_PDPTR, vcpu->arch.regs_avail) ||
		    test_bit(VCPU_REG_PDPTR, vcpu->arch.regs_dirty))
			sim72.faults.value++;
		sim72_expect(T_SVM, sim72_read(VCPU_REG_PDPTR),
			     sim72_hw0(VCPU_REG_PDPTR));
	}
	return 0;
}

int nested_svm_vmexit_map_vmcb12(struct kvm_vcpu *vcpu, struct vmcb **vmcb12)
{
	(void)vcpu;
	*vmcb12 = &sim72.vmcb12;
	return (int)ENV.map_vmcb12;
}

void svm_set_efer_cr0_cr4(struct kvm_vcpu *vcpu,
			  const struct vmcb_save_area *save)
{
	(void)vcpu;
	sim72_note(T_SVM, save->cr0);
	sim72_note(T_SVM, save->cr4);
	ENV.efer_cr_loads++;
}

void kvm_make_request_triple_fault(struct kvm_vcpu *vcpu)
{
	(void)vcpu;
	ENV.requests += 0x100;
}

bool npt_enabled(void)
{
	return ENV.npt;
}

void kvm_vcpu_reset_state(struct kvm_vcpu *vcpu, bool init_event)
{
	(void)vcpu;
	sim72_note(T_RESET, init_event);
}

/* The old CR0 is the hardware's, read in full (owned bits through cache_reg). */
void kvm_vcpu_reset_control(struct kvm_vcpu *vcpu, bool init_event,
			    unsigned long old_cr0)
{
	(void)vcpu;
	sim72_note(T_RESET, init_event);
	sim72_expect(T_RESET, old_cr0, sim72_hw0(VCPU_REG_CR0));
}

void kvm_x86_vcpu_reset(struct kvm_vcpu *vcpu, bool init_event)
{
	(void)vcpu;
	sim72_note(T_RESET, init_event);
}

/* KVM's hypercall: 64-bit reads the raw pair, else the 32-bit pair. */
void trace_kvm_hypercall(unsigned long nr, unsigned long a0, unsigned long a1,
			 unsigned long a2, unsigned long a3)
{
	u64 mask = sim72_hypercall_64() ? ~0ULL : 0xffffffffULL;

	sim72_expect(T_HC, nr, sim72_hw0(VCPU_REGS_RAX) & mask);
	sim72_expect(T_HC, a0, sim72_hw0(VCPU_REGS_RBX) & mask);
	sim72_expect(T_HC, a1, sim72_hw0(VCPU_REGS_RCX) & mask);
	sim72_expect(T_HC, a2, sim72_hw0(VCPU_REGS_RDX) & mask);
	sim72_expect(T_HC, a3, sim72_hw0(VCPU_REGS_RSI) & mask);
}

/* Hyper-V: RDX and R8 raw for a 64-bit hypercall, else EBX:ECX, EDI:ESI. */
void trace_kvm_hv_hypercall(u16 code, bool fast, u16 var_cnt, u16 rep_cnt,
			    u16 rep_idx, u64 ingpa, u64 outgpa)
{
	sim72_note(T_HV, code);
	sim72_note(T_HV, (u64)fast << 48 | (u64)var_cnt << 32 | rep_cnt << 16 | rep_idx);
#ifdef CONFIG_X86_64
	if (sim72_hypercall_64()) {
		sim72_expect(T_HV, ingpa, sim72_hw0(VCPU_REGS_RDX));
		sim72_expect(T_HV, outgpa, sim72_hw0(VCPU_REGS_R8));
		return;
	}
#endif
	sim72_expect(T_HV, ingpa, lo32(VCPU_REGS_RBX) << 32 | lo32(VCPU_REGS_RCX));
	sim72_expect(T_HV, outgpa, lo32(VCPU_REGS_RDI) << 32 | lo32(VCPU_REGS_RSI));
}

void trace_kvm_msr_read(u32 ecx, u64 data)
{
	sim72_note(T_MSR, ecx);
	sim72_note(T_MSR, data);
}

void trace_kvm_msr_read_ex(u32 ecx)
{
	sim72_note(T_MSR, ecx);
}

void trace_kvm_msr_write(u32 ecx, u64 data)
{
	sim72_note(T_MSR, ecx);
	sim72_note(T_MSR, data);
}

void trace_kvm_msr_write_ex(u32 ecx, u64 data)
{
	sim72_note(T_MSR, ecx);
	sim72_note(T_MSR, data);
}

/* INVLPGA's ASID is ECX (the 32-bit pair), its address RAX masked. */
void trace_kvm_invlpga(u64 rip, u32 asid, u64 address)
{
	sim72_note(T_SVM, rip);
	sim72_expect(T_SVM, asid, lo32(VCPU_REGS_RCX));
	sim72_expect(T_SVM, address, sim72_hw0(VCPU_REGS_RAX) & sim72_mask_of_mode());
}

void trace_kvm_skinit(u64 rip, u32 slb)
{
	sim72_note(T_SVM, rip);
	sim72_expect(T_SVM, slb, lo32(VCPU_REGS_RAX));
}
