/*
 * The simulated machine the Linux 7.2 handler suite runs on, twin of
 * runtime/sim/7.2/sim.h and machine.c: three backends (vmx, svm, tdx) whose
 * hardware state holds every guest register (RIP in its own field on every
 * one), cache_reg, and the VM-exit / VM-entry halves.
 *
 * Two sources meet here on purpose: what each backend's hardware keeps
 * lazily (hardware.ts, by hand from the 7.2 tree) and what KVM's side
 * believes (the generated <BACKEND>_REGS_LAZY_LOAD_SET, handed to the
 * generated clearAvailableRegisters after VM-exit, as 7.2's backends do).
 * When they disagree a function reads poison or calls cacheReg for a
 * register the hardware saved, and the case fails. The simulator reaches the
 * cache only through its own path (sim72Read, sim72Write), never through a
 * generated accessor, and computes what a function must have read from the
 * case's hardware and the guest's mode itself (sim72MaskOfMode), so the
 * expected values do not come from the generator.
 *
 * The C simulator is one global (struct sim72) reset per case; here a case
 * gets a fresh Sim72 and the vCPU points back to it (ext72, the twin of
 * to_ext72). What lives across cases in the C program (the WARN_ON_ONCE
 * sites and their count, the stand-ins' last answers) is a Sim72Process.
 * The model is a 64-bit build (CONFIG_X86_64).
 */
import {
  NR_KVM_REG_BITS,
  NR_VCPU_REGS,
  REG_MASK_WORDS,
  Reg,
  SVM_REGS_LAZY_LOAD_SET,
  TDX_REGS_AVAIL_SET,
  VMX_REGS_LAZY_LOAD_SET,
  WARN_ON_ONCE,
  clearAvailableRegisters,
  createVcpu,
  maskSet,
  maskTest,
  resetDirtyRegisters,
  staticCallUpdate,
  warnOnce,
  type RegMask,
  type Vcpu,
} from "./registers";
import { SIM72_HW_LAZY_SVM, SIM72_HW_LAZY_TDX, SIM72_HW_LAZY_VMX } from "./hardware";
import { U32_MASK, U64_MASK, u64 } from "../u64";

export const SIM72_NR_EXREGS = NR_KVM_REG_BITS - NR_VCPU_REGS;
export const SIM72_ALL_REGS = (1n << BigInt(NR_KVM_REG_BITS)) - 1n;

/* What a stale slot holds: recognisable, and it names its register. */
export const SIM72_POISON_BASE = 0xbadc0ffee0dd0000n;
export const sim72Poison = (reg: number): bigint => SIM72_POISON_BASE | BigInt(reg);
export const sim72IsPoison = (v: bigint): boolean => (v & ~0xffn) === SIM72_POISON_BASE;

/*
 * struct sim72_hw as its 64-bit words, in C's order: the CPU's GPRs (what
 * the exit stub saved), the VMCS/VMCB/TDVPS area's RSP, RAX (SVM only) and
 * RIP, its state words for the extended registers, and the four PDPTEs.
 */
export const HW_AREA_RSP = NR_VCPU_REGS;
export const HW_AREA_RAX = HW_AREA_RSP + 1;
export const HW_AREA_RIP = HW_AREA_RSP + 2;
export const HW_AREA_STATE = HW_AREA_RSP + 3;
export const HW_PDPTE = HW_AREA_STATE + SIM72_NR_EXREGS;
export const SIM72_HW_WORDS = HW_PDPTE + 4;

export const SIM72_VMX = 0;
export const SIM72_SVM = 1;
export const SIM72_TDX = 2;

export interface Sim72Backend {
  readonly name: "vmx" | "svm" | "tdx";
  readonly id: number;
  /** hardware.ts's lazy set. */
  readonly hwLazy: bigint;
  /** What KVM's side clears after VM-exit (the generated set, under test). */
  readonly kvmLazy: bigint;
}

