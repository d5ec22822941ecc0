/*
 * The behaviour-test driver, twin of runtime/test/driver.c: the same seeded
 * cases (splitmix64, the same draws in the same order), run the same way
 * (vmExit → handler → vmEnter), visited field by field in the same order,
 * so a case or a result can be compared with the C driver's JSON lines and
 * a run's digests with its summary.
 */
import { NR_KVM_REG_BITS, NR_VCPU_REGS, Reg } from "./registers";
import {
  KVM_REGS_FIELDS,
  SIM_ENV_FIELDS,
  SIM_NR_MSRS,
  SIM_NR_PMCS,
  SIM_PIO_DEV_PORTS,
  SIM_XCR0_SUPPORTED,
  VMCB_SAVE_FIELDS,
  X86_EFLAGS_TF,
  copyEnv,
  copyVmcb,
  createSimVcpu,
  emptyEnv,
  emptyKvmRegs,
  emptyVmcb,
  simAllRegs,
  simIsPoison,
  simVmEnter,
  simVmExit,
  simInstallBackend,
  archOf,
  type CompleteUserspaceIo,
  type KvmRegs,
  type KvmVcpu,
  type SimBackend,
  type SimEnv,
  type SimVcpu,
  type Vmcb,
} from "./sim";
import { fromBool, fromInt, mix64, u64 } from "./u64";
import {
  completeFastPioOut,
  completeFastPioOutPort0x7e,
  POSSIBLE_CR0_GUEST_BITS,
  POSSIBLE_CR4_GUEST_BITS,
  SIM_MSR_INDEX,
} from "./world";
import { kvmEmulateCpuid } from "./handlers/cpuid";
import { kvmEmulateHypercall } from "./handlers/hypercall";
import { kvmHvHypercall, kvmHvHypercallSetResult } from "./handlers/hyperv";
import { kvmRdpmc, rdmsrInterception, wrmsrInterception } from "./handlers/msr";
import { completeFastPioIn, kvmFastPioIn, kvmFastPioOut } from "./handlers/pio";
import { getRegs, setRegs } from "./handlers/regs-ioctl";
import { invlpgaInterception, skinitInterception, svmVcpuReset } from "./handlers/svm-misc";
import { enterSvmGuestMode, nestedSvmVmexit } from "./handlers/svm-nested";
import { handleXsetbv, xsetbvInterception } from "./handlers/xsetbv";

export const DEFAULT_SEED = 0x5eed2019c0ffee01n;
const GOLDEN = 0x9e3779b97f4a7c15n;

/* ---- seeded randomness: splitmix64 ---- */

export class Rng {
  constructor(private state: bigint) {}
  next(): bigint {
    this.state = u64(this.state + GOLDEN);
    return mix64(this.state);
  }
  /** Random values never look like poison, so poison in a result is a bug. */
  u64(): bigint {
    let v: bigint;
    do v = this.next();
    while (simIsPoison(v));
    return v;
  }
  below(n: bigint | number): bigint {
    return this.next() % BigInt(n);
  }
  chance(num: number, den: number): boolean {
    return this.below(den) < BigInt(num);
  }
  /** A 32-bit quantity in a 64-bit register: upper half clean or garbage. */
  low32(low: bigint | number): bigint {
    return (this.chance(1, 2) ? this.u64() & ~0xffffffffn : 0n) | BigInt(low);
  }
}

export function fnv1a(s: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(s, "utf8")) h = u64((h ^ BigInt(byte)) * 0x100000001b3n);
  return h;
}

/* ---- cases and results ---- */

/** kvm_vcpu_ext as the case layout flattens it (struct sim_vcpu_fields), in order. */
export const SIM_VCPU_FIELDS = [
  "pio_linear_rip",
  "pio_count",
  "pio_in",
  "pio_port",
  "pio_size",
  "complete_userspace_io",
  "emulate_regs_need_sync_to_vcpu",
  "emulate_regs_need_sync_from_vcpu",
  "exception_pending",
  "apic_base",
  "microcode_version",
  "stat_hypercalls",
  "nested_vmcb",
  "next_rip",
  "cr0_guest_owned_bits",
  "cr4_guest_owned_bits",
] as const;
export type SimVcpuFields = Record<(typeof SIM_VCPU_FIELDS)[number], bigint>;

