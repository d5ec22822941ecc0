/*
 * --explain: the in-memory spec edit, and an end-to-end ranking checked
 * against an independent measurement (the same edit written to a file and
 * compared with --base FILE).
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { loadModel } from "../../generator/generate/produce";
import { registersReached } from "../../generator/size/measure/explain";
import { withRegisterAlwaysAvailable } from "../../generator/size/inputs/sources";
import { repoRoot, runCli } from "../helpers/capture";
import { fileTempDir } from "./helpers";

describe("withRegisterAlwaysAvailable", () => {
  const spec = [
    "# a comment that must survive",
    "backends:",
    "  vmx: { lazy: [rip, rsp, pdptr] }",
    "  svm:",
    "    lazy:",
    "      - pdptr",
    "  tdx: { available: [rax, rbx] }",
    "",
  ].join("\n");

  test.each([
    ["rsp", ["rip", "pdptr"], ["pdptr"], ["rax", "rbx", "rsp"]],
    ["pdptr", ["rip", "rsp"], [], ["rax", "rbx", "pdptr"]],
    ["rax", ["rip", "rsp", "pdptr"], ["pdptr"], ["rax", "rbx"]],
  ])("%s leaves every lazy list and joins every available list", (register, vmx, svm, tdx) => {
    const edited = withRegisterAlwaysAvailable(spec, register);
    const doc = parseYaml(edited);
    expect(doc.backends.vmx.lazy).toEqual(vmx);
    expect(doc.backends.svm.lazy).toEqual(svm);
    expect(doc.backends.tdx.available).toEqual(tdx);
    expect(edited).toContain("# a comment that must survive");
  });
});

describe("regcache size --explain", () => {
  const work = fileTempDir("explain");
  const real = fs.readFileSync(path.join(repoRoot, "spec", "x86-kvm.yaml"), "utf8");
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

describe("registersReached: a static look at the handlers' calls", () => {
  const loaded = loadModel({ specPath: path.join(repoRoot, "spec", "linux-6.12.yaml") });
  if (!loaded.ok) throw new Error("spec/linux-6.12.yaml does not load");
  const model = loaded.model;
  const all = ["rip", "rsp", "rax", "rdx", "pdptr", "cr0", "cr3", "rflags"];
  const reached = (text: string) =>
    [...registersReached(model, all, [{ path: "h.c", text }])].sort();

  test.each([
    ["a GPR's reader", "x = kvm_rip_read(vcpu);", ["rip"]],
    ["a GPR's writer", "kvm_rsp_write (vcpu, 1);", ["rsp"]],
    ["kvm_read_edx_eax reads RAX and RDX", "u64 v = kvm_read_edx_eax(vcpu);", ["rax", "rdx"]],
    ["an extended register's reader", "if (kvm_is_cr0_bit_set(vcpu, X86_CR0_WP))", ["cr0"]],
    ["a comment or a string is no call", '/* kvm_read_cr3(vcpu) */ s = "kvm_pdptr_read(";', []],
    ["a longer name is another function", "kvm_rip_read_twice(vcpu);", []],
    ["a register without accessors is never reached", "kvm_get_rflags(vcpu);", []],
  ])("%s", (_name, text, want) => {
    expect(reached(text)).toEqual([...want].sort());
  });
});

describe("regcache size --explain, a register the handlers never reach", () => {
  const work = fileTempDir("explain-unreached");
  const real = fs.readFileSync(path.join(repoRoot, "spec", "x86-kvm.yaml"), "utf8");
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
