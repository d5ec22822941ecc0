/*
 * The benchmark's own code (bench/): it type-checks strictly, BENCHMARKS.md is
 * the page its report makes of bench/results.json (so neither is edited
 * alone), the targets it records are the ones its rules give, its
 * statistics and callgrind reader compute what they say, and what it
 * measures exists: the default spec's callgrind suite, synthetic specs
 * within a spec's limits.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { inclusivePerCall, SUITES } from "../../bench/callgrind";
import { DEFAULT_SPEC } from "../../bench/common";
import { SIZES } from "../../bench/generate";
import { markdown } from "../../bench/report";
import type { Results } from "../../bench/results";
import { quantile, summarize } from "../../bench/stats";
import { HELD_HANDLERS, targets } from "../../bench/targets";
import { MAX_REGISTERS } from "../../generator/core/spec/limits";
import { fileTempDir } from "../helpers/temp";

const root = path.resolve(__dirname, "..", "..");
const readResults = (): Results =>
  JSON.parse(fs.readFileSync(path.join(root, "bench", "results.json"), "utf8")) as Results;

describe("bench/", () => {
  const dir = fileTempDir("bench");

  test("type-checks with bench/tsconfig.json (strict, as generator/)", () => {
    const tsc = require.resolve("typescript/bin/tsc");
    const r = spawnSync(process.execPath, [tsc, "--noEmit", "-p", "bench"], {
      cwd: root,
      encoding: "utf8",
    });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  test("BENCHMARKS.md is the report of bench/results.json", () => {
    const page = fs.readFileSync(path.join(root, "BENCHMARKS.md"), "utf8");
    expect(markdown(readResults()) + "\n").toBe(page);
  });

  test("the targets in bench/results.json are what its figures give", () => {
    const res = readResults();
    expect(targets(res)).toEqual(res.targets);
  });

  test("DEFAULT_SPEC is the spec of regcache.config.yaml", () => {
    const config = fs.readFileSync(path.join(root, "regcache.config.yaml"), "utf8");
    expect(/^spec:\s*(\S+)\s*$/m.exec(config)?.[1]).toBe(DEFAULT_SPEC.file);
  });

  test("callgrind: the first suite is the default spec's, and every suite's files exist", () => {
    expect(SUITES[0]!.spec).toBe(DEFAULT_SPEC.file);
    for (const s of SUITES) {
      const files = [
        s.spec,
        s.driver,
        ...s.handlerExtras,
        path.join(s.handlersDir, "handlers.json"),
      ];
      expect(files.filter((f) => !fs.existsSync(path.join(root, f)))).toEqual([]);
      expect(fs.readdirSync(path.join(root, s.simDir)).some((f) => f.endsWith(".c"))).toBe(true);
    }
  });

  test("callgrind: the handlers held to a target are in the default suite's handlers.json", () => {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(root, SUITES[0]!.handlersDir, "handlers.json"), "utf8"),
    ) as { files: Record<string, string[]> };
    const names = new Set(Object.values(manifest.files).flat());
    expect(HELD_HANDLERS.filter((h) => !names.has(h))).toEqual([]);
  });

  test("generate: every synthetic spec is within a spec's register limit", () => {
    expect(SIZES.filter((n) => n > MAX_REGISTERS)).toEqual([]);
  });

  test.each([
    ["one sample", [5], { n: 1, median: 5, q1: 5, q3: 5, min: 5, max: 5 }],
    ["odd, unsorted", [3, 1, 2], { n: 3, median: 2, q1: 1.5, q3: 2.5, min: 1, max: 3 }],
    ["even", [1, 2, 3, 4], { n: 4, median: 2.5, q1: 1.75, q3: 3.25, min: 1, max: 4 }],
  ])("summarize: %s", (_, samples, want) => {
    expect(summarize(samples)).toEqual(want);
  });

  test("quantile of no samples is NaN", () => {
    expect(quantile([], 0.5)).toBeNaN();
  });

  test("inclusivePerCall: calls from outside the set, with their inclusive Ir", () => {
    const file = path.join(dir, "callgrind.out");
    fs.writeFileSync(
      file,
      [
        "positions: line",
        "events: Ir Dr",
        "fn=(1) main",
        "cfn=(2) handler_a",
        "calls=3 10",
        "5 300 7",
        "cfn=(3) handler_b",
        "calls=1 20",
        "6 50 1",
        "fn=(2)",
        "cfn=(3)",
        "calls=2 30",
        "7 40 2",
        "",
      ].join("\n"),
    );
    const handlers = new Set(["handler_a", "handler_b"]);
    const costs = inclusivePerCall(
      file,
      (f) => handlers.has(f),
      (f) => !handlers.has(f),
    );
    // handler_b's calls from handler_a are inside handler_a's cost, not counted again.
    expect(Object.fromEntries(costs)).toEqual({
      handler_a: { calls: 3, ir: 300 },
      handler_b: { calls: 1, ir: 50 },
    });
  });
});
