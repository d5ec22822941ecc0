/*
 * The stand-ins kvm_stubs_7.2.h declares, emulated for the simulator: twin
 * of runtime/sim/7.2/world.c. Each hashes what it is given (a poison value
 * is a fault) and answers from the case's stand-in state (sim.env). Where a
 * function must have handed a stand-in a value the simulator can predict
 * from the case's hardware and the guest's mode (a CPUID leaf, hypercall
 * arguments, an MSR index, a port value, a VMRUN address), the stand-in
 * checks it (sim72Expect): masked reads against sim72MaskOfMode(), raw reads
 * at full width, the 32-bit pair at 32 bits in every mode.
 *
 * C's int results are numbers, its unsigned long and u64 values bigints in
 * [0, 2^64); where C passes a pointer to a value (the port data, a VMCB) the
 * stand-in takes or returns the value instead.
 */
import { Reg, markForReload, maskTest } from "./registers";
import {
  SIM72_TDX,
  sim72Expect,
  sim72Hw0,
  sim72Hypercall64,
  sim72MaskOfMode,
  sim72Note,
  sim72Read,
  sim72Write,
  HW_PDPTE,
  type KvmVcpu72,
  type Sim72,
  type CompleteUserspaceIo,
  type Vmcb,
  type VmcbSaveArea,
} from "./sim";
import { U32_MASK, fromInt, popcount, u32, u64 } from "../u64";

export const UD_VECTOR = 6;
export const GP_VECTOR = 13;
export const X86_EFLAGS_FIXED = 1n << 1n;

/* Hypercall numbers, errors and PV features (include/uapi/linux/kvm_para.h). */
export const KVM_ENOSYS = 1000;
export const KVM_EINVAL = 22;
export const KVM_EPERM = 1;
export const KVM_HC_VAPIC_POLL_IRQ = 1n;
export const KVM_HC_KICK_CPU = 5n;
export const KVM_HC_CLOCK_PAIRING = 9n;
export const KVM_HC_SEND_IPI = 10n;
export const KVM_HC_SCHED_YIELD = 11n;
export const KVM_HC_MAP_GPA_RANGE = 12n;
export const KVM_FEATURE_PV_UNHALT = 7n;
export const KVM_FEATURE_PV_SEND_IPI = 11n;
export const KVM_FEATURE_PV_SCHED_YIELD = 13n;

/* Hyper-V hypercall input layout and codes (hyperv_hypercall.h). */
export const HV_HYPERCALL_FAST_BIT = 1n << 16n;
export const HV_HYPERCALL_REP_COMP_OFFSET = 32n;
export const HV_HYPERCALL_REP_START_OFFSET = 48n;
export const HV_HYPERCALL_VARHEAD_OFFSET = 17n;
export const HV_HYPERCALL_VARHEAD_MASK = 0x3ffn << HV_HYPERCALL_VARHEAD_OFFSET;
export const HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE = 0x0002n;
export const HVCALL_NOTIFY_LONG_SPIN_WAIT = 0x0008n;
export const HVCALL_POST_MESSAGE = 0x005cn;
export const HVCALL_SIGNAL_EVENT = 0x005dn;
export const HV_STATUS_SUCCESS = 0n;
export const HV_STATUS_INVALID_HYPERCALL_CODE = 2n;
export const HV_STATUS_INVALID_HYPERCALL_INPUT = 3n;
export const HV_STATUS_INVALID_PORT_ID = 17n;

/* The CR bits a backend may let the guest own, as runtime/include/kvm_host.h has them. */
export const KVM_POSSIBLE_CR0_GUEST_BITS = 0x10008n;
export const KVM_POSSIBLE_CR4_GUEST_BITS = 0x1078en;

/** A Hyper-V hypercall's decoded input (struct kvm_hv_hcall). */
export interface KvmHvHcall {
  param: bigint;
  ingpa: bigint;
  outgpa: bigint;
  code: bigint;
  varCnt: bigint;
  repCnt: bigint;
  repIdx: bigint;
  fast: boolean;
  rep: boolean;
}

const T_CPUID = 1,
  T_MSR = 2,
  T_XCR = 3,
  T_PMC = 4,
  T_PIO = 5,
  T_HC = 6,
  T_HV = 7,
  T_SVM = 8,
  T_RESET = 9,
  T_RFLAGS = 10;

