/*
 * Drift means the code differs. A spec edit that changes nothing the
 * generated files say — a set listed in another order, YAML comments or
 * layout — keeps `check` at 0 and `generate` writes nothing; two
 * branches that each make such an edit and regenerate merge without a conflict
 * in the generated files.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { regcache, tempProject } from "./helpers";

const edit = (file: string, from: string | RegExp, to: string) => {
  const text = fs.readFileSync(file, "utf8");
  const next = text.replace(from, to);
  expect(next).not.toBe(text);
  fs.writeFileSync(file, next);
};

describe("spec edits that change no generated code", () => {
  test.each([
    [
      "a lazy set in another order",
      (spec: string) => edit(spec, "lazy: [rsp, rip, rflags", "lazy: [rip, rsp, rflags"),
    ],
    [
      "comments and layout",
      (spec: string) => {
        edit(spec, /^# KVM x86 today.*$/m, "# KVM x86, as upstream has it:");
        edit(spec, "    lazy: [pdptr]", "    # only the PDPTRs\n    lazy:\n      - pdptr");
      },
    ],
  ])("x86-kvm.yaml, %s: check 0, generate writes nothing", async (_, change) => {
    const project = tempProject("noop");
    expect((await regcache(project, "generate")).code).toBe(0);
    change(path.join(project, "spec", "x86-kvm.yaml"));
    const check = await regcache(project, "check");
    expect(check.stdout).toContain("is in step");
    expect(check.code).toBe(0);
    const dry = await regcache(project, "generate", "--dry-run");
    expect(dry.stdout).toContain("up to date");
  });

  test("linux-6.12.yaml: a lazy set in another order is no drift", async () => {
    const project = tempProject("noop-kernel");
    const args = ["--spec", "spec/linux-6.12.yaml", "--out", "k"];
    expect((await regcache(project, "generate", ...args)).code).toBe(0);
    edit(
      path.join(project, "spec", "linux-6.12.yaml"),
      "lazy: [rip, rsp, rflags",
      "lazy: [rsp, rip, rflags",
    );
    expect((await regcache(project, "check", ...args)).code).toBe(0);
  });

  test("linux-6.12.yaml: CR3 lazy on SVM too is drift, since the block checks SVM's set", async () => {
    // The accessors stay the same (VMX already loads CR3 lazily), but the
    // block's KVM_CHECK_SVM_REGS_LAZY_LOAD_SET now asserts CR3 in svm.h's set.
    const project = tempProject("noop-kernel-svm");
    const args = ["--spec", "spec/linux-6.12.yaml", "--out", "k"];
    expect((await regcache(project, "generate", ...args)).code).toBe(0);
    edit(
      path.join(project, "spec", "linux-6.12.yaml"),
      /^ {4}lazy: \[pdptr\]$/m,
      "    lazy: [pdptr, cr3]",
    );
    const check = await regcache(project, "check", ...args);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(
      '+\tKVM_CHECK_REG(set, VCPU_EXREG_CR3, 1, "regcache: the spec has svm load cr3 lazily',
    );
  });

  test("two branches that each make such an edit and regenerate merge cleanly", async () => {
    const project = tempProject("noop-merge");
    const git = (...args: string[]) => {
      const r = spawnSync("git", args, {
        cwd: project,
        encoding: "utf8",
        env: {
          ...process.env,
          GIT_CONFIG_NOSYSTEM: "1",
          GIT_CONFIG_GLOBAL: "/dev/null",
          GIT_AUTHOR_NAME: "t",
          GIT_AUTHOR_EMAIL: "t@example.org",
          GIT_COMMITTER_NAME: "t",
          GIT_COMMITTER_EMAIL: "t@example.org",
        },
      });
      return r;
    };
    expect((await regcache(project, "generate")).code).toBe(0);
    expect(git("init", "-q", "-b", "main").status).toBe(0);
    git("add", "-A");
    expect(git("commit", "-qm", "base").status).toBe(0);
    const spec = path.join(project, "spec", "x86-kvm.yaml");

    git("checkout", "-qb", "a");
    edit(spec, "lazy: [rsp, rip, rflags", "lazy: [rip, rsp, rflags");
    expect((await regcache(project, "generate")).code).toBe(0);
    git("add", "-A");
    expect(git("commit", "-qm", "a").status).toBe(0);

    git("checkout", "-q", "main");
    edit(spec, "    lazy: [pdptr]", "    lazy:\n      - pdptr # the PDPTRs only");
    expect((await regcache(project, "generate")).code).toBe(0);
    git("add", "-A");
    expect(git("commit", "-qm", "b").status).toBe(0);

    const merge = git("merge", "-q", "--no-edit", "a");
    expect(merge.stdout + merge.stderr).not.toContain("CONFLICT");
    expect(merge.status).toBe(0);
    expect(git("diff", "--name-only", "HEAD~2", "HEAD", "--", "generated").stdout).toBe("");
    expect((await regcache(project, "check")).code).toBe(0);
  });
});
