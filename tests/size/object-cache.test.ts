/*
 * The object cache (ccache's direct mode): a rerun with nothing changed
 * compiles nothing and prints the same report; a changed include is a miss
 * for exactly the units that read it; a damaged object or manifest is a miss
 * (the figures stay right); two runs sharing an empty cache at once both
 * print the right figures; the size bound evicts. The cache's own pieces
 * (key, store, lookup, trim, settings) are tested in
 * tests/unit/toolchain/object-cache.test.ts.
 */
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { runCli } from "../helpers/capture";
import { makeTreeFixture, TreeFixture } from "./tree-fixture";
import { fileTempDir } from "./helpers";

const work = fileTempDir("size-cache");
let fx: TreeFixture;
let reference: string;

const run = (cacheDir: string | undefined, extra: string[] = [], env: NodeJS.ProcessEnv = {}) =>
  runCli(
    [
      "size",
      "--compile-commands",
      fx.db,
      "--header",
      "kvm/kvm_cache_regs.h",
      "--format",
      "json",
      ...extra,
    ],
    { env: { ...(cacheDir ? { REGCACHE_CACHE_DIR: cacheDir } : {}), ...env } },
  );
/** Every unit on both sides: the handler units twice, the unrelated unit (head only) once. */
const allUnits = () => 2 * fx.handlerUnits + 1;
const counts = (stderr: string) => {
  const m = /(\d+) compiled, (\d+) from the object cache/.exec(stderr);
  return m ? { compiled: Number(m[1]), cached: Number(m[2]) } : undefined;
};
const filesUnder = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
    : [];

beforeAll(async () => {
  fx = makeTreeFixture(path.join(work, "fx"));
  const cold = await run(undefined, ["--no-cache"]);
  expect(cold.code).toBe(0);
  expect(counts(cold.stderr)).toBeUndefined();
  reference = cold.stdout;
}, 120_000);

describe("a rerun", () => {
  const cache = path.join(work, "cache-rerun");
  test("cold fills the cache; warm compiles nothing and prints the same report", async () => {
    const cold = await run(cache);
    expect(counts(cold.stderr)).toEqual({ compiled: allUnits(), cached: 0 });
    const warm = await run(cache);
    expect(counts(warm.stderr)).toEqual({ compiled: 0, cached: allUnits() });
    expect(warm.stdout).toBe(reference);
    expect(cold.stdout).toBe(reference);
  });

  test("a header one unit reads changes: only that unit's two sides recompile", async () => {
    // A copy of the fixture, so the other tests keep theirs.
    const copy = makeTreeFixture(path.join(work, "fx-changed"));
    const args = [
      "size",
      "--compile-commands",
      copy.db,
      "--header",
      "kvm/kvm_cache_regs.h",
      "--format",
      "json",
    ];
    const env = { REGCACHE_CACHE_DIR: path.join(work, "cache-changed") };
    expect(counts((await runCli(args, { env })).stderr)).toEqual({
      compiled: allUnits(),
      cached: 0,
    });
    const cpuid = path.join(copy.tree, "kvm", "cpuid.c");
    fs.appendFileSync(cpuid, "int cache_probe_extra(int x)\n{\n\treturn x + 7;\n}\n");
    const again = await runCli(args, { env });
    expect(counts(again.stderr)).toEqual({ compiled: 2, cached: allUnits() - 2 });
    const names = JSON.parse(again.stdout).configs[0].functions.map(
      (f: { name: string }) => f.name,
    );
    expect(names).toContain("cache_probe_extra");
  });
});

