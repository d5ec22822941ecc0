/*
 * The simulated hardware is independent of the generator: for the
 * shipped specs it is written by hand, for any other spec read from the spec
 * file without parse/validate/model. These tests hold the sources to each
 * other and show that a generated set which calls a lazily loaded register
 * available now fails a behaviour run: the simulator's KVM side follows the
 * generated TDX_REGS_LAZY_LOAD_SET, its hardware the hand-written table.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { SHIPPED_HARDWARE } from "../../runtime/ts/hardware-tables";
import { readSpecLists, simHardwareFor } from "../helpers/hardware";
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

const specPath = (name: string) => path.join(root, "spec", `${name}.yaml`);
const fixture = (name: string) => path.join(__dirname, "fixtures", name);
const slow = 300_000;

describe("where the simulated hardware comes from", () => {
  test.each(Object.keys(SHIPPED_HARDWARE))(
    "%s: the spec file's own lists say what the hand-written table says",
    (name) => {
      const fromFile = readSpecLists(specPath(name)).hardware;
      const sorted = (t: Record<string, readonly string[]>) =>
        Object.fromEntries(Object.entries(t).map(([b, regs]) => [b, [...regs].sort()]));
      expect(sorted(fromFile)).toEqual(sorted(SHIPPED_HARDWARE[name]!));
    },
  );

  test.each([
    ["shipped spec", "spec/x86-kvm-6.12.yaml", "hand-written", specPath("x86-kvm-6.12")],
    ["other spec", "rsp-always-available.yaml", "spec file", fixture("rsp-always-available.yaml")],
  ])("%s (%s): hardware from the %s", (_kind, _label, want, file) => {
    expect(simHardwareFor(file).from).toBe(want);
  });

  test("a spec file's `available:` list becomes the complement, guards kept in the C table", () => {
    const lists = readSpecLists(fixture("tdx-extended-available.yaml"));
    expect(lists.hardware["tdx"]).toEqual(["rsp", "rip"]);
    const dir = tempDir("hardware-header");
    try {
      const define = simHardwareFor(fixture("tdx-extended-available.yaml")).cDefine(dir);
      const header = fs.readFileSync(path.join(dir, "sim_hardware.h"), "utf8");
      expect(define).toBe(`-DSIM_HARDWARE="${path.join(dir, "sim_hardware.h")}"`);
      expect(header).toContain("#define SIM_HW_LAZY_tdx (0ULL | SIM_HW_REG_RSP | SIM_HW_REG_RIP)");
      expect(header).toMatch(
        /#ifdef CONFIG_X86_64\n#define SIM_HW_REG_R8 SIM_HW_BIT\(VCPU_REGS_R8\)\n#else\n#define SIM_HW_REG_R8 0ULL\n#endif/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("behaviour on hardware that disagrees with the generated sets", () => {
  let work: string;
  let wrongTdx: DriverRun;
  let ownTruth: DriverRun;

  beforeAll(async () => {
    work = tempDir("hardware");
    const cfg = { cc: compilers().gcc, x86_64: true };
    // KVM's side (simulator and handlers) built from the mutated model's
    // output; the hardware is spec/x86-kvm-6.12.yaml's hand-written table.
    const wrong = writeHeaders(path.join(work, "wrong"), fixture("tdx-extended-available.yaml"));
    const simWrong = await buildSim(
      cfg,
      wrong,
      simHardwareFor(specPath("x86-kvm-6.12")),
      path.join(work, "sim-wrong"),
    );
    // A spec that is not shipped, run on hardware read from its own file.
    const rsp = fixture("rsp-always-available.yaml");
    const own = writeHeaders(path.join(work, "own"), rsp);
    const simOwn = await buildSim(cfg, own, simHardwareFor(rsp), path.join(work, "sim-own"));
    const [wrongExe, ownExe] = await Promise.all([
      buildDriver(cfg, simWrong, wrong, path.join(work, "wrong-driver")),
      buildDriver(cfg, simOwn, own, path.join(work, "own-driver")),
    ]);
    [wrongTdx, ownTruth] = await Promise.all([runDriver(wrongExe), runDriver(ownExe)]);
  }, slow);

  afterAll(() => {
    if (work && !process.env.REGCACHE_KEEP_TMP) fs.rmSync(work, { recursive: true, force: true });
  });

  const backend = (run: DriverRun, name: string) => run.backends.find((b) => b.backend === name)!;

  test("TDX's extended registers called available: poison on tdx, vmx and svm clean", () => {
    expect(wrongTdx.code).toBe(1);
    expect(backend(wrongTdx, "tdx").by_kind.poison).toBeGreaterThan(0);
    expect(wrongTdx.stderr).toMatch(/FAIL poison tdx\/\S+ case \d+: .*(rflags|segments)/);
    expect([backend(wrongTdx, "vmx").failures, backend(wrongTdx, "svm").failures]).toEqual([0, 0]);
  });

  test("a spec that is not shipped runs clean on hardware read from its own file", () => {
    expect({ exit: ownTruth.code, stderr: ownTruth.stderr }).toEqual({ exit: 0, stderr: "" });
    expect(ownTruth.backends.map((b) => [b.backend, b.failures])).toEqual([
      ["vmx", 0],
      ["svm", 0],
      ["tdx", 0],
    ]);
  });
});
