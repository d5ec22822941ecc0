/*
 * Building and running the C runtime from tests: generate headers into a
 * temp dir through the generator's API, compile the handler side and the
 * simulator side (possibly against different headers), link, run the
 * driver. Nothing is written inside the repository.
 */
import { execFile } from "node:child_process";
import { tempDir as sharedTempDir } from "../helpers/temp";
import { onPath } from "../helpers/capture";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generate } from "../../generator/generate/produce";
import type { SimHardwareSource } from "../helpers/hardware";

export const root = path.resolve(__dirname, "../..");
export const runtimeDir = path.join(root, "runtime");

/** The seed every run uses unless REGCACHE_SEED overrides it. */
export const seed = process.env.REGCACHE_SEED ?? "0x5eed2019c0ffee01";
/**
 * 1,000 cases per handler and backend: 19,000 per backend, above the 10,000
 * the behaviour test promises, at a tenth of the driver's default run time.
 * REGCACHE_CASES raises it for a deeper run.
 */
export const casesPerHandler = Number(process.env.REGCACHE_CASES ?? 1000);

export const warnings = ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror"];
export const kernelFlags = [
  "-O2",
  "-fno-pic",
  "-mcmodel=kernel",
  "-mno-red-zone",
  "-fno-stack-protector",
];
export const sanitizeFlags = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-g"];

export interface Compiler {
  readonly name: string;
  readonly retpoline: readonly string[];
}

/** gcc always; clang-19 or else clang when installed. */
export function compilers(): { gcc: Compiler; clang?: Compiler } {
  const gcc = {
    name: "gcc",
    retpoline: ["-mindirect-branch=thunk-extern", "-mindirect-branch-register"],
  };
  const clangName = ["clang-19", "clang"].find(onPath);
  const clang = clangName
    ? { name: clangName, retpoline: ["-mretpoline-external-thunk"] }
    : undefined;
  return { gcc, clang };
}

export function tempDir(tag: string): string {
  return sharedTempDir(`runtime-${tag}`);
}

/** Generates a spec's headers below `dir` (as dir/c/*.h) and returns dir. */
export function writeHeaders(dir: string, specPath: string, allCached = false): string {
  const result = generate({ specPath, allCached });
  if (!result.ok) {
    throw new Error(`cannot generate ${specPath}: ${JSON.stringify(result.diagnostics, null, 2)}`);
  }
  for (const file of result.files) {
    const target = path.join(dir, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.contents);
  }
  return dir;
}

const handlerSources = () =>
  fs
    .readdirSync(path.join(runtimeDir, "handlers"))
    .filter((f) => f.endsWith(".c"))
    .sort()
    .map((f) => path.join(runtimeDir, "handlers", f));
const simSources = () => [
  ...fs
    .readdirSync(path.join(runtimeDir, "sim"))
    .filter((f) => f.endsWith(".c"))
    .sort()
    .map((f) => path.join(runtimeDir, "sim", f)),
  path.join(runtimeDir, "test", "driver.c"),
];

