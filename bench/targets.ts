/*
 * The benchmark's targets: each a measured figure, its limit, and whether it
 * holds. Pure: results in, targets out.
 */
import { BACKENDS } from "./common";
import type { Results, Target } from "./results";

/**
 * The handlers whose instructions per call are held to "fewer against the
 * spec than --all-cached" on every backend: CPUID's exit and the hypercall
 * handler itself (7.2's name; the driver calls it directly).
 */
export const HELD_HANDLERS = ["kvm_emulate_cpuid", "____kvm_emulate_hypercall"] as const;

const times = (x: number, digits = 2) => `${x.toFixed(digits)}×`;
const s = (ms: number, digits = 1) => `${(ms / 1000).toFixed(digits)} s`;

export function targets(res: Omit<Results, "targets" | "seconds">): Target[] {
  const t: Target[] = [];
  const add = (name: string, pass: boolean, measured: string, limit: string) =>
    t.push({ name, pass, measured, limit });
  const c = res.check;
  add(
    c.cold
      ? "regcache check (warm output cache) within 3× a bare node start-up"
      : "regcache check within 3× a bare node start-up",
    c.ratio <= 3,
    times(c.ratio),
    "≤ 3×",
  );
  const g = res.generate.stats;
  // The largest step: time may grow at most 1.1× as fast as the registers.
  const top = res.generate.steps.at(-1)!;
  const topLimit = 1.1 * top.registers;
  add(
    `generate: ${Number(top.to).toLocaleString("en")} registers ≤ ${times(topLimit, 1)} the time of ${Number(top.from).toLocaleString("en")}`,
    top.time <= topLimit,
    times(top.time),
    `≤ ${times(topLimit, 1)}`,
  );
  const r1d = g["1000"]!.median / g["default"]!.median;
  add("generate: 1,000 registers ≤ 2× the default spec", r1d <= 2, times(r1d), "≤ 2×");
  const z = res.size;
  if (z.available && z.cores > 1)
    add(
      `size matrix: --jobs ${z.cores} ≤ 0.6× --jobs 1`,
      z.ratio <= 0.6,
      `${times(z.ratio)} (the same compile commands under xargs: ${times(z.reference.ratio)})`,
      "≤ 0.6×",
    );
  else
    add(
      "size matrix: all cores ≤ 0.6× --jobs 1",
      false,
      z.available ? "one core only" : z.reason,
      "≤ 0.6×",
    );
  const k = res.callgrind;
  // The default spec's suite (the first); the other shapes are shown, not held to a target.
  const suite = k.available ? k.suites[0] : undefined;
  for (const h of HELD_HANDLERS) {
    if (!suite) {
      add(
        `${h}: fewer instructions against the spec`,
        false,
        k.available ? "no suite measured" : k.reason,
        "spec < all-cached",
      );
      continue;
    }
    for (const b of BACKENDS) {
      const e = suite.perCall[b]?.[h];
      const spec = e?.["spec"];
      const all = e?.["all-cached"];
      add(
        `${h} on ${b} (${suite.spec}): fewer instructions against the spec than --all-cached`,
        Boolean(spec && all && spec.ir < all.ir),
        spec && all ? `${spec.ir.toFixed(1)} vs ${all.ir.toFixed(1)}` : "not measured",
        "spec < all-cached",
      );
    }
  }
  const kb = res.kernel;
  if (kb?.available) {
    add(
      "kernel 6.1 KVM: cold size --compile-commands ≤ 1.0× the manual workflow",
      kb.cold.ms <= kb.manual.ms,
      `${times(kb.cold.ms / kb.manual.ms)} (${s(kb.cold.ms)} vs ${s(kb.manual.ms)})`,
      "≤ 1.0×",
    );
    add(
      "kernel 6.1 KVM: warm rerun ≤ 0.2× the cold run",
      kb.warm.ms <= 0.2 * kb.cold.ms && kb.warmSameReport,
      `${times(kb.warm.ms / kb.cold.ms)} (${s(kb.warm.ms)}${kb.warmSameReport ? ", same report" : ", DIFFERENT report"})`,
      "≤ 0.2×",
    );
    const o = kb.objects;
    add(
      "kernel 6.1 KVM: size --objects ≤ 0.1× the bloat-o-meter loop",
      o.ms !== undefined && o.ms <= 0.1 * o.loopMs,
      o.ms !== undefined
        ? `${times(o.ms / o.loopMs)} (${s(o.ms, 2)} vs ${s(o.loopMs)})`
        : o.unavailable,
      "≤ 0.1×",
    );
  } else if (kb) add("kernel 6.1 KVM size benchmarks", false, kb.reason, "measured");
  return t;
}
