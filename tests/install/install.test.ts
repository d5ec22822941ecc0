/*
 * End to end, offline: `npm pack` in a fresh copy of the checkout, install the
 * tarball into a temporary prefix by README.md's pinned recipe, through a
 * private npm whose cache is seeded from the local one (package.ts), and run
 * the installed CLI in temporary directories that are not the repository,
 * with paths relative to where it runs. Each result is compared with the same
 * command run from this checkout's sources (in-process main) in a directory
 * laid out the same way: the installed package must behave as the repository
 * does, not merely exit 0. Also: the installed tree is the shrinkwrap's, the
 * plain `npm install -g` of the file is not, and `npx --package FILE.tgz`
 * runs the CLI (registry.ts).
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { runCli, tempDir } from "../helpers/capture";
import { syntheticTree } from "../import/synthetic-tree";
import { contents, kernelTree } from "../adopt/kernel-tree";
import { makeTreeFixture } from "../size/tree-fixture";
import {
  installedVersions,
  installOffline,
  npmSandbox,
  packFresh,
  pinnedVersions,
  readTree,
  repoRoot,
  runAsync,
  runInstalled,
  seedNpmCache,
  tarballShrinkwrap,
  watchOnce,
  type Installed,
  type LockEntry,
  type NpmSandbox,
  type Outcome,
  type Packed,
} from "./package";
import { startStandInRegistry } from "./registry";

let work: string;
let packed: Packed;
let sandbox: NpmSandbox;
let shrinkwrap: Record<string, LockEntry>;
let install: Installed;
let cli: string;
/** The installed CLI's object cache (size): private, not the user's ~/.cache. */
let objectCache: string;

beforeAll(() => {
  work = tempDir("install");
  sandbox = npmSandbox(path.join(work, "npm"));
  packed = packFresh(work, sandbox);
  shrinkwrap = tarballShrinkwrap(packed.tarball);
  seedNpmCache(shrinkwrap, sandbox);
  install = installOffline(packed.tarball, path.join(work, "prefix"), sandbox);
  cli = install.cli;
  objectCache = path.join(work, "objects");
  process.stdout.write(
    `install: ${path.basename(packed.tarball)} ${packed.size} bytes packed, ` +
      `${packed.unpackedSize} unpacked, ${packed.entryCount} files\n`,
  );
}, 600_000);

/** The installed CLI, with its object cache in the test's directory. */
const runUser = (argv: readonly string[], cwd: string): Outcome =>
  runInstalled(cli, argv, cwd, { REGCACHE_CACHE_DIR: objectCache });

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
    "dist/generator/core/spec/schema-validator.js",
    // The digest of the generator's code the build writes (generator/generate/digest.ts).
    "dist/generator/generate/generator-digest.json",
    // What the build was compiled from (generator/cli/build-record.ts); an installed
    // package has no sources to compare it with, so it is never read there.
    "dist/generator/build-sources.json",
    // Compiled code: one .js per TypeScript source, so no output of a deleted source.
    ...repoFiles("generator", (f) => f.endsWith(".ts")).map((f) =>
      `dist/${f}`.replace(/\.ts$/, ".js"),
    ),
    ...repoFiles("templates"),
    ...repoFiles("spec"),
    ...repoFiles("runtime/handlers"),
    ...repoFiles("runtime/include"),
    // The user's references, cited by diagnostics; docs/dev/ is for contributors.
    ...repoFiles("docs", (f) => /^docs\/[^/]+\.md$/.test(f)),
  ].sort();
  expect(packed.files).toEqual(expected);
  expect(packed.entryCount).toBe(expected.length);
  // Spelled out, though the list above already excludes them: what only the repository needs.
  const repositoryOnly =
    /^(tests|bench|coverage|reports|generated|scripts|\.stryker-tmp|\.ci|seed)\/|golden|\.tgz$|\.o$|\.regcache-|^docs\/dev\/|^(stryker\.config\.json|jest\..*|tsconfig\.json|BENCHMARKS\.md|regcache\.config\.yaml)$/;
  expect(packed.files.filter((f) => repositoryOnly.test(f))).toEqual([]);
});

