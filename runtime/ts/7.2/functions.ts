/*
 * The functions of the 7.2 behaviour test, twin of driver_7.2.c's
 * functions[]: each function of runtime/handlers/7.2/handlers.json with the
 * case's arguments, the shaping that biases random registers to its paths,
 * the checks after vm_enter, and its flags (reached on TDX, a masked read
 * every time, a warning of its own). Same names, same order, same draws.
 */
import { NR_VCPU_REGS, Reg } from "./registers";
import {
  sim72Expect,
  sim72Hw0,
  sim72Hypercall64,
  sim72MaskOfMode,
  sim72Slot,
  type KvmRegs,
} from "./sim";
import { fromInt, u32, u64 } from "../u64";
import { HV_HYPERCALL_FAST_BIT, HV_HYPERCALL_VARHEAD_MASK, pioMerge } from "./world";
import type { Case } from "./case";
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

const HW = (c: Case, reg: number): bigint => c.sim.hw[sim72Slot(c.sim.backend.id, reg)]!;
const setHw = (c: Case, reg: number, v: bigint): void => {
  c.sim.hw[sim72Slot(c.sim.backend.id, reg)] = u64(v);
};
/* A check after vm_enter; one tag for all. */
const EXPECT = (c: Case, got: bigint, want: bigint): void => sim72Expect(c.sim, 0x100, got, want);
const lo32 = (c: Case, reg: number): bigint => u32(sim72Hw0(c.sim, reg));
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