describe("a damaged cache never gives a wrong figure", () => {
  const damage: [string, (cache: string) => void][] = [
    [
      "every object's bytes altered (same length)",
      (cache) => {
        for (const f of filesUnder(path.join(cache, "objects"))) {
          const bytes = fs.readFileSync(f);
          for (let i = 64; i < bytes.length; i += 97) bytes[i] ^= 0x5a;
          fs.writeFileSync(f, bytes);
        }
      },
    ],
    [
      "every object truncated to nothing",
      (cache) => filesUnder(path.join(cache, "objects")).forEach((f) => fs.writeFileSync(f, "")),
    ],
    [
      "every manifest cut in half",
      (cache) =>
        filesUnder(path.join(cache, "manifests")).forEach((f) => {
          const text = fs.readFileSync(f, "utf8");
          fs.writeFileSync(f, text.slice(0, text.length >> 1));
        }),
    ],
    [
      "every manifest pointing at another object (valid JSON, stale check)",
      (cache) =>
        filesUnder(path.join(cache, "manifests")).forEach((f) => {
          const m = JSON.parse(fs.readFileSync(f, "utf8"));
          m.variants[0].object = "0".repeat(64);
          fs.writeFileSync(f, JSON.stringify(m));
        }),
    ],
  ];
  test.each(damage)("%s: a miss, recompiled, same report", async (name, hurt) => {
    const cache = path.join(work, `cache-${name.replace(/\W+/g, "-")}`);
    expect((await run(cache)).code).toBe(0);
    hurt(cache);
    const after = await run(cache);
    expect(after.code).toBe(0);
    expect(counts(after.stderr)).toEqual({ compiled: allUnits(), cached: 0 });
    expect(after.stdout).toBe(reference);
    // And the damage is repaired: the next run is all hits again.
    expect(counts((await run(cache)).stderr)).toEqual({ compiled: 0, cached: allUnits() });
  });
});

describe("two runs at once", () => {
  test("in one process: both right, and the cache they filled serves a third", async () => {
    const cache = path.join(work, "cache-together");
    const [a, b] = await Promise.all([run(cache), run(cache)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(a.stdout).toBe(reference);
    expect(b.stdout).toBe(reference);
    const third = await run(cache);
    expect(counts(third.stderr)).toEqual({ compiled: 0, cached: allUnits() });
    expect(third.stdout).toBe(reference);
  });

  test("as two processes: both right", () => {
    const cache = path.join(work, "cache-processes");
    const bin = path.join(__dirname, "..", "..", "bin", "regcache.js");
    const script = [
      `node ${bin} size --compile-commands ${fx.db} --header kvm/kvm_cache_regs.h --format json --out ${work}/p1.json &`,
      `node ${bin} size --compile-commands ${fx.db} --header kvm/kvm_cache_regs.h --format json --out ${work}/p2.json &`,
      "wait",
    ].join("\n");
    execFileSync("sh", ["-c", script], {
      env: { PATH: process.env.PATH, REGCACHE_CACHE_DIR: cache },
      stdio: "ignore",
    });
    expect(fs.readFileSync(path.join(work, "p1.json"), "utf8")).toBe(reference);
    expect(fs.readFileSync(path.join(work, "p2.json"), "utf8")).toBe(reference);
  });
});

describe("the bound", () => {
  test("REGCACHE_CACHE_MAX evicts objects beyond it after a run; figures unchanged", async () => {
    const cache = path.join(work, "cache-bound");
    const small = await run(cache, [], { REGCACHE_CACHE_MAX: "8K" });
    expect(small.stdout).toBe(reference);
    const total = filesUnder(path.join(cache, "objects")).reduce(
      (s, f) => s + fs.statSync(f).size,
      0,
    );
    expect(total).toBeLessThanOrEqual(8 * 1024);
    expect(total).toBeGreaterThan(0);
  });

  test("a bound that is not a size is refused (exit 2) before any compile", async () => {
    const bad = await run(path.join(work, "cache-bad"), [], { REGCACHE_CACHE_MAX: "lots" });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("REGCACHE_CACHE_MAX='lots' is not a size");
    expect(fs.existsSync(path.join(work, "cache-bad"))).toBe(false);
  });
});
