/*
 * XSETBV exit (runtime/handlers/7.2/xsetbv.c, one handler for VMX and
 * SVM): outside ring 0, or for a value kvmSetXcr refuses, #GP; the XCR index
 * comes from ECX and the value from EDX:EAX, both through the 32-bit pair.
 */
import { ecxRead, readEdxEax } from "../registers";
import type { KvmVcpu72 } from "../sim";
import { kvmInjectGp, kvmSetXcr, kvmSkipEmulatedInstruction, kvmX86GetCpl } from "../world";

export function kvmEmulateXsetbv(vcpu: KvmVcpu72): number {
  if (kvmX86GetCpl(vcpu) !== 0 || kvmSetXcr(vcpu, ecxRead(vcpu), readEdxEax(vcpu))) {
    kvmInjectGp(vcpu, 0);
    return 1;
  }

  return kvmSkipEmulatedInstruction(vcpu);
}