const b = (x: boolean): bigint => (x ? 1n : 0n);
const lo32 = (sim: Sim72, reg: number): bigint => u32(sim72Hw0(sim, reg));
const onTdx = (vcpu: KvmVcpu72): boolean => vcpu.sim.backend.id === SIM72_TDX;

export const kvmX86GetCpl = (vcpu: KvmVcpu72): number => Number(vcpu.sim.env.cpl);
export const isProtmode = (vcpu: KvmVcpu72): boolean => vcpu.sim.env.protmode !== 0n;
export const kvmIsCpuidAllowed = (vcpu: KvmVcpu72): boolean => vcpu.sim.env.cpuid_fault === 0n;

/** A TD's RFLAGS cannot be read (vt_get_rflags gives 0) nor written. */
export const kvmGetRflags = (vcpu: KvmVcpu72): bigint =>
  onTdx(vcpu) ? 0n : sim72Read(vcpu.sim, Reg.RFLAGS);

export function kvmSetRflags(vcpu: KvmVcpu72, rflags: bigint): void {
  sim72Note(vcpu.sim, T_RFLAGS, rflags);
  if (!onTdx(vcpu)) sim72Write(vcpu.sim, Reg.RFLAGS, rflags);
}

/** A guest with protected state has no readable RIP: 0, and always "there". */
export function kvmGetLinearRip(vcpu: KvmVcpu72): bigint {
  if (vcpu.guestStateProtected) return 0n;
  return sim72Read(vcpu.sim, Reg.RIP);
}

export function kvmIsLinearRip(vcpu: KvmVcpu72, linearRip: bigint): boolean {
  if (vcpu.guestStateProtected) return true;
  return kvmGetLinearRip(vcpu) === linearRip;
}

export function kvmSkipEmulatedInstruction(vcpu: KvmVcpu72): number {
  const sim = vcpu.sim;
  sim.env.skips++;
  if (!vcpu.guestStateProtected)
    sim72Write(sim, Reg.RIP, u64(sim72Read(sim, Reg.RIP) + sim.env.insn_len));
  return 1;
}

export function kvmQueueException(vcpu: KvmVcpu72, nr: number): void {
  vcpu.sim.env.exception = BigInt(nr + 1);
}

export function kvmQueueExceptionE(vcpu: KvmVcpu72, nr: number, errorCode: number): void {
  vcpu.sim.env.exception = BigInt(nr + 1);
  vcpu.sim.env.error_code = BigInt(errorCode >>> 0);
}

export const kvmInjectGp = (vcpu: KvmVcpu72, errorCode: number): void =>
  kvmQueueExceptionE(vcpu, GP_VECTOR, errorCode);

export function kvmMakeRequestEvent(vcpu: KvmVcpu72): void {
  vcpu.sim.env.requests++;
}

/** INVLPGA's address: RAX masked to the mode's width. */
export function kvmMmuInvlpg(vcpu: KvmVcpu72, gva: bigint): void {
  const sim = vcpu.sim;
  sim72Expect(sim, T_SVM, gva, sim72Hw0(sim, Reg.RAX) & sim72MaskOfMode(sim));
  sim.env.invlpg_gva = gva;
}

export const sim72CpuidAnswer = (sim: Sim72, leaf: bigint, i: number): bigint =>
  u32(u32(leaf * 0x9e3779b9n) ^ u32(0x1111n << BigInt(4 * i)) ^ u32(sim.env.signature));

/** CPUID's leaf and subleaf (the low halves of RAX and RCX, in every mode) in, EAX..EDX out. */
export function kvmCpuid(
  vcpu: KvmVcpu72,
  r: { eax: bigint; ebx: bigint; ecx: bigint; edx: bigint },
): void {
  const sim = vcpu.sim;
  const leaf = r.eax;
  sim72Expect(sim, T_CPUID, r.eax, lo32(sim, Reg.RAX));
  sim72Expect(sim, T_CPUID, r.ecx, lo32(sim, Reg.RCX));
  for (let i = 0; i < 4; i++) sim.process.cpuidOut[i] = sim72CpuidAnswer(sim, leaf, i);
  [r.eax, r.ebx, r.ecx, r.edx] = sim.process.cpuidOut as [bigint, bigint, bigint, bigint];
}