/** A generated RegMask's first 64-bit word, as C's regs_avail[0]. */
const word0 = (mask: Readonly<RegMask>): bigint =>
  BigInt(mask[0] ?? 0) | (REG_MASK_WORDS > 1 ? BigInt(mask[1] ?? 0) << 32n : 0n);

/*
 * What KVM's side clears after VM-exit, as 7.2 spells it:
 * VMX_REGS_LAZY_LOAD_SET in vmx.c, SVM_REGS_LAZY_LOAD_SET in svm.c,
 * ~TDX_REGS_AVAIL_SET in tdx.c.
 */
const kvmLazyOf = (id: number): bigint =>
  id === SIM72_VMX
    ? word0(VMX_REGS_LAZY_LOAD_SET)
    : id === SIM72_SVM
      ? word0(SVM_REGS_LAZY_LOAD_SET)
      : u64(~word0(TDX_REGS_AVAIL_SET));

export const sim72Backends: readonly Sim72Backend[] = [
  { name: "vmx", id: SIM72_VMX, hwLazy: SIM72_HW_LAZY_VMX & SIM72_ALL_REGS, kvmLazy: 0n },
  { name: "svm", id: SIM72_SVM, hwLazy: SIM72_HW_LAZY_SVM & SIM72_ALL_REGS, kvmLazy: 0n },
  { name: "tdx", id: SIM72_TDX, hwLazy: SIM72_HW_LAZY_TDX & SIM72_ALL_REGS, kvmLazy: 0n },
];

/** The rules a run checks, counted per case (struct sim72_faults, in order). */
export const SIM72_FAULT_KINDS = [
  ["poison", "poison"],
  ["lost_write", "lost-write"],
  ["cache_twice", "cache_reg-twice"],
  ["cache_available", "cache_reg-available"],
  ["tdx_fill", "tdx-fill"],
  ["value", "value"],
  ["assert_hook", "assert"],
  ["warning", "warning"],
] as const;
export type Sim72Faults = Record<(typeof SIM72_FAULT_KINDS)[number][0], bigint>;

/** Everything outside the cache a function can see or change (SIM72_ENV_FIELDS, in order). */
export const SIM72_ENV_FIELDS = [
  "cpl",
  "protmode",
  "cpuid_fault",
  "xen",
  "hv_enabled",
  "pv_features",
  "synic_active",
  "npt",
  "insn_len",
  "xcr0",
  "msr_known",
  "msr_data",
  "msr_user",
  "pio_in_data",
  "quirk_7e",
  "exception",
  "error_code",
  "trace_hash",
  "skips",
  "requests",
  "invlpg_gva",
  "cpuid_out",
  "pmc",
  "signature",
  "vmrun_ok",
  "map_vmcb12",
  "load_cr3_fail",
  "efer_cr_loads",
  "pae",
] as const;
export type Sim72Env = Record<(typeof SIM72_ENV_FIELDS)[number], bigint>;

/** The part of a VMCB's save area the SVM functions touch, in struct order. */
export const VMCB_SAVE_FIELDS = [
  "cr0",
  "cr2",
  "cr3",
  "cr4",
  "dr7",
  "rflags",
  "rip",
  "rsp",
  "rax",
] as const;
export type VmcbSaveArea = Record<(typeof VMCB_SAVE_FIELDS)[number], bigint>;
export interface Vmcb {
  save: VmcbSaveArea;
}
export const emptySave = (): VmcbSaveArea =>
  Object.fromEntries(VMCB_SAVE_FIELDS.map((f) => [f, 0n])) as VmcbSaveArea;

/** The register file KVM_GET_REGS/KVM_SET_REGS exchange (struct kvm_regs). */
export { KVM_REGS_FIELDS, emptyKvmRegs, type KvmRegs } from "../kvm-regs";

/** A completion userspace's answer runs on re-entry (complete_userspace_io). */
export type CompleteUserspaceIo = (vcpu: KvmVcpu72) => number;

