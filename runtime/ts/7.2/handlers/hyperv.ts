/*
 * Hyper-V hypercalls (runtime/handlers/7.2/hyperv.c). A 64-bit hypercall
 * takes the control word, input and output addresses from RCX, RDX and R8
 * through the raw pair; any other joins each from two 32-bit halves
 * (EDX:EAX, EBX:ECX, EDI:ESI). The result goes back to RAX at full width,
 * or to EDX:EAX through the 32-bit pair.
 */
import {
  eaxRead,
  eaxWrite,
  ebxRead,
  ecxRead,
  ediRead,
  edxRead,
  edxWrite,
  esiRead,
  r8ReadRaw,
  raxWriteRaw,
  rcxReadRaw,
  rdxReadRaw,
} from "../registers";
import { is64BitHypercall, type KvmVcpu72 } from "../sim";
import {
  HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE,
  HVCALL_NOTIFY_LONG_SPIN_WAIT,
  HVCALL_POST_MESSAGE,
  HVCALL_SIGNAL_EVENT,
  HV_HYPERCALL_FAST_BIT,
  HV_HYPERCALL_REP_COMP_OFFSET,
  HV_HYPERCALL_REP_START_OFFSET,
  HV_HYPERCALL_VARHEAD_MASK,
  HV_HYPERCALL_VARHEAD_OFFSET,
  HV_STATUS_INVALID_HYPERCALL_CODE,
  HV_STATUS_INVALID_HYPERCALL_INPUT,
  HV_STATUS_INVALID_PORT_ID,
  HV_STATUS_SUCCESS,
  UD_VECTOR,
  isProtmode,
  kvmHvFlushTlb,
  kvmHvHypercallUserspaceExit,
  kvmHvSynicActive,
  kvmHvcallSignalEvent,
  kvmQueueException,
  kvmSkipEmulatedInstruction,
  kvmVcpuOnSpin,
  kvmX86GetCpl,
  traceKvmHvHypercall,
  type KvmHvHcall,
} from "../world";

export function kvmHvHypercallSetResult(vcpu: KvmVcpu72, result: bigint): void {
  const longmode = is64BitHypercall(vcpu);
  if (longmode) {
    raxWriteRaw(vcpu, result);
  } else {
    edxWrite(vcpu, result >> 32n);
    eaxWrite(vcpu, result);
  }
}

function kvmHvHypercallComplete(vcpu: KvmVcpu72, result: bigint): number {
  kvmHvHypercallSetResult(vcpu, result);
  ++vcpu.statHypercalls;
  return kvmSkipEmulatedInstruction(vcpu);
}

export function kvmHvHypercall(vcpu: KvmVcpu72): number {
  let ret = HV_STATUS_SUCCESS;

  /* From user mode or real mode, a hypercall raises #UD. */
  if (kvmX86GetCpl(vcpu) !== 0 || !isProtmode(vcpu)) {
    kvmQueueException(vcpu, UD_VECTOR);
    return 1;
  }

  let param: bigint, ingpa: bigint, outgpa: bigint;
  if (is64BitHypercall(vcpu)) {
    param = rcxReadRaw(vcpu);
    ingpa = rdxReadRaw(vcpu);
    outgpa = r8ReadRaw(vcpu);
  } else {
    param = (edxRead(vcpu) << 32n) | eaxRead(vcpu);
    ingpa = (ebxRead(vcpu) << 32n) | ecxRead(vcpu);
    outgpa = (ediRead(vcpu) << 32n) | esiRead(vcpu);
  }

  const repCnt = (param >> HV_HYPERCALL_REP_COMP_OFFSET) & 0xfffn;
  const repIdx = (param >> HV_HYPERCALL_REP_START_OFFSET) & 0xfffn;
  const hc: KvmHvHcall = {
    param,
    ingpa,
    outgpa,
    code: param & 0xffffn,
    varCnt: (param & HV_HYPERCALL_VARHEAD_MASK) >> HV_HYPERCALL_VARHEAD_OFFSET,
    fast: (param & HV_HYPERCALL_FAST_BIT) !== 0n,
    repCnt,
    repIdx,
    rep: repCnt !== 0n || repIdx !== 0n,
  };

  traceKvmHvHypercall(vcpu, hc);

  switch (hc.code) {
    case HVCALL_NOTIFY_LONG_SPIN_WAIT:
      if (hc.rep || hc.varCnt) {
        ret = HV_STATUS_INVALID_HYPERCALL_INPUT;
        break;
      }
      kvmVcpuOnSpin(vcpu, true);
      break;
    case HVCALL_SIGNAL_EVENT:
    case HVCALL_POST_MESSAGE:
      if (hc.code === HVCALL_SIGNAL_EVENT) {
        if (hc.rep || hc.varCnt) {
          ret = HV_STATUS_INVALID_HYPERCALL_INPUT;
          break;
        }
        ret = kvmHvcallSignalEvent(vcpu, hc);
        if (ret !== HV_STATUS_INVALID_PORT_ID) break;
        /* An unknown connection may be userspace's: post it there. */
      }
      if (hc.rep || hc.varCnt || !kvmHvSynicActive(vcpu)) {
        ret = HV_STATUS_INVALID_HYPERCALL_INPUT;
        break;
      }
      return kvmHvHypercallUserspaceExit(vcpu, hc);
    case HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE:
      if (hc.varCnt || hc.rep) {
        ret = HV_STATUS_INVALID_HYPERCALL_INPUT;
        break;
      }
      ret = kvmHvFlushTlb(vcpu, hc);
      break;
    default:
      ret = HV_STATUS_INVALID_HYPERCALL_CODE;
      break;
  }

  return kvmHvHypercallComplete(vcpu, ret);
}
