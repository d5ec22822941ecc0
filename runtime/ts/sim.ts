/*
 * The simulated machine, twin of runtime/sim/sim.h and backends.c, vmx.c,
 * svm.c, tdx.c. A backend owns "hardware state" holding every guest
 * register; vmExit copies the registers it keeps always available into the
 * vCPU's cache and poisons the ones it loads lazily; cacheReg fetches one
 * lazily loaded register; vmEnter writes the cache back. Which registers the
 * hardware loads lazily comes from SIM_HARDWARE (hardware.ts), written
 * independently of the generator; the generated REGS_LAZY_LOAD_SET is only
 * what KVM's side believes when it marks registers available after VM-exit,
 * the code under test, so a wrong set shows up as poison or a stray cacheReg.
 *
 * The simulator's own register traffic goes through the generic cached path
 * only, so its behaviour never depends on which accessors a spec makes direct.
 */
import {
  BACKENDS,
  isAvailable,
  isDirty,
  markAvailable,
  markDirty,
  maskTest,
  NR_KVM_REG_BITS,
  NR_VCPU_REGS,
  Reg,
  regMask,
  REGS_AVAIL_SET,
  REGS_LAZY_LOAD_SET,
  maskClear,
  createVcpu,
  type Backend,
  type KvmX86Ops,
  type RegMask,
  type Vcpu,
} from "./registers";
import * as registers from "./registers";
import { SIM_HARDWARE } from "./hardware";
import type { SimHardware } from "./hardware-tables";

export const SIM_NR_EXREGS = NR_KVM_REG_BITS - NR_VCPU_REGS;

/* What a stale slot holds: recognisable, and it names its register. */
export const SIM_POISON_BASE = 0xbadc0ffee0dd0000n;
export const simPoison = (reg: number): bigint => SIM_POISON_BASE | BigInt(reg);
export const simIsPoison = (v: bigint): boolean => (v & ~0xffn) === SIM_POISON_BASE;

/** The SEGMENTS slot models CS's attribute word; bit 13 is CS.L. */
export const SIM_CS_L = 1n << 13n;

export const SIM_PIO_DEV_BASE = 0x60;
export const SIM_PIO_DEV_PORTS = 16;
export const SIM_NR_MSRS = 6;
export const SIM_NR_PMCS = 4;
export const SIM_XCR0_SUPPORTED = 0x2e7n;

export const X86_EFLAGS_TF = 1n << 8n;
export const X86_EFLAGS_FIXED = 1n << 1n;

/** The register file KVM_GET_REGS/KVM_SET_REGS exchange (struct kvm_regs). */
export { KVM_REGS_FIELDS, emptyKvmRegs, type KvmRegs } from "./kvm-regs";

/** The part of a VMCB's save area the SVM handlers touch, in struct order. */
export const VMCB_SAVE_FIELDS = [
  "cr2",
  "cr3",
  "dr7",
  "rflags",
  "rip",
  "rsp",
  "rax",
  "cr0",
  "cr4",
] as const;
export type VmcbSaveArea = Record<(typeof VMCB_SAVE_FIELDS)[number], bigint>;
export interface Vmcb {
  save: VmcbSaveArea;
}
export const emptyVmcb = (): Vmcb => ({
  save: Object.fromEntries(VMCB_SAVE_FIELDS.map((f) => [f, 0n])) as VmcbSaveArea,
});
export const copyVmcb = (v: Vmcb): Vmcb => ({ save: { ...v.save } });

export interface KvmPioRequest {
  linearRip: bigint;
  count: bigint;
  in: number;
  port: number;
  size: number;
}

export type CompleteUserspaceIo = (vcpu: KvmVcpu) => number;

/**
 * struct kvm_vcpu_ext: the generated Vcpu plus the state KVM keeps beside
 * the register cache (kvm_vcpu_arch, vcpu_svm) that handlers touch.
 */
export interface KvmVcpu extends Vcpu {
  pio: KvmPioRequest;
  completeUserspaceIo: CompleteUserspaceIo | null;
  emulateRegsNeedSyncToVcpu: boolean;
  emulateRegsNeedSyncFromVcpu: boolean;
  exceptionPending: boolean;
  apicBase: bigint;
  microcodeVersion: bigint;
  statHypercalls: bigint;
  vmcb: Vmcb;
  hsave: Vmcb;
  nestedVmcb: bigint;
  nextRip: bigint;
}

