/*
 * XSETBV (runtime/handlers/xsetbv.c): the XCR index in ECX, the new value
 * in EDX:EAX. SVM's handler records nextRip, VMX's lets the skip use the
 * exit's instruction length.
 */
import { rcxRead, readEdxEax, ripRead } from "../registers";
import type { KvmVcpu } from "../sim";
import { u64 } from "../u64";
import { kvmInjectGp, kvmSetXcr, kvmSkipEmulatedInstruction } from "../world";

export function xsetbvInterception(vcpu: KvmVcpu): number {
  const newBv = readEdxEax(vcpu);
  const index = Number(rcxRead(vcpu) & 0xffffffffn);

  if (kvmSetXcr(vcpu, index, newBv) === 0) {
    vcpu.nextRip = u64(ripRead(vcpu) + 3n);
    return kvmSkipEmulatedInstruction(vcpu);
  }

  kvmInjectGp(vcpu, 0);
  return 1;
}

export function handleXsetbv(vcpu: KvmVcpu): number {
  const newBv = readEdxEax(vcpu);
  const index = Number(rcxRead(vcpu) & 0xffffffffn);

  if (kvmSetXcr(vcpu, index, newBv) === 0) return kvmSkipEmulatedInstruction(vcpu);

  kvmInjectGp(vcpu, 0);
  return 1;
}
