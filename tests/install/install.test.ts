/*
 * End to end, offline: `npm pack` in a fresh copy of the checkout, install the
 * tarball into a temporary prefix from the local npm cache (package.ts), and
 * run the installed CLI in temporary directories that are not the
 * repository, with paths relative to where it runs. Each result is compared
 * with the same command run from this checkout's sources (in-process main) in
 * a directory laid out the same way: the installed package must behave as the
 * repository does, not merely exit 0.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runCli, tempDir } from "../helpers/capture";
import { syntheticTree } from "../import/synthetic-tree";
import { makeTreeFixture } from "../size/tree-fixture";
import {
  installOffline,
  packFresh,
  readTree,
  repoRoot,
  runInstalled,
  watchOnce,
  type Outcome,
  type Packed,
} from "./package";

let work: string;
let packed: Packed;
let cli: string;

beforeAll(() => {
  work = tempDir("install");
  packed = packFresh(work);
  cli = installOffline(packed.tarball, path.join(work, "prefix"));
  process.stdout.write(
    `install: ${path.basename(packed.tarball)} ${packed.size} bytes packed, ` +
      `${packed.unpackedSize} unpacked, ${packed.entryCount} files\n`,
  );
}, 600_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Files below dir of the repository, relative to the repository, sorted. */
function repoFiles(dir: string, keep: (rel: string) => boolean = () => true): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(repoRoot, rel), { withFileTypes: true })) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (keep(child)) found.push(child);
    }
  };
  walk(dir);
  return found;
}

test("the tarball holds what the installed CLI reads, and nothing only the repository needs", () => {
  const expected = [
    "README.md",
    "bin/regcache.js",
    "npm-shrinkwrap.json",
    "package.json",
    "dist/generator/schema-validator.js",
    // The digest of the generator's code the build writes (generator/digest.ts).
    "dist/generator/generator-digest.json",
    // Compiled code: one .js per TypeScript source, so no output of a deleted source.
    ...repoFiles("generator", (f) => f.endsWith(".ts")).map((f) =>
      `dist/${f}`.replace(/\.ts$/, ".js"),
    ),
    ...repoFiles("templates"),
    ...repoFiles("spec"),
    ...repoFiles("runtime/handlers"),
    ...repoFiles("runtime/include"),
    ...repoFiles("docs", (f) => f.endsWith(".md")),
  ].sort();
  expect(packed.files).toEqual(expected);
  expect(packed.entryCount).toBe(expected.length);
});

test("installing the tarball runs no script and asks for none", () => {
  const scripts = packed.manifest.scripts ?? {};
  for (const hook of ["preinstall", "install", "postinstall", "prepare"]) {
    expect(scripts[hook]).toBeUndefined();
  }
  expect(packed.manifest["devDependencies"]).toHaveProperty("typescript");
  expect(packed.manifest["dependencies"]).not.toHaveProperty("typescript");
});

