/*
 * The two sides' headers (generator/size/inputs/sides.ts): head from --spec,
 * base from the same spec --all-cached, another spec file, or the spec at a
 * git revision; the register names each side declares; whether each side
 * has Linux 7.2's GPR family; and the failure when a side cannot be
 * generated.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { generateSides } from "../../../../generator/size/inputs/sides";
import { repoRoot } from "../../../helpers/capture";
import { tempDir } from "../../../helpers/temp";

const spec = () => fs.readFileSync(path.join(repoRoot, "spec", "x86-kvm-6.12.yaml"), "utf8");
/** The spec without rbp. */
const withoutRbp = () =>
  spec()
    .split("\n")
    .filter((line) => line.trim() !== "- rbp")
    .map((line) => line.replace("rdx, rbp, rsi", "rdx, rsi"))
    .join("\n");
const contentsOf = (files: readonly { path: string; contents: string }[], p: string) =>
  files.find((f) => f.path === p)?.contents ?? "";
/** A header's text below its banner (the banner names the command and input). */
const body = (text: string) => text.slice(text.indexOf("*/"));

test("all-cached: the same spec, every register on the cached path", () => {
  const sides = generateSides({
    cwd: repoRoot,
    spec: "spec/x86-kvm-6.12.yaml",
    base: { kind: "all-cached" },
  });
  if (!sides.ok) throw new Error(JSON.stringify(sides.diagnostics));
  expect(sides.baseLabel).toBe("all-cached");
  expect(sides.head.map((f) => f.path)).toEqual(sides.base.map((f) => f.path));
  const head = contentsOf(sides.head, "c/kvm_cache_regs.h");
  const base = contentsOf(sides.base, "c/kvm_cache_regs.h");
  expect(head).toContain("BUILD_KVM_GPR_ACCESSORS(rax, RAX)");
  expect(base).toContain("BUILD_KVM_CACHED_GPR_ACCESSORS(rax, RAX)");
  expect(base).not.toContain("BUILD_KVM_GPR_ACCESSORS(");
  expect([...sides.headRegisters]).toEqual(expect.arrayContaining(["rax", "rip", "cr3"]));
  expect([...sides.baseRegisters].sort()).toEqual([...sides.headRegisters].sort());
});

test("a bundled spec's name works as --spec and as --base", () => {
  const cwd = tempDir("sides-bundled");
  const sides = generateSides({
    cwd,
    spec: "x86-kvm",
    base: { kind: "file", path: "x86-kvm-v5.2" },
  });
  if (!sides.ok) throw new Error(JSON.stringify(sides.diagnostics));
  expect(sides.baseLabel).toBe("x86-kvm-v5.2");
  expect(body(contentsOf(sides.head, "c/kvm_cache_regs.h"))).not.toBe(
    body(contentsOf(sides.base, "c/kvm_cache_regs.h")),
  );
});

test("another spec file: its own registers", () => {
  const cwd = tempDir("sides-file");
  // The base without rbp: its register set says so.
  fs.writeFileSync(path.join(cwd, "no-rbp.yaml"), withoutRbp());
  fs.copyFileSync(path.join(repoRoot, "spec", "x86-kvm-6.12.yaml"), path.join(cwd, "head.yaml"));
  const sides = generateSides({
    cwd,
    spec: "head.yaml",
    base: { kind: "file", path: "no-rbp.yaml" },
  });
  if (!sides.ok) throw new Error(JSON.stringify(sides.diagnostics));
  expect(sides.baseLabel).toBe("no-rbp.yaml");
  expect(sides.headRegisters.has("rbp")).toBe(true);
  expect(sides.baseRegisters.has("rbp")).toBe(false);
});

