/*
 * The real-kernel proof (npm run test:kernel): for Linux 6.1 and 6.12 from
 * Debian's linux-source packages, regcache's generated register-cache block,
 * adopted into the kernel's own arch/x86/kvm/kvm_cache_regs.h, builds into
 * the same KVM objects as the kernel's hand-written block, symbol for symbol
 * and byte for byte per function; the --all-cached variant (the seed patch
 * undone) is bigger where the seed patch said; and the compiler confirms
 * every register number and lazy set the spec states.
 *
 * Builds: reference = the cached tree's own objects (trees.ts); generated and
 * all-cached = variants (variants.ts), one build at a time. The cache is
 * checked untouched afterwards. Nothing is skipped: a missing package, spec
 * or failed build fails the suite.
 */
import { execFile, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { adoptGeneratedHeader, GENERATED_HEADER } from "../../generator/targets/kernel/adoption";
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
  CACHE_REGS_HEADER,
  KernelTree,
  entryProblem,
  prepareTree,
  readCompileCommands,
  run,
  sourcePackage,
} from "./trees";
import { buildKvm, makeVariant, objectsDependingOn, Variant } from "./variants";

const REPO = path.resolve(__dirname, "../..");
const KVM_MODULES = new Set(["kvm", "kvm_intel", "kvm_amd"]);
/** The handlers the seed patch measured (REFERENCE.md); both must shrink from all-cached to the spec. */
const SEED_FUNCTIONS = ["kvm_emulate_cpuid", "kvm_emulate_hypercall"];

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

