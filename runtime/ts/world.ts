/*
 * The stand-ins, twin of runtime/sim/world.c: small emulations of what a
 * handler does besides register traffic (a CPUID table, an MSR store, XCR0,
 * PMU counters, a PIO device, exceptions, tracepoints). Their state is the
 * vCPU's SimEnv. Names are the C functions' in camel case; where C reaches
 * the running vCPU through a global (npt_enabled, the tracepoints), the vCPU
 * is passed instead.
 */
import { NR_VCPU_REGS, Reg, type Vcpu } from "./registers";
import {
  SIM_CS_L,
  SIM_NR_MSRS,
  SIM_NR_PMCS,
  SIM_PIO_DEV_BASE,
  SIM_PIO_DEV_PORTS,
  SIM_XCR0_SUPPORTED,
  X86_EFLAGS_TF,
  archOf,
  generated,
  simExregRead,
  simExregWrite,
  simRegisterRead,
  simRegisterWrite,
  simIsPoison,
  toSim,
  type KvmVcpu,
  type SimEnv,
  type Vmcb,
} from "./sim";
import { fromBool, fromInt, mix64, popcount, u64 } from "./u64";

export const UD_VECTOR = 6;
export const GP_VECTOR = 13;

const envOf = (vcpu: Vcpu): SimEnv => toSim(vcpu).env;

/** Tracepoints fold their arguments into a hash; poison is counted. */
function simTrace(vcpu: Vcpu, id: number, args: readonly bigint[]): void {
  const env = envOf(vcpu);
  env.traces = u64(env.traces + 1n);
  env.trace_hash = mix64(env.trace_hash ^ BigInt(id));
  for (const a of args) {
    env.trace_hash = mix64(env.trace_hash ^ a);
    if (simIsPoison(a)) env.poison_traced = u64(env.poison_traced + 1n);
  }
}

export const kvmGetCsL = (vcpu: Vcpu): boolean =>
  (simExregRead(vcpu, Reg.SEGMENTS) & SIM_CS_L) !== 0n;
/** Only a 64-bit kernel has a 64-bit guest mode; this runtime is 64-bit. */
export const is64BitMode = (vcpu: Vcpu): boolean => kvmGetCsL(vcpu);
export const isProtmode = (vcpu: Vcpu): boolean => envOf(vcpu).protmode !== 0n;
export const kvmX86GetCpl = (vcpu: Vcpu): number => Number(BigInt.asIntN(32, envOf(vcpu).cpl));

export function kvmRequireCpl(vcpu: Vcpu, requiredCpl: number): boolean {
  if (kvmX86GetCpl(vcpu) <= requiredCpl) return true;
  kvmInjectGp(vcpu, 0);
  return false;
}

export const cpuidFaultEnabled = (vcpu: Vcpu): boolean => envOf(vcpu).cpuid_fault !== 0n;
export const kvmGetRflags = (vcpu: Vcpu): bigint => simExregRead(vcpu, Reg.RFLAGS);
export const kvmSetRflags = (vcpu: Vcpu, rflags: bigint): void =>
  simExregWrite(vcpu, Reg.RFLAGS, rflags);
/*
 * The extended registers' readers the handlers use: the generated ones where
 * registers.ts has them, else stand-ins (twins of world.c's #ifndef ones):
 * CR3 through the cache, CR0/CR4 from the vCPU's fields as they are.
 */
type Reader = (vcpu: Vcpu) => bigint;
type BitTest = (vcpu: Vcpu, bit: bigint) => boolean;
export const kvmReadCr3: Reader =
  (generated["readCr3"] as Reader | undefined) ?? ((vcpu) => simExregRead(vcpu, Reg.CR3));
export const kvmReadCr0: Reader =
  (generated["readCr0"] as Reader | undefined) ?? ((vcpu) => archOf(vcpu)["cr0"] ?? 0n);
export const kvmReadCr4: Reader =
  (generated["readCr4"] as Reader | undefined) ?? ((vcpu) => archOf(vcpu)["cr4"] ?? 0n);
