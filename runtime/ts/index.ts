/*
 * The TypeScript twin of runtime/: the generated register cache, simulated
 * vmx/svm/tdx backends, the stand-ins, the handler suite in camel case, and
 * the behaviour-test driver that replays the C driver's cases.
 */
export * from "./hardware";
export * from "./hardware-tables";
export * from "./sim";
export * from "./world";
export * from "./driver";
export * from "./suite";
export { kvmEmulateCpuid } from "./handlers/cpuid";
export { kvmEmulateHypercall } from "./handlers/hypercall";
export { kvmHvHypercall, kvmHvHypercallSetResult } from "./handlers/hyperv";
export { kvmRdpmc, rdmsrInterception, wrmsrInterception } from "./handlers/msr";
export { completeFastPioIn, kvmFastPioIn, kvmFastPioOut } from "./handlers/pio";
export { getRegs, setRegs } from "./handlers/regs-ioctl";
export { invlpgaInterception, skinitInterception, svmVcpuReset } from "./handlers/svm-misc";
export { enterSvmGuestMode, nestedSvmVmexit } from "./handlers/svm-nested";
export { handleXsetbv, xsetbvInterception } from "./handlers/xsetbv";
