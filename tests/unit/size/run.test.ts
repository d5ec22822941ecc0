/*
 * runSize (generator/size/run.ts), `regcache size` as a library: a request
 * in, a SizeReport or a kind of failure out, never printing. Every input is
 * checked before the first compile, so the refusals below run no compiler;
 * the one measured run compiles a one-function tree (two gcc compiles) and
 * checks the report's figures, the budget's breaches and the hooks.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runSize, type SizeRequest } from "../../../generator/size/run";
import type { SizeOutcome } from "../../../generator/size/outcome";
import { KEEP_MARKER } from "../../../generator/size/inputs/output";
import { repoRoot } from "../../helpers/capture";
import { tempDir } from "../../helpers/temp";

/** A request run in `cwd` with no object cache (no HOME, --no-cache) and the caller's PATH. */
const request = (cwd: string, more: Partial<SizeRequest> = {}): SizeRequest => ({
  cwd,
  env: { PATH: process.env.PATH },
  spec: "x86-kvm",
  cache: false,
  ...more,
});

/** The failure's kind and diagnostic codes, or "ok". */
function codesOf(outcome: SizeOutcome) {
  if (outcome.ok) return "ok";
  return { kind: outcome.kind, codes: outcome.diagnostics.map((d) => d.code) };
}

/** Spies on stdout and stderr for the duration of `run`: a library never prints. */
async function silently<T>(run: () => Promise<T>): Promise<{ value: T; printed: string }> {
  let printed = "";
  const out = jest.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    printed += String(chunk);
    return true;
  });
  const err = jest.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    printed += String(chunk);
    return true;
  });
  try {
    return { value: await run(), printed };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe("refused before any compile, with the kind and code that say why", () => {
  test.each<[string, Partial<SizeRequest>, { kind: string; codes: string[] }]>([
    [
      "tree-only options without --compile-commands",
      { base: "tree", header: "x.h", units: ["a/**"] },
      { kind: "invalid-input", codes: ["RC649", "RC649", "RC649"] },
    ],
    [
      "matrix options with --compile-commands",
      {
        compileCommands: "db.json",
        configFile: "c.yaml",
        explain: true,
        dispatch: ["static_call"],
      },
      { kind: "invalid-input", codes: ["RC640", "RC640", "RC640"] },
    ],
    [
      "a launcher that is no command (a shell operator)",
      { launcher: "ccache && rm" },
      { kind: "invalid-input", codes: ["RC654"] },
    ],
    [
      "a launcher with an unclosed quote",
      { launcher: "ccache 'x" },
      { kind: "invalid-input", codes: ["RC654"] },
    ],
    [
      "a launcher that does not run",
      { launcher: "regcache-no-such-launcher" },
      { kind: "invalid-input", codes: ["RC648"] },
    ],
    [
      "a config file that cannot be read",
      { configFile: "missing.yaml" },
      { kind: "invalid-input", codes: ["RC600"] },
    ],
    ["an unknown config", { configs: ["gcc-O7"] }, { kind: "invalid-input", codes: ["RC613"] }],
    [
      "a budget file that cannot be read",
      { budget: "missing-budget.yaml" },
      { kind: "invalid-input", codes: ["RC600"] },
    ],
    ["a --base that is none", { base: "git:" }, { kind: "invalid-input", codes: ["RC615"] }],
    [
      "a --base revision git cannot show (the directory is no repository)",
      { base: "git:HEAD" },
      { kind: "invalid-input", codes: ["RC616"] },
    ],
    [
      "a kernel spec, which writes no header the handler suite includes",
      { spec: "linux-6.12" },
      { kind: "invalid-input", codes: ["RC660"] },
    ],
    [
      "a compile database that cannot be read",
      { compileCommands: "missing.json" },
      { kind: "invalid-input", codes: ["RC641"] },
    ],
  ])("%s", async (_name, more, want) => {
    const cwd = tempDir("run-refused");
    const notes: string[] = [];
    const { value, printed } = await silently(() =>
      runSize(request(cwd, { ...more, onNote: (l) => notes.push(l) })),
    );
    expect(codesOf(value)).toEqual(want);
    expect(printed).toBe("");
    expect(notes).toEqual([]);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  test("the request's compilers and configs with a compile database: RC640 each, as the CLI words them", async () => {
    const cwd = tempDir("run-matrix-tree");
    const outcome = await runSize(
      request(cwd, { compileCommands: "db.json", compilers: ["gcc"], configs: ["gcc-O2"] }),
    );
    expect(outcome.ok ? [] : outcome.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["RC640", "--compiler cannot be used with --compile-commands"],
      ["RC640", "--config cannot be used with --compile-commands"],
    ]);
  });

  test("REGCACHE_CACHE_MAX that is not a size (RC650), even with --no-cache", async () => {
    const cwd = tempDir("run-cache-max");
    const outcome = await runSize(
      request(cwd, { env: { PATH: process.env.PATH, REGCACHE_CACHE_MAX: "lots" } }),
    );
    expect(codesOf(outcome)).toEqual({ kind: "invalid-input", codes: ["RC650"] });
    expect(outcome.ok ? "" : outcome.diagnostics[0].message).toBe(
      "REGCACHE_CACHE_MAX='lots' is not a size (e.g. 512M, 2G)",
    );
  });

  test("every problem of a bad budget file at once, before the spec is read", async () => {
    const cwd = tempDir("run-budget");
    fs.writeFileSync(
      path.join(cwd, "budget.yaml"),
      "budgets:\n  - config: gcc-O9\n    total: true\n    max: 1\n  - config: [clang-O9]\n    function: f\n    growth: 0\n",
    );
    const outcome = await runSize(request(cwd, { budget: "budget.yaml", spec: "missing.yaml" }));
    expect(codesOf(outcome)).toEqual({ kind: "invalid-input", codes: ["RC610", "RC610"] });
  });

  test("a spec with mistakes: its own diagnostics, as invalid input", async () => {
    const cwd = tempDir("run-bad-spec");
    fs.writeFileSync(path.join(cwd, "bad.yaml"), "name: [\n");
    const outcome = await runSize(request(cwd, { spec: "bad.yaml" }));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.kind).toBe("invalid-input");
    expect(outcome.diagnostics.length).toBeGreaterThan(0);
    expect(outcome.diagnostics.every((d) => d.file.displayPath === "bad.yaml")).toBe(true);
  });

  test("a --keep directory another program filled: a problem, and nothing in it removed", async () => {
    const cwd = tempDir("run-keep");
    fs.mkdirSync(path.join(cwd, "keep"));
    fs.writeFileSync(path.join(cwd, "keep", "mine.txt"), "x");
    const outcome = await runSize(request(cwd, { keep: "keep" }));
    expect(outcome).toEqual({
      ok: false,
      kind: "invalid-input",
      diagnostics: [],
      problems: [
        "--keep keep is not empty and was not written by regcache size; name a new or empty directory",
      ],
      messages: [],
    });
    expect(fs.readdirSync(path.join(cwd, "keep"))).toEqual(["mine.txt"]);
  });

  test("a --keep directory an earlier run wrote is not cleared by a run that stops on its input", async () => {
    const cwd = tempDir("run-keep-ours");
    const keep = path.join(cwd, "keep");
    fs.mkdirSync(path.join(keep, "gcc-O2"), { recursive: true });
    fs.writeFileSync(path.join(keep, KEEP_MARKER), JSON.stringify({ entries: ["gcc-O2"] }));
    const outcome = await runSize(request(cwd, { keep: "keep", base: "git:" }));
    expect(codesOf(outcome)).toEqual({ kind: "invalid-input", codes: ["RC615"] });
    expect(fs.readdirSync(keep).sort()).toEqual([KEEP_MARKER, "gcc-O2"].sort());
  });
});

describe("a measured run of a one-unit tree", () => {
  /**
   * tree/kvm/rax.c reads rax through its accessor, compiled against the
   * generated headers (-I tree/kvm, overlaid per side) and the runtime's
   * kvm_host.h. rax is always available in the spec, so head's reader is a
   * plain load and smaller than all-cached's, which takes the cached path.
   */
  function oneUnitTree(cwd: string): string {
    const kvm = path.join(cwd, "tree", "kvm");
    const build = path.join(cwd, "build");
    fs.mkdirSync(kvm, { recursive: true });
    fs.mkdirSync(build);
    fs.writeFileSync(
      path.join(kvm, "rax.c"),
      '#include "kvm_cache_regs.h"\n' +
        "unsigned long read_rax(struct kvm_vcpu *vcpu)\n{\n\treturn kvm_rax_read(vcpu);\n}\n",
    );
    const source = path.join(kvm, "rax.c");
    const argv = ["gcc", "-O2", `-I${kvm}`, `-I${path.join(repoRoot, "runtime", "include")}`];
    fs.writeFileSync(
      path.join(build, "compile_commands.json"),
      JSON.stringify([
        { directory: build, file: source, arguments: [...argv, "-c", "-o", "rax.o", source] },
      ]),
    );
    return "build/compile_commands.json";
  }

  test("the report measures both sides; the hooks hear the units; nothing is printed or left", async () => {
    const cwd = tempDir("run-tree");
    const compileCommands = oneUnitTree(cwd);
    const notes: string[] = [];
    const progress: [number, number, string, string | undefined][] = [];
    const { value: outcome, printed } = await silently(() =>
      runSize(
        request(cwd, {
          compileCommands,
          header: "kvm/kvm_cache_regs.h",
          jobs: 1,
          onNote: (line) => notes.push(line),
          onProgress: (done, total, what, current) => progress.push([done, total, what, current]),
        }),
      ),
    );
    expect(printed).toBe("");
    if (!outcome.ok) throw new Error(JSON.stringify(outcome, null, 2));
    const { report } = outcome;
    expect([report.spec, report.base]).toEqual(["x86-kvm", "all-cached"]);
    expect(report.configs.map((c) => [c.name, c.compiler, c.flags])).toEqual([
      ["gcc", "gcc", ["-O2"]],
    ]);
    const rax = report.configs[0].functions.find((f) => f.name === "read_rax")!;
    expect(rax.head).toBeGreaterThan(0);
    expect(rax.base).toBeGreaterThan(rax.head!);
    expect(rax.delta).toBe(rax.head! - rax.base!);
    expect(report.budget).toBeUndefined();
    expect(report.sources.map((s) => s.path)).toEqual(
      expect.arrayContaining(["c/kvm_cache_regs.h", "c/kvm_regs.h"]),
    );
    expect(notes).toContain("1 units include kvm/kvm_cache_regs.h");
    // One unit, done once both its compiles are; each compile named as it starts.
    expect(progress).toEqual([
      [0, 1, "tree", `${path.join("kvm", "rax.c")} (head)`],
      [0, 1, "tree", `${path.join("kvm", "rax.c")} (base)`],
      [1, 1, "tree", undefined],
    ]);
    // Only the inputs: the run wrote into a private scratch directory, now gone.
    expect(fs.readdirSync(cwd).sort()).toEqual(["build", "tree"]);
    expect(fs.readdirSync(path.join(cwd, "build"))).toEqual(["compile_commands.json"]);
    expect(fs.readdirSync(path.join(cwd, "tree", "kvm"))).toEqual(["rax.c"]);
  });

  test("a --keep inside the build directory: RC645, nothing compiled or written", async () => {
    const cwd = tempDir("run-tree-keep");
    const compileCommands = oneUnitTree(cwd);
    const outcome = await runSize(
      request(cwd, { compileCommands, header: "kvm/kvm_cache_regs.h", keep: "build/keep" }),
    );
    expect(codesOf(outcome)).toEqual({ kind: "invalid-input", codes: ["RC645"] });
    expect(fs.readdirSync(path.join(cwd, "build"))).toEqual(["compile_commands.json"]);
  });

  test("a budget rule naming another config than the tree's: RC610 listing the tree's, nothing compiled", async () => {
    const cwd = tempDir("run-tree-budget-config");
    const compileCommands = oneUnitTree(cwd);
    fs.writeFileSync(
      path.join(cwd, "budget.yaml"),
      "budgets:\n  - function: read_rax\n    max: 1\n    config: [gcc, clang]\n",
    );
    const progress: number[] = [];
    const outcome = await runSize(
      request(cwd, {
        compileCommands,
        header: "kvm/kvm_cache_regs.h",
        budget: "budget.yaml",
        onProgress: (done) => progress.push(done),
      }),
    );
    expect(outcome.ok ? [] : outcome.diagnostics.map((d) => [d.code, d.message, d.hint])).toEqual([
      ["RC610", "budget names config 'clang', which is not in the matrix", "known configs: gcc"],
    ]);
    expect(progress).toEqual([]);
  });

  test("a unit that does not compile: an environment failure carrying the compiler's output", async () => {
    const cwd = tempDir("run-tree-broken");
    const compileCommands = oneUnitTree(cwd);
    fs.appendFileSync(path.join(cwd, "tree", "kvm", "rax.c"), "int broken(void) { return }\n");
    const outcome = await runSize(
      request(cwd, { compileCommands, header: "kvm/kvm_cache_regs.h", jobs: 1 }),
    );
    expect(codesOf(outcome)).toEqual({ kind: "environment", codes: [] });
    const messages = outcome.ok ? [] : outcome.messages;
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^compile failed:\n {2}gcc -O2 /);
    expect(messages[0]).toContain("rax.c");
    expect(messages[0]).toMatch(/error/);
  });

  test("a database whose compiler does not run: an environment failure naming it", async () => {
    const cwd = tempDir("run-tree-no-cc");
    const compileCommands = oneUnitTree(cwd);
    const db = path.join(cwd, compileCommands);
    fs.writeFileSync(db, fs.readFileSync(db, "utf8").replace('"gcc"', '"regcache-no-such-cc"'));
    const outcome = await runSize(
      request(cwd, { compileCommands, header: "kvm/kvm_cache_regs.h" }),
    );
    expect(outcome).toEqual({
      ok: false,
      kind: "environment",
      diagnostics: [],
      problems: [],
      messages: ["the database's compiler regcache-no-such-cc does not run"],
    });
  });

  test("with a budget its breaches are in the report; --base tree is the tree's own header", async () => {
    const cwd = tempDir("run-tree-budget");
    const compileCommands = oneUnitTree(cwd);
    fs.writeFileSync(
      path.join(cwd, "budget.yaml"),
      // The tree's one config is named after its recorded compiler; a rule may name it.
      "budgets:\n  - function: read_rax\n    max: 1\n    config: gcc\n",
    );
    // The tree holds the spec's own headers (generated/c), so base (the tree's) equals head.
    const generated = path.join(repoRoot, "generated", "c");
    for (const name of ["kvm_cache_regs.h", "kvm_regs.h"])
      fs.copyFileSync(path.join(generated, name), path.join(cwd, "tree", "kvm", name));
    const outcome = await runSize(
      request(cwd, {
        compileCommands,
        header: "kvm/kvm_cache_regs.h",
        base: "tree",
        budget: "budget.yaml",
        keep: "keep",
        jobs: 1,
      }),
    );
    if (!outcome.ok) throw new Error(JSON.stringify(outcome, null, 2));
    const { report } = outcome;
    expect(report.base).toBe("tree");
    const rax = report.configs[0].functions.find((f) => f.name === "read_rax")!;
    expect(rax.base).toBe(rax.head);
    expect(report.budget).toEqual({
      file: "budget.yaml",
      breaches: [
        {
          config: "gcc",
          target: "read_rax",
          check: "max",
          unit: "bytes",
          limit: 1,
          base: rax.base,
          head: rax.head,
          delta: rax.delta,
        },
      ],
    });
    expect(fs.existsSync(path.join(cwd, "keep", "head", "kvm", "rax.o"))).toBe(true);
    // --keep holds the objects of both sides and the commands; base is the tree's header, unreplaced.
    expect(fs.readdirSync(path.join(cwd, "keep")).sort()).toEqual(
      [KEEP_MARKER, "base", "commands.sh", "head", "overlay"].sort(),
    );
    expect(fs.existsSync(path.join(cwd, "keep", "base", "kvm", "rax.o"))).toBe(true);
    expect(fs.readdirSync(path.join(cwd, "keep", "overlay", "base")).sort()).toEqual([
      "kvm_cache_regs.h",
      "kvm_regs.h",
      "rax.c",
    ]);
    expect(
      fs.lstatSync(path.join(cwd, "keep", "overlay", "base", "kvm_regs.h")).isSymbolicLink(),
    ).toBe(true);
    expect(
      fs.lstatSync(path.join(cwd, "keep", "overlay", "head", "kvm_regs.h")).isSymbolicLink(),
    ).toBe(false);
  });
});