test("the installed CLI runs from a directory outside the repository", () => {
  const dir = tempDir("install-version");
  try {
    const r = runInstalled(cli, ["--version"], dir);
    expect(r).toMatchObject({ code: 0, stdout: `${packed.manifest.version}\n`, stderr: "" });
    expect(fs.readdirSync(dir)).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** The installed package's spec/ directory, with a trailing slash. */
const installedSpecDir = () => path.join(path.dirname(cli), "..", "regcache", "spec") + "/";

test("regcache specs lists the bundled specs inside the installed package", () => {
  const dir = tempDir("install-specs");
  try {
    const r = runInstalled(cli, ["specs", "--format", "json"], dir);
    expect(r.code).toBe(0);
    const specs = JSON.parse(r.stdout) as { name: string; file: string }[];
    const shipped = repoFiles("spec", (f) => f.endsWith(".yaml")).map((f) =>
      path.basename(f, ".yaml"),
    );
    expect(specs.map((s) => s.name)).toEqual(shipped.sort());
    for (const s of specs) expect(s.file).toBe(`${installedSpecDir()}${s.name}.yaml`);
    expect(fs.readdirSync(dir)).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe("installed vs in-repo, from a subdirectory with relative paths", () => {
  // Two copies of one layout: proj/my.yaml (the repository's default spec),
  // commands run in proj/sub. `installed` is used by the installed CLI,
  // `repo` by main() from this checkout's sources.
  let installed: string;
  let repo: string;
  const sub = (root: string) => path.join(root, "proj", "sub");
  const outDir = (root: string, name = "out") => path.join(root, "proj", name);

  beforeAll(() => {
    installed = tempDir("install-user");
    repo = tempDir("install-repo");
    for (const root of [installed, repo]) {
      fs.mkdirSync(sub(root), { recursive: true });
      fs.copyFileSync(
        path.join(repoRoot, "spec", "x86-kvm.yaml"),
        path.join(root, "proj", "my.yaml"),
      );
    }
  });
  afterAll(() => {
    for (const dir of [installed, repo]) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Messages name a path outside the working directory in full: the roots differ. */
  const anonymous = (o: Outcome, root: string): Outcome => ({
    code: o.code,
    stdout: o.stdout.split(root).join("<root>"),
    stderr: o.stderr.split(root).join("<root>"),
  });

  async function both(argv: readonly string[]): Promise<[Outcome, Outcome]> {
    const a = runInstalled(cli, argv, sub(installed));
    const b = await runCli(argv, { cwd: sub(repo) });
    return [anonymous(a, installed), anonymous(b, repo)];
  }

  test("generate writes the same bytes, and says the same", async () => {
    const [a, b] = await both(["generate", "--spec", "../my.yaml", "--out", "../out"]);
    expect(a.code).toBe(0);
    expect(a).toEqual(b);
    const tree = readTree(outDir(installed));
    expect(Object.keys(tree).length).toBeGreaterThan(0);
    expect(tree).toEqual(readTree(outDir(repo)));
    expect(fs.readdirSync(sub(installed))).toEqual([]);
  });

  test("check agrees, in step and after a hand edit", async () => {
    const argv = ["check", "--spec", "../my.yaml", "--out", "../out"];
    const [a, b] = await both(argv);
    expect(a.code).toBe(0);
    expect(a).toEqual(b);
    for (const root of [installed, repo]) {
      fs.appendFileSync(path.join(outDir(root), "c", "kvm_regs.h"), "/* edited */\n");
    }
    const [a2, b2] = await both(argv);
    expect(a2.code).toBe(1);
    expect(a2).toEqual(b2);
  });

  test("size builds the packaged handler suite and reports the same sizes", async () => {
    const argv = [
      "size",
      "--spec",
      "../my.yaml",
      "--compiler",
      "gcc",
      "--config",
      "gcc-O2",
      "--format",
      "json",
    ];
    const [a, b] = await both(argv);
    expect(a.code).toBe(0);
    expect(a).toEqual(b);
    const report = JSON.parse(a.stdout) as { configs: { functions: unknown[] }[] };
    expect(report.configs[0]!.functions.length).toBeGreaterThan(0);
  });

  test("a bundled spec by name: the package's own file, the same output as in the repository", async () => {
    const [a, b] = await both(["generate", "--spec", "x86-kvm", "--out", "../bundled"]);
    expect(a.code).toBe(0);
    expect(a).toEqual(b);
    const tree = readTree(outDir(installed, "bundled"));
    expect(tree).toEqual(readTree(outDir(repo, "bundled")));
    expect(tree["c/kvm_regs.h"]).toContain(" from x86-kvm (bundled).\n");
    const [c, d] = await both(["check", "--spec", "x86-kvm", "--out", "../bundled"]);
    expect(c.code).toBe(0);
    expect(c.stdout.split(installedSpecDir()).join("<spec>/")).toBe(
      d.stdout.split(path.join(repoRoot, "spec") + "/").join("<spec>/"),
    );
  });

  test("size takes bundled names for --spec and --base", async () => {
    const argv = ["size", "--spec", "x86-kvm", "--base", "x86-kvm-v5.2"];
    const more = ["--compiler", "gcc", "--config", "gcc-O2", "--format", "json"];
    const [a, b] = await both([...argv, ...more]);
    expect(a.code).toBe(0);
    expect(a).toEqual(b);
    expect(JSON.parse(a.stdout)).toMatchObject({ spec: "x86-kvm", base: "x86-kvm-v5.2" });
  });

  test("watch regenerates with the packaged templates and stops on Ctrl-C", async () => {
    const argv = ["--spec", "../my.yaml", "--out", "../wout"];
    const a = await watchOnce(cli, argv, sub(installed));
    expect(a.stderr).toBe("");
    expect(a.code).toBe(0);
    const templates = path.join(path.dirname(cli), "..", "regcache", "templates");
    const spec = path.join(installed, "proj", "my.yaml");
    expect(a.stdout).toContain(`watching ${spec} and ${templates}/ (Ctrl-C to stop)\n`);
    const b = await runCli(["generate", ...argv], { cwd: sub(repo) });
    expect(b.code).toBe(0);
    expect(readTree(outDir(installed, "wout"))).toEqual(readTree(outDir(repo, "wout")));
  });
});

test("outside a checkout, a command given no spec exits 2 and writes nothing", () => {
  const dir = tempDir("install-nospec");
  try {
    for (const command of ["generate", "check", "watch", "size"]) {
      const r = runInstalled(cli, [command], dir);
      expect({ command, code: r.code }).toEqual({ command, code: 2 });
      expect(r.stderr).toContain("no --spec given");
      expect(r.stderr).toContain("--spec NAME: see regcache specs");
      expect(fs.readdirSync(dir)).toEqual([]);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe("commands that read a built tree, run from the tree's top with relative paths", () => {
  const hide = (o: Outcome, root: string): Outcome => ({
    code: o.code,
    stdout: o.stdout.split(root).join("<root>"),
    stderr: o.stderr.split(root).join("<root>"),
  });

  test("import writes the same spec as the repository's", async () => {
    const tree = syntheticTree();
    try {
      const argv = ["import", "--compile-commands", path.relative(tree.root, tree.db)];
      const a = runInstalled(cli, argv, tree.root);
      const b = await runCli(argv, { cwd: tree.root });
      expect(a.stderr).toBe(b.stderr);
      expect(a.code).toBe(0);
      expect(hide(a, tree.root)).toEqual(hide(b, tree.root));
      expect(a.stdout).toContain("regcache: 1");
    } finally {
      tree.cleanup();
    }
  });

  test("size --compile-commands measures the tree as the repository does, and writes nothing in it", async () => {
    const dir = tempDir("install-cc");
    try {
      const fx = makeTreeFixture(dir);
      const before = fx.snapshot();
      const argv = [
        "size",
        "--spec",
        "x86-kvm",
        "--compile-commands",
        path.relative(dir, fx.db),
        "--header",
        "kvm/kvm_cache_regs.h",
        "--no-cache",
        "--format",
        "json",
      ];
      const a = runInstalled(cli, argv, dir);
      const b = await runCli(argv, { cwd: dir });
      expect(a.code).toBe(0);
      expect(hide(a, dir)).toEqual(hide(b, dir));
      const report = JSON.parse(a.stdout) as { configs: { functions: unknown[] }[] };
      expect(report.configs[0]!.functions.length).toBeGreaterThan(0);
      expect(fx.snapshot()).toEqual(before);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
