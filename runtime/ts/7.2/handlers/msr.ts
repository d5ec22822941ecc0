/*
 * RDMSR/WRMSR exits (runtime/handlers/7.2/msr.c), shared by VMX and SVM.
 * The classic forms take the index from ECX and move the value through
 * EDX:EAX with the 32-bit pair; the immediate forms take the index from the
 * instruction and move the value through one GPR with the masked
 * registerRead/registerWrite, 32 bits wide outside 64-bit mode. A failed
 * access may go to userspace, whose answer a completion writes on the way
 * back.
 */
import { eaxWrite, ecxRead, edxWrite, readEdxEax, registerRead, registerWrite } from "../registers";
import type { CompleteUserspaceIo, KvmVcpu72 } from "../sim";
import { u32 } from "../../u64";
import {
  completeFastMsrAccess,
  completeFastRdmsr,
  kvmEmulateMsrRead,
  kvmEmulateMsrWrite,
  kvmMsrUserSpace,
  kvmX86CompleteEmulatedMsr,
  traceKvmMsrRead,
  traceKvmMsrReadEx,
  traceKvmMsrWrite,
  traceKvmMsrWriteEx,
} from "../world";

export const completeFastRdmsrImm: CompleteUserspaceIo = (vcpu) => {
  if (!vcpu.runMsrError) registerWrite(vcpu, vcpu.cuiRdmsrImmReg, vcpu.runMsrData);

  return completeFastMsrAccess(vcpu);
};

function __kvmEmulateRdmsr(
  vcpu: KvmVcpu72,
  msr: bigint,
  reg: number,
  completeRdmsr: CompleteUserspaceIo,
): number {
  const { r, data } = kvmEmulateMsrRead(vcpu, msr);

  if (!r) {
    traceKvmMsrRead(vcpu, msr, data);

    if (reg < 0) {
      eaxWrite(vcpu, data);
      edxWrite(vcpu, data >> 32n);
    } else {
      registerWrite(vcpu, reg, data);
    }
  } else {
    if (kvmMsrUserSpace(vcpu, msr, false, 0n, completeRdmsr, r)) return 0;
    traceKvmMsrReadEx(vcpu, msr);
  }

  return kvmX86CompleteEmulatedMsr(vcpu, r);
}

export function kvmEmulateRdmsr(vcpu: KvmVcpu72): number {
  return __kvmEmulateRdmsr(vcpu, ecxRead(vcpu), -1, completeFastRdmsr);
}

export function kvmEmulateRdmsrImm(vcpu: KvmVcpu72, msr: bigint, reg: number): number {
  vcpu.cuiRdmsrImmReg = reg;

  return __kvmEmulateRdmsr(vcpu, u32(msr), reg, completeFastRdmsrImm);
}

function __kvmEmulateWrmsr(vcpu: KvmVcpu72, msr: bigint, data: bigint): number {
  const r = kvmEmulateMsrWrite(vcpu, msr, data);
  if (!r) {
    traceKvmMsrWrite(vcpu, msr, data);
  } else {
    if (kvmMsrUserSpace(vcpu, msr, true, data, completeFastMsrAccess, r)) return 0;
    /* Any other negative error goes to userspace as it is. */
    if (r < 0) return r;
    traceKvmMsrWriteEx(vcpu, msr, data);
  }

  return kvmX86CompleteEmulatedMsr(vcpu, r);
}

export function kvmEmulateWrmsr(vcpu: KvmVcpu72): number {
  return __kvmEmulateWrmsr(vcpu, ecxRead(vcpu), readEdxEax(vcpu));
}

export function kvmEmulateWrmsrImm(vcpu: KvmVcpu72, msr: bigint, reg: number): number {
  return __kvmEmulateWrmsr(vcpu, u32(msr), registerRead(vcpu, reg));
}