export const kvmIsCr0BitSet: BitTest =
  (generated["isCr0BitSet"] as BitTest | undefined) ??
  ((vcpu, bit) => ((archOf(vcpu)["cr0"] ?? 0n) & bit) !== 0n);
export const kvmIsCr4BitSet: BitTest =
  (generated["isCr4BitSet"] as BitTest | undefined) ??
  ((vcpu, bit) => ((archOf(vcpu)["cr4"] ?? 0n) & bit) !== 0n);

/** Control-register bits and the possibly guest-owned ones: twins of kvm_host.h's. */
export const X86_CR0_PE = 1n << 0n;
export const X86_CR4_PCE = 1n << 8n;
export const POSSIBLE_CR0_GUEST_BITS = 0x10008n;
export const POSSIBLE_CR4_GUEST_BITS = 0x1078en;
export function kvmSetCr3(vcpu: Vcpu, cr3: bigint): number {
  simExregWrite(vcpu, Reg.CR3, cr3);
  return 0;
}

/** CS base is zero in the simulation, so the linear RIP is RIP. */
export const kvmGetLinearRip = (vcpu: Vcpu): bigint => simRegisterRead(vcpu, Reg.RIP);
export const kvmIsLinearRip = (vcpu: Vcpu, linearRip: bigint): boolean =>
  kvmGetLinearRip(vcpu) === linearRip;

/*
 * Past the instruction: to SVM's nextRip when a handler recorded one, else by
 * the exit's instruction length. A set trap flag turns the exit into a
 * single-step exit (return 0), as in KVM.
 */
export function kvmSkipEmulatedInstruction(vcpu: KvmVcpu): number {
  const rflags = kvmGetRflags(vcpu);
  if (vcpu.nextRip !== 0n) {
    simRegisterWrite(vcpu, Reg.RIP, vcpu.nextRip);
  } else {
    const rip = simRegisterRead(vcpu, Reg.RIP);
    simRegisterWrite(vcpu, Reg.RIP, u64(rip + envOf(vcpu).insn_len));
  }
  if ((rflags & X86_EFLAGS_TF) !== 0n) {
    envOf(vcpu).singlesteps = u64(envOf(vcpu).singlesteps + 1n);
    return 0;
  }
  return 1;
}

export function kvmQueueException(vcpu: Vcpu, nr: number): void {
  envOf(vcpu).exception = BigInt(nr + 1);
}

export function kvmInjectGp(vcpu: Vcpu, errorCode: number): void {
  envOf(vcpu).exception = BigInt(GP_VECTOR + 1);
  envOf(vcpu).error_code = BigInt(errorCode >>> 0);
}

export function kvmMakeRequestEvent(vcpu: Vcpu): void {
  envOf(vcpu).requests = u64(envOf(vcpu).requests + 1n);
}

export function kvmMmuInvlpg(vcpu: Vcpu, gva: bigint): void {
  envOf(vcpu).invlpg_gva = gva;
}

export function kvmMmuResetContext(vcpu: Vcpu): void {
  envOf(vcpu).mmu_resets = u64(envOf(vcpu).mmu_resets + 1n);
}

/** A few leaves of a made-up CPU; unknown leaves read as zeroes. */
const CPUID_TABLE: readonly {
  fn: number;
  index: number;
  indexed: boolean;
  regs: readonly [number, number, number, number];
}[] = [
  { fn: 0x0, index: 0, indexed: false, regs: [0x0000000d, 0x68747541, 0x444d4163, 0x69746e65] },
  { fn: 0x1, index: 0, indexed: false, regs: [0x00a20f12, 0x00020800, 0xfed83203, 0x178bfbff] },
  { fn: 0x7, index: 0, indexed: true, regs: [0x00000000, 0x219c97a9, 0x0040069c, 0x00000010] },
  { fn: 0xd, index: 0, indexed: true, regs: [0x000002e7, 0x00000980, 0x00000988, 0x00000000] },
  { fn: 0xd, index: 1, indexed: true, regs: [0x0000000f, 0x00000340, 0x00001800, 0x00000000] },
  {
    fn: 0x40000000,
    index: 0,
    indexed: false,
    regs: [0x40000001, 0x4b4d564b, 0x564b4d56, 0x0000004d],
  },
  {
    fn: 0x80000000,
    index: 0,
    indexed: false,
    regs: [0x80000021, 0x68747541, 0x444d4163, 0x69746e65],
  },
  {
    fn: 0x80000001,
    index: 0,
    indexed: false,
    regs: [0x00a20f12, 0x20000000, 0x75c237ff, 0x2fd3fbff],
  },
];

