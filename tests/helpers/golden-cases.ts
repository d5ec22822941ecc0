/*
 * The checked-in generated trees: generated/ (the default spec) and the golden
 * variants under tests/golden/ that other suites compile against.
 */
import type { GenerateRequest } from "../../generator/generate/produce";

export interface GoldenCase {
  readonly name: string;
  readonly spec: string;
  readonly dir: string;
  readonly request: Omit<GenerateRequest, "specPath">;
  /** Every target (C and TypeScript), as `regcache generate` writes; otherwise C only. */
  readonly allTargets: boolean;
}

const specs = ["x86-kvm", "x86-kvm-v5.2"];
const variants = [
  { variant: "macro", cStyle: "macro", allCached: false },
  { variant: "expanded", cStyle: "expanded", allCached: false },
  { variant: "all-cached", cStyle: "macro", allCached: true },
] as const;

export const goldenCases: GoldenCase[] = [
  {
    name: "generated/",
    spec: "spec/x86-kvm.yaml",
    dir: "generated",
    request: { outDir: "generated" },
    allTargets: true,
  },
  ...specs.flatMap((s) =>
    // x86-kvm in the default style is generated/ itself.
    variants
      .filter((v) => !(s === "x86-kvm" && v.variant === "macro"))
      .map((v) => ({
        name: `${s} ${v.variant}`,
        spec: `spec/${s}.yaml`,
        dir: `tests/golden/${s}/${v.variant}`,
        request: {
          outDir: `tests/golden/${s}/${v.variant}`,
          cStyle: v.cStyle,
          allCached: v.allCached,
        },
        allTargets: false,
      })),
  ),
];

/**
 * The kernel specs' one header (the kernel target), as the spec asks and with
 * --all-cached. Not in goldenCases: they build inside a kernel tree
 * (npm run test:kernel), not against runtime/include.
 */
export const kernelGoldenCases: GoldenCase[] = ["linux-6.1", "linux-6.12", "linux-7.2"].flatMap(
  (s) =>
    [
      { variant: "spec", allCached: false },
      { variant: "all-cached", allCached: true },
      { variant: "expanded", allCached: false, cStyle: "expanded" as const },
    ].map((v) => ({
      name: `${s} ${v.variant}`,
      spec: `spec/${s}.yaml`,
      dir: `tests/golden/${s}/${v.variant}`,
      request: {
        outDir: `tests/golden/${s}/${v.variant}`,
        allCached: v.allCached,
        ...(v.cStyle ? { cStyle: v.cStyle } : {}),
      },
      allTargets: true,
    })),
);

/**
 * The runtime's spec in Linux 7.2's shape (tests/core/fixtures/x86-kvm-7.2.yaml,
 * the c target), in both C styles and with --all-cached. Not in goldenCases:
 * the suites that compile every golden tree use 6.x's accessors.
 */
export const runtime72GoldenCases: GoldenCase[] = variants.map((v) => ({
  name: `x86-kvm-7.2 ${v.variant}`,
  spec: "tests/core/fixtures/x86-kvm-7.2.yaml",
  dir: `tests/golden/x86-kvm-7.2/${v.variant}`,
  request: {
    outDir: `tests/golden/x86-kvm-7.2/${v.variant}`,
    cStyle: v.cStyle,
    allCached: v.allCached,
  },
  allTargets: false,
}));
