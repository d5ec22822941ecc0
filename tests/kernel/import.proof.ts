/*
 * regcache import on the real trees (npm run test:kernel): for Linux 6.1,
 * 6.12 and 7.2, the spec `import` reads from the prepared tree's compile
 * database describes the same register cache as the shipped
 * spec/linux-<series>.yaml (same registers, guards, aliases, enum spelling,
 * sets and options; key order and comments aside), and it passes the same
 * build check: its generated block, adopted into the tree's own header,
 * builds KVM objects identical function for function to the tree's own. On
 * 7.2 the same holds with the 7.2 profile taken out of the profiles import may
 * consult (what the tree says is read from the tree). A lazy set edited in a
 * variant (a hard-linked copy, never the cached tree) is what import reports;
 * the cached tree is byte for byte as it was.
 */
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { adoptGeneratedHeader } from "../../generator/targets/kernel/adoption";
import { importTree } from "../../generator/import/import";
import { kernelOutput } from "./kernel-spec";
import { compareBuilds, parseNmSizeSort, symbolTable, type SymbolTable } from "./compare";
import {
  entryProblem,
  kernelLockPath,
  prepareTree,
  readCompileCommands,
  run,
  sourcePackage,
  type KernelTree,
} from "./trees";
import { buildKvm, makeVariant } from "./variants";

const REPO = path.resolve(__dirname, "../..");
const KVM_MODULES = new Set(["kvm", "kvm_intel", "kvm_amd"]);
const log = (line: string) => process.stderr.write(`kernel: import: ${line}\n`);

/** `regcache import`, under the kernel build lock (its probes are kernel compiles). */
function regcacheImport(
  compileDb: string,
  out?: string,
): { code: number; stdout: string; stderr: string } {
  const args = ["bin/regcache.js", "import", "--compile-commands", compileDb];
  if (out) args.push("--out", out);
  const r = spawnSync("flock", [kernelLockPath(), "node", ...args], {
    cwd: REPO,
    encoding: "utf8",
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

type Entry = string | { name: string; when?: string };
interface SpecDoc {
  name: string;
  mask: string;
  enum?: unknown;
  registers: { gpr: Entry[]; extended?: Entry[]; aliases?: Record<string, string> };
  backends: Record<string, { lazy?: string[]; available?: string[] }>;
  output?: unknown;
  api?: unknown;
  accessors?: unknown;
}

/**
 * What a spec says, without what does not change its meaning: comments, key
 * order, docs (api.docs and the accessors' too: an import carries the tree's
 * comments there), the order of a backend's list (a set) and of the backends.
 */
function meaning(text: string) {
  const doc = parse(text) as SpecDoc;
  const reg = (e: Entry) => (typeof e === "string" ? { name: e } : { name: e.name, when: e.when });
  return {
    name: doc.name,
    mask: doc.mask,
    enum: doc.enum,
    gpr: doc.registers.gpr.map(reg),
    extended: (doc.registers.extended ?? []).map(reg),
    aliases: doc.registers.aliases,
    backends: Object.fromEntries(
      Object.entries(doc.backends)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, b]) => [
          name,
          b.lazy ? { lazy: [...b.lazy].sort() } : { available: [...(b.available ?? [])].sort() },
        ]),
    ),
    output: doc.output,
    api: doc.api && { ...(doc.api as object), docs: undefined },
    accessors: (doc.accessors as unknown[] | undefined)?.map((a) =>
      typeof a === "string" ? a : { ...(a as object), doc: undefined },
    ),
  };
}