/** Everything a handler can observe or change; hw is indexed by Reg. */
export interface SimState {
  hw: bigint[];
  env: SimEnv;
  vcpu: SimVcpuFields;
  vmcb: Vmcb;
  hsave: Vmcb;
  nested: Vmcb;
}

export interface SimArgs {
  pio_size: bigint;
  pio_port: bigint;
  init_event: bigint;
  hv_result: bigint;
  nested_gpa: bigint;
  regs_in: KvmRegs;
}

export interface SimCase {
  state: SimState;
  emu_dirty: bigint;
  emu_regs: bigint[];
  args: SimArgs;
}

export interface SimResult {
  state: SimState;
  ret: bigint;
  regs_out: KvmRegs;
  cache_calls: number[];
  lost_writes: bigint;
}

const emptyState = (): SimState => ({
  hw: new Array<bigint>(NR_KVM_REG_BITS).fill(0n),
  env: emptyEnv(),
  vcpu: Object.fromEntries(SIM_VCPU_FIELDS.map((f) => [f, 0n])) as SimVcpuFields,
  vmcb: emptyVmcb(),
  hsave: emptyVmcb(),
  nested: emptyVmcb(),
});

/* completeUserspaceIo is a function; cases name it by number. */
const CUI_FUNCS: readonly (CompleteUserspaceIo | null)[] = [
  null,
  completeFastPioIn,
  completeFastPioOut,
  completeFastPioOutPort0x7e,
];
const cuiId = (fn: CompleteUserspaceIo | null): bigint => {
  const i = CUI_FUNCS.indexOf(fn);
  return BigInt(i < 0 ? CUI_FUNCS.length : i);
};

/* ---- the handlers, each with the inputs that reach its paths ---- */

export interface SimHandler {
  readonly name: string;
  run(vcpu: SimVcpu, a: SimArgs, out: KvmRegs): bigint;
  shape(c: SimCase, r: Rng): void;
}

const shapeNone = (): void => {};

function shapeCpuid(c: SimCase, r: Rng): void {
  const leaves = [0, 1, 7, 0xd, 0x40000000, 0x80000000, 0x80000001];
  if (r.chance(3, 4)) c.state.hw[Reg.RAX] = r.low32(leaves[Number(r.below(7))]!);
  if (r.chance(3, 4)) c.state.hw[Reg.RCX] = r.low32(r.below(2));
}

function shapeHypercall(c: SimCase, r: Rng): void {
  const nrs = [1, 5, 9, 10];
  if (r.chance(3, 4)) c.state.hw[Reg.RAX] = r.low32(nrs[Number(r.below(4))]!);
  if (r.chance(1, 2)) c.state.hw[Reg.RCX] = c.state.hw[Reg.RCX]! & ~7n;
  if (r.chance(1, 2)) c.state.hw[Reg.RCX] = r.below(2);
}

/** The control word goes where either mode looks for it. */
function shapeHvHypercall(c: SimCase, r: Rng): void {
  const codes = [0x0002n, 0x0008n, 0x005cn, 0x005dn];
  let param = r.chance(3, 4) ? codes[Number(r.below(4))]! : r.below(0x10000);
  if (r.chance(1, 4)) param |= 1n << 16n;
  if (r.chance(1, 8)) param |= r.u64() & 0x0fff0fff00000000n;
  const hw = c.state.hw;
  hw[Reg.RCX] = param;
  hw[Reg.RDX] = r.low32((param >> 32n) & 0xffffffffn);
  hw[Reg.RAX] = r.low32(param & 0xffffffffn);
  if (r.chance(1, 2)) {
    /* a small connection id / aligned GPA for the fast paths */
    hw[Reg.RDX] = r.below(8);
    hw[Reg.RBX] = r.low32(0);
    hw[Reg.RCX] = hw[Reg.RCX]! & ~0xff000000n;
  }
  c.state.env.hv_enabled = 1n;
}

