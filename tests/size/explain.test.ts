/*
 * --explain: the in-memory spec edit, and an end-to-end ranking checked
 * against an independent measurement (the same edit written to a file and
 * compared with --base FILE).
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { withRegisterAlwaysAvailable } from "../../generator/size/sources";
import { repoRoot, runCli } from "../helpers/capture";
import { tempDir } from "./helpers";

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
  const work = tempDir("explain");
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  const real = fs.readFileSync(path.join(repoRoot, "spec", "x86-kvm.yaml"), "utf8");
  // Two lazy registers only, so the run stays small: VMX keeps RIP and RSP in the VMCS.
  const backends = real.indexOf("\nbackends:");
  const spec =
    real.slice(0, backends) + "\nbackends:\n  vmx:\n    lazy: [rip, rsp]\n  svm:\n    lazy: []\n";
  fs.writeFileSync(path.join(work, "two.yaml"), spec);
  fs.writeFileSync(path.join(work, "rsp-available.yaml"), withRegisterAlwaysAvailable(spec, "rsp"));

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