/** Every file below `dir`: its sha256, size and mtime. */
function fingerprint(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isSymbolicLink()) out.set(p, `-> ${fs.readlinkSync(p)}`);
      else if (e.isFile()) {
        const st = fs.statSync(p);
        const hash = createHash("sha256").update(fs.readFileSync(p)).digest("hex");
        out.set(p, `${hash} ${st.size} ${st.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return out;
}

function kvmTables(tree: KernelTree, buildDir: string): Map<string, SymbolTable> {
  const tables = new Map<string, SymbolTable>();
  for (const c of readCompileCommands(tree)) {
    const mod = /-DKBUILD_MODNAME='"(\w+)"'/.exec(c.command)?.[1];
    const obj = / -o (\S+\.o) /.exec(c.command)?.[1];
    if (!mod || !obj || !KVM_MODULES.has(mod)) continue;
    const nm = run(["nm", "--size-sort", path.join(buildDir, obj)]);
    tables.set(path.normalize(obj), symbolTable(parseNmSizeSort(nm)));
  }
  return tables;
}

/** The tree's compile database with every path moved from the tree to its variant. */
function databaseFor(tree: KernelTree, variantSrc: string, file: string): void {
  let text = fs.readFileSync(tree.compileCommands, "utf8");
  // The database names the tree as it was prepared; a cache reached through a
  // symbolic link names it by another path: replace both spellings.
  for (const src of new Set([tree.srcDir, fs.realpathSync(tree.srcDir)]))
    text = text.split(src).join(variantSrc);
  if (!text.includes(variantSrc))
    throw new Error(`${tree.compileCommands} names no ${tree.srcDir}`);
  fs.writeFileSync(file, text);
}

const VMX_H = "arch/x86/kvm/vmx/vmx.h";

describe.each(["6.1", "6.12", "7.2"])("regcache import on Linux %s", (series) => {
  const shippedPath = path.join(REPO, `spec/linux-${series}.yaml`);
  let tree: KernelTree;
  let work: string;
  let before: Map<string, string>;
  let imported: string;

  beforeAll(() => {
    tree = prepareTree(sourcePackage(series), (l) => log(l));
    work = fs.mkdtempSync(path.join(os.tmpdir(), `regcache-import-${series}-`));
    const t0 = Date.now();
    before = fingerprint(tree.root);
    log(
      `${series}: fingerprinted ${before.size} files of the cached tree in ${Date.now() - t0} ms`,
    );
    const out = path.join(work, "imported.yaml");
    const t1 = Date.now();
    const r = regcacheImport(tree.compileCommands, out);
    if (r.code !== 0) throw new Error(`regcache import exited ${r.code}:\n${r.stderr}`);
    log(`${series}: import took ${((Date.now() - t1) / 1000).toFixed(1)} s (lock wait included)`);
    imported = fs.readFileSync(out, "utf8");
  });

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test("the imported spec means what the shipped one says", () => {
    const shipped = fs.readFileSync(shippedPath, "utf8");
    expect(imported.split("\n")[0]).toBe("# yaml-language-server: $schema=regcache.schema.json");
    expect(imported).toMatch(new RegExp(`from a Linux ${series.replace(".", "\\.")}\\.\\d+ tree`));
    expect(imported).toMatch(new RegExp(`shipped profile linux-${series.replace(".", "\\.")}`));
    expect(meaning(imported)).toEqual(meaning(shipped));
  });

  test("the output names no path and is the same on a second run", () => {
    for (const p of [tree.root, os.tmpdir(), os.homedir()]) expect(imported).not.toContain(p);
    const again = regcacheImport(tree.compileCommands);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(imported);
  });

  test("the imported spec passes the build check: adopted, KVM builds identical to the tree's own", () => {
    const generate = (spec: string, gen: string) => {
      const g = spawnSync("node", ["bin/regcache.js", "generate", "--spec", spec, "--out", gen], {
        cwd: REPO,
        encoding: "utf8",
      });
      if (g.status !== 0) throw new Error(`generate exited ${g.status}:\n${g.stderr}`);
    };
    const gen = path.join(work, "gen");
    generate(path.join(work, "imported.yaml"), gen);
    const out = kernelOutput(imported);
    expect(fs.readdirSync(gen)).toEqual([out.kernelHeader]);
    // The same block as the shipped spec's, below the banner: kvm.proof.ts builds that one into
    // this tree and requires 0 changed functions, so building it again would prove nothing new.
    // Below the banner: everything after the comment that holds regcache's body hash.
    const body = (file: string) =>
      fs.readFileSync(file, "utf8").replace(/^[^]*?regcache-body: [^\n]*\n \*\/\n/, "");
    const shippedGen = path.join(work, "shipped-gen");
    generate(shippedPath, shippedGen);
    if (
      body(path.join(gen, out.kernelHeader)) ===
      body(path.join(shippedGen, kernelOutput(fs.readFileSync(shippedPath, "utf8")).kernelHeader))
    ) {
      log(
        `${series}: the imported spec's block is the shipped spec's, byte for byte below the banner`,
      );
      return;
    }
    expect(path.basename(tree.header)).toBe(out.adopts.header);
    const headerPath = path.join(tree.srcDir, tree.header);
    const adopted = adoptGeneratedHeader(
      { displayPath: headerPath, text: fs.readFileSync(headerPath, "utf8") },
      out.kernelHeader,
      out.adopts,
    );
    if (!adopted.ok) throw new Error(`adopt: ${adopted.diagnostic.message}`);
    const t0 = Date.now();
    const variant = makeVariant(tree, path.join(work, "built"), "imported", {
      [tree.header]: adopted.text,
      [path.join(path.dirname(tree.header), out.kernelHeader)]: fs.readFileSync(
        path.join(gen, out.kernelHeader),
        "utf8",
      ),
    });
    buildKvm(variant);
    const c = compareBuilds(kvmTables(tree, tree.buildDir), kvmTables(tree, variant.buildDir));
    log(
      `${series}: imported spec built in ${((Date.now() - t0) / 1000).toFixed(0)} s: ` +
        `${c.objects} objects, ${c.functions} functions, ${c.symbols} symbols, ${c.differences.length} differ`,
    );
    expect(c.functions).toBeGreaterThan(1000);
    expect(c.differences).toEqual([]);
    fs.rmSync(path.join(work, "built"), { recursive: true, force: true });
  });

  test("a lazy set edited in a variant of the tree: import reports the edit", () => {
    const vmxPath = path.join(tree.srcDir, VMX_H);
    const vmx = fs.readFileSync(vmxPath, "utf8");
    // VMX saving RSP on every exit: RSP leaves its lazy set (6.x writes 1 << …, 7.2 BIT(…)).
    const edited = vmx.replace(
      /(\(1 << VCPU_REGS_RSP\)|BIT\(VCPU_REGS_RSP\)) \|[ \t]*\\\n[ \t]*/,
      "",
    );
    expect(edited).not.toBe(vmx);
    const variant = makeVariant(tree, path.join(work, "edited"), "edited", { [VMX_H]: edited });
    const db = path.join(work, "edited", "compile_commands.json");
    databaseFor(tree, variant.srcDir, db);
    const r = regcacheImport(db);
    if (r.code !== 0) throw new Error(`regcache import exited ${r.code}:\n${r.stderr}`);
    const want = meaning(imported);
    want.backends.vmx = { lazy: want.backends.vmx.lazy!.filter((x) => x !== "rsp") };
    expect(meaning(r.stdout)).toEqual(want);
    fs.rmSync(path.join(work, "edited"), { recursive: true, force: true });
  });

  if (series === "7.2") {
    test("without the 7.2 profile among those import may consult, it reads the same spec from the tree", async () => {
      const profiles = path.join(work, "profiles");
      fs.mkdirSync(profiles);
      for (const older of ["linux-6.1.yaml", "linux-6.12.yaml"])
        fs.copyFileSync(path.join(REPO, "spec", older), path.join(profiles, older));
      const r = await importTree({
        compileDb: tree.compileCommands,
        display: (p) => p,
        profilesDir: profiles,
      });
      if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
      expect(r.profile).toMatch(/linux-6\.12\.yaml$/);
      expect(meaning(r.text)).toEqual(meaning(imported));
    });
  }

  test("the cached tree is byte for byte as it was", () => {
    expect(entryProblem(tree.root, tree.manifest)).toBeUndefined();
    expect(fingerprint(tree.root)).toEqual(before);
  });
});
