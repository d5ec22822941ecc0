/*
 * The TypeScript twin of the Linux 7.2 runtime (runtime/sim/7.2/,
 * runtime/handlers/7.2/, runtime/test/driver_7.2.c): the simulated vmx/svm/tdx
 * backends, the stand-ins, the 7.2 handler suite in camel case, and the
 * driver and suite that replay the C driver's cases.
 */
export * from "./hardware";
export * from "./sim";
export * from "./world";
export * from "./case";
export * from "./functions";
export * from "./driver";
export * from "./suite";
export { kvmEmulateCpuid } from "./handlers/cpuid";
export {
  ____kvmEmulateHypercall,
  __kvmEmulateHypercall,
  completeHypercallExit,
  kvmEmulateHypercall,
} from "./handlers/hypercall";
export { kvmHvHypercall, kvmHvHypercallSetResult } from "./handlers/hyperv";
export {
  completeFastRdmsrImm,
  kvmEmulateRdmsr,
  kvmEmulateRdmsrImm,
  kvmEmulateWrmsr,
  kvmEmulateWrmsrImm,
} from "./handlers/msr";
export { completeFastPioIn, kvmFastPio, kvmFastPioIn, kvmFastPioOut } from "./handlers/pio";
export { kvmEmulateRdpmc } from "./handlers/rdpmc";
export { getRegs, setRegs } from "./handlers/regs";
export { kvmVcpuReset } from "./handlers/reset";
export { invlpgaInterception, skinitInterception } from "./handlers/svm-misc";
export { enterSvmGuestMode, nestedSvmVmexit, nestedSvmVmrun } from "./handlers/svm-nested";
export { kvmEmulateXsetbv } from "./handlers/xsetbv";
