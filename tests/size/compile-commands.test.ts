/*
 * `regcache size --compile-commands` on a small tree laid out like the
 * kernel's (tree-fixture.ts): the figures equal the handler-suite run with the
 * same flags, `--base tree` equals all-cached when the tree holds the
 * all-cached header, the tree and build directory are byte- and
 * mtime-identical afterwards, a unit reaching the header around the overlay
 * is an error, and every contradictory option is refused before any compile.
 */
import * as fs from "fs";
import * as path from "path";
import { runCli } from "../helpers/capture";
import { makeTreeFixture, TreeFixture } from "./tree-fixture";
import { fileTempDir } from "./helpers";

interface JsonFunction {
  name: string;
  base: number | null;
  head: number | null;
  delta: number;
}
interface JsonReport {
  base: string;
  configs: { name: string; functions: JsonFunction[]; total: { base: number; head: number } }[];
}

const work = fileTempDir("size-cc");
let fx: TreeFixture;
let before: Map<string, string>;
let headVsCached: { code: number; stdout: string; stderr: string };
const keep = path.join(work, "keep");

const tree = (...args: string[]) =>
  runCli(["size", "--compile-commands", fx.db, "--header", "kvm/kvm_cache_regs.h", ...args]);

beforeAll(async () => {
  fx = makeTreeFixture(path.join(work, "fx"));
  before = fx.snapshot();
  headVsCached = await tree("--format", "json", "--keep", keep, "--jobs", "2");
}, 120_000);

const rows = (report: JsonReport) =>
  report.configs[0].functions.map((f) => [f.name, f.base, f.head]).sort();

describe("size --compile-commands on a kernel-like tree", () => {
  test("the figures equal the handler suite's gcc-O2 run (same code, same flags)", async () => {
    expect(headVsCached.code).toBe(0);
    const suite = await runCli(["size", "--config", "gcc-O2", "--format", "json"]);
    expect(suite.code).toBe(0);
    const treeReport = JSON.parse(headVsCached.stdout) as JsonReport;
    const suiteReport = JSON.parse(suite.stdout) as JsonReport;
    expect(treeReport.configs.map((c) => c.name)).toEqual(["gcc"]);
    expect(rows(treeReport)).toEqual(rows(suiteReport));
    const cpuid = treeReport.configs[0].functions.find((f) => f.name === "kvm_emulate_cpuid")!;
    expect(cpuid.delta).toBeLessThan(0);
  });

  test("the unit that does not include the header is compiled once and left out", () => {
    expect(headVsCached.stderr).toContain(
      `${fx.handlerUnits} units include kvm/kvm_cache_regs.h; 1 do not`,
    );
    const report = JSON.parse(headVsCached.stdout) as JsonReport;
    expect(report.configs[0].functions.map((f) => f.name)).not.toContain("unrelated_answer");
    expect(fs.existsSync(path.join(keep, "head", "lib", "unrelated.o"))).toBe(true);
    expect(fs.existsSync(path.join(keep, "base", "lib", "unrelated.o"))).toBe(false);
  });

  test("the tree and the build directory are unchanged: same files, bytes and mtimes", () => {
    expect(fx.snapshot()).toEqual(before);
  });

  test("objects and dependency files land under --keep; the commands point at the overlay", () => {
    expect(fs.existsSync(path.join(keep, "base", "kvm", "svm", "svm_nested.o"))).toBe(true);
    const commands = fs.readFileSync(path.join(keep, "commands.sh"), "utf8");
    expect(commands).toContain(path.join(keep, "overlay", "head", "svm", "svm_nested.c"));
    expect(commands).toContain(`-I${path.join(keep, "overlay", "head")}`);
    expect(commands).not.toContain("-Wp,-MMD");
    const dep = fs.readFileSync(path.join(keep, "head", "kvm", "cpuid.o.d"), "utf8");
    expect(dep).toContain(path.join("overlay", "head", "kvm_cache_regs.h"));
    expect(dep).not.toContain(path.join(fx.tree, "kvm", "kvm_cache_regs.h"));
  });

  test("--base tree (the tree's own header, here all-cached) gives the all-cached figures", async () => {
    const run = await tree("--base", "tree", "--format", "json");
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.base).toBe("tree");
    expect(rows(report)).toEqual(rows(JSON.parse(headVsCached.stdout) as JsonReport));
  });

  test("--units picks units by glob below the tree's root", async () => {
    const run = await tree("--units", "kvm/cpuid.c", "kvm/svm/*.c", "--format", "json");
    expect(run.code).toBe(0);
    const names = (JSON.parse(run.stdout) as JsonReport).configs[0].functions.map((f) => f.name);
    expect(names).toEqual(
      expect.arrayContaining(["kvm_emulate_cpuid", "enter_svm_guest_mode", "nested_svm_vmexit"]),
    );
    expect(names).not.toContain("kvm_emulate_hypercall");
    expect(run.stderr).toContain("2 units include");
  });

  test("--keep DIR again (the first run's): cleared first, the same figures; last, as it rewrites DIR", async () => {
    const again = await tree("--format", "json", "--keep", keep, "--units", "kvm/cpuid.c");
    expect({ code: again.code, stderr: again.stderr }).toEqual({
      code: 0,
      stderr: expect.stringContaining("1 units include kvm/kvm_cache_regs.h"),
    });
    const first = (JSON.parse(headVsCached.stdout) as JsonReport).configs[0].functions;
    const cpuid = (report: JsonFunction[]) => report.find((f) => f.name === "kvm_emulate_cpuid");
    expect(cpuid((JSON.parse(again.stdout) as JsonReport).configs[0].functions)).toEqual(
      cpuid(first),
    );
    // The first run's objects of units this one did not compile are gone.
    expect(fs.existsSync(path.join(keep, "head", "kvm", "cpuid.o"))).toBe(true);
    expect(fs.existsSync(path.join(keep, "head", "lib", "unrelated.o"))).toBe(false);
    expect(fs.existsSync(path.join(keep, ".regcache-size-keep.json"))).toBe(true);
  });
});

