/*
 * The SVM-only exits the seed touched (runtime/handlers/svm_misc.c): vCPU
 * reset (EDX holds the CPU signature afterwards), INVLPGA (address in RAX,
 * ASID in ECX) and SKINIT (which KVM refuses with #UD after tracing RAX).
 */
import { raxRead, rcxRead, rdxWrite, ripRead } from "../registers";
import type { KvmVcpu } from "../sim";
import { u64 } from "../u64";
import {
  UD_VECTOR,
  avicUpdateVapicBar,
  initVmcb,
  kvmCpuid,
  kvmMmuInvlpg,
  kvmQueueException,
  kvmSkipEmulatedInstruction,
  kvmVcpuApicvActive,
  kvmVcpuIsResetBsp,
  traceKvmInvlpga,
  traceKvmSkinit,
} from "../world";

const APIC_DEFAULT_PHYS_BASE = 0xfee00000n;
const MSR_IA32_APICBASE_BSP = 1n << 8n;
const MSR_IA32_APICBASE_ENABLE = 1n << 11n;

/**
 * The C passes one uninitialised `dummy` as EBX, ECX and EDX, as KVM does:
 * leaf 1 is not indexed, so kvm_cpuid never reads the subleaf. Here it is 0.
 */
export function svmVcpuReset(vcpu: KvmVcpu, initEvent: boolean): void {
  const cpuid = { eax: 1, ebx: 0, ecx: 0, edx: 0 };

  vcpu.microcodeVersion = 0x01000065n;
  if (!initEvent) {
    vcpu.apicBase = APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_ENABLE;
    if (kvmVcpuIsResetBsp(vcpu)) vcpu.apicBase |= MSR_IA32_APICBASE_BSP;
  }
  initVmcb(vcpu);

  kvmCpuid(vcpu, cpuid, true);
  rdxWrite(vcpu, BigInt(cpuid.eax));

  if (kvmVcpuApicvActive(vcpu) && !initEvent) avicUpdateVapicBar(vcpu, APIC_DEFAULT_PHYS_BASE);
}

export function invlpgaInterception(vcpu: KvmVcpu): number {
  traceKvmInvlpga(vcpu, vcpu.vmcb.save.rip, rcxRead(vcpu), raxRead(vcpu));

  /* Treated like INVLPG: the ASID is ignored. */
  kvmMmuInvlpg(vcpu, raxRead(vcpu));

  vcpu.nextRip = u64(ripRead(vcpu) + 3n);
  return kvmSkipEmulatedInstruction(vcpu);
}

export function skinitInterception(vcpu: KvmVcpu): number {
  traceKvmSkinit(vcpu, vcpu.vmcb.save.rip, raxRead(vcpu));

  kvmQueueException(vcpu, UD_VECTOR);
  return 1;
}