/** `regcache generate` into a fresh dir; the contract: exactly one file, kvm_cache_regs_gen.h. */
function generate(spec: string, outDir: string, allCached: boolean): string {
  const args = ["bin/regcache.js", "generate", "--spec", spec, "--out", outDir];
  if (allCached) args.push("--all-cached");
  const result = spawnSync("node", args, { cwd: REPO, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(
      `regcache ${args.slice(1).join(" ")} exited ${result.status}:\n${result.stderr}`,
    );
  }
  const written = fs.readdirSync(outDir, { recursive: true }).map(String).sort();
  if (written.join() !== GENERATED_HEADER) {
    throw new Error(
      `regcache generate --spec ${spec} wrote [${written.join(", ")}], want [${GENERATED_HEADER}]`,
    );
  }
  return fs.readFileSync(path.join(outDir, GENERATED_HEADER), "utf8");
}

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

const KERNELS = [
  { series: "6.1", spec: "spec/linux-6.1.yaml" },
  { series: "6.12", spec: "spec/linux-6.12.yaml" },
];

describe.each(KERNELS)("Linux $series", ({ series, spec }) => {
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
  let generatedVariant: Variant;
  const specPath = path.join(REPO, spec);

  beforeAll(() => {
    tree = prepareTree(sourcePackage(series), log);
    log(`${series}: tree ${tree.root}`);
    treeBefore = fileStates(tree.root);
    work = fs.mkdtempSync(path.join(os.tmpdir(), `regcache-kernel-${series}-`));
    objects = kvmObjects(tree);
    reference = symbols(tree.buildDir, objects, "reference");

    const headerPath = path.join(tree.srcDir, CACHE_REGS_HEADER);
    const header = { displayPath: headerPath, text: fs.readFileSync(headerPath, "utf8") };
    const adopted = adoptGeneratedHeader(header);
    if (!adopted.ok) throw new Error(`adopt: ${adopted.diagnostic.message}`);

    if (!fs.existsSync(specPath))
      throw new Error(`${spec} is missing: the kernel proof needs the kernel's spec`);
    const genText = generate(spec, path.join(work, "gen"), false);
    const allCachedText = generate(spec, path.join(work, "all-cached"), true);

    const t0 = Date.now();
    generatedVariant = makeVariant(tree, path.join(work, "generated"), "generated", {
      [CACHE_REGS_HEADER]: adopted.text,
      [path.join(path.dirname(CACHE_REGS_HEADER), GENERATED_HEADER)]: genText,
    });
    copiedObjects = objectMtimes(generatedVariant.buildDir, objects);
    buildKvm(generatedVariant);
    generated = symbols(generatedVariant.buildDir, objects, "generated");
    log(
      `${series}: generated variant copied and built in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
    );

    const t1 = Date.now();
    const allCachedVariant = makeVariant(tree, path.join(work, "all-cached"), "all-cached", {
      [CACHE_REGS_HEADER]: adopted.text,
      [path.join(path.dirname(CACHE_REGS_HEADER), GENERATED_HEADER)]: allCachedText,
    });
    buildKvm(allCachedVariant);
    allCached = symbols(allCachedVariant.buildDir, objects, "all-cached");
    log(
      `${series}: all-cached variant copied and built in ${((Date.now() - t1) / 1000).toFixed(0)} s`,
    );
  });

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test("the generated variant really rebuilt every object that includes kvm_cache_regs.h", () => {
    const dependents = objectsDependingOn(
      generatedVariant.buildDir,
      objects,
      "arch/x86/kvm/kvm_cache_regs_gen.h",
    );
    expect(dependents.length).toBeGreaterThan(10);
    const built = objectMtimes(generatedVariant.buildDir, dependents);
    const stale = dependents.filter((o) => built.get(o) === copiedObjects.get(o));
    expect(stale).toEqual([]);
  });

  test("generated vs reference: same symbols, every function the same size", () => {
    const c = compareBuilds(reference.tables, generated.tables);
    log(
      `${series}: generated vs reference: ${c.objects} objects, ${c.functions} functions, ` +
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

  test("all-cached -> spec: kvm_emulate_cpuid and kvm_emulate_hypercall shrink", () => {
    const rows = SEED_FUNCTIONS.map((fn) => ({
      fn,
      allCached: functionSize(allCached.tables, fn),
      spec: functionSize(generated.tables, fn),
    }));
    const total = totalSize(generated.tables) - totalSize(allCached.tables);
    for (const r of rows) log(`${series}: ${r.fn} all-cached ${r.allCached} B -> spec ${r.spec} B`);
    log(`${series}: all KVM objects, all-cached -> spec: ${total > 0 ? "+" : ""}${total} B`);
    for (const r of rows) {
      expect(r.allCached).toBeDefined();
      expect(r.spec).toBeDefined();
      expect(r.spec!).toBeLessThan(r.allCached!);
    }
  });

  test("the compiler, with the kernel's own flags, agrees with the spec's register numbers and lazy sets", () => {
    const like = readCompileCommands(tree).find((c) => c.file.endsWith("arch/x86/kvm/vmx/vmx.c"));
    if (!like) throw new Error("no compile command for arch/x86/kvm/vmx/vmx.c");
    const facts = specFacts(fs.readFileSync(specPath, "utf8"));
    expect(facts.enumValues.size).toBeGreaterThan(20);
    expect([...facts.lazySets.keys()].sort()).toEqual([
      "SVM_REGS_LAZY_LOAD_SET",
      "VMX_REGS_LAZY_LOAD_SET",
    ]);
    const probeDir = fs.mkdtempSync(path.join(work, "probe-"));
    compileProbe(like, probeSource(facts), probeDir);
    // The probe must be able to fail: a wrong number is a compile error.
    const wrong = probeSource(facts).replace(
      /== (\d+), "VCPU_REGS_RAX/,
      (_m, n) => `== ${Number(n) + 1}, "VCPU_REGS_RAX`,
    );
    expect(() => compileProbe(like, wrong, probeDir)).toThrow(
      /static assertion failed|static_assert/,
    );
    log(
      `${series}: probe: ${facts.enumValues.size} enum values and ${facts.lazySets.size} lazy sets confirmed`,
    );
  });

  test("the cached tree is untouched (pristine header hash, no file modified)", () => {
    expect(entryProblem(tree.root, tree.manifest)).toBeUndefined();
    expect(fs.existsSync(path.join(tree.srcDir, "arch/x86/kvm", GENERATED_HEADER))).toBe(false);
    expect(changedFiles(treeBefore, fileStates(tree.root))).toEqual([]);
  });
});
