/*
 * Instructions per handler call: the runtime's behaviour-test driver
 * (runtime/test/driver.c; each case is vm_exit → handler → vm_enter on the
 * simulated backend) built against the spec's headers and against
 * --all-cached, run under `valgrind --tool=callgrind` on each backend.
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
import { BACKENDS, fail, log, mustSucceed, regcache, ROOT, type BenchContext } from "./common";
import type { CallgrindMeasured, NotMeasured, PerCall } from "./results";

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

/** Seeded cases per handler and backend: 200, scaled, at least 20. */
export const callgrindCases = (scale: number): number => Math.max(20, Math.round(200 * scale));

export function benchCallgrind(ctx: BenchContext): CallgrindMeasured | NotMeasured {
  if (spawnSync("valgrind", ["--version"]).status !== 0)
    return { available: false, reason: "valgrind is not installed" };
  const cases = callgrindCases(ctx.scale);
  const work = ctx.work;
  const rt = path.join(ROOT, "runtime");
  const driver = path.join(rt, "test", "driver.c");
  const abi = path.join(rt, "test", "abi.c");
  if (!fs.existsSync(driver))
    return { available: false, reason: "runtime/test/driver.c is missing" };
  const handlerList = JSON.parse(
    fs.readFileSync(path.join(rt, "handlers", "handlers.json"), "utf8"),
  ) as { files: Record<string, string[]> };
  const handlers = Object.values(handlerList.files).flat().sort();
  const handlerSet = new Set(handlers);

  // Headers: the spec's, and --all-cached; the simulated hardware always follows the spec.
  const headers: Record<string, string> = {};
  for (const [side, extra] of [
    ["spec", []],
    ["all-cached", ["--all-cached"]],
  ] as const) {
    const out = path.join(work, `headers-${side}`);
    mustSucceed(`generate ${side} headers`, regcache(ctx, ["generate", "--out", out, ...extra]));
    headers[side] = path.join(out, "c");
  }
  const flags = ["-std=gnu11", "-O2", "-DCONFIG_X86_64"];
  const inc = (...dirs: string[]) => dirs.flatMap((d) => ["-I", d]);
  const objDir = path.join(work, "obj");
  fs.mkdirSync(objDir, { recursive: true });
  const compile = (src: string, out: string, includes: readonly string[]) =>
    cc([...flags, ...includes, "-c", src, "-o", out], `compile ${src}`);
  // The simulated hardware: the hand-written table of the default spec (runtime/README.md).
  const hardware = `-DSIM_HARDWARE="${path.join(rt, "sim", "hardware", "x86-kvm-6.12.h")}"`;
  const simObjects = [...cFiles(path.join(rt, "sim")), driver].map((src) => {
    const o = path.join(objDir, `sim-${path.basename(src, ".c")}.o`);
    compile(src, o, [
      hardware,
      ...inc(headers.spec!, path.join(rt, "include"), path.join(rt, "sim")),
    ]);
    return o;
  });
  const exes: Record<string, string> = {};
  for (const [side, dir] of Object.entries(headers)) {
    const objs = [...cFiles(path.join(rt, "handlers")), abi].map((src) => {
      const o = path.join(objDir, `${side}-${path.basename(src, ".c")}.o`);
      compile(src, o, inc(dir, path.join(rt, "include")));
      return o;
    });
    exes[side] = path.join(work, `regcache-sim-${side}`);
    cc([...objs, ...simObjects, "-o", exes[side]], `link ${side}`);
  }

  log(`callgrind: ${cases} cases per handler, ${BACKENDS.length} backends, spec vs all-cached`);
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
          `callgrind ${backend} ${side} exited ${r.status}:\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-2000)}`,
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
  return { available: true, cases, flags, handlers, perCall };
}
