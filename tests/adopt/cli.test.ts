/*
 * `regcache adopt` on the command line, in small kernel trees shaped like
 * Linux 6.12 and 7.2 (kernel-tree.ts) with the bundled specs linux-6.12 and
 * linux-7.2: what an adoption writes, that a second one changes nothing, that
 * --dry-run's patch gives the same tree, that --revert gives back every byte
 * and mode, and that a tree adoption cannot handle stops with exit 2 before
 * anything is written.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseBanner } from "../../generator/targets/banner";
import { repoRoot, runCli, tempDir } from "../helpers/capture";
import { contents, edit, kernelTree, read } from "./kernel-tree";

const STORE = ".regcache-adopt";
const withoutStore = (m: Map<string, string>) =>
  new Map([...m].filter(([p]) => !p.startsWith(`${STORE}/`)));

describe.each([
  {
    shape: "6.12" as const,
    spec: "linux-6.12",
    header: "arch/x86/kvm/kvm_cache_regs.h",
    generated: "arch/x86/kvm/kvm_cache_regs_gen.h",
    first: "#define BUILD_KVM_GPR_ACCESSORS",
    sets: {
      "arch/x86/kvm/vmx/vmx.h": "VMX_REGS_LAZY_LOAD_SET",
      "arch/x86/kvm/svm/svm.h": "SVM_REGS_LAZY_LOAD_SET",
    },
  },
  {
    shape: "7.2" as const,
    spec: "linux-7.2",
    header: "arch/x86/kvm/regs.h",
    generated: "arch/x86/kvm/regs_gen.h",
    first: "#define __BUILD_KVM_GPR_ACCESSORS",
    sets: {
      "arch/x86/kvm/vmx/vmx.h": "VMX_REGS_LAZY_LOAD_SET",
      "arch/x86/kvm/svm/svm.h": "SVM_REGS_LAZY_LOAD_SET",
      "arch/x86/kvm/vmx/tdx.c": "TDX_REGS_AVAIL_SET",
    },
  },
])("regcache adopt on a Linux $shape tree", ({ shape, spec, header, generated, first, sets }) => {
  test("writes the generated file, the include and the set checks; a second run changes nothing", async () => {
    const root = kernelTree(shape);
    const before = contents(root);
    const result = await runCli(["adopt", "--spec", spec], { cwd: path.join(root, "arch/x86") });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toContain(`create  ${generated}`);

    const name = path.basename(generated);
    expect(read(root, header)).toContain(`#include "${name}"`);
    expect(read(root, header)).not.toContain(first);
    const golden = fs.readFileSync(path.join(repoRoot, "tests/golden", spec, "spec", name), "utf8");
    const written = read(root, generated);
    expect(parseBanner(written)?.body).toBe(parseBanner(golden)?.body);
    // What generate writes there, so the drift check in the tree agrees with adopt.
    const generatedThere = kernelTree(shape);
    const gen = await runCli(["generate", "--spec", spec, "--out", "arch/x86/kvm"], {
      cwd: generatedThere,
    });
    expect(gen.code).toBe(0);
    expect(written).toBe(read(generatedThere, generated));
    const check = await runCli(["check", "--spec", spec, "--out", "arch/x86/kvm"], { cwd: root });
    expect(check.code).toBe(0);
    for (const [file, macro] of Object.entries(sets)) {
      const lines = read(root, file).split("\n");
      const check = lines.indexOf(`KVM_CHECK_${macro}(${macro});`);
      expect(check).toBeGreaterThan(0);
      // The line after the definition's last (continued) line.
      const define = lines.findIndex((l) => l.startsWith(`#define ${macro}`));
      expect(
        lines.slice(define, check).every((l) => l.endsWith("\\") || l === lines[check - 1]),
      ).toBe(true);
    }
    const changed = [...contents(root).keys()].filter(
      (p) => !p.startsWith(`${STORE}/`) && contents(root).get(p) !== before.get(p),
    );
    expect(changed.sort()).toEqual([generated, header, ...Object.keys(sets)].sort());

    const adopted = contents(root);
    const again = await runCli(["adopt", "--spec", spec, "--tree", root]);
    expect(again).toMatchObject({ code: 0, stderr: "" });
    expect(again.stdout).toMatch(/adopted already; nothing changed/);
    expect(contents(root)).toEqual(adopted);
  });

  test("--dry-run writes nothing, and its diff applied with patch -p1 gives the adopted tree", async () => {
    const root = kernelTree(shape);
    const pristine = kernelTree(shape);
    const before = contents(root);
    const dry = await runCli(["adopt", "--spec", spec, "--tree", root, "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(contents(root)).toEqual(before);
    expect(dry.stdout).toContain(`--- /dev/null\n+++ b/${generated}\n`);
    expect(dry.stdout).toContain(`--- a/${header}\n+++ b/${header}\n`);

    const patched = spawnSync("patch", ["-p1", "--quiet"], { cwd: pristine, input: dry.stdout });
    expect(patched.stderr.toString()).toBe("");
    expect(patched.status).toBe(0);
    expect((await runCli(["adopt", "--spec", spec, "--tree", root])).code).toBe(0);
    expect(contents(pristine)).toEqual(withoutStore(contents(root)));
  });

  test("--revert restores every file byte for byte and mode, and leaves no store", async () => {
    const root = kernelTree(shape);
    fs.chmodSync(path.join(root, header), 0o640);
    const before = contents(root);
    expect((await runCli(["adopt", "--spec", spec, "--tree", root])).code).toBe(0);
    expect(contents(root)).not.toEqual(before);
    const revert = await runCli(["adopt", "--revert", "--tree", root]);
    expect(revert).toMatchObject({ code: 0, stderr: "" });
    expect(revert.stdout).toContain(`remove  ${generated}`);
    expect(contents(root)).toEqual(before);
    expect(fs.existsSync(path.join(root, STORE))).toBe(false);
  });
});

test("with the tree's project file: no --spec, and plain regcache check agrees", async () => {
  const root = kernelTree("6.12");
  fs.writeFileSync(
    path.join(root, "regcache.config.yaml"),
    "spec: linux-6.12\nout: arch/x86/kvm\n",
  );
  const adopt = await runCli(["adopt"], { cwd: path.join(root, "arch/x86/kvm/vmx") });
  expect(adopt).toMatchObject({ code: 0, stderr: "" });
  expect(read(root, "arch/x86/kvm/kvm_cache_regs_gen.h")).toContain(
    "Regenerate with: regcache generate --spec linux-6.12 --out arch/x86/kvm\n",
  );
  expect((await runCli(["check"], { cwd: root })).code).toBe(0);
  const again = await runCli(["adopt", "--tree", root], { cwd: path.join(root, "arch") });
  expect(again.stdout).toMatch(/adopted already; nothing changed/);
});

test("--revert needs no spec: it works with a project file that no longer reads", async () => {
  const root = kernelTree("6.12");
  const before = contents(root);
  expect((await runCli(["adopt", "--spec", "linux-6.12", "--tree", root])).code).toBe(0);
  fs.writeFileSync(path.join(root, "regcache.config.yaml"), "spek: linux-6.12\n");
  const revert = await runCli(["adopt", "--revert"], { cwd: root });
  expect(revert).toMatchObject({ code: 0, stderr: "" });
  fs.rmSync(path.join(root, "regcache.config.yaml"));
  expect(contents(root)).toEqual(before);
});

test("a file where the store's directory goes: exit 3, the tree untouched", async () => {
  const root = kernelTree("6.12");
  fs.writeFileSync(path.join(root, STORE), "in the way\n");
  const before = contents(root);
  const result = await runCli(["adopt", "--spec", "linux-6.12", "--tree", root]);
  expect(result.code).toBe(3);
  expect(result.stderr).toMatch(
    /regcache: error: cannot read the tree .*: a component of the path is not a directory \(ENOTDIR\)/,
  );
  expect(contents(root)).toEqual(before);
});

describe("regcache adopt: what stops it (exit 2, nothing written)", () => {
  test("a header whose region does not end where the spec says: RC702", async () => {
    const root = kernelTree("6.12");
    edit(root, "arch/x86/kvm/kvm_cache_regs.h", "kvm_read_edx_eax(", "kvm_read_edx_eax_renamed(");
    const before = contents(root);
    const result = await runCli(["adopt", "--spec", "linux-6.12", "--tree", root]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /kvm_cache_regs\.h:\d+:\d+: error RC702: no definition of kvm_read_edx_eax\(\) after BUILD_KVM_GPR_ACCESSORS/,
    );
    expect(result.stderr).toMatch(/nothing was written/);
    expect(contents(root)).toEqual(before);
  });

  test("the spec's backend missing in the tree (no TDX_REGS_AVAIL_SET): RC705", async () => {
    const root = kernelTree("7.2");
    fs.rmSync(path.join(root, "arch/x86/kvm/vmx/tdx.c"));
    const before = contents(root);
    const result = await runCli(["adopt", "--spec", "linux-7.2", "--tree", root]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /error RC705: '#define TDX_REGS_AVAIL_SET' appears 0 times in the tree, not once \(the spec's backend 'tdx'\)/,
    );
    expect(contents(root)).toEqual(before);
  });

  test("the header the spec adopts is not in the tree: RC704", async () => {
    const root = kernelTree("6.12");
    const before = contents(root);
    const result = await runCli(["adopt", "--spec", "linux-7.2", "--tree", root]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/regs\.h: error RC704: the tree has no arch\/x86\/kvm\/regs\.h/);
    expect(contents(root)).toEqual(before);
  });

  test("a revert after a hand edit of an adopted file refuses, naming it", async () => {
    const root = kernelTree("6.12");
    expect((await runCli(["adopt", "--spec", "linux-6.12", "--tree", root])).code).toBe(0);
    edit(root, "arch/x86/kvm/vmx/vmx.h", "#endif", "/* mine */\n#endif");
    const before = contents(root);
    const result = await runCli(["adopt", "--revert", "--tree", root]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /changed since regcache adopt wrote it: arch\/x86\/kvm\/vmx\/vmx\.h/,
    );
    expect(contents(root)).toEqual(before);
  });

  test("no kernel tree at or above the working directory, and --tree that is none", async () => {
    const dir = tempDir("adopt-none");
    const here = await runCli(["adopt", "--spec", "linux-6.12"], { cwd: dir });
    expect(here.code).toBe(2);
    expect(here.stderr).toMatch(
      /no kernel tree at or above \S+ \(a directory holding arch\/x86\/kvm\/ and a Makefile\)/,
    );
    const given = await runCli(["adopt", "--spec", "linux-6.12", "--tree", dir], { cwd: dir });
    expect(given.code).toBe(2);
    expect(given.stderr).toMatch(/--tree \S+: not a kernel tree's top/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test("--revert in a tree never adopted: exit 2", async () => {
    const root = kernelTree("6.12");
    const result = await runCli(["adopt", "--revert", "--tree", root]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/nothing to revert: .* has no \.regcache-adopt\/manifest\.json/);
  });
});

test("the store is ignored by the kernel's top-level .gitignore rule '.*'", async () => {
  if (spawnSync("git", ["--version"]).status !== 0) return;
  const root = kernelTree("6.12");
  fs.writeFileSync(path.join(root, ".gitignore"), ".*\n!.gitignore\n");
  expect(spawnSync("git", ["init", "-q"], { cwd: root }).status).toBe(0);
  expect((await runCli(["adopt", "--spec", "linux-6.12", "--tree", root])).code).toBe(0);
  const status = spawnSync("git", ["status", "--porcelain", "--untracked-files=all"], {
    cwd: root,
  }).stdout.toString();
  expect(status).toContain("arch/x86/kvm/kvm_cache_regs_gen.h");
  expect(status).not.toContain(STORE);
});
