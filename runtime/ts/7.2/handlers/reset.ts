/*
 * vCPU RESET/INIT (runtime/handlers/7.2/reset.c; the backend's vcpu_reset
 * is a stand-in): every GPR zeroed in regs and RSP marked dirty, EDX set to
 * the CPU signature through the 32-bit pair, RFLAGS and RIP (its own field)
 * set to their reset values, CR3 zeroed in its field and marked dirty. CR0,
 * CR3 and CR4 are read first: a RESET warns unless they are zero, and the
 * old CR0 decides the flush.
 */
import {
  Reg,
  edxWrite,
  markDirty,
  readCr0,
  readCr3,
  readCr4,
  ripWrite,
  warnOnce,
} from "../registers";
import type { KvmVcpu72 } from "../sim";
import {
  X86_EFLAGS_FIXED,
  kvmCpuidSignature,
  kvmSetRflags,
  kvmVcpuResetControl,
  kvmVcpuResetState,
  kvmX86VcpuReset,
} from "../world";

export function kvmVcpuReset(vcpu: KvmVcpu72, initEvent: boolean): void {
  const oldCr0 = readCr0(vcpu);

  /* A RESET finds the CRs as vCPU creation left them: zero. */
  warnOnce(
    !initEvent && (oldCr0 !== 0n || readCr3(vcpu) !== 0n || readCr4(vcpu) !== 0n),
    "kvm_vcpu_reset",
  );

  /* Events, FPU, MSRs and the rest of the state that is not a GPR. */
  kvmVcpuResetState(vcpu, initEvent);

  /* Every GPR but RDX (below) is zero after RESET and INIT. */
  vcpu.arch.regs.fill(0n);
  markDirty(vcpu, Reg.RSP);

  edxWrite(vcpu, kvmCpuidSignature(vcpu));

  kvmX86VcpuReset(vcpu, initEvent);

  kvmSetRflags(vcpu, X86_EFLAGS_FIXED);
  ripWrite(vcpu, 0xfff0n);

  vcpu.arch.cr3 = 0n;
  markDirty(vcpu, Reg.CR3);

  /* CR0 (keeping CD/NW on INIT), CR4 and EFER, and the flushes. */
  kvmVcpuResetControl(vcpu, initEvent, oldCr0);
}
