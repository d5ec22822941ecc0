/*
 * Agreement test (a differential test): the C runtime and the
 * TypeScript runtime, each built against the same spec's generated output
 * (C headers, registers.ts) and the same hand-written hardware table, run
 * the same seeded cases and must agree. Both sides take the one model, so
 * this proves the two emitters and runtimes agree with each other, not that
 * the model is right: that is the behaviour tests' job (tests/runtime/,
 * whose simulated hardware is independent of the generator) and the model
 * expectation tables' (tests/unit/core/model/build.expectations.test.ts). The C driver prints every case and
 * its result as JSON lines; the TypeScript driver makes the same case from
 * the same seed (checked field by field, so the PRNG and case layout are the
 * C's), runs it, and its result, cacheReg calls and per-backend digests must
 * equal the C driver's. For both specs, on every backend (vmx, svm, tdx).
 */
import * as path from "node:path";
import { generate, generateAll } from "../../generator/generate/produce";
import { writeFiles } from "../helpers/capture";
import { simHardwareFor, tsHardwareModule } from "../helpers/hardware";
import {
  buildDriver,
  gccAvailable,
  runDriver,
  type CField,
  type DriverCase,
  type DriverRun,
} from "./c-driver";
import {
  loadRuntime,
  makeTempDir,
  repoRoot,
  type GeneratedRegisters,
  type TsRuntime,
} from "./runtime-build";

/** Cases per handler and backend: 19 handlers × 3 backends × this, per spec. */
const CASES = Number(process.env["REGCACHE_TS_CASES"] ?? 40); // deeper runs: REGCACHE_TS_CASES=N
const SPECS = ["spec/x86-kvm-6.12.yaml", "spec/x86-kvm-v5.2.yaml"];
const BACKENDS = ["vmx", "svm", "tdx"];

const hex = (v: bigint) => `0x${v.toString(16)}`;

/** The first field that differs, as "name[index]: ts … vs c …", or undefined. */
function firstDifference(ts: readonly CField[], c: readonly CField[]): string | undefined {
  for (let i = 0; i < Math.max(ts.length, c.length); i++) {
    const [tn, tv] = ts[i] ?? ["(none)", []];
    const [cn, cv] = c[i] ?? ["(none)", []];
    if (tn !== cn) return `field ${i}: ts '${tn}' vs c '${cn}'`;
    for (let k = 0; k < Math.max(tv.length, cv.length); k++) {
      if (tv[k] !== cv[k])
        return `${tn}[${k}]: ts ${tv[k] === undefined ? "-" : hex(tv[k]!)} vs c ${cv[k] === undefined ? "-" : hex(cv[k]!)}`;
    }
  }
  return undefined;
}

interface Comparison {
  readonly mismatches: string[];
  readonly perBackend: Map<string, number>;
  readonly digests: Map<string, { results: bigint; cacheReg: bigint }>;
}

/** Replays every C case through the TypeScript runtime. */
function compare(runtime: TsRuntime, cases: readonly DriverCase[]): Comparison {
  const mismatches: string[] = [];
  const perBackend = new Map<string, number>();
  const digests = new Map<string, { results: bigint; cacheReg: bigint }>();
  for (const c of cases) {
    const where = `${c.backend}/${c.handler} case ${c.index}`;
    const b = runtime.simBackends.find((x) => x.name === c.backend);
    const h = runtime.SIM_HANDLERS.find((x) => x.name === c.handler);
    if (!b || !h) {
      mismatches.push(`${where}: unknown to the TypeScript runtime`);
      continue;
    }
    const tsCase = runtime.makeCase(b, h, runtime.DEFAULT_SEED, BigInt(c.index));
    const input = firstDifference(runtime.visitCase(tsCase), c.input);
    if (input) mismatches.push(`${where}: input ${input}`);
    const res = runtime.runCase(tsCase, b, h);
    const visited = runtime.visitResult(res);
    const result = firstDifference(visited, c.result);
    if (result) mismatches.push(`${where}: result ${result}`);
    if (res.cache_calls.join() !== c.cacheReg.join())
      mismatches.push(`${where}: cache_reg ts [${res.cache_calls}] vs c [${c.cacheReg}]`);

    perBackend.set(c.backend, (perBackend.get(c.backend) ?? 0) + 1);
    const d = digests.get(c.backend) ?? { results: 0n, cacheReg: 0n };
    digests.set(c.backend, {
      results: runtime.digestFields(d.results, visited),
      cacheReg: runtime.digestCacheCalls(d.cacheReg, res.cache_calls),
    });
  }
  return { mismatches, perBackend, digests };
}

const maskHex = (mask: Readonly<Uint32Array>): string => {
  let v = 0n;
  mask.forEach((word, i) => (v |= BigInt(word) << BigInt(32 * i)));
  return hex(v);
};

const haveGcc = gccAvailable();
const describeC = haveGcc ? describe : describe.skip;
if (!haveGcc) console.warn("C–TypeScript agreement test skipped: gcc not found");

interface Prepared {
  readonly tmp: string;
  readonly tsSource: string;
  readonly hardwareSource: string;
  readonly runtime: TsRuntime;
  readonly registers: GeneratedRegisters;
  readonly driver: DriverRun;
}