function shapeMsr(c: SimCase, r: Rng): void {
  if (r.chance(3, 4)) c.state.hw[Reg.RCX] = r.low32(SIM_MSR_INDEX[Number(r.below(SIM_NR_MSRS))]!);
  if (r.chance(1, 2)) {
    /* small values pass most reserved-bit checks */
    c.state.hw[Reg.RAX] = r.low32(r.below(0x100));
    c.state.hw[Reg.RDX] = r.low32(0);
  }
}

function shapeRdpmc(c: SimCase, r: Rng): void {
  c.state.hw[Reg.RCX] = r.low32(r.below(SIM_NR_PMCS + 2));
  /* outside ring 0 half the time, where CR4.PCE and CR0.PE decide */
  c.state.env.cpl = r.chance(1, 2) ? 0n : 3n;
}

function shapeXsetbv(c: SimCase, r: Rng): void {
  if (r.chance(3, 4)) c.state.hw[Reg.RCX] = r.low32(0);
  if (r.chance(1, 2)) {
    let xcr0 = 1n | (r.u64() & SIM_XCR0_SUPPORTED);
    if (xcr0 & 4n) xcr0 |= 2n;
    c.state.hw[Reg.RAX] = r.low32(xcr0 & 0xffffffffn);
    c.state.hw[Reg.RDX] = r.low32(0);
  }
}

function shapeCompletePioIn(c: SimCase, r: Rng): void {
  const v = c.state.vcpu;
  v.pio_count = 1n;
  v.pio_in = 1n;
  v.pio_size = c.args.pio_size;
  v.pio_port = c.args.pio_port;
  v.pio_linear_rip = r.chance(3, 4) ? c.state.hw[Reg.RIP]! : r.u64();
}

const handler = (
  name: string,
  run: (v: SimVcpu, a: SimArgs, out: KvmRegs) => bigint,
  shape: (c: SimCase, r: Rng) => void = shapeNone,
): SimHandler => ({ name, run, shape });

const ret = (x: number | boolean): bigint => (typeof x === "boolean" ? fromBool(x) : fromInt(x));
const portOf = (a: SimArgs) => Number(a.pio_port & 0xffffn);

/** The C driver's table, same names, same order. */
export const SIM_HANDLERS: readonly SimHandler[] = [
  handler("kvm_emulate_cpuid", (v) => ret(kvmEmulateCpuid(v)), shapeCpuid),
  handler("kvm_emulate_hypercall", (v) => ret(kvmEmulateHypercall(v)), shapeHypercall),
  handler("kvm_hv_hypercall", (v) => ret(kvmHvHypercall(v)), shapeHvHypercall),
  handler("kvm_hv_hypercall_set_result", (v, a) => (kvmHvHypercallSetResult(v, a.hv_result), 0n)),
  handler("rdmsr_interception", (v) => ret(rdmsrInterception(v)), shapeMsr),
  handler("wrmsr_interception", (v) => ret(wrmsrInterception(v)), shapeMsr),
  handler("kvm_rdpmc", (v) => ret(kvmRdpmc(v)), shapeRdpmc),
  handler("kvm_fast_pio_out", (v, a) => ret(kvmFastPioOut(v, Number(a.pio_size), portOf(a)))),
  handler("kvm_fast_pio_in", (v, a) => ret(kvmFastPioIn(v, Number(a.pio_size), portOf(a)))),
  handler("complete_fast_pio_in", (v) => ret(completeFastPioIn(v)), shapeCompletePioIn),
  handler("xsetbv_interception", (v) => ret(xsetbvInterception(v)), shapeXsetbv),
  handler("handle_xsetbv", (v) => ret(handleXsetbv(v)), shapeXsetbv),
  handler("__get_regs", (v, _a, out) => (getRegs(v, out), 0n)),
  handler("__set_regs", (v, a) => (setRegs(v, a.regs_in), 0n)),
  handler("svm_vcpu_reset", (v, a) => (svmVcpuReset(v, a.init_event !== 0n), 0n)),
  handler("nested_svm_vmexit", (v) => ret(nestedSvmVmexit(v))),
  handler("enter_svm_guest_mode", (v, a) => (enterSvmGuestMode(v, a.nested_gpa, v.nested), 0n)),
  handler("invlpga_interception", (v) => ret(invlpgaInterception(v))),
  handler("skinit_interception", (v) => ret(skinitInterception(v))),
];

