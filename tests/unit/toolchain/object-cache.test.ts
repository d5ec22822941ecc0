/*
 * The object cache (generator/toolchain/object-cache.ts) on files written by
 * the test instead of compiles: the key and its placeholders, a store and a
 * hit (the object and a dependency file written where the request says), a
 * changed or unreadable dependency and every kind of damage a miss, the
 * variants of one key, eviction least recently used first, the settings from
 * the environment, and the compiler's identity.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  cacheFromEnv,
  cacheKey,
  compilerIdentity,
  DEFAULT_CACHE_MAX,
  FileHasher,
  lookup,
  parseByteSize,
  store,
  trim,
  type CacheRequest,
  type ObjectCache,
} from "../../../generator/toolchain/object-cache";
import { tempDir } from "../../helpers/temp";

/** A cache, a private root standing for one run's scratch directory, and a source it reads. */
function setup() {
  const work = tempDir("object-cache");
  const cache: ObjectCache = { dir: path.join(work, "cache"), maxBytes: 1 << 20 };
  const src = path.join(work, "src");
  fs.mkdirSync(src);
  fs.writeFileSync(path.join(src, "a.c"), "int a;\n");
  fs.writeFileSync(path.join(src, "a.h"), "#define A 1\n");
  const run = (name: string): CacheRequest => {
    const root = path.join(work, name);
    return {
      compiler: "gcc:12",
      cwd: src,
      argv: ["gcc", "-O2", "-c", "a.c", "-o", path.join(root, "a.o")],
      placeholders: [[root, "@ROOT@"]],
      object: path.join(root, "a.o"),
      depfile: path.join(root, "a.o.d"),
    };
  };
  /** What a compile of `req` would leave: its object. */
  const compiled = (req: CacheRequest, bytes = "OBJECT-1") => {
    fs.mkdirSync(path.dirname(req.object), { recursive: true });
    fs.writeFileSync(req.object, bytes);
  };
  const deps = [path.join(src, "a.c"), path.join(src, "a.h")];
  return { work, cache, src, run, compiled, deps };
}

const filesUnder = (dir: string) =>
  (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort();

describe("cacheKey", () => {
  test("a run's private paths do not change it; the compiler, cwd and arguments do", () => {
    const { run } = setup();
    const key = cacheKey(run("run1"));
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheKey(run("run2"))).toBe(key);
    expect(cacheKey({ ...run("run1"), compiler: "gcc:13" })).not.toBe(key);
    expect(cacheKey({ ...run("run1"), cwd: "/elsewhere" })).not.toBe(key);
    expect(cacheKey({ ...run("run1"), argv: [...run("run1").argv, "-g"] })).not.toBe(key);
    expect(cacheKey({ ...run("run1"), placeholders: [] })).not.toBe(key);
  });
});

