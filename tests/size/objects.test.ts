/*
 * `regcache size --objects OLD NEW` on object trees compiled here (gcc and,
 * when installed, clang; functions with .constprop, .isra and .cold clones),
 * checked against the kernel's own scripts/bloat-o-meter (6.12) run in a loop
 * over the pairs: per name and in total, the figures must be the loop's sums.
 * A file pair must print bloat-o-meter's header and Total line byte for byte.
 * `ld -r` composites beside their parts must not be counted twice.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { runCli } from "../helpers/capture";
import { bloatOMeterScript, runBloatOMeter } from "./bloat-o-meter";
import { findClang, fileTempDir } from "./helpers";

const fixtures = path.join(__dirname, "fixtures", "objects");
const work = fileTempDir("size-objects");

interface Row {
  name: string;
  base: number | null;
  head: number | null;
  delta: number;
}
interface Report {
  configs: { name: string; functions: Row[]; total: { base: number; head: number } }[];
  objects: {
    composites: {
      side: string;
      path: string;
      parts: string[];
      uncounted: { functions: number; data: number; bytes: number };
    }[];
  };
  budget?: { breaches: Record<string, unknown>[] };
}

/** Compiles the fixtures into DIR/{old,new}/ (V=1 and V=2) with `compiler`. */
function buildTrees(dir: string, compiler: string): { old: string; new: string } {
  const sides = { old: path.join(dir, "old"), new: path.join(dir, "new") };
  for (const [side, v] of [
    ["old", "1"],
    ["new", "2"],
  ] as const) {
    fs.mkdirSync(path.join(sides[side], "sub"), { recursive: true });
    const cc = (src: string, out: string) =>
      execFileSync(compiler, ["-O2", `-DV=${v}`, "-c", path.join(fixtures, src), "-o", out]);
    cc("clones.c", path.join(sides[side], "clones.o"));
    cc("helpers.c", path.join(sides[side], "sub", "helpers.o"));
  }
  return sides;
}

/** Adds DIR/{old,new}/mod.o = ld -r clones.o sub/helpers.o, as kbuild links a module's parts. */
function addComposite(sides: { old: string; new: string }): void {
  for (const dir of [sides.old, sides.new])
    execFileSync("ld", [
      "-r",
      "-o",
      path.join(dir, "mod.o"),
      path.join(dir, "clones.o"),
      path.join(dir, "sub", "helpers.o"),
    ]);
}

async function objectsReport(oldPath: string, newPath: string, extra: string[] = []) {
  const r = await runCli(["size", "--objects", oldPath, newPath, "--format", "json", ...extra]);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Report;
}

const script = bloatOMeterScript();
const compilers: [string, string][] = [
  ["gcc", "gcc"],
  ...(findClang() ? ([["clang", findClang()!]] as [string, string][]) : []),
];
if (!script)
  process.stdout.write(
    "objects.test: linux-source-6.12 or python3 missing: bloat-o-meter comparisons skipped\n",
  );
const withOracle = script ? describe : describe.skip;

