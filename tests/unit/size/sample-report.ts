/*
 * A report on synthetic measurements, shared by the report model's and the
 * formats' unit tests: two configs measuring the same sides (a shrinking
 * kvm_emulate_cpuid and kvm_emulate_hypercall, one function added, one gone,
 * one unchanged, one grown), a skipped config and one generated source.
 * Functions only: nothing here is computed when a test file loads.
 */
import {
  buildReport,
  type MeasuredConfig,
  type SizeReport,
} from "../../../generator/size/report/report";
import type { SymbolSize } from "../../../generator/toolchain/symbols";

export const fn = (name: string, size: number): SymbolSize => ({ name, kind: "function", size });
export const data = (name: string, size: number): SymbolSize => ({ name, kind: "data", size });

export const base = [
  fn("kvm_emulate_cpuid", 342),
  fn("kvm_emulate_hypercall", 1362),
  fn("gone", 40),
  fn("same", 10),
  fn("grows", 50),
];
export const head = [
  fn("kvm_emulate_cpuid", 182),
  fn("kvm_emulate_hypercall", 1143),
  fn("added", 7),
  fn("same", 10),
  fn("grows", 60),
];

export function measured(name: string, b = base, h = head): MeasuredConfig {
  return {
    name,
    compiler: "gcc",
    command: "gcc",
    compilerVersion: "gcc 12",
    retpoline: false,
    flags: ["-O2"],
    base: b,
    head: h,
  };
}

export function sampleReport(configs = [measured("gcc-O2"), measured("clang-O2")]): SizeReport {
  return buildReport({
    spec: "spec/x86-kvm-6.12.yaml",
    base: "all-cached",
    measured: configs,
    skipped: [
      {
        name: "clang-O2-retpoline",
        compiler: "clang",
        reason: "clang-19 or clang not found",
        hint: "apt-get install -y clang-19",
      },
    ],
    baseFiles: [{ path: "c/kvm_regs.h", contents: "a\nb\n" }],
    headFiles: [{ path: "c/kvm_regs.h", contents: "a\nbc\nd\n" }],
  });
}

/** One config with one change, and every optional section: explain, budget, objects. */
export function fullReport(): SizeReport {
  return {
    ...sampleReport([measured("gcc-O2", [fn("f", 10), fn("g", 5)], [fn("f", 12), fn("g", 5)])]),
    explain: [
      { register: "rip", lazyIn: ["vmx", "svm"], reached: true, saved: [12] },
      { register: "cr3", lazyIn: ["vmx"], reached: false, saved: [null] },
    ],
    budget: {
      file: "b.yaml",
      breaches: [
        {
          config: "gcc-O2",
          target: "f",
          check: "max",
          unit: "bytes",
          limit: 11,
          base: 10,
          head: 12,
          delta: 2,
        },
      ],
    },
    objects: { kind: "tree", pairs: [{ path: "a.o", old: true, new: false }], composites: [] },
  };
}
