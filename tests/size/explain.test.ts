/*
 * --explain end to end: a ranking checked against an independent
 * measurement (the same edit written to a file and compared with --base
 * FILE), and a register the handlers never reach listed without a size. The
 * in-memory spec edit and the static look at the handlers' calls are tested
 * in tests/unit/size/inputs/sources.test.ts and
 * tests/unit/size/measure/explain.test.ts.
 */
import * as fs from "fs";
import * as path from "path";
import { withRegisterAlwaysAvailable } from "../../generator/size/inputs/sources";
import { repoRoot, runCli } from "../helpers/capture";
import { fileTempDir } from "./helpers";

describe("regcache size --explain", () => {
  const work = fileTempDir("explain");
  const real = fs.readFileSync(path.join(repoRoot, "spec", "x86-kvm-6.12.yaml"), "utf8");
  // Two lazy registers only, so the run stays small: VMX keeps RIP and RSP in the VMCS.
  const backends = real.indexOf("\nbackends:");
  const spec =
    real.slice(0, backends) + "\nbackends:\n  vmx:\n    lazy: [rip, rsp]\n  svm:\n    lazy: []\n";
  beforeAll(() => {
    fs.writeFileSync(path.join(work, "two.yaml"), spec);
    fs.writeFileSync(
      path.join(work, "rsp-available.yaml"),
      withRegisterAlwaysAvailable(spec, "rsp"),
    );
  });

  test("ranks each lazy register by the bytes making it always available saves", async () => {
    const r = await runCli(
      ["size", "--spec", "two.yaml", "--config", "gcc-O2", "--explain", "--format", "json"],
      { cwd: work },
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const explain = JSON.parse(r.stdout).explain as {
      register: string;
      lazyIn: string[];
      saved: number[];
    }[];
    expect(explain.map((e) => e.register).sort()).toEqual(["rip", "rsp"]);
    expect(explain.every((e) => e.lazyIn.join() === "vmx")).toBe(true);
    expect(explain[0].saved[0]).toBeGreaterThanOrEqual(explain[1].saved[0]);
    for (const e of explain) expect(e.saved[0]).toBeGreaterThan(0);

    // Independently: build the what-if spec from a file and compare it with the spec as base.
    const check = await runCli(
      [
        "size",
        "--spec",
        "rsp-available.yaml",
        "--base",
        "two.yaml",
        "--config",
        "gcc-O2",
        "--format",
        "json",
      ],
      { cwd: work },
    );
    expect(check.code).toBe(0);
    const delta = JSON.parse(check.stdout).configs[0].total.delta as number;
    expect(explain.find((e) => e.register === "rsp")!.saved[0]).toBe(-delta);
  });
});

describe("regcache size --explain, a register the handlers never reach", () => {
  const work = fileTempDir("explain-unreached");
  const real = fs.readFileSync(path.join(repoRoot, "spec", "x86-kvm-6.12.yaml"), "utf8");
  const backends = real.indexOf("\nbackends:");
  beforeAll(() => {
    fs.writeFileSync(
      path.join(work, "spec.yaml"),
      real.slice(0, backends) + "\nbackends:\n  vmx:\n    lazy: [rsp, segments]\n",
    );
  });

  test("is listed as not reached, with no size, after the measured ones", async () => {
    const r = await runCli(
      ["size", "--spec", "spec.yaml", "--config", "gcc-O2", "--explain", "--format", "json"],
      { cwd: work },
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const explain = JSON.parse(r.stdout).explain;
    expect(explain).toEqual([
      { register: "rsp", lazyIn: ["vmx"], reached: true, saved: [expect.any(Number)] },
      { register: "segments", lazyIn: ["vmx"], reached: false, saved: [null] },
    ]);
    expect(explain[0].saved[0]).toBeGreaterThan(0);
    const text = await runCli(["size", "--spec", "spec.yaml", "--config", "gcc-O2", "--explain"], {
      cwd: work,
    });
    expect(text.stdout).toMatch(/segments\s+vmx\s+not reached/);
    expect(text.stdout).toContain("never calls this register's cache accessors");
  });
});

describe("regcache size --explain on the default spec (Linux 7.2's shape)", () => {
  const work = fileTempDir("explain-72");
  const real = fs.readFileSync(path.join(repoRoot, "spec", "x86-kvm.yaml"), "utf8");
  // RBX and RCX lazy on VMX: the 7.2 suite reads them through the raw pair and the 32-bit pair.
  const backends = real.indexOf("\nbackends:");
  const api = real.indexOf("\napi:");
  const spec =
    real.slice(0, backends) +
    "\nbackends:\n  vmx:\n    lazy: [rbx, rcx]\n  svm:\n    lazy: []\n" +
    real.slice(api);
  beforeAll(() => fs.writeFileSync(path.join(work, "gprs.yaml"), spec));

  test("a GPR reached only through the raw pair or the 32-bit pair is measured", async () => {
    const r = await runCli(
      ["size", "--spec", "gprs.yaml", "--config", "gcc-O2", "--explain", "--format", "json"],
      { cwd: work },
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const explain = JSON.parse(r.stdout).explain as {
      register: string;
      reached: boolean;
      saved: (number | null)[];
    }[];
    expect(explain.map((e) => [e.register, e.reached]).sort()).toEqual([
      ["rbx", true],
      ["rcx", true],
    ]);
    for (const e of explain) expect(e.saved[0]).toBeGreaterThan(0);
  });
});
