/*
 * `regcache import` on the command line: bad input stops before any compile
 * and writes nothing, a failed import leaves --out and the tree untouched.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runCli, tempDir } from "../helpers/capture";
import { fingerprint, replaceIn, syntheticTree, type SyntheticTree } from "./synthetic-tree";

/** A compiler on the database's command line that records each run, then runs gcc. */
function shim(dir: string): { compiler: string; runs: () => number } {
  const log = path.join(dir, "runs.log");
  const compiler = path.join(dir, "cc-shim");
  fs.writeFileSync(compiler, `#!/bin/sh\necho run >> '${log}'\nexec gcc "$@"\n`, { mode: 0o755 });
  return {
    compiler,
    runs: () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").length - 1 : 0),
  };
}

describe("regcache import: bad input", () => {
  let dir: string;
  let tree: SyntheticTree;
  let cc: ReturnType<typeof shim>;
  beforeEach(() => {
    dir = tempDir("import-cli");
    cc = shim(dir);
    tree = syntheticTree({
      compiler: cc.compiler,
      edit: (src) => replaceIn(src, "arch/x86/kvm/svm/svm.h", "SVM_LAZY(PDPTR)", "SVM_LAZY(NOPE)"),
    });
  });
  afterEach(() => {
    tree.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const usage: [string, (t: SyntheticTree, d: string) => string[], RegExp][] = [
    ["no --compile-commands", () => ["import"], /compile-commands/],
    [
      "--compile-commands without a value",
      () => ["import", "--compile-commands"],
      /compile-commands/,
    ],
    ["--out without a value", (t) => ["import", "--compile-commands", t.db, "--out"], /out/],
    [
      "--out is a directory",
      (t, d) => ["import", "--compile-commands", t.db, "--out", d],
      /--out .*is a directory/,
    ],
    [
      "--out in a directory that does not exist",
      (t, d) => ["import", "--compile-commands", t.db, "--out", path.join(d, "no", "spec.yaml")],
      /--out .*directory cannot be written/,
    ],
    [
      "a database that does not exist",
      (_t, d) => ["import", "--compile-commands", path.join(d, "none.json")],
      /RC800: cannot read .*none\.json/,
    ],
  ];
  it.each(usage)("%s: exit 2, no compile, nothing written", async (_name, argv, says) => {
    const before = fingerprint(dir);
    const result = await runCli(argv(tree, dir));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(says);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).toBe("");
    expect(cc.runs()).toBe(0);
    expect(fingerprint(dir)).toEqual(before);
  });

  it("a database that is not JSON: exit 2, RC801", async () => {
    fs.writeFileSync(tree.db, "[{");
    const result = await runCli(["import", "--compile-commands", tree.db]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/RC801: .*compile_commands\.json is not a compile database/);
  });

  it("a probe that does not compile: exit 2, the compiler's error shown, --out and the tree untouched", async () => {
    const out = path.join(dir, "kept.yaml");
    fs.writeFileSync(out, "# the user's own spec\n");
    const before = fingerprint(tree.root);
    const result = await runCli(["import", "--compile-commands", tree.db, "--out", out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/RC808: the probe for SVM_REGS_LAZY_LOAD_SET did not compile/);
    expect(result.stderr).toMatch(/VCPU_EXREG_NOPE/);
    expect(result.stderr).toMatch(/nothing was written/);
    expect(cc.runs()).toBeGreaterThan(0);
    expect(fs.readFileSync(out, "utf8")).toBe("# the user's own spec\n");
    expect(fs.readdirSync(dir).sort()).toEqual(["cc-shim", "kept.yaml", "runs.log"]);
    expect(fingerprint(tree.root)).toEqual(before);
  });
});
