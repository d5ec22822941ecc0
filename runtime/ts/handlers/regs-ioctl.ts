/*
 * KVM_GET_REGS / KVM_SET_REGS (runtime/handlers/regs_ioctl.c): every GPR,
 * RIP and RFLAGS in one go. RSP and RIP take whatever path the spec gives
 * them; RFLAGS is an extended register behind kvmGetRflags/kvmSetRflags.
 */
import * as r from "../registers";
import { X86_EFLAGS_FIXED, type KvmRegs, type KvmVcpu } from "../sim";
import {
  emulatorWritebackRegisterCache,
  kvmGetRflags,
  kvmMakeRequestEvent,
  kvmSetRflags,
} from "../world";

export function getRegs(vcpu: KvmVcpu, regs: KvmRegs): void {
  if (vcpu.emulateRegsNeedSyncToVcpu) {
    /*
     * Userspace asked in the middle of an emulated instruction: the
     * emulator's copy is newer, write it back first.
     */
    emulatorWritebackRegisterCache(vcpu);
    vcpu.emulateRegsNeedSyncToVcpu = false;
  }

  regs.rax = r.raxRead(vcpu);
  regs.rbx = r.rbxRead(vcpu);
  regs.rcx = r.rcxRead(vcpu);
  regs.rdx = r.rdxRead(vcpu);
  regs.rsi = r.rsiRead(vcpu);
  regs.rdi = r.rdiRead(vcpu);
  regs.rsp = r.rspRead(vcpu);
  regs.rbp = r.rbpRead(vcpu);
  regs.r8 = r.r8Read(vcpu);
  regs.r9 = r.r9Read(vcpu);
  regs.r10 = r.r10Read(vcpu);
  regs.r11 = r.r11Read(vcpu);
  regs.r12 = r.r12Read(vcpu);
  regs.r13 = r.r13Read(vcpu);
  regs.r14 = r.r14Read(vcpu);
  regs.r15 = r.r15Read(vcpu);

  regs.rip = r.ripRead(vcpu);
  regs.rflags = kvmGetRflags(vcpu);
}

export function setRegs(vcpu: KvmVcpu, regs: Readonly<KvmRegs>): void {
  vcpu.emulateRegsNeedSyncFromVcpu = true;
  vcpu.emulateRegsNeedSyncToVcpu = false;

  r.raxWrite(vcpu, regs.rax);
  r.rbxWrite(vcpu, regs.rbx);
  r.rcxWrite(vcpu, regs.rcx);
  r.rdxWrite(vcpu, regs.rdx);
  r.rsiWrite(vcpu, regs.rsi);
  r.rdiWrite(vcpu, regs.rdi);
  r.rspWrite(vcpu, regs.rsp);
  r.rbpWrite(vcpu, regs.rbp);
  r.r8Write(vcpu, regs.r8);
  r.r9Write(vcpu, regs.r9);
  r.r10Write(vcpu, regs.r10);
  r.r11Write(vcpu, regs.r11);
  r.r12Write(vcpu, regs.r12);
  r.r13Write(vcpu, regs.r13);
  r.r14Write(vcpu, regs.r14);
  r.r15Write(vcpu, regs.r15);

  r.ripWrite(vcpu, regs.rip);
  kvmSetRflags(vcpu, regs.rflags | X86_EFLAGS_FIXED);

  vcpu.exceptionPending = false;
  kvmMakeRequestEvent(vcpu);
}
