/*
 * `regcache size --compile-commands` on the real Linux 7.2 KVM (the cached,
 * built Debian tree with TDX, trees.ts): spec/linux-7.2.yaml against --base
 * all-cached (the seed redone on 7.2: every GPR family through the cached
 * path), checked against the tree's own scripts/bloat-o-meter run over the
 * very objects regcache measured (--keep), one pair at a time as a kernel
 * developer would; `size --objects` over the same object pairs against a
 * loop of the tree's `bloat-o-meter -t`; the seed's handlers shrink; `--base
 * tree` (the tree's hand-written regs.h) shows no change at all; and the
 * tree's files are unchanged afterwards (every file's size and mtime, and the
 * bytes of arch/x86/kvm and the build's arch/x86/kvm). Compiles run under the
 * machine-wide kernel build lock.
 */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseBloatOMeter } from "./compare";
import { kernelLockPath, KernelTree, prepareTree } from "./trees";

const REPO = path.resolve(__dirname, "../..");
const SERIES = "7.2";
const SPEC = path.join(REPO, "spec", `linux-${SERIES}.yaml`);
/** 7.2 reads the hypercall's registers in ____kvm_emulate_hypercall (REFERENCE.md). */
const SEED_FUNCTIONS = ["kvm_emulate_cpuid", "____kvm_emulate_hypercall"];
const log = (line: string) => process.stderr.write(`kernel size: ${line}\n`);

interface Row {
  name: string;
  base: number | null;
  head: number | null;
  delta: number;
}
interface Report {
  base: string;
  configs: {
    name: string;
    summary: { add: number; remove: number; grow: number; shrink: number };
    functions: Row[];
    total: { base: number; head: number; delta: number };
  }[];
}

/** Every file below `dir`: size, mtime and inode; the bytes' sha256 for files under `hashed`. */
function snapshot(dir: string, hashed: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const st = fs.lstatSync(p);
        let line = `${st.size} ${st.mtimeMs} ${st.ino}`;
        if (e.isFile() && hashed.some((h) => p.startsWith(h)))
          line += ` ${crypto.createHash("sha256").update(fs.readFileSync(p)).digest("hex")}`;
        out.set(p, line);
      }
    }
  };
  walk(dir);
  return out;
}