export const kvmCpuidSignature = (vcpu: KvmVcpu72): bigint => u32(vcpu.sim.env.signature);

/** RDMSR's stand-in: 0 and the value, or 1 (unknown index). */
export function kvmEmulateMsrRead(vcpu: KvmVcpu72, index: bigint): { r: number; data: bigint } {
  const sim = vcpu.sim;
  sim72Note(sim, T_MSR, index);
  if (index !== u32(sim.env.msr_known)) return { r: 1, data: 0n };
  sim.process.msrReadValue = sim.env.msr_data;
  return { r: 0, data: sim.env.msr_data };
}

/** The value a WRMSR hands over, as the driver predicted it for the case. */
export function kvmEmulateMsrWrite(vcpu: KvmVcpu72, index: bigint, data: bigint): number {
  const sim = vcpu.sim;
  sim72Note(sim, T_MSR, index);
  sim72Expect(sim, T_MSR, data, sim.process.wrmsrWant);
  if (index !== u32(sim.env.msr_known)) return 1;
  sim.env.msr_data = data;
  return 0;
}

export function kvmMsrUserSpace(
  vcpu: KvmVcpu72,
  index: bigint,
  write: boolean,
  data: bigint,
  completion: CompleteUserspaceIo,
  r: number,
): boolean {
  const sim = vcpu.sim;
  sim72Note(sim, T_MSR, index ^ (b(write) << 32n) ^ fromInt(r));
  sim72Note(sim, T_MSR, data);
  if (sim.env.msr_user === 0n) return false;
  vcpu.completeUserspaceIo = completion;
  return true;
}

export function kvmX86CompleteEmulatedMsr(vcpu: KvmVcpu72, err: number): number {
  if (err) {
    kvmInjectGp(vcpu, 0);
    return 1;
  }
  return kvmSkipEmulatedInstruction(vcpu);
}

export const completeFastMsrAccess: CompleteUserspaceIo = (vcpu) =>
  kvmX86CompleteEmulatedMsr(vcpu, vcpu.runMsrError);

export const completeFastRdmsr: CompleteUserspaceIo = (vcpu) => completeFastMsrAccess(vcpu);

/** XSETBV: index from ECX, value from EDX:EAX, 32-bit halves in every mode. */
export function kvmSetXcr(vcpu: KvmVcpu72, index: bigint, xcr: bigint): number {
  const sim = vcpu.sim;
  sim72Expect(sim, T_XCR, index, lo32(sim, Reg.RCX));
  sim72Expect(sim, T_XCR, xcr, lo32(sim, Reg.RAX) | (lo32(sim, Reg.RDX) << 32n));
  if (index !== 0n || !(xcr & 1n) || xcr & ~0x2e7n) return 1;
  sim.env.xcr0 = xcr;
  return 0;
}

export function kvmPmuRdpmc(vcpu: KvmVcpu72, idx: bigint): { r: number; data: bigint } {
  const sim = vcpu.sim;
  sim72Expect(sim, T_PMC, idx, lo32(sim, Reg.RCX));
  if ((idx & 0xffn) >= 4n) return { r: 1, data: 0n };
  return { r: 0, data: sim.env.pmc ^ idx };
}

/* An in-kernel device answers on 0x60-0x6f; other ports go to userspace. */
const pioDev = (port: number): boolean => port >= 0x60 && port < 0x70;

/** memcpy(val, &data, size): the low size bytes of data over val's. */
export function pioMerge(val: bigint, size: number, data: bigint): bigint {
  const mask = (1n << BigInt(8 * size)) - 1n;
  return (val & ~mask) | (data & mask);
}

/** emulator_pio_in: the value in val afterwards, and the result. */
export function emulatorPioIn(
  vcpu: KvmVcpu72,
  size: number,
  port: number,
  val: bigint,
): { r: number; val: bigint } {
  const sim = vcpu.sim;
  /* An IN narrower than 4 bytes starts from RAX at full width. */
  sim72Expect(sim, T_PIO, val, size < 4 ? sim72Hw0(sim, Reg.RAX) : 0n);
  sim72Note(sim, T_PIO, BigInt(port));
  if (pioDev(port)) return { r: 1, val: pioMerge(val, size, sim.env.pio_in_data) };
  vcpu.pioCount = 1;
  vcpu.pioSize = size;
  return { r: 0, val };
}

