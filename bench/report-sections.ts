/*
 * The sections of BENCHMARKS.md that show measurements, one function each,
 * in the page's order: check, generate, size, callgrind, a real kernel, a
 * spec's size. Each
 * returns its lines, ending with a blank one. Pure.
 */
import { BACKENDS } from "./common";
import type {
  CallgrindMeasured,
  CallgrindSuite,
  CheckResult,
  GenerateResult,
  KernelMeasured,
  NotMeasured,
  OnSpec,
  SizeFigure,
  SizeMeasured,
  SpecSizeMeasured,
} from "./results";
import type { Summary } from "./stats";

const ms = (s: Summary) => `${s.median.toFixed(0)} ms`;
const spread = (s: Summary) => `${s.q1.toFixed(0)}–${s.q3.toFixed(0)}`;
const minmax = (s: Summary) => `${s.min.toFixed(0)} / ${s.max.toFixed(0)}`;
/** The default spec as a part recorded it; results older than the record name only the file. */
const specOf = (part: OnSpec) => part.spec ?? "spec/x86-kvm.yaml";

const row = (label: string, s: Summary, runs: number) =>
  `| ${label} | ${ms(s)} | ${spread(s)} | ${minmax(s)} | ${runs} |`;

export function checkSection(c: CheckResult): string[] {
  const L = [`## \`regcache check\` on ${specOf(c)}`, "", `Checked: ${c.where}.`];
  if (c.cold)
    L.push(
      "Each round runs the three commands side by side, in rotating order. The output caches are private to the benchmark (`REGCACHE_OUTPUT_CACHE_DIR`): the warm one was filled by one run of `check` before the rounds, the empty one is a new directory each time.",
    );
  L.push(
    "",
    "| command | median | IQR | min / max | runs |",
    "|---|---|---|---|---|",
    row("`node -e 0`", c.node, c.runs),
    row(c.cold ? "`regcache check`, warm output cache" : "`regcache check`", c.check, c.runs),
  );
  if (c.cold) L.push(row("`regcache check`, empty output cache", c.cold, c.runs));
  L.push(
    "",
    `${c.cold ? "Warm cache: ratio" : "Ratio"} of medians **${c.ratio.toFixed(2)}×** bare node start-up (per round: median ${c.pairRatio.median.toFixed(2)}×, IQR ${c.pairRatio.q1.toFixed(2)}–${c.pairRatio.q3.toFixed(2)}×).`,
  );
  if (c.cold && c.coldRatio !== undefined)
    L.push(
      "",
      `Empty cache: ratio of medians **${c.coldRatio.toFixed(2)}×** bare node start-up (every target produced: the spec parsed, the C and TypeScript emitted, then compared).`,
    );
  if (c.loadAverage)
    L.push(
      "",
      `Load average (1, 5, 15 min) when the rounds began: ${c.loadAverage.before.join(", ")}; when they ended: ${c.loadAverage.after.join(", ")}, on ${c.cores ?? "?"} cores.`,
    );
  L.push("");
  return L;
}

