#!/usr/bin/env node
"use strict";
/*
 * `npm run bench`: how fast regcache is, measured, not asserted in tests.
 *
 *   1. `regcache check` on the default spec against a bare `node -e 0`,
 *      interleaved so drift of a noisy machine hits both alike;
 *   2. `regcache generate` on seeded synthetic specs (bench/synth-spec.js) of
 *      32, 256, 1,000 and 4,000 registers and on the default spec, each into a
 *      fresh output directory, the sizes interleaved round-robin;
 *   3. `regcache size` on the default matrix with --jobs 1 and with every core;
 *   4. instructions per handler call (valgrind --tool=callgrind) for the
 *      handler suite built against the spec's headers and against --all-cached.
 *
 * Writes BENCHMARKS.md and bench/results.json, prints the targets with
 * pass/fail, and exits 1 when a target fails (2 when the benchmark itself
 * could not run). Scale the repetitions with BENCH_RUNS_SCALE (e.g. 0.3 for
 * a quick look; the committed figures use the default 1).
 */
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
const { synthSpec, toYaml } = require("./synth-spec");
const { timeCommand, summarize, describe } = require("./stats");
const { inclusivePerCall } = require("./callgrind");

const ROOT = path.resolve(__dirname, "..");
const CLI = path.join(ROOT, "bin", "regcache.js");
const SCALE = Number(process.env.BENCH_RUNS_SCALE ?? 1) || 1;
const runs = (n) => Math.max(3, Math.round(n * SCALE));
const ENV = { ...process.env, NO_COLOR: "1" };
const SIZES = [32, 256, 1000, 4000];
const SEED = 1;
const CALLGRIND_CASES = Math.max(20, Math.round(200 * SCALE));
const BACKENDS = ["vmx", "svm", "tdx"];

const log = (msg) => process.stderr.write(`bench: ${msg}\n`);
class BenchError extends Error {}
/** The benchmark itself cannot run: main() reports it and exits 2 (after cleaning up). */
const fail = (msg) => {
  throw new BenchError(msg);
};

function machine() {
  const cpus = os.cpus();
  const version = (cmd) => {
    const r = spawnSync(cmd, ["--version"], { encoding: "utf8" });
    return r.status === 0 ? r.stdout.split("\n")[0].trim() : "not installed";
  };
  return {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    gcc: version("gcc"),
    clang: version(
      ["clang-19", "clang"].find((c) => spawnSync(c, ["--version"]).status === 0) ?? "clang",
    ),
    valgrind: version("valgrind"),
    loadAverageAtStart: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
}

function regcache(args, options = {}) {
  return timeCommand(process.execPath, [CLI, ...args], { cwd: ROOT, env: ENV, ...options });
}

function mustSucceed(what, r) {
  if (r.status !== 0)
    fail(`${what} exited ${r.status ?? r.signal}:\n${(r.stderr || r.stdout || "").slice(0, 4000)}`);
  return r;
}

// ---- 1. check vs bare node ----

function benchCheck(work) {
  const n = runs(21);
  // As users run it: in the checkout, on generated/. Should the checkout be out
  // of step (someone mid-edit), a fresh output directory stands in for it.
  let args = ["check"];
  let where = "generated/ in the checkout";
  if (regcache(args).status !== 0) {
    const out = path.join(work, "check-out");
    mustSucceed("regcache generate (for check)", regcache(["generate", "--out", out]));
    args = ["check", "--out", out];
    where = "a freshly generated output directory (generated/ was out of step)";
  }
  log(`check: ${n} interleaved pairs of \`node -e 0\` and \`regcache ${args.join(" ")}\``);
  mustSucceed("regcache check (warm-up)", regcache(args));
  timeCommand(process.execPath, ["-e", "0"]);
  const node = [];
  const check = [];
  for (let i = 0; i < n; i++) {
    // Alternate which goes first, so neither always runs right after the other.
    const pair = [
      () => node.push(timeCommand(process.execPath, ["-e", "0"], { cwd: ROOT }).ms),
      () => check.push(mustSucceed("regcache check", regcache(args)).ms),
    ];
    if (i % 2) pair.reverse();
    pair.forEach((f) => f());
  }
  const ratios = node.map((t, i) => check[i] / t);
  const nodeS = summarize(node);
  const checkS = summarize(check);
  return {
    runs: n,
    where,
    node: { samples: node, ...nodeS },
    check: { samples: check, ...checkS },
    ratio: checkS.median / nodeS.median,
    pairRatio: summarize(ratios),
  };
}

// ---- 2. generate scaling ----

function benchGenerate(work) {
  const specs = [
    { label: "default", registers: null, file: path.join(ROOT, "spec", "x86-kvm.yaml") },
    ...SIZES.map((registers) => {
      const file = path.join(work, `synthetic-${registers}.yaml`);
      fs.writeFileSync(file, toYaml(synthSpec({ registers, seed: SEED, backends: 4 })));
      return { label: String(registers), registers, file };
    }),
  ];
  specs[0].registers = registerCount(specs[0].file);
  const n = runs(7);
  log(
    `generate: ${n} rounds over ${specs.map((s) => s.label).join(", ")} (fresh output dir each run)`,
  );
  const samples = new Map(specs.map((s) => [s.label, []]));
  const outputBytes = new Map();
  let counter = 0;
  const once = (s) => {
    const out = path.join(work, `out-${counter++}`);
    const r = mustSucceed(
      `regcache generate --spec ${s.file}`,
      regcache(["generate", "--spec", s.file, "--out", out]),
    );
    if (!outputBytes.has(s.label)) outputBytes.set(s.label, treeBytes(out));
    fs.rmSync(out, { recursive: true, force: true });
    return r.ms;
  };
  for (const s of specs) once(s); // warm-up: file cache, lazily compiled code
  for (let i = 0; i < n; i++) {
    const order = i % 2 ? [...specs].reverse() : specs;
    for (const s of order) samples.get(s.label).push(once(s));
  }
  const stats = Object.fromEntries(
    specs.map((s) => [
      s.label,
      { samples: samples.get(s.label), ...summarize(samples.get(s.label)) },
    ]),
  );
  const steps = [];
  for (let i = 1; i < SIZES.length; i++) {
    const a = String(SIZES[i - 1]);
    const b = String(SIZES[i]);
    steps.push({
      from: a,
      to: b,
      registers: SIZES[i] / SIZES[i - 1],
      time: stats[b].median / stats[a].median,
    });
  }
  return {
    runs: n,
    seed: SEED,
    specs: specs.map((s) => ({
      label: s.label,
      registers: s.registers,
      bytesOut: outputBytes.get(s.label),
    })),
    stats,
    steps,
    inProcess: inProcessGenerate(specs),
    coldPhases: coldPhases(specs.filter((s) => s.label === "default" || s.label === "1000")),
  };
}

function registerCount(specFile) {
  const api = require(path.join(ROOT, "dist", "generator", "generate", "produce.js"));
  const loaded = api.loadModel({ specPath: specFile });
  return loaded.ok ? loaded.model.registers.length : null;
}

function treeBytes(dir) {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? treeBytes(p) : fs.statSync(p).size;
  }
  return total;
}