/** CPUID registers, all u32: the C function's four in/out pointers. */
export interface CpuidRegs {
  eax: number;
  ebx: number;
  ecx: number;
  edx: number;
}

/*
 * Like KVM, the index in ecx matters only for indexed leaves, and only then
 * is it read (and traced): callers pass an uninitialised ecx for plain leaves.
 */
export function kvmCpuid(vcpu: Vcpu, r: CpuidRegs, _exactOnly: boolean): void {
  const fn = r.eax >>> 0;
  let index = 0;
  let hit: (typeof CPUID_TABLE)[number] | undefined;
  for (const e of CPUID_TABLE) {
    if (e.fn !== fn) continue;
    if (e.indexed) {
      index = r.ecx >>> 0;
      if (e.index !== index) continue;
    }
    hit = e;
    break;
  }
  simTrace(vcpu, 1, [BigInt(fn), BigInt(index)]);
  [r.eax, r.ebx, r.ecx, r.edx] = hit ? hit.regs : [0, 0, 0, 0];
}

/** The MSR store: fixed indices, per-case values, reserved bits #GP. */
export const SIM_MSR_INDEX: readonly number[] = [
  0x00000010, 0x0000001b, 0x00000174, 0x000001a0, 0xc0000080, 0xc0000102,
];
const SIM_MSR_RESERVED: readonly bigint[] = [
  0n,
  0xfff00000000006ffn,
  0xffffffffffff0000n,
  0xfffffffc00000000n,
  0xffffffffffff02fen,
  0n,
];
if (SIM_MSR_INDEX.length !== SIM_NR_MSRS) throw new Error("runtime/ts: MSR table size");

export interface MsrData {
  hostInitiated: boolean;
  /** u32 */
  index: number;
  data: bigint;
}

export function kvmGetMsr(vcpu: Vcpu, msr: MsrData): number {
  const i = SIM_MSR_INDEX.indexOf(msr.index);
  if (i < 0) return 1;
  msr.data = envOf(vcpu).msr_value[i]!;
  return 0;
}

export function kvmSetMsr(vcpu: Vcpu, msr: MsrData): number {
  const i = SIM_MSR_INDEX.indexOf(msr.index);
  if (i < 0 || (msr.data & SIM_MSR_RESERVED[i]!) !== 0n) return 1;
  envOf(vcpu).msr_value[i] = msr.data;
  return 0;
}

/** XCR0: x87 always on, AVX needs SSE, nothing the CPU lacks. */
export function kvmSetXcr(vcpu: Vcpu, index: number, xcr: bigint): number {
  if (index !== 0 || (xcr & 1n) === 0n || (xcr & ~SIM_XCR0_SUPPORTED) !== 0n || (xcr & 6n) === 4n)
    return 1;
  envOf(vcpu).xcr0 = xcr;
  return 0;
}

/** Returns the error, or 0 and the counter in out.data. */
export function kvmPmuRdpmc(vcpu: Vcpu, idx: number, out: { data: bigint }): number {
  if (idx >>> 0 >= SIM_NR_PMCS) return 1;
  out.data = envOf(vcpu).pmc[idx]!;
  return 0;
}

const simPioClaims = (port: number): boolean =>
  port >= SIM_PIO_DEV_BASE && port < SIM_PIO_DEV_BASE + SIM_PIO_DEV_PORTS;

const lowBytesMask = (size: number): bigint => (1n << BigInt(8 * size)) - 1n;

/*
 * IN: a pending request is completed with what userspace provided; a port of
 * the in-kernel device is answered byte by byte (0xff past its end); anything
 * else becomes a request for userspace (return 0). Only size bytes of val
 * change, which is what makes narrow INs merge into RAX.
 */
