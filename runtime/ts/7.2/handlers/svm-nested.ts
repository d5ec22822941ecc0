/*
 * Nested SVM world switches (runtime/handlers/7.2/svm_nested.c), reduced to
 * their register traffic. VMRUN takes vmcb12's address from RAX (masked to
 * the mode's width), saves L1's CR0, RFLAGS and RIP (and CR3 without NPT) in
 * vmcb01, and loads L2's RFLAGS, RAX (raw), RSP and RIP from the vmcb12
 * cache. #VMEXIT saves L2's CR0, CR3, RFLAGS, RIP, RSP and RAX (raw) into
 * vmcb12 and restores L1's from vmcb01. CR4 is read from its field, as 7.2
 * does: SVM never loads it lazily.
 */
import {
  raxRead,
  raxReadRaw,
  raxWriteRaw,
  readCr0,
  readCr3,
  ripRead,
  ripWrite,
  rspRead,
  rspWrite,
} from "../registers";
import type { KvmVcpu72 } from "../sim";
import {
  X86_EFLAGS_FIXED,
  kvmGetRflags,
  kvmMakeRequestTripleFault,
  kvmSetRflags,
  nestedSvmCheckPermissions,
  nestedSvmLoadCr3,
  nestedSvmVmexitMapVmcb12,
  nestedSvmVmrunPrepare,
  nptEnabled,
  svmSetEferCr0Cr4,
} from "../world";

function nestedVmcb02PrepareSave(vcpu: KvmVcpu72): void {
  const save = vcpu.nestedSave;
  const vmcb02 = vcpu.vmcb02;

  kvmSetRflags(vcpu, save.rflags | X86_EFLAGS_FIXED);

  svmSetEferCr0Cr4(vcpu, save);

  vmcb02.save.cr2 = save.cr2;

  raxWriteRaw(vcpu, save.rax);
  rspWrite(vcpu, save.rsp);
  ripWrite(vcpu, save.rip);

  /* Also in vmcb02, in case the vCPU does not reach the next run. */
  vmcb02.save.rax = save.rax;
  vmcb02.save.rsp = save.rsp;
  vmcb02.save.rip = save.rip;
  vmcb02.save.dr7 = save.dr7;
}

export function enterSvmGuestMode(vcpu: KvmVcpu72, vmcb12Gpa: bigint, fromVmrun: boolean): number {
  vcpu.nestedVmcb12Gpa = vmcb12Gpa;

  nestedVmcb02PrepareSave(vcpu);

  return nestedSvmLoadCr3(vcpu, vcpu.nestedSave.cr3, fromVmrun);
}

export function nestedSvmVmrun(vcpu: KvmVcpu72): number {
  const vmcb01 = vcpu.vmcb01;

  if (nestedSvmCheckPermissions(vcpu)) return 1;

  const vmcb12Gpa = raxRead(vcpu);
  /* The page check, the vmcb12 copy and the instruction skip. */
  if (!nestedSvmVmrunPrepare(vcpu, vmcb12Gpa)) return 1;

  /* vmcb01 is not in use while L2 runs: it keeps L1's state. */
  vmcb01.save.cr0 = readCr0(vcpu);
  vmcb01.save.cr4 = vcpu.arch.cr4;
  vmcb01.save.rflags = kvmGetRflags(vcpu);
  vmcb01.save.rip = ripRead(vcpu);

  if (!nptEnabled(vcpu)) vmcb01.save.cr3 = readCr3(vcpu);

  if (enterSvmGuestMode(vcpu, vmcb12Gpa, true)) nestedSvmVmexit(vcpu);

  return 1;
}

function nestedSvmVmexitUpdateVmcb12(vcpu: KvmVcpu72): number {
  const vmcb02 = vcpu.vmcb02;
  const { rc, vmcb12 } = nestedSvmVmexitMapVmcb12(vcpu);
  if (rc) return rc;

  vmcb12.save.cr0 = readCr0(vcpu);
  vmcb12.save.cr3 = readCr3(vcpu);
  vmcb12.save.cr2 = vmcb02.save.cr2;
  vmcb12.save.cr4 = vcpu.arch.cr4;
  vmcb12.save.rflags = kvmGetRflags(vcpu);
  vmcb12.save.rip = ripRead(vcpu);
  vmcb12.save.rsp = rspRead(vcpu);
  vmcb12.save.rax = raxReadRaw(vcpu);
  vmcb12.save.dr7 = vmcb02.save.dr7;
  return 0;
}

export function nestedSvmVmexit(vcpu: KvmVcpu72): void {
  const vmcb01 = vcpu.vmcb01;

  if (nestedSvmVmexitUpdateVmcb12(vcpu)) kvmMakeRequestTripleFault(vcpu);

  vcpu.nestedVmcb12Gpa = 0n;

  /* Back to L1. */
  kvmSetRflags(vcpu, vmcb01.save.rflags);
  svmSetEferCr0Cr4(vcpu, vmcb01.save);
  raxWriteRaw(vcpu, vmcb01.save.rax);
  rspWrite(vcpu, vmcb01.save.rsp);
  ripWrite(vcpu, vmcb01.save.rip);

  if (nestedSvmLoadCr3(vcpu, vmcb01.save.cr3, true)) kvmMakeRequestTripleFault(vcpu);
}
