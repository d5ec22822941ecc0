/*
 * The real-kernel proof (npm run test:kernel): for Linux 6.1, 6.12 and 7.2
 * from Debian's linux-source packages, `regcache adopt --spec linux-<series>`
 * (the CLI, run in a scratch copy of what it reads and writes: adopt-cli.ts)
 * replaces the kernel's own register-cache block (kvm_cache_regs.h; regs.h in
 * 7.2, as the spec's output.adopts says) by its generated file and adds the
 * set checks; the tree so adopted builds into the same KVM objects as the
 * kernel's hand-written block, symbol for symbol and byte for byte per
 * function; `adopt --revert` gives the copy back byte for byte and `adopt
 * --dry-run`'s patch gives what adopt wrote; the --all-cached variant (the
 * seed patch undone) is bigger where the seed patch said; the compiler
 * confirms every register number and set the spec states (7.2: TDX's
 * available set too, through vmx/tdx.c); in 7.2 the lockdep hook, given a
 * body, still builds the same code; and a spec whose VMX set disagrees with
 * vmx.h, adopted the same way, stops the build.
 *
 * Builds: reference = the cached tree's own objects (trees.ts); adopted and
 * all-cached = variants (variants.ts) built from the files adopt wrote, one
 * build at a time. The cache is checked untouched afterwards. Nothing is
 * skipped: a missing package, spec or failed build fails the suite.
 */
import { execFile, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import {
  ADOPT_INPUTS,
  adoptScratch,
  describeRun,
  digestDifferences,
  overlayOf,
  regcache,
  reportedFiles,
  succeeded,
  treeDigest,
} from "./adopt-cli";
import { kernelOutput, withVmxLazy } from "./kernel-spec";
import {
  BuildComparison,
  compareBuilds,
  functionSize,
  parseBloatOMeter,
  parseNmSizeSort,
  realChanges,
  symbolTable,
  SymbolTable,
  totalSize,
} from "./compare";
import { changedFiles, fileStates, FileStates } from "./file-states";
import { compileProbe, probeSource, specFacts } from "./probe";
import {
  CompileCommand,
  KernelTree,
  entryProblem,
  kernelMake,
  prepareTree,
  readCompileCommands,
  run,
  sourcePackage,
} from "./trees";
import { buildKvm, makeVariant, objectsDependingOn, Variant } from "./variants";

const REPO = path.resolve(__dirname, "../..");
const KVM_MODULES = new Set(["kvm", "kvm_intel", "kvm_amd"]);

const execFileAsync = promisify(execFile);

/** Runs `task` over `items`, at most `width` at a time; results in item order. */
async function inPool<T, R>(
  items: readonly T[],
  width: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, width) }, worker));
  return results;
}

const log = (line: string) => process.stderr.write(`kernel: ${line}\n`);

/** The compile command kbuild recorded for one source file of the tree. */
function unit(tree: KernelTree, file: string): CompileCommand {
  const like = readCompileCommands(tree).find((c) => c.file.endsWith(file));
  if (!like) throw new Error(`no compile command for ${file}`);
  return like;
}

interface Build {
  readonly name: string;
  readonly buildDir: string;
  readonly tables: ReadonlyMap<string, SymbolTable>;
}

function kvmObjects(tree: KernelTree): string[] {
  const objects = readCompileCommands(tree).flatMap((c) => {
    const mod = /-DKBUILD_MODNAME='"(\w+)"'/.exec(c.command)?.[1];
    const out = / -o (\S+\.o) /.exec(c.command)?.[1];
    return mod && out && KVM_MODULES.has(mod) ? [path.normalize(out)] : [];
  });
  if (objects.length < 20)
    throw new Error(`only ${objects.length} KVM objects in ${tree.compileCommands}`);
  return objects.sort();
}

