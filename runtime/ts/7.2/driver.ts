/*
 * The behaviour-test driver of the 7.2 suite, twin of
 * runtime/test/driver_7.2.c's main loop: a case (case.ts) is run the same
 * way (vm_exit → function → vm_enter, then the function's checks from
 * functions.ts and the driver's own), with the same failure kinds, and
 * folded into the same digests: FNV-1a over the bytes of C's structs
 * (little-endian u64s, 4-byte ints) in C's order. A case's input and result
 * can be visited as the named u64 arrays driver_7.2 --json prints, for a
 * field-by-field comparison with the C driver.
 */
import {
  KVM_REGS_FIELDS,
  SIM72_ENV_FIELDS,
  SIM72_FAULT_KINDS,
  VMCB_SAVE_FIELDS,
  sim72IsPoison,
  sim72VmEnter,
  sim72VmExit,
  type KvmRegs,
  type Sim72,
  type Sim72Backend,
  type Sim72Process,
  type VmcbSaveArea,
} from "./sim";
import { fromInt } from "../u64";
import { FNV_OFFSET, fillCase, fnvLe, fnvWords, type Case } from "./case";
import type { Function72 } from "./functions";
import { completeHypercallExit } from "./handlers/hypercall";
import { completeFastPioIn } from "./handlers/pio";

const bool = (x: boolean): bigint => (x ? 1n : 0n);

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
