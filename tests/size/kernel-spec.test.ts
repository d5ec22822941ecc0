/*
 * A kernel spec writes only the kernel's block, which the handler suite
 * cannot include: `regcache size` refuses it up front (RC660, exit 2) instead
 * of failing a compile. The runtime has one handler suite per accessor shape
 * (runtime/handlers/ for 6.x's, runtime/handlers/7.2/ for 7.2's mode-aware
 * families): the head spec's shape picks it, and a base of the other shape is
 * refused the same way (RC661).
 */
import { runCli } from "../helpers/capture";

test.each([
  ["as the spec", ["--spec", "spec/linux-6.1.yaml"], "spec/linux-6.1.yaml"],
  ["as the base", ["--base", "spec/linux-6.12.yaml"], "spec/linux-6.12.yaml"],
])("a kernel spec %s is RC660, exit 2, before any compile", async (_name, args, named) => {
  const r = await runCli(["size", "--config", "gcc-O2", ...args]);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toContain(`error RC660: ${named} writes no C target`);
  expect(r.stderr).not.toContain("compile failed");
  // The way to measure a kernel spec: on a built tree.
  expect(r.stderr).toContain("with --compile-commands FILE");
});

test.each([
  [
    "a 6.x-shaped base under the default (7.2-shaped) spec",
    ["--base", "spec/x86-kvm-6.12.yaml"],
    "spec/x86-kvm.yaml has Linux 7.2's (gpr_family: mode_aware) accessors and the base spec/x86-kvm-6.12.yaml Linux 6.x's",
  ],
  [
    "a 7.2-shaped base under a 6.x-shaped spec",
    ["--spec", "spec/x86-kvm-6.12.yaml", "--base", "spec/x86-kvm.yaml"],
    "spec/x86-kvm-6.12.yaml has Linux 6.x's accessors and the base spec/x86-kvm.yaml Linux 7.2's (gpr_family: mode_aware)",
  ],
])("%s is RC661, exit 2, before any compile", async (_name, args, message) => {
  const r = await runCli(["size", "--config", "gcc-O2", ...args]);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toContain(`error RC661: ${message}`);
  expect(r.stderr).not.toContain("compile failed");
});

test.each([
  ["the default spec (Linux 7.2's shape)", [], "runtime/handlers/7.2/"],
  ["a 6.x-shaped spec", ["--spec", "spec/x86-kvm-6.12.yaml"], "runtime/handlers/"],
])("%s is measured with the suite of its shape", async (_name, args, suite) => {
  const r = await runCli(["size", "--config", "gcc-O2", "--format", "json", ...args]);
  expect(r.code).toBe(0);
  const names = (
    JSON.parse(r.stdout) as { configs: { functions: { name: string }[] }[] }
  ).configs.flatMap((c) => c.functions.map((f) => f.name));
  // Each suite's own name for the MSR read exit: 7.2's kvm_emulate_rdmsr, 6.x's rdmsr_interception.
  const seven = suite === "runtime/handlers/7.2/";
  expect(names.includes("kvm_emulate_rdmsr")).toBe(seven);
  expect(names.includes("rdmsr_interception")).toBe(!seven);
});
