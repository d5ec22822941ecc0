/*
 * docs/ci.md's pre-commit hooks, run as the page writes them, in a scratch git
 * repository laid out like a kernel tree: a project file naming a bundled spec
 * and arch/x86/kvm as the output, regcache on PATH (a shim running this
 * checkout's bin/regcache.js), no bin/ and no node_modules. The hooks must let
 * an in-step commit through, refuse a staged change that is out of step (exit
 * 1) even when the working tree is in step, and say that regcache is missing
 * with exit 3, never 1. The hook's scratch copy of the index lives in the
 * test file's private TMPDIR, which must be empty when the file ends.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { tempDir } from "../helpers/temp";
import { repoRoot } from "./helpers";

const page = () => fs.readFileSync(path.join(repoRoot, "docs/ci.md"), "utf8");

/** The fenced `sh` blocks of docs/ci.md's "Pre-commit hook" section, in order. */
function hookScripts(): string[] {
  const text = page();
  const start = text.indexOf("## Pre-commit hook");
  expect(start).toBeGreaterThan(-1);
  const section = text.slice(start);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** The `entry:` of the pre-commit framework's configuration on the page. */
function frameworkEntry(): string {
  const m = /```yaml\n# \.pre-commit-config\.yaml\n[\s\S]*?entry: (.*)\n/.exec(page());
  expect(m).not.toBeNull();
  return m![1]!;
}

const gitEnv = (bin: string): NodeJS.ProcessEnv => ({
  PATH: `${bin}:/usr/local/bin:/usr/bin:/bin`,
  HOME: bin,
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.org",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.org",
  NO_COLOR: "1",
  REGCACHE_OUTPUT_CACHE_DIR: path.join(bin, "cache"),
  TMPDIR: process.env["TMPDIR"] ?? "/tmp",
});

interface Tree {
  readonly dir: string;
  readonly withRegcache: NodeJS.ProcessEnv;
  readonly without: NodeJS.ProcessEnv;
  run(env: NodeJS.ProcessEnv, cmd: string, ...args: string[]): ReturnType<typeof spawnSync>;
}

/** A kernel-shaped repository: Makefile, arch/x86/kvm/x86.c, the generated block, a project file. */
function kernelTree(): Tree {
  const dir = tempDir("hook-tree");
  const bin = tempDir("hook-bin");
  const empty = tempDir("hook-nobin");
  const shim = path.join(bin, "regcache");
  fs.writeFileSync(
    shim,
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(repoRoot, "bin/regcache.js"))} "$@"\n`,
    { mode: 0o755 },
  );
  const withRegcache = gitEnv(bin);
  const without = gitEnv(empty);
  const run = (env: NodeJS.ProcessEnv, cmd: string, ...args: string[]) =>
    spawnSync(cmd, args, { cwd: dir, env, encoding: "utf8" });
  fs.writeFileSync(path.join(dir, "Makefile"), "# top-level Makefile\n");
  fs.mkdirSync(path.join(dir, "arch/x86/kvm"), { recursive: true });
  fs.writeFileSync(path.join(dir, "arch/x86/kvm/x86.c"), "/* kvm */\n");
  fs.writeFileSync(path.join(dir, "regcache.config.yaml"), "spec: linux-6.12\nout: arch/x86/kvm\n");
  const gen = run(withRegcache, "regcache", "generate");
  expect(gen.stderr).toBe("");
  expect(gen.status).toBe(0);
  expect(run(withRegcache, "git", "init", "-q").status).toBe(0);
  expect(run(withRegcache, "git", "add", "-A").status).toBe(0);
  expect(run(withRegcache, "git", "commit", "-q", "-m", "base", "--no-verify").status).toBe(0);
  return { dir, withRegcache, without, run };
}