/** One spec's two builds; gcc and the C run go on while the TypeScript side is emitted. */
async function prepare(spec: string): Promise<Prepared> {
  const tmp = makeTempDir("ts-diff");
  const c = generate({ specPath: path.join(repoRoot, spec), displayPath: spec });
  if (!c.ok) throw new Error(`${spec} should generate`);
  writeFiles(tmp, c.files);
  const hardware = simHardwareFor(path.join(repoRoot, spec));
  const hardwareSource = tsHardwareModule(hardware.table);
  const exe = path.join(tmp, "driver");
  const driver = buildDriver(path.join(tmp, "c"), hardware.cDefine(tmp), exe).then(() =>
    runDriver(exe, ["--cases", String(CASES)]),
  );
  const all = await generateAll({ specPath: path.join(repoRoot, spec), displayPath: spec });
  const ts = all.ok ? all.files.find((f) => f.path === "ts/registers.ts") : undefined;
  if (!ts) throw new Error(`${spec}: generateAll produced no ts/registers.ts`);
  return {
    tmp,
    tsSource: ts.contents,
    hardwareSource,
    ...loadRuntime(ts.contents, hardwareSource, tmp),
    driver: await driver,
  };
}

const prepared = new Map<string, Promise<Prepared>>();
beforeAll(() => {
  for (const spec of haveGcc ? SPECS : []) {
    const p = prepare(spec);
    p.catch(() => undefined); // reported where each describe awaits it, not as unhandled
    prepared.set(spec, p);
  }
});

describeC.each(SPECS)("one model's C and TypeScript builds agree case by case: %s", (spec) => {
  let tmp: string;
  let hardwareSource: string;
  let runtime: TsRuntime;
  let registers: GeneratedRegisters;
  let driver: DriverRun;
  let summary: DriverRun["summaries"];
  let tsSource: string;

  beforeAll(async () => {
    ({ tmp, runtime, registers, driver, tsSource, hardwareSource } = await prepared.get(spec)!);
    summary = driver.summaries;
  });

  it("the C driver ran every backend with the printed seed", () => {
    expect(driver.header.seed).toBe(hex(runtime.DEFAULT_SEED));
    expect(driver.header.config_x86_64).toBe(true);
    expect(driver.header.backends.map((b) => b.name)).toEqual(BACKENDS);
    expect(driver.header.handlers).toEqual(runtime.SIM_HANDLERS.map((h) => h.name));
    expect(driver.cases).toHaveLength(BACKENDS.length * runtime.SIM_HANDLERS.length * CASES);
  });

  it("registers.ts has the C enum's size and every backend's C masks", () => {
    expect(registers.NR_VCPU_REGS).toBe(driver.header.nr_vcpu_regs);
    expect(registers.NR_KVM_REG_BITS).toBe(driver.header.nr_reg_bits);
    for (const b of driver.header.backends) {
      const name = b.name as (typeof registers.BACKENDS)[number];
      expect([name, maskHex(registers.REGS_LAZY_LOAD_SET[name])]).toEqual([name, b.kvm_lazy]);
      expect([name, maskHex(registers.REGS_AVAIL_SET[name])]).toEqual([name, b.kvm_avail]);
    }
  });

  it("the C and TypeScript hand-written hardware tables say the same", () => {
    const ts = runtime.simBackends.map((b) => [b.name, maskHex(b.lazy), maskHex(b.avail)]);
    const c = driver.header.backends.map((b) => [b.name, b.lazy, b.avail]);
    expect(ts).toEqual(c);
  });

  it("every case: same input from the seed, same result, same cacheReg calls", () => {
    const { mismatches, perBackend, digests } = compare(runtime, driver.cases);
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(mismatches).toHaveLength(0);
    for (const b of BACKENDS)
      expect([b, perBackend.get(b)]).toEqual([b, runtime.SIM_HANDLERS.length * CASES]);
    // The digests the C driver prints fold every result in order: same port, same bytes.
    for (const s of summary) {
      const d = digests.get(s.backend)!;
      expect([s.backend, d.results.toString(16).padStart(16, "0")]).toEqual([s.backend, s.results]);
      expect([s.backend, d.cacheReg.toString(16).padStart(16, "0")]).toEqual([
        s.backend,
        s.cache_reg,
      ]);
      expect(s.failures).toBe(0);
    }
    console.log(
      `${spec}: seed ${driver.header.seed}, ${[...perBackend].map(([b, n]) => `${b} ${n}`).join(", ")} cases identical in C and TypeScript`,
    );
  });

  it("the TypeScript runtime's own checks find no poison, lost write or stray cacheReg", () => {
    const summaries = runtime.runSuite({ cases: 10 });
    expect(summaries.map((s) => s.backend)).toEqual(BACKENDS);
    for (const s of summaries)
      expect([s.backend, s.failures]).toEqual([
        s.backend,
        { poison: 0, "lost-write": 0, "cache_reg-available": 0, "cache_reg-twice": 0 },
      ]);
  });

  it("can fail: RSP read directly where VMX loads it lazily gives poison and differs from C", () => {
    // The cached pair: kvm_register_read, or the raw one where the spec's api asks for it.
    const cached = /return registerRead(Raw)?\(vcpu, Reg\.RSP\);/.exec(tsSource)?.[0] ?? "(none)";
    expect(tsSource).toContain(cached);
    const wrong = tsSource.replace(cached, "return vcpu.arch.regs[Reg.RSP]!;");
    const broken = loadRuntime(wrong, hardwareSource, tmp).runtime;
    const vmxGetRegs = driver.cases.filter(
      (c) => c.backend === "vmx" && c.handler === "__get_regs",
    );
    const { mismatches } = compare(broken, vmxGetRegs);
    expect(mismatches.length).toBeGreaterThan(0);
    expect(mismatches.join("\n")).toMatch(/regs_out\[6\]: ts 0xbadc0ffee0dd0004 vs c 0x/);
    const [vmx] = broken.runSuite({ cases: 10, backend: "vmx", handler: "__get_regs" });
    // Not every case: one whose emulator writeback rewrites RSP first reads no poison.
    expect(vmx?.failures.poison).toBeGreaterThan(0);
  });
});