describe("progress on stderr, stdout unchanged", () => {
  test("a terminal: [n/N] and the unit, rewritten in place and cleared; the report byte for byte", async () => {
    const run = await runCli(
      ["size", "--compile-commands", fx.db, "--header", "kvm/kvm_cache_regs.h", "--format", "json"],
      { isErrTTY: true },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(headVsCached.stdout);
    const n = fx.handlerUnits;
    expect(run.stderr).toMatch(
      new RegExp(`\\r\\x1b\\[Kregcache size: \\[0/${n + 1}\\] kvm/\\S+\\.c \\(head\\)`),
    );
    expect(run.stderr).toContain(`\r\x1b[Kregcache size: [${n}/${n + 1}]`);
    // The live line is cleared before the notes that follow it.
    expect(run.stderr).toMatch(
      new RegExp(`\\r\\x1b\\[K(?!regcache size: \\[)regcache size: ${n} units include`),
    );
  });

  test("no terminal: a plain line per interval (a clock 6 s further each reading); the report byte for byte", async () => {
    let clock = 0;
    const run = await runCli(
      ["size", "--compile-commands", fx.db, "--header", "kvm/kvm_cache_regs.h", "--format", "json"],
      { now: () => (clock += 6000) },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(headVsCached.stdout);
    const lines = run.stderr.split("\n").filter((l) => l.includes(" compiled "));
    expect(lines.length).toBeGreaterThan(1);
    const all = fx.handlerUnits + 1;
    for (const line of lines)
      expect(line).toMatch(new RegExp(`^regcache size: compiled \\d+/${all} units$`));
    expect(lines.at(-1)).toBe(`regcache size: compiled ${all}/${all} units`);
    expect(run.stderr).not.toContain("\r");
  });
});

describe("a unit that reaches the header around the overlay", () => {
  test("is an error naming the unit and the tree's file, not a wrong figure", async () => {
    const leaky = makeTreeFixture(path.join(work, "leaky"), { leak: true });
    const run = await runCli([
      "size",
      "--compile-commands",
      leaky.db,
      "--header",
      "kvm/kvm_cache_regs.h",
      "--units",
      "lib/*.c",
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("error RC652: the overlay did not hold");
    expect(run.stderr).toContain(path.join(leaky.tree, "lib", "leak.c"));
    expect(run.stderr).toContain(path.join(leaky.tree, "kvm", "kvm_cache_regs.h"));
    expect(run.stdout).toBe("");
  });
});

describe("refused before any compile (exit 2, nothing written)", () => {
  const cases: [string, () => string[], string][] = [
    [
      "--compiler with a database",
      () => ["--compiler", "gcc"],
      "--compiler cannot be used with --compile-commands",
    ],
    [
      "--config with a database",
      () => ["--config", "gcc-O2"],
      "--config cannot be used with --compile-commands",
    ],
    ["--explain with a database", () => ["--explain"], "--explain cannot be used"],
    [
      "--dispatch with a database",
      () => ["--dispatch", "static_call"],
      "--dispatch cannot be used",
    ],
    [
      "--keep inside the tree",
      () => ["--keep", path.join(fx.tree, "out")],
      "which a measuring run only reads",
    ],
    [
      "--keep inside the build directory",
      () => ["--keep", path.join(fx.build, "x")],
      "which a measuring run only reads",
    ],
    ["a glob matching nothing", () => ["--units", "nothing/*.c"], "matches --units nothing/*.c"],
    [
      "a launcher that does not run",
      () => ["--launcher", "no-such-launcher-xyz"],
      "--launcher no-such-launcher-xyz does not run",
    ],
    [
      "a launcher with an unclosed quote",
      () => ["--launcher", "ccache 'x"],
      "error RC654: --launcher ccache 'x is not one command: it has an unclosed single quote",
    ],
  ];
  test.each(cases)("%s", async (_name, extra, message) => {
    const out = path.join(work, "refused-out");
    const run = await tree(...extra(), "--out", out);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: "" });
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toContain("compiled");
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.existsSync(path.join(fx.tree, "out"))).toBe(false);
  });

  test("a database entry whose source does not exist: RC641 naming the entry and the file", async () => {
    const entries = JSON.parse(fs.readFileSync(fx.db, "utf8")) as {
      file: string;
      command: string;
    }[];
    // A relative file, resolved against the entry's directory (the build directory).
    const stale = entries.map((e, i) =>
      i === 1 ? { ...e, file: "gone.c", command: e.command.replace(e.file, "gone.c") } : e,
    );
    const db = path.join(work, "stale.json");
    fs.writeFileSync(db, JSON.stringify(stale));
    const out = path.join(work, "stale-out");
    const run = await runCli([
      "size",
      "--compile-commands",
      db,
      "--header",
      "kvm/kvm_cache_regs.h",
      "--out",
      out,
    ]);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: "" });
    expect(run.stderr).toContain(
      `error RC641: compile database ${db}: entry 1: its source ${path.join(fx.build, "gone.c")} does not exist`,
    );
    expect(run.stderr).not.toContain("compiled");
    expect(fs.existsSync(out)).toBe(false);
  });

  const standalone: [string, string[], string][] = [
    ["--base tree without a database", ["--base", "tree"], "--base tree needs --compile-commands"],
    ["--header without a database", ["--header", "x.h"], "--header needs --compile-commands"],
    [
      "a header the spec does not generate",
      ["--compile-commands", "DB", "--header", "kvm/nope.h"],
      "the spec generates no header named nope.h",
    ],
    [
      "a header directory not in the tree",
      ["--compile-commands", "DB", "--header", "nodir/kvm_cache_regs.h"],
      "no directory nodir",
    ],
    [
      "an absolute header in no directory: no unit can reach it",
      ["--compile-commands", "DB", "--header", "NOWHERE"],
      "can reach NOWHERE_DIR, the directory of the header it stands for",
    ],
    ["the x86-kvm spec without --header", ["--compile-commands", "DB"], "--header is needed"],
    ["a database that is not JSON", ["--compile-commands", "BAD"], "not valid JSON"],
    [
      "a database entry whose command has an unclosed quote",
      ["--compile-commands", "QUOTED", "--header", "kvm/kvm_cache_regs.h"],
      "error RC641: compile database QUOTED: entry 0: 'command' cannot be read as sh reads it: an unclosed single quote",
    ],
    ["a database that does not exist", ["--compile-commands", "MISSING"], "cannot read it"],
  ];
  test.each(standalone)("%s", async (_name, argv, message) => {
    const bad = path.join(work, "bad.json");
    fs.writeFileSync(bad, "[{");
    const quoted = path.join(work, "quoted.json");
    fs.writeFileSync(
      quoted,
      JSON.stringify([{ directory: work, file: "x.c", command: "gcc -c 'x.c" }]),
    );
    const nowhere = path.join(work, "nowhere", "kvm_cache_regs.h");
    const named: Record<string, string> = {
      DB: fx.db,
      BAD: bad,
      MISSING: path.join(work, "none.json"),
      QUOTED: quoted,
      NOWHERE: nowhere,
    };
    const run = await runCli(["size", ...argv.map((a) => named[a] ?? a)]);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: "" });
    expect(run.stderr).toContain(
      message.replace("NOWHERE_DIR", path.dirname(nowhere)).replace("QUOTED", quoted),
    );
  });
});