describe("store and lookup", () => {
  test("a hit in another run writes the object and a dependency file there", () => {
    const { cache, run, compiled, deps } = setup();
    const first = run("run1");
    compiled(first);
    store(cache, first, deps, new FileHasher());
    const second = run("run2");
    expect(lookup(cache, second, new FileHasher())).toEqual(deps);
    expect(fs.readFileSync(second.object, "utf8")).toBe("OBJECT-1");
    expect(fs.readFileSync(second.depfile, "utf8")).toBe(
      `${second.object}: ${deps[0]} \\\n ${deps[1]}\n`,
    );
    // Content-addressed objects, one manifest per key.
    expect(filesUnder(cache.dir).map((f) => f.split(path.sep)[0])).toEqual([
      "manifests",
      "objects",
    ]);
  });

  test("a dependency below the run's root is found again under the next run's root", () => {
    const { cache, run, compiled, deps, work } = setup();
    const first = run("run1");
    compiled(first);
    const generated = path.join(work, "run1", "gen.h");
    fs.writeFileSync(generated, "#define G 1\n");
    store(cache, first, [...deps, generated], new FileHasher());
    const second = run("run2");
    // Missing in run2: a miss.
    expect(lookup(cache, second, new FileHasher())).toBeUndefined();
    fs.mkdirSync(path.join(work, "run2"), { recursive: true });
    fs.writeFileSync(path.join(work, "run2", "gen.h"), "#define G 1\n");
    expect(lookup(cache, second, new FileHasher())).toEqual([
      ...deps,
      path.join(work, "run2", "gen.h"),
    ]);
  });

  test("a changed dependency is a miss; its variant is stored beside the first", () => {
    const { cache, run, compiled, deps, src } = setup();
    const req = run("run1");
    compiled(req, "OBJECT-1");
    store(cache, req, deps, new FileHasher());
    fs.writeFileSync(path.join(src, "a.h"), "#define A 2\n");
    expect(lookup(cache, run("run2"), new FileHasher())).toBeUndefined();
    compiled(req, "OBJECT-2");
    store(cache, req, deps, new FileHasher());
    const hit = run("run3");
    expect(lookup(cache, hit, new FileHasher())).toEqual(deps);
    expect(fs.readFileSync(hit.object, "utf8")).toBe("OBJECT-2");
    // Back to the first header: the first variant still answers.
    fs.writeFileSync(path.join(src, "a.h"), "#define A 1\n");
    const back = run("run4");
    expect(lookup(cache, back, new FileHasher())).toEqual(deps);
    expect(fs.readFileSync(back.object, "utf8")).toBe("OBJECT-1");
  });

  test("a dependency that cannot be read is not stored", () => {
    const { cache, run, compiled, deps, src } = setup();
    const req = run("run1");
    compiled(req);
    store(cache, req, [...deps, path.join(src, "gone.h")], new FileHasher());
    expect(fs.existsSync(cache.dir)).toBe(false);
  });

  test("the hasher reads each file once per run", () => {
    const { src } = setup();
    const hasher = new FileHasher();
    const file = path.join(src, "a.c");
    const before = hasher.hash(file);
    fs.writeFileSync(file, "changed\n");
    expect(hasher.hash(file)).toBe(before);
    expect(new FileHasher().hash(file)).not.toBe(before);
    expect(hasher.hash(path.join(src, "none"))).toBeNull();
  });

  describe("damage is a miss, never a wrong object", () => {
    function stored() {
      const s = setup();
      const req = s.run("run1");
      s.compiled(req);
      store(s.cache, req, s.deps, new FileHasher());
      const file = (top: string) => {
        const rel = filesUnder(s.cache.dir).find((f) => f.startsWith(top))!;
        return path.join(s.cache.dir, rel);
      };
      return { ...s, manifest: file("manifests"), object: file("objects") };
    }

    test.each<[string, (m: string, o: string) => void]>([
      ["an object altered", (_m, o) => fs.writeFileSync(o, "OBJECT-X")],
      ["an object truncated", (_m, o) => fs.writeFileSync(o, "OBJ")],
      ["an object removed", (_m, o) => fs.rmSync(o)],
      ["a manifest that is not JSON", (m) => fs.writeFileSync(m, "{")],
      [
        "a manifest whose variants do not match its check",
        (m) => {
          const json = JSON.parse(fs.readFileSync(m, "utf8"));
          json.variants[0].object = "0".repeat(64);
          fs.writeFileSync(m, JSON.stringify(json));
        },
      ],
      ["a manifest without variants", (m) => fs.writeFileSync(m, JSON.stringify({ check: "x" }))],
    ])("%s", (_name, damage) => {
      const { cache, run, manifest, object } = stored();
      damage(manifest, object);
      const req = run("run2");
      expect(lookup(cache, req, new FileHasher())).toBeUndefined();
      expect(fs.existsSync(req.object)).toBe(false);
    });

    test("a damaged object is rewritten by the next store", () => {
      const { cache, run, compiled, deps, object } = stored();
      fs.writeFileSync(object, "OBJECT-X");
      const req = run("run2");
      compiled(req);
      store(cache, req, deps, new FileHasher());
      expect(fs.readFileSync(object, "utf8")).toBe("OBJECT-1");
      expect(lookup(cache, run("run3"), new FileHasher())).toEqual(deps);
    });
  });
});

describe("a full disk", () => {
  afterEach(() => jest.restoreAllMocks());

  test("a store that fails part-way leaves no temporary and no entry: the next lookup is a miss, a later store works", () => {
    const { cache, run, compiled, deps } = setup();
    const first = run("run1");
    compiled(first);
    // The module object itself (an `import *` binding is a read-only copy).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const nodeFs = require("node:fs") as typeof fs;
    const realWrite = nodeFs.writeSync;
    jest.spyOn(nodeFs, "writeSync").mockImplementation(((fd: number, ...rest: unknown[]) => {
      if (fd <= 2) return (realWrite as (...a: unknown[]) => number)(fd, ...rest);
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), {
        code: "ENOSPC",
        syscall: "write",
      });
    }) as typeof fs.writeSync);
    expect(() => store(cache, first, deps, new FileHasher())).toThrow(/ENOSPC/);
    jest.restoreAllMocks();
    expect(fs.existsSync(cache.dir) ? filesUnder(cache.dir) : []).toEqual([]);
    expect(lookup(cache, run("run2"), new FileHasher())).toBeUndefined();
    store(cache, first, deps, new FileHasher());
    expect(lookup(cache, run("run3"), new FileHasher())).toEqual(deps);
  });
});