/**
 * struct kvm_vcpu_ext72 with the 7.2 fields kvm_host.h adds to kvm_vcpu_arch
 * (the guest's mode, the assertion hook's state): the generated Vcpu, and
 * the state KVM keeps beside the register cache that functions touch.
 */
export interface KvmVcpu72 extends Vcpu {
  readonly sim: Sim72;
  /* kvm_vcpu_arch, as kvm_host.h has it for a 7.2 header */
  efer: bigint;
  csL: boolean;
  guestStateProtected: boolean;
  handlingIntrFromGuest: boolean;
  cachingAssertReports: number;
  /* from kvm_vcpu_arch */
  completeUserspaceIo: CompleteUserspaceIo | null;
  cuiLinearRip: bigint;
  cuiRdmsrImmReg: number;
  pioCount: number;
  pioSize: number;
  emulateRegsNeedSyncToVcpu: boolean;
  emulateRegsNeedSyncFromVcpu: boolean;
  exceptionPending: boolean;
  exceptionVmexitPending: boolean;
  statHypercalls: bigint;
  /* from kvm_run: the answers userspace gives on re-entry */
  runHypercallRet: bigint;
  runMsrData: bigint;
  runMsrError: number;
  /* from vcpu_svm: vmcb01, the vmcb12 cache and vmcb02 */
  vmcb01: Vmcb;
  vmcb02: Vmcb;
  nestedSave: VmcbSaveArea;
  nestedVmcb12Gpa: bigint;
}

/** What outlives a case in the C program: its globals outside struct sim72. */
export interface Sim72Process {
  /** sim72_warnings: every WARN_ON_ONCE report so far. */
  warnings: number;
  /** regcache_in_interrupt: false is the vCPU's task. */
  inInterrupt: boolean;
  /** sim72_cpuid_out, sim72_msr_read_value, sim72_wrmsr_want. */
  cpuidOut: bigint[];
  msrReadValue: bigint;
  wrmsrWant: bigint;
}

/** struct sim72: one case's machine. */
export interface Sim72 {
  readonly process: Sim72Process;
  readonly backend: Sim72Backend;
  readonly vcpu: KvmVcpu72;
  /** struct sim72_hw's words (HW_* offsets). */
  readonly hw: BigUint64Array;
  /** The case's hardware at VM-exit, for the oracles. */
  readonly hwAtExit: BigUint64Array;
  /** The cache of RFLAGS, SEGMENTS and the exit infos. */
  readonly exreg: BigUint64Array;
  readonly cacheCalls: Uint32Array;
  readonly vmcb12: Vmcb;
  readonly env: Sim72Env;
  readonly faults: Sim72Faults;
}

/** to_ext72: every Vcpu this runtime makes is a KvmVcpu72 (container_of). */
export const ext72 = (vcpu: Vcpu): KvmVcpu72 => vcpu as KvmVcpu72;

/** A new process: no warning yet, every WARN_ON_ONCE site armed again. */
export function createSim72Process(): Sim72Process {
  WARN_ON_ONCE.warned.clear();
  const process: Sim72Process = {
    warnings: 0,
    inInterrupt: false,
    cpuidOut: [0n, 0n, 0n, 0n],
    msrReadValue: 0n,
    wrmsrWant: 0n,
  };
  WARN_ON_ONCE.handler = () => {
    process.warnings++;
  };
  return process;
}

/* ---- the mode helpers kvm_host.h keeps beside the generated block ---- */

export const EFER_LMA = 1n << 10n;

export const isLongMode = (vcpu: KvmVcpu72): boolean => (vcpu.efer & EFER_LMA) !== 0n;

/** Asking for a protected guest's mode is a bug warned about once (CS cannot be read). */
export function is64BitMode(vcpu: KvmVcpu72): boolean {
  warnOnce(vcpu.guestStateProtected, "is_64_bit_mode");
  if (!isLongMode(vcpu)) return false;
  return vcpu.csL;
}

/** A protected guest's hypercall registers were given in 64-bit mode. */
export const is64BitHypercall = (vcpu: KvmVcpu72): boolean =>
  vcpu.guestStateProtected || is64BitMode(vcpu);

