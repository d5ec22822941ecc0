/*
 * RDMSR/WRMSR/RDPMC exits (runtime/handlers/msr.c): the index comes in ECX,
 * the 64-bit value travels in EDX:EAX. The MSR handlers are SVM's; they set
 * nextRip so the skip does not have to decode the instruction.
 */
import { raxWrite, rcxRead, rdxWrite, readEdxEax, ripRead } from "../registers";
import type { KvmVcpu } from "../sim";
import { u64 } from "../u64";
import {
  kvmGetMsr,
  kvmInjectGp,
  kvmIsCr0BitSet,
  kvmIsCr4BitSet,
  kvmPmuRdpmc,
  kvmSetMsr,
  kvmX86GetCpl,
  X86_CR0_PE,
  X86_CR4_PCE,
  kvmSkipEmulatedInstruction,
  traceKvmMsr,
  type MsrData,
} from "../world";

const ecxOf = (vcpu: KvmVcpu): number => Number(rcxRead(vcpu) & 0xffffffffn);

export function rdmsrInterception(vcpu: KvmVcpu): number {
  const ecx = ecxOf(vcpu);
  const msrInfo: MsrData = { index: ecx, hostInitiated: false, data: 0n };

  if (kvmGetMsr(vcpu, msrInfo)) {
    traceKvmMsr(vcpu, 0, ecx, 0n, true);
    kvmInjectGp(vcpu, 0);
    return 1;
  }

  traceKvmMsr(vcpu, 0, ecx, msrInfo.data, false);
  raxWrite(vcpu, msrInfo.data & 0xffffffffn);
  rdxWrite(vcpu, msrInfo.data >> 32n);
  vcpu.nextRip = u64(ripRead(vcpu) + 2n);
  return kvmSkipEmulatedInstruction(vcpu);
}

export function wrmsrInterception(vcpu: KvmVcpu): number {
  const ecx = ecxOf(vcpu);
  const data = readEdxEax(vcpu);
  const msr: MsrData = { data, index: ecx, hostInitiated: false };

  vcpu.nextRip = u64(ripRead(vcpu) + 2n);
  if (kvmSetMsr(vcpu, msr)) {
    traceKvmMsr(vcpu, 1, ecx, data, true);
    kvmInjectGp(vcpu, 0);
    return 1;
  }

  traceKvmMsr(vcpu, 1, ecx, data, false);
  return kvmSkipEmulatedInstruction(vcpu);
}

/** Returns C's bool: true when the counter does not exist. */
export function kvmRdpmc(vcpu: KvmVcpu): boolean {
  const ecx = ecxOf(vcpu);
  const out = { data: 0n };
  /* kvm_pmu_rdpmc()'s permission check: outside ring 0 in protected mode, RDPMC needs CR4.PCE. */
  if (
    !kvmIsCr4BitSet(vcpu, X86_CR4_PCE) &&
    kvmX86GetCpl(vcpu) !== 0 &&
    kvmIsCr0BitSet(vcpu, X86_CR0_PE)
  )
    return true;
  const err = kvmPmuRdpmc(vcpu, ecx, out);
  if (err) return true;
  raxWrite(vcpu, out.data & 0xffffffffn);
  rdxWrite(vcpu, out.data >> 32n);
  return false;
}