function regcacheSize(args: string[], env: NodeJS.ProcessEnv) {
  const lock = kernelLockPath();
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const r = spawnSync(
    "flock",
    [lock, "node", path.join(REPO, "bin", "regcache.js"), "size", ...args],
    { cwd: REPO, env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 256 << 20 },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** name → summed delta over a loop of bloat-o-meter over the pairs (only changed names). */
/**
 * A `__UNIQUE_ID_<name><N>` symbol without its `__COUNTER__` digits: regcache
 * reports these folded into one row per name (one fewer static call in a
 * header renumbers them in every unit), where bloat-o-meter lists each number.
 * Written here on its own, not taken from regcache, so the loop stays the
 * independent side of the comparison.
 */
const counterFolded = (name: string): string =>
  name.startsWith("__UNIQUE_ID_") ? name.replace(/\d+$/, "") : name;

function bloatLoop(script: string, pairs: readonly [string, string][], options: string[] = []) {
  const deltas = new Map<string, number>();
  let before = 0;
  let after = 0;
  for (const [oldObj, newObj] of pairs) {
    const r = spawnSync("python3", [script, ...options, oldObj, newObj], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`bloat-o-meter ${oldObj} ${newObj}: ${r.stderr}`);
    const report = parseBloatOMeter(r.stdout);
    for (const row of report.rows) {
      const name = counterFolded(row.name);
      deltas.set(name, (deltas.get(name) ?? 0) + row.delta);
    }
    const total = /^Total: Before=(\d+), After=(\d+),/m.exec(r.stdout);
    if (!total) throw new Error(`no Total line from bloat-o-meter ${oldObj} ${newObj}`);
    before += Number(total[1]);
    after += Number(total[2]);
  }
  for (const [name, d] of [...deltas]) if (d === 0) deltas.delete(name);
  return { deltas, before, after };
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "regcache-kernel-size-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
let tree: KernelTree;
let before: Map<string, string>;
const cacheEnv = () => ({ REGCACHE_CACHE_DIR: path.join(work, "cache") });

beforeAll(() => {
  if (!fs.existsSync(SPEC)) throw new Error(`${SPEC} is missing (the kernel-profiles issue)`);
  tree = prepareTree(`linux-source-${SERIES}`, log);
  before = snapshot(tree.srcDir, [
    path.join(tree.srcDir, "arch", "x86", "kvm"),
    path.join(tree.buildDir, "arch", "x86", "kvm"),
  ]);
});

describe(`size --compile-commands on Linux ${SERIES}'s KVM`, () => {
  let report: Report;
  const keep = () => path.join(work, "keep");

  let run: ReturnType<typeof regcacheSize>;

  // The one measured run every test below reads (its report and its --keep
  // objects), in a hook so that each test also passes when run alone (jest -t).
  beforeAll(() => {
    log("compiling the KVM units twice (spec vs all-cached)");
    run = regcacheSize(
      [
        "--spec",
        SPEC,
        "--compile-commands",
        tree.compileCommands,
        "--format",
        "json",
        "--keep",
        keep(),
      ],
      cacheEnv(),
    );
    if (run.code === 0) report = JSON.parse(run.stdout) as Report;
  });

  test(`spec/linux-${SERIES}.yaml vs all-cached: runs, reports the seed's handlers shrinking`, () => {
    const r = run;
    expect({ code: r.code, stderr: r.code === 0 ? "" : r.stderr }).toEqual({ code: 0, stderr: "" });
    log(r.stderr.trim());
    const config = report.configs[0];
    for (const name of SEED_FUNCTIONS) {
      const row = config.functions.find((f) => f.name === name);
      log(`${name}: ${row?.base} -> ${row?.head} (${row?.delta})`);
      expect(row && row.delta < 0).toBe(true);
    }
    log(`total: ${config.total.base} -> ${config.total.head} (${config.total.delta})`);
    expect(config.total.delta).toBeLessThan(0);
  });

  /** The kept objects as (base, head) pairs matched by relative path. */
  const keptPairs = (): [string, string][] => {
    const pairs: [string, string][] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith(".o")) {
          const head = path.join(keep(), "head", path.relative(path.join(keep(), "base"), p));
          pairs.push([p, head]);
        }
      }
    };
    walk(path.join(keep(), "base"));
    return pairs;
  };

  test("every changed name and both totals equal a loop of the tree's scripts/bloat-o-meter over the kept objects", () => {
    const pairs = keptPairs();
    expect(pairs.length).toBeGreaterThanOrEqual(29);
    const loop = bloatLoop(path.join(tree.srcDir, "scripts", "bloat-o-meter"), pairs);
    const ours = new Map(
      report.configs[0].functions.filter((f) => f.delta !== 0).map((f) => [f.name, f.delta]),
    );
    expect(Object.fromEntries([...ours].sort())).toEqual(
      Object.fromEntries([...loop.deltas].sort()),
    );
    // The tree's script counts weak symbols (vVwW) as regcache does (6.1's did not).
    expect({
      before: report.configs[0].total.base,
      after: report.configs[0].total.head,
    }).toEqual({ before: loop.before, after: loop.after });
    log(
      `bloat-o-meter loop over ${pairs.length} pairs: ${loop.deltas.size} changed names, total ${loop.before} -> ${loop.after}, as regcache`,
    );
  });

  test("size --objects over the two kept object trees equals a loop of bloat-o-meter over the pairs", () => {
    // --objects counts functions and data as --compile-commands and bloat-o-meter (without -t) do.
    const script = path.join(tree.srcDir, "scripts", "bloat-o-meter");
    const pairs = keptPairs();
    expect(pairs.length).toBeGreaterThanOrEqual(29);
    // The two trees --objects compares: the pairs' objects, hard-linked by relative path (the
    // kept directories also hold the units compiled once, on one side only).
    const trees = path.join(work, "objects");
    for (const [oldObj, newObj] of pairs) {
      const rel = path.relative(path.join(keep(), "base"), oldObj);
      for (const [side, obj] of [
        ["old", oldObj],
        ["new", newObj],
      ] as const) {
        fs.mkdirSync(path.dirname(path.join(trees, side, rel)), { recursive: true });
        fs.linkSync(obj, path.join(trees, side, rel));
      }
    }
    const r = regcacheSize(
      ["--objects", path.join(trees, "old"), path.join(trees, "new"), "--format", "json"],
      {},
    );
    expect({ code: r.code, stderr: r.code === 0 ? "" : r.stderr }).toEqual({ code: 0, stderr: "" });
    const config = (JSON.parse(r.stdout) as Report).configs[0];
    const loop = bloatLoop(script, pairs);
    const ours = new Map(
      config.functions.filter((f) => f.delta !== 0).map((f) => [f.name, f.delta]),
    );
    expect(Object.fromEntries([...ours].sort())).toEqual(
      Object.fromEntries([...loop.deltas].sort()),
    );
    expect({ before: config.total.base, after: config.total.head }).toEqual({
      before: loop.before,
      after: loop.after,
    });
    log(
      `--objects over ${pairs.length} pairs: ${ours.size} changed names, total ${config.total.base} -> ${config.total.head}, as the bloat-o-meter loop`,
    );
  });

  test("--base tree (the tree's hand-written block): adopting the generated block changes nothing", () => {
    const r = regcacheSize(
      [
        "--spec",
        SPEC,
        "--compile-commands",
        tree.compileCommands,
        "--base",
        "tree",
        "--format",
        "json",
      ],
      cacheEnv(),
    );
    expect({ code: r.code, stderr: r.code === 0 ? "" : r.stderr }).toEqual({ code: 0, stderr: "" });
    log(r.stderr.trim());
    const config = (JSON.parse(r.stdout) as Report).configs[0];
    expect(config.summary).toEqual({
      add: 0,
      remove: 0,
      grow: 0,
      shrink: 0,
      up: 0,
      down: 0,
      net: 0,
    });
    expect(config.total.delta).toBe(0);
    expect(config.functions.length).toBeGreaterThan(1000);
  });

  test("the tree (source and build directory) is unchanged: every file's size, mtime and inode; KVM's bytes", () => {
    const after = snapshot(tree.srcDir, [
      path.join(tree.srcDir, "arch", "x86", "kvm"),
      path.join(tree.buildDir, "arch", "x86", "kvm"),
    ]);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
      (p) => before.get(p) !== after.get(p),
    );
    expect(changed).toEqual([]);
  });
});