function installHook(tree: Tree, script: string, kernelPaths: boolean): void {
  const text = kernelPaths
    ? script.replace(
        /^paths=".*"$/m,
        'paths="regcache.config.yaml arch/x86/kvm"', // as the hook's comment says for a kernel tree
      )
    : script;
  expect(text).toMatch(/^#!\/bin\/sh/);
  const hook = path.join(tree.dir, ".git/hooks/pre-commit");
  fs.writeFileSync(hook, text, { mode: 0o755 });
}

const generated = (tree: Tree) => {
  const files = fs
    .readdirSync(path.join(tree.dir, "arch/x86/kvm"))
    .filter((f) => f.endsWith("_gen.h"));
  expect(files.length).toBe(1);
  return path.join(tree.dir, "arch/x86/kvm", files[0]!);
};

const commit = (tree: Tree, env: NodeJS.ProcessEnv) =>
  tree.run(env, "git", "commit", "-q", "--allow-empty", "-m", "change");

/** The hook run as git runs it, for its own exit code (git commit reports any failure as 1). */
const hook = (tree: Tree, env: NodeJS.ProcessEnv) =>
  tree.run(env, path.join(tree.dir, ".git/hooks/pre-commit"));

const commits = (tree: Tree) =>
  Number(tree.run(tree.withRegcache, "git", "rev-list", "--count", "HEAD").stdout);

describe("docs/ci.md's staged-files pre-commit hook in a kernel-shaped tree", () => {
  test("the page has the two hooks and the framework entry", () => {
    expect(hookScripts().length).toBe(2);
    expect(frameworkEntry()).toBe("regcache check");
    // No command on the page runs an unpinned `npx regcache` (the name is not on npm).
    expect(page()).not.toMatch(/^\s*(- )?(run: )?npx (--no-install )?regcache/m);
  });

  test("an in-step commit passes; a staged out-of-step file is refused even when the working tree is in step", () => {
    const tree = kernelTree();
    installHook(tree, hookScripts()[0]!, true);
    fs.writeFileSync(path.join(tree.dir, "arch/x86/kvm/x86.c"), "/* kvm, edited */\n");
    tree.run(tree.withRegcache, "git", "add", "-A");
    const ok = commit(tree, tree.withRegcache);
    expect(ok.stderr).toContain("is in step");
    expect(ok.status).toBe(0);
    expect(commits(tree)).toBe(2);

    const header = generated(tree);
    const good = fs.readFileSync(header, "utf8");
    fs.writeFileSync(header, good.replace(/\n$/, "\n/* hand edit */\n"));
    tree.run(tree.withRegcache, "git", "add", "-A");
    fs.writeFileSync(header, good); // the working tree is in step again; the index is not
    const refused = commit(tree, tree.withRegcache);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain("hand-edited");
    expect(refused.stderr).toContain("pre-commit: run 'regcache generate'");
    expect(commits(tree)).toBe(2);
    expect(hook(tree, tree.withRegcache).status).toBe(1);
  });

  test("a staged invalid project file is check's exit 2, passed through", () => {
    const tree = kernelTree();
    installHook(tree, hookScripts()[0]!, true);
    fs.writeFileSync(path.join(tree.dir, "regcache.config.yaml"), "spec: linux-6.12\nout: [\n");
    tree.run(tree.withRegcache, "git", "add", "-A");
    const res = hook(tree, tree.withRegcache);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain("could not decide (exit 2");
  });

  test("without regcache on PATH the hook says so and exits 3", () => {
    const tree = kernelTree();
    installHook(tree, hookScripts()[0]!, true);
    const res = hook(tree, tree.without);
    expect(res.status).toBe(3);
    expect(res.stderr).toContain("regcache is not installed here");
    expect(commit(tree, tree.without).status).not.toBe(0);
    expect(commits(tree)).toBe(1);
  });
});

describe("docs/ci.md's one-line working-tree hook and the framework entry", () => {
  test("in step 0, a hand edit 1, regcache missing 3", () => {
    const tree = kernelTree();
    installHook(tree, hookScripts()[1]!, false);
    expect(commit(tree, tree.withRegcache).status).toBe(0);
    const entry = frameworkEntry().split(" ");
    expect(tree.run(tree.withRegcache, entry[0]!, ...entry.slice(1)).status).toBe(0);

    const header = generated(tree);
    fs.appendFileSync(header, "/* hand edit */\n");
    expect(hook(tree, tree.withRegcache).status).toBe(1);
    expect(commit(tree, tree.withRegcache).status).not.toBe(0);
    expect(tree.run(tree.withRegcache, entry[0]!, ...entry.slice(1)).status).toBe(1);

    const missing = hook(tree, tree.without);
    expect(missing.status).toBe(3);
    expect(missing.stderr).toContain("regcache is not on PATH");
  });
});
