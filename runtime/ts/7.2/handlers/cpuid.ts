/*
 * CPUID exit (runtime/handlers/7.2/cpuid.c): EAX and ECX select the leaf,
 * the answer goes to EAX..EDX through the 32-bit pair, which reads the low
 * half and clears the high half on write in every mode.
 */
import { eaxRead, eaxWrite, ebxWrite, ecxRead, ecxWrite, edxWrite } from "../registers";
import type { KvmVcpu72 } from "../sim";
import {
  GP_VECTOR,
  kvmCpuid,
  kvmIsCpuidAllowed,
  kvmQueueExceptionE,
  kvmSkipEmulatedInstruction,
} from "../world";

export function kvmEmulateCpuid(vcpu: KvmVcpu72): number {
  if (!kvmIsCpuidAllowed(vcpu)) {
    kvmQueueExceptionE(vcpu, GP_VECTOR, 0);
    return 1;
  }

  const r = { eax: eaxRead(vcpu), ebx: 0n, ecx: 0n, edx: 0n };
  r.ecx = ecxRead(vcpu);
  kvmCpuid(vcpu, r);
  eaxWrite(vcpu, r.eax);
  ebxWrite(vcpu, r.ebx);
  ecxWrite(vcpu, r.ecx);
  edxWrite(vcpu, r.edx);
  return kvmSkipEmulatedInstruction(vcpu);
}
