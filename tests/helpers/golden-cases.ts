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

const variants = [
  { variant: "macro", cStyle: "macro", allCached: false },
  { variant: "expanded", cStyle: "expanded", allCached: false },
  { variant: "all-cached", cStyle: "macro", allCached: true },
] as const;

/**
 * A bundled runtime spec's checked-in trees: `checkedIn` (every target, as
 * `regcache generate` writes it) is its macro style; the expanded style and
 * --all-cached (c only) are golden trees under tests/golden/<spec>/.
 */
function specCases(spec: string, checkedIn: string): GoldenCase[] {
  return [
    {
      name: `${checkedIn}/`,
      spec: `spec/${spec}.yaml`,
      dir: checkedIn,
      request: { outDir: checkedIn },
      allTargets: true,
    },
    ...variants
      .filter((v) => v.variant !== "macro")
      .map((v) => ({
        name: `${spec} ${v.variant}`,
        spec: `spec/${spec}.yaml`,
        dir: `tests/golden/${spec}/${v.variant}`,
        request: {
          outDir: `tests/golden/${spec}/${v.variant}`,
          cStyle: v.cStyle,
          allCached: v.allCached,
        },
        allTargets: false,
      })),
  ];
}

/**
 * The runtime specs in Linux 6.x's shape, which runtime/handlers/ and
 * tests/core/fixtures/use_accessors.c compile against: spec/x86-kvm-6.12.yaml
 * (checked in as generated/x86-kvm-6.12/) and spec/x86-kvm-v5.2.yaml.
 */
export const goldenCases: GoldenCase[] = [
  ...specCases("x86-kvm-6.12", "generated/x86-kvm-6.12"),
  ...variants.map((v) => ({
    name: `x86-kvm-v5.2 ${v.variant}`,
    spec: "spec/x86-kvm-v5.2.yaml",
    dir: `tests/golden/x86-kvm-v5.2/${v.variant}`,
    request: {
      outDir: `tests/golden/x86-kvm-v5.2/${v.variant}`,
      cStyle: v.cStyle,
      allCached: v.allCached,
    },
    allTargets: false,
  })),
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
 * The default spec, spec/x86-kvm.yaml, in Linux 7.2's shape: generated/ itself,
 * expanded and --all-cached. Not in goldenCases: the suites that compile every
 * golden tree there use 6.x's accessors; runtime/handlers/7.2/ compiles
 * against these.
 */
export const runtime72GoldenCases: GoldenCase[] = specCases("x86-kvm", "generated");
