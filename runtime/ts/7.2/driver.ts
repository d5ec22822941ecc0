/*
 * The behaviour-test driver of the 7.2 suite, twin of
 * runtime/test/driver_7.2.c: the same seeded cases (splitmix64 from seed,
 * backend, function and case number, the same draws in the same order),
 * run the same way (vm_exit → function → vm_enter), with the same per-case
 * checks and failure kinds, and the same digests: FNV-1a over the bytes of
 * C's structs (little-endian u64s, 4-byte ints) in C's order. A case's
 * input and result can be visited as the named u64 arrays driver_7.2
 * --json prints, for a field-by-field comparison with the C driver.
 */
import { NR_VCPU_REGS, Reg } from "./registers";
import {
  KVM_REGS_FIELDS,
  SIM72_ENV_FIELDS,
  SIM72_FAULT_KINDS,
  SIM72_HW_WORDS,
  SIM72_TDX,
  VMCB_SAVE_FIELDS,
  createSim72,
  emptyKvmRegs,
  sim72Expect,
  sim72Hw0,
  sim72Hypercall64,
  sim72IsPoison,
  sim72MaskOfMode,
  sim72Slot,
  sim72VmEnter,
  sim72VmExit,
  EFER_LMA,
  type KvmRegs,
  type Sim72,
  type Sim72Backend,
  type Sim72Process,
  type VmcbSaveArea,
} from "./sim";
import { fromInt, mix64, u32, u64 } from "../u64";
import {
  HV_HYPERCALL_FAST_BIT,
  HV_HYPERCALL_VARHEAD_MASK,
  KVM_POSSIBLE_CR0_GUEST_BITS,
  KVM_POSSIBLE_CR4_GUEST_BITS,
  pioMerge,
} from "./world";
import { kvmEmulateCpuid } from "./handlers/cpuid";
import {
  ____kvmEmulateHypercall,
  completeHypercallExit,
  kvmEmulateHypercall,
} from "./handlers/hypercall";
import { kvmHvHypercall, kvmHvHypercallSetResult } from "./handlers/hyperv";
import {
  completeFastRdmsrImm,
  kvmEmulateRdmsr,
  kvmEmulateRdmsrImm,
  kvmEmulateWrmsr,
  kvmEmulateWrmsrImm,
} from "./handlers/msr";
import { kvmEmulateRdpmc } from "./handlers/rdpmc";
import { completeFastPioIn, kvmFastPio, kvmFastPioIn, kvmFastPioOut } from "./handlers/pio";
import { kvmEmulateXsetbv } from "./handlers/xsetbv";
import { getRegs, setRegs } from "./handlers/regs";
import { enterSvmGuestMode, nestedSvmVmexit, nestedSvmVmrun } from "./handlers/svm-nested";
import { invlpgaInterception, skinitInterception } from "./handlers/svm-misc";
import { kvmVcpuReset } from "./handlers/reset";

export const DEFAULT_SEED = 0x5eed2019c0ffee01n;
export const DEFAULT_CASES = 1000;

/* ---- seeded randomness: splitmix64 ---- */

export class Rng {
  constructor(public state: bigint) {}
  rnd(): bigint {
    this.state = u64(this.state + 0x9e3779b97f4a7c15n);
    return mix64(this.state);
  }
  /** One chance in n. */
  oneIn(n: bigint): boolean {
    return this.rnd() % n === 0n;
  }
  pick(values: readonly bigint[]): bigint {
    return values[Number(this.rnd() % BigInt(values.length))]!;
  }
}

/* ---- FNV-1a over C's bytes ---- */

export const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;

/** Folds one byte. */
const fnvByte = (h: bigint, byte: number): bigint => u64((h ^ BigInt(byte)) * FNV_PRIME);

/** Folds n little-endian bytes of v (8 for a u64, 4 for an int or u32). */
export function fnvLe(h: bigint, v: bigint, n = 8): bigint {
  let x = BigInt.asUintN(8 * n, v);
  for (let i = 0; i < n; i++, x >>= 8n) h = fnvByte(h, Number(x & 0xffn));
  return h;
}

export const fnvWords = (h: bigint, words: Iterable<bigint>, n = 8): bigint => {
  for (const w of words) h = fnvLe(h, w, n);
  return h;
};

