#!/usr/bin/env node
/*
 * The kernel size benchmark (issue 15 item 8), run by bench/run.js under the
 * machine-wide kernel build lock (so no other kernel build shares the CPUs
 * while it is timed):
 *
 *   flock LOCK node bench/kernel.js TREE.json OUT.json
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
 */
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const ROOT = path.resolve(__dirname, "..");
const CLI = path.join(ROOT, "bin", "regcache.js");
const SPEC = path.join(ROOT, "spec", "linux-6.1.yaml");
const log = (msg) => process.stderr.write(`bench kernel: ${msg}\n`);

function sh(argv, options = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), {
    encoding: "utf8",
    maxBuffer: 256 << 20,
    stdio: ["ignore", "pipe", "pipe"],
    ...options,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0)
    throw new Error(
      `${argv.join(" ")} exited ${r.status}: ${(r.stderr || r.stdout || "").slice(-3000)}`,
    );
  return { ms, stdout: r.stdout, stderr: r.stderr };
}

function main() {
  const [treeFile, outFile] = process.argv.slice(2);
  const tree = JSON.parse(fs.readFileSync(treeFile, "utf8"));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "regcache-bench-kernel-"));
  const result = { tree: `${tree.package} ${tree.version}`, cores: os.cpus().length };
  try {
    const { adoptGeneratedHeader } = require(
      path.join(ROOT, "dist", "generator", "adopt", "adopt"),
    );
    const db = JSON.parse(fs.readFileSync(tree.compileCommands, "utf8"));
    const env = { ...process.env, NO_COLOR: "1", REGCACHE_CACHE_DIR: path.join(work, "cache") };
    const sizeArgs = [
      "--spec",
      SPEC,
      "--compile-commands",
      tree.compileCommands,
      "--format",
      "json",
    ];

    log("cold: regcache size --compile-commands, empty object cache");
    const cold = sh(["node", CLI, "size", ...sizeArgs, "--out", path.join(work, "cold.json")], {
      env,
    });
    result.cold = { ms: cold.ms, stderr: cold.stderr.trim() };
    log(`cold: ${(cold.ms / 1000).toFixed(1)} s; ${cold.stderr.trim().replace(/\n/g, "; ")}`);
    const warm = sh(["node", CLI, "size", ...sizeArgs, "--out", path.join(work, "warm.json")], {
      env,
    });
    result.warm = { ms: warm.ms, stderr: warm.stderr.trim() };
    log(`warm: ${(warm.ms / 1000).toFixed(1)} s; ${warm.stderr.trim().replace(/\n/g, "; ")}`);
    const coldReport = fs.readFileSync(path.join(work, "cold.json"), "utf8");
    result.warmSameReport = coldReport === fs.readFileSync(path.join(work, "warm.json"), "utf8");
    const report = JSON.parse(coldReport);
    const config = report.configs[0];
    const fn = (name) => config.functions.find((f) => f.name === name);
    result.figures = {
      total: config.total,
      summary: config.summary,
      kvm_emulate_cpuid: fn("kvm_emulate_cpuid"),
      kvm_emulate_hypercall: fn("kvm_emulate_hypercall"),
      kvm_hv_hypercall: fn("kvm_hv_hypercall"),
    };

    // The manual workflow's inputs (not timed: a developer has them at hand).
    const gen = (out, extra) =>
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
    const put = (rel, text) => {
      const file = path.join(variant, rel);
      if (fs.existsSync(file)) fs.unlinkSync(file); // never write through a hard link
      fs.writeFileSync(file, text);
    };
    const buildDir = path.join(variant, "build");
    const objects = db
      .filter((e) => /\/(arch\/x86\/kvm|virt\/kvm)\//.test(e.file) && /\.c$/.test(e.file))
      .map((e) => {
        const m = / -o (\S+\.o) /.exec(e.command);
        return m ? path.normalize(m[1]) : undefined;
      })
      .filter(Boolean);
    const saveObjects = (dir) => {
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
    result.manual = {
      ms: Number(end - start) / 1e6,
      make1Ms: make1.ms,
      make2Ms: make2.ms,
      loopMs: Number(end - loopStart) / 1e6,
      pairs: objects.length,
    };
    log(
      `manual: ${(result.manual.ms / 1000).toFixed(1)} s (makes ${(make1.ms / 1000).toFixed(1)} + ${(make2.ms / 1000).toFixed(1)} s, loop ${(result.manual.loopMs / 1000).toFixed(1)} s)`,
    );

    const help = sh(["node", CLI, "size", "--help"], { env }).stdout;
    if (/--objects/.test(help)) {
      const objectsRun = sh(
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
      );
      result.objects = { ms: objectsRun.ms, loopMs: result.manual.loopMs };
    } else result.objects = { unavailable: "this build of regcache has no size --objects" };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  fs.writeFileSync(outFile, JSON.stringify(result, null, 2) + "\n");
}

main();
