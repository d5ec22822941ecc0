/*
 * Hyper-V hypercalls (runtime/handlers/hyperv.c). In 64-bit mode the control
 * word, input and output addresses come in RCX, RDX and R8; outside it each
 * is split over a register pair (EDX:EAX, EBX:ECX, EDI:ESI). The result goes
 * back in RAX, or EDX:EAX outside 64-bit mode.
 */
import {
  r8Read,
  raxRead,
  raxWrite,
  rbxRead,
  rcxRead,
  rdiRead,
  rdxRead,
  rdxWrite,
  rsiRead,
} from "../registers";
import type { KvmVcpu } from "../sim";
import { u64 } from "../u64";
import {
  HV_STATUS_INVALID_HYPERCALL_CODE,
  HV_STATUS_INVALID_HYPERCALL_INPUT,
  HV_STATUS_INVALID_PORT_ID,
  HV_STATUS_SUCCESS,
  UD_VECTOR,
  is64BitMode,
  isProtmode,
  kvmHvExitToUserspace,
  kvmHvFlushTlb,
  kvmHvSynicActive,
  kvmHvcallSignalEvent,
  kvmQueueException,
  kvmSkipEmulatedInstruction,
  kvmVcpuOnSpin,
  kvmX86GetCpl,
  traceKvmHvHypercall,
} from "../world";

const HV_HYPERCALL_FAST_BIT = 1n << 16n;
const HV_HYPERCALL_REP_COMP_OFFSET = 32n;
const HV_HYPERCALL_REP_START_OFFSET = 48n;
const HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE = 0x0002n;
const HVCALL_NOTIFY_LONG_SPIN_WAIT = 0x0008n;
const HVCALL_POST_MESSAGE = 0x005cn;
const HVCALL_SIGNAL_EVENT = 0x005dn;

export function kvmHvHypercallSetResult(vcpu: KvmVcpu, result: bigint): void {
  if (is64BitMode(vcpu)) {
    raxWrite(vcpu, result);
  } else {
    rdxWrite(vcpu, result >> 32n);
    raxWrite(vcpu, result & 0xffffffffn);
  }
}

/** (hi << 32) | (lo & 0xffffffff) in u64 arithmetic. */
const pair = (hi: bigint, lo: bigint): bigint => u64(hi << 32n) | (lo & 0xffffffffn);

export function kvmHvHypercall(vcpu: KvmVcpu): number {
  /* Hypercalls from user mode or real mode raise #UD. */
  if (kvmX86GetCpl(vcpu) !== 0 || !isProtmode(vcpu)) {
    kvmQueueException(vcpu, UD_VECTOR);
    return 1;
  }

  let param: bigint, ingpa: bigint, outgpa: bigint;
  if (is64BitMode(vcpu)) {
    param = rcxRead(vcpu);
    ingpa = rdxRead(vcpu);
    outgpa = r8Read(vcpu);
  } else {
    param = pair(rdxRead(vcpu), raxRead(vcpu));
    ingpa = pair(rbxRead(vcpu), rcxRead(vcpu));
    outgpa = pair(rdiRead(vcpu), rsiRead(vcpu));
  }

  const code = param & 0xffffn;
  const fast = (param & HV_HYPERCALL_FAST_BIT) !== 0n;
  const repCnt = (param >> HV_HYPERCALL_REP_COMP_OFFSET) & 0xfffn;
  const repIdx = (param >> HV_HYPERCALL_REP_START_OFFSET) & 0xfffn;
  const rep = repCnt !== 0n || repIdx !== 0n;

  traceKvmHvHypercall(vcpu, code, fast, repCnt, repIdx, ingpa, outgpa);

  let ret = HV_STATUS_SUCCESS;
  let postMessage = false;
  switch (code) {
    case HVCALL_NOTIFY_LONG_SPIN_WAIT:
      if (rep) ret = HV_STATUS_INVALID_HYPERCALL_INPUT;
      else kvmVcpuOnSpin(vcpu, true);
      break;
    case HVCALL_SIGNAL_EVENT:
      if (rep) {
        ret = HV_STATUS_INVALID_HYPERCALL_INPUT;
        break;
      }
      ret = kvmHvcallSignalEvent(vcpu, fast, ingpa);
      /* An unknown connection may be userspace's: post it there. */
      postMessage = ret === HV_STATUS_INVALID_PORT_ID;
      break;
    case HVCALL_POST_MESSAGE:
      postMessage = true;
      break;
    case HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE:
      if (fast || rep) ret = HV_STATUS_INVALID_HYPERCALL_INPUT;
      else ret = kvmHvFlushTlb(vcpu, ingpa, repCnt);
      break;
    default:
      ret = HV_STATUS_INVALID_HYPERCALL_CODE;
      break;
  }
  if (postMessage) {
    if (rep || !kvmHvSynicActive(vcpu)) {
      ret = HV_STATUS_INVALID_HYPERCALL_INPUT;
    } else {
      kvmHvExitToUserspace(vcpu, param, ingpa, outgpa);
      return 0;
    }
  }

  kvmHvHypercallSetResult(vcpu, ret);
  return kvmSkipEmulatedInstruction(vcpu);
}