test("which side has Linux 7.2's GPR family (gpr_family: mode_aware)", () => {
  const sides = generateSides({
    cwd: repoRoot,
    spec: "spec/x86-kvm-6.12.yaml",
    base: { kind: "file", path: "spec/x86-kvm.yaml" },
  });
  if (!sides.ok) throw new Error(JSON.stringify(sides.diagnostics));
  expect(sides.modeAware).toEqual({ head: false, base: true });
  // The 32-bit pair's accessors (kvm_eax_read) name their register by its e-name:
  // a side with api.e_pair answers to it, a 6.x side has no such accessors.
  expect(["eax", "ebp", "esp"].map((e) => sides.baseRegisters.has(e))).toEqual([true, true, false]);
  expect(sides.headRegisters.has("eax")).toBe(false);
});

describe("a git revision", () => {
  function repository(): string {
    const repo = tempDir("sides-git");
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
        cwd: repo,
        stdio: "pipe",
      });
    git("init", "-q");
    fs.writeFileSync(path.join(repo, "kvm.yaml"), spec());
    git("add", ".");
    git("commit", "-qm", "spec");
    return repo;
  }

  test("the spec as committed is the base, named git:REV:PATH; the working copy is head", () => {
    const repo = repository();
    // The working copy drops rbp; the commit still has it.
    fs.writeFileSync(path.join(repo, "kvm.yaml"), withoutRbp());
    const sides = generateSides({
      cwd: repo,
      spec: "kvm.yaml",
      base: { kind: "git", rev: "HEAD" },
    });
    if (!sides.ok) throw new Error(JSON.stringify(sides.diagnostics));
    expect(sides.baseLabel).toBe("git:HEAD:kvm.yaml");
    expect(sides.baseRegisters.has("rbp")).toBe(true);
    expect(sides.headRegisters.has("rbp")).toBe(false);
    expect(contentsOf(sides.base, "c/kvm_regs.h")).toContain("git:HEAD:kvm.yaml");
  });

  test("a path at the revision other than --spec", () => {
    const repo = repository();
    fs.copyFileSync(path.join(repo, "kvm.yaml"), path.join(repo, "new.yaml"));
    const sides = generateSides({
      cwd: repo,
      spec: "new.yaml",
      base: { kind: "git", rev: "HEAD", path: "kvm.yaml" },
    });
    expect(sides.ok && sides.baseLabel).toBe("git:HEAD:kvm.yaml");
  });

  test("a revision git cannot show: RC616 as invalid input", () => {
    const repo = repository();
    const sides = generateSides({
      cwd: repo,
      spec: "kvm.yaml",
      base: { kind: "git", rev: "nope" },
    });
    expect(sides.ok).toBe(false);
    if (sides.ok) return;
    expect(sides.kind).toBe("invalid-input");
    expect(sides.diagnostics.map((d) => d.code)).toEqual(["RC616"]);
    expect(sides.diagnostics[0].message).toMatch(/^git cannot show nope:kvm\.yaml: /);
  });
});

describe("a side that cannot be generated: the spec's diagnostics, as invalid input", () => {
  test("head", () => {
    const cwd = tempDir("sides-bad-head");
    fs.writeFileSync(path.join(cwd, "bad.yaml"), "name: [\n");
    const sides = generateSides({ cwd, spec: "bad.yaml", base: { kind: "all-cached" } });
    expect(sides.ok).toBe(false);
    if (sides.ok) return;
    expect(sides.kind).toBe("invalid-input");
    expect(sides.diagnostics.length).toBeGreaterThan(0);
    expect(sides.diagnostics.every((d) => d.file.displayPath === "bad.yaml")).toBe(true);
  });

  test("base", () => {
    const cwd = tempDir("sides-bad-base");
    const sides = generateSides({
      cwd,
      spec: "x86-kvm",
      base: { kind: "file", path: "missing.yaml" },
    });
    expect(sides.ok).toBe(false);
    if (sides.ok) return;
    expect(sides.kind).toBe("invalid-input");
    expect(sides.diagnostics.map((d) => d.file.displayPath)).toContain("missing.yaml");
  });
});