export const fnvString = (h: bigint, s: string): bigint => {
  for (const byte of Buffer.from(s, "utf8")) h = fnvByte(h, byte);
  return h;
};

/* ---- the case's arguments and outputs ---- */

export interface Args {
  size: number;
  port: number;
  in: number;
  msr: bigint;
  reg: number;
  initEvent: boolean;
  result: bigint;
  gpa: bigint;
  fromVmrun: boolean;
  regsIn: KvmRegs;
  regsOut: KvmRegs;
  ret: bigint;
}

const emptyArgs = (): Args => ({
  size: 0,
  port: 0,
  in: 0,
  msr: 0n,
  reg: 0,
  initEvent: false,
  result: 0n,
  gpa: 0n,
  fromVmrun: false,
  regsIn: emptyKvmRegs(),
  regsOut: emptyKvmRegs(),
  ret: 0n,
});

/** One case: the machine, its arguments, and the stream it was drawn from. */
export interface Case {
  readonly sim: Sim72;
  readonly args: Args;
  readonly rng: Rng;
}

const HW = (c: Case, reg: number): bigint => c.sim.hw[sim72Slot(c.sim.backend.id, reg)]!;
const setHw = (c: Case, reg: number, v: bigint): void => {
  c.sim.hw[sim72Slot(c.sim.backend.id, reg)] = u64(v);
};
/* A check after vm_enter; one tag for all. */
const EXPECT = (c: Case, got: bigint, want: bigint): void => sim72Expect(c.sim, 0x100, got, want);
const lo32 = (c: Case, reg: number): bigint => u32(sim72Hw0(c.sim, reg));
const bool = (x: boolean): bigint => (x ? 1n : 0n);

/* ---- shaping: bias random registers to the functions' paths ---- */

/** Keep the high half random or zero, the low half given. */
function setLo(c: Case, reg: number, lo: bigint): void {
  const hi = c.rng.oneIn(2n) ? 0n : c.rng.rnd() & ~0xffffffffn;
  setHw(c, reg, hi | u32(lo));
}

function shapeHypercall(c: Case): void {
  setLo(c, Reg.RAX, c.rng.pick([1n, 5n, 9n, 10n, 11n, 12n, 77n]));
}

function shapeHv(c: Case): void {
  const r = c.rng;
  let param = r.pick([0x2n, 0x8n, 0x5cn, 0x5dn, 0x99n]);
  param |= r.oneIn(2n) ? HV_HYPERCALL_FAST_BIT : 0n;
  param |= r.oneIn(4n) ? r.rnd() & (HV_HYPERCALL_VARHEAD_MASK | 0xfff00000000n) : 0n;

  setHw(c, Reg.RCX, r.oneIn(2n) ? param : r.rnd());
  setLo(c, Reg.RAX, param);
  setLo(c, Reg.RDX, param >> 32n);
  c.sim.env.hv_enabled = 1n;
}

function shapeMsr(c: Case): void {
  const r = c.rng;
  if (!r.oneIn(4n)) c.sim.env.msr_known = u32(HW(c, Reg.RCX));
  c.args.msr = r.oneIn(4n) ? u32(r.rnd()) : u32(c.sim.env.msr_known);
  c.args.reg = Number(r.rnd() % BigInt(NR_VCPU_REGS));
}

function shapeRdpmc(c: Case): void {
  const r = c.rng;
  setLo(c, Reg.RCX, r.oneIn(4n) ? r.rnd() : r.rnd() % 4n);
}

function shapePio(c: Case): void {
  c.args.size = Number(c.rng.pick([1n, 2n, 4n]));
  c.args.port = Number(c.rng.pick([0x60n, 0x64n, 0x6fn, 0x7en, 0x80n, 0x3f8n]));
  c.args.in = c.rng.oneIn(2n) ? 1 : 0;
}

function shapePioComplete(c: Case): void {
  const v = c.sim.vcpu;
  v.pioCount = c.rng.oneIn(8n) ? 0 : 1;
  v.pioSize = Number(1n + (c.rng.rnd() % 4n));
  v.cuiLinearRip = c.rng.oneIn(4n) ? c.rng.rnd() : HW(c, Reg.RIP);
}

