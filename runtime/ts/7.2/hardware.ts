/*
 * The simulated hardware of Linux 7.2's backends, twin of
 * runtime/sim/7.2/hardware.h: written by hand from the 7.2 tree, never from
 * the generator (the generated sets are the code under test). Only the
 * register numbers come from registers.ts, as the C names come from the
 * generated enum.
 *
 *   vmx: VMX_REGS_LAZY_LOAD_SET in arch/x86/kvm/vmx/vmx.h: RSP, RIP and the
 *        control state stay in the VMCS until read with VMREAD.
 *   svm: SVM_REGS_LAZY_LOAD_SET in arch/x86/kvm/svm/svm.h: only the PDPTRs.
 *   tdx: TDX_REGS_AVAIL_SET in arch/x86/kvm/vmx/tdx.c: the GPRs but RSP and
 *        the two exit infos are handed over at exit; nothing else can ever
 *        be fetched (vt_cache_reg in vmx/main.c warns and returns).
 *
 * Masks are bigint bit sets over register numbers (bit n for Reg n), as the
 * C side's u64s; the model is a 64-bit build (CONFIG_X86_64).
 */
import { Reg } from "./registers";

const bits = (regs: readonly Reg[]): bigint => regs.reduce((m, r) => m | (1n << BigInt(r)), 0n);

export const SIM72_HW_LAZY_VMX = bits([
  Reg.RSP,
  Reg.RIP,
  Reg.RFLAGS,
  Reg.PDPTR,
  Reg.SEGMENTS,
  Reg.CR0,
  Reg.CR3,
  Reg.CR4,
  Reg.EXIT_INFO_1,
  Reg.EXIT_INFO_2,
]);

export const SIM72_HW_LAZY_SVM = bits([Reg.PDPTR]);

/** TDX_REGS_AVAIL_SET: what the TDX module hands over. */
export const SIM72_HW_AVAIL_TDX = bits([
  Reg.EXIT_INFO_1,
  Reg.EXIT_INFO_2,
  Reg.RAX,
  Reg.RBX,
  Reg.RCX,
  Reg.RDX,
  Reg.RBP,
  Reg.RSI,
  Reg.RDI,
  Reg.R8,
  Reg.R9,
  Reg.R10,
  Reg.R11,
  Reg.R12,
  Reg.R13,
  Reg.R14,
  Reg.R15,
]);

export const SIM72_HW_LAZY_TDX = BigInt.asUintN(64, ~SIM72_HW_AVAIL_TDX);
