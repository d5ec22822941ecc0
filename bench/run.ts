/*
 * `npm run bench`: how fast regcache is, measured, not asserted in tests.
 * Runs each part in turn (check.ts, generate.ts, size.ts, callgrind.ts,
 * kernel.ts, spec-size.ts), checks the targets (targets.ts), and writes BENCHMARKS.md
 * (report.ts) and bench/results.json. Prints the targets with pass/fail;
 * exits 1 when a target fails, 2 when the benchmark itself could not run.
 *
 *   node dist/bench/run.js [--scale X] [--only PART,…] [--print]
 *   node dist/bench/run.js --kernel-result FILE
 *   node dist/bench/run.js --render
 *
 * --scale (or BENCH_RUNS_SCALE) scales the repetitions, e.g. 0.3 for a quick
 * look; the committed figures use 1. --only (or BENCH_ONLY) measures only the
 * parts named (check, generate, size, callgrind, kernel, spec-size) and carries the
 * others over from the last results.json, each marked with the date it was
 * measured. --print writes the page to stdout and leaves both files as they
 * are. --kernel-result takes the kernel part from a run of kernel-measure.js
 * (run on its own under the kernel build lock) and rewrites both files;
 * nothing is measured then. --render rewrites BENCHMARKS.md from
 * results.json as it is (after a change to the page's form).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import {
  BenchError,
  BENCHMARKS_FILE,
  DIST,
  fail,
  log,
  RESULTS_FILE,
  type BenchContext,
} from "./common";
import { benchCheck } from "./check";
import { benchGenerate } from "./generate";
import { benchSize } from "./size";
import { benchCallgrind } from "./callgrind";
import { benchKernel } from "./kernel";
import { benchSpecSize } from "./spec-size";
import { targets } from "./targets";
import { markdown } from "./report";
import { PARTS, type KernelMeasurement, type Machine, type Part, type Results } from "./results";
import { describe } from "./stats";

interface Options {
  readonly scale: number;
  readonly only?: readonly Part[];
  readonly print: boolean;
  readonly kernelResult?: string;
  readonly render: boolean;
}

function options(argv: readonly string[], env: NodeJS.ProcessEnv): Options {
  const value = (flag: string) => {
    const at = argv.indexOf(flag);
    return at < 0 ? undefined : (argv[at + 1] ?? fail(`${flag} needs a value`));
  };
  const known = new Set(["--scale", "--only", "--print", "--kernel-result", "--render"]);
  for (const [i, a] of argv.entries())
    if (a.startsWith("--") && !known.has(a)) fail(`unknown option ${a} (at ${i + 1})`);
  const onlyText = value("--only") ?? env["BENCH_ONLY"];
  const only = onlyText?.split(",").map((p) => p.trim());
  for (const p of only ?? [])
    if (!(PARTS as readonly string[]).includes(p))
      fail(`--only: unknown part ${p} (parts: ${PARTS.join(", ")})`);
  const kernelResult = value("--kernel-result");
  return {
    scale: Number(value("--scale") ?? env["BENCH_RUNS_SCALE"] ?? 1) || 1,
    ...(only ? { only: only as Part[] } : {}),
    print: argv.includes("--print"),
    render: argv.includes("--render"),
    ...(kernelResult ? { kernelResult } : {}),
  };
}

function machine(): Machine {
  const cpus = os.cpus();
  const version = (cmd: string) => {
    const r = spawnSync(cmd, ["--version"], { encoding: "utf8" });
    return r.status === 0 ? (r.stdout.split("\n")[0] ?? "").trim() : "not installed";
  };
  return {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    gcc: version("gcc"),
    clang: version(
      ["clang-19", "clang"].find((c) => spawnSync(c, ["--version"]).status === 0) ?? "clang",
    ),
    valgrind: version("valgrind"),
    loadAverageAtStart: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
}

function previousResults(): Results | undefined {
  try {
    return JSON.parse(fs.readFileSync(RESULTS_FILE, "utf8")) as Results;
  } catch {
    return undefined;
  }
}

/** A part carried over from an earlier run, marked with when it was measured. */
function carried<T extends object>(part: T, date: string): T {
  return { ...part, carriedFrom: ("carriedFrom" in part && part.carriedFrom) || date };
}

function write(res: Results, print: boolean): void {
  if (print) {
    process.stdout.write(markdown(res) + "\n");
    return;
  }
  fs.writeFileSync(RESULTS_FILE, JSON.stringify(res, null, 2) + "\n");
  fs.writeFileSync(BENCHMARKS_FILE, markdown(res) + "\n");
}