/** kvm_reg_mode_mask: 64 bits in 64-bit mode, else 32. */
export const kvmRegModeMask = (vcpu: KvmVcpu72): bigint =>
  is64BitMode(vcpu) ? U64_MASK : U32_MASK;

/* ---- hardware and cache ---- */

/**
 * Where a register lives in a backend's hardware state (an index into hw).
 * VMX: RSP, RIP and the control state in the VMCS, the other GPRs in the
 * CPU. SVM: RAX, RSP and RIP in the VMCB save area. TDX: RSP, RIP and the
 * control state in the TDVPS, the other GPRs handed over by the TDX module.
 */
export function sim72Slot(id: number, reg: number): number {
  if (reg === Reg.RSP) return HW_AREA_RSP;
  if (reg === Reg.RAX && id === SIM72_SVM) return HW_AREA_RAX;
  if (reg === Reg.RIP) return HW_AREA_RIP;
  if (reg === Reg.PDPTR) return HW_PDPTE;
  if (reg >= NR_VCPU_REGS) return HW_AREA_STATE + reg - NR_VCPU_REGS;
  return reg;
}

const lazyBit = (set: bigint, reg: number): boolean => ((set >> BigInt(reg)) & 1n) === 1n;

/* Where KVM caches a register: regs, its own field, or the exreg array. */
function cacheGet(sim: Sim72, reg: number): bigint {
  const arch = sim.vcpu.arch;
  if (reg < NR_VCPU_REGS) return arch.regs[reg]!;
  if (reg === Reg.RIP) return arch.rip;
  if (reg === Reg.PDPTR) return arch.pdptrs[0]!;
  if (reg === Reg.CR0) return arch.cr0;
  if (reg === Reg.CR3) return arch.cr3;
  if (reg === Reg.CR4) return arch.cr4;
  return sim.exreg[reg - NR_VCPU_REGS]!;
}

function cacheSet(sim: Sim72, reg: number, value: bigint): void {
  const arch = sim.vcpu.arch;
  const v = u64(value);
  if (reg < NR_VCPU_REGS) arch.regs[reg] = v;
  else if (reg === Reg.RIP) arch.rip = v;
  else if (reg === Reg.PDPTR) arch.pdptrs[0] = v;
  else if (reg === Reg.CR0) arch.cr0 = v;
  else if (reg === Reg.CR3) arch.cr3 = v;
  else if (reg === Reg.CR4) arch.cr4 = v;
  else sim.exreg[reg - NR_VCPU_REGS] = v;
}

/**
 * A lazily loaded register's cache after VM-exit: poison, but for CR0 and
 * CR4, where KVM keeps every intercepted bit up to date and only the bits
 * the guest owns are stale (flipped here).
 */
function staleValue(sim: Sim72, reg: number): bigint {
  const hw = sim.hw[sim72Slot(sim.backend.id, reg)]!;
  if (reg === Reg.CR0) return hw ^ sim.vcpu.arch.cr0GuestOwnedBits;
  if (reg === Reg.CR4) return hw ^ sim.vcpu.arch.cr4GuestOwnedBits;
  return sim72Poison(reg);
}

function loadCache(sim: Sim72, reg: number, stale: boolean): void {
  cacheSet(sim, reg, stale ? staleValue(sim, reg) : sim.hw[sim72Slot(sim.backend.id, reg)]!);
  if (reg === Reg.PDPTR)
    for (let i = 1; i < 4; i++)
      sim.vcpu.arch.pdptrs[i] = stale ? sim72Poison(reg) : sim.hw[HW_PDPTE + i]!;
}

function storeHw(sim: Sim72, reg: number): void {
  sim.hw[sim72Slot(sim.backend.id, reg)] = cacheGet(sim, reg);
  if (reg === Reg.PDPTR)
    for (let i = 1; i < 4; i++) sim.hw[HW_PDPTE + i] = sim.vcpu.arch.pdptrs[i]!;
}

