/*
 * One measurement run of a handler suite (generator/size/measure/build.ts):
 * which configs' compilers run, the compile commands and where their objects
 * go, commands.sh per config, the objects' symbols folded, and a whole build
 * of a one-file suite against two header sets with gcc: the sizes differ as
 * the headers do, a failed compile is returned with its command and output.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  buildAndMeasure,
  compileArgv,
  detectCompilers,
  measureObjects,
  objectDir,
  planJobs,
  writeCommandScripts,
} from "../../../../generator/size/measure/build";
import type { SizeConfig } from "../../../../generator/size/inputs/matrix";
import type { Suite } from "../../../../generator/size/measure/suite";
import { tempDir } from "../../../helpers/temp";

const config = (name: string, commands: string[], flags = ["-O2"]): SizeConfig => ({
  name,
  compiler: "gcc",
  commands,
  retpoline: false,
  flags,
});

describe("detectCompilers", () => {
  test("the first command of each config that runs; the others skipped with their install hint", async () => {
    const { runnables, skipped } = await detectCompilers([
      config("gcc-O2", ["regcache-no-such-gcc", "gcc"]),
      config("gcc-42", ["gcc-42"]),
      { ...config("clang-O2", ["regcache-no-such-clang"]), compiler: "clang" },
    ]);
    expect(runnables.map((r) => [r.config.name, r.compiler.command])).toEqual([["gcc-O2", "gcc"]]);
    expect(runnables[0].compiler.version).toMatch(/gcc/);
    expect(skipped).toEqual([
      {
        name: "gcc-42",
        compiler: "gcc",
        reason: "gcc-42 not found",
        hint: "apt-get install -y gcc-42",
      },
      {
        name: "clang-O2",
        compiler: "clang",
        reason: "regcache-no-such-clang not found",
        hint: "apt-get install -y clang-19",
      },
    ]);
  });
});

describe("the jobs", () => {
  const side = { name: "head", includeDirs: ["/r/headers/head/c", "/rt/include"] };

  test("compileArgv: flags, include directories in order, -c, a dependency file, -o", () => {
    expect(
      compileArgv("gcc", config("g", ["gcc"], ["-O2", "-Wall"]), side, "/s/a.c", "/r/g/head/a.o"),
    ).toEqual([
      "gcc",
      "-O2",
      "-Wall",
      "-I/r/headers/head/c",
      "-I/rt/include",
      "-c",
      "/s/a.c",
      "-MD",
      "-MF",
      "/r/g/head/a.o.d",
      "-o",
      "/r/g/head/a.o",
    ]);
  });

  test("planJobs: one job per config, side and source, objects under <root>/<config>/<side>", () => {
    const gcc = config("gcc-O2", ["gcc"]);
    const jobs = planJobs(
      "/r",
      [
        {
          config: gcc,
          compiler: { command: "gcc-12", version: "12" },
          sides: [{ name: "base", includeDirs: [] }, side],
        },
      ],
      ["/s/a.c", "/s/b.c"],
    );
    expect(jobs.map((j) => [j.side.name, j.source, j.object, j.argv[0]])).toEqual([
      ["base", "/s/a.c", "/r/gcc-O2/base/a.o", "gcc-12"],
      ["base", "/s/b.c", "/r/gcc-O2/base/b.o", "gcc-12"],
      ["head", "/s/a.c", "/r/gcc-O2/head/a.o", "gcc-12"],
      ["head", "/s/b.c", "/r/gcc-O2/head/b.o", "gcc-12"],
    ]);
    expect(objectDir("/r", gcc, side)).toBe("/r/gcc-O2/head");
  });

  test("writeCommandScripts: one runnable script per config, arguments quoted for sh", () => {
    const root = tempDir("build-scripts");
    const gcc = config("gcc-O2", ["gcc"], ["-DX=a b", "-O2"]);
    const jobs = planJobs(
      root,
      [{ config: gcc, compiler: { command: "gcc", version: "" }, sides: [side] }],
      ["/s/a.c"],
    );
    writeCommandScripts(root, jobs, "/work dir");
    const script = path.join(root, "gcc-O2", "commands.sh");
    expect(fs.readFileSync(script, "utf8")).toBe(
      [
        "#!/bin/sh",
        "# regcache size: the compile commands of config gcc-O2, as run.",
        "# Measure with: nm --size-sort <object>",
        "set -e",
        "cd '/work dir'",
        `mkdir -p ${root}/gcc-O2/head`,
        `gcc '-DX=a b' -O2 -I/r/headers/head/c -I/rt/include -c /s/a.c -MD -MF ${root}/gcc-O2/head/a.o.d -o ${root}/gcc-O2/head/a.o`,
        "",
      ].join("\n"),
    );
    expect(fs.statSync(script).mode & 0o111).not.toBe(0);
  });
});

describe("a build of a one-file suite", () => {
  /** A suite of one source reading HDR from hdr.h, and two header sets defining it differently. */
  function suite(
    source = '#include "hdr.h"\nint f(int *p) { int s = 0; for (int i = 0; i < HDR; i++) s += p[i] * i; return s; }\n',
  ) {
    const work = tempDir("build-suite");
    fs.mkdirSync(path.join(work, "src"));
    fs.writeFileSync(path.join(work, "src", "f.c"), source);
    const s: Suite = {
      sources: [path.join(work, "src", "f.c")],
      includeDirs: [],
      functions: ["f"],
    };
    const sets = [
      {
        name: "base",
        files: [
          { path: "c/hdr.h", contents: "#define HDR 16\n" },
          { path: "c/x.txt", contents: "" },
        ],
      },
      { name: "head", files: [{ path: "c/hdr.h", contents: "#define HDR 1\n" }] },
    ];
    return { work, suite: s, sets, root: path.join(work, "root") };
  }

  test("sizes per config and side; headers and objects where the layout says", async () => {
    const { work, suite: s, sets, root } = suite();
    fs.mkdirSync(root);
    const progress: number[] = [];
    const built = await buildAndMeasure(
      { root, cwd: work, suite: s, parallel: 2, onProgress: (done) => progress.push(done) },
      [{ config: config("gcc-O2", ["gcc"]), compiler: { command: "gcc", version: "gcc" } }],
      sets,
    );
    if (!built.ok) throw new Error(JSON.stringify(built));
    const sizes = built.sizes.get("gcc-O2")!;
    const f = (sideName: string) => sizes.get(sideName)!.find((sym) => sym.name === "f")!.size;
    expect(f("base")).toBeGreaterThan(f("head"));
    expect(progress.sort()).toEqual([1, 2]);
    expect(fs.readFileSync(path.join(root, "headers", "head", "c", "hdr.h"), "utf8")).toBe(
      "#define HDR 1\n",
    );
    expect(fs.existsSync(path.join(root, "gcc-O2", "base", "f.o"))).toBe(true);
    expect(fs.existsSync(path.join(root, "gcc-O2", "commands.sh"))).toBe(true);
  });

  test("a compile that fails: every failed job with its output", async () => {
    const {
      work,
      suite: s,
      sets,
      root,
    } = suite('#include "hdr.h"\nint f(void) { return HDR + ; }\n');
    const built = await buildAndMeasure(
      { root, cwd: work, suite: s, parallel: 1 },
      [{ config: config("gcc-O2", ["gcc"]), compiler: { command: "gcc", version: "gcc" } }],
      sets,
    );
    expect(built.ok).toBe(false);
    if (built.ok || !built.failures) throw new Error(JSON.stringify(built));
    expect(built.failures.map((f) => f.job.side.name)).toEqual(["base", "head"]);
    expect(built.failures[0].output).toMatch(/error/);
  });
});

