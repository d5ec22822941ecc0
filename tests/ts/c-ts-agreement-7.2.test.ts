/*
 * Agreement test (a differential test) of the Linux 7.2 runtime: the C
 * driver of the 7.2 suite (runtime/test/driver_7.2.c, with runtime/sim/7.2/
 * and runtime/handlers/7.2/) and its TypeScript twin (runtime/ts/7.2/), each
 * built against the same 7.2-shaped spec's generated output (C headers,
 * registers.ts), run the same seeded cases and must agree: case by case
 * (every input and result field, the cache_reg calls, the faults by kind)
 * and on each backend's digests, on vmx, svm and tdx. Twice: with the
 * spec's output, and with its --all-cached output (the C functions against
 * the --all-cached headers, the simulator against the spec's, as the C
 * behaviour test builds them; the TypeScript runtime against the
 * --all-cached registers.ts, whose lazy sets are the spec's).
 *
 * Both sides take the one model, so this proves the two emitters and
 * runtimes agree with each other, not that the model is right: that is
 * tests/runtime/behaviour-7.2.test.ts's job, whose simulated hardware is
 * written by hand. The spec is spec/x86-kvm.yaml, in 7.2's shape, whose
 * checked-in registers.ts runtime/ts/7.2/registers.ts re-exports.
 */
import * as path from "node:path";
import { generateAll } from "../../generator/generate/produce";
import { buildDriver72, compilers, writeHeaders } from "../runtime/c-build";
import { gccAvailable, runDriver72, type CField, type Driver72Run } from "./c-driver";
import { loadRuntime72, makeTempDir, repoRoot } from "./runtime-build";

type Runtime72 = typeof import("../../runtime/ts/7.2/index");

/** Cases per function and backend: 64 function-backend pairs × this, per build. */
const CASES = Number(process.env["REGCACHE_TS_CASES"] ?? 20); // deeper runs: REGCACHE_TS_CASES=N
/** The seed of both drivers; the drivers' default unless REGCACHE_SEED gives another. */
const SEED = process.env["REGCACHE_SEED"];
const SPEC = "spec/x86-kvm.yaml";
const BACKENDS = ["vmx", "svm", "tdx"];
const BUILDS = ["spec", "all-cached"] as const;
type Build = (typeof BUILDS)[number];

const hex = (v: bigint | undefined) => (v === undefined ? "-" : `0x${v.toString(16)}`);

/** The first field that differs, as "name[index]: ts … vs c …", or undefined. */
function firstDifference(
  ts: readonly (readonly [string, readonly bigint[]])[],
  c: readonly CField[],
): string | undefined {
  for (let i = 0; i < Math.max(ts.length, c.length); i++) {
    const [tn, tv] = ts[i] ?? ["(none)", []];
    const [cn, cv] = c[i] ?? ["(none)", []];
    if (tn !== cn) return `field ${i}: ts '${tn}' vs c '${cn}'`;
    for (let k = 0; k < Math.max(tv.length, cv.length); k++)
      if (tv[k] !== cv[k]) return `${tn}[${k}]: ts ${hex(tv[k])} vs c ${hex(cv[k])}`;
  }
  return undefined;
}

interface Comparison {
  readonly mismatches: string[];
  readonly tsSummaries: ReturnType<Runtime72["runSuite"]>;
}

/** Runs the twin's suite and compares every case with the C driver's, in run order. */
function compare(runtime: Runtime72, driver: Driver72Run): Comparison {
  const mismatches: string[] = [];
  let i = 0;
  const tsSummaries = runtime.runSuite({
    cases: CASES,
    seed: BigInt(driver.header.seed),
    visit: true,
    onCase: (backend, fn, index, outcome) => {
      const c = driver.cases[i++];
      const where = `${backend}/${fn} case ${index}`;
      if (!c || c.backend !== backend || c.handler !== fn || c.index !== index) {
        mismatches.push(
          `${where}: the C driver's case is ${c ? `${c.backend}/${c.handler} case ${c.index}` : "missing"}`,
        );
        return;
      }
      const input = firstDifference(outcome.input, c.input);
      if (input) mismatches.push(`${where}: input ${input}`);
      const result = firstDifference(runtime.visitResult(outcome.case), c.result);
      if (result) mismatches.push(`${where}: result ${result}`);
      const calls = Array.from(outcome.case.sim.cacheCalls);
      if (calls.join() !== c.cacheReg.join())
        mismatches.push(`${where}: cache_reg ts [${calls}] vs c [${c.cacheReg}]`);
      const faults = outcome.faults.map(Number);
      if (faults.join() !== c.faults.join())
        mismatches.push(`${where}: faults ts [${faults}] vs c [${c.faults}]`);
    },
  });
  if (i !== driver.cases.length)
    mismatches.push(`the twin ran ${i} cases, the C driver ${driver.cases.length}`);
  return { mismatches, tsSummaries };
}

interface Prepared {
  readonly tmp: string;
  readonly registersSource: string;
  readonly runtime: Runtime72;
  readonly driver: Driver72Run;
}