/** At most one compiler per core at a time, across all builds of a test file. */
const slots = Math.max(1, os.cpus().length);
let running = 0;
const waiting: (() => void)[] = [];

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function run(cmd: string, args: readonly string[], cwd?: string): Promise<RunResult> {
  if (running >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await new Promise((resolve) => {
      execFile(cmd, args, { cwd, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 127) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  } finally {
    running--;
    waiting.shift()?.();
  }
}

async function mustRun(cmd: string, args: readonly string[], cwd?: string): Promise<void> {
  const r = await run(cmd, args, cwd);
  if (r.code !== 0) {
    throw new Error(`${cmd} ${args.join(" ")}\nexit ${r.code}\n${r.stderr}${r.stdout}`);
  }
}

async function compileGroup(
  cc: Compiler,
  flags: readonly string[],
  includes: readonly string[],
  sources: readonly string[],
  outDir: string,
): Promise<string[]> {
  fs.mkdirSync(outDir, { recursive: true });
  await mustRun(
    cc.name,
    [...flags, ...includes.flatMap((d) => ["-I", d]), "-c", ...sources],
    outDir,
  );
  return sources.map((s) => path.join(outDir, path.basename(s, ".c") + ".o"));
}

export interface SimObjects {
  readonly objects: readonly string[];
}

export interface BuildConfig {
  readonly cc: Compiler;
  readonly x86_64: boolean;
  readonly sanitize?: boolean;
  /** cache_reg as a static call (a direct call chosen at build time) rather than through the ops pointer. */
  readonly staticCall?: boolean;
}

function cflags(cfg: BuildConfig): string[] {
  return [
    ...warnings,
    ...(cfg.x86_64 ? ["-DCONFIG_X86_64"] : []),
    ...(cfg.staticCall ? ["-DREGCACHE_STATIC_CALL"] : []),
    ...(cfg.sanitize ? sanitizeFlags : []),
  ];
}

/**
 * The simulator and driver, built against the headers of the spec that
 * describes the simulated hardware, with that spec's hardware table
 * (hand-written or read from the spec file, never generated).
 */
export async function buildSim(
  cfg: BuildConfig,
  hwHeaders: string,
  hardware: SimHardwareSource,
  outDir: string,
): Promise<SimObjects> {
  const objects = await compileGroup(
    cfg.cc,
    [...cflags(cfg), hardware.cDefine(outDir)],
    [path.join(hwHeaders, "c"), path.join(runtimeDir, "include"), path.join(runtimeDir, "sim")],
    simSources(),
    outDir,
  );
  return { objects };
}

/** The handlers (and the ABI probe) against the headers under test, linked with a simulator. */
export async function buildDriver(
  cfg: BuildConfig,
  sim: SimObjects,
  handlerHeaders: string,
  outDir: string,
): Promise<string> {
  const objects = await compileGroup(
    cfg.cc,
    cflags(cfg),
    [path.join(handlerHeaders, "c"), path.join(runtimeDir, "include")],
    [...handlerSources(), path.join(runtimeDir, "test", "abi.c")],
    outDir,
  );
  const exe = path.join(outDir, "regcache-sim");
  await mustRun(cfg.cc.name, [
    ...(cfg.sanitize ? sanitizeFlags : []),
    ...objects,
    ...sim.objects,
    "-o",
    exe,
  ]);
  return exe;
}

/**
 * The accessor probe (runtime/test/accessors.c) with the simulator and the
 * handlers (which the stand-ins reach), all against one spec's headers.
 */
export async function buildAccessorProbe(
  cfg: BuildConfig,
  headers: string,
  hardware: SimHardwareSource,
  outDir: string,
): Promise<string> {
  const sources = [
    ...simSources().filter((s) => path.basename(s) !== "driver.c"),
    ...handlerSources(),
    path.join(runtimeDir, "test", "accessors.c"),
  ];
  const objects = await compileGroup(
    cfg.cc,
    [...cflags(cfg), hardware.cDefine(outDir)],
    [path.join(headers, "c"), path.join(runtimeDir, "include"), path.join(runtimeDir, "sim")],
    sources,
    outDir,
  );
  const exe = path.join(outDir, "accessors");
  await mustRun(cfg.cc.name, [...(cfg.sanitize ? sanitizeFlags : []), ...objects, "-o", exe]);
  return exe;
}

export interface BackendSummary {
  readonly backend: string;
  readonly handlers: number;
  readonly cases: number;
  readonly results: string;
  readonly cache_reg: string;
  readonly failures: number;
  readonly by_kind: Record<string, number>;
}

export interface DriverRun {
  readonly code: number;
  readonly stderr: string;
  readonly header: {
    seed: string;
    cases: number;
    backends: { name: string }[];
    handlers: string[];
  };
  readonly backends: readonly BackendSummary[];
}

export async function runDriver(exe: string, extra: readonly string[] = []): Promise<DriverRun> {
  const r = await run(exe, [
    "--seed",
    seed,
    "--cases",
    String(casesPerHandler),
    "--json-summary",
    ...extra,
  ]);
  const lines = r.stdout
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as { type: string });
  const header = lines.find((l) => l.type === "run") as DriverRun["header"] | undefined;
  if (!header) throw new Error(`driver printed no run header (exit ${r.code}):\n${r.stderr}`);
  return {
    code: r.code,
    stderr: r.stderr,
    header,
    backends: lines.filter((l) => l.type === "backend") as unknown as BackendSummary[],
  };
}

/**
 * The Linux 7.2 behaviour driver (runtime/test/driver_7.2.c) with its
 * simulator (runtime/sim/7.2/) against `simHeaders`, and the 7.2 handler
 * suite (runtime/handlers/7.2/) against `handlerHeaders`; both are the c
 * output of a 7.2-shaped spec. `extraFlags` go to every compile. Returns
 * the executable's path.
 */
export async function buildDriver72(
  cfg: BuildConfig,
  simHeaders: string,
  handlerHeaders: string,
  outDir: string,
  extraFlags: readonly string[] = [],
): Promise<string> {
  const cSources = (dir: string) =>
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".c"))
      .sort()
      .map((f) => path.join(dir, f));
  const simDir = path.join(runtimeDir, "sim", "7.2");
  const [simObjects, handlerObjects] = await Promise.all([
    compileGroup(
      cfg.cc,
      [...cflags(cfg), ...extraFlags],
      [path.join(simHeaders, "c"), path.join(runtimeDir, "include"), simDir],
      [...cSources(simDir), path.join(runtimeDir, "test", "driver_7.2.c")],
      path.join(outDir, "sim"),
    ),
    compileGroup(
      cfg.cc,
      [...cflags(cfg), ...extraFlags],
      [path.join(handlerHeaders, "c"), path.join(runtimeDir, "include")],
      cSources(path.join(runtimeDir, "handlers", "7.2")),
      path.join(outDir, "handlers"),
    ),
  ]);
  const exe = path.join(outDir, "driver_7.2");
  await mustRun(cfg.cc.name, [
    ...(cfg.sanitize ? sanitizeFlags : []),
    ...simObjects,
    ...handlerObjects,
    "-o",
    exe,
  ]);
  return exe;
}
