/*
 * `regcache size --compile-commands` on the real Linux 6.12 and 7.2 KVM.
 *
 * 6.12: a spec with CR3 taken out of VMX's lazy set (always available)
 * against spec/linux-6.12.yaml, as a developer measures a spec change: the
 * report holds only the functions whose code changed (a loop of the tree's
 * scripts/bloat-o-meter over the kept objects, __COUNTER__ renames folded),
 * no __UNIQUE_ID symbol added, removed or renamed, and the text report lists
 * functions and data under their own headings.
 *
 * 7.2 (the cached,
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
import { withVmxLazy } from "./kernel-spec";
import { kernelLockPath, KernelTree, prepareTree } from "./trees";

const REPO = path.resolve(__dirname, "../..");
const SERIES = "7.2";
const SPEC = path.join(REPO, "spec", `linux-${SERIES}.yaml`);
/** 7.2 reads the hypercall's registers in ____kvm_emulate_hypercall (REFERENCE.md). */
const SEED_FUNCTIONS = ["kvm_emulate_cpuid", "____kvm_emulate_hypercall"];
const log = (line: string) => process.stderr.write(`kernel size: ${line}\n`);

interface Row {
  name: string;
  kind: "function" | "data";
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
  /** bloat-o-meter's own rows naming a __UNIQUE_ID symbol, before folding. */
  let uniqueIdRows = 0;
  let before = 0;
  let after = 0;
  for (const [oldObj, newObj] of pairs) {
    const r = spawnSync("python3", [script, ...options, oldObj, newObj], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`bloat-o-meter ${oldObj} ${newObj}: ${r.stderr}`);
    const report = parseBloatOMeter(r.stdout);
    for (const row of report.rows) {
      if (row.name.startsWith("__UNIQUE_ID_")) uniqueIdRows++;
      const name = counterFolded(row.name);
      deltas.set(name, (deltas.get(name) ?? 0) + row.delta);
    }
    const total = /^Total: Before=(\d+), After=(\d+),/m.exec(r.stdout);
    if (!total) throw new Error(`no Total line from bloat-o-meter ${oldObj} ${newObj}`);
    before += Number(total[1]);
    after += Number(total[2]);
  }
  for (const [name, d] of [...deltas]) if (d === 0) deltas.delete(name);
  return { deltas, uniqueIdRows, before, after };
}

/** The kept objects under `keep` as (base, head) pairs matched by relative path. */
function keptPairs(keep: string): [string, string][] {
  const pairs: [string, string][] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".o")) {
        const head = path.join(keep, "head", path.relative(path.join(keep, "base"), p));
        pairs.push([p, head]);
      }
    }
  };
  walk(path.join(keep, "base"));
  return pairs;
}

/**
 * The text report's tables, heading → the names listed under it, for one
 * config: a heading is a row whose other cells are `base head delta %`.
 */
function textSections(text: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split("\n")) {
    const cells = line.trim().split(/\s+/);
    if (cells.length === 5 && cells.slice(1).join(" ") === "base head delta %") {
      current = [];
      sections.set(cells[0]!, current);
    } else if (line === "" || line.startsWith("(") || line.startsWith("Total:"))
      current = undefined;
    else if (current) current.push(cells[0]!);
  }
  return sections;
}