function shapeXsetbv(c: Case): void {
  const r = c.rng;
  setLo(c, Reg.RCX, r.oneIn(4n) ? 1n : 0n);
  setLo(c, Reg.RAX, r.oneIn(4n) ? r.rnd() : 1n | (r.rnd() & 0x2e6n));
  setLo(c, Reg.RDX, r.oneIn(4n) ? r.rnd() : 0n);
}

function shapeReset(c: Case): void {
  c.args.initEvent = c.rng.oneIn(2n);
  if (!c.args.initEvent && !c.rng.oneIn(4n)) {
    setHw(c, Reg.CR0, 0n);
    setHw(c, Reg.CR3, 0n);
    setHw(c, Reg.CR4, 0n);
  }
}

function shapeRdmsrImmDone(c: Case): void {
  c.sim.vcpu.cuiRdmsrImmReg = Number(c.rng.rnd() % BigInt(NR_VCPU_REGS));
  c.sim.vcpu.runMsrError = c.rng.oneIn(4n) ? 1 : 0;
}

/* ---- the functions' checks after vm_enter ---- */

function checkCpuid(c: Case): void {
  if (c.sim.env.cpuid_fault) return;
  const out = c.sim.process.cpuidOut;
  EXPECT(c, HW(c, Reg.RAX), out[0]!);
  EXPECT(c, HW(c, Reg.RBX), out[1]!);
  EXPECT(c, HW(c, Reg.RCX), out[2]!);
  EXPECT(c, HW(c, Reg.RDX), out[3]!);
}

function checkHypercallExit(c: Case): void {
  const ret = c.sim.vcpu.runHypercallRet;
  EXPECT(c, HW(c, Reg.RAX), sim72Hypercall64(c.sim) ? ret : u32(ret));
}

function checkHvResult(c: Case): void {
  if (sim72Hypercall64(c.sim)) {
    EXPECT(c, HW(c, Reg.RAX), c.args.result);
    EXPECT(c, HW(c, Reg.RDX), sim72Hw0(c.sim, Reg.RDX));
  } else {
    EXPECT(c, HW(c, Reg.RAX), u32(c.args.result));
    EXPECT(c, HW(c, Reg.RDX), c.args.result >> 32n);
  }
}

function checkRdmsr(c: Case): void {
  if (lo32(c, Reg.RCX) !== u32(c.sim.env.msr_known)) return;
  const v = c.sim.process.msrReadValue;
  EXPECT(c, HW(c, Reg.RAX), u32(v));
  EXPECT(c, HW(c, Reg.RDX), v >> 32n);
}

function checkRdmsrImm(c: Case): void {
  if (c.args.msr !== u32(c.sim.env.msr_known)) return;
  EXPECT(c, HW(c, c.args.reg), c.sim.process.msrReadValue & sim72MaskOfMode(c.sim));
}

function checkRdmsrImmDone(c: Case): void {
  const v = c.sim.vcpu;
  if (v.runMsrError) return;
  EXPECT(c, HW(c, v.cuiRdmsrImmReg), v.runMsrData & sim72MaskOfMode(c.sim));
}

function checkRdpmc(c: Case): void {
  const idx = lo32(c, Reg.RCX);
  const data = c.sim.env.pmc ^ idx;
  if ((idx & 0xffn) >= 4n) return;
  EXPECT(c, HW(c, Reg.RAX), u32(data));
  EXPECT(c, HW(c, Reg.RDX), data >> 32n);
}

function checkPioIn(c: Case): void {
  let v = c.args.size < 4 ? sim72Hw0(c.sim, Reg.RAX) : 0n;
  if (c.args.port < 0x60 || c.args.port >= 0x70) return;
  v = pioMerge(v, c.args.size, c.sim.env.pio_in_data);
  EXPECT(c, HW(c, Reg.RAX), v);
}

const GPRS_CHECKED: readonly [keyof KvmRegs, number][] = [
  ["rax", Reg.RAX],
  ["rbx", Reg.RBX],
  ["rcx", Reg.RCX],
  ["rdx", Reg.RDX],
  ["rsi", Reg.RSI],
  ["rdi", Reg.RDI],
  ["rsp", Reg.RSP],
  ["rbp", Reg.RBP],
  ["r8", Reg.R8],
  ["r15", Reg.R15],
  ["rip", Reg.RIP],
];