/*
 * Everything outside the register cache a handler can see or change. The
 * names are struct sim_env's own: cases and results are exchanged with the
 * C driver field by field, in this order.
 */
export const SIM_ENV_FIELDS = [
  "cpl",
  "protmode",
  "cpuid_fault",
  "hv_enabled",
  "synic_active",
  "npt",
  "apicv",
  "reset_bsp",
  "insn_len",
  "xcr0",
  "userspace_pio_data",
  "exception",
  "error_code",
  "traces",
  "trace_hash",
  "kicks",
  "spins",
  "flushes",
  "singlesteps",
  "requests",
  "mmu_resets",
  "init_vmcbs",
  "vapic_bar",
  "invlpg_gva",
  "hv_exit_param",
  "hv_exit_ingpa",
  "hv_exit_outgpa",
  "poison_traced",
] as const;
export type SimEnvField = (typeof SIM_ENV_FIELDS)[number];
export type SimEnv = Record<SimEnvField, bigint> & {
  msr_value: bigint[];
  pmc: bigint[];
  /** u8 each */
  pio_dev: number[];
};

export function emptyEnv(): SimEnv {
  return {
    ...(Object.fromEntries(SIM_ENV_FIELDS.map((f) => [f, 0n])) as Record<SimEnvField, bigint>),
    msr_value: new Array<bigint>(SIM_NR_MSRS).fill(0n),
    pmc: new Array<bigint>(SIM_NR_PMCS).fill(0n),
    pio_dev: new Array<number>(SIM_PIO_DEV_PORTS).fill(0),
  };
}

export const copyEnv = (e: SimEnv): SimEnv => ({
  ...e,
  msr_value: [...e.msr_value],
  pmc: [...e.pmc],
  pio_dev: [...e.pio_dev],
});

/** A backend's hardware state: named areas of u64 slots (the CPU's GPRs, a VMCS, …). */
export type SimHw = Readonly<Record<string, BigUint64Array>>;
/** Where one register lives: an area and an index in it. */
export interface HwSlot {
  readonly area: BigUint64Array;
  readonly index: number;
}

export interface SimBackend {
  readonly name: Backend;
  /** The hardware's lazily loaded registers: SIM_HARDWARE[name]. */
  readonly lazy: Readonly<RegMask>;
  /** The hardware's always-available registers: every other one. */
  readonly avail: Readonly<RegMask>;
  /** KVM's side, under test: the generated <BACKEND>_REGS_LAZY_LOAD_SET. */
  readonly kvmLazy: Readonly<RegMask>;
  /** KVM's side, under test: the generated <BACKEND>_REGS_AVAIL_SET. */
  readonly kvmAvail: Readonly<RegMask>;
  readonly ops: KvmX86Ops;
  createHw(): SimHw;
  slot(hw: SimHw, reg: number): HwSlot;
}

export interface SimVcpu extends KvmVcpu {
  backend: SimBackend;
  hw: SimHw;
  /** Cache of the extended registers that have no vCPU field of their own. */
  exreg: BigUint64Array;
  /** PDPTE1-3 in hardware state, beside the PDPTR slot (PDPTE0). */
  hwPdpte: BigUint64Array;
  cacheCalls: Uint32Array;
  nested: Vmcb;
  /** The emulator's register copy, for emulator_writeback_register_cache. */
  emuDirty: bigint;
  emuRegs: BigUint64Array;
  env: SimEnv;
}

/** container_of(vcpu, struct sim_vcpu, ext.vcpu): every vCPU the runtime makes is a SimVcpu. */
export const toSim = (vcpu: Vcpu): SimVcpu => vcpu as SimVcpu;

/*
 * What this build's registers.ts defines, looked up by name: the twin of the
 * C side's #ifdef on the generated header's `#define kvm_read_cr3
 * kvm_read_cr3`. A spec without accessors (v5.2's) has none of it.
 */
export const generated = registers as unknown as Readonly<
  Record<string, ((...args: never[]) => unknown) | undefined>
>;
const regNamed = (name: string): number | undefined =>
  (Reg as unknown as Record<string, number | undefined>)[name];
/** The vCPU's fields, by name: cr0, cr3, cr4, the guest-owned bits, walkMmu. */
export const archOf = (vcpu: Vcpu): Record<string, bigint> =>
  vcpu.arch as unknown as Record<string, bigint>;

