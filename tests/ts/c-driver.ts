/*
 * The C behaviour-test drivers (runtime/test/driver.c, and driver_7.2.c for
 * the Linux 7.2 suite) as the C–TypeScript agreement tests use them: built
 * with gcc against one spec's generated headers, run with --json, their
 * lines parsed into ordered fields. Fields are kept in the
 * driver's visit order (JSON.parse would keep them too, but the order is the
 * contract the TypeScript twin mirrors).
 */
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "./runtime-build";

export interface DriverHeader {
  readonly seed: string;
  readonly cases: number;
  readonly config_x86_64: boolean;
  readonly nr_vcpu_regs: number;
  readonly nr_reg_bits: number;
  readonly poison_base: string;
  /** lazy/avail: the simulated hardware's; kvm_lazy/kvm_avail: the generated sets. */
  readonly backends: readonly {
    name: string;
    lazy: string;
    avail: string;
    kvm_lazy: string;
    kvm_avail: string;
  }[];
  readonly handlers: readonly string[];
}

/** One field of a case or result: its name and u64 values, in the driver's visit order. */
export type CField = readonly [name: string, values: readonly bigint[]];

export interface DriverCase {
  readonly backend: string;
  readonly handler: string;
  readonly index: number;
  readonly input: readonly CField[];
  readonly result: readonly CField[];
  readonly cacheReg: readonly number[];
}

export function gccAvailable(): boolean {
  try {
    execFileSync("gcc", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const execFileAsync = promisify(execFile);

/**
 * Compiles the driver, simulator and handlers against headerDir (generated
 * c/), the simulator with the hardware table that `hardwareDefine` names.
 */
export async function buildDriver(
  headerDir: string,
  hardwareDefine: string,
  outFile: string,
): Promise<void> {
  const rt = (...p: string[]) => path.join(repoRoot, "runtime", ...p);
  const dirC = (sub: string) =>
    fs
      .readdirSync(rt(sub))
      .filter((f) => f.endsWith(".c"))
      .sort()
      .map((f) => rt(sub, f));
  await execFileAsync(
    "gcc",
    [
      "-std=gnu11",
      "-O2",
      "-DCONFIG_X86_64",
      hardwareDefine,
      `-I${headerDir}`,
      `-I${rt("include")}`,
      `-I${rt("sim")}`,
      "-o",
      outFile,
      ...dirC("sim"),
      ...dirC("handlers"),
      // the driver and its ABI probe; accessors.c and families.c are programs of their own
      path.join(rt("test"), "driver.c"),
      path.join(rt("test"), "abi.c"),
    ],
    { maxBuffer: 1 << 24 },
  );
}

const FIELD = /"([a-z_0-9]+)":(\[[^\]]*\]|"[^"]*")/g;

function fieldsOf(objectText: string): CField[] {
  const out: CField[] = [];
  for (const m of objectText.matchAll(FIELD)) {
    const raw = m[2]!;
    const values = raw.startsWith("[")
      ? (JSON.parse(raw) as string[]).map((v) => BigInt(v))
      : [BigInt(JSON.parse(raw) as string)];
    out.push([m[1]!, values]);
  }
  return out;
}

/** Splits `…"input":{…},"result":{…},"cache_reg":[…]}` without losing repeated keys. */
function parseCase(line: string): DriverCase {
  const head = JSON.parse(line.replace(/,"input":.*$/, "}")) as {
    backend: string;
    handler: string;
    case: number;
  };
  const input = /"input":\{([^}]*)\}/.exec(line)?.[1];
  const result = /"result":\{([^}]*)\}/.exec(line)?.[1];
  const cacheReg = /"cache_reg":(\[[^\]]*\])/.exec(line)?.[1];
  if (input === undefined || result === undefined || cacheReg === undefined)
    throw new Error(`unexpected driver line: ${line.slice(0, 200)}`);
  return {
    backend: head.backend,
    handler: head.handler,
    index: head.case,
    input: fieldsOf(input),
    result: fieldsOf(result),
    cacheReg: JSON.parse(cacheReg) as number[],
  };
}

/** A backend's summary line: the digests over every case, the failures the C checks found. */
export interface DriverSummary {
  readonly backend: string;
  readonly cases: number;
  readonly results: string;
  readonly cache_reg: string;
  readonly failures: number;
}

export interface DriverRun {
  readonly header: DriverHeader;
  readonly cases: DriverCase[];
  readonly summaries: DriverSummary[];
}

/** A case of driver_7.2 --json: DriverCase's fields and its faults by kind. */
export interface Driver72Case extends DriverCase {
  readonly faults: readonly number[];
}

/** A backend line of driver_7.2 --json (the --json-summary line). */
export interface Driver72Summary extends DriverSummary {
  readonly handlers: number;
  readonly by_kind: Record<string, number>;
}

export interface Driver72Run {
  readonly header: {
    readonly seed: string;
    readonly cases: number;
    readonly x86_64: boolean;
    readonly nr_regs: number;
    readonly backends: readonly { name: string }[];
    readonly handlers: readonly string[];
  };
  readonly cases: Driver72Case[];
  readonly summaries: Driver72Summary[];
  readonly exitCode: number;
}

/**
 * Runs the Linux 7.2 driver (runtime/test/driver_7.2.c, built by
 * buildDriver72 in tests/runtime/c-build.ts) with --json: its run header,
 * every case and every backend's summary. A run whose checks failed (exit
 * 1) is returned too; any other exit is an error.
 */
export async function runDriver72(exe: string, args: readonly string[]): Promise<Driver72Run> {
  let stdout: string;
  let exitCode = 0;
  try {
    ({ stdout } = await execFileAsync(exe, ["--json", ...args], {
      encoding: "utf8",
      maxBuffer: 1 << 30,
    }));
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    if (err.code !== 1 || err.stdout === undefined) throw e;
    stdout = err.stdout;
    exitCode = 1;
  }
  let header: Driver72Run["header"] | undefined;
  const cases: Driver72Case[] = [];
  const summaries: Driver72Summary[] = [];
  for (const line of stdout.split("\n")) {
    if (line.startsWith('{"type":"run"')) header = JSON.parse(line) as Driver72Run["header"];
    else if (line.startsWith('{"type":"case"')) {
      const faults = /"faults":(\[[^\]]*\])/.exec(line)?.[1];
      if (faults === undefined) throw new Error(`no faults in: ${line.slice(0, 200)}`);
      cases.push({ ...parseCase(line), faults: JSON.parse(faults) as number[] });
    } else if (line.startsWith('{"type":"backend"'))
      summaries.push(JSON.parse(line) as Driver72Summary);
  }
  if (!header) throw new Error("driver_7.2 printed no run header");
  return { header, cases, summaries, exitCode };
}

export async function runDriver(exe: string, args: readonly string[]): Promise<DriverRun> {
  const { stdout } = await execFileAsync(exe, ["--json", ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  let header: DriverHeader | undefined;
  const cases: DriverCase[] = [];
  const summaries: DriverSummary[] = [];
  for (const line of stdout.split("\n")) {
    if (line.startsWith('{"type":"run"')) header = JSON.parse(line) as DriverHeader;
    else if (line.startsWith('{"type":"case"')) cases.push(parseCase(line));
    else if (line.startsWith('{"type":"backend"'))
      summaries.push(JSON.parse(line) as DriverSummary);
  }
  if (!header) throw new Error("the C driver printed no run header");
  return { header, cases, summaries };
}