/* ---- building and running a case ---- */

function randomVmcb(vmcb: Vmcb, r: Rng): void {
  for (const f of VMCB_SAVE_FIELDS) vmcb.save[f] = r.u64();
}

export function makeCase(b: SimBackend, h: SimHandler, seed: bigint, index: bigint): SimCase {
  const ports = [0x60, 0x61, 0x64, 0x6e, 0x6f, 0x7e, 0x80, 0x3f8];
  const sizes = [1, 2, 4];
  const r = new Rng(mix64(mix64(mix64(seed ^ fnv1a(b.name)) ^ fnv1a(h.name)) ^ index));
  const c: SimCase = {
    state: emptyState(),
    emu_dirty: 0n,
    emu_regs: new Array<bigint>(NR_VCPU_REGS).fill(0n),
    args: {
      pio_size: 0n,
      pio_port: 0n,
      init_event: 0n,
      hv_result: 0n,
      nested_gpa: 0n,
      regs_in: emptyKvmRegs(),
    },
  };
  const s = c.state;
  const e = s.env;

  for (let i = 0; i < NR_KVM_REG_BITS; i++) s.hw[i] = r.u64();
  /* bit 1 of RFLAGS is fixed; TF makes the skip a single-step exit */
  s.hw[Reg.RFLAGS] = (s.hw[Reg.RFLAGS]! & 0x3f4cd5n) | 2n;
  if (r.chance(1, 8)) s.hw[Reg.RFLAGS] = s.hw[Reg.RFLAGS]! | X86_EFLAGS_TF;

  e.cpl = r.chance(7, 8) ? 0n : 3n;
  e.protmode = fromBool(r.chance(7, 8));
  e.cpuid_fault = fromBool(r.chance(1, 8));
  e.hv_enabled = fromBool(r.chance(1, 4));
  e.synic_active = fromBool(r.chance(1, 2));
  e.npt = fromBool(r.chance(1, 2));
  e.apicv = fromBool(r.chance(1, 2));
  e.reset_bsp = fromBool(r.chance(1, 2));
  e.insn_len = 1n + r.below(15);
  e.xcr0 = 7n;
  e.userspace_pio_data = r.u64();
  for (let i = 0; i < SIM_NR_MSRS; i++) e.msr_value[i] = r.u64();
  for (let i = 0; i < SIM_NR_PMCS; i++) e.pmc[i] = r.u64();
  for (let i = 0; i < SIM_PIO_DEV_PORTS; i++) e.pio_dev[i] = Number(r.next() & 0xffn);

  s.vcpu.apic_base = r.u64();
  s.vcpu.microcode_version = r.u64();
  s.vcpu.stat_hypercalls = r.below(1000);
  s.vcpu.emulate_regs_need_sync_to_vcpu = fromBool(r.chance(1, 4));
  s.vcpu.nested_vmcb = r.u64() & ~0xfffn;
  randomVmcb(s.vmcb, r);
  randomVmcb(s.hsave, r);
  randomVmcb(s.nested, r);

  c.emu_dirty = r.next() & ((1n << BigInt(NR_VCPU_REGS)) - 1n);
  for (let i = 0; i < NR_VCPU_REGS; i++) c.emu_regs[i] = r.u64();

  c.args.pio_size = BigInt(sizes[Number(r.below(3))]!);
  c.args.pio_port = r.chance(7, 8) ? BigInt(ports[Number(r.below(8))]!) : r.below(0x10000);
  c.args.init_event = fromBool(r.chance(1, 2));
  c.args.hv_result = r.u64();
  c.args.nested_gpa = r.chance(7, 8) ? r.u64() & ~0xfffn : r.u64();
  for (const f of KVM_REGS_FIELDS) c.args.regs_in[f] = r.u64();

  /* which of the possibly guest-owned CR bits the guest owns now */
  s.vcpu.cr0_guest_owned_bits = r.u64() & POSSIBLE_CR0_GUEST_BITS;
  s.vcpu.cr4_guest_owned_bits = r.u64() & POSSIBLE_CR4_GUEST_BITS;

  h.shape(c, r);
  return c;
}

