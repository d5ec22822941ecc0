/*
 * A kernel spec writes only the kernel's block, which the handler suite
 * cannot include: `regcache size` refuses it up front (RC660, exit 2) instead
 * of failing a compile.
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
