/*
 * Nested SVM world switches (runtime/handlers/svm_nested.c), reduced to
 * their register traffic: VMRUN loads L2's RAX, RSP and RIP (and RFLAGS,
 * CR3) from the nested VMCB, and #VMEXIT saves L2's into it and restores
 * L1's from the host save area.
 */
import { raxWrite, ripWrite, rspWrite } from "../registers";
import type { KvmVcpu, Vmcb } from "../sim";
import {
  kvmGetRflags,
  kvmMmuResetContext,
  kvmReadCr0,
  kvmReadCr3,
  kvmReadCr4,
  kvmSetCr3,
  kvmSetRflags,
  nestedSvmMapVmcb,
  nptEnabled,
} from "../world";

export function nestedSvmVmexit(vcpu: KvmVcpu): number {
  const vmcb = vcpu.vmcb;
  const hsave = vcpu.hsave;

  const nestedVmcb = nestedSvmMapVmcb(vcpu, vcpu.nestedVmcb);
  if (!nestedVmcb) return 1;

  /* L2's state as it left the guest. */
  nestedVmcb.save.cr0 = kvmReadCr0(vcpu);
  nestedVmcb.save.cr3 = kvmReadCr3(vcpu);
  /* The kernel reads vcpu->arch.cr4 here: SVM never loads CR4 lazily. */
  nestedVmcb.save.cr4 = kvmReadCr4(vcpu);
  nestedVmcb.save.cr2 = vmcb.save.cr2;
  nestedVmcb.save.rflags = kvmGetRflags(vcpu);
  nestedVmcb.save.rip = vmcb.save.rip;
  nestedVmcb.save.rsp = vmcb.save.rsp;
  nestedVmcb.save.rax = vmcb.save.rax;
  nestedVmcb.save.dr7 = vmcb.save.dr7;

  vcpu.nestedVmcb = 0n;

  /* Back to L1. */
  kvmSetRflags(vcpu, hsave.save.rflags);
  if (nptEnabled(vcpu)) vmcb.save.cr3 = hsave.save.cr3;
  kvmSetCr3(vcpu, hsave.save.cr3);
  raxWrite(vcpu, hsave.save.rax);
  rspWrite(vcpu, hsave.save.rsp);
  ripWrite(vcpu, hsave.save.rip);
  vmcb.save.dr7 = 0n;

  kvmMmuResetContext(vcpu);
  return 0;
}

export function enterSvmGuestMode(vcpu: KvmVcpu, vmcbGpa: bigint, nestedVmcb: Vmcb): void {
  kvmSetRflags(vcpu, nestedVmcb.save.rflags);
  if (nptEnabled(vcpu)) vcpu.vmcb.save.cr3 = nestedVmcb.save.cr3;
  kvmSetCr3(vcpu, nestedVmcb.save.cr3);

  /* L2's paging mode is live now. */
  kvmMmuResetContext(vcpu);

  vcpu.vmcb.save.cr2 = nestedVmcb.save.cr2;
  raxWrite(vcpu, nestedVmcb.save.rax);
  rspWrite(vcpu, nestedVmcb.save.rsp);
  ripWrite(vcpu, nestedVmcb.save.rip);

  /* Also in the VMCB, in case the vCPU does not reach the next run. */
  vcpu.vmcb.save.rax = nestedVmcb.save.rax;
  vcpu.vmcb.save.rsp = nestedVmcb.save.rsp;
  vcpu.vmcb.save.rip = nestedVmcb.save.rip;
  vcpu.vmcb.save.dr7 = nestedVmcb.save.dr7;

  vcpu.nestedVmcb = vmcbGpa;
}