function loadState(sv: SimVcpu, s: SimState): void {
  const v = s.vcpu;
  for (let i = 0; i < NR_KVM_REG_BITS; i++) {
    const slot = sv.backend.slot(sv.hw, i);
    slot.area[slot.index] = s.hw[i]!;
  }
  sv.env = copyEnv(s.env);
  sv.vmcb = copyVmcb(s.vmcb);
  sv.hsave = copyVmcb(s.hsave);
  sv.nested = copyVmcb(s.nested);
  sv.pio = {
    linearRip: v.pio_linear_rip,
    count: v.pio_count,
    in: Number(BigInt.asIntN(32, v.pio_in)),
    port: Number(BigInt.asIntN(32, v.pio_port)),
    size: Number(BigInt.asIntN(32, v.pio_size)),
  };
  sv.completeUserspaceIo =
    v.complete_userspace_io < BigInt(CUI_FUNCS.length)
      ? CUI_FUNCS[Number(v.complete_userspace_io)]!
      : null;
  sv.emulateRegsNeedSyncToVcpu = v.emulate_regs_need_sync_to_vcpu !== 0n;
  sv.emulateRegsNeedSyncFromVcpu = v.emulate_regs_need_sync_from_vcpu !== 0n;
  sv.exceptionPending = v.exception_pending !== 0n;
  sv.apicBase = v.apic_base;
  sv.microcodeVersion = v.microcode_version;
  sv.statHypercalls = v.stat_hypercalls;
  sv.nestedVmcb = v.nested_vmcb;
  sv.nextRip = v.next_rip;
  archOf(sv)["cr0GuestOwnedBits"] = v.cr0_guest_owned_bits;
  archOf(sv)["cr4GuestOwnedBits"] = v.cr4_guest_owned_bits;
}

function saveState(sv: SimVcpu): SimState {
  const hw = Array.from({ length: NR_KVM_REG_BITS }, (_, i) => {
    const slot = sv.backend.slot(sv.hw, i);
    return slot.area[slot.index]!;
  });
  const ext: KvmVcpu = sv;
  return {
    hw,
    env: copyEnv(sv.env),
    vmcb: copyVmcb(sv.vmcb),
    hsave: copyVmcb(sv.hsave),
    nested: copyVmcb(sv.nested),
    vcpu: {
      pio_linear_rip: ext.pio.linearRip,
      pio_count: ext.pio.count,
      pio_in: fromInt(ext.pio.in),
      pio_port: fromInt(ext.pio.port),
      pio_size: fromInt(ext.pio.size),
      complete_userspace_io: cuiId(ext.completeUserspaceIo),
      emulate_regs_need_sync_to_vcpu: fromBool(ext.emulateRegsNeedSyncToVcpu),
      emulate_regs_need_sync_from_vcpu: fromBool(ext.emulateRegsNeedSyncFromVcpu),
      exception_pending: fromBool(ext.exceptionPending),
      apic_base: ext.apicBase,
      microcode_version: ext.microcodeVersion,
      stat_hypercalls: ext.statHypercalls,
      nested_vmcb: ext.nestedVmcb,
      next_rip: ext.nextRip,
      cr0_guest_owned_bits: archOf(sv)["cr0GuestOwnedBits"] ?? 0n,
      cr4_guest_owned_bits: archOf(sv)["cr4GuestOwnedBits"] ?? 0n,
    },
  };
}