/** The generator alone (no process start, no disk): generateAll() in one warm process. */
function inProcessGenerate(specs) {
  const script = `
    const api = require(${JSON.stringify(path.join(ROOT, "dist", "generator", "generate", "produce.js"))});
    const gen = api.generateAll ?? api.generate;
    const specs = ${JSON.stringify(specs.map((s) => ({ label: s.label, file: s.file })))};
    (async () => {
      const out = {};
      for (const s of specs) await gen({ specPath: s.file });
      for (let round = 0; round < ${runs(5)}; round++)
        for (const s of specs) {
          const t = process.hrtime.bigint();
          const r = await gen({ specPath: s.file });
          if (!r.ok) throw new Error(s.file + ": invalid");
          (out[s.label] ??= []).push(Number(process.hrtime.bigint() - t) / 1e6);
        }
      process.stdout.write(JSON.stringify(out));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const r = mustSucceed(
    "in-process generate",
    timeCommand(process.execPath, ["-e", script], { cwd: ROOT }),
  );
  const samples = JSON.parse(r.stdout);
  return Object.fromEntries(
    Object.entries(samples).map(([k, v]) => [k, { samples: v, ...summarize(v) }]),
  );
}

/**
 * Where a cold `generate` spends its time: each phase of generateAll() timed
 * in a fresh process (the libraries a phase needs load inside it, as in the
 * command), for the default spec and 1,000 registers. The difference column
 * is what the 1,000-register spec adds; the start-up and load costs that do
 * not grow with the spec are what the 1,000/default target divides by.
 */
function coldPhases(specs) {
  const dist = (m) => JSON.stringify(path.join(ROOT, "dist", "generator", m));
  const script = `
    const startup = process.uptime() * 1000;
    const { performance } = require("node:perf_hooks");
    const out = { "node start-up": startup };
    let t = performance.now();
    const lap = (name) => { const now = performance.now(); out[name] = now - t; t = now; };
    const api = require(${dist("generate/produce.js")});
    lap("load the generator");
    const loaded = api.loadModel({ specPath: process.argv[1] });
    if (!loaded.ok) throw new Error("invalid spec");
    lap("spec → model (yaml, schema, model)");
    const { cTarget } = require(${dist("targets/c/index.js")});
    cTarget.emit(loaded.model, cTarget.inputs());
    lap("C headers (Handlebars)");
    const ts = require(${dist("targets/ts/emit.js")});
    const text = ts.printRegistersSource(loaded.model);
    lap("TypeScript print (ts-morph)");
    // As emitTs: prettier loads and runs only when a printed line overflows.
    const formatted = ts.printedInPrettierStyle(text) ? Promise.resolve(text) : ts.formatWithPrettier(text);
    formatted.then(() => {
      lap("TypeScript: prettier, if a line overflows");
      process.stdout.write(JSON.stringify(out));
    });`;
  const n = runs(5);
  const result = {};
  for (const s of specs) {
    const samples = {};
    for (let i = 0; i < n; i++) {
      const r = mustSucceed(
        `cold phases of ${s.label}`,
        timeCommand(process.execPath, ["-e", script, s.file], { cwd: ROOT }),
      );
      for (const [phase, ms] of Object.entries(JSON.parse(r.stdout)))
        (samples[phase] ??= []).push(ms);
    }
    result[s.label] = Object.fromEntries(
      Object.entries(samples).map(([k, v]) => [k, { samples: v, ...summarize(v) }]),
    );
  }
  return result;
}

// ---- 3. size matrix, --jobs 1 vs all cores ----

function benchSize(work) {
  const help = regcache(["size", "--help"]);
  if (help.status !== 0)
    return { available: false, reason: "regcache size is not available in this build" };
  const cores = os.cpus().length;
  const n = runs(3);

  // The reference: the very compile commands the size run makes (--keep writes
  // them to <config>/commands.sh), run by xargs one at a time and `cores` at a
  // time. Their ratio is what this machine can give this workload at best.
  const keep = path.join(work, "size-keep");
  const kept = regcache([
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
  const xargs = (p) =>
    timeCommand("xargs", ["-d", "\\n", "-P", String(p), "-I{}", "sh", "-c", "{}"], {
      cwd: ROOT,
      stdio: [fs.openSync(list, "r"), "pipe", "pipe"],
    });

  log(
    `size: ${n} interleaved runs each of --jobs 1, --jobs ${cores}, and of its ${commands.length} compile commands by xargs -P 1 and -P ${cores}`,
  );
  const samples = { 1: [], [cores]: [] };
  const reference = { 1: [], [cores]: [] };
  let report;
  for (let i = 0; i < n; i++) {
    const order = i % 2 ? [cores, 1] : [1, cores];
    for (const jobs of order) {
      const out = path.join(work, `size-${jobs}.json`);
      // --no-cache: every run compiles all it measures, as the xargs reference does
      // (with the object cache, every run after the first would only read objects back).
      const r = regcache([
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
      samples[jobs].push(r.ms);
      report ??= JSON.parse(fs.readFileSync(out, "utf8"));
      const x = xargs(jobs);
      reference[jobs].push(x.status === 0 ? x.ms : NaN);
    }
  }
  const configs = (report?.configs ?? []).map((c) => c.name);
  const skipped = (report?.skipped ?? []).map((c) => c.name ?? c.config ?? String(c));
  const one = summarize(samples[1]);
  const all = summarize(samples[cores]);
  const refOne = summarize(reference[1]);
  const refAll = summarize(reference[cores]);
  return {
    available: true,
    cores,
    runs: n,
    configs,
    skipped,
    compileCommands: commands.length,
    jobs1: { samples: samples[1], ...one },
    jobsAll: { samples: samples[cores], ...all },
    ratio: all.median / one.median,
    reference: {
      xargs1: { samples: reference[1], ...refOne },
      xargsAll: { samples: reference[cores], ...refAll },
      ratio: refAll.median / refOne.median,
    },
  };
}

// ---- 5. a real kernel: size --compile-commands vs the manual workflow ----

/**
 * Prepares (or finds) the cached Debian 6.1 tree, then runs bench/kernel.js
 * under the machine-wide kernel build lock, so no other kernel build shares
 * the CPUs while it is timed (the wait for the lock is not timed).
 */
function benchKernel(work) {
  if (!fs.existsSync(path.join(ROOT, "spec", "linux-6.1.yaml")))
    return { available: false, reason: "spec/linux-6.1.yaml is missing" };
  log("kernel: preparing the Debian 6.1 tree (tests/kernel/prepare.js)");
  const prepared = spawnSync("node", [path.join(ROOT, "tests", "kernel", "prepare.js"), "6.1"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (prepared.status !== 0)
    return { available: false, reason: "the 6.1 tree could not be prepared" };
  const treeFile = path.join(work, "tree.json");
  fs.writeFileSync(treeFile, prepared.stdout.trim().split("\n")[0]);
  const tree = JSON.parse(fs.readFileSync(treeFile, "utf8"));
  const lock =
    process.env.REGCACHE_KERNEL_LOCK ||
    path.join(
      process.env.REGCACHE_KERNEL_CACHE || path.join(os.homedir(), ".cache", "regcache", "kernels"),
      "build.lock",
    );
  const out = path.join(work, "kernel.json");
  const r = spawnSync("flock", [lock, "node", path.join(__dirname, "kernel.js"), treeFile, out], {
    encoding: "utf8",
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (r.status !== 0) return { available: false, reason: `bench/kernel.js exited ${r.status}` };
  const res = JSON.parse(fs.readFileSync(out, "utf8"));
  return { available: true, tree: tree.compileCommands, ...res };
}

// ---- 4. instructions per handler call ----

function cc(args, what) {
  const r = spawnSync("gcc", args, { encoding: "utf8", cwd: ROOT });
  if (r.status !== 0) fail(`${what}: gcc ${args.join(" ")}\n${r.stderr}`);
}

function cFiles(dir) {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".c"))
    .sort()
    .map((f) => path.join(dir, f));
}

function benchCallgrind(work) {
  if (spawnSync("valgrind", ["--version"]).status !== 0)
    return { available: false, reason: "valgrind is not installed" };
  const rt = path.join(ROOT, "runtime");
  const driver = path.join(rt, "test", "driver.c");
  const abi = path.join(rt, "test", "abi.c");
  if (!fs.existsSync(driver))
    return { available: false, reason: "runtime/test/driver.c is missing" };
  const handlerList = JSON.parse(
    fs.readFileSync(path.join(rt, "handlers", "handlers.json"), "utf8"),
  );
  const handlers = Object.values(handlerList.files).flat().sort();
  const handlerSet = new Set(handlers);

  // Headers: the spec's, and --all-cached; the simulated hardware always follows the spec.
  const headers = {};
  for (const [side, extra] of [
    ["spec", []],
    ["all-cached", ["--all-cached"]],
  ]) {
    const out = path.join(work, `headers-${side}`);
    mustSucceed(`generate ${side} headers`, regcache(["generate", "--out", out, ...extra]));
    headers[side] = path.join(out, "c");
  }
  const flags = ["-std=gnu11", "-O2", "-DCONFIG_X86_64"];
  const inc = (h, ...dirs) => [h, ...dirs].flatMap((d) => ["-I", d]);
  const objDir = path.join(work, "obj");
  fs.mkdirSync(objDir, { recursive: true });
  const compile = (src, out, includes) =>
    cc([...flags, ...includes, "-c", src, "-o", out], `compile ${src}`);
  // The simulated hardware: the hand-written table of the default spec (runtime/README.md).
  const hardware = `-DSIM_HARDWARE="${path.join(rt, "sim", "hardware", "x86-kvm.h")}"`;
  const simObjects = [...cFiles(path.join(rt, "sim")), driver].map((src) => {
    const o = path.join(objDir, `sim-${path.basename(src, ".c")}.o`);
    compile(src, o, [
      hardware,
      ...inc(headers.spec, path.join(rt, "include"), path.join(rt, "sim")),
    ]);
    return o;
  });
  const exes = {};
  for (const side of Object.keys(headers)) {
    const objs = [...cFiles(path.join(rt, "handlers")), abi].map((src) => {
      const o = path.join(objDir, `${side}-${path.basename(src, ".c")}.o`);
      compile(src, o, inc(headers[side], path.join(rt, "include")));
      return o;
    });
    exes[side] = path.join(work, `regcache-sim-${side}`);
    cc([...objs, ...simObjects, "-o", exes[side]], `link ${side}`);
  }

  log(
    `callgrind: ${CALLGRIND_CASES} cases per handler, ${BACKENDS.length} backends, spec vs all-cached`,
  );
  const perCall = {}; // backend → handler → side → Ir per call
  for (const backend of BACKENDS) {
    perCall[backend] = {};
    for (const side of Object.keys(exes)) {
      const outFile = path.join(work, `callgrind.${backend}.${side}.out`);
      const r = spawnSync(
        "valgrind",
        [
          "--tool=callgrind",
          `--callgrind-out-file=${outFile}`,
          exes[side],
          "--backend",
          backend,
          "--cases",
          String(CALLGRIND_CASES),
        ],
        { encoding: "utf8", cwd: work, maxBuffer: 64 * 1024 * 1024 },
      );
      if (r.status !== 0)
        fail(
          `callgrind ${backend} ${side} exited ${r.status}:\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-2000)}`,
        );
      const costs = inclusivePerCall(
        outFile,
        (f) => handlerSet.has(f),
        (f) => !handlerSet.has(f),
      );
      for (const h of handlers) {
        const c = costs.get(h);
        (perCall[backend][h] ??= {})[side] =
          c && c.calls > 0 ? { calls: c.calls, ir: c.ir / c.calls } : null;
      }
    }
  }
  return { available: true, cases: CALLGRIND_CASES, flags, handlers, perCall };
}

// ---- targets, report ----

function targets(res) {
  const t = [];
  const add = (name, pass, measured, limit) => t.push({ name, pass, measured, limit });
  add(
    "regcache check within 3× a bare node start-up",
    res.check.ratio <= 3,
    `${res.check.ratio.toFixed(2)}×`,
    "≤ 3×",
  );
  const g = res.generate.stats;
  const r41 = g["4000"].median / g["1000"].median;
  add(
    "generate: 4,000 registers ≤ 4.4× the time of 1,000",
    r41 <= 4.4,
    `${r41.toFixed(2)}×`,
    "≤ 4.4×",
  );
  const r1d = g["1000"].median / g.default.median;
  add("generate: 1,000 registers ≤ 2× the default spec", r1d <= 2, `${r1d.toFixed(2)}×`, "≤ 2×");
  if (res.size.available && res.size.cores > 1)
    add(
      `size matrix: --jobs ${res.size.cores} ≤ 0.6× --jobs 1`,
      res.size.ratio <= 0.6,
      `${res.size.ratio.toFixed(2)}× (the same compile commands under xargs: ${res.size.reference.ratio.toFixed(2)}×)`,
      "≤ 0.6×",
    );
  else
    add(
      "size matrix: all cores ≤ 0.6× --jobs 1",
      false,
      res.size.reason ?? "one core only",
      "≤ 0.6×",
    );
  if (res.callgrind.available) {
    for (const b of BACKENDS) {
      const c = res.callgrind.perCall[b]?.kvm_emulate_cpuid;
      const ok = Boolean(c?.spec && c?.["all-cached"] && c.spec.ir < c["all-cached"].ir);
      add(
        `kvm_emulate_cpuid on ${b}: fewer instructions against the spec than --all-cached`,
        ok,
        c?.spec && c?.["all-cached"]
          ? `${c.spec.ir.toFixed(1)} vs ${c["all-cached"].ir.toFixed(1)}`
          : "not measured",
        "spec < all-cached",
      );
    }
  } else
    add(
      "kvm_emulate_cpuid: fewer instructions against the spec",
      false,
      res.callgrind.reason,
      "spec < all-cached",
    );
  const k = res.kernel;
  const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
  if (k?.available) {
    add(
      "kernel 6.1 KVM: cold size --compile-commands ≤ 1.0× the manual workflow",
      k.cold.ms <= k.manual.ms,
      `${ratio(k.cold.ms, k.manual.ms)} (${(k.cold.ms / 1000).toFixed(1)} s vs ${(k.manual.ms / 1000).toFixed(1)} s)`,
      "≤ 1.0×",
    );
    add(
      "kernel 6.1 KVM: warm rerun ≤ 0.2× the cold run",
      k.warm.ms <= 0.2 * k.cold.ms && k.warmSameReport,
      `${ratio(k.warm.ms, k.cold.ms)} (${(k.warm.ms / 1000).toFixed(1)} s${k.warmSameReport ? ", same report" : ", DIFFERENT report"})`,
      "≤ 0.2×",
    );
    add(
      "kernel 6.1 KVM: size --objects ≤ 0.1× the bloat-o-meter loop",
      Boolean(k.objects.ms !== undefined && k.objects.ms <= 0.1 * k.objects.loopMs),
      k.objects.ms !== undefined
        ? `${ratio(k.objects.ms, k.objects.loopMs)} (${(k.objects.ms / 1000).toFixed(2)} s vs ${(k.objects.loopMs / 1000).toFixed(1)} s)`
        : k.objects.unavailable,
      "≤ 0.1×",
    );
  } else if (k) add("kernel 6.1 KVM size benchmarks", false, k.reason, "measured");
  return t;
}

const ms = (s) => `${s.median.toFixed(0)} ms`;
const spread = (s) => `${s.q1.toFixed(0)}–${s.q3.toFixed(0)}`;
const minmax = (s) => `${s.min.toFixed(0)} / ${s.max.toFixed(0)}`;

function markdown(res) {
  const m = res.machine;
  const L = [];
  L.push("# regcache benchmarks", "");
  L.push(
    `Produced by \`npm run bench\` (bench/run.js) on ${res.date}; raw samples in \`bench/results.json\`.`,
    "Do not edit by hand: rerun the benchmark.",
    "",
  );
  L.push("## Machine", "");
  L.push("| | |", "|---|---|");
  L.push(
    `| CPU | ${m.cpu} |`,
    `| cores | ${m.cores} |`,
    `| memory | ${m.memoryGiB} GiB |`,
    `| OS | ${m.os} |`,
  );
  L.push(
    `| node | ${m.node} |`,
    `| gcc | ${m.gcc} |`,
    `| clang | ${m.clang} |`,
    `| valgrind | ${m.valgrind} |`,
  );
  L.push(`| load average at start | ${m.loadAverageAtStart.join(", ")} |`, "");
  const carried = ["size", "callgrind", "kernel"].filter((p) => res[p]?.carriedFrom);
  if (carried.length > 0)
    L.push(
      `Measured in separate runs (BENCH_ONLY, or bench/kernel.js merged with --kernel-result): ${carried.map((p) => `${p} (${res[p].carriedFrom})`).join(", ")}.`,
      "",
    );
  L.push("## Targets", "");
  L.push("| target | measured | limit | result |", "|---|---|---|---|");
  for (const t of res.targets)
    L.push(`| ${t.name} | ${t.measured} | ${t.limit} | ${t.pass ? "pass" : "**FAIL**"} |`);
  L.push("");
  L.push("## Method", "");
  L.push(
    "- Wall-clock times of spawned commands (`node bin/regcache.js …`, the same thing `npx regcache` runs), measured with `process.hrtime` around `spawnSync`, after one warm-up run each. Figures are medians; the spread is the interquartile range (IQR) and min / max.",
    "- Commands that are compared are interleaved (alternating order), so a slow phase of a shared machine hits both sides alike; ratios are ratios of medians.",
    `- \`generate\` runs each time into a fresh, empty output directory (nothing to reuse), over synthetic specs made by \`bench/synth-spec.js\` (seed ${res.generate.seed}; 4 backends alternating \`lazy\` and \`available\` lists, \`mask: bitmap\`, a quarter of the registers (at least 16) gprs, gprs 8–15 and runs of other registers guarded, few gprs but many extended registers lazy, some docs) and over \`spec/x86-kvm.yaml\`.`,
    "- `size` is the default matrix (`regcache size`, all configs the machine can run, spec vs --all-cached), report as JSON to a file.",
    `- Instructions per handler call: the runtime's behaviour-test driver (runtime/test/driver.c; each case is vm_exit → handler → vm_enter on the simulated backend) run under \`valgrind --tool=callgrind\` for ${res.callgrind.cases ?? "-"} seeded cases per handler and backend, built with \`gcc ${(res.callgrind.flags ?? []).join(" ")}\`. A handler's figure is the inclusive Ir (its own instructions plus everything it calls, cache_reg included) of the driver's calls to it, divided by the number of those calls; the same cases run against both builds.`,
    "",
  );

  L.push("## What keeps it fast", "");
  L.push(
    "- `check` (and a `generate` with nothing to do) reuses every target whose file on disk carries this run's banner (same input hash: spec, templates, generator version, options) over a body that still matches its body hash: the spec is read and hashed but not parsed, and yaml, ajv, Handlebars, ts-morph and prettier are never loaded (generator/generate/produce.ts `existing`).",
    "- yaml, Handlebars and ajv load on first use; the schema validator is ajv standalone code compiled by `npm run build` (scripts/compile-schema.js), used while its schema hash matches the schema on disk; Handlebars templates compile once per process.",
    "- The TypeScript target is printed in prettier's style by its builders (a list on one line exactly when prettier would put it there, the enum's trailing comma, two-space indent), so prettier is neither loaded nor run unless a printed line is longer than printWidth (it takes a register or backend name of dozens of characters) or a doc comment holds a tab or a trailing blank (generator/emit-ts.ts). tests/ts/prettier-style.test.ts holds the printed text to prettier's output on the checked-in specs, synthetic specs up to 1,000 registers, random specs with hostile docs and long names, and lists at the printWidth boundary.",
    "- When prettier does run, it is given the `babel-ts` parser and the file's path (the `typescript` parser, without a path, guesses TSX with a regular expression quadratic in the file's length: 7 s of 10 at 4,000 registers).",
    "- Known growth: in a bitmap mask a guarded register's bit is listed in every word its enum value can fall in (guards before it shift it), so `kvm_regs.h` grows faster than the register count when many guarded registers precede others (the output bytes in the generate table below).",
    "",
  );

  const c = res.check;
  L.push("## `regcache check` on spec/x86-kvm.yaml", "", `Checked: ${c.where}.`, "");
  L.push("| command | median | IQR | min / max | runs |", "|---|---|---|---|---|");
  L.push(`| \`node -e 0\` | ${ms(c.node)} | ${spread(c.node)} | ${minmax(c.node)} | ${c.runs} |`);
  L.push(
    `| \`regcache check\` | ${ms(c.check)} | ${spread(c.check)} | ${minmax(c.check)} | ${c.runs} |`,
  );
  L.push("");
  L.push(
    `Ratio of medians: **${c.ratio.toFixed(2)}×** bare node start-up (per interleaved pair: median ${c.pairRatio.median.toFixed(2)}×, IQR ${c.pairRatio.q1.toFixed(2)}–${c.pairRatio.q3.toFixed(2)}×).`,
    "",
  );

  const g = res.generate;
  L.push("## `regcache generate` scaling", "");
  L.push(
    "| spec | registers | output bytes | median | IQR | min / max | in-process (generator alone) |",
    "|---|---|---|---|---|---|---|",
  );
  for (const s of g.specs) {
    const st = g.stats[s.label];
    const ip = g.inProcess[s.label];
    L.push(
      `| ${s.label === "default" ? "spec/x86-kvm.yaml" : `synthetic-${s.label}`} | ${s.registers ?? "?"} | ${s.bytesOut} | ${ms(st)} | ${spread(st)} | ${minmax(st)} | ${ip ? `${ip.median.toFixed(1)} ms` : "-"} |`,
    );
  }
  L.push("");
  L.push("| step | registers × | command time × | generator-alone time × |", "|---|---|---|---|");
  for (const s of g.steps) {
    const ip =
      g.inProcess[s.to] && g.inProcess[s.from]
        ? g.inProcess[s.to].median / g.inProcess[s.from].median
        : NaN;
    L.push(
      `| ${s.from} → ${s.to} | ${s.registers.toFixed(2)} | ${s.time.toFixed(2)} | ${ip.toFixed(2)} |`,
    );
  }
  L.push("");
  L.push(
    "The command time includes node's start-up and loading the generator's libraries, which do not grow with the spec; the generator-alone column (`generateAll()` called in one warm process, median of repeated calls) shows how the work itself grows.",
    "",
  );

  const cp = g.coldPhases;
  if (cp?.default && cp["1000"]) {
    L.push(
      "Where a cold `generate` spends its time: each phase of `generateAll()` timed in a fresh process, the libraries it needs loading inside it as they do in the command (medians of " +
        `${cp.default["node start-up"].n} processes; writing the files and the command line are left out).`,
      "",
      "| phase | spec/x86-kvm.yaml | synthetic-1000 | added by 1,000 registers |",
      "|---|---|---|---|",
    );
    let a = 0;
    let b = 0;
    for (const phase of Object.keys(cp.default)) {
      const x = cp.default[phase].median;
      const y = cp["1000"][phase]?.median ?? NaN;
      a += x;
      b += y;
      L.push(`| ${phase} | ${x.toFixed(0)} ms | ${y.toFixed(0)} ms | ${(y - x).toFixed(0)} ms |`);
    }
    L.push(
      `| sum of medians | ${a.toFixed(0)} ms | ${b.toFixed(0)} ms | ${(b - a).toFixed(0)} ms |`,
      "",
    );
  }

  const z = res.size;
  L.push("## `regcache size` on the default matrix", "");
  if (!z.available) L.push(`Not measured: ${z.reason}.`, "");
  else {
    L.push(
      `Configs run: ${z.configs.join(", ") || "none"}${z.skipped.length ? `; skipped: ${z.skipped.join(", ")}` : ""}. Each run with \`--no-cache\`: it compiles everything, as the xargs reference does.`,
      "",
    );
    L.push("| jobs | median | IQR | min / max | runs |", "|---|---|---|---|---|");
    L.push(`| 1 | ${ms(z.jobs1)} | ${spread(z.jobs1)} | ${minmax(z.jobs1)} | ${z.runs} |`);
    L.push(
      `| ${z.cores} (all cores) | ${ms(z.jobsAll)} | ${spread(z.jobsAll)} | ${minmax(z.jobsAll)} | ${z.runs} |`,
    );
    L.push(
      "",
      `All cores take **${z.ratio.toFixed(2)}×** the time of --jobs 1.`,
      "",
      `For scale, the same ${z.compileCommands} compile commands (from \`regcache size --keep\`'s commands.sh) run by \`xargs -P 1\` took ${ms(z.reference.xargs1)} (IQR ${spread(z.reference.xargs1)}) and by \`xargs -P ${z.cores}\` ${ms(z.reference.xargsAll)} (IQR ${spread(z.reference.xargsAll)}): **${z.reference.ratio.toFixed(2)}×**, what this machine gives this workload with every core, whatever runs the compilers.`,
      "",
    );
  }

  const k = res.callgrind;
  L.push("## Instructions per handler call (callgrind)", "");
  if (!k.available) L.push(`Not measured: ${k.reason}.`, "");
  else {
    L.push(
      `| handler | ${BACKENDS.map((b) => `${b} spec | ${b} all-cached | ${b} Δ`).join(" | ")} |`,
    );
    L.push(`|---|${BACKENDS.map(() => "---:|---:|---:").join("|")}|`);
    for (const h of k.handlers) {
      const cells = BACKENDS.map((b) => {
        const e = k.perCall[b][h];
        if (!e?.spec || !e?.["all-cached"]) return "- | - | -";
        const d = e.spec.ir - e["all-cached"].ir;
        const pct = (100 * d) / e["all-cached"].ir;
        return `${e.spec.ir.toFixed(1)} | ${e["all-cached"].ir.toFixed(1)} | ${d.toFixed(1)} (${pct.toFixed(0)}%)`;
      });
      L.push(`| \`${h}\` | ${cells.join(" | ")} |`);
    }
    L.push(
      "",
      "A handler the driver never calls on a backend shows -, as does one that only runs nested inside another. Figures are averages over the same seeded cases on both builds, so a difference is the accessors' cost, not different inputs.",
      "",
    );
  }
  const kb = res.kernel;
  if (kb?.available) {
    const s = (x) => `${(x / 1000).toFixed(1)} s`;
    L.push("## A real kernel: `size --compile-commands` on Linux 6.1's KVM", "");
    L.push(
      `Tree: ${kb.tree} (Debian's linux-source-6.1, built by tests/kernel/prepare.js), ${kb.cores} cores, one run each, timed under the kernel build lock (bench/kernel.js). Spec \`spec/linux-6.1.yaml\` against \`--base all-cached\`.`,
      "",
      "| run | wall time | |",
      "|---|---|---|",
      `| cold: \`regcache size --spec spec/linux-6.1.yaml --compile-commands …\`, empty object cache | ${s(kb.cold.ms)} | ${kb.cold.stderr.split("\n").join("; ")} |`,
      `| warm: the same again, nothing changed | ${s(kb.warm.ms)} | ${kb.warm.stderr.split("\n").join("; ")} |`,
      `| manual: swap in the header, make, swap in all-cached, make, bloat-o-meter × ${kb.manual.pairs} | ${s(kb.manual.ms)} | makes ${s(kb.manual.make1Ms)} + ${s(kb.manual.make2Ms)}, loop ${s(kb.manual.loopMs)} |`,
      kb.objects.ms !== undefined
        ? `| \`regcache size --objects\` over the manual workflow's two object trees | ${s(kb.objects.ms)} | vs its bloat-o-meter loop ${s(kb.objects.loopMs)} |`
        : `| \`regcache size --objects\` | not measured | ${kb.objects.unavailable} |`,
      "",
    );
    const f = kb.figures;
    const row = (name, r) =>
      r ? `| \`${name}\` | ${r.base} | ${r.head} | ${r.delta} |` : `| \`${name}\` | - | - | - |`;
    L.push(
      "What the cold run printed (bytes, all-cached → spec):",
      "",
      "| function | all-cached | spec | delta |",
      "|---|---|---|---|",
      row("kvm_emulate_cpuid", f.kvm_emulate_cpuid),
      row("kvm_emulate_hypercall", f.kvm_emulate_hypercall),
      row("kvm_hv_hypercall", f.kvm_hv_hypercall),
      `| total of the measured units | ${f.total.base} | ${f.total.head} | ${f.total.delta} |`,
      "",
    );
  }
  return L.join("\n");
}

