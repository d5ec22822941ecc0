/*
 * A case of the 7.2 behaviour test, twin of driver_7.2.c's fill_case and
 * its randomness: splitmix64 seeded from seed, backend, function and case
 * number (FNV-1a of the function's name), the same draws in the same order,
 * into a fresh machine (Sim72) and the function's arguments. FNV-1a over
 * C's bytes is here too: the case's seed and the digests use it.
 */
import {
  KVM_REGS_FIELDS,
  SIM72_HW_WORDS,
  SIM72_TDX,
  VMCB_SAVE_FIELDS,
  createSim72,
  emptyKvmRegs,
  EFER_LMA,
  type KvmRegs,
  type Sim72,
  type Sim72Backend,
  type Sim72Process,
  type VmcbSaveArea,
} from "./sim";
import { mix64, u32, u64 } from "../u64";
import { KVM_POSSIBLE_CR0_GUEST_BITS, KVM_POSSIBLE_CR4_GUEST_BITS } from "./world";

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

export const emptyArgs = (): Args => ({
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

const bool = (x: boolean): bigint => (x ? 1n : 0n);

/* ---- one case ---- */

function randomSave(s: VmcbSaveArea, r: Rng): void {
  for (const f of VMCB_SAVE_FIELDS) s[f] = r.rnd();
}

/** fill_case: the case from seed, backend, function and case number (filtering keeps a case). */
export function fillCase(
  process: Sim72Process,
  b: Sim72Backend,
  f: { readonly name: string; readonly shape?: (c: Case) => void },
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