describe("measureObjects", () => {
  test("an object that is not ELF: its path and why", () => {
    const dir = tempDir("build-measure");
    const file = path.join(dir, "bad.o");
    fs.writeFileSync(file, "text");
    const measured = measureObjects([file]);
    expect(measured.ok).toBe(false);
    expect(measured.ok ? "" : measured.message).toMatch(new RegExp(`^${file}: `));
  });

  test("a __COUNTER__ shift: each __UNIQUE_ID name folded to one symbol, equal on both sides", () => {
    const dir = tempDir("build-counter");
    const fixture = path.join(__dirname, "..", "..", "..", "size", "fixtures", "counter-shift.c");
    const sides = ["1", "2"].map((v) => {
      const object = path.join(dir, `v${v}.o`);
      execFileSync("gcc", ["-O2", "-fno-inline", `-DV=${v}`, "-c", fixture, "-o", object]);
      const measured = measureObjects([object]);
      if (!measured.ok) throw new Error(measured.message);
      return measured.symbols;
    });
    const unique = (symbols: readonly { name: string }[]) =>
      symbols.filter((s) => s.name.startsWith("__UNIQUE_ID_"));
    expect(unique(sides[0]).map((s) => s.name)).toEqual([
      "__UNIQUE_ID_author",
      "__UNIQUE_ID_description",
      "__UNIQUE_ID_license",
    ]);
    expect(unique(sides[1])).toEqual(unique(sides[0]));
  });

  test("no objects: no symbols", () => {
    expect(measureObjects([])).toEqual({ ok: true, symbols: [] });
  });
});
