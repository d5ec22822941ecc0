/*
 * A kernel spec writes only the kernel's block, which the handler suite
 * cannot include: `regcache size` refuses it up front (RC660, exit 2) instead
 * of failing a compile. So is a spec with Linux 7.2's GPR family (RC661): the
 * c target writes it, but the handler suite calls 6.x's accessors.
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
  ["as the spec", ["--spec", "tests/core/fixtures/x86-kvm-7.2.yaml"]],
  ["as the base", ["--base", "tests/core/fixtures/x86-kvm-7.2.yaml"]],
])("a c spec in Linux 7.2's shape %s is RC661, exit 2, before any compile", async (_name, args) => {
  const r = await runCli(["size", "--config", "gcc-O2", ...args]);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toContain(
    "error RC661: tests/core/fixtures/x86-kvm-7.2.yaml has gpr_family: mode_aware",
  );
  expect(r.stderr).not.toContain("compile failed");
});
