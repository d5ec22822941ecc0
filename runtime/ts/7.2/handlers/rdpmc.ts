/*
 * RDPMC exit (runtime/handlers/7.2/rdpmc.c, one handler for VMX and SVM):
 * the counter index in ECX, the count back in EDX:EAX through the 32-bit
 * pair. The permission check is inside kvmPmuRdpmc, a stand-in here.
 */
import { eaxWrite, ecxRead, edxWrite } from "../registers";
import type { KvmVcpu72 } from "../sim";
import { kvmInjectGp, kvmPmuRdpmc, kvmSkipEmulatedInstruction } from "../world";

export function kvmEmulateRdpmc(vcpu: KvmVcpu72): number {
  const pmc = ecxRead(vcpu);
  const { r, data } = kvmPmuRdpmc(vcpu, pmc);

  if (r) {
    kvmInjectGp(vcpu, 0);
    return 1;
  }

  eaxWrite(vcpu, data);
  edxWrite(vcpu, data >> 32n);
  return kvmSkipEmulatedInstruction(vcpu);
}