let work: string;
const cacheEnv = () => ({ REGCACHE_CACHE_DIR: path.join(work, "cache") });
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "regcache-kernel-size-"));
});
afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("size --compile-commands on Linux 6.12's KVM: CR3 always available on VMX vs spec/linux-6.12.yaml", () => {
  const base = path.join(REPO, "spec", "linux-6.12.yaml");
  const keep = () => path.join(work, "keep-6.12");
  let tree: KernelTree;
  let json: ReturnType<typeof regcacheSize>;
  let text: ReturnType<typeof regcacheSize>;
  let before: Map<string, string>;

  // The measured runs (JSON with --keep, then text from the object cache), in a hook so that
  // each test also passes when run alone (jest -t).
  beforeAll(() => {
    tree = prepareTree("linux-source-6.12", log);
    before = snapshot(tree.srcDir, [
      path.join(tree.srcDir, "arch", "x86", "kvm"),
      path.join(tree.buildDir, "arch", "x86", "kvm"),
    ]);
    const head = path.join(work, "linux-6.12-cr3-always.yaml");
    fs.writeFileSync(
      head,
      withVmxLazy(fs.readFileSync(base, "utf8"), (regs) => {
        if (!regs.includes("cr3")) throw new Error(`${base}: CR3 is not in VMX's lazy set`);
        return regs.filter((r) => r !== "cr3");
      }),
    );
    const args = ["--spec", head, "--base", base, "--compile-commands", tree.compileCommands];
    log("6.12: compiling the KVM units twice (CR3 always available vs the spec)");
    json = regcacheSize([...args, "--format", "json", "--keep", keep()], cacheEnv());
    text = regcacheSize([...args, "--format", "text"], cacheEnv());
  });

  test("every reported symbol is one whose code changed (the bloat-o-meter loop, renames folded); no __UNIQUE_ID symbol added or removed", () => {
    expect({ code: json.code, stderr: json.code === 0 ? "" : json.stderr }).toEqual({
      code: 0,
      stderr: "",
    });
    const config = (JSON.parse(json.stdout) as Report).configs[0];
    const changed = config.functions.filter((f) => f.delta !== 0);
    const pairs = keptPairs(keep());
    expect(pairs.length).toBeGreaterThan(20);
    const loop = bloatLoop(path.join(tree.srcDir, "scripts", "bloat-o-meter"), pairs);
    expect(Object.fromEntries(changed.map((f) => [f.name, f.delta]).sort())).toEqual(
      Object.fromEntries([...loop.deltas].sort()),
    );
    // A __UNIQUE_ID row is the sum of one name's counter-numbered symbols: it may change size
    // (fewer static_call sites, say, which the loop above confirms), never appear or vanish.
    const uniqueIds = config.functions.filter((f) => f.name.startsWith("__UNIQUE_ID_"));
    expect(uniqueIds.filter((f) => f.base === null || f.head === null)).toEqual([]);
    const changedIds = uniqueIds.filter((f) => f.delta !== 0);
    const functions = changed.filter((f) => f.kind === "function");
    log(
      `6.12 CR3 always available on VMX vs spec/linux-6.12.yaml over ${pairs.length} object pairs: ` +
        `${functions.length} functions and ${changed.length - functions.length} data symbols changed ` +
        `(add/remove ${config.summary.add}/${config.summary.remove}, grow/shrink ${config.summary.grow}/${config.summary.shrink}), ` +
        `total ${config.total.base} -> ${config.total.head} (${config.total.delta > 0 ? "+" : ""}${config.total.delta} B); ` +
        `the bloat-o-meter loop agrees, its ${loop.uniqueIdRows} __UNIQUE_ID rows folded into ` +
        `${changedIds.length} (${changedIds.map((f) => `${f.name} ${f.base} -> ${f.head}`).join(", ")})`,
    );
    expect(functions.length).toBeGreaterThan(0);
  });

  test("the text report lists the changed functions and data under their own headings", () => {
    expect({ code: text.code, stderr: text.code === 0 ? "" : text.stderr }).toEqual({
      code: 0,
      stderr: "",
    });
    const config = (JSON.parse(json.stdout) as Report).configs[0];
    const want = new Map<string, string[]>();
    for (const f of config.functions.filter((r) => r.delta !== 0))
      want.set(f.kind, [...(want.get(f.kind) ?? []), f.name]);
    const got = textSections(text.stdout);
    const sorted = (m: Map<string, string[]>) =>
      Object.fromEntries([...m].map(([k, v]) => [k, [...v].sort()]));
    expect(sorted(got)).toEqual(sorted(want));
    expect(got.has("function")).toBe(true);
    log(`6.12 text report: ${[...got].map(([k, v]) => `${v.length} under "${k}"`).join(", ")}`);
  });

  test("the tree (source and build directory) is unchanged", () => {
    const after = snapshot(tree.srcDir, [
      path.join(tree.srcDir, "arch", "x86", "kvm"),
      path.join(tree.buildDir, "arch", "x86", "kvm"),
    ]);
    const differs = [...new Set([...before.keys(), ...after.keys()])].filter(
      (p) => before.get(p) !== after.get(p),
    );
    expect(differs).toEqual([]);
  });
});

describe(`size --compile-commands on Linux ${SERIES}'s KVM`, () => {
  let report: Report;
  const keep = () => path.join(work, "keep");
  let tree: KernelTree;
  let before: Map<string, string>;

  let run: ReturnType<typeof regcacheSize>;

  // The one measured run every test below reads (its report and its --keep
  // objects), in a hook so that each test also passes when run alone (jest -t).
  beforeAll(() => {
    if (!fs.existsSync(SPEC)) throw new Error(`${SPEC} is missing (the kernel-profiles issue)`);
    tree = prepareTree(`linux-source-${SERIES}`, log);
    before = snapshot(tree.srcDir, [
      path.join(tree.srcDir, "arch", "x86", "kvm"),
      path.join(tree.buildDir, "arch", "x86", "kvm"),
    ]);
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

  test("every changed name and both totals equal a loop of the tree's scripts/bloat-o-meter over the kept objects", () => {
    const pairs = keptPairs(keep());
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
    const pairs = keptPairs(keep());
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
