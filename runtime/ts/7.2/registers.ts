/*
 * The register cache this runtime is built against: the generated accessors
 * of a spec in Linux 7.2's shape (VcpuHooks, the masked/raw/e-pair families,
 * RIP in its own field), as the C runtime compiles against generated/c/ with
 * -I. The C–TypeScript agreement test builds the runtime against another
 * spec's registers.ts by putting that file here.
 */
export * from "../../../generated/ts/registers";
