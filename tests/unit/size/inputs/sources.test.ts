/*
 * Where a size run's sides come from (generator/size/inputs/sources.ts):
 * reading --base, naming it in the report, `git show` of the spec at a
 * revision (in a repository made here; the working tree and index are never
 * touched), and the what-if edit --explain makes to a spec's text.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import {
  describeBase,
  gitShow,
  parseBaseOption,
  withRegisterAlwaysAvailable,
} from "../../../../generator/size/inputs/sources";
import { tempDir } from "../../../helpers/temp";

describe("parseBaseOption", () => {
  test.each([
    ["all-cached", { kind: "all-cached" }],
    ["git:HEAD", { kind: "git", rev: "HEAD" }],
    [
      "git:HEAD~2:spec/x86-kvm-6.12.yaml",
      { kind: "git", rev: "HEAD~2", path: "spec/x86-kvm-6.12.yaml" },
    ],
    ["git:v1.0:a:b.yaml", { kind: "git", rev: "v1.0", path: "a:b.yaml" }],
    ["spec/old.yaml", { kind: "file", path: "spec/old.yaml" }],
    ["git", { kind: "file", path: "git" }],
    ["All-Cached", { kind: "file", path: "All-Cached" }],
  ])("%s", (given, want) => expect(parseBaseOption(given)).toEqual(want));

  test.each([
    ["empty", ""],
    ["git: without a revision", "git:"],
    ["git: with an empty path", "git:HEAD:"],
    ["a revision with a blank", "git:HEAD 1"],
    ["a revision that reads as an option", "git:--output=x"],
    ["no revision before the path", "git::spec.yaml"],
  ])("refused: %s", (_name, given) => expect(parseBaseOption(given)).toBeUndefined());
});

test.each([
  [{ kind: "all-cached" } as const, "all-cached"],
  [{ kind: "file", path: "old.yaml" } as const, "old.yaml"],
  [{ kind: "git", rev: "HEAD" } as const, "git:HEAD:spec.yaml"],
  [{ kind: "git", rev: "v1", path: "other.yaml" } as const, "git:v1:other.yaml"],
])("describeBase %j", (base, want) => expect(describeBase(base, "spec.yaml")).toBe(want));

describe("gitShow", () => {
  /** A repository whose one commit holds spec/a.yaml ("one"); the file now says "two". */
  function repository(): string {
    const repo = tempDir("git-show");
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
        cwd: repo,
        stdio: "pipe",
      });
    git("init", "-q");
    fs.mkdirSync(path.join(repo, "spec"));
    fs.writeFileSync(path.join(repo, "spec", "a.yaml"), "one\n");
    git("add", ".");
    git("commit", "-qm", "one");
    fs.writeFileSync(path.join(repo, "spec", "a.yaml"), "two\n");
    return repo;
  }

  test("the file as committed, relative to cwd or absolute; the working tree untouched", () => {
    const repo = repository();
    expect(gitShow(repo, "HEAD", "spec/a.yaml")).toEqual({ ok: true, text: "one\n" });
    expect(gitShow(path.join(repo, "spec"), "HEAD", "a.yaml")).toEqual({ ok: true, text: "one\n" });
    expect(gitShow(repo, "HEAD", path.join(repo, "spec", "a.yaml"))).toEqual({
      ok: true,
      text: "one\n",
    });
    expect(fs.readFileSync(path.join(repo, "spec", "a.yaml"), "utf8")).toBe("two\n");
  });

  test("a path or revision git does not know: not-found, git's first line without 'fatal: '", () => {
    const repo = repository();
    const missing = gitShow(repo, "HEAD", "spec/b.yaml");
    expect(missing).toMatchObject({ ok: false, reason: "not-found" });
    expect(missing.ok ? "" : missing.message).toMatch(
      /^path 'spec\/b\.yaml' does not exist in 'HEAD'$/,
    );
    const rev = gitShow(repo, "no-such-rev", "spec/a.yaml");
    expect(rev).toMatchObject({ ok: false, reason: "not-found" });
    expect(rev.ok ? "" : rev.message).not.toMatch(/^fatal:|\n/);
  });
});

describe("withRegisterAlwaysAvailable", () => {
  const spec = [
    "# a comment that must survive",
    "backends:",
    "  vmx: { lazy: [rip, rsp, pdptr] }",
    "  svm:",
    "    lazy:",
    "      - pdptr",
    "  tdx: { available: [rax, rbx] }",
    "",
  ].join("\n");

  test.each([
    ["rsp", ["rip", "pdptr"], ["pdptr"], ["rax", "rbx", "rsp"]],
    ["pdptr", ["rip", "rsp"], [], ["rax", "rbx", "pdptr"]],
    ["rax", ["rip", "rsp", "pdptr"], ["pdptr"], ["rax", "rbx"]],
    ["RSP", ["rip", "pdptr"], ["pdptr"], ["rax", "rbx", "RSP"]],
  ])("%s leaves every lazy list and joins every available list", (register, vmx, svm, tdx) => {
    const edited = withRegisterAlwaysAvailable(spec, register);
    const doc = parseYaml(edited);
    expect(doc.backends.vmx.lazy).toEqual(vmx);
    expect(doc.backends.svm.lazy).toEqual(svm);
    expect(doc.backends.tdx.available).toEqual(tdx);
    expect(edited).toContain("# a comment that must survive");
  });

  test("a spec without a backends mapping is returned as it is", () => {
    for (const text of ["name: x\n", "backends: [vmx]\n", "# only a comment\n"])
      expect(withRegisterAlwaysAvailable(text, "rip")).toBe(text);
  });

  test("a backend that is no mapping is passed over", () => {
    const edited = withRegisterAlwaysAvailable(
      "backends:\n  vmx: ~\n  svm: { lazy: [rip] }\n",
      "rip",
    );
    expect(parseYaml(edited)).toEqual({ backends: { vmx: null, svm: { lazy: [] } } });
  });
});
