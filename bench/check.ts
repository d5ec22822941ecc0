/*
 * `regcache check` on the default spec against a bare `node -e 0`, as users
 * run it: in the checkout, on an output directory in step with the spec. Each
 * round times three commands side by side, in rotating order so drift of a
 * noisy machine hits all alike: bare node, check with a warm output cache
 * (generate/output-cache.ts: the targets' files are taken as they are, the
 * spec is not parsed), and check with an empty one (everything produced and
 * compared). The caches are private to the benchmark. Edge: spawns processes.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_SPEC_NAME, log, mustSucceed, regcache, ROOT, type BenchContext } from "./common";
import type { CheckResult } from "./results";
import { sampled, summarize, timeCommand } from "./stats";

const loadAverage = () => os.loadavg().map((x) => Number(x.toFixed(2)));

export function benchCheck(ctx: BenchContext): CheckResult {
  const n = ctx.runs(21);
  const warmCache = path.join(ctx.work, "output-cache-warm");
  const warmEnv = { ...ctx.env, REGCACHE_OUTPUT_CACHE_DIR: warmCache };
  let coldRuns = 0;
  // A cache directory that does not exist yet: every target is produced.
  const coldEnv = () => ({
    ...ctx.env,
    REGCACHE_OUTPUT_CACHE_DIR: path.join(ctx.work, `output-cache-cold-${coldRuns++}`),
  });

  // In the checkout, on generated/. Should the checkout be out of step
  // (someone mid-edit), a fresh output directory stands in for it.
  let args = ["check"];
  let where = "generated/ in the checkout";
  if (regcache(ctx, args, { env: coldEnv() }).status !== 0) {
    const out = path.join(ctx.work, "check-out");
    mustSucceed("regcache generate (for check)", regcache(ctx, ["generate", "--out", out]));
    args = ["check", "--out", out];
    where = "a freshly generated output directory (generated/ was out of step)";
  }
  log(
    `check: ${n} rounds of \`node -e 0\`, \`regcache ${args.join(" ")}\` with a warm output cache and with an empty one`,
  );
  // The warm-up fills the warm cache.
  mustSucceed("regcache check (warm-up)", regcache(ctx, args, { env: warmEnv }));
  timeCommand(process.execPath, ["-e", "0"]);
  if (!fs.existsSync(warmCache)) log(`check: warning: the warm-up left no cache in ${warmCache}`);

  const loadBefore = loadAverage();
  const node: number[] = [];
  const warm: number[] = [];
  const cold: number[] = [];
  const round = [
    () => node.push(timeCommand(process.execPath, ["-e", "0"], { cwd: ROOT }).ms),
    () => warm.push(mustSucceed("regcache check", regcache(ctx, args, { env: warmEnv })).ms),
    () =>
      cold.push(
        mustSucceed("regcache check (empty cache)", regcache(ctx, args, { env: coldEnv() })).ms,
      ),
  ];
  for (let i = 0; i < n; i++)
    // Rotate the order, so none always runs right after another.
    for (let j = 0; j < round.length; j++) round[(i + j) % round.length]!();

  const nodeS = sampled(node);
  const warmS = sampled(warm);
  const coldS = sampled(cold);
  return {
    spec: DEFAULT_SPEC_NAME,
    runs: n,
    where,
    node: nodeS,
    check: warmS,
    ratio: warmS.median / nodeS.median,
    pairRatio: summarize(node.map((t, i) => warm[i]! / t)),
    cold: coldS,
    coldRatio: coldS.median / nodeS.median,
    loadAverage: { before: loadBefore, after: loadAverage() },
    cores: os.cpus().length,
  };
}
