/*
 * Fast port I/O (runtime/handlers/7.2/pio.c): the data travels in
 * AL/AX/EAX, read and written through the raw pair (the port size, not the
 * mode, decides the width). An IN narrower than four bytes merges into RAX,
 * a four-byte IN zero-extends it. When no in-kernel device claims the port,
 * the access goes to userspace and completeFastPioIn finishes it on the way
 * back.
 */
import { raxReadRaw, raxWriteRaw, warnOnce } from "../registers";
import type { CompleteUserspaceIo, KvmVcpu72 } from "../sim";
import {
  completeEmulatorPioIn,
  completeFastPioOut,
  completeFastPioOutPort0x7e,
  emulatorPioIn,
  emulatorPioOut,
  kvmGetLinearRip,
  kvmIsLinearRip,
  kvmQuirkOut7eIncRip,
  kvmSkipEmulatedInstruction,
} from "../world";

export function kvmFastPioOut(vcpu: KvmVcpu72, size: number, port: number): number {
  const val = raxReadRaw(vcpu);
  const ret = emulatorPioOut(vcpu, size, port, val);

  if (ret) return ret;

  /*
   * Old userspace expects RIP past "OUT 0x7e" when it sees the exit
   * (a quirk): skip the instruction before leaving for that port.
   */
  if (port === 0x7e && kvmQuirkOut7eIncRip(vcpu)) {
    vcpu.completeUserspaceIo = completeFastPioOutPort0x7e;
    kvmSkipEmulatedInstruction(vcpu);
  } else {
    vcpu.cuiLinearRip = kvmGetLinearRip(vcpu);
    vcpu.completeUserspaceIo = completeFastPioOut;
  }
  return 0;
}

export const completeFastPioIn: CompleteUserspaceIo = (vcpu) => {
  /* Only ever reached with one pending port read. */
  if (warnOnce(vcpu.pioCount !== 1, "complete_fast_pio_in")) return -5;

  /* RIP moved under our feet (a signal, a reset): drop the result. */
  if (!kvmIsLinearRip(vcpu, vcpu.cuiLinearRip)) {
    vcpu.pioCount = 0;
    return 1;
  }

  let val = vcpu.pioSize < 4 ? raxReadRaw(vcpu) : 0n;

  val = completeEmulatorPioIn(vcpu, val);
  raxWriteRaw(vcpu, val);

  return kvmSkipEmulatedInstruction(vcpu);
};

export function kvmFastPioIn(vcpu: KvmVcpu72, size: number, port: number): number {
  const val = size < 4 ? raxReadRaw(vcpu) : 0n;

  const { r: ret, val: got } = emulatorPioIn(vcpu, size, port, val);
  if (ret) {
    raxWriteRaw(vcpu, got);
    return ret;
  }

  vcpu.cuiLinearRip = kvmGetLinearRip(vcpu);
  vcpu.completeUserspaceIo = completeFastPioIn;

  return 0;
}

export function kvmFastPio(vcpu: KvmVcpu72, size: number, port: number, isIn: boolean): number {
  const ret = isIn ? kvmFastPioIn(vcpu, size, port) : kvmFastPioOut(vcpu, size, port);
  return ret && kvmSkipEmulatedInstruction(vcpu) ? 1 : 0;
}
