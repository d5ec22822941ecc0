/*
 * Fast port I/O (runtime/handlers/pio.c): the data travels in AL/AX/EAX. An
 * IN narrower than four bytes merges into RAX, a four-byte IN zero-extends
 * it. When no in-kernel device claims the port, the access goes to
 * userspace and completeFastPioIn finishes it on the way back.
 */
import { raxRead, raxWrite } from "../registers";
import type { KvmVcpu } from "../sim";
import {
  completeFastPioOut,
  completeFastPioOutPort0x7e,
  emulatorPioInEmulated,
  emulatorPioOutEmulated,
  kvmGetLinearRip,
  kvmIsLinearRip,
  kvmSkipEmulatedInstruction,
} from "../world";

export function kvmFastPioOut(vcpu: KvmVcpu, size: number, port: number): number {
  const val = raxRead(vcpu);
  const ret = emulatorPioOutEmulated(vcpu, size, port, val, 1);

  if (ret) return ret;

  /*
   * Old userspace expects RIP to be past "OUT 0x7e" when it sees the exit,
   * so skip the instruction before leaving for this port.
   */
  if (port === 0x7e && kvmSkipEmulatedInstruction(vcpu)) {
    vcpu.completeUserspaceIo = completeFastPioOutPort0x7e;
    return 0;
  }

  vcpu.pio.linearRip = kvmGetLinearRip(vcpu);
  vcpu.completeUserspaceIo = completeFastPioOut;
  return 0;
}

export function completeFastPioIn(vcpu: KvmVcpu): number {
  /* RIP moved under our feet (a signal, a reset): drop the result. */
  if (!kvmIsLinearRip(vcpu, vcpu.pio.linearRip)) {
    vcpu.pio.count = 0n;
    return 1;
  }

  const val = { value: vcpu.pio.size < 4 ? raxRead(vcpu) : 0n };

  /* pio.count is 1, so this picks up the data userspace provided. */
  emulatorPioInEmulated(vcpu, vcpu.pio.size, vcpu.pio.port & 0xffff, val, 1);
  raxWrite(vcpu, val.value);

  return kvmSkipEmulatedInstruction(vcpu);
}

export function kvmFastPioIn(vcpu: KvmVcpu, size: number, port: number): number {
  const val = { value: size < 4 ? raxRead(vcpu) : 0n };

  const ret = emulatorPioInEmulated(vcpu, size, port, val, 1);
  if (ret) {
    raxWrite(vcpu, val.value);
    return ret;
  }

  vcpu.pio.linearRip = kvmGetLinearRip(vcpu);
  vcpu.completeUserspaceIo = completeFastPioIn;
  return 0;
}
