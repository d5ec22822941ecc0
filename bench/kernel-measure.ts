/*
 * The kernel size benchmark itself, run by kernel.ts under the machine-wide
 * kernel build lock:
 *
 *   flock LOCK node dist/bench/kernel-measure.js TREE.json OUT.json
 *
 * TREE.json is what `node tests/kernel/prepare.js 6.1` printed (a built
 * Debian 6.1 tree with its compile database). Timed, from the same built
 * state:
 *
 *   cold    regcache size --spec spec/linux-6.1.yaml --compile-commands DB
 *           (object cache empty)
 *   warm    the same command again, nothing changed
 *   manual  what a kernel developer does by hand, in a hard-linked copy of the
 *           tree (cp -al source, cp -a build; not timed): put the spec's
 *           header in (the adopted kvm_cache_regs.h and kvm_cache_regs_gen.h),
 *           make arch/x86/kvm/, copy the objects aside; put the all-cached
 *           header in, make again, copy aside; then scripts/bloat-o-meter
 *           once per object pair.
 *   objects regcache size --objects OLD NEW over the two object trees the
 *           manual workflow left, against its bloat-o-meter loop (only when
 *           this build of regcache has --objects).
 *
 * Writes OUT.json (results.ts KernelMeasurement). Edge: builds in a copy
 * below a scratch directory, never in the cached tree.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { CLI, DIST, ROOT } from "./common";
import type { KernelMeasurement, SizeFigure } from "./results";

const SPEC = path.join(ROOT, "spec", "linux-6.1.yaml");
const log = (msg: string) => process.stderr.write(`bench kernel: ${msg}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The tree as tests/kernel/prepare.js describes it. */
interface Tree {
  readonly package: string;
  readonly version: string;
  readonly srcDir: string;
  readonly buildDir: string;
  readonly compileCommands: string;
}

/** The parts of generator/targets/kernel/adoption.js used here. */
interface Adopt {
  adoptGeneratedHeader(file: {
    displayPath: string;
    text: string;
  }): { ok: true; text: string } | { ok: false; diagnostic: { message: string } };
}

/** What the size report holds that is read here. */
interface SizeReport {
  readonly configs: readonly {
    total: SizeFigure;
    summary: unknown;
    functions: readonly (SizeFigure & { name: string })[];
  }[];
}

function sh(argv: readonly string[], options: SpawnSyncOptions = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, argv.slice(1), {
    maxBuffer: 256 << 20,
    stdio: ["ignore", "pipe", "pipe"],
    ...options,
    encoding: "utf8",
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0)
    throw new Error(
      `${argv.join(" ")} exited ${r.status}: ${(r.stderr || r.stdout || "").slice(-3000)}`,
    );
  return { ms, stdout: r.stdout, stderr: r.stderr };
}