/** The summary goes to stdout, or to stderr when stdout carries the page (--print). */
const say = (print: boolean, text: string) => (print ? process.stderr : process.stdout).write(text);

function printTargets(res: Results, print: boolean): number {
  for (const t of res.targets)
    say(print, `  ${t.pass ? "PASS" : "FAIL"}  ${t.name}: ${t.measured} (${t.limit})\n`);
  const failed = res.targets.filter((t) => !t.pass).length;
  say(print, failed ? `${failed} target(s) failed\n` : "all targets hold\n");
  return failed ? 1 : 0;
}

function measure(opts: Options): number {
  if (!fs.existsSync(path.join(DIST, "cli", "main.js")))
    fail("dist/ is missing: run `npm ci` (or `npm run build`) first");
  const want = (p: Part) => !opts.only || opts.only.includes(p);
  const previous = opts.only ? previousResults() : undefined;
  const date = new Date().toISOString();
  // A part left out keeps what the last results.json measured, with its date.
  const kept = <P extends "check" | "generate">(p: P): Results[P] =>
    previous?.[p]
      ? carried(previous[p], previous.date)
      : fail(`--only leaves out ${p}, and the last results.json has none to carry over`);
  const keptIfAny = <P extends "size" | "callgrind" | "kernel">(p: P) => {
    const part = previous?.[p];
    return part?.available
      ? carried(part, previous!.date)
      : { available: false as const, reason: "left out (--only)" };
  };
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "regcache-bench-"));
  const ctx: BenchContext = {
    work,
    scale: opts.scale,
    runs: (n) => Math.max(3, Math.round(n * opts.scale)),
    // A private output cache: the benchmark never writes to the user's.
    env: {
      ...process.env,
      NO_COLOR: "1",
      REGCACHE_OUTPUT_CACHE_DIR: path.join(work, "output-cache"),
    },
  };
  const started = Date.now();
  let res: Omit<Results, "targets" | "seconds">;
  try {
    const m = machine();
    const check = want("check") ? benchCheck(ctx) : kept("check");
    if (want("check")) log(`check: ${describe(check.check)} vs node ${describe(check.node)}`);
    res = {
      version: 1,
      date,
      machine: m,
      check,
      generate: want("generate") ? benchGenerate(ctx) : kept("generate"),
      size: want("size") ? benchSize(ctx) : keptIfAny("size"),
      callgrind: want("callgrind") ? benchCallgrind(ctx) : keptIfAny("callgrind"),
      kernel: want("kernel") ? benchKernel(ctx) : keptIfAny("kernel"),
      specSize: want("spec-size")
        ? benchSpecSize(ctx)
        : previous?.specSize?.available
          ? carried(previous.specSize, previous.date)
          : { available: false as const, reason: "left out (--only)" },
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const done: Results = {
    ...res,
    targets: targets(res),
    seconds: Math.round((Date.now() - started) / 1000),
  };
  write(done, opts.print);
  say(
    opts.print,
    `regcache bench (${done.seconds} s): ${opts.print ? "printed BENCHMARKS.md" : "wrote BENCHMARKS.md and bench/results.json"}\n`,
  );
  return printTargets(done, opts.print);
}

/**
 * results.json as it was measured, with the kernel part from a
 * kernel-measure.js run when given one; the targets recomputed.
 */
function rewrite(kernelFile: string | undefined, print: boolean): number {
  const previous = previousResults() ?? fail(`${RESULTS_FILE} is missing or unreadable`);
  let res: Omit<Results, "targets"> = previous;
  if (kernelFile) {
    const kernel = JSON.parse(fs.readFileSync(kernelFile, "utf8")) as KernelMeasurement;
    const measured = fs.statSync(kernelFile).mtime.toISOString();
    res = { ...previous, kernel: { available: true, ...kernel, carriedFrom: measured } };
  }
  const done: Results = { ...res, targets: targets(res) };
  write(done, print);
  return printTargets(done, print);
}

try {
  const opts = options(process.argv.slice(2), process.env);
  process.exitCode =
    opts.kernelResult || opts.render ? rewrite(opts.kernelResult, opts.print) : measure(opts);
} catch (err) {
  if (!(err instanceof BenchError)) throw err;
  process.stderr.write(`bench: error: ${err.message}\n`);
  process.exitCode = 2;
}
