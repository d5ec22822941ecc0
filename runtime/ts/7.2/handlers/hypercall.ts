/*
 * KVM's own hypercall ABI (runtime/handlers/7.2/hypercall.c): number in
 * RAX, up to four arguments in RBX, RCX, RDX and RSI. A 64-bit hypercall
 * (64-bit mode, or any call of a guest with protected state) reads them
 * through the raw pair at full width; any other reads the 32-bit pair. The
 * result waits in the run structure until completeHypercallExit writes it
 * to RAX, cut to 32 bits for a 32-bit hypercall. Xen and Hyper-V guests are
 * routed away first.
 */
import {
  eaxRead,
  ebxRead,
  ecxRead,
  edxRead,
  esiRead,
  raxReadRaw,
  raxWriteRaw,
  rbxReadRaw,
  rcxReadRaw,
  rdxReadRaw,
  rsiReadRaw,
} from "../registers";
import { is64BitHypercall, type CompleteUserspaceIo, type KvmVcpu72 } from "../sim";
import { fromInt, u32 } from "../../u64";
import {
  KVM_ENOSYS,
  KVM_EPERM,
  KVM_FEATURE_PV_SCHED_YIELD,
  KVM_FEATURE_PV_SEND_IPI,
  KVM_FEATURE_PV_UNHALT,
  KVM_HC_CLOCK_PAIRING,
  KVM_HC_KICK_CPU,
  KVM_HC_MAP_GPA_RANGE,
  KVM_HC_SCHED_YIELD,
  KVM_HC_SEND_IPI,
  KVM_HC_VAPIC_POLL_IRQ,
  guestPvHas,
  kvmHvHypercallEnabled,
  kvmHypercallMapGpaRangeExit,
  kvmPvClockPairing,
  kvmPvKickCpuOp,
  kvmPvSendIpi,
  kvmSchedYield,
  kvmSkipEmulatedInstruction,
  kvmX86GetCpl,
  kvmXenHypercall,
  kvmXenHypercallEnabled,
  traceKvmHypercall,
} from "../world";
import { kvmHvHypercall } from "./hyperv";

export const completeHypercallExit: CompleteUserspaceIo = (vcpu) => {
  let ret = vcpu.runHypercallRet;

  if (!is64BitHypercall(vcpu)) ret = u32(ret);
  raxWriteRaw(vcpu, ret);
  return kvmSkipEmulatedInstruction(vcpu);
};

export function ____kvmEmulateHypercall(
  vcpu: KvmVcpu72,
  cpl: number,
  completeHypercall: CompleteUserspaceIo,
): number {
  const op64Bit = is64BitHypercall(vcpu);
  let nr: bigint, a0: bigint, a1: bigint, a2: bigint, a3: bigint;
  let ret: bigint;

  ++vcpu.statHypercalls;

  if (op64Bit) {
    nr = raxReadRaw(vcpu);
    a0 = rbxReadRaw(vcpu);
    a1 = rcxReadRaw(vcpu);
    a2 = rdxReadRaw(vcpu);
    a3 = rsiReadRaw(vcpu);
  } else {
    nr = eaxRead(vcpu);
    a0 = ebxRead(vcpu);
    a1 = ecxRead(vcpu);
    a2 = edxRead(vcpu);
    a3 = esiRead(vcpu);
  }

  traceKvmHypercall(vcpu, nr, a0, a1, a2, a3);

  if (cpl) {
    ret = fromInt(-KVM_EPERM);
  } else {
    ret = fromInt(-KVM_ENOSYS);
    switch (nr) {
      case KVM_HC_VAPIC_POLL_IRQ:
        ret = 0n;
        break;
      case KVM_HC_KICK_CPU:
        if (!guestPvHas(vcpu, KVM_FEATURE_PV_UNHALT)) break;
        kvmPvKickCpuOp(vcpu, a1);
        kvmSchedYield(vcpu, a1);
        ret = 0n;
        break;
      case KVM_HC_CLOCK_PAIRING:
        ret = fromInt(kvmPvClockPairing(vcpu, a0, a1));
        break;
      case KVM_HC_SEND_IPI:
        if (!guestPvHas(vcpu, KVM_FEATURE_PV_SEND_IPI)) break;
        ret = fromInt(kvmPvSendIpi(vcpu, a0, a1, u32(a2), a3, op64Bit));
        break;
      case KVM_HC_SCHED_YIELD:
        if (!guestPvHas(vcpu, KVM_FEATURE_PV_SCHED_YIELD)) break;
        kvmSchedYield(vcpu, a0);
        ret = 0n;
        break;
      case KVM_HC_MAP_GPA_RANGE:
        /*
         * Userspace maps the range; RAX gets its answer when the vCPU
         * comes back, through completeHypercall.
         */
        if (!kvmHypercallMapGpaRangeExit(vcpu, a0, a1, a2, op64Bit)) break;
        vcpu.runHypercallRet = 0n;
        vcpu.completeUserspaceIo = completeHypercall;
        return 0;
      default:
        ret = fromInt(-KVM_ENOSYS);
        break;
    }
  }

  vcpu.runHypercallRet = ret;
  return 1;
}

/** x86.h's __kvm_emulate_hypercall: run it, and complete it at once when handled (> 0). */
export function __kvmEmulateHypercall(
  vcpu: KvmVcpu72,
  cpl: number,
  completeHypercall: CompleteUserspaceIo,
): number {
  let ret = ____kvmEmulateHypercall(vcpu, cpl, completeHypercall);
  if (ret > 0) ret = completeHypercall(vcpu);
  return ret;
}

export function kvmEmulateHypercall(vcpu: KvmVcpu72): number {
  if (kvmXenHypercallEnabled(vcpu)) return kvmXenHypercall(vcpu);

  if (kvmHvHypercallEnabled(vcpu)) return kvmHvHypercall(vcpu);

  return __kvmEmulateHypercall(vcpu, kvmX86GetCpl(vcpu), completeHypercallExit);
}
