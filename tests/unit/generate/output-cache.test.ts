/*
 * The output cache (generator/generate/output-cache.ts): where it lives, what it keeps,
 * that a broken or lying entry is a miss and never an error, and that with it
 * `check` still sees every hand edit and spec change.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  directoryCache,
  MAX_ENTRIES,
  outputCacheDir,
} from "../../../generator/generate/output-cache";
import { parseBanner, sha256 } from "../../../generator/targets/banner";
import { main } from "../../../generator/cli/main";
import { tempDir } from "../../helpers/temp";
import { capturingIo, editSpec, rspAlwaysAvailable, tempProject } from "../../drift/helpers";

const key = (n: number) => n.toString(16).padStart(64, "0");
const hash = "a".repeat(64);

describe("outputCacheDir", () => {
  test.each<[string, NodeJS.ProcessEnv, string | undefined]>([
    [
      "its own variable first",
      { REGCACHE_OUTPUT_CACHE_DIR: "/c", XDG_CACHE_HOME: "/x", HOME: "/h" },
      "/c",
    ],
    ["then XDG_CACHE_HOME", { XDG_CACHE_HOME: "/x", HOME: "/h" }, "/x/regcache/outputs"],
    ["then HOME", { HOME: "/h" }, "/h/.cache/regcache/outputs"],
    [
      "an empty variable is unset",
      { REGCACHE_OUTPUT_CACHE_DIR: "", HOME: "/h" },
      "/h/.cache/regcache/outputs",
    ],
    ["none: no cache", {}, undefined],
  ])("%s", (_what, env, want) => {
    expect(outputCacheDir(env)).toBe(want);
  });
});

describe("directoryCache", () => {
  test("stores and looks up body hashes by key, one file each, no temporary left", () => {
    const dir = path.join(tempDir("outputs"), "made-on-store");
    const cache = directoryCache(dir);
    expect(cache.lookup(key(1))).toBeUndefined();
    cache.store(key(1), { "c/a.h": hash });
    expect(cache.lookup(key(1))).toEqual({ "c/a.h": hash });
    expect(fs.readdirSync(dir)).toEqual([`${key(1)}.json`]);
  });

  test("a store on a full disk leaves no entry and no temporary; the key stays a miss", () => {
    const dir = tempDir("outputs");
    // The module object itself (an `import *` binding is a read-only copy).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const nodeFs = require("node:fs") as typeof fs;
    const spy = jest.spyOn(nodeFs, "writeSync").mockImplementation(() => {
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), {
        code: "ENOSPC",
        syscall: "write",
      });
    });
    try {
      directoryCache(dir).store(key(1), { "c/a.h": hash });
    } finally {
      spy.mockRestore();
    }
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(directoryCache(dir).lookup(key(1))).toBeUndefined();
  });

  test.each<[string, string]>([
    ["not JSON", "{"],
    ["an array", "[]"],
    ["null", "null"],
    ["a hash that is not hex", JSON.stringify({ "c/a.h": "z".repeat(64) })],
    ["a hash of the wrong length", JSON.stringify({ "c/a.h": "a" })],
  ])("an entry that is %s is a miss", (_what, text) => {
    const dir = tempDir("outputs");
    fs.writeFileSync(path.join(dir, `${key(2)}.json`), text);
    expect(directoryCache(dir).lookup(key(2))).toBeUndefined();
  });

  test("a key that is not a sha256 is never read or written", () => {
    const dir = tempDir("outputs");
    const cache = directoryCache(dir);
    cache.store("../escape", { "c/a.h": hash });
    expect(cache.lookup("../escape")).toBeUndefined();
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(fs.existsSync(path.join(path.dirname(dir), "escape.json"))).toBe(false);
  });

  test("a cache that cannot be written is ignored, leaving nothing", () => {
    const parent = tempDir("outputs");
    const blocked = path.join(parent, "file");
    fs.writeFileSync(blocked, "not a directory");
    const cache = directoryCache(path.join(blocked, "outputs"));
    expect(() => cache.store(key(3), { "c/a.h": hash })).not.toThrow();
    expect(cache.lookup(key(3))).toBeUndefined();
    expect(fs.readdirSync(parent)).toEqual(["file"]);
  });

  test(`past ${MAX_ENTRIES} entries the least recently written half goes`, () => {
    const dir = tempDir("outputs");
    for (let i = 0; i < MAX_ENTRIES; i++) {
      const file = path.join(dir, `${key(i)}.json`);
      fs.writeFileSync(file, JSON.stringify({ "c/a.h": hash }));
      fs.utimesSync(file, 1000 + i, 1000 + i);
    }
    const cache = directoryCache(dir);
    cache.store(key(MAX_ENTRIES), { "c/a.h": hash });
    const left = fs.readdirSync(dir).sort();
    expect(left).toHaveLength(MAX_ENTRIES / 2);
    expect(left[0]).toBe(`${key(MAX_ENTRIES / 2 + 1)}.json`);
    expect(left).toContain(`${key(MAX_ENTRIES)}.json`);
  });
});

describe("check with a warm output cache", () => {
  let project: string;
  let env: NodeJS.ProcessEnv;
  const run = async (...argv: string[]) => {
    const c = capturingIo(project, env);
    const code = await main(argv, c.io);
    return { code, stdout: c.stdout(), stderr: c.stderr() };
  };
  beforeEach(async () => {
    project = tempProject("cache-check");
    env = { REGCACHE_OUTPUT_CACHE_DIR: path.join(tempDir("outputs"), "outputs") };
    expect((await run("generate")).code).toBe(0);
    expect((await run("check")).code).toBe(0);
    expect(fs.readdirSync(env.REGCACHE_OUTPUT_CACHE_DIR!)).toHaveLength(2);
  });

  test("a hand edit whose banner hash was fixed up to match is still drift", async () => {
    const file = path.join(project, "generated", "c", "kvm_regs.h");
    const text = fs.readFileSync(file, "utf8");
    const body = parseBanner(text)!.body.replace("VCPU_REGS_RAX = 0", "VCPU_REGS_RAX = 1");
    const forged = text
      .replace(parseBanner(text)!.bodyHash, sha256(body))
      .replace(parseBanner(text)!.body, body);
    expect(parseBanner(forged)?.bodyHash).toBe(sha256(body));
    fs.writeFileSync(file, forged);
    const r = await run("check");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^  modified +generated\/c\/kvm_regs\.h: /m);
  });

  test("a plain hand edit is reported as one", async () => {
    const file = path.join(project, "generated", "c", "kvm_regs.h");
    fs.appendFileSync(file, "/* mine */\n");
    const r = await run("check");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^  hand-edited +generated\/c\/kvm_regs\.h: edited by hand: its body no longer matches its banner's hash \(what the spec produces did not change\)$/m,
    );
  });

  test("a spec edit is drift; a corrupted cache entry changes nothing", async () => {
    for (const name of fs.readdirSync(env.REGCACHE_OUTPUT_CACHE_DIR!))
      fs.writeFileSync(path.join(env.REGCACHE_OUTPUT_CACHE_DIR!, name), "{");
    expect((await run("check")).code).toBe(0);
    editSpec(project, rspAlwaysAvailable);
    const r = await run("check");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^  modified +generated\/c\/kvm_cache_regs\.h: /m);
  });
});
