/*
 * SVM exits with register traffic besides the nested switches
 * (runtime/handlers/7.2/svm_misc.c): INVLPGA (address from RAX, masked to
 * the mode's width; ASID from ECX through the 32-bit pair) and SKINIT
 * (refused with #UD after tracing RAX).
 */
import { ecxRead, raxRead } from "../registers";
import type { KvmVcpu72 } from "../sim";
import { u32 } from "../../u64";
import {
  UD_VECTOR,
  kvmMmuInvlpg,
  kvmQueueException,
  kvmSkipEmulatedInstruction,
  nestedSvmCheckPermissions,
  traceKvmInvlpga,
  traceKvmSkinit,
} from "../world";

export function invlpgaInterception(vcpu: KvmVcpu72): number {
  const gva = raxRead(vcpu);
  const asid = ecxRead(vcpu);

  if (nestedSvmCheckPermissions(vcpu)) return 1;

  traceKvmInvlpga(vcpu, vcpu.vmcb02.save.rip, asid, gva);

  /* Treated like INVLPG: the ASID is ignored. */
  kvmMmuInvlpg(vcpu, gva);

  return kvmSkipEmulatedInstruction(vcpu);
}

export function skinitInterception(vcpu: KvmVcpu72): number {
  traceKvmSkinit(vcpu, vcpu.vmcb02.save.rip, u32(raxRead(vcpu)));

  kvmQueueException(vcpu, UD_VECTOR);
  return 1;
}