function checkGetRegs(c: Case): void {
  const r = c.args.regsOut;
  for (const [f, reg] of GPRS_CHECKED) EXPECT(c, r[f], sim72Hw0(c.sim, reg));
  EXPECT(c, r.rflags, sim72Hw0(c.sim, Reg.RFLAGS));
}

function checkSetRegs(c: Case): void {
  const r = c.args.regsIn;
  for (const [f, reg] of GPRS_CHECKED) EXPECT(c, HW(c, reg), r[f]);
}

function checkVmexit(c: Case): void {
  if (c.sim.env.map_vmcb12) return;
  const vmcb12 = c.sim.vmcb12.save;
  EXPECT(c, vmcb12.rip, sim72Hw0(c.sim, Reg.RIP));
  EXPECT(c, vmcb12.rsp, sim72Hw0(c.sim, Reg.RSP));
  EXPECT(c, vmcb12.rax, sim72Hw0(c.sim, Reg.RAX));
  EXPECT(c, HW(c, Reg.RIP), c.sim.vcpu.vmcb01.save.rip);
  EXPECT(c, HW(c, Reg.RAX), c.sim.vcpu.vmcb01.save.rax);
}

function checkReset(c: Case): void {
  EXPECT(c, HW(c, Reg.RIP), 0xfff0n);
  EXPECT(c, HW(c, Reg.RDX), u32(c.sim.env.signature));
  EXPECT(c, HW(c, Reg.RAX), 0n);
  EXPECT(c, HW(c, Reg.RSP), 0n);
}

/* ---- the functions ---- */

export interface Function72 {
  readonly name: string;
  /** The function called with the case's arguments; C's int (or 0) widened to 64 bits. */
  run(c: Case): bigint;
  readonly shape?: (c: Case) => void;
  readonly check?: (c: Case) => void;
  /** A TD vCPU reaches it (its traffic stays in TDX_REGS_AVAIL_SET). */
  readonly tdx: boolean;
  /** It makes a masked read (raxRead, registerRead) every time. */
  readonly maskedRead: boolean;
  /** It has a WARN_ON_ONCE of its own (a state it refuses). */
  readonly mayWarn: boolean;
}

const fn = (
  name: string,
  run: (c: Case) => number | void,
  shape: ((c: Case) => void) | undefined,
  check: ((c: Case) => void) | undefined,
  tdx: boolean,
  maskedRead = false,
  mayWarn = false,
): Function72 => ({
  name,
  run: (c) => fromInt(run(c) ?? 0),
  ...(shape ? { shape } : {}),
  ...(check ? { check } : {}),
  tdx,
  maskedRead,
  mayWarn,
});

