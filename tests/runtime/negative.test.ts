/*
 * The behaviour tests can fail: handlers built against a spec that wrongly
 * declares RSP always available (tests/runtime/fixtures/) run on a simulated
 * machine that follows spec/x86-kvm-6.12.yaml, where VMX and TDX load RSP lazily.
 * The driver must report the stale RSP it hands out and the RSP writes that
 * never reach the VMCS, on vmx and tdx but not on svm (which really does
 * keep RSP in regs[]), and the results must differ from an --all-cached
 * build exactly there.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  buildDriver,
  buildSim,
  compilers,
  root,
  runDriver,
  tempDir,
  writeHeaders,
  type DriverRun,
} from "./c-build";
import { simHardwareFor } from "../helpers/hardware";

let work: string;
let wrong: DriverRun;
let wrongTraced: DriverRun;
let allCached: DriverRun;

// Builds and runs share two cores with the rest of the suite.
const slow = 300_000;

beforeAll(async () => {
  work = tempDir("negative");
  const truth = writeHeaders(path.join(work, "x86-kvm"), path.join(root, "spec", "x86-kvm-6.12.yaml"));
  const cached = writeHeaders(
    path.join(work, "x86-kvm-all-cached"),
    path.join(root, "spec", "x86-kvm-6.12.yaml"),
    true,
  );
  const fixture = writeHeaders(
    path.join(work, "fixture"),
    path.join(__dirname, "fixtures", "rsp-always-available.yaml"),
  );
  const cfg = { cc: compilers().gcc, x86_64: true };
  const hardware = simHardwareFor(path.join(root, "spec", "x86-kvm-6.12.yaml"));
  const sim = await buildSim(cfg, truth, hardware, path.join(work, "sim"));
  const [wrongExe, cachedExe] = await Promise.all([
    buildDriver(cfg, sim, fixture, path.join(work, "wrong")),
    buildDriver(cfg, sim, cached, path.join(work, "all-cached")),
  ]);
  [wrong, wrongTraced, allCached] = await Promise.all([
    runDriver(wrongExe),
    runDriver(wrongExe, ["--trace-reads"]),
    runDriver(cachedExe, ["--trace-reads"]),
  ]);
}, slow);

afterAll(() => {
  if (work && !process.env.REGCACHE_KEEP_TMP) fs.rmSync(work, { recursive: true, force: true });
});

const backend = (run: DriverRun, name: string) => run.backends.find((b) => b.backend === name)!;

test("the fixture really makes RSP's accessors direct", () => {
  const header = fs.readFileSync(path.join(work, "fixture", "c", "kvm_cache_regs.h"), "utf8");
  const cachedBlock = header.slice(header.indexOf("BUILD_KVM_CACHED_GPR_ACCESSORS(lname"));
  expect(header).toMatch(/BUILD_KVM_GPR_ACCESSORS\(rsp, RSP\)/);
  expect(cachedBlock).not.toMatch(/\(rsp, RSP\)/);
});

test("a stale RSP and lost RSP writes fail the run on vmx and tdx", () => {
  expect(wrong.code).toBe(1);
  for (const name of ["vmx", "tdx"]) {
    const b = backend(wrong, name);
    expect({ name, poison: b.by_kind.poison > 0, lostWrite: b.by_kind["lost-write"] > 0 }).toEqual({
      name,
      poison: true,
      lostWrite: true,
    });
  }
  expect(wrong.stderr).toMatch(
    /FAIL poison vmx\/__get_regs case \d+: stale value 0x[0-9a-f]+ of rsp/,
  );
  expect(wrong.stderr).toMatch(/FAIL lost-write vmx\/__set_regs case \d+: .*\(rsp\)/);
});

test("svm, which does keep RSP in regs[], is unaffected", () => {
  expect(backend(wrong, "svm").failures).toBe(0);
});

test("tracing reads catches accessors that skip the cache", () => {
  // --trace-reads is meant for --all-cached builds; a direct accessor reads
  // poison in its all-lazy first run, so a build with any is refused.
  const traced = backend(wrongTraced, "svm");
  expect(wrongTraced.code).toBe(1);
  expect(traced.by_kind["trace-result"]).toBeGreaterThan(0);
  expect(backend(allCached, "svm").failures).toBe(0);
});

test("the results differ from the --all-cached build where the spec is wrong", () => {
  expect(allCached.code).toBe(0);
  for (const name of ["vmx", "tdx"]) {
    expect(backend(wrong, name).results).not.toBe(backend(allCached, name).results);
  }
  expect(backend(wrong, "svm").results).toBe(backend(allCached, "svm").results);
});