export function generateSection(g: GenerateResult): string[] {
  const L = [
    "## `regcache generate` scaling",
    "",
    "| spec | registers | output bytes | median | IQR | min / max | in-process (generator alone) |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const s of g.specs) {
    const st = g.stats[s.label]!;
    const ip = g.inProcess[s.label];
    L.push(
      `| ${s.label === "default" ? specOf(g) : `synthetic-${s.label}`} | ${s.registers ?? "?"} | ${s.bytesOut} | ${ms(st)} | ${spread(st)} | ${minmax(st)} | ${ip ? `${ip.median.toFixed(1)} ms` : "-"} |`,
    );
  }
  L.push(
    "",
    "| step | registers × | command time × | generator-alone time × |",
    "|---|---|---|---|",
  );
  for (const s of g.steps) {
    const to = g.inProcess[s.to];
    const from = g.inProcess[s.from];
    const ip = to && from ? to.median / from.median : NaN;
    L.push(
      `| ${s.from} → ${s.to} | ${s.registers.toFixed(2)} | ${s.time.toFixed(2)} | ${ip.toFixed(2)} |`,
    );
  }
  L.push(
    "",
    "The command time includes node's start-up and loading the generator's libraries, which do not grow with the spec; the generator-alone column (`generateAll()` called in one warm process, median of repeated calls) shows how the work itself grows.",
    "",
  );
  const base = g.coldPhases["default"];
  const big = g.coldPhases["1000"];
  if (base && big) {
    L.push(
      "Where a cold `generate` spends its time: each phase of `generateAll()` timed in a fresh process, the libraries it needs loading inside it as they do in the command (medians of " +
        `${base["node start-up"]?.n} processes; writing the files and the command line are left out).`,
      "",
      `| phase | ${specOf(g)} | synthetic-1000 | added by 1,000 registers |`,
      "|---|---|---|---|",
    );
    let a = 0;
    let b = 0;
    for (const [phase, s] of Object.entries(base)) {
      const x = s.median;
      const y = big[phase]?.median ?? NaN;
      a += x;
      b += y;
      L.push(`| ${phase} | ${x.toFixed(0)} ms | ${y.toFixed(0)} ms | ${(y - x).toFixed(0)} ms |`);
    }
    L.push(
      `| sum of medians | ${a.toFixed(0)} ms | ${b.toFixed(0)} ms | ${(b - a).toFixed(0)} ms |`,
      "",
    );
  }
  return L;
}

export function sizeSection(z: SizeMeasured | NotMeasured): string[] {
  const L = ["## `regcache size` on the default matrix", ""];
  if (!z.available) return [...L, `Not measured: ${z.reason}.`, ""];
  return [
    ...L,
    `Spec: ${specOf(z)}, with the handler suite of its shape. Configs run: ${z.configs.join(", ") || "none"}${z.skipped.length ? `; skipped: ${z.skipped.join(", ")}` : ""}. Each run with \`--no-cache\`: it compiles everything, as the xargs reference does.`,
    "",
    "| jobs | median | IQR | min / max | runs |",
    "|---|---|---|---|---|",
    row("1", z.jobs1, z.runs),
    row(`${z.cores} (all cores)`, z.jobsAll, z.runs),
    "",
    `All cores take **${z.ratio.toFixed(2)}×** the time of --jobs 1.`,
    "",
    `For scale, the same ${z.compileCommands} compile commands (from \`regcache size --keep\`'s commands.sh) run by \`xargs -P 1\` took ${ms(z.reference.xargs1)} (IQR ${spread(z.reference.xargs1)}) and by \`xargs -P ${z.cores}\` ${ms(z.reference.xargsAll)} (IQR ${spread(z.reference.xargsAll)}): **${z.reference.ratio.toFixed(2)}×**, what this machine gives this workload with every core, whatever runs the compilers.`,
    "",
  ];
}

export function callgrindSection(k: CallgrindMeasured | NotMeasured): string[] {
  const L = ["## Instructions per handler call (callgrind)", ""];
  if (!k.available) return [...L, `Not measured: ${k.reason}.`, ""];
  for (const suite of k.suites) L.push(...callgrindTable(suite));
  L.push(
    "A handler the driver never calls on a backend shows -, as does one that only runs nested inside another. Figures are averages over the same seeded cases on both builds, so a difference is the accessors' cost, not different inputs. The two shapes run different handler suites (each its kernel's code) on different simulators, so compare a handler across the tables only as far as its code is the same.",
    "",
  );
  return L;
}

function callgrindTable(suite: CallgrindSuite): string[] {
  const L = [
    `### ${suite.spec} (${suite.shape})`,
    "",
    `Built from ${suite.runtime}.`,
    "",
    `| handler | ${BACKENDS.map((b) => `${b} spec | ${b} all-cached | ${b} Δ`).join(" | ")} |`,
    `|---|${BACKENDS.map(() => "---:|---:|---:").join("|")}|`,
  ];
  for (const h of suite.handlers) {
    const cells = BACKENDS.map((b) => {
      const spec = suite.perCall[b]?.[h]?.["spec"];
      const all = suite.perCall[b]?.[h]?.["all-cached"];
      if (!spec || !all) return "- | - | -";
      const d = spec.ir - all.ir;
      const pct = (100 * d) / all.ir;
      return `${spec.ir.toFixed(1)} | ${all.ir.toFixed(1)} | ${d.toFixed(1)} (${pct.toFixed(0)}%)`;
    });
    L.push(`| \`${h}\` | ${cells.join(" | ")} |`);
  }
  L.push("");
  return L;
}