function symbols(buildDir: string, objects: readonly string[], name: string): Build {
  const tables = new Map<string, SymbolTable>();
  for (const obj of objects) {
    tables.set(
      obj,
      symbolTable(parseNmSizeSort(run(["nm", "--size-sort", path.join(buildDir, obj)]))),
    );
  }
  return { name, buildDir, tables };
}

/** `regcache generate` into a fresh dir; the contract: exactly one file, the spec's kernel_header. */
function generate(
  spec: string,
  outDir: string,
  options: readonly string[],
  header: string,
): string {
  const args = ["bin/regcache.js", "generate", "--spec", spec, "--out", outDir, ...options];
  const result = spawnSync("node", args, { cwd: REPO, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(
      `regcache ${args.slice(1).join(" ")} exited ${result.status}:\n${result.stderr}`,
    );
  }
  const written = fs.readdirSync(outDir, { recursive: true }).map(String).sort();
  if (written.join() !== header) {
    throw new Error(
      `regcache generate --spec ${spec} wrote [${written.join(", ")}], want [${header}]`,
    );
  }
  return fs.readFileSync(path.join(outDir, header), "utf8");
}

/**
 * A generated file's text below its banner (the banner, which ends with its
 * `regcache-body:` line, names the command that wrote it).
 */
const belowBanner = (text: string): string => {
  const body = text.indexOf("\n * regcache-body: ");
  if (body < 0) throw new Error("no regcache banner");
  return text.slice(text.indexOf(" */\n", body) + 4);
};

/** Each object's modification time (ns); `cp -a` keeps it, a rebuild changes it. */
function objectMtimes(buildDir: string, objects: readonly string[]): Map<string, bigint> {
  return new Map(
    objects.map((o) => [o, fs.statSync(path.join(buildDir, o), { bigint: true }).mtimeNs]),
  );
}

function describeDifferences(c: BuildComparison): string {
  return c.differences
    .map(
      (d) => `${d.object}: ${d.symbol} ${d.before.join("+") || "-"} -> ${d.after.join("+") || "-"}`,
    )
    .join("\n");
}

/**
 * Each kernel and its spec. The seed (the --all-cached variant, built and
 * compared with the spec: the handlers the seed patch measured must shrink,
 * REFERENCE.md) runs on the newest tree only, to keep CI within its budget;
 * 6.1 and 6.12 keep 0-changed and the probe. 7.2 reads the hypercall's
 * registers in ____kvm_emulate_hypercall.
 */
const KERNELS: { series: string; spec: string; seed?: readonly string[] }[] = [
  { series: "6.1", spec: "spec/linux-6.1.yaml" },
  { series: "6.12", spec: "spec/linux-6.12.yaml" },
  {
    series: "7.2",
    spec: "spec/linux-7.2.yaml",
    seed: ["kvm_emulate_cpuid", "____kvm_emulate_hypercall"],
  },
];

describe.each(KERNELS)("Linux $series", ({ series, spec, seed }) => {
  let tree: KernelTree;
  let work: string;
  /** The cached tree as prepared, before anything else ran. */
  let treeBefore: FileStates;
  /** The generated variant's objects as copied from the cache, before its build. */
  let copiedObjects: Map<string, bigint>;
  let objects: string[];
  let reference: Build;
  let generated: Build;
  let allCached: Build;
  let expanded: Build;
  let generatedVariant: Variant;
  /** The tree's header the block is adopted into, and the generated one beside it. */
  let adoptedHeader: string;
  let generatedHeader: string;
  /** The scratch tree `regcache adopt` ran in, and what that run printed. */
  let scratch: string;
  let adoptRun: ReturnType<typeof regcache>;
  /** The files adopt reported writing (path → text): what the adopted variant builds with. */
  let adopted: Record<string, string>;
  /** The scratch tree right after adopt, its .regcache-adopt/ left out. */
  let adoptedDigest: Map<string, string>;
  const specPath = path.join(REPO, spec);
  /** The bundled spec's name, as a user in a kernel tree gives it (the file is spec/NAME.yaml). */
  const bundled = path.basename(spec, ".yaml");

  beforeAll(() => {
    if (!fs.existsSync(specPath))
      throw new Error(`${spec} is missing: the kernel proof needs the kernel's spec`);
    const out = kernelOutput(fs.readFileSync(specPath, "utf8"));
    tree = prepareTree(sourcePackage(series), log);
    log(`${series}: tree ${tree.root}`);
    adoptedHeader = tree.header;
    if (path.basename(adoptedHeader) !== out.adopts.header)
      throw new Error(
        `${spec} adopts into ${out.adopts.header}, the tree's header is ${adoptedHeader}`,
      );
    generatedHeader = path.join(path.dirname(adoptedHeader), out.kernelHeader);
    treeBefore = fileStates(tree.root);
    work = fs.mkdtempSync(path.join(os.tmpdir(), `regcache-kernel-${series}-`));
    objects = kvmObjects(tree);
    reference = symbols(tree.buildDir, objects, "reference");

    // The user's command, in the tree's top; the files it reports are the overlay.
    scratch = adoptScratch(tree.srcDir, path.join(work, "adopt"));
    adoptRun = succeeded(regcache(["adopt", "--spec", bundled], scratch));
    log(`${series}: ${describeRun(adoptRun)}`);
    adopted = overlayOf(scratch, adoptRun);
    adoptedDigest = treeDigest(scratch);
    for (const p of [...adoptedDigest.keys()])
      if (p === ".regcache-adopt" || p.startsWith(".regcache-adopt/")) adoptedDigest.delete(p);

    const t0 = Date.now();
    generatedVariant = makeVariant(tree, path.join(work, "generated"), "adopted", adopted);
    copiedObjects = objectMtimes(generatedVariant.buildDir, objects);
    buildKvm(generatedVariant);
    generated = symbols(generatedVariant.buildDir, objects, "generated");
    log(
      `${series}: adopted variant copied and built in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
    );

    if (!seed) return;
    const allCachedText = generate(
      spec,
      path.join(work, "all-cached"),
      ["--all-cached"],
      out.kernelHeader,
    );
    const t1 = Date.now();
    const allCachedVariant = makeVariant(tree, path.join(work, "all-cached"), "all-cached", {
      ...adopted,
      [generatedHeader]: allCachedText,
    });
    buildKvm(allCachedVariant);
    allCached = symbols(allCachedVariant.buildDir, objects, "all-cached");
    log(
      `${series}: all-cached variant copied and built in ${((Date.now() - t1) / 1000).toFixed(0)} s`,
    );
    fs.rmSync(allCachedVariant.srcDir, { recursive: true, force: true });

    const expandedText = generate(
      spec,
      path.join(work, "expanded"),
      ["--c-style", "expanded"],
      out.kernelHeader,
    );
    const t2 = Date.now();
    const expandedVariant = makeVariant(tree, path.join(work, "expanded"), "expanded", {
      ...adopted,
      [generatedHeader]: expandedText,
    });
    buildKvm(expandedVariant);
    expanded = symbols(expandedVariant.buildDir, objects, "expanded");
    log(
      `${series}: --c-style expanded variant copied and built in ${((Date.now() - t2) / 1000).toFixed(0)} s`,
    );
  });

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test("regcache adopt wrote the adopted header, each backend's set file and the generated file (what generate writes)", () => {
    const setFiles = ["arch/x86/kvm/svm/svm.h", "arch/x86/kvm/vmx/vmx.h"];
    if (series === "7.2") setFiles.push("arch/x86/kvm/vmx/tdx.c");
    expect(reportedFiles(adoptRun).sort((a, b) => (a.path < b.path ? -1 : 1))).toEqual(
      [
        { action: "update", path: adoptedHeader },
        { action: "create", path: generatedHeader },
        ...setFiles.map((p) => ({ action: "update", path: p })),
      ].sort((a, b) => (a.path < b.path ? -1 : 1)),
    );
    expect(adoptRun.stdout).toMatch(/adopted; the originals are kept in \.regcache-adopt\//);
    // The all-cached and expanded variants differ from the adopted one by their option only.
    const plain = generate(spec, path.join(work, "plain"), [], path.basename(generatedHeader));
    expect(belowBanner(adopted[generatedHeader]!)).toBe(belowBanner(plain));
  });

  test("regcache adopt again changes nothing; adopt --revert restores every file byte for byte and mode", () => {
    const again = succeeded(regcache(["adopt", "--spec", bundled], scratch));
    log(`${series}: ${describeRun(again)}`);
    expect(again.stdout).toMatch(/adopted already; nothing changed/);
    const reverted = succeeded(regcache(["adopt", "--revert"], scratch));
    log(`${series}: ${describeRun(reverted)}`);
    expect(
      reportedFiles(reverted)
        .map((f) => f.path)
        .sort(),
    ).toEqual(
      reportedFiles(adoptRun)
        .map((f) => f.path)
        .sort(),
    );
    expect(digestDifferences(treeDigest(tree.srcDir, ADOPT_INPUTS), treeDigest(scratch))).toEqual(
      [],
    );
  });

  test("regcache adopt --dry-run writes nothing, and its patch (patch -p1) gives exactly adopt's files", () => {
    const copy = adoptScratch(tree.srcDir, fs.mkdtempSync(path.join(work, "dry-run-")));
    const pristine = treeDigest(tree.srcDir, ADOPT_INPUTS);
    const dry = succeeded(regcache(["adopt", "--spec", bundled, "--dry-run"], copy));
    const lines = dry.stdout.split("\n").length;
    log(
      `${series}: (in a second scratch tree) $ regcache adopt --spec ${bundled} --dry-run: exit 0, a ${lines}-line patch`,
    );
    expect(digestDifferences(pristine, treeDigest(copy))).toEqual([]);
    const patched = spawnSync("patch", ["-p1", "--no-backup-if-mismatch", "--quiet"], {
      cwd: copy,
      input: dry.stdout,
      encoding: "utf8",
    });
    expect({ code: patched.status, out: patched.stdout + patched.stderr }).toEqual({
      code: 0,
      out: "",
    });
    log(`${series}: $ patch -p1 < that patch: exit 0; the tree then equals adopt's, file by file`);
    expect(digestDifferences(adoptedDigest, treeDigest(copy))).toEqual([]);
  });

  test("the adopted variant really rebuilt every object that includes the generated header", () => {
    const dependents = objectsDependingOn(generatedVariant.buildDir, objects, generatedHeader);
    expect(dependents.length).toBeGreaterThan(10);
    const built = objectMtimes(generatedVariant.buildDir, dependents);
    const stale = dependents.filter((o) => built.get(o) === copiedObjects.get(o));
    expect(stale).toEqual([]);
  });

  test("adopted vs reference: same symbols, every function the same size", () => {
    const c = compareBuilds(reference.tables, generated.tables);
    log(
      `${series}: adopted vs reference: ${c.objects} objects, ${c.functions} functions, ` +
        `${c.symbols} symbols compared, ${c.differences.length} differ`,
    );
    if (c.differences.length) log(`${series}: differences:\n${describeDifferences(c)}`);
    expect(c.functions).toBeGreaterThan(1000);
    expect(describeDifferences(c)).toBe("");
  });

  test("the tree's scripts/bloat-o-meter: nothing changed in any object", async () => {
    const script = path.join(tree.srcDir, "scripts/bloat-o-meter");
    const outputs = await inPool(objects, os.cpus().length, async (obj) => {
      const a = path.join(reference.buildDir, obj);
      const b = path.join(generated.buildDir, obj);
      return (await execFileAsync("python3", [script, a, b], { maxBuffer: 64 << 20 })).stdout;
    });
    const changed: string[] = [];
    let renames = 0;
    objects.forEach((obj, i) => {
      const report = parseBloatOMeter(outputs[i]);
      const real = realChanges(report);
      renames += report.rows.length - real.length;
      for (const r of real) changed.push(`${obj}: ${r.name} ${r.old ?? "-"} -> ${r.new ?? "-"}`);
    });
    log(
      `${series}: bloat-o-meter over ${objects.length} object pairs: ${changed.length} changes, ` +
        `${renames} rows that are __COUNTER__ renames of equal size`,
    );
    expect(changed).toEqual([]);
  });

  if (seed) {
    test("--c-style expanded (the macros written out): every function the same size as the reference", () => {
      const c = compareBuilds(reference.tables, expanded.tables);
      log(
        `${series}: expanded vs reference: ${c.objects} objects, ${c.functions} functions, ${c.differences.length} differ`,
      );
      expect(c.functions).toBeGreaterThan(1000);
      expect(describeDifferences(c)).toBe("");
    });

    test("all-cached -> spec: kvm_emulate_cpuid and the hypercall handler shrink", () => {
      const rows = seed.map((fn) => ({
        fn,
        allCached: functionSize(allCached.tables, fn),
        spec: functionSize(generated.tables, fn),
      }));
      const total = totalSize(generated.tables) - totalSize(allCached.tables);
      for (const r of rows)
        log(`${series}: ${r.fn} all-cached ${r.allCached} B -> spec ${r.spec} B`);
      log(`${series}: all KVM objects, all-cached -> spec: ${total > 0 ? "+" : ""}${total} B`);
      for (const r of rows) {
        expect(r.allCached).toBeDefined();
        expect(r.spec).toBeDefined();
        expect(r.spec!).toBeLessThan(r.allCached!);
      }
    });
  }

  test("the compiler, with the kernel's own flags, agrees with the spec's register numbers and lazy sets", () => {
    const like = unit(tree, "arch/x86/kvm/vmx/vmx.c");
    const facts = specFacts(fs.readFileSync(specPath, "utf8"), ["vmx", "svm"]);
    expect(facts.enumValues.size).toBeGreaterThan(20);
    expect([...facts.lazySets.keys()].sort()).toEqual([
      "SVM_REGS_LAZY_LOAD_SET",
      "VMX_REGS_LAZY_LOAD_SET",
    ]);
    const probeDir = fs.mkdtempSync(path.join(work, "probe-"));
    // The tree's own register-cache header too: it defines the guest-owned bits' macros.
    const includes = [
      "<linux/kvm_host.h>",
      '"vmx/vmx.h"',
      '"svm/svm.h"',
      `"${path.basename(tree.header)}"`,
    ];
    compileProbe(like, probeSource(facts, includes), probeDir);
    // The probe must be able to fail: a wrong number is a compile error.
    const wrong = probeSource(facts, includes).replace(
      /== (\d+), "VCPU_REGS_RAX/,
      (_m, n) => `== ${Number(n) + 1}, "VCPU_REGS_RAX`,
    );
    expect(() => compileProbe(like, wrong, probeDir)).toThrow(
      /static assertion failed|static_assert/,
    );
    log(
      `${series}: probe: ${facts.enumValues.size} enum values, ${facts.lazySets.size} lazy sets and ${facts.constants.size} constants confirmed`,
    );
  });

  if (series === "7.2") {
    test("TDX's available set, defined in vmx/tdx.c, is the spec's tdx list (a probe that includes tdx.c)", () => {
      const like = unit(tree, "arch/x86/kvm/vmx/tdx.c");
      const facts = specFacts(fs.readFileSync(specPath, "utf8"), ["tdx"]);
      expect([...facts.lazySets.keys()]).toEqual(["TDX_REGS_AVAIL_SET"]);
      const probeDir = fs.mkdtempSync(path.join(work, "probe-tdx-"));
      compileProbe(like, probeSource(facts, ['"vmx/tdx.c"']), probeDir);
      const wrong = probeSource(facts, ['"vmx/tdx.c"']).replace(
        /== (0x[0-9a-f]+)ULL, "TDX_REGS_AVAIL_SET/,
        (_m, n: string) => `== ${n}0ULL, "TDX_REGS_AVAIL_SET`,
      );
      expect(() => compileProbe(like, wrong, probeDir)).toThrow(
        /static assertion failed|static_assert/,
      );
      log(
        `${series}: probe: TDX_REGS_AVAIL_SET (${facts.lazySets.get("TDX_REGS_AVAIL_SET")!.length} registers) confirmed in vmx/tdx.c`,
      );
    });

    test("with a body for lockdep_assert_once, the generated hook builds the same code as the kernel's", () => {
      // Without lockdep the hook is empty in both, so 0-changed says nothing
      // about it. Here it calls an external function whenever its condition
      // fails: x86.c compiled so, against the tree's header and against the
      // adopted one, must give the same functions, and not the same as
      // without the body (the body must show).
      const like = unit(tree, "arch/x86/kvm/x86.c");
      const hooked = [
        "/* regcache probe: lockdep_assert_once with a body */",
        // x86.c's own pr_fmt, first: lockdep.h would otherwise define the default one.
        '#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt',
        "#include <linux/lockdep.h>",
        "extern void regcache_lockdep_assert_failed(void);",
        "#undef lockdep_assert_once",
        "#define lockdep_assert_once(c) do { if (!(c)) regcache_lockdep_assert_failed(); } while (0)",
        '#include "x86.c"',
        "",
      ].join("\n");
      const build = (directory: string, name: string) => {
        const dir = fs.mkdtempSync(path.join(work, `${name}-`));
        compileProbe({ ...like, directory }, hooked, dir);
        return symbolTable(
          parseNmSizeSort(run(["nm", "--size-sort", path.join(dir, "regcache_probe.o")])),
        );
      };
      const ours = build(generatedVariant.buildDir, "hook-generated");
      const theirs = build(tree.buildDir, "hook-reference");
      const plain = reference.tables.get("arch/x86/kvm/x86.o");
      if (!plain) throw new Error("no arch/x86/kvm/x86.o among the reference objects");
      const sizes = (t: SymbolTable) =>
        [...t].filter(([k]) => k.startsWith("function ")).map(([k, v]) => `${k} ${v.join("+")}`);
      const hookShows = sizes(theirs).filter((row) => !sizes(plain).includes(row)).length;
      log(
        `${series}: lockdep hook with a body: ${hookShows} functions of x86.c change size; generated vs kernel: ${sizes(ours).filter((r) => !sizes(theirs).includes(r)).length} differ`,
      );
      expect(hookShows).toBeGreaterThan(0);
      expect(sizes(ours).sort()).toEqual(sizes(theirs).sort());
    });
  }

  test("a spec whose VMX set differs from vmx.h's, adopted with regcache adopt, stops the build naming each register and the backend", () => {
    // CR3 out of VMX's lazy list (the stale-CR3 case) and RBP into it, in one
    // spec, adopted over the spec's own adoption as a user would after editing
    // the spec: only the generated file changes, and vmx.o, which includes
    // vmx.h and so calls the check on the tree's own VMX_REGS_LAZY_LOAD_SET,
    // must fail with both messages and no other.
    const specDir = fs.mkdtempSync(path.join(work, "disagree-"));
    const changedSpec = path.join(specDir, path.basename(spec));
    fs.writeFileSync(
      changedSpec,
      withVmxLazy(fs.readFileSync(specPath, "utf8"), (regs) => {
        expect(regs).toContain("cr3");
        expect(regs).not.toContain("rbp");
        return [...regs.filter((r) => r !== "cr3"), "rbp"];
      }),
    );
    const copy = adoptScratch(tree.srcDir, specDir);
    succeeded(regcache(["adopt", "--spec", bundled], copy));
    const readopt = succeeded(regcache(["adopt", "--spec", changedSpec], copy));
    log(`${series}: ${describeRun(readopt)} (the spec with CR3 out of and RBP into VMX's set)`);
    expect(reportedFiles(readopt)).toEqual([{ action: "update", path: generatedHeader }]);
    for (const [rel, text] of Object.entries(overlayOf(copy, readopt))) {
      const file = path.join(generatedVariant.srcDir, rel);
      fs.rmSync(file, { force: true });
      fs.writeFileSync(file, text);
    }
    const logFile = path.join(specDir, "build.log");
    let failed = false;
    try {
      kernelMake(generatedVariant.srcDir, ["arch/x86/kvm/vmx/vmx.o"], logFile);
    } catch {
      failed = true;
    }
    const build = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : "";
    const messages = [...build.matchAll(/static assertion failed: "([^"]*)"/g)].map((x) => x[1]);
    log(
      `${series}: CR3 out of and RBP into the spec's VMX set: vmx.o stops with ${JSON.stringify([...new Set(messages)])}`,
    );
    expect(failed).toBe(true);
    expect([...new Set(messages)].sort()).toEqual([
      "regcache: the spec has cr3 always available on vmx, VMX_REGS_LAZY_LOAD_SET has it",
      "regcache: the spec has vmx load rbp lazily, VMX_REGS_LAZY_LOAD_SET lacks it",
    ]);
  });

  test("regcache check --compile-commands: the bundled spec agrees with the tree; the disagreeing one exits 1 naming cr3 and rbp on vmx", () => {
    // check compares the generated files first, so each spec is checked
    // against its own fresh output: what is left to differ is the tree.
    const checkDir = fs.mkdtempSync(path.join(work, "check-"));
    const checkAgainstTree = (specFile: string, name: string) => {
      const out = path.join(checkDir, name);
      succeeded(regcache(["generate", "--spec", specFile, "--out", out], checkDir));
      const r = regcache(
        ["check", "--spec", specFile, "--out", out, "--compile-commands", tree.compileCommands],
        checkDir,
      );
      log(`${series}: ${describeRun(r, "a scratch directory")}`);
      return r;
    };
    const agreeing = checkAgainstTree(specPath, "agreeing");
    expect([
      agreeing.code,
      agreeing.stderr.split("\n").filter((l) => /error|differ/i.test(l)),
    ]).toEqual([0, []]);
    const changedSpec = path.join(checkDir, path.basename(spec));
    fs.writeFileSync(
      changedSpec,
      withVmxLazy(fs.readFileSync(specPath, "utf8"), (regs) => [
        ...regs.filter((r) => r !== "cr3"),
        "rbp",
      ]),
    );
    const disagreeing = checkAgainstTree(changedSpec, "disagreeing");
    expect(disagreeing.code).toBe(1);
    const said = disagreeing.stdout + disagreeing.stderr;
    const findings = said.split("\n").filter((l) => /VMX_REGS_LAZY_LOAD_SET/.test(l));
    expect(findings.some((l) => /\bcr3\b/.test(l) && /\bvmx\b/.test(l))).toBe(true);
    expect(findings.some((l) => /\brbp\b/.test(l) && /\bvmx\b/.test(l))).toBe(true);
    expect(findings).toHaveLength(2);
  });

  test("the cached tree is untouched (pristine header hash, no file modified)", () => {
    expect(entryProblem(tree.root, tree.manifest)).toBeUndefined();
    expect(fs.existsSync(path.join(tree.srcDir, generatedHeader))).toBe(false);
    expect(changedFiles(treeBefore, fileStates(tree.root))).toEqual([]);
  });
});