export function completeEmulatorPioIn(vcpu: KvmVcpu72, val: bigint): bigint {
  const merged = pioMerge(val, vcpu.pioSize, vcpu.sim.env.pio_in_data);
  vcpu.pioCount = 0;
  return merged;
}

/** An OUT's data: RAX at full width (the raw pair), whatever the mode. */
export function emulatorPioOut(vcpu: KvmVcpu72, size: number, port: number, val: bigint): number {
  const sim = vcpu.sim;
  sim72Expect(sim, T_PIO, val, sim72Hw0(sim, Reg.RAX));
  sim72Note(sim, T_PIO, (fromInt(size) << 16n) | BigInt(port));
  return pioDev(port) ? 1 : 0;
}

export const kvmQuirkOut7eIncRip = (vcpu: KvmVcpu72): boolean => vcpu.sim.env.quirk_7e !== 0n;

export const completeFastPioOut: CompleteUserspaceIo = (vcpu) => kvmSkipEmulatedInstruction(vcpu);
export const completeFastPioOutPort0x7e: CompleteUserspaceIo = () => 1;

export function emulatorWritebackRegisterCache(vcpu: KvmVcpu72): void {
  vcpu.sim.env.requests += 0x10000n;
}

export const kvmXenHypercallEnabled = (vcpu: KvmVcpu72): boolean => vcpu.sim.env.xen !== 0n;

export function kvmXenHypercall(vcpu: KvmVcpu72): number {
  sim72Note(vcpu.sim, T_HC, 0xen);
  return 1;
}

export const kvmHvHypercallEnabled = (vcpu: KvmVcpu72): boolean => vcpu.sim.env.hv_enabled !== 0n;

export const guestPvHas = (vcpu: KvmVcpu72, feature: bigint): boolean =>
  ((vcpu.sim.env.pv_features >> feature) & 1n) === 1n;

/** apicid is C's int: noted as (u64)(unsigned int)apicid. */
export function kvmPvKickCpuOp(vcpu: KvmVcpu72, apicid: bigint): void {
  sim72Note(vcpu.sim, T_HC, u32(apicid));
}

export function kvmSchedYield(vcpu: KvmVcpu72, destId: bigint): void {
  sim72Note(vcpu.sim, T_HC, destId);
}

export function kvmPvClockPairing(vcpu: KvmVcpu72, paddr: bigint, clockType: bigint): number {
  sim72Note(vcpu.sim, T_HC, paddr);
  sim72Note(vcpu.sim, T_HC, clockType);
  return clockType & 1n ? -KVM_EINVAL : 0;
}

export function kvmPvSendIpi(
  vcpu: KvmVcpu72,
  ipiBitmapLow: bigint,
  ipiBitmapHigh: bigint,
  min: bigint,
  icr: bigint,
  op64Bit: boolean,
): number {
  const sim = vcpu.sim;
  sim72Note(sim, T_HC, ipiBitmapLow);
  sim72Note(sim, T_HC, ipiBitmapHigh);
  sim72Note(sim, T_HC, min);
  sim72Note(sim, T_HC, icr);
  sim72Expect(sim, T_HC, b(op64Bit), b(sim72Hypercall64(sim)));
  return popcount(ipiBitmapLow);
}

export function kvmHypercallMapGpaRangeExit(
  vcpu: KvmVcpu72,
  gpa: bigint,
  npages: bigint,
  attrs: bigint,
  op64Bit: boolean,
): boolean {
  const sim = vcpu.sim;
  sim72Note(sim, T_HC, gpa);
  sim72Note(sim, T_HC, npages);
  sim72Note(sim, T_HC, attrs);
  sim72Expect(sim, T_HC, b(op64Bit), b(sim72Hypercall64(sim)));
  return sim.env.msr_user !== 0n;
}

export function kvmVcpuOnSpin(vcpu: KvmVcpu72, yieldToKernelMode: boolean): void {
  sim72Note(vcpu.sim, T_HV, b(yieldToKernelMode));
}