/** driver_7.2.c's functions[], same names, same order. */
export const FUNCTIONS: readonly Function72[] = [
  fn("kvm_emulate_cpuid", (c) => kvmEmulateCpuid(c.sim.vcpu), undefined, checkCpuid, true),
  fn(
    "____kvm_emulate_hypercall",
    (c) => ____kvmEmulateHypercall(c.sim.vcpu, Number(c.sim.env.cpl), completeHypercallExit),
    shapeHypercall,
    undefined,
    true,
  ),
  fn(
    "complete_hypercall_exit",
    (c) => completeHypercallExit(c.sim.vcpu),
    undefined,
    checkHypercallExit,
    true,
  ),
  fn(
    "kvm_emulate_hypercall",
    (c) => kvmEmulateHypercall(c.sim.vcpu),
    shapeHypercall,
    undefined,
    true,
  ),
  fn("kvm_hv_hypercall", (c) => kvmHvHypercall(c.sim.vcpu), shapeHv, undefined, true),
  fn(
    "kvm_hv_hypercall_set_result",
    (c) => kvmHvHypercallSetResult(c.sim.vcpu, c.args.result),
    undefined,
    checkHvResult,
    true,
  ),
  fn("kvm_emulate_rdmsr", (c) => kvmEmulateRdmsr(c.sim.vcpu), shapeMsr, checkRdmsr, true),
  fn(
    "kvm_emulate_rdmsr_imm",
    (c) => kvmEmulateRdmsrImm(c.sim.vcpu, c.args.msr, c.args.reg),
    shapeMsr,
    checkRdmsrImm,
    false,
  ),
  fn(
    "complete_fast_rdmsr_imm",
    (c) => completeFastRdmsrImm(c.sim.vcpu),
    shapeRdmsrImmDone,
    checkRdmsrImmDone,
    false,
  ),
  fn(
    "kvm_emulate_wrmsr",
    (c) => {
      c.sim.process.wrmsrWant = lo32(c, Reg.RAX) | (lo32(c, Reg.RDX) << 32n);
      return kvmEmulateWrmsr(c.sim.vcpu);
    },
    shapeMsr,
    undefined,
    true,
  ),
  fn(
    "kvm_emulate_wrmsr_imm",
    (c) => {
      c.sim.process.wrmsrWant = sim72Hw0(c.sim, c.args.reg) & sim72MaskOfMode(c.sim);
      return kvmEmulateWrmsrImm(c.sim.vcpu, c.args.msr, c.args.reg);
    },
    shapeMsr,
    undefined,
    false,
    true,
  ),
  fn("kvm_emulate_rdpmc", (c) => kvmEmulateRdpmc(c.sim.vcpu), shapeRdpmc, checkRdpmc, true),
  fn(
    "kvm_fast_pio",
    (c) => kvmFastPio(c.sim.vcpu, c.args.size, c.args.port, c.args.in !== 0),
    shapePio,
    undefined,
    true,
  ),
  fn(
    "kvm_fast_pio_out",
    (c) => kvmFastPioOut(c.sim.vcpu, c.args.size, c.args.port),
    shapePio,
    undefined,
    true,
  ),
  fn(
    "kvm_fast_pio_in",
    (c) => kvmFastPioIn(c.sim.vcpu, c.args.size, c.args.port),
    shapePio,
    checkPioIn,
    true,
  ),
  fn(
    "complete_fast_pio_in",
    (c) => completeFastPioIn(c.sim.vcpu),
    shapePioComplete,
    undefined,
    true,
    false,
    true,
  ),
  fn("kvm_emulate_xsetbv", (c) => kvmEmulateXsetbv(c.sim.vcpu), shapeXsetbv, undefined, true),
  fn("__get_regs", (c) => getRegs(c.sim.vcpu, c.args.regsOut), undefined, checkGetRegs, false),
  fn("__set_regs", (c) => setRegs(c.sim.vcpu, c.args.regsIn), undefined, checkSetRegs, false),
  fn("nested_svm_vmrun", (c) => nestedSvmVmrun(c.sim.vcpu), undefined, undefined, false),
  fn(
    "enter_svm_guest_mode",
    (c) => enterSvmGuestMode(c.sim.vcpu, c.args.gpa, c.args.fromVmrun),
    undefined,
    undefined,
    false,
  ),
  fn("nested_svm_vmexit", (c) => nestedSvmVmexit(c.sim.vcpu), undefined, checkVmexit, false),
  fn(
    "invlpga_interception",
    (c) => invlpgaInterception(c.sim.vcpu),
    undefined,
    undefined,
    false,
    true,
  ),
  fn(
    "skinit_interception",
    (c) => skinitInterception(c.sim.vcpu),
    undefined,
    undefined,
    false,
    true,
  ),
  fn(
    "kvm_vcpu_reset",
    (c) => kvmVcpuReset(c.sim.vcpu, c.args.initEvent),
    shapeReset,
    checkReset,
    false,
    false,
    true,
  ),
];

/* ---- one case ---- */

function randomSave(s: VmcbSaveArea, r: Rng): void {
  for (const f of VMCB_SAVE_FIELDS) s[f] = r.rnd();
}