function main() {
  if (!fs.existsSync(path.join(ROOT, "dist", "generator", "cli", "main.js")))
    fail("dist/ is missing: run `npm ci` (or `npm run build`) first");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "regcache-bench-"));
  const started = Date.now();
  const res = { version: 1, date: new Date().toISOString(), machine: machine() };
  try {
    const skip = (name, reason) => ({ available: false, reason });
    const only = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(",") : undefined;
    const want = (name) => !only || only.includes(name);
    res.check = benchCheck(work);
    log(`check: ${describe(res.check.check)} vs node ${describe(res.check.node)}`);
    res.generate = benchGenerate(work);
    res.size = want("size") ? benchSize(work) : skip("size", "left out (BENCH_ONLY)");
    res.callgrind = want("callgrind")
      ? benchCallgrind(work)
      : skip("callgrind", "left out (BENCH_ONLY)");
    res.kernel = want("kernel") ? benchKernel(work) : skip("kernel", "left out (BENCH_ONLY)");
    // BENCH_ONLY reruns some parts: the others are carried over from the last
    // bench/results.json, each marked with the date it was measured.
    if (only) {
      let previous;
      try {
        previous = JSON.parse(fs.readFileSync(path.join(__dirname, "results.json"), "utf8"));
      } catch {
        previous = undefined;
      }
      for (const part of ["size", "callgrind", "kernel"])
        if (!want(part) && previous?.[part]?.available)
          res[part] = {
            ...previous[part],
            carriedFrom: previous[part].carriedFrom ?? previous.date,
          };
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  res.targets = targets(res);
  res.seconds = Math.round((Date.now() - started) / 1000);
  fs.writeFileSync(path.join(__dirname, "results.json"), JSON.stringify(res, null, 2) + "\n");
  fs.writeFileSync(path.join(ROOT, "BENCHMARKS.md"), markdown(res) + "\n");
  process.stdout.write(
    `regcache bench (${res.seconds} s): wrote BENCHMARKS.md and bench/results.json\n`,
  );
  for (const t of res.targets)
    process.stdout.write(`  ${t.pass ? "PASS" : "FAIL"}  ${t.name}: ${t.measured} (${t.limit})\n`);
  const failed = res.targets.filter((t) => !t.pass).length;
  process.stdout.write(failed ? `${failed} target(s) failed\n` : "all targets hold\n");
  return failed ? 1 : 0;
}

/**
 * `node bench/run.js --kernel-result FILE`: takes the kernel part from a run
 * of bench/kernel.js (same script, run on its own under the kernel build
 * lock, e.g. while the rest of the machine is busy), the other parts from
 * bench/results.json as they were measured, and rewrites BENCHMARKS.md and
 * results.json. Nothing is measured here; every part keeps its date.
 */
function mergeKernel(file) {
  const res = JSON.parse(fs.readFileSync(path.join(__dirname, "results.json"), "utf8"));
  const kernel = JSON.parse(fs.readFileSync(file, "utf8"));
  const measured = fs.statSync(file).mtime.toISOString();
  res.kernel = { available: true, tree: kernel.tree, ...kernel, carriedFrom: measured };
  res.targets = targets(res);
  fs.writeFileSync(path.join(__dirname, "results.json"), JSON.stringify(res, null, 2) + "\n");
  fs.writeFileSync(path.join(ROOT, "BENCHMARKS.md"), markdown(res) + "\n");
  for (const t of res.targets)
    process.stdout.write(`  ${t.pass ? "PASS" : "FAIL"}  ${t.name}: ${t.measured} (${t.limit})\n`);
  return 0;
}

try {
  const at = process.argv.indexOf("--kernel-result");
  process.exitCode = at > 0 ? mergeKernel(process.argv[at + 1]) : main();
} catch (err) {
  if (!(err instanceof BenchError)) throw err;
  process.stderr.write(`bench: error: ${err.message}\n`);
  process.exitCode = 2;
}
