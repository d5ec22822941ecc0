/*
 * `regcache size` on the default spec (DEFAULT_SPEC; size measures it with
 * the handler suite of its shape) and the default matrix, with --jobs 1 and with every core,
 * interleaved, each with --no-cache; and for scale the very compile commands
 * those runs make (`size --keep` writes them to <config>/commands.sh) run by
 * xargs one at a time and every core at a time: their ratio is what this
 * machine gives this workload at best. Edge: spawns processes.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_SPEC_NAME, log, regcache, ROOT, type BenchContext } from "./common";
import type { NotMeasured, SizeMeasured } from "./results";
import { sampled, timeCommand } from "./stats";

/** What the benchmark reads of `regcache size --format json`. */
interface SizeJson {
  readonly configs?: readonly { name: string }[];
  readonly skipped?: readonly ({ name?: string; config?: string } | string)[];
}

export function benchSize(ctx: BenchContext): SizeMeasured | NotMeasured {
  const help = regcache(ctx, ["size", "--help"]);
  if (help.status !== 0)
    return { available: false, reason: "regcache size is not available in this build" };
  const cores = os.cpus().length;
  const n = ctx.runs(3);
  const work = ctx.work;

  const keep = path.join(work, "size-keep");
  const kept = regcache(ctx, [
    "size",
    "--keep",
    keep,
    "--format",
    "json",
    "--out",
    path.join(work, "size-keep.json"),
  ]);
  if (kept.status !== 0)
    return {
      available: false,
      reason: `regcache size exited ${kept.status}: ${kept.stderr.slice(0, 2000)}`,
    };
  const commands = fs
    .readdirSync(keep)
    .filter((d) => fs.existsSync(path.join(keep, d, "commands.sh")))
    .sort()
    .flatMap((d) =>
      fs
        .readFileSync(path.join(keep, d, "commands.sh"), "utf8")
        .split("\n")
        .filter((l) => l && !/^(#|set |cd |mkdir )/.test(l)),
    );
  const list = path.join(work, "size-commands.txt");
  fs.writeFileSync(list, commands.join("\n") + "\n");
  const xargs = (p: number) =>
    timeCommand("xargs", ["-d", "\\n", "-P", String(p), "-I{}", "sh", "-c", "{}"], {
      cwd: ROOT,
      stdio: [fs.openSync(list, "r"), "pipe", "pipe"],
    });

  log(
    `size: ${n} interleaved runs each of --jobs 1, --jobs ${cores}, and of its ${commands.length} compile commands by xargs -P 1 and -P ${cores}`,
  );
  const samples = new Map<number, number[]>([
    [1, []],
    [cores, []],
  ]);
  const reference = new Map<number, number[]>([
    [1, []],
    [cores, []],
  ]);
  let report: SizeJson | undefined;
  for (let i = 0; i < n; i++) {
    const order = i % 2 ? [cores, 1] : [1, cores];
    for (const jobs of order) {
      const out = path.join(work, `size-${jobs}.json`);
      // --no-cache: every run compiles all it measures, as the xargs reference does
      // (with the object cache, every run after the first would only read objects back).
      const r = regcache(ctx, [
        "size",
        "--no-cache",
        "--jobs",
        String(jobs),
        "--format",
        "json",
        "--out",
        out,
      ]);
      if (r.status !== 0)
        return {
          available: false,
          reason: `regcache size exited ${r.status}: ${r.stderr.slice(0, 2000)}`,
        };
      samples.get(jobs)!.push(r.ms);
      report ??= JSON.parse(fs.readFileSync(out, "utf8")) as SizeJson;
      const x = xargs(jobs);
      reference.get(jobs)!.push(x.status === 0 ? x.ms : NaN);
    }
  }
  const one = sampled(samples.get(1)!);
  const all = sampled(samples.get(cores)!);
  const refOne = sampled(reference.get(1)!);
  const refAll = sampled(reference.get(cores)!);
  return {
    available: true,
    spec: DEFAULT_SPEC_NAME,
    cores,
    runs: n,
    configs: (report?.configs ?? []).map((c) => c.name),
    skipped: (report?.skipped ?? []).map((c) =>
      typeof c === "string" ? c : (c.name ?? c.config ?? String(c)),
    ),
    compileCommands: commands.length,
    jobs1: one,
    jobsAll: all,
    ratio: all.median / one.median,
    reference: { xargs1: refOne, xargsAll: refAll, ratio: refAll.median / refOne.median },
  };
}