/** fill_case: the case from seed, backend, function and case number (filtering keeps a case). */
export function fillCase(
  process: Sim72Process,
  b: Sim72Backend,
  f: Function72,
  seed: bigint,
  n: bigint,
): Case {
  const rng = new Rng(
    seed ^ mix64(BigInt(b.id) + 1n) ^ mix64(u64(n * 0x10001n + 7n)) ^ fnvString(FNV_OFFSET, f.name),
  );
  const sim = createSim72(process, b);
  const c: Case = { sim, args: emptyArgs(), rng };
  const v = sim.vcpu;
  const e = sim.env;

  for (let i = 0; i < SIM72_HW_WORDS; i++) sim.hw[i] = rng.rnd();
  v.efer = rng.oneIn(2n) ? EFER_LMA : 0n;
  v.csL = rng.oneIn(2n);
  if (rng.oneIn(2n)) {
    /* 64-bit mode half the time */
    v.efer = EFER_LMA;
    v.csL = true;
  }
  v.guestStateProtected = b.id === SIM72_TDX || rng.oneIn(8n);
  v.arch.cr0GuestOwnedBits = rng.rnd() & KVM_POSSIBLE_CR0_GUEST_BITS;
  v.arch.cr4GuestOwnedBits = rng.rnd() & KVM_POSSIBLE_CR4_GUEST_BITS;

  e.cpl = rng.oneIn(4n) ? 3n : 0n;
  e.protmode = bool(!rng.oneIn(8n));
  e.cpuid_fault = bool(rng.oneIn(16n));
  e.xen = bool(rng.oneIn(16n));
  e.pv_features = rng.rnd();
  e.synic_active = bool(rng.oneIn(2n));
  e.npt = bool(rng.oneIn(2n));
  e.insn_len = 1n + (rng.rnd() % 15n);
  e.msr_known = u32(rng.rnd());
  e.msr_data = rng.rnd();
  e.msr_user = bool(rng.oneIn(4n));
  e.pio_in_data = rng.rnd();
  e.quirk_7e = bool(rng.oneIn(2n));
  e.pmc = rng.rnd();
  e.signature = rng.rnd();
  e.vmrun_ok = bool(!rng.oneIn(8n));
  e.map_vmcb12 = bool(rng.oneIn(8n));
  e.load_cr3_fail = bool(rng.oneIn(8n));
  e.pae = bool(rng.oneIn(2n));

  v.runHypercallRet = rng.rnd();
  v.runMsrData = rng.rnd();
  randomSave(v.vmcb01.save, rng);
  randomSave(v.vmcb02.save, rng);
  randomSave(v.nestedSave, rng);
  c.args.result = rng.rnd();
  c.args.gpa = rng.rnd();
  c.args.fromVmrun = rng.oneIn(2n);
  c.args.size = 4;
  for (const f of KVM_REGS_FIELDS) c.args.regsIn[f] = rng.rnd();
  f.shape?.(c);
  return c;
}

/* ---- visiting: the fields driver_7.2 --json prints ---- */

/** One field: its name and u64 values, in the C driver's order. */
export type Field = readonly [name: string, values: readonly bigint[]];

const save = (s: VmcbSaveArea): bigint[] => VMCB_SAVE_FIELDS.map((f) => s[f]);
const regs = (r: KvmRegs): bigint[] => KVM_REGS_FIELDS.map((f) => r[f]);

/* complete_userspace_io by number: NULL, complete_hypercall_exit, complete_fast_pio_in, other. */
function cuiId(sim: Sim72): bigint {
  const cui = sim.vcpu.completeUserspaceIo;
  return cui === null
    ? 0n
    : cui === completeHypercallExit
      ? 1n
      : cui === completeFastPioIn
        ? 2n
        : 3n;
}

function visitState(sim: Sim72): Field[] {
  const v = sim.vcpu;
  return [
    ["hw", Array.from(sim.hw)],
    [
      "mode",
      [
        v.efer,
        bool(v.csL),
        bool(v.guestStateProtected),
        v.arch.cr0GuestOwnedBits,
        v.arch.cr4GuestOwnedBits,
      ],
    ],
    ...SIM72_ENV_FIELDS.map((f): Field => [f, [sim.env[f]]]),
    [
      "ext",
      [
        v.cuiLinearRip,
        fromInt(v.cuiRdmsrImmReg),
        fromInt(v.pioCount),
        fromInt(v.pioSize),
        bool(v.emulateRegsNeedSyncToVcpu),
        bool(v.emulateRegsNeedSyncFromVcpu),
        bool(v.exceptionPending),
        bool(v.exceptionVmexitPending),
        v.statHypercalls,
        v.runHypercallRet,
        v.runMsrData,
        BigInt(v.runMsrError),
        v.nestedVmcb12Gpa,
        cuiId(sim),
      ],
    ],
    ["vmcb01", save(v.vmcb01.save)],
    ["vmcb02", save(v.vmcb02.save)],
  ];
}

