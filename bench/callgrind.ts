/*
 * Instructions per handler call: a handler suite's behaviour-test driver
 * (each case is vm_exit → handler → vm_enter on the simulated backend) built
 * against a spec's headers and against its --all-cached headers, run under
 * `valgrind --tool=callgrind` on each backend. Two suites, one per spec
 * shape (SUITES): the default spec, spec/x86-kvm.yaml in Linux 7.2's shape,
 * with the 7.2 runtime (runtime/sim/7.2/, runtime/test/driver_7.2.c,
 * runtime/handlers/7.2/), and spec/x86-kvm-6.12.yaml with the 6.x runtime
 * (runtime/sim/, runtime/test/driver.c, runtime/handlers/), so the two
 * shapes can be compared.
 *
 * inclusivePerCall reads a callgrind output file and attributes inclusive
 * instruction counts (event Ir) to calls: for every function, the calls made
 * to it from outside a given set of functions, how many there were and what
 * they cost with everything they called: the "inclusive cost per call"
 * callgrind_annotate shows, restricted to the calls the driver itself makes,
 * so a handler that calls another is not counted twice. Format:
 * https://valgrind.org/docs/manual/cl-format.html (name compression
 * "(id) name", "calls=<count> <target position>" followed by a cost line
 * whose first fields are the position and whose next is Ir).
 *
 * Edge: compiles with gcc and runs valgrind below the scratch directory.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import {
  BACKENDS,
  DEFAULT_SPEC,
  fail,
  log,
  mustSucceed,
  regcache,
  ROOT,
  type BenchContext,
} from "./common";
import type { CallgrindMeasured, CallgrindSuite, NotMeasured, PerCall } from "./results";

/** Calls to each wanted callee from a counted caller, and their inclusive Ir. */
export function inclusivePerCall(
  file: string,
  wanted: (callee: string) => boolean,
  countCaller: (caller: string) => boolean,
): Map<string, PerCall> {
  const text = fs.readFileSync(file, "utf8");
  const names = new Map<string, string>(); // "(id)" → name, shared by fn= and cfn=
  const resolve = (spec: string): string => {
    const m = /^\((\d+)\)(?:\s+(.*))?$/.exec(spec.trim());
    if (!m) return spec.trim();
    if (m[2] !== undefined) names.set(m[1]!, m[2]);
    return names.get(m[1]!) ?? `(${m[1]})`;
  };
  const positions = (/^positions:\s*(.*)$/m.exec(text)?.[1] ?? "line").trim().split(/\s+/).length;
  const events = (/^events:\s*(.*)$/m.exec(text)?.[1] ?? "Ir").trim().split(/\s+/);
  if (events.indexOf("Ir") < 0) throw new Error(`${file}: no Ir event`);
  const irIndex = positions + events.indexOf("Ir");

  const out = new Map<string, { calls: number; ir: number }>();
  let fn = "";
  let cfn = "";
  let pendingCalls = -1;
  for (const line of text.split("\n")) {
    if (pendingCalls >= 0) {
      const fields = line.trim().split(/\s+/);
      const ir = Number(fields[irIndex] ?? 0);
      if (wanted(cfn) && countCaller(fn)) {
        const entry = out.get(cfn) ?? { calls: 0, ir: 0 };
        entry.calls += pendingCalls;
        entry.ir += ir;
        out.set(cfn, entry);
      }
      pendingCalls = -1;
      continue;
    }
    if (line.startsWith("fn=")) fn = resolve(line.slice(3));
    else if (line.startsWith("cfn=")) cfn = resolve(line.slice(4));
    else if (line.startsWith("calls=")) pendingCalls = Number(line.slice(6).trim().split(/\s+/)[0]);
  }
  return out;
}

function cc(args: readonly string[], what: string): void {
  const r = spawnSync("gcc", args, { encoding: "utf8", cwd: ROOT });
  if (r.status !== 0) fail(`${what}: gcc ${args.join(" ")}\n${r.stderr}`);
}

function cFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".c"))
    .sort()
    .map((f) => path.join(dir, f));
}

/**
 * A handler suite and the spec it is measured on; paths relative to the
 * checkout. The simulator and driver are built against the spec's headers
 * (the simulated hardware always follows the spec), the handlers (and
 * `handlerExtras`) once against the spec's and once against --all-cached.
 */
export interface SuiteRecipe {
  /** The spec whose headers everything builds against. */
  readonly spec: string;
  /** The spec's shape, as the report names it. */
  readonly shape: string;
  /** The simulator's sources: every .c file of this directory, also an include directory. */
  readonly simDir: string;
  /** Extra compiler arguments of the simulator's build (its hardware table). */
  readonly simDefines: readonly string[];
  readonly driver: string;
  /** The suite's directory: its .c files and handlers.json. */
  readonly handlersDir: string;
  /** Sources linked beside the handlers and built with them. */
  readonly handlerExtras: readonly string[];
}

