/*
 * KVM's own hypercall ABI (runtime/handlers/hypercall.c): number in RAX, up
 * to four arguments in RBX, RCX, RDX and RSI, result back in RAX. Outside
 * 64-bit mode every value is cut to 32 bits. Hyper-V guests are routed to
 * kvmHvHypercall instead.
 */
import { raxRead, raxWrite, rbxRead, rcxRead, rdxRead, rsiRead } from "../registers";
import type { KvmVcpu } from "../sim";
import { fromInt, toInt, u32, u64 } from "../u64";
import {
  is64BitMode,
  kvmHvHypercallEnabled,
  kvmPvClockPairing,
  kvmPvKickCpuOp,
  kvmPvSendIpi,
  kvmSkipEmulatedInstruction,
  kvmX86GetCpl,
  traceKvmHypercall,
} from "../world";
import { kvmHvHypercall } from "./hyperv";

const KVM_ENOSYS = 1000;
const KVM_EPERM = 1;
const KVM_HC_VAPIC_POLL_IRQ = 1n;
const KVM_HC_KICK_CPU = 5n;
const KVM_HC_CLOCK_PAIRING = 9n;
const KVM_HC_SEND_IPI = 10n;

export function kvmEmulateHypercall(vcpu: KvmVcpu): number {
  if (kvmHvHypercallEnabled(vcpu)) return kvmHvHypercall(vcpu);

  let nr = raxRead(vcpu);
  let a0 = rbxRead(vcpu);
  let a1 = rcxRead(vcpu);
  let a2 = rdxRead(vcpu);
  let a3 = rsiRead(vcpu);

  traceKvmHypercall(vcpu, nr, a0, a1, a2, a3);

  const op64Bit = is64BitMode(vcpu) ? 1 : 0;
  if (!op64Bit) {
    nr = u32(nr);
    a0 = u32(a0);
    a1 = u32(a1);
    a2 = u32(a2);
    a3 = u32(a3);
  }

  let ret: bigint;
  if (kvmX86GetCpl(vcpu) !== 0) {
    ret = fromInt(-KVM_EPERM);
  } else {
    switch (nr) {
      case KVM_HC_VAPIC_POLL_IRQ:
        ret = 0n;
        break;
      case KVM_HC_KICK_CPU:
        kvmPvKickCpuOp(vcpu, a0, toInt(a1));
        ret = 0n;
        break;
      case KVM_HC_CLOCK_PAIRING:
        ret = fromInt(kvmPvClockPairing(vcpu, a0, a1));
        break;
      case KVM_HC_SEND_IPI:
        ret = fromInt(kvmPvSendIpi(vcpu, a0, a1, u32(a2), a3, op64Bit));
        break;
      default:
        ret = fromInt(-KVM_ENOSYS);
        break;
    }
  }
  if (!op64Bit) ret = u32(ret);
  raxWrite(vcpu, ret);

  vcpu.statHypercalls = u64(vcpu.statHypercalls + 1n);
  return kvmSkipEmulatedInstruction(vcpu);
}