export function emulatorPioInEmulated(
  vcpu: KvmVcpu,
  size: number,
  port: number,
  val: { value: bigint },
  count: number,
): number {
  const env = envOf(vcpu);
  let bytes = 0n;
  if (vcpu.pio.count !== 0n) {
    bytes = env.userspace_pio_data;
    vcpu.pio.count = 0n;
  } else if (simPioClaims(port)) {
    for (let i = 0; i < size; i++) {
      const at = port - SIM_PIO_DEV_BASE + i;
      const byte = at < SIM_PIO_DEV_PORTS ? env.pio_dev[at]! : 0xff;
      bytes |= BigInt(byte) << BigInt(8 * i);
    }
  } else {
    vcpu.pio.in = 1;
    vcpu.pio.port = port;
    vcpu.pio.size = size;
    vcpu.pio.count = BigInt(count);
    return 0;
  }
  const mask = lowBytesMask(size);
  val.value = (val.value & ~mask & ((1n << 64n) - 1n)) | (bytes & mask);
  return 1;
}

export function emulatorPioOutEmulated(
  vcpu: KvmVcpu,
  size: number,
  port: number,
  val: bigint,
  count: number,
): number {
  const env = envOf(vcpu);
  const data = val & lowBytesMask(size);
  if (simPioClaims(port)) {
    for (let i = 0; i < size; i++) {
      const at = port - SIM_PIO_DEV_BASE + i;
      if (at < SIM_PIO_DEV_PORTS) env.pio_dev[at] = Number((data >> BigInt(8 * i)) & 0xffn);
    }
    return 1;
  }
  vcpu.pio.in = 0;
  vcpu.pio.port = port;
  vcpu.pio.size = size;
  vcpu.pio.count = BigInt(count);
  env.userspace_pio_data = data;
  return 0;
}

export function completeFastPioOut(vcpu: KvmVcpu): number {
  vcpu.pio.count = 0n;
  if (!kvmIsLinearRip(vcpu, vcpu.pio.linearRip)) return 1;
  return kvmSkipEmulatedInstruction(vcpu);
}

export function completeFastPioOutPort0x7e(vcpu: KvmVcpu): number {
  vcpu.pio.count = 0n;
  return 1;
}

/** The emulator's newer copy of some GPRs goes back through the cache. */
export function emulatorWritebackRegisterCache(vcpu: Vcpu): void {
  const sv = toSim(vcpu);
  for (let reg = 0; reg < NR_VCPU_REGS; reg++)
    if ((sv.emuDirty >> BigInt(reg)) & 1n) simRegisterWrite(vcpu, reg, sv.emuRegs[reg]!);
}

export const kvmHvHypercallEnabled = (vcpu: Vcpu): boolean => envOf(vcpu).hv_enabled !== 0n;

export function kvmPvKickCpuOp(vcpu: Vcpu, flags: bigint, apicid: number): void {
  envOf(vcpu).kicks = u64(envOf(vcpu).kicks + 1n);
  simTrace(vcpu, 2, [flags, fromInt(apicid)]);
}

export function kvmPvClockPairing(vcpu: Vcpu, paddr: bigint, clockType: bigint): number {
  simTrace(vcpu, 3, [paddr, clockType]);
  if (clockType !== 0n) return -95; /* -EOPNOTSUPP */
  return (paddr & 7n) !== 0n ? -14 /* -EFAULT */ : 0;
}

/** Delivers to every set bit; the count is the hypercall's result. */
export function kvmPvSendIpi(
  vcpu: Vcpu,
  ipiBitmapLow: bigint,
  ipiBitmapHigh: bigint,
  min: bigint,
  icr: bigint,
  op64Bit: number,
): number {
  simTrace(vcpu, 4, [ipiBitmapLow, ipiBitmapHigh, min, icr, fromInt(op64Bit)]);
  if ((icr & (1n << 15n)) !== 0n) return -22; /* -EINVAL: level-triggered */
  return popcount(ipiBitmapLow) + popcount(ipiBitmapHigh);
}

export function kvmVcpuOnSpin(vcpu: Vcpu, _yieldToKernelMode: boolean): void {
  envOf(vcpu).spins = u64(envOf(vcpu).spins + 1n);
}