/**
 * Every backend's cache_reg: count the call and copy one register from
 * hardware state. TDX never fills: a TD's registers outside what the TDX
 * module handed over cannot be read, and 7.2's vt_cache_reg warns and
 * returns; the simulator reports the call (tdx_fill) and leaves the poison.
 */
export function sim72CacheReg(vcpu: Vcpu, reg: number): void {
  const sim = ext72(vcpu).sim;
  if (reg < 0 || reg >= NR_KVM_REG_BITS) {
    sim.faults.value++;
    return;
  }
  if (++sim.cacheCalls[reg]! > 1) sim.faults.cache_twice++;
  if (!lazyBit(sim.backend.hwLazy, reg)) sim.faults.cache_available++;
  if (sim.backend.id === SIM72_TDX) {
    sim.faults.tdx_fill++;
    return;
  }
  loadCache(sim, reg, false);
  maskSet(vcpu.arch.regsAvail, reg);
}

const emptyFaults = (): Sim72Faults =>
  Object.fromEntries(SIM72_FAULT_KINDS.map(([f]) => [f, 0n])) as Sim72Faults;
export const emptyEnv = (): Sim72Env =>
  Object.fromEntries(SIM72_ENV_FIELDS.map((f) => [f, 0n])) as Sim72Env;

/**
 * A zeroed machine on backend b (memset(&sim72, 0) and
 * sim72_install_backend): the backend's kvmLazy from the generated sets,
 * and the backend's cacheReg installed as the static call's target.
 */
export function createSim72(process: Sim72Process, b: Sim72Backend): Sim72 {
  const backend: Sim72Backend = { ...b, kvmLazy: kvmLazyOf(b.id) };
  const vcpuBase = createVcpu(
    { cacheReg: sim72CacheReg },
    {
      regModeMask: (v) => kvmRegModeMask(ext72(v)),
      // in_task() || kvm_arch_pmi_in_guest(vcpu), else one report counted
      assertRegisterCachingAllowed: (v) => {
        const e = ext72(v);
        if (!(!e.sim.process.inInterrupt || e.handlingIntrFromGuest)) e.cachingAssertReports++;
      },
    },
  );
  const sim = {
    process,
    backend,
    hw: new BigUint64Array(SIM72_HW_WORDS),
    hwAtExit: new BigUint64Array(SIM72_HW_WORDS),
    exreg: new BigUint64Array(SIM72_NR_EXREGS),
    cacheCalls: new Uint32Array(NR_KVM_REG_BITS),
    vmcb12: { save: emptySave() },
    env: emptyEnv(),
    faults: emptyFaults(),
    // The machine and its vCPU point at each other (C's to_ext72 is pointer
    // arithmetic); the vCPU is set just below, before anyone reads it.
    vcpu: undefined as unknown as KvmVcpu72,
  } satisfies Sim72;
  const vcpu: KvmVcpu72 = Object.assign(vcpuBase, {
    sim,
    efer: 0n,
    csL: false,
    guestStateProtected: false,
    handlingIntrFromGuest: false,
    cachingAssertReports: 0,
    completeUserspaceIo: null,
    cuiLinearRip: 0n,
    cuiRdmsrImmReg: 0,
    pioCount: 0,
    pioSize: 0,
    emulateRegsNeedSyncToVcpu: false,
    emulateRegsNeedSyncFromVcpu: false,
    exceptionPending: false,
    exceptionVmexitPending: false,
    statHypercalls: 0n,
    runHypercallRet: 0n,
    runMsrData: 0n,
    runMsrError: 0,
    vmcb01: { save: emptySave() },
    vmcb02: { save: emptySave() },
    nestedSave: emptySave(),
    nestedVmcb12Gpa: 0n,
  });
  (sim as { vcpu: KvmVcpu72 }).vcpu = vcpu; // Sim72.vcpu is readonly to everyone else
  staticCallUpdate(sim72CacheReg);
  return sim;
}

