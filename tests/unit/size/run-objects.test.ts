/*
 * runObjects (generator/size/run-objects.ts), `regcache size --objects` as a
 * library: two object files or two trees of them in, one report with the
 * config "objects" out, or the problems with the paths and the budget at
 * once. It compiles nothing and writes nothing. The objects are compiled
 * once for the file (gcc -O2, a few lines of C each).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { OBJECTS_CONFIG, runObjects } from "../../../generator/size/run-objects";
import type { SizeOutcome } from "../../../generator/size/outcome";
import { fileTempDir } from "../../helpers/temp";

const work = fileTempDir("run-objects");

/** Every file below `dir` with its bytes, to prove a run wrote nothing. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const file = path.join(dir, name);
    if (fs.statSync(file).isFile()) out.set(name, fs.readFileSync(file).toString("hex"));
  }
  return out;
}

function compile(rel: string, source: string): void {
  const c = path.join(work, "src", rel.replace(/\.o$/, ".c"));
  fs.mkdirSync(path.dirname(c), { recursive: true });
  fs.writeFileSync(c, source);
  const object = path.join(work, rel);
  fs.mkdirSync(path.dirname(object), { recursive: true });
  execFileSync("gcc", ["-O2", "-fno-inline", "-c", c, "-o", object]);
}

const grows = (n: number) =>
  `int grows(int *p)\n{\n\tint s = 0;\n${Array.from({ length: n }, (_, i) => `\ts += p[${i}] * ${i + 3};\n`).join("")}\treturn s;\n}\n`;

beforeAll(() => {
  compile(
    "old/a.o",
    `${grows(1)}int same(int x) { return x + 1; }\nint gone(int x) { return x * 7; }\n`,
  );
  compile("new/a.o", `${grows(12)}int same(int x) { return x + 1; }\n`);
  compile("new/sub/added.o", "int added(int x) { return x - 5; }\n");
  fs.writeFileSync(path.join(work, "not-elf.o"), "not an object\n");
  fs.writeFileSync(
    path.join(work, "budget.yaml"),
    "budgets:\n  - function: grows\n    growth: 0\n  - total: true\n    max: 100000\n",
  );
});

const sizeOf = (outcome: SizeOutcome, name: string) => {
  if (!outcome.ok) throw new Error(JSON.stringify(outcome));
  return outcome.report.configs[0].functions.find((f) => f.name === name);
};

test("two object files: one config of their functions, the files as spec and base", () => {
  const before = snapshot(work);
  const outcome = runObjects({ cwd: work, old: "old/a.o", new: "new/a.o" });
  expect(snapshot(work)).toEqual(before);
  if (!outcome.ok) throw new Error(JSON.stringify(outcome));
  const { report } = outcome;
  expect([report.spec, report.base, report.skipped, report.sources]).toEqual([
    "new/a.o",
    "old/a.o",
    [],
    [],
  ]);
  expect(report.configs.map((c) => [c.name, c.compiler, c.command, c.flags])).toEqual([
    [OBJECTS_CONFIG, "none", "", []],
  ]);
  expect(report.objects).toEqual({
    kind: "file",
    pairs: [{ path: "a.o", old: true, new: true }],
    composites: [],
  });
  const rows = report.configs[0].functions;
  expect(rows.map((f) => f.name).sort()).toEqual(["gone", "grows", "same"]);
  const grew = sizeOf(outcome, "grows")!;
  expect(grew.head!).toBeGreaterThan(grew.base!);
  expect(sizeOf(outcome, "same")).toMatchObject({ delta: 0 });
  expect(sizeOf(outcome, "gone")).toMatchObject({ head: null });
  expect(report.configs[0].total.delta).toBe(rows.reduce((s, f) => s + f.delta, 0));
  expect(report.crossConfig.map((r) => r.name).sort()).toEqual(["gone", "grows"]);
  expect(report.budget).toBeUndefined();
});

test("two trees: objects paired by relative path, one-sided objects counted as added", () => {
  const outcome = runObjects({ cwd: work, old: "old", new: "new" });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome));
  expect(outcome.report.objects).toEqual({
    kind: "tree",
    pairs: [
      { path: "a.o", old: true, new: true },
      { path: "sub/added.o", old: false, new: true },
    ],
    composites: [],
  });
  expect(sizeOf(outcome, "added")).toMatchObject({ base: null });
  expect(sizeOf(outcome, "added")!.head).toBeGreaterThan(0);
});

test("paths are taken relative to cwd", () => {
  const outcome = runObjects({ cwd: path.join(work, "old"), old: "a.o", new: "../new/a.o" });
  expect(outcome.ok && outcome.report.base).toBe("a.o");
  expect(outcome.ok && outcome.report.spec).toBe("../new/a.o");
});

test("a budget: its breaches carry the numbers, within limits nothing", () => {
  const outcome = runObjects({ cwd: work, old: "old", new: "new", budget: "budget.yaml" });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome));
  const grew = sizeOf(outcome, "grows")!;
  expect(outcome.report.budget).toEqual({
    file: "budget.yaml",
    breaches: [
      {
        config: OBJECTS_CONFIG,
        target: "grows",
        check: "growth",
        unit: "bytes",
        limit: 0,
        base: grew.base,
        head: grew.head,
        delta: grew.delta,
      },
    ],
  });
});

describe("refused, as invalid input", () => {
  test.each<[string, { old: string; new: string }, RegExp]>([
    [
      "a missing side",
      { old: "old/a.o", new: "new/missing.o" },
      /^cannot read .*missing\.o: ENOENT$/,
    ],
    [
      "a file against a directory",
      { old: "old/a.o", new: "new" },
      /^.*a\.o and .*new must both be object files or both directories$/,
    ],
    ["a file that is no ELF object", { old: "old/a.o", new: "not-elf.o" }, /not-elf\.o: /],
    ["two trees without objects", { old: "src/old", new: "src/new" }, /^no \.o files under /],
  ])("%s: one problem naming it", (_name, sides, want) => {
    const outcome = runObjects({ cwd: work, ...sides });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.kind).toBe("invalid-input");
    expect(outcome.diagnostics).toEqual([]);
    expect(outcome.problems).toHaveLength(1);
    expect(outcome.problems[0]).toMatch(want);
  });

  test("the paths and the budget file are reported together", () => {
    const outcome = runObjects({ cwd: work, old: "nowhere", new: "new", budget: "no-budget.yaml" });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.problems).toEqual([`cannot read ${path.join(work, "nowhere")}: ENOENT`]);
    expect(outcome.diagnostics.map((d) => d.code)).toEqual(["RC600"]);
  });

  test("a budget naming a config other than 'objects'", () => {
    fs.writeFileSync(
      path.join(work, "gcc-budget.yaml"),
      "budgets:\n  - function: grows\n    max: 1\n    config: gcc-O2\n",
    );
    const outcome = runObjects({ cwd: work, old: "old", new: "new", budget: "gcc-budget.yaml" });
    expect(outcome.ok ? [] : outcome.diagnostics.map((d) => [d.code, d.hint])).toEqual([
      ["RC610", "known configs: objects"],
    ]);
    fs.rmSync(path.join(work, "gcc-budget.yaml"));
  });
});

test("a __COUNTER__ shift renames every __UNIQUE_ID symbol: the report shows only the real change", () => {
  const fixture = path.join(__dirname, "..", "..", "size", "fixtures", "counter-shift.c");
  for (const [side, v] of [
    ["counter-old", "1"],
    ["counter-new", "2"],
  ])
    execFileSync("gcc", [
      "-O2",
      "-fno-inline",
      `-DV=${v}`,
      "-c",
      fixture,
      "-o",
      path.join(work, `${side}.o`),
    ]);
  const outcome = runObjects({ cwd: work, old: "counter-old.o", new: "counter-new.o" });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome));
  const [config] = outcome.report.configs;
  expect(config.functions.filter((f) => f.delta !== 0).map((f) => `${f.kind} ${f.name}`)).toEqual([
    "function real",
  ]);
  // The renamed symbols are there, one per base name, matched base to head; data counted too.
  expect(
    config.functions
      .filter((f) => f.delta === 0)
      .map((f) => `${f.kind} ${f.name}`)
      .sort(),
  ).toEqual([
    "data __UNIQUE_ID_author",
    "data __UNIQUE_ID_description",
    "data __UNIQUE_ID_license",
    "data hits",
    "function counted",
  ]);
  expect(config.summary).toMatchObject({ add: 0, remove: 0, grow: 1, shrink: 0 });
});