function measure(tree: Tree, work: string): KernelMeasurement {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { adoptGeneratedHeader } = require(path.join(DIST, "targets", "kernel", "adoption")) as Adopt;
  const db = JSON.parse(fs.readFileSync(tree.compileCommands, "utf8")) as {
    file: string;
    command: string;
  }[];
  const env = { ...process.env, NO_COLOR: "1", REGCACHE_CACHE_DIR: path.join(work, "cache") };
  const sizeArgs = ["--spec", SPEC, "--compile-commands", tree.compileCommands, "--format", "json"];
  const size = (name: string) => {
    const r = sh(["node", CLI, "size", ...sizeArgs, "--out", path.join(work, `${name}.json`)], {
      env,
    });
    log(`${name}: ${seconds(r.ms)}; ${r.stderr.trim().replace(/\n/g, "; ")}`);
    return { ms: r.ms, stderr: r.stderr.trim() };
  };

  log("cold: regcache size --compile-commands, empty object cache");
  const cold = size("cold");
  const warm = size("warm");
  const coldReport = fs.readFileSync(path.join(work, "cold.json"), "utf8");
  const warmSameReport = coldReport === fs.readFileSync(path.join(work, "warm.json"), "utf8");
  const config = (JSON.parse(coldReport) as SizeReport).configs[0]!;
  const fn = (name: string) => config.functions.find((f) => f.name === name);
  const figures = {
    total: config.total,
    summary: config.summary,
    kvm_emulate_cpuid: fn("kvm_emulate_cpuid"),
    kvm_emulate_hypercall: fn("kvm_emulate_hypercall"),
    kvm_hv_hypercall: fn("kvm_hv_hypercall"),
  };

  // The manual workflow's inputs (not timed: a developer has them at hand).
  const gen = (out: string, extra: readonly string[]) =>
    sh(["node", CLI, "generate", "--spec", SPEC, "--out", out, ...extra], { env });
  gen(path.join(work, "gen-head"), []);
  gen(path.join(work, "gen-base"), ["--all-cached"]);
  const hostRel = "arch/x86/kvm/kvm_cache_regs.h";
  const genRel = "arch/x86/kvm/kvm_cache_regs_gen.h";
  const host = fs.readFileSync(path.join(tree.srcDir, hostRel), "utf8");
  const adopted = adoptGeneratedHeader({ displayPath: hostRel, text: host });
  if (!adopted.ok) throw new Error(`adoption failed: ${adopted.diagnostic.message}`);
  const variant = path.join(work, "variant", "linux");
  fs.mkdirSync(variant, { recursive: true });
  const entries = fs.readdirSync(tree.srcDir).filter((e) => e !== "build");
  sh(["cp", "-al", ...entries.map((e) => path.join(tree.srcDir, e)), variant]);
  sh(["cp", "-a", tree.buildDir, path.join(variant, "build")]);
  const put = (rel: string, text: string) => {
    const file = path.join(variant, rel);
    if (fs.existsSync(file)) fs.unlinkSync(file); // never write through a hard link
    fs.writeFileSync(file, text);
  };
  const buildDir = path.join(variant, "build");
  const objects = db
    .filter((e) => /\/(arch\/x86\/kvm|virt\/kvm)\//.test(e.file) && /\.c$/.test(e.file))
    .map((e) => / -o (\S+\.o) /.exec(e.command)?.[1])
    .filter((o): o is string => o !== undefined)
    .map((o) => path.normalize(o));
  const saveObjects = (dir: string) => {
    for (const o of objects) {
      const target = path.join(dir, o);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(path.join(buildDir, o), target);
    }
  };
  const make = () =>
    sh(["make", "-s", `-j${os.cpus().length}`, "O=build", "arch/x86/kvm/"], { cwd: variant });

  log(
    `manual: swap in the spec's header, make, swap in all-cached, make, bloat-o-meter × ${objects.length}`,
  );
  const start = process.hrtime.bigint();
  put(hostRel, adopted.text);
  put(genRel, fs.readFileSync(path.join(work, "gen-head", "kvm_cache_regs_gen.h"), "utf8"));
  const make1 = make();
  saveObjects(path.join(work, "manual", "head"));
  put(genRel, fs.readFileSync(path.join(work, "gen-base", "kvm_cache_regs_gen.h"), "utf8"));
  const make2 = make();
  saveObjects(path.join(work, "manual", "base"));
  const loopStart = process.hrtime.bigint();
  for (const o of objects)
    sh([
      "python3",
      path.join(variant, "scripts", "bloat-o-meter"),
      path.join(work, "manual", "base", o),
      path.join(work, "manual", "head", o),
    ]);
  const end = process.hrtime.bigint();
  const manual = {
    ms: Number(end - start) / 1e6,
    make1Ms: make1.ms,
    make2Ms: make2.ms,
    loopMs: Number(end - loopStart) / 1e6,
    pairs: objects.length,
  };
  log(
    `manual: ${seconds(manual.ms)} (makes ${seconds(make1.ms)} + ${seconds(make2.ms)}, loop ${seconds(manual.loopMs)})`,
  );

  const help = sh(["node", CLI, "size", "--help"], { env }).stdout;
  const objectsRun = /--objects/.test(help)
    ? sh(
        [
          "node",
          CLI,
          "size",
          "--objects",
          path.join(work, "manual", "base"),
          path.join(work, "manual", "head"),
          "--format",
          "json",
        ],
        { env },
      )
    : undefined;
  return {
    tree: `${tree.package} ${tree.version}`,
    cores: os.cpus().length,
    cold,
    warm,
    warmSameReport,
    figures,
    manual,
    objects: objectsRun
      ? { ms: objectsRun.ms, loopMs: manual.loopMs }
      : { unavailable: "this build of regcache has no size --objects" },
  };
}

function main(argv: readonly string[]): number {
  const [treeFile, outFile] = argv;
  if (!treeFile || !outFile) {
    process.stderr.write("usage: kernel-measure.js TREE.json OUT.json\n");
    return 2;
  }
  const tree = JSON.parse(fs.readFileSync(treeFile, "utf8")) as Tree;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "regcache-bench-kernel-"));
  let result: KernelMeasurement;
  try {
    result = measure(tree, work);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  fs.writeFileSync(outFile, JSON.stringify(result, null, 2) + "\n");
  return 0;
}

process.exitCode = main(process.argv.slice(2));