export function kvmHvcallSignalEvent(vcpu: KvmVcpu72, hc: KvmHvHcall): bigint {
  sim72Note(vcpu.sim, T_HV, hc.ingpa);
  return hc.ingpa & 1n ? HV_STATUS_INVALID_PORT_ID : HV_STATUS_SUCCESS;
}

export function kvmHvFlushTlb(vcpu: KvmVcpu72, hc: KvmHvHcall): bigint {
  sim72Note(vcpu.sim, T_HV, hc.ingpa ^ hc.outgpa);
  return HV_STATUS_SUCCESS;
}

export const kvmHvSynicActive = (vcpu: KvmVcpu72): boolean => vcpu.sim.env.synic_active !== 0n;

export function kvmHvHypercallUserspaceExit(vcpu: KvmVcpu72, hc: KvmHvHcall): number {
  sim72Note(vcpu.sim, T_HV, hc.param);
  return 0;
}

export function nestedSvmCheckPermissions(vcpu: KvmVcpu72): number {
  if (vcpu.sim.env.cpl) {
    kvmInjectGp(vcpu, 0);
    return 1;
  }
  return 0;
}

/** VMRUN's vmcb12 address: RAX masked to the mode's width. */
export function nestedSvmVmrunPrepare(vcpu: KvmVcpu72, vmcb12Gpa: bigint): boolean {
  const sim = vcpu.sim;
  sim72Expect(sim, T_SVM, vmcb12Gpa, sim72Hw0(sim, Reg.RAX) & sim72MaskOfMode(sim));
  return sim.env.vmrun_ok !== 0n;
}

/**
 * With PAE paging (the case's pae) the PDPTRs were loaded from L1's CR3
 * before (load_pdptrs: all four in the cache, available and dirty). With
 * nested NPT (the case's npt) 7.2's nested_svm_load_cr3 then marks them for
 * reload with the generated helper: afterwards they are neither available
 * nor dirty, and the next read fetches them from hardware.
 */
export function nestedSvmLoadCr3(vcpu: KvmVcpu72, cr3: bigint, fromVmrun: boolean): number {
  const sim = vcpu.sim;
  sim72Note(sim, T_SVM, cr3 ^ b(fromVmrun));
  if (sim.env.load_cr3_fail) return -KVM_EINVAL;
  if (!sim.env.pae) return 0;
  for (let i = 1; i < 4; i++) vcpu.arch.pdptrs[i] = sim.hw[HW_PDPTE + i]!;
  sim72Write(sim, Reg.PDPTR, sim.hw[HW_PDPTE]!);
  if (sim.env.npt) {
    markForReload(vcpu, Reg.PDPTR);
    if (maskTest(vcpu.arch.regsAvail, Reg.PDPTR) || maskTest(vcpu.arch.regsDirty, Reg.PDPTR))
      sim.faults.value++;
    sim72Expect(sim, T_SVM, sim72Read(sim, Reg.PDPTR), sim72Hw0(sim, Reg.PDPTR));
  }
  return 0;
}

/** nested_svm_vmexit_map_vmcb12: vmcb12 (always given) and the result. */
export function nestedSvmVmexitMapVmcb12(vcpu: KvmVcpu72): { rc: number; vmcb12: Vmcb } {
  return { rc: Number(vcpu.sim.env.map_vmcb12), vmcb12: vcpu.sim.vmcb12 };
}

export function svmSetEferCr0Cr4(vcpu: KvmVcpu72, save: Readonly<VmcbSaveArea>): void {
  sim72Note(vcpu.sim, T_SVM, save.cr0);
  sim72Note(vcpu.sim, T_SVM, save.cr4);
  vcpu.sim.env.efer_cr_loads++;
}

export function kvmMakeRequestTripleFault(vcpu: KvmVcpu72): void {
  vcpu.sim.env.requests += 0x100n;
}

export const nptEnabled = (vcpu: KvmVcpu72): boolean => vcpu.sim.env.npt !== 0n;

export function kvmVcpuResetState(vcpu: KvmVcpu72, initEvent: boolean): void {
  sim72Note(vcpu.sim, T_RESET, b(initEvent));
}