/** Twin of sim_exreg_field: the vCPU field KVM keeps an extended register in. */
const EXREG_FIELDS: ReadonlyMap<number, string> = new Map(
  (
    [
      ["readCr0", "CR0", "cr0"],
      ["readCr3", "CR3", "cr3"],
      ["readCr4", "CR4", "cr4"],
    ] as const
  )
    .filter(([reader, reg]) => generated[reader] && regNamed(reg) !== undefined)
    .map(([, reg, field]) => [regNamed(reg)!, field]),
);
/** The registers whose reads are gated on guest-owned bits, with the field naming them. */
const GATED: ReadonlyMap<number, string> = new Map(
  (
    [
      ["readCr0Bits", "CR0", "cr0GuestOwnedBits"],
      ["readCr4Bits", "CR4", "cr4GuestOwnedBits"],
    ] as const
  )
    .filter(([reader, reg]) => generated[reader] && regNamed(reg) !== undefined)
    .map(([, reg, owned]) => [regNamed(reg)!, owned]),
);
const PDPTR_IN_MMU = generated["pdptrRead"] !== undefined;
const pdptrs = (sv: SimVcpu): BigUint64Array =>
  (sv.arch as unknown as { walkMmu: { pdptrs: BigUint64Array } }).walkMmu.pdptrs;

export function simStoreCache(sv: SimVcpu, reg: number, val: bigint): void {
  if (reg < NR_VCPU_REGS) sv.arch.regs[reg] = val;
  else if (PDPTR_IN_MMU && reg === regNamed("PDPTR")) pdptrs(sv)[0] = val;
  else if (EXREG_FIELDS.has(reg)) archOf(sv)[EXREG_FIELDS.get(reg)!] = val;
  else sv.exreg[reg - NR_VCPU_REGS] = val;
}

export function simLoadCache(sv: SimVcpu, reg: number): bigint {
  if (reg < NR_VCPU_REGS) return sv.arch.regs[reg]!;
  if (PDPTR_IN_MMU && reg === regNamed("PDPTR")) return pdptrs(sv)[0]!;
  if (EXREG_FIELDS.has(reg)) return archOf(sv)[EXREG_FIELDS.get(reg)!]!;
  return sv.exreg[reg - NR_VCPU_REGS]!;
}

/**
 * Twin of sim_stale_value: what a lazily loaded register's cache holds after
 * VM-exit. Poison, except for CR0/CR4 under guest-owned gating, where only
 * the bits the guest owns are stale (flipped).
 */
export function simStaleValue(sv: SimVcpu, reg: number): bigint {
  const owned = GATED.get(reg);
  if (owned === undefined) return simPoison(reg);
  const s = sv.backend.slot(sv.hw, reg);
  return s.area[s.index]! ^ (archOf(sv)[owned] ?? 0n);
}

/** PDPTE1-3 go with PDPTE0 (the PDPTR slot): loaded, poisoned or written back together. */
function simPdpteLoad(sv: SimVcpu, reg: number, poison: boolean): void {
  if (!PDPTR_IN_MMU || reg !== regNamed("PDPTR")) return;
  for (let i = 0; i < 3; i++) pdptrs(sv)[i + 1] = poison ? simPoison(reg) : sv.hwPdpte[i]!;
}

function simPdpteStore(sv: SimVcpu, reg: number): void {
  if (!PDPTR_IN_MMU || reg !== regNamed("PDPTR")) return;
  for (let i = 0; i < 3; i++) sv.hwPdpte[i] = pdptrs(sv)[i + 1]!;
}

/** The simulator's own cached path, whatever the spec calls the kernel's. */
export function simRegisterRead(vcpu: Vcpu, reg: Reg): bigint {
  if (!isAvailable(vcpu, reg)) vcpu.kvmX86Ops.cacheReg(vcpu, reg);
  return vcpu.arch.regs[reg]!;
}

export function simRegisterWrite(vcpu: Vcpu, reg: Reg, val: bigint): void {
  vcpu.arch.regs[reg] = val;
  markDirty(vcpu, reg);
}

/**
 * Twin of sim_install_backend: with a static call (the spec's api.cache_reg),
 * the backend's cacheReg is installed as its target (static_call_update).
 */
export function simInstallBackend(b: SimBackend): void {
  const update = generated["staticCallUpdate"] as
    ((cacheReg: KvmX86Ops["cacheReg"]) => void) | undefined;
  update?.(b.ops.cacheReg);
}