export const HV_STATUS_SUCCESS = 0n;
export const HV_STATUS_INVALID_HYPERCALL_CODE = 2n;
export const HV_STATUS_INVALID_HYPERCALL_INPUT = 3n;
export const HV_STATUS_INVALID_PORT_ID = 17n;

/** Connection ids below 4 are KVM's own eventfds; others may be userspace's. Returns a u16. */
export function kvmHvcallSignalEvent(vcpu: Vcpu, fast: boolean, param: bigint): bigint {
  simTrace(vcpu, 5, [fromBool(fast), param]);
  if (!fast) param = mix64(param); /* "read from guest memory" */
  if ((param & 0xff000000n) !== 0n) return HV_STATUS_INVALID_HYPERCALL_INPUT;
  return (param & 0xffffffn) < 4n ? HV_STATUS_SUCCESS : HV_STATUS_INVALID_PORT_ID;
}

/** Returns a u16. */
export function kvmHvFlushTlb(vcpu: Vcpu, ingpa: bigint, repCnt: bigint): bigint {
  simTrace(vcpu, 6, [ingpa, repCnt]);
  envOf(vcpu).flushes = u64(envOf(vcpu).flushes + 1n);
  return (ingpa & 7n) !== 0n ? HV_STATUS_INVALID_HYPERCALL_INPUT : HV_STATUS_SUCCESS;
}

export const kvmHvSynicActive = (vcpu: Vcpu): boolean => envOf(vcpu).synic_active !== 0n;

export function kvmHvExitToUserspace(vcpu: Vcpu, param: bigint, ingpa: bigint, outgpa: bigint) {
  const env = envOf(vcpu);
  env.hv_exit_param = param;
  env.hv_exit_ingpa = ingpa;
  env.hv_exit_outgpa = outgpa;
}

export function nestedSvmMapVmcb(vcpu: Vcpu, gpa: bigint): Vmcb | null {
  if (gpa === 0n || (gpa & 0xfffn) !== 0n) {
    kvmInjectGp(vcpu, 0);
    return null;
  }
  return toSim(vcpu).nested;
}

export function initVmcb(vcpu: KvmVcpu): void {
  envOf(vcpu).init_vmcbs = u64(envOf(vcpu).init_vmcbs + 1n);
  vcpu.vmcb.save.dr7 = 0x400n;
}

export const kvmVcpuIsResetBsp = (vcpu: Vcpu): boolean => envOf(vcpu).reset_bsp !== 0n;
export const kvmVcpuApicvActive = (vcpu: Vcpu): boolean => envOf(vcpu).apicv !== 0n;
export function avicUpdateVapicBar(vcpu: Vcpu, data: bigint): void {
  envOf(vcpu).vapic_bar = data;
}

/** One global switch in KVM; per case here. */
export const nptEnabled = (vcpu: Vcpu): boolean => envOf(vcpu).npt !== 0n;

export function traceKvmHypercall(
  vcpu: Vcpu,
  nr: bigint,
  a0: bigint,
  a1: bigint,
  a2: bigint,
  a3: bigint,
) {
  simTrace(vcpu, 7, [nr, a0, a1, a2, a3]);
}

export function traceKvmHvHypercall(
  vcpu: Vcpu,
  code: bigint,
  fast: boolean,
  repCnt: bigint,
  repIdx: bigint,
  ingpa: bigint,
  outgpa: bigint,
) {
  simTrace(vcpu, 8, [code, fromBool(fast), repCnt, repIdx, ingpa, outgpa]);
}

export function traceKvmMsr(
  vcpu: Vcpu,
  write: number,
  ecx: number,
  data: bigint,
  exception: boolean,
) {
  simTrace(vcpu, 9, [fromInt(write), BigInt(ecx >>> 0), data, fromBool(exception)]);
}

export function traceKvmInvlpga(vcpu: Vcpu, rip: bigint, asid: bigint, address: bigint) {
  simTrace(vcpu, 10, [rip, asid, address]);
}

export function traceKvmSkinit(vcpu: Vcpu, rip: bigint, slb: bigint) {
  simTrace(vcpu, 11, [rip, slb]);
}