export const visitInput = (c: Case): Field[] => [
  ...visitState(c.sim),
  ["nested_save", save(c.sim.vcpu.nestedSave)],
  [
    "args",
    [
      fromInt(c.args.size),
      BigInt(c.args.port),
      fromInt(c.args.in),
      c.args.msr,
      fromInt(c.args.reg),
      bool(c.args.initEvent),
      c.args.result,
      c.args.gpa,
      bool(c.args.fromVmrun),
    ],
  ],
  ["regs_in", regs(c.args.regsIn)],
];

const word0 = (mask: Readonly<Uint32Array>): bigint =>
  BigInt(mask[0] ?? 0) | (BigInt(mask[1] ?? 0) << 32n);

export function visitResult(c: Case): Field[] {
  const a = c.sim.vcpu.arch;
  return [
    ["ret", [c.args.ret]],
    ...visitState(c.sim),
    ["vmcb12", save(c.sim.vmcb12.save)],
    ["regs_out", regs(c.args.regsOut)],
    ["regs", Array.from(a.regs)],
    [
      "cache",
      [word0(a.regsAvail), word0(a.regsDirty), a.rip, a.cr0, a.cr3, a.cr4, ...Array.from(a.pdptrs)],
    ],
  ];
}

/* ---- running a case ---- */

/** result_digest: FNV-1a over the result's structs, as C lays them out. */
function resultDigest(c: Case): bigint {
  const { sim, args } = c;
  const v = sim.vcpu;
  let h = fnvWords(FNV_OFFSET, sim.hw);
  h = fnvWords(
    h,
    SIM72_ENV_FIELDS.map((f) => sim.env[f]),
  );
  h = fnvLe(h, args.ret);
  h = fnvWords(h, regs(args.regsOut));
  h = fnvWords(h, save(v.vmcb01.save));
  h = fnvWords(h, save(v.vmcb02.save));
  h = fnvWords(h, save(sim.vmcb12.save));
  h = fnvLe(h, cuiId(sim), 4);
  h = fnvLe(h, v.cuiLinearRip);
  h = fnvLe(h, v.statHypercalls);
  h = fnvLe(h, v.runHypercallRet);
  h = fnvLe(h, fromInt(v.pioCount), 4);
  return h;
}

/** A poison value left in the hardware or the output is a fault too. */
function checkResultPoison(c: Case): void {
  for (const w of c.sim.hw) if (sim72IsPoison(w)) c.sim.faults.poison++;
  for (const w of regs(c.args.regsOut)) if (sim72IsPoison(w)) c.sim.faults.poison++;
}

/** What one case gave: the digest inputs and the faults by kind (SIM72_FAULT_KINDS' order). */
export interface CaseOutcome {
  readonly case: Case;
  readonly input: Field[];
  readonly resultDigest: bigint;
  readonly faults: readonly bigint[];
}

/**
 * vm_exit → function → vm_enter, then the checks, as driver_7.2's main loop
 * does for one case. `visit`: keep the input fields (for a comparison).
 */
export function runCase(
  process: Sim72Process,
  b: Sim72Backend,
  f: Function72,
  seed: bigint,
  n: bigint,
  visit = false,
): CaseOutcome {
  const c = fillCase(process, b, f, seed, n);
  const input = visit ? visitInput(c) : [];
  const warningsBefore = process.warnings;
  const protectedState = c.sim.vcpu.guestStateProtected;
  const faults = c.sim.faults;

  sim72VmExit(c.sim);
  c.args.ret = f.run(c);
  sim72VmEnter(c.sim);
  f.check?.(c);
  checkResultPoison(c);
  faults.assert_hook += BigInt(c.sim.vcpu.cachingAssertReports);
  if (!protectedState && !f.mayWarn && process.warnings !== warningsBefore) faults.warning++;
  if (protectedState && f.maskedRead && process.warnings === 0) faults.warning++;
  return {
    case: c,
    input,
    resultDigest: resultDigest(c),
    faults: SIM72_FAULT_KINDS.map(([k]) => faults[k]),
  };
}

/** The cache_reg digest's step: FNV-1a over the case's u32 counts. */
export const digestCacheCalls = (h: bigint, calls: Readonly<Uint32Array>): bigint =>
  fnvWords(
    h,
    Array.from(calls, (n) => BigInt(n)),
    4,
  );

/** The results digest's step: FNV-1a over the case's result digest, a u64. */
export const digestResult = (h: bigint, resultDigest: bigint): bigint => fnvLe(h, resultDigest);