/** The default spec's suite first: the targets and the first table are its. */
export const SUITES: readonly SuiteRecipe[] = [
  {
    spec: DEFAULT_SPEC.file,
    shape: DEFAULT_SPEC.shape,
    simDir: "runtime/sim/7.2",
    simDefines: [],
    driver: "runtime/test/driver_7.2.c",
    handlersDir: "runtime/handlers/7.2",
    handlerExtras: [],
  },
  {
    spec: "spec/x86-kvm-6.12.yaml",
    shape: "Linux 6.12's shape",
    simDir: "runtime/sim",
    // The simulated hardware: the hand-written table of the 6.12 spec (runtime/README.md).
    simDefines: [`-DSIM_HARDWARE="${path.join(ROOT, "runtime/sim/hardware/x86-kvm-6.12.h")}"`],
    driver: "runtime/test/driver.c",
    handlersDir: "runtime/handlers",
    handlerExtras: ["runtime/test/abi.c"],
  },
];

/** Seeded cases per handler and backend: 200, scaled, at least 20. */
export const callgrindCases = (scale: number): number => Math.max(20, Math.round(200 * scale));

/** gcc's arguments for every object of every suite. */
const FLAGS = ["-std=gnu11", "-O2", "-DCONFIG_X86_64"];

export function benchCallgrind(ctx: BenchContext): CallgrindMeasured | NotMeasured {
  if (spawnSync("valgrind", ["--version"]).status !== 0)
    return { available: false, reason: "valgrind is not installed" };
  for (const s of SUITES)
    for (const f of [s.spec, s.driver, path.join(s.handlersDir, "handlers.json")])
      if (!fs.existsSync(path.join(ROOT, f)))
        return { available: false, reason: `${f} is missing` };
  const cases = callgrindCases(ctx.scale);
  const suites = SUITES.map((s, i) =>
    measureSuite(ctx, s, path.join(ctx.work, `suite-${i}`), cases),
  );
  return { available: true, cases, flags: FLAGS, suites };
}

/** One suite built on both sides and run under callgrind on every backend. */
function measureSuite(
  ctx: BenchContext,
  suite: SuiteRecipe,
  work: string,
  cases: number,
): CallgrindSuite {
  const at = (rel: string) => path.join(ROOT, rel);
  const handlerList = JSON.parse(
    fs.readFileSync(at(path.join(suite.handlersDir, "handlers.json")), "utf8"),
  ) as { files: Record<string, string[]> };
  const handlers = Object.values(handlerList.files).flat().sort();
  const handlerSet = new Set(handlers);

  const headers: Record<string, string> = {};
  for (const [side, extra] of [
    ["spec", []],
    ["all-cached", ["--all-cached"]],
  ] as const) {
    const out = path.join(work, `headers-${side}`);
    mustSucceed(
      `generate ${side} headers of ${suite.spec}`,
      regcache(ctx, ["generate", "--spec", at(suite.spec), "--out", out, ...extra]),
    );
    headers[side] = path.join(out, "c");
  }
  const include = at("runtime/include");
  const inc = (...dirs: string[]) => dirs.flatMap((d) => ["-I", d]);
  const objDir = path.join(work, "obj");
  fs.mkdirSync(objDir, { recursive: true });
  const compile = (src: string, out: string, args: readonly string[]) =>
    cc([...FLAGS, ...args, "-c", src, "-o", out], `compile ${src}`);
  const simObjects = [...cFiles(at(suite.simDir)), at(suite.driver)].map((src) => {
    const o = path.join(objDir, `sim-${path.basename(src, ".c")}.o`);
    compile(src, o, [...suite.simDefines, ...inc(headers.spec!, include, at(suite.simDir))]);
    return o;
  });
  const exes: Record<string, string> = {};
  for (const [side, dir] of Object.entries(headers)) {
    const objs = [...cFiles(at(suite.handlersDir)), ...suite.handlerExtras.map(at)].map((src) => {
      const o = path.join(objDir, `${side}-${path.basename(src, ".c")}.o`);
      compile(src, o, inc(dir, include));
      return o;
    });
    exes[side] = path.join(work, `driver-${side}`);
    cc([...objs, ...simObjects, "-o", exes[side]], `link ${suite.spec} ${side}`);
  }

  log(
    `callgrind: ${suite.spec} (${suite.shape}): ${cases} cases per handler, ${BACKENDS.length} backends, spec vs all-cached`,
  );
  const perCall: Record<string, Record<string, Record<string, PerCall | null>>> = {};
  for (const backend of BACKENDS) {
    const byHandler: Record<string, Record<string, PerCall | null>> = (perCall[backend] = {});
    for (const [side, exe] of Object.entries(exes)) {
      const outFile = path.join(work, `callgrind.${backend}.${side}.out`);
      const r = spawnSync(
        "valgrind",
        [
          "--tool=callgrind",
          `--callgrind-out-file=${outFile}`,
          exe,
          "--backend",
          backend,
          "--cases",
          String(cases),
        ],
        { encoding: "utf8", cwd: work, maxBuffer: 64 * 1024 * 1024 },
      );
      if (r.status !== 0)
        fail(
          `callgrind ${suite.spec} ${backend} ${side} exited ${r.status}:\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-2000)}`,
        );
      const costs = inclusivePerCall(
        outFile,
        (f) => handlerSet.has(f),
        (f) => !handlerSet.has(f),
      );
      for (const h of handlers) {
        const c = costs.get(h);
        (byHandler[h] ??= {})[side] =
          c && c.calls > 0 ? { calls: c.calls, ir: c.ir / c.calls } : null;
      }
    }
  }
  return {
    spec: suite.spec,
    shape: suite.shape,
    runtime: [suite.simDir, suite.driver, suite.handlersDir].join(", "),
    handlers,
    perCall,
  };
}
