/*
 * A real kernel: prepares (or finds) the cached Debian 6.1 tree
 * (tests/kernel/prepare.js), then runs kernel-measure.ts on it under the
 * machine-wide kernel build lock, so no other kernel build shares the CPUs
 * while it is timed (the wait for the lock is not timed). Edge: spawns
 * processes.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { log, ROOT, type BenchContext } from "./common";
import type { KernelMeasured, KernelMeasurement, NotMeasured } from "./results";

export function benchKernel(ctx: BenchContext): KernelMeasured | NotMeasured {
  if (!fs.existsSync(path.join(ROOT, "spec", "linux-6.1.yaml")))
    return { available: false, reason: "spec/linux-6.1.yaml is missing" };
  log("kernel: preparing the Debian 6.1 tree (tests/kernel/prepare.js)");
  const prepared = spawnSync("node", [path.join(ROOT, "tests", "kernel", "prepare.js"), "6.1"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (prepared.status !== 0)
    return { available: false, reason: "the 6.1 tree could not be prepared" };
  const treeFile = path.join(ctx.work, "tree.json");
  fs.writeFileSync(treeFile, prepared.stdout.trim().split("\n")[0] ?? "");
  const tree = JSON.parse(fs.readFileSync(treeFile, "utf8")) as { compileCommands: string };
  const lock =
    process.env["REGCACHE_KERNEL_LOCK"] ||
    path.join(
      process.env["REGCACHE_KERNEL_CACHE"] ||
        path.join(os.homedir(), ".cache", "regcache", "kernels"),
      "build.lock",
    );
  const out = path.join(ctx.work, "kernel.json");
  const r = spawnSync(
    "flock",
    [lock, process.execPath, path.join(__dirname, "kernel-measure.js"), treeFile, out],
    { encoding: "utf8", stdio: ["ignore", "inherit", "inherit"] },
  );
  if (r.status !== 0)
    return { available: false, reason: `bench/kernel-measure.ts exited ${r.status}` };
  const res = JSON.parse(fs.readFileSync(out, "utf8")) as KernelMeasurement;
  return { available: true, ...res, tree: res.tree ?? tree.compileCommands };
}
