/*
 * The register cache this runtime is built against: the generated accessors
 * of spec/x86-kvm-6.12.yaml, the spec that describes the simulated hardware,
 * as the C runtime compiles against generated/x86-kvm-6.12/c/ with -I. The
 * C–TypeScript agreement test builds the runtime against another spec's
 * registers.ts by putting that file here.
 */
export * from "../../generated/x86-kvm-6.12/ts/registers";
