/*
 * The hardware this build of the runtime simulates: spec/x86-kvm-6.12.yaml's, as
 * registers.ts is that spec's generated code. The C–TypeScript agreement test builds
 * the runtime for another spec by putting that spec's table here.
 */
import { SHIPPED_HARDWARE, type SimHardware } from "./hardware-tables";

export const SIM_HARDWARE: SimHardware = SHIPPED_HARDWARE["x86-kvm-6.12"]!;
