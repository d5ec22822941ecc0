/*
 * How regcache's time grows with a spec's size, toward the limits of
 * generator/core/spec/limits.ts and past them: one family of specs per thing
 * a spec can have many of (aliases, unknown keys, registers × backends), each
 * at sizes that double, and one size past the limit that must be refused at
 * once. Each row gives `regcache generate`'s time and its growth from the row
 * before beside the growth of the spec, so linear work shows as equal ratios.
 * Edge: writes specs below ctx.work, spawns regcache.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CLI, DIST, log, type BenchContext } from "./common";
import { timeCommand } from "./stats";
import type { SpecSizeMeasured, SpecSizeRow } from "./results";

/** GNU time, when the machine has it. */
const TIME = fs.existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
const RUSAGE = "regcache-bench-rusage";

const HEAD = "regcache: 1\nname: t\nmask: u32\nregisters:\n  gpr: [rax]\n";
const BACKEND = "backends:\n  vmx: { lazy: [] }\n";

/** `n` aliases of one register name, in a backend's list. */
const aliases = (n: number) =>
  `${HEAD}  extended: [&r cr0]\nbackends:\n  vmx:\n    lazy: [${Array.from({ length: n }, () => "*r").join(", ")}]\n`;

/** `n` unknown top-level keys. */
const unknownKeys = (n: number) =>
  HEAD + BACKEND + Array.from({ length: n }, (_, i) => `k${i}: 1\n`).join("");

/**
 * `registers` gprs and `backends` backends, each lazy in every third register;
 * with `lists` false every list is empty, so that a spec far past the limits
 * still fits in the 1 MiB a spec file may have.
 */
function registersByBackends(registers: number, backends: number, lists = true): string {
  const regs = Array.from({ length: registers }, (_, i) => `r${i}`);
  const lazy = (j: number) => (lists ? regs.filter((_, i) => i % 3 === j % 3) : []);
  const backendLines = Array.from(
    { length: backends },
    (_, j) => `  b${j}: { lazy: [${lazy(j).join(", ")}] }\n`,
  );
  return `regcache: 1\nname: t\nmask: bitmap\nregisters:\n  gpr: [${regs.join(", ")}]\nbackends:\n${backendLines.join("")}`;
}

interface Family {
  readonly family: string;
  /** Each size: its label, how much of the thing it has, and the spec. */
  readonly sizes: readonly { label: string; count: number; spec: () => string }[];
}

/** The limits of the build measured (dist/, not the sources: bench/ compiles apart from them). */
function limits(): { MAX_ALIASES: number; MAX_REGISTERS: number; MAX_BACKENDS: number } {
  return require(path.join(DIST, "core", "spec", "limits.js")) as ReturnType<typeof limits>;
}

/**
 * Each family at a quarter of its limit, half, the limit, and far past it
 * (the sizes the limits were set against: 16,000 aliases, 10,000 registers ×
 * 100 backends). Unknown keys have no limit of their own: what is bounded is
 * how many are reported.
 */
function families(): readonly Family[] {
  const { MAX_ALIASES, MAX_REGISTERS, MAX_BACKENDS } = limits();
  const steps = [0.25, 0.5, 1];
  return [
    {
      family: "aliases",
      sizes: [...steps.map((f) => Math.round(MAX_ALIASES * f)), 16_000].map((n) => ({
        label: `${n}`,
        count: n,
        spec: () => aliases(n),
      })),
    },
    {
      family: "unknown keys",
      sizes: [12_500, 25_000, 50_000].map((n) => ({
        label: `${n}`,
        count: n,
        spec: () => unknownKeys(n),
      })),
    },
    {
      family: "registers × backends",
      sizes: [
        ...steps.map((f) => [Math.round(MAX_REGISTERS * f), Math.round(MAX_BACKENDS * f)]),
        [10_000, 100],
      ].map(([r, b]) => ({
        label: `${r!} × ${b!}`,
        count: r! * b!,
        // Past the limits the lists are left empty: the file stays under 1 MiB.
        spec: () => registersByBackends(r!, b!, r! <= MAX_REGISTERS),
      })),
    },
  ];
}

export function benchSpecSize(ctx: BenchContext): SpecSizeMeasured {
  const dir = path.join(ctx.work, "spec-size");
  fs.mkdirSync(dir, { recursive: true });
  const runs = Math.max(1, Math.round(ctx.scale));
  const rows: SpecSizeRow[] = [];
  for (const { family, sizes } of families()) {
    let before: SpecSizeRow | undefined;
    for (const [i, size] of sizes.entries()) {
      const spec = path.join(dir, `${family.replace(/\W+/g, "-")}-${i}.yaml`);
      const text = size.spec();
      fs.writeFileSync(spec, text);
      const times: number[] = [];
      const cpus: number[] = [];
      let maxRssKiB: number | undefined;
      let exit: number | null = null;
      let code = "";
      for (let run = 0; run < runs; run++) {
        const out = path.join(dir, `out-${i}-${run}`);
        const argv = [process.execPath, CLI, "generate", "--spec", spec, "--out", out];
        // GNU time adds what a shared machine's wall clock hides: CPU seconds and peak memory.
        const t = TIME
          ? timeCommand(TIME, ["-f", `${RUSAGE} %U %S %M`, ...argv], { env: ctx.env })
          : timeCommand(argv[0]!, argv.slice(1), { env: ctx.env });
        const usage = new RegExp(`^${RUSAGE} (\\S+) (\\S+) (\\d+)$`, "m").exec(t.stderr);
        if (usage) {
          cpus.push((Number(usage[1]) + Number(usage[2])) * 1000);
          maxRssKiB = Math.max(maxRssKiB ?? 0, Number(usage[3]));
        }
        times.push(t.ms);
        exit = t.status;
        code = /error (RC\d{3})/.exec(t.stderr)?.[1] ?? "";
        fs.rmSync(out, { recursive: true, force: true });
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const ms = median(times);
      const cpuMs = cpus.length === runs ? Math.round(median(cpus)) : undefined;
      const row: SpecSizeRow = {
        family,
        size: size.label,
        count: size.count,
        bytes: Buffer.byteLength(text),
        ms: Math.round(ms),
        ...(cpuMs !== undefined ? { cpuMs } : {}),
        ...(maxRssKiB !== undefined ? { maxRssMiB: Math.round(maxRssKiB / 1024) } : {}),
        exit,
        ...(code ? { code } : {}),
        ...(before
          ? {
              countRatio: Number((size.count / before.count).toFixed(2)),
              timeRatio: Number((ms / before.ms).toFixed(2)),
              ...(cpuMs !== undefined && before.cpuMs
                ? { cpuRatio: Number((cpuMs / before.cpuMs).toFixed(2)) }
                : {}),
            }
          : {}),
      };
      rows.push(row);
      log(
        `spec-size: ${family} ${size.label}: ${row.ms} ms wall, ${row.cpuMs ?? "-"} ms CPU, ${row.maxRssMiB ?? "-"} MiB, exit ${exit}${code ? ` ${code}` : ""}` +
          (row.countRatio
            ? `; size ×${row.countRatio}, wall ×${row.timeRatio}, CPU ×${row.cpuRatio ?? "-"}`
            : ""),
      );
      before = row;
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return { available: true, runs, rows };
}