test("the README's recipe installs every dependency at the shrinkwrap's version and integrity", () => {
  const pinned = pinnedVersions(shrinkwrap);
  expect(Object.keys(pinned).length).toBeGreaterThan(10);
  expect(installedVersions(install.packageDir)).toEqual(pinned);
  // npm's record of what it installed: the same tarballs, by integrity.
  const hidden = JSON.parse(
    fs.readFileSync(path.join(install.packageDir, "node_modules", ".package-lock.json"), "utf8"),
  ) as { packages: Record<string, LockEntry> };
  const integrity = (packages: Record<string, LockEntry>) =>
    Object.fromEntries(Object.keys(pinned).map((k) => [k, packages[k]?.integrity]));
  expect(integrity(hidden.packages)).toEqual(integrity(shrinkwrap));
});

test("a plain npm install -g of the tarball file does not follow its shrinkwrap", () => {
  // Same cache: every pinned tarball and its metadata. Following the shrinkwrap,
  // offline would succeed with the pinned tree (as the recipe does); resolving
  // ranges afresh, npm wants versions the cache was never given.
  const prefix = path.join(work, "plain-prefix");
  const r = execNpm(["install", "-g", "--offline", "--prefix", prefix, packed.tarball]);
  const outcome =
    r.code === 0
      ? { installed: installedVersions(path.join(prefix, "lib", "node_modules", "regcache")) }
      : { failed: /ENOTCACHED/.test(r.stderr) };
  expect(outcome).not.toEqual({ installed: pinnedVersions(shrinkwrap) });
  if ("failed" in outcome) expect(outcome.failed).toBe(true);
  process.stdout.write(
    `install: plain npm install -g of the tarball, offline: ${
      r.code === 0
        ? "a tree other than the shrinkwrap's"
        : r.stderr.split("\n").slice(0, 2).join(" / ")
    }\n`,
  );
});