withOracle("figures equal a loop of scripts/bloat-o-meter over the pairs", () => {
  test.each(compilers)("%s: a tree with a composite beside its parts", async (label, cc) => {
    const sides = buildTrees(path.join(work, `loop-${label}`), cc);
    addComposite(sides);
    const report = await objectsReport(sides.old, sides.new);
    const ours = report.configs[0];

    // The loop a kernel developer writes: every pair except the composite.
    const sums = new Map<string, { old: number; new: number; delta: number }>();
    let before = 0,
      after = 0;
    for (const rel of ["clones.o", "sub/helpers.o"]) {
      const out = runBloatOMeter(
        script!,
        path.join(sides.old, rel),
        path.join(sides.new, rel),
        false,
      );
      before += out.before;
      after += out.after;
      for (const row of out.rows) {
        const sum = sums.get(row.name) ?? { old: 0, new: 0, delta: 0 };
        sums.set(row.name, {
          old: sum.old + (row.old ?? 0),
          new: sum.new + (row.new ?? 0),
          delta: sum.delta + row.delta,
        });
      }
    }
    expect(sums.size).toBeGreaterThan(3);
    expect(ours.total).toMatchObject({ base: before, head: after });
    for (const [name, sum] of sums) {
      const row = ours.functions.find((f) => f.name === name);
      expect({ name, delta: row?.delta }).toEqual({ name, delta: sum.delta });
      // Each name here lives in one object, so the loop's old/new are ours.
      expect({ name, base: row?.base ?? 0, head: row?.head ?? 0 }).toEqual({
        name,
        base: sum.old,
        head: sum.new,
      });
    }
    for (const row of ours.functions.filter((f) => f.delta !== 0))
      expect(sums.has(row.name)).toBe(true);
    // The clones are there under bloat-o-meter's folded names.
    const names = ours.functions.map((f) => f.name);
    if (label === "gcc")
      expect(names).toEqual(
        expect.arrayContaining(["checked.cold", "scale.constprop", "pick.constprop.isra"]),
      );
    const none = { functions: 0, data: 0, bytes: 0 };
    expect(report.objects.composites).toEqual([
      { side: "old", path: "mod.o", parts: ["clones.o", "sub/helpers.o"], uncounted: none },
      { side: "new", path: "mod.o", parts: ["clones.o", "sub/helpers.o"], uncounted: none },
    ]);
  });

  test.each(compilers)(
    "%s: a file pair prints bloat-o-meter's header and Total line byte for byte",
    async (label, cc) => {
      const sides = buildTrees(path.join(work, `pair-${label}`), cc);
      const oldObject = path.join(sides.old, "clones.o");
      const newObject = path.join(sides.new, "clones.o");
      const theirs = runBloatOMeter(script!, oldObject, newObject, false);
      const r = await runCli(["size", "--objects", oldObject, newObject]);
      expect(r.code).toBe(0);
      const lines = r.stdout.split("\n");
      expect(lines).toContain(theirs.header);
      expect(lines).toContain(theirs.total);
      expect(theirs.total).toMatch(/chg [+-]\d+\.\d\d%$/);
      // The changed rows in bloat-o-meter's order, with its figures.
      const json = await objectsReport(oldObject, newObject);
      expect(
        json.configs[0].functions
          .filter((f) => f.delta !== 0)
          .map((f) => ({ name: f.name, old: f.base, new: f.head, delta: f.delta })),
      ).toEqual(theirs.rows);
    },
  );

  test("a composite with a part missing from the tree: left out as the loop leaves it, the rest reported uncounted", async () => {
    const sides = buildTrees(path.join(work, "partial"), "gcc");
    addComposite(sides);
    const helpers = runBloatOMeter(
      script!,
      path.join(sides.old, "sub", "helpers.o"),
      path.join(sides.new, "sub", "helpers.o"),
      false,
    );
    for (const dir of [sides.old, sides.new]) fs.rmSync(path.join(dir, "sub", "helpers.o"));
    const report = await objectsReport(sides.old, sides.new);
    const loop = runBloatOMeter(
      script!,
      path.join(sides.old, "clones.o"),
      path.join(sides.new, "clones.o"),
      false,
    );
    expect(report.configs[0].total).toMatchObject({ base: loop.before, head: loop.after });
    const [oldComposite, newComposite] = report.objects.composites;
    expect(oldComposite).toMatchObject({ side: "old", path: "mod.o", parts: ["clones.o"] });
    expect(oldComposite.uncounted.bytes).toBe(helpers.before);
    expect(newComposite.uncounted.bytes).toBe(helpers.after);
    expect(oldComposite.uncounted.functions).toBeGreaterThanOrEqual(3);
  });
});