/** The old CR0 is the hardware's, read in full (owned bits through cacheReg). */
export function kvmVcpuResetControl(vcpu: KvmVcpu72, initEvent: boolean, oldCr0: bigint): void {
  sim72Note(vcpu.sim, T_RESET, b(initEvent));
  sim72Expect(vcpu.sim, T_RESET, oldCr0, sim72Hw0(vcpu.sim, Reg.CR0));
}

export function kvmX86VcpuReset(vcpu: KvmVcpu72, initEvent: boolean): void {
  sim72Note(vcpu.sim, T_RESET, b(initEvent));
}

/** KVM's hypercall: 64-bit reads the raw pair, else the 32-bit pair. */
export function traceKvmHypercall(
  vcpu: KvmVcpu72,
  nr: bigint,
  a0: bigint,
  a1: bigint,
  a2: bigint,
  a3: bigint,
): void {
  const sim = vcpu.sim;
  const mask = sim72Hypercall64(sim) ? (1n << 64n) - 1n : U32_MASK;
  sim72Expect(sim, T_HC, nr, sim72Hw0(sim, Reg.RAX) & mask);
  sim72Expect(sim, T_HC, a0, sim72Hw0(sim, Reg.RBX) & mask);
  sim72Expect(sim, T_HC, a1, sim72Hw0(sim, Reg.RCX) & mask);
  sim72Expect(sim, T_HC, a2, sim72Hw0(sim, Reg.RDX) & mask);
  sim72Expect(sim, T_HC, a3, sim72Hw0(sim, Reg.RSI) & mask);
}

/** Hyper-V: RDX and R8 raw for a 64-bit hypercall, else EBX:ECX, EDI:ESI. */
export function traceKvmHvHypercall(vcpu: KvmVcpu72, hc: KvmHvHcall): void {
  const sim = vcpu.sim;
  sim72Note(sim, T_HV, hc.code);
  sim72Note(sim, T_HV, (b(hc.fast) << 48n) | (hc.varCnt << 32n) | (hc.repCnt << 16n) | hc.repIdx);
  if (sim72Hypercall64(sim)) {
    sim72Expect(sim, T_HV, hc.ingpa, sim72Hw0(sim, Reg.RDX));
    sim72Expect(sim, T_HV, hc.outgpa, sim72Hw0(sim, Reg.R8));
    return;
  }
  sim72Expect(sim, T_HV, hc.ingpa, (lo32(sim, Reg.RBX) << 32n) | lo32(sim, Reg.RCX));
  sim72Expect(sim, T_HV, hc.outgpa, (lo32(sim, Reg.RDI) << 32n) | lo32(sim, Reg.RSI));
}

export function traceKvmMsrRead(vcpu: KvmVcpu72, ecx: bigint, data: bigint): void {
  sim72Note(vcpu.sim, T_MSR, ecx);
  sim72Note(vcpu.sim, T_MSR, data);
}

export function traceKvmMsrReadEx(vcpu: KvmVcpu72, ecx: bigint): void {
  sim72Note(vcpu.sim, T_MSR, ecx);
}

export function traceKvmMsrWrite(vcpu: KvmVcpu72, ecx: bigint, data: bigint): void {
  sim72Note(vcpu.sim, T_MSR, ecx);
  sim72Note(vcpu.sim, T_MSR, data);
}

export const traceKvmMsrWriteEx = traceKvmMsrWrite;

/** INVLPGA's ASID is ECX (the 32-bit pair), its address RAX masked. */
export function traceKvmInvlpga(vcpu: KvmVcpu72, rip: bigint, asid: bigint, address: bigint): void {
  const sim = vcpu.sim;
  sim72Note(sim, T_SVM, rip);
  sim72Expect(sim, T_SVM, asid, lo32(sim, Reg.RCX));
  sim72Expect(sim, T_SVM, address, sim72Hw0(sim, Reg.RAX) & sim72MaskOfMode(sim));
}

export function traceKvmSkinit(vcpu: KvmVcpu72, rip: bigint, slb: bigint): void {
  sim72Note(vcpu.sim, T_SVM, rip);
  sim72Expect(vcpu.sim, T_SVM, slb, lo32(vcpu.sim, Reg.RAX));
}