/** npm from the sandbox, as a user types it. */
function execNpm(argv: readonly string[], cwd = work): Outcome {
  const r = spawnSync("npm", argv, { cwd, env: sandbox.env, encoding: "utf8" });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test("npx from the tarball: --version, specs and generate, then offline from its cache", async () => {
  // npx resolves the dependencies afresh, as the plain install does: offline
  // from a cache that npm ci filled it cannot. A stand-in registry on 127.0.0.1
  // offers exactly the pinned versions for its first run; the later runs are
  // --offline with the stand-in closed.
  const registry = await startStandInRegistry(shrinkwrap, sandbox.cache);
  const dir = tempDir("install-npx");
  try {
    const env = { ...sandbox.env, npm_config_registry: registry.url, npm_config_yes: "true" };
    const npx = (argv: readonly string[], ...flags: string[]) =>
      runAsync(
        "npm",
        ["exec", ...flags, `--package=${packed.tarball}`, "--", "regcache", ...argv],
        dir,
        env,
      );
    // Offline from the seeded cache (every pinned tarball and its metadata, for
    // the user's registry), npx asks for versions the cache was never given, as
    // the plain install does.
    const unpinned = await runAsync(
      "npm",
      ["exec", "--offline", `--package=${packed.tarball}`, "--", "regcache", "--version"],
      dir,
      { ...sandbox.env, npm_config_yes: "true" },
    );
    expect(unpinned.code).not.toBe(0);
    expect(unpinned.stderr).toMatch(/ENOTCACHED/);
    const version = await npx(["--version"]);
    await registry.close();
    expect({ code: version.code, stdout: version.stdout }).toEqual({
      code: 0,
      stdout: `${packed.manifest.version}\n`,
    });
    expect(registry.log.length).toBeGreaterThan(0);
    expect(registry.log.filter((l) => !l.endsWith(" 200"))).toEqual([]);

    const specs = await npx(["specs", "--format", "json"], "--offline");
    expect(specs.code).toBe(0);
    const inRepoSpecs = await runCli(["specs", "--format", "json"], { cwd: dir });
    const names = (o: { stdout: string }) =>
      (JSON.parse(o.stdout) as { name: string }[]).map((s) => s.name);
    expect(names(specs)).toEqual(names(inRepoSpecs));

    const gen = await npx(["generate", "--spec", "x86-kvm", "--out", "out"], "--offline");
    expect(gen.code).toBe(0);
    const repo = tempDir("install-npx-repo");
    const inRepo = await runCli(["generate", "--spec", "x86-kvm", "--out", "out"], { cwd: repo });
    expect(gen.stdout).toBe(inRepo.stdout);
    expect(readTree(path.join(dir, "out"))).toEqual(readTree(path.join(repo, "out")));
    expect(fs.readdirSync(dir)).toEqual(["out"]);

    // What npx installed, in the sandbox's cache (never ~/.npm/_npx).
    const npxDirs = fs.readdirSync(path.join(sandbox.cache, "_npx"));
    expect(npxDirs).toHaveLength(1);
    const npxRegcache = path.join(sandbox.cache, "_npx", npxDirs[0]!, "node_modules", "regcache");
    expect(fs.readFileSync(path.join(npxRegcache, "package.json"), "utf8")).toContain(
      `"version": "${packed.manifest.version}"`,
    );
  } finally {
    await registry.close().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
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
const installedSpecDir = () => path.join(install.packageDir, "spec") + "/";

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
    const a = runUser(argv, sub(installed));
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
    // Both in Linux 6.x's shape: one handler suite builds against both sides.
    const argv = ["size", "--spec", "x86-kvm-6.12", "--base", "x86-kvm-v5.2"];
    const more = ["--compiler", "gcc", "--config", "gcc-O2", "--format", "json"];
    const [a, b] = await both([...argv, ...more]);
    expect(a.code).toBe(0);
    expect(a).toEqual(b);
    expect(JSON.parse(a.stdout)).toMatchObject({ spec: "x86-kvm-6.12", base: "x86-kvm-v5.2" });
  });

  test("watch regenerates with the packaged templates and stops on Ctrl-C", async () => {
    const argv = ["--spec", "../my.yaml", "--out", "../wout"];
    const a = await watchOnce(cli, argv, sub(installed));
    expect(a.stderr).toBe("");
    expect(a.code).toBe(0);
    const templates = path.join(install.packageDir, "templates");
    const spec = path.join(installed, "proj", "my.yaml");
    expect(a.stdout).toContain(`watching ${spec} and ${templates}/ (Ctrl-C to stop)\n`);
    const b = await runCli(["generate", ...argv], { cwd: sub(repo) });
    expect(b.code).toBe(0);
    expect(readTree(outDir(installed, "wout"))).toEqual(readTree(outDir(repo, "wout")));
  });

  test("the banner's Regenerate command, run by the installed CLI from its anchor, writes the same files", async () => {
    // From "a bundled spec by name" above: ../bundled, anchored at proj/ (the output's parent).
    const header = path.join(outDir(installed, "bundled"), "c", "kvm_regs.h");
    const command = /\n \* Regenerate with: (regcache [^\n]*)\n/.exec(
      fs.readFileSync(header, "utf8"),
    )?.[1];
    expect(command).toBe("regcache generate --spec x86-kvm --out bundled");
    fs.rmSync(outDir(installed, "bundled"), { recursive: true });
    const r = runUser(command!.split(" ").slice(1), path.join(installed, "proj"));
    expect(r.code).toBe(0);
    expect(readTree(outDir(installed, "bundled"))).toEqual(readTree(outDir(repo, "bundled")));
  });

  test("size jobs and size merge: the same reports as the repository's", async () => {
    const configs = ["gcc-O2", "gcc-O2-retpoline"];
    const jobs = configs.map((c) => `../jobs/${c}.json`);
    for (const [i, config] of configs.entries()) {
      const argv = ["size", "--spec", "../my.yaml", "--compiler", "gcc", "--config", config];
      const [a, b] = await both([...argv, "--format", "json", "--out", jobs[i]!]);
      expect(a.code).toBe(0);
      expect(a).toEqual(b);
    }
    const reports = readTree(outDir(installed, "jobs"));
    expect(Object.keys(reports).sort()).toEqual(configs.map((c) => `${c}.json`).sort());
    expect(reports).toEqual(readTree(outDir(repo, "jobs")));
    for (const format of ["json", "markdown"]) {
      const [a, b] = await both(["size", "merge", ...jobs, "--format", format]);
      expect(a.code).toBe(0);
      expect(a).toEqual(b);
    }
    const [merged] = await both(["size", "merge", ...jobs, "--format", "json"]);
    const report = JSON.parse(merged.stdout) as { configs: { name: string }[] };
    expect(report.configs.map((c) => c.name)).toEqual(configs);
  });

  test("nothing was written in the working directory", () => {
    expect(fs.readdirSync(sub(installed))).toEqual([]);
    expect(fs.readdirSync(sub(repo))).toEqual([]);
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
    // Told what to generate but not where: the documented default, generated/ here.
    const r = runInstalled(cli, ["generate", "--spec", "x86-kvm"], dir);
    expect(r.code).toBe(0);
    expect(fs.readdirSync(dir)).toEqual(["generated"]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe("commands that read a built tree, run from the tree's top with relative paths", () => {
  // Without a terminal, size prints a progress line at most every 5 s: how many depends
  // on the machine's speed, not on the code, so those lines are left out of the comparison.
  const hide = (o: Outcome, root: string): Outcome => ({
    code: o.code,
    stdout: o.stdout.split(root).join("<root>"),
    stderr: o.stderr
      .split(root)
      .join("<root>")
      .replace(/^regcache size: compiled \d+\/\d+ units\n/gm, ""),
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

  test("adopt and adopt --revert in a kernel tree, from a subdirectory: the same tree as the repository's", async () => {
    const installed = kernelTree("7.2");
    const repo = kernelTree("7.2");
    const before = contents(installed);
    for (const argv of [
      ["adopt", "--spec", "linux-7.2"],
      ["adopt", "--revert"],
    ]) {
      const a = runInstalled(cli, argv, path.join(installed, "arch/x86/kvm"));
      const b = await runCli(argv, { cwd: path.join(repo, "arch/x86/kvm") });
      expect(a.code).toBe(0);
      expect(hide(a, installed)).toEqual(hide(b, repo));
      expect(contents(installed)).toEqual(contents(repo));
      if (argv.length === 3) expect(contents(installed).has("arch/x86/kvm/regs_gen.h")).toBe(true);
    }
    expect(contents(installed)).toEqual(before);
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
      const a = runUser(argv, dir);
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

  test("size --objects compares two object trees as the repository does", async () => {
    const dir = tempDir("install-objects");
    try {
      // Two builds of the size suite's object fixtures, as kbuild lays out a tree.
      const fixtures = path.join(repoRoot, "tests", "size", "fixtures", "objects");
      for (const [side, v] of [
        ["old", "1"],
        ["new", "2"],
      ] as const) {
        fs.mkdirSync(path.join(dir, side, "sub"), { recursive: true });
        for (const [src, obj] of [
          ["clones.c", "clones.o"],
          ["helpers.c", "sub/helpers.o"],
        ])
          execFileSync("gcc", [
            "-O2",
            `-DV=${v}`,
            "-c",
            path.join(fixtures, src),
            "-o",
            path.join(dir, side, obj),
          ]);
      }
      for (const format of ["json", "text"]) {
        const argv = ["size", "--objects", "old", "new", "--format", format];
        const a = runUser(argv, dir);
        const b = await runCli(argv, { cwd: dir });
        expect(a.code).toBe(0);
        expect(hide(a, dir)).toEqual(hide(b, dir));
      }
      const report = JSON.parse(
        runUser(["size", "--objects", "old", "new", "--format", "json"], dir).stdout,
      ) as {
        configs: { functions: { delta: number }[] }[];
      };
      expect(report.configs[0]!.functions.filter((f) => f.delta !== 0).length).toBeGreaterThan(0);
      expect(fs.readdirSync(dir).sort()).toEqual(["new", "old"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