/**
 * vm_exit → handler → vm_enter on a fresh vCPU of backend b. allLazy: the
 * tracing run, in which the hardware and KVM alike load every register
 * lazily; otherwise the hardware follows b.lazy and KVM's side b.kvmLazy.
 */
export function runCase(c: SimCase, b: SimBackend, h: SimHandler, allLazy = false): SimResult {
  const hwLazy = allLazy ? simAllRegs() : b.lazy;
  const kvmLazy = allLazy ? simAllRegs() : b.kvmLazy;
  const sv = createSimVcpu(b);
  const args: SimArgs = { ...c.args, regs_in: { ...c.args.regs_in } };
  const regsOut = emptyKvmRegs();
  loadState(sv, c.state);
  sv.emuDirty = c.emu_dirty;
  for (let i = 0; i < NR_VCPU_REGS; i++) sv.emuRegs[i] = c.emu_regs[i]!;

  simInstallBackend(b);
  simVmExit(sv, hwLazy, kvmLazy);
  const result = h.run(sv, args, regsOut);
  const lostWrites = simVmEnter(sv, hwLazy);

  return {
    state: saveState(sv),
    ret: result,
    regs_out: regsOut,
    cache_calls: Array.from(sv.cacheCalls),
    lost_writes: lostWrites,
  };
}

/* ---- visiting ---- */

/** One field as the C driver visits it: a name and its u64 values. */
export type Field = readonly [name: string, values: readonly bigint[]];

function visitState(s: SimState): Field[] {
  /* pio_dev's bytes packed little-endian into u64 words, as the C memcpy does */
  const dev: bigint[] = new Array<bigint>(Math.ceil(SIM_PIO_DEV_PORTS / 8)).fill(0n);
  s.env.pio_dev.forEach((byte, i) => {
    dev[i >> 3] = dev[i >> 3]! | (BigInt(byte) << BigInt(8 * (i & 7)));
  });
  return [
    ["hw", s.hw],
    ...SIM_ENV_FIELDS.map((f): Field => [f, [s.env[f]]]),
    ["msr_value", s.env.msr_value],
    ["pmc", s.env.pmc],
    ["pio_dev", dev],
    ...SIM_VCPU_FIELDS.map((f): Field => [f, [s.vcpu[f]]]),
    ["vmcb", VMCB_SAVE_FIELDS.map((f) => s.vmcb.save[f])],
    ["hsave", VMCB_SAVE_FIELDS.map((f) => s.hsave.save[f])],
    ["nested_save", VMCB_SAVE_FIELDS.map((f) => s.nested.save[f])],
  ];
}

/** The architectural result: what the guest or the host could observe. */
export const visitResult = (res: SimResult): Field[] => [
  ["ret", [res.ret]],
  ...visitState(res.state),
  ["regs_out", KVM_REGS_FIELDS.map((f) => res.regs_out[f])],
];

export const visitCase = (c: SimCase): Field[] => [
  ...visitState(c.state),
  ["emu_dirty", [c.emu_dirty]],
  ["emu_regs", c.emu_regs],
  ["pio_size", [c.args.pio_size]],
  ["pio_port", [c.args.pio_port]],
  ["init_event", [c.args.init_event]],
  ["hv_result", [c.args.hv_result]],
  ["nested_gpa", [c.args.nested_gpa]],
  ["regs_in", KVM_REGS_FIELDS.map((f) => c.args.regs_in[f])],
];

/** digest_visit: folds every value of the fields into h. */
export function digestFields(h: bigint, fields: readonly Field[]): bigint {
  for (const [, values] of fields) for (const v of values) h = u64(mix64(h ^ v) + GOLDEN);
  return h;
}

export function digestCacheCalls(h: bigint, calls: readonly number[]): bigint {
  calls.forEach((n, k) => {
    h = mix64(h ^ ((BigInt(k) << 32n) | BigInt(n)));
  });
  return h;
}