/** Every backend's cacheReg: count the call, copy the slot, mark it. */
function simCacheReg(vcpu: Vcpu, reg: Reg, slot: HwSlot): void {
  const sv = toSim(vcpu);
  sv.cacheCalls[reg]!++;
  simStoreCache(sv, reg, slot.area[slot.index]!);
  simPdpteLoad(sv, reg, false);
  markAvailable(vcpu, reg);
}

const areas = (sizes: Record<string, number>) => () =>
  Object.fromEntries(Object.entries(sizes).map(([k, n]) => [k, new BigUint64Array(n)]));

interface HwLayout {
  createHw(): SimHw;
  slot(hw: SimHw, reg: number): HwSlot;
}

const at = (area: BigUint64Array | undefined, index: number): HwSlot => ({ area: area!, index });

/*
 * Where each guest register lives after a VM-exit, per backend. VMX: GPRs
 * in the CPU (the exit stub stores them), RSP, RIP and the control state in
 * VMCS fields. SVM: RAX, RSP and RIP in the VMCB save area, the rest in the
 * CPU. TDX: the GPRs the TDX module hands over, the rest in the TDVPS (a
 * real TD's RSP/RIP are not readable; the simulation lets cacheReg read them).
 */
const HW_LAYOUTS: Readonly<Record<string, HwLayout>> = {
  vmx: {
    createHw: areas({
      cpu_gprs: NR_VCPU_REGS,
      guest_rsp: 1,
      guest_rip: 1,
      guest_state: SIM_NR_EXREGS,
    }),
    slot: (hw, reg) =>
      reg === Reg.RSP
        ? at(hw["guest_rsp"], 0)
        : reg === Reg.RIP
          ? at(hw["guest_rip"], 0)
          : reg >= NR_VCPU_REGS
            ? at(hw["guest_state"], reg - NR_VCPU_REGS)
            : at(hw["cpu_gprs"], reg),
  },
  svm: {
    createHw: areas({ cpu_gprs: NR_VCPU_REGS, vmcb_save: 3, state: SIM_NR_EXREGS }),
    slot: (hw, reg) =>
      reg === Reg.RAX
        ? at(hw["vmcb_save"], 0)
        : reg === Reg.RSP
          ? at(hw["vmcb_save"], 1)
          : reg === Reg.RIP
            ? at(hw["vmcb_save"], 2)
            : reg >= NR_VCPU_REGS
              ? at(hw["state"], reg - NR_VCPU_REGS)
              : at(hw["cpu_gprs"], reg),
  },
  tdx: {
    createHw: areas({ vp_enter_gprs: NR_VCPU_REGS, tdvps: 2, state: SIM_NR_EXREGS }),
    slot: (hw, reg) =>
      reg === Reg.RSP
        ? at(hw["tdvps"], 1)
        : reg === Reg.RIP
          ? at(hw["tdvps"], 0)
          : reg >= NR_VCPU_REGS
            ? at(hw["state"], reg - NR_VCPU_REGS)
            : at(hw["vp_enter_gprs"], reg),
  },
};

/** The hardware table's register names as a mask of this build's Reg enum. */
function hardwareLazy(hardware: SimHardware, name: Backend): RegMask {
  const names = hardware[name];
  if (!names) throw new Error(`runtime/ts: no simulated hardware table for backend '${name}'`);
  return regMask(
    names.map((n) => {
      const reg = (Reg as unknown as Record<string, Reg | undefined>)[n.toUpperCase()];
      if (reg === undefined) throw new Error(`runtime/ts: ${name}: no register '${n}'`);
      return reg;
    }),
  );
}

function makeBackend(name: Backend): SimBackend {
  const layout = HW_LAYOUTS[name];
  if (!layout) throw new Error(`runtime/ts: no simulated hardware for backend '${name}'`);
  const lazy = hardwareLazy(SIM_HARDWARE, name);
  const avail = simAllRegs();
  for (let reg = 0; reg < NR_KVM_REG_BITS; reg++) if (maskTest(lazy, reg)) maskClear(avail, reg);
  return {
    name,
    lazy,
    avail,
    kvmLazy: REGS_LAZY_LOAD_SET[name],
    kvmAvail: REGS_AVAIL_SET[name],
    ops: {
      cacheReg: (vcpu, reg) => simCacheReg(vcpu, reg, layout.slot(toSim(vcpu).hw, reg)),
    },
    createHw: layout.createHw,
    slot: layout.slot,
  };
}

