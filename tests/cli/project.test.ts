/*
 * The same tree is in step however its paths are typed:
 * the project file is found by walking up, the command line overrides it, and
 * every banner records one shell-quoted command relative to one anchor (the
 * project file's directory, else the output directory's parent), so it is the
 * same whatever the spelling or the working directory, and it runs.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot, runCli, tempDir } from "../helpers/capture";
import { snapshot } from "../drift/helpers";

const bin = path.join(repoRoot, "bin", "regcache.js");
const banner = (file: string) => /Regenerate with: (.*)/.exec(fs.readFileSync(file, "utf8"))![1]!;

let work: string;
beforeEach(() => {
  work = tempDir("project");
});
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

/** A project at `dir`: spec/ and (unless told) the project file, not generated yet. */
function project(dir: string, withFile = true): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(path.join(repoRoot, "spec"), path.join(dir, "spec"), { recursive: true });
  fs.mkdirSync(path.join(dir, "docs", "deeper"), { recursive: true });
  if (withFile)
    fs.copyFileSync(
      path.join(repoRoot, "regcache.config.yaml"),
      path.join(dir, "regcache.config.yaml"),
    );
  return dir;
}

describe("with a project file", () => {
  test("generated from the top, in step however --spec and --out are spelled, from anywhere", async () => {
    const p = project(work);
    expect((await runCli(["generate"], { cwd: p })).code).toBe(0);
    const before = snapshot(path.join(p, "generated"));
    const spellings: [string, string[]][] = [
      [".", ["check"]],
      [".", ["check", "--out", "./generated"]],
      [".", ["check", "--out", "generated/"]],
      [".", ["check", "--out", path.join(p, "generated")]],
      [".", ["check", "--spec", "./spec//x86-kvm.yaml", "--out", "generated//"]],
      ["docs", ["check", "--spec", "../spec/x86-kvm.yaml", "--out", "../generated"]],
      ["docs", ["check"]],
      ["docs/deeper", ["check"]],
      ["docs/deeper", ["generate", "--out", "../../generated"]],
      ["docs", ["generate", "--spec", path.join(p, "spec", "x86-kvm.yaml")]],
    ];
    for (const [cwd, argv] of spellings) {
      const r = await runCli(argv, { cwd: path.join(p, cwd) });
      expect({ cwd, argv, code: r.code, out: r.stdout }).toEqual({
        cwd,
        argv,
        code: 0,
        out: expect.stringMatching(/is (in step|up to date)/),
      });
    }
    expect(snapshot(path.join(p, "generated"))).toEqual(before);
    expect(banner(path.join(p, "generated", "c", "kvm_regs.h"))).toBe(
      "regcache generate --spec spec/x86-kvm.yaml --out generated",
    );
  });

  test("the project file's out and options apply; the command line overrides them", async () => {
    const p = project(work);
    fs.writeFileSync(
      path.join(p, "regcache.config.yaml"),
      "spec: spec/x86-kvm-v5.2.yaml\nout: build/regs\nall-cached: true\n",
    );
    expect((await runCli(["generate"], { cwd: path.join(p, "docs") })).code).toBe(0);
    const file = path.join(p, "build", "regs", "c", "kvm_regs.h");
    expect(banner(file)).toBe(
      "regcache generate --spec spec/x86-kvm-v5.2.yaml --out build/regs --all-cached",
    );
    const r = await runCli(["generate", "--out", "other", "--no-all-cached"], { cwd: p });
    expect(r.code).toBe(0);
    expect(banner(path.join(p, "other", "c", "kvm_regs.h"))).toBe(
      "regcache generate --spec spec/x86-kvm-v5.2.yaml --out other",
    );
    // check's fix is what was typed, runnable from where it was typed.
    fs.appendFileSync(path.join(p, "other", "c", "kvm_regs.h"), "/* edit */\n");
    const c = await runCli(["check", "--out", "other", "--no-all-cached"], { cwd: p });
    expect(c.code).toBe(1);
    expect(c.stdout).toMatch(/to fix, run: regcache generate --out other --no-all-cached\n$/);
  });
});

test("without a project file: anchored at the output's parent, the same from any directory", async () => {
  const p = project(work, false);
  const g = await runCli(["generate", "--spec", "spec/x86-kvm.yaml", "--out", "gen"], {
    cwd: p,
  });
  expect(g.code).toBe(0);
  expect(banner(path.join(p, "gen", "c", "kvm_regs.h"))).toBe(
    "regcache generate --spec spec/x86-kvm.yaml --out gen",
  );
  const r = await runCli(["check", "--spec", "../../spec/x86-kvm.yaml", "--out", "../../gen/"], {
    cwd: path.join(p, "docs", "deeper"),
  });
  expect(r.code).toBe(0);
});

test("the banner's command is shell-quoted and runs as it is from the anchor", async () => {
  const p = project(path.join(work, "a project's root"));
  fs.writeFileSync(
    path.join(p, "regcache.config.yaml"),
    "spec: spec/x86-kvm.yaml\nout: out dir/gen\nc-style: expanded\n",
  );
  expect((await runCli(["generate"], { cwd: path.join(p, "docs") })).code).toBe(0);
  const file = path.join(p, "out dir", "gen", "c", "kvm_regs.h");
  const command = banner(file);
  expect(command).toBe(
    "regcache generate --spec spec/x86-kvm.yaml --out 'out dir/gen' --c-style expanded",
  );
  // Run it through a real shell from the anchor, regcache being this checkout's bin:
  // it must regenerate the same bytes (banner included).
  const was = fs.readFileSync(file, "utf8");
  fs.rmSync(path.join(p, "out dir"), { recursive: true });
  execFileSync("sh", ["-c", command.replace(/^regcache /, `node '${bin}' `)], {
    cwd: p,
    stdio: "pipe",
  });
  expect(fs.readFileSync(file, "utf8")).toBe(was);
});