/** One build: gcc and the C run go on while the TypeScript side is emitted. */
async function prepare(build: Build): Promise<Prepared> {
  const tmp = makeTempDir(`ts-diff-7.2-${build}`);
  const specPath = path.join(repoRoot, SPEC);
  const allCached = build === "all-cached";
  const simHeaders = writeHeaders(path.join(tmp, "spec-headers"), specPath);
  const handlerHeaders = allCached
    ? writeHeaders(path.join(tmp, "all-cached-headers"), specPath, true)
    : simHeaders;
  const driver = buildDriver72(
    { cc: compilers().gcc, x86_64: true },
    simHeaders,
    handlerHeaders,
    path.join(tmp, "build"),
  ).then((exe) => runDriver72(exe, ["--cases", String(CASES), ...(SEED ? ["--seed", SEED] : [])]));
  const all = await generateAll({
    specPath,
    displayPath: SPEC,
    allCached,
  });
  const ts = all.ok ? all.files.find((f) => f.path === "ts/registers.ts") : undefined;
  if (!ts) throw new Error(`${SPEC}: generateAll produced no ts/registers.ts`);
  return {
    tmp,
    registersSource: ts.contents,
    runtime: loadRuntime72<Runtime72>(ts.contents, tmp),
    driver: await driver,
  };
}

const haveGcc = gccAvailable();
const describeC = haveGcc ? describe : describe.skip;
if (!haveGcc) console.warn("C–TypeScript agreement test (7.2) skipped: gcc not found");

const prepared = new Map<Build, Promise<Prepared>>();
beforeAll(() => {
  for (const build of haveGcc ? BUILDS : []) {
    const p = prepare(build);
    p.catch(() => undefined); // reported where each describe awaits it, not as unhandled
    prepared.set(build, p);
  }
});

describeC.each(BUILDS)(
  "the 7.2 runtime's C and TypeScript builds agree case by case: %s",
  (build) => {
    let p: Prepared;

    beforeAll(async () => {
      p = await prepared.get(build)!;
    });

    it("the C driver ran every backend and function the twin has, with the twin's seed", () => {
      const { header } = p.driver;
      expect(BigInt(header.seed)).toBe(SEED ? BigInt(SEED) : p.runtime.DEFAULT_SEED);
      expect(header.x86_64).toBe(true);
      expect(header.backends.map((b) => b.name)).toEqual(BACKENDS);
      expect(header.handlers).toEqual(p.runtime.FUNCTIONS.map((f) => f.name));
      const tdx = p.runtime.FUNCTIONS.filter((f) => f.tdx).length;
      expect(p.driver.cases).toHaveLength((2 * p.runtime.FUNCTIONS.length + tdx) * CASES);
    });

    it("every case: same input from the seed, same result, cache_reg calls and faults; same digests", () => {
      const { mismatches, tsSummaries } = compare(p.runtime, p.driver);
      expect(mismatches.slice(0, 10)).toEqual([]);
      expect(mismatches).toHaveLength(0);
      const pick = (s: {
        backend: string;
        handlers: number;
        cases: number;
        results: string;
        cache_reg: string;
        failures: number;
      }) => ({
        backend: s.backend,
        handlers: s.handlers,
        cases: s.cases,
        results: s.results,
        cache_reg: s.cache_reg,
        failures: s.failures,
      });
      expect(tsSummaries.map(pick)).toEqual(p.driver.summaries.map(pick));
      expect(tsSummaries.map((s) => s.by_kind)).toEqual(p.driver.summaries.map((s) => s.by_kind));
      // Both runs clean: an agreement on failures would prove less.
      expect(p.driver.exitCode).toBe(0);
      expect(tsSummaries.map((s) => [s.backend, s.failures])).toEqual(BACKENDS.map((b) => [b, 0]));
    });
  },
);

describeC("the 7.2 differential can fail", () => {
  let p: Prepared;

  beforeAll(async () => {
    p = await prepared.get("spec")!;
  });

  it("a TypeScript 32-bit write that keeps the high half differs from C at the first case that writes one", () => {
    const from = "vcpu.arch.regs[Reg.RAX] = BigInt.asUintN(32, value);";
    expect(p.registersSource).toContain(from);
    const broken = loadRuntime72<Runtime72>(
      p.registersSource.replace(
        from,
        "vcpu.arch.regs[Reg.RAX] = (vcpu.arch.regs[Reg.RAX]! & ~0xffffffffn) | BigInt.asUintN(32, value);",
      ),
      p.tmp,
    );
    const { mismatches } = compare(broken, p.driver);
    expect(mismatches.length).toBeGreaterThan(0);
    // The cpuid exit writes EAX first; the case's result shows RAX's high half kept.
    expect(mismatches[0]).toMatch(
      /^vmx\/kvm_emulate_cpuid case \d+: result hw\[0\]: ts 0x[0-9a-f]+ vs c 0x[0-9a-f]+$/,
    );
  });

  it("the twin's own checks: RSP read from regs where VMX loads it lazily is poison", () => {
    const from = "return registerReadRaw(vcpu, Reg.RSP);";
    expect(p.registersSource).toContain(from);
    const broken = loadRuntime72<Runtime72>(
      p.registersSource.replace(from, "return vcpu.arch.regs[Reg.RSP]!;"),
      p.tmp,
    );
    const [vmx] = broken.runSuite({ cases: CASES, backend: "vmx", function: "__get_regs" });
    expect(vmx?.failures).toBe(CASES);
    expect(vmx?.by_kind.poison).toBe(CASES);
    const [svm] = broken.runSuite({ cases: CASES, backend: "svm", function: "__get_regs" });
    expect(svm?.failures).toBe(0);
  });
});