/** The backend table, built from the generated BACKENDS (the C side's KVM_BACKENDS()). */
export const simBackends: readonly SimBackend[] = BACKENDS.map(makeBackend);

/** Every register bit: the lazy set of a run in which everything is loaded lazily. */
export function simAllRegs(): RegMask {
  return regMask(Array.from({ length: NR_KVM_REG_BITS }, (_, reg) => reg));
}

/** A vCPU of backend b with zeroed state. */
export function createSimVcpu(b: SimBackend): SimVcpu {
  return {
    ...createVcpu(b.ops),
    pio: { linearRip: 0n, count: 0n, in: 0, port: 0, size: 0 },
    completeUserspaceIo: null,
    emulateRegsNeedSyncToVcpu: false,
    emulateRegsNeedSyncFromVcpu: false,
    exceptionPending: false,
    apicBase: 0n,
    microcodeVersion: 0n,
    statHypercalls: 0n,
    vmcb: emptyVmcb(),
    hsave: emptyVmcb(),
    nestedVmcb: 0n,
    nextRip: 0n,
    backend: b,
    hw: b.createHw(),
    exreg: new BigUint64Array(SIM_NR_EXREGS),
    hwPdpte: new BigUint64Array(3),
    cacheCalls: new Uint32Array(NR_KVM_REG_BITS),
    nested: emptyVmcb(),
    emuDirty: 0n,
    emuRegs: new BigUint64Array(NR_VCPU_REGS),
    env: emptyEnv(),
  };
}

/*
 * After VM-exit: the hardware half saves every register outside hwLazy into
 * the cache and leaves poison in the rest; then KVM's backend code marks
 * available every register outside kvmLazy (the generated set). A register
 * the hardware left behind but KVM marks available reads as poison.
 */
export function simVmExit(
  sv: SimVcpu,
  hwLazy: Readonly<RegMask>,
  kvmLazy: Readonly<RegMask>,
): void {
  sv.arch.regsAvail.fill(0);
  sv.arch.regsDirty.fill(0);
  for (let reg = 0; reg < NR_KVM_REG_BITS; reg++) {
    const lazy = maskTest(hwLazy, reg);
    if (lazy) {
      simStoreCache(sv, reg, simStaleValue(sv, reg));
    } else {
      const s = sv.backend.slot(sv.hw, reg);
      simStoreCache(sv, reg, s.area[s.index]!);
    }
    simPdpteLoad(sv, reg, lazy);
    if (!maskTest(kvmLazy, reg)) markAvailable(sv, reg);
  }
}

/**
 * Before VM-entry: always-available registers go back unconditionally,
 * lazily loaded ones only when dirty. Returns the lazily loaded registers
 * written behind the dirty mask's back (their writes are lost), one bit each.
 */
export function simVmEnter(sv: SimVcpu, lazy: Readonly<RegMask>): bigint {
  let lostWrites = 0n;
  for (let reg = 0; reg < NR_KVM_REG_BITS; reg++) {
    const s = sv.backend.slot(sv.hw, reg);
    const cached = simLoadCache(sv, reg);
    const staleValue = simStaleValue(sv, reg);
    if (!maskTest(lazy, reg)) {
      s.area[s.index] = cached;
      simPdpteStore(sv, reg);
      continue;
    }
    if (isDirty(sv, reg)) {
      s.area[s.index] = cached;
      simPdpteStore(sv, reg);
    }
    const stale = isAvailable(sv, reg) ? cached !== s.area[s.index] : cached !== staleValue;
    if (stale) lostWrites |= 1n << BigInt(reg);
  }
  sv.arch.regsDirty.fill(0);
  return lostWrites;
}

/** Extended registers have no regs slot; their cache is SimVcpu.exreg. */
export function simExregRead(vcpu: Vcpu, reg: Reg): bigint {
  if (!isAvailable(vcpu, reg)) vcpu.kvmX86Ops.cacheReg(vcpu, reg);
  return simLoadCache(toSim(vcpu), reg);
}

export function simExregWrite(vcpu: Vcpu, reg: Reg, val: bigint): void {
  simStoreCache(toSim(vcpu), reg, val);
  markDirty(vcpu, reg);
}
