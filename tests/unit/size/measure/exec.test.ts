/*
 * How a size run's compiles run (generator/size/measure/exec.ts): the
 * launcher and the object cache's settings checked before any work (RC648,
 * RC650, RC654, every problem at once), and afterwards the cache trimmed and the
 * one line saying what ran and what the cache gave — only for a tree run or
 * a launcher.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { finishExec, prepareExec } from "../../../../generator/size/measure/exec";
import { execContext } from "../../../../generator/toolchain/compilers";
import { tempDir } from "../../../helpers/temp";

describe("prepareExec", () => {
  test("no launcher, no cache settings: a plain context with zeroed counts", async () => {
    expect(await prepareExec({}, {})).toEqual({
      ok: true,
      context: { stats: { compiled: 0, cached: 0 } },
    });
  });

  test("the cache from the environment, unless the run says --no-cache", async () => {
    const env = { REGCACHE_CACHE_DIR: "/c", REGCACHE_CACHE_MAX: "1K" };
    const on = await prepareExec({}, env);
    expect(on.ok && on.context.cache?.cache).toEqual({ dir: "/c", maxBytes: 1024 });
    const off = await prepareExec({ cache: false }, env);
    expect(off.ok && off.context.cache).toBeUndefined();
  });

  test("a launcher that runs: its words before every compile", async () => {
    const prepared = await prepareExec({ launcher: "env -i" }, {});
    expect(prepared.ok && prepared.context.launcher).toEqual(["env", "-i"]);
  });

  test("every problem at once: a bad bound and a launcher that does not run", async () => {
    const prepared = await prepareExec(
      { launcher: "regcache-no-such-launcher --x" },
      { REGCACHE_CACHE_MAX: "much" },
    );
    expect(prepared.ok ? [] : prepared.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["RC650", "REGCACHE_CACHE_MAX='much' is not a size (e.g. 512M, 2G)"],
      ["RC648", "--launcher regcache-no-such-launcher --x does not run: ENOENT"],
    ]);
  });

  test.each([
    ["", "it is empty"],
    ["   ", "it is empty"],
    ["a | b", "it has a shell operator ('|')"],
    ["ccache && rm", "it has a shell operator ('&&')"],
    ["ccache 'x", "it has an unclosed single quote"],
    ['distcc "-j8', "it has an unclosed double quote"],
    ["ccache ${X", "it has an unclosed ${"],
    ["ccache\ndistcc", "it has a second command (a line break)"],
    ["ccache $(which distcc)", "it has a command substitution"],
  ])("a launcher %j that is not one command: RC654, nothing run", async (launcher, why) => {
    const prepared = await prepareExec({ launcher }, {});
    expect(prepared.ok ? [] : prepared.diagnostics.map((d) => [d.code, d.message])).toEqual([
      // A line break in a value is shown escaped, as every control character is.
      ["RC654", `--launcher ${launcher.replace("\n", "\\n")} is not one command: ${why}`],
    ]);
  });

  test("a quoted launcher word keeps its blanks", async () => {
    const prepared = await prepareExec({ launcher: "env 'A=1 2'" }, {});
    expect(prepared.ok && prepared.context.launcher).toEqual(["env", "A=1 2"]);
  });
});

describe("finishExec", () => {
  const withStats = (ctx: ReturnType<typeof execContext>, compiled: number, cached: number) => {
    ctx.stats!.compiled = compiled;
    ctx.stats!.cached = cached;
    return ctx;
  };

  test("a tree run with the cache: what ran and what the cache gave, and where it is", () => {
    const dir = tempDir("finish-cache");
    const ctx = withStats(execContext(undefined, { dir, maxBytes: 1 << 20 }), 3, 16);
    expect(finishExec(ctx, true)).toBe(`3 compiled, 16 from the object cache (${dir})`);
  });

  test("a launcher: said even for the handler suite, the cache off", () => {
    const ctx = withStats(execContext(["distcc"], undefined), 18, 0);
    expect(finishExec(ctx, false)).toBe(
      "18 compiled through distcc, 0 from the object cache (cache off)",
    );
  });

  test("the handler suite without a launcher, or neither in use: nothing to say", () => {
    const dir = tempDir("finish-quiet");
    expect(
      finishExec(withStats(execContext(undefined, { dir, maxBytes: 1 }), 1, 1), false),
    ).toBeUndefined();
    expect(finishExec(execContext(undefined, undefined), true)).toBeUndefined();
    expect(finishExec({}, true)).toBeUndefined();
  });

  test("the cache is trimmed to its bound", () => {
    const dir = tempDir("finish-trim");
    const objects = path.join(dir, "objects", "ab");
    fs.mkdirSync(objects, { recursive: true });
    fs.writeFileSync(path.join(objects, "a.o"), Buffer.alloc(64));
    finishExec(execContext(undefined, { dir, maxBytes: 10 }), false);
    expect(fs.readdirSync(objects)).toEqual([]);
  });

  test("a cache that cannot be trimmed costs nothing but disk", () => {
    const dir = tempDir("finish-broken");
    fs.writeFileSync(path.join(dir, "objects"), "not a directory");
    expect(() => finishExec(execContext(undefined, { dir, maxBytes: 0 }), true)).not.toThrow();
  });
});