describe("--objects without the oracle", () => {
  test("a __COUNTER__ shift: text and changelog show only the real change", async () => {
    const dir = path.join(work, "counter");
    fs.mkdirSync(dir);
    const fixture = path.join(__dirname, "fixtures", "counter-shift.c");
    const [oldObject, newObject] = ["1", "2"].map((v) => {
      const object = path.join(dir, `v${v}.o`);
      execFileSync("gcc", ["-O2", "-fno-inline", `-DV=${v}`, "-c", fixture, "-o", object]);
      return object;
    });
    const json = await objectsReport(oldObject, newObject);
    const real = json.configs[0].functions.find((f) => f.name === "real")!;
    const text = await runCli(["size", "--objects", oldObject, newObject]);
    expect(text.code).toBe(0);
    expect(text.stdout).not.toContain("__UNIQUE_ID");
    expect(text.stdout).toContain("add/remove: 0/0 grow/shrink: 1/0");
    const changelog = await runCli([
      "size",
      "--objects",
      oldObject,
      newObject,
      "--format",
      "changelog",
    ]);
    expect(changelog.code).toBe(0);
    expect(changelog.stdout.replace(/\n/g, " ")).toContain(
      `Between the two builds, real() grows from ${real.base} to ${real.head} bytes.`,
    );
    expect(changelog.stdout).not.toContain("__UNIQUE_ID");
    for (const line of changelog.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(75);
  });

  test("two copies of a part both count, as two pairs of a loop would; the composite still once", async () => {
    const sides = buildTrees(path.join(work, "copies"), "gcc");
    const reference = await objectsReport(sides.old, sides.new);
    addComposite(sides);
    for (const dir of [sides.old, sides.new])
      fs.copyFileSync(path.join(dir, "clones.o"), path.join(dir, "copy.o"));
    const report = await objectsReport(sides.old, sides.new);
    const clonesOnly = buildTrees(path.join(work, "copies-clones"), "gcc");
    for (const dir of [clonesOnly.old, clonesOnly.new])
      fs.rmSync(path.join(dir, "sub"), { recursive: true });
    const clones = await objectsReport(clonesOnly.old, clonesOnly.new);
    expect(report.configs[0].total.base).toBe(
      reference.configs[0].total.base + clones.configs[0].total.base,
    );
    expect(report.objects.composites.map((c) => c.parts)).toEqual([
      ["clones.o", "copy.o", "sub/helpers.o"],
      ["clones.o", "copy.o", "sub/helpers.o"],
    ]);
  });

  test("a composite alone is counted once, as its parts would be", async () => {
    const sides = buildTrees(path.join(work, "alone"), "gcc");
    const reference = await objectsReport(sides.old, sides.new);
    addComposite(sides);
    for (const dir of [sides.old, sides.new]) {
      fs.rmSync(path.join(dir, "clones.o"));
      fs.rmSync(path.join(dir, "sub"), { recursive: true });
    }
    const alone = await objectsReport(sides.old, sides.new);
    expect(alone.configs[0].functions).toEqual(reference.configs[0].functions);
    expect(alone.objects.composites).toEqual([]);
  });

  test("budgets apply to the objects config and breaches are numbers", async () => {
    const sides = buildTrees(path.join(work, "budget"), "gcc");
    const budget = path.join(work, "budget.yaml");
    fs.writeFileSync(budget, "budgets:\n  - function: use_sum\n    growth: 0\n");
    const r = await runCli([
      "size",
      "--objects",
      sides.old,
      sides.new,
      "--budget",
      budget,
      "--format",
      "json",
    ]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    const row = report.configs[0].functions.find((f) => f.name === "use_sum")!;
    expect(row.delta).toBeGreaterThan(0);
    expect(report.budget?.breaches).toEqual([
      {
        config: "objects",
        target: "use_sum",
        check: "growth",
        unit: "bytes",
        limit: 0,
        base: row.base,
        head: row.head,
        delta: row.delta,
      },
    ]);
  });

  test("every format renders, with the composites and one-sided objects named", async () => {
    const sides = buildTrees(path.join(work, "formats"), "gcc");
    addComposite(sides);
    const extra = path.join(work, "extra.c");
    fs.writeFileSync(extra, "int extra_fn(int x) { return x * 9 + 1; }\n");
    execFileSync("gcc", ["-O2", "-c", extra, "-o", path.join(sides.new, "extra.o")]);
    for (const format of ["text", "markdown", "html", "json"]) {
      const r = await runCli(["size", "--objects", sides.old, sides.new, "--format", format]);
      expect({ format, code: r.code }).toEqual({ format, code: 0 });
      expect(r.stdout).toContain("use_sum");
      if (format !== "json") {
        expect(r.stdout).toContain("only in new: extra.o");
        expect(r.stdout).toMatch(
          /new\/mod\.o: an (&#39;|')ld -r(&#39;|') composite of clones\.o, sub\/helpers\.o: counted through its parts/,
        );
      }
    }
  });

  const bad: [string, (dir: string) => string[], RegExp][] = [
    ["one path", (d) => ["--objects", path.join(d, "old")], /two paths/],
    [
      "a missing path",
      (d) => ["--objects", path.join(d, "old"), path.join(d, "nope")],
      /cannot read .*nope: ENOENT/,
    ],
    [
      "a file and a directory",
      (d) => ["--objects", path.join(d, "old", "clones.o"), path.join(d, "new")],
      /must both be object files or both directories/,
    ],
    [
      "a compile option",
      (d) => ["--objects", path.join(d, "old"), path.join(d, "new"), "--compiler", "gcc"],
      /--compiler does not apply to --objects/,
    ],
    [
      "--spec",
      (d) => ["--objects", path.join(d, "old"), path.join(d, "new"), "--spec", "x.yaml"],
      /--spec does not apply/,
    ],
    [
      "--out naming a directory",
      (d) => ["--objects", path.join(d, "old"), path.join(d, "new"), "--out", d],
      /is a directory/,
    ],
    [
      "not an object",
      (d) => ["--objects", path.join(d, "old", "junk.o"), path.join(d, "new", "clones.o")],
      /not an ELF file/,
    ],
  ];
  test.each(bad)("%s: exit 2, nothing written", async (_name, argv, message) => {
    const dir = path.join(work, "bad");
    if (!fs.existsSync(dir)) {
      buildTrees(dir, "gcc");
      fs.writeFileSync(path.join(dir, "old", "junk.o"), "not an object\n");
    }
    const before = fs.readdirSync(dir).sort();
    const r = await runCli(["size", ...argv(dir)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
    expect(fs.readdirSync(dir).sort()).toEqual(before);
  });

  test("LTO objects: exit 2, naming LTO and -ffat-lto-objects", async () => {
    const dir = path.join(work, "lto");
    fs.mkdirSync(dir, { recursive: true });
    for (const side of ["old", "new"])
      execFileSync("gcc", [
        "-O2",
        "-flto",
        "-c",
        path.join(fixtures, "clones.c"),
        "-o",
        path.join(dir, `${side}.o`),
      ]);
    const r = await runCli(["size", "--objects", path.join(dir, "old.o"), path.join(dir, "new.o")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/LTO/);
    expect(r.stderr).toMatch(/-ffat-lto-objects/);
    expect(r.stdout).not.toContain("Total: Before=0");
  });
});