describe("trim", () => {
  test("evicts the least recently used objects until the total is within the bound", () => {
    const { work } = setup();
    const cache: ObjectCache = { dir: path.join(work, "c"), maxBytes: 250 };
    const objects = path.join(cache.dir, "objects");
    for (const [i, name] of ["aa/old.o", "bb/mid.o", "aa/new.o"].entries()) {
      fs.mkdirSync(path.join(objects, path.dirname(name)), { recursive: true });
      fs.writeFileSync(path.join(objects, name), Buffer.alloc(100));
      const t = new Date(Date.UTC(2024, 0, 1 + i));
      fs.utimesSync(path.join(objects, name), t, t);
    }
    trim(cache);
    expect(filesUnder(objects)).toEqual([path.join("aa", "new.o"), path.join("bb", "mid.o")]);
    trim({ ...cache, maxBytes: 200 });
    expect(filesUnder(objects)).toEqual([path.join("aa", "new.o"), path.join("bb", "mid.o")]);
    trim({ ...cache, maxBytes: 0 });
    expect(filesUnder(objects)).toEqual([]);
  });

  test("a cache never written is nothing to trim", () => {
    const { work } = setup();
    expect(() => trim({ dir: path.join(work, "none"), maxBytes: 0 })).not.toThrow();
  });

  test("a hit refreshes the object's time, so it outlives an older one", () => {
    const { cache, run, compiled, deps } = setup();
    const a = run("run1");
    compiled(a, "OBJECT-A");
    store(cache, a, deps, new FileHasher());
    const b = { ...run("run1"), argv: [...run("run1").argv, "-g"] };
    compiled(b, "OBJECT-B");
    store(cache, b, deps, new FileHasher());
    const old = new Date(Date.UTC(2020, 0, 1));
    const objects = path.join(cache.dir, "objects");
    for (const f of filesUnder(objects)) fs.utimesSync(path.join(objects, f), old, old);
    expect(lookup(cache, run("run2"), new FileHasher())).toEqual(deps);
    trim({ ...cache, maxBytes: 8 });
    const left = filesUnder(objects).map((f) => fs.readFileSync(path.join(objects, f), "utf8"));
    expect(left).toEqual(["OBJECT-A"]);
  });
});

describe("parseByteSize", () => {
  test.each([
    ["512", 512],
    ["8K", 8192],
    ["8k", 8192],
    ["512M", 512 * 1024 ** 2],
    ["2G", 2 * 1024 ** 3],
    ["1.5K", 1536],
    ["2GiB", 2 * 1024 ** 3],
    ["10 MB", 10 * 1024 ** 2],
    [" 7 ", 7],
    ["lots", undefined],
    ["-1", undefined],
    ["1T", undefined],
    ["", undefined],
  ])("%p -> %p", (text, want) => {
    expect(parseByteSize(text)).toBe(want);
  });
});

describe("cacheFromEnv", () => {
  test.each<[string, NodeJS.ProcessEnv, string | undefined]>([
    [
      "REGCACHE_CACHE_DIR first",
      { REGCACHE_CACHE_DIR: "/c", XDG_CACHE_HOME: "/x", HOME: "/h" },
      "/c",
    ],
    ["then XDG_CACHE_HOME", { XDG_CACHE_HOME: "/x", HOME: "/h" }, "/x/regcache/objects"],
    ["then HOME", { HOME: "/h" }, "/h/.cache/regcache/objects"],
    [
      "an empty REGCACHE_CACHE_DIR is unset",
      { REGCACHE_CACHE_DIR: "", HOME: "/h" },
      "/h/.cache/regcache/objects",
    ],
    ["none: no cache", {}, undefined],
  ])("%s", (_name, env, dir) => {
    const got = cacheFromEnv(env);
    expect(got).toEqual({
      ok: true,
      cache: dir === undefined ? undefined : { dir, maxBytes: parseByteSize(DEFAULT_CACHE_MAX) },
    });
  });

  test("a relative directory is made absolute; the bound from REGCACHE_CACHE_MAX", () => {
    expect(cacheFromEnv({ REGCACHE_CACHE_DIR: "rel", REGCACHE_CACHE_MAX: "2M" })).toEqual({
      ok: true,
      cache: { dir: path.resolve("rel"), maxBytes: 2 * 1024 ** 2 },
    });
  });

  test("a bound that is not a size is a problem, even without a directory", () => {
    expect(cacheFromEnv({ REGCACHE_CACHE_MAX: "big" })).toEqual({
      ok: false,
      problem: "REGCACHE_CACHE_MAX='big' is not a size (e.g. 512M, 2G)",
    });
  });
});

describe("compilerIdentity", () => {
  test("the executable found on PATH, its real path, size and mtime, and its version", () => {
    const { work } = setup();
    const bin = path.join(work, "bin");
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(work, "real-cc"), "#!/bin/sh\n");
    fs.symlinkSync(path.join(work, "real-cc"), path.join(bin, "cc"));
    const st = fs.statSync(path.join(work, "real-cc"));
    const want = `${path.join(work, "real-cc")}:${st.size}:${st.mtimeMs}:cc 1.0`;
    expect(compilerIdentity("cc", "cc 1.0", { PATH: `${path.join(work, "none")}:${bin}` })).toBe(
      want,
    );
    expect(compilerIdentity(path.join(bin, "cc"), "cc 1.0", {})).toBe(want);
  });

  test("a command found nowhere: its name and version", () => {
    expect(compilerIdentity("no-such-cc", "v", { PATH: "/nonexistent" })).toBe("no-such-cc:v");
    expect(compilerIdentity("no-such-cc", "v", {})).toBe("no-such-cc:v");
  });
});
