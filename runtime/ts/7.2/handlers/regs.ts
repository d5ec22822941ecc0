/*
 * KVM_GET_REGS / KVM_SET_REGS (runtime/handlers/7.2/regs.c): every GPR at
 * full width through the raw pair, whatever the guest's mode; RSP through
 * its own accessors (full width, cached path), RIP through its field's,
 * RFLAGS behind kvmGetRflags/kvmSetRflags.
 */
import {
  r10ReadRaw,
  r10WriteRaw,
  r11ReadRaw,
  r11WriteRaw,
  r12ReadRaw,
  r12WriteRaw,
  r13ReadRaw,
  r13WriteRaw,
  r14ReadRaw,
  r14WriteRaw,
  r15ReadRaw,
  r15WriteRaw,
  r8ReadRaw,
  r8WriteRaw,
  r9ReadRaw,
  r9WriteRaw,
  raxReadRaw,
  raxWriteRaw,
  rbpReadRaw,
  rbpWriteRaw,
  rbxReadRaw,
  rbxWriteRaw,
  rcxReadRaw,
  rcxWriteRaw,
  rdiReadRaw,
  rdiWriteRaw,
  rdxReadRaw,
  rdxWriteRaw,
  ripRead,
  ripWrite,
  rsiReadRaw,
  rsiWriteRaw,
  rspRead,
  rspWrite,
} from "../registers";
import type { KvmRegs, KvmVcpu72 } from "../sim";
import {
  X86_EFLAGS_FIXED,
  emulatorWritebackRegisterCache,
  kvmGetRflags,
  kvmMakeRequestEvent,
  kvmSetRflags,
} from "../world";

export function getRegs(vcpu: KvmVcpu72, regs: KvmRegs): void {
  if (vcpu.emulateRegsNeedSyncToVcpu) {
    /*
     * Userspace asked in the middle of an emulated instruction: the
     * emulator's copy is newer, write it back first.
     */
    emulatorWritebackRegisterCache(vcpu);
    vcpu.emulateRegsNeedSyncToVcpu = false;
  }
  regs.rax = raxReadRaw(vcpu);
  regs.rbx = rbxReadRaw(vcpu);
  regs.rcx = rcxReadRaw(vcpu);
  regs.rdx = rdxReadRaw(vcpu);
  regs.rsi = rsiReadRaw(vcpu);
  regs.rdi = rdiReadRaw(vcpu);
  regs.rsp = rspRead(vcpu);
  regs.rbp = rbpReadRaw(vcpu);
  regs.r8 = r8ReadRaw(vcpu);
  regs.r9 = r9ReadRaw(vcpu);
  regs.r10 = r10ReadRaw(vcpu);
  regs.r11 = r11ReadRaw(vcpu);
  regs.r12 = r12ReadRaw(vcpu);
  regs.r13 = r13ReadRaw(vcpu);
  regs.r14 = r14ReadRaw(vcpu);
  regs.r15 = r15ReadRaw(vcpu);

  regs.rip = ripRead(vcpu);
  regs.rflags = kvmGetRflags(vcpu);
}

export function setRegs(vcpu: KvmVcpu72, regs: Readonly<KvmRegs>): void {
  vcpu.emulateRegsNeedSyncFromVcpu = true;
  vcpu.emulateRegsNeedSyncToVcpu = false;

  raxWriteRaw(vcpu, regs.rax);
  rbxWriteRaw(vcpu, regs.rbx);
  rcxWriteRaw(vcpu, regs.rcx);
  rdxWriteRaw(vcpu, regs.rdx);
  rsiWriteRaw(vcpu, regs.rsi);
  rdiWriteRaw(vcpu, regs.rdi);
  rspWrite(vcpu, regs.rsp);
  rbpWriteRaw(vcpu, regs.rbp);
  r8WriteRaw(vcpu, regs.r8);
  r9WriteRaw(vcpu, regs.r9);
  r10WriteRaw(vcpu, regs.r10);
  r11WriteRaw(vcpu, regs.r11);
  r12WriteRaw(vcpu, regs.r12);
  r13WriteRaw(vcpu, regs.r13);
  r14WriteRaw(vcpu, regs.r14);
  r15WriteRaw(vcpu, regs.r15);

  ripWrite(vcpu, regs.rip);
  kvmSetRflags(vcpu, regs.rflags | X86_EFLAGS_FIXED);

  vcpu.exceptionPending = false;
  vcpu.exceptionVmexitPending = false;

  kvmMakeRequestEvent(vcpu);
}