/**
 * After VM-exit: the hardware saves every register outside its lazy set
 * into the cache and leaves the rest stale; KVM's side then marks every
 * register available and clears the generated lazy set's bits with the
 * generated bulk helper, as 7.2's vmx/svm/tdx exit paths do.
 */
export function sim72VmExit(sim: Sim72): void {
  const arch = sim.vcpu.arch;
  sim.hwAtExit.set(sim.hw);
  for (let reg = 0; reg < NR_KVM_REG_BITS; reg++)
    loadCache(sim, reg, lazyBit(sim.backend.hwLazy, reg));
  arch.regsAvail.fill(0xffffffff);
  arch.regsDirty.fill(0);
  clearAvailableRegisters(sim.vcpu, sim.backend.kvmLazy);
}

/**
 * Before VM-entry: registers the hardware saved go back unconditionally
 * (the entry stub loads them all), lazy ones only when dirty. A lazy
 * register whose cache no longer matches the hardware (available) or its
 * stale value (not available) was written behind the dirty mask's back.
 * On TDX nothing but the handed-over registers goes back.
 */
export function sim72VmEnter(sim: Sim72): void {
  const arch = sim.vcpu.arch;
  for (let reg = 0; reg < NR_KVM_REG_BITS; reg++) {
    const cached = cacheGet(sim, reg);
    const hw = sim.hw[sim72Slot(sim.backend.id, reg)]!;
    const avail = maskTest(arch.regsAvail, reg);
    if (!lazyBit(sim.backend.hwLazy, reg)) {
      storeHw(sim, reg);
      continue;
    }
    if (maskTest(arch.regsDirty, reg)) {
      if (sim.backend.id !== SIM72_TDX) storeHw(sim, reg);
      continue;
    }
    if (avail ? cached !== hw : cached !== staleValue(sim, reg)) sim.faults.lost_write++;
  }
  resetDirtyRegisters(sim.vcpu);
}

/** The simulator's own cached path, whatever the headers call theirs. */
export function sim72Read(sim: Sim72, reg: number): bigint {
  if (!maskTest(sim.vcpu.arch.regsAvail, reg)) sim72CacheReg(sim.vcpu, reg);
  return cacheGet(sim, reg);
}

export function sim72Write(sim: Sim72, reg: number, value: bigint): void {
  cacheSet(sim, reg, value);
  maskSet(sim.vcpu.arch.regsAvail, reg);
  maskSet(sim.vcpu.arch.regsDirty, reg);
}

/** The case's hardware value of a register at VM-exit. */
export const sim72Hw0 = (sim: Sim72, reg: number): bigint =>
  sim.hwAtExit[sim72Slot(sim.backend.id, reg)]!;

/** The operand width of the guest's mode, from the case's EFER.LMA and CS.L. */
export const sim72MaskOfMode = (sim: Sim72): bigint =>
  (sim.vcpu.efer & EFER_LMA) !== 0n && sim.vcpu.csL ? U64_MASK : U32_MASK;

/** A 64-bit hypercall: protected state, or 64-bit mode. */
export const sim72Hypercall64 = (sim: Sim72): boolean =>
  sim.vcpu.guestStateProtected || sim72MaskOfMode(sim) === U64_MASK;

function mix(h: bigint, v: bigint): bigint {
  h ^= u64(v + 0x9e3779b97f4a7c15n + u64(h << 6n) + (h >> 2n));
  return u64(h * 0x100000001b3n);
}

/** A value a stand-in receives: poison is a fault, the value is hashed. */
export function sim72Note(sim: Sim72, tag: number, value: bigint): void {
  if (sim72IsPoison(value)) sim.faults.poison++;
  sim.env.trace_hash = mix(mix(sim.env.trace_hash, BigInt(tag)), value);
}

/** A value a function handed over that the simulator can predict. */
export function sim72Expect(sim: Sim72, tag: number, got: bigint, want: bigint): void {
  sim72Note(sim, tag, got);
  if (got !== want) sim.faults.value++;
}