export function kernelSection(kb: KernelMeasured | NotMeasured | undefined): string[] {
  if (!kb?.available) return [];
  const s = (x: number) => `${(x / 1000).toFixed(1)} s`;
  const f = kb.figures;
  const fn = (name: string, r: SizeFigure | undefined) =>
    r ? `| \`${name}\` | ${r.base} | ${r.head} | ${r.delta} |` : `| \`${name}\` | - | - | - |`;
  return [
    "## A real kernel: `size --compile-commands` on Linux 6.1's KVM",
    "",
    `Tree: ${kb.tree} (Debian's linux-source-6.1, built by tests/kernel/prepare.js), ${kb.cores} cores, one run each, timed under the kernel build lock (bench/kernel-measure.ts). Spec \`spec/linux-6.1.yaml\` against \`--base all-cached\`.`,
    "",
    "| run | wall time | |",
    "|---|---|---|",
    `| cold: \`regcache size --spec spec/linux-6.1.yaml --compile-commands …\`, empty object cache | ${s(kb.cold.ms)} | ${kb.cold.stderr.split("\n").join("; ")} |`,
    `| warm: the same again, nothing changed | ${s(kb.warm.ms)} | ${kb.warm.stderr.split("\n").join("; ")} |`,
    `| manual: swap in the header, make, swap in all-cached, make, bloat-o-meter × ${kb.manual.pairs} | ${s(kb.manual.ms)} | makes ${s(kb.manual.make1Ms)} + ${s(kb.manual.make2Ms)}, loop ${s(kb.manual.loopMs)} |`,
    kb.objects.ms !== undefined
      ? `| \`regcache size --objects\` over the manual workflow's two object trees | ${s(kb.objects.ms)} | vs its bloat-o-meter loop ${s(kb.objects.loopMs)} |`
      : `| \`regcache size --objects\` | not measured | ${kb.objects.unavailable} |`,
    "",
    "What the cold run printed (bytes, all-cached → spec):",
    "",
    "| function | all-cached | spec | delta |",
    "|---|---|---|---|",
    fn("kvm_emulate_cpuid", f.kvm_emulate_cpuid),
    fn("kvm_emulate_hypercall", f.kvm_emulate_hypercall),
    fn("kvm_hv_hypercall", f.kvm_hv_hypercall),
    `| total of the measured units | ${f.total.base} | ${f.total.head} | ${f.total.delta} |`,
    "",
  ];
}

export function specSizeSection(s: SpecSizeMeasured | NotMeasured | undefined): string[] {
  const L = ["## A spec's size, toward its limits and past them", ""];
  if (!s) return [...L, "Not measured: this results.json predates the part.", ""];
  if (!s.available) return [...L, `Not measured: ${s.reason}.`, ""];
  return [
    ...L,
    `\`regcache generate\` into a fresh directory, median of ${s.runs} run(s) per spec (bench/spec-size.ts). Each family's last row is past its limit (docs/spec.md, "Limits") and must be refused at once; within the limits the time should grow no faster than the spec (time ratio ≤ size ratio). CPU time (user + system) and peak memory come from GNU time; on a shared machine they vary less than the wall clock.`,
    "",
    "| family | size | bytes | wall | CPU | peak memory | exit | size ratio | wall ratio | CPU ratio |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...s.rows.map(
      (r) =>
        `| ${r.family} | ${r.size} | ${r.bytes} | ${r.ms} ms | ${r.cpuMs !== undefined ? `${r.cpuMs} ms` : "-"} | ${r.maxRssMiB !== undefined ? `${r.maxRssMiB} MiB` : "-"} | ${r.exit ?? "killed"}${r.code ? ` (${r.code})` : ""} | ${r.countRatio ?? ""} | ${r.timeRatio ?? ""} | ${r.cpuRatio ?? ""} |`,
    ),
    "",
  ];
}
