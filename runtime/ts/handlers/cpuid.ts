/*
 * CPUID exit (runtime/handlers/cpuid.c): RAX and RCX select the leaf, the
 * answer goes to RAX..RDX. Only the instruction skip reaches RIP.
 */
import { raxRead, raxWrite, rbxWrite, rcxRead, rcxWrite, rdxWrite } from "../registers";
import type { KvmVcpu } from "../sim";
import { cpuidFaultEnabled, kvmCpuid, kvmRequireCpl, kvmSkipEmulatedInstruction } from "../world";

export function kvmEmulateCpuid(vcpu: KvmVcpu): number {
  if (cpuidFaultEnabled(vcpu) && !kvmRequireCpl(vcpu, 0)) return 1;

  const r = { eax: Number(raxRead(vcpu) & 0xffffffffn), ebx: 0, ecx: 0, edx: 0 };
  r.ecx = Number(rcxRead(vcpu) & 0xffffffffn);
  kvmCpuid(vcpu, r, true);
  raxWrite(vcpu, BigInt(r.eax));
  rbxWrite(vcpu, BigInt(r.ebx));
  rcxWrite(vcpu, BigInt(r.ecx));
  rdxWrite(vcpu, BigInt(r.edx));
  return kvmSkipEmulatedInstruction(vcpu);
}
