/*
 * `regcache import` on the command line: a bad database or a failed probe
 * exits 2 and leaves --out and the tree untouched. (Bad options are rows of
 * tests/cli/usage.test.ts's table.)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runCli, tempDir } from "../helpers/capture";
import {
  FIXTURE_7_2,
  fingerprint,
  replaceIn,
  syntheticTree,
  type SyntheticTree,
} from "./synthetic-tree";

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

  it("a database that is not JSON: exit 2, RC801", async () => {
    fs.writeFileSync(tree.db, "[{");
    const result = await runCli(["import", "--compile-commands", tree.db]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/RC801: .*compile_commands\.json is not a compile database/);
  });

  it("an entry whose command has an unclosed quote: exit 2, RC802 naming it, nothing compiled", async () => {
    const entries = JSON.parse(fs.readFileSync(tree.db, "utf8")) as Record<string, unknown>[];
    entries[1] = { ...entries[1], arguments: undefined, command: "cc -c 'x.c" };
    fs.writeFileSync(tree.db, JSON.stringify(entries));
    const result = await runCli(["import", "--compile-commands", tree.db]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /RC802: entry 1 of the compile database 'command' cannot be read as sh reads it: an unclosed single quote/,
    );
    expect(cc.runs()).toBe(0);
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

describe("regcache import: a synthetic tree with VMX, SVM and TDX", () => {
  const GOLDEN = path.join(__dirname, "golden", "synthetic.yaml");
  let tree: SyntheticTree;
  let dir: string;
  beforeAll(() => {
    tree = syntheticTree();
    dir = tempDir("import-out");
  });
  afterAll(() => {
    tree.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("prints the spec: the golden file, byte for byte (UPDATE_GOLDEN=1 rewrites it)", async () => {
    const before = fingerprint(tree.root);
    const result = await runCli(["import", "--compile-commands", tree.db]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    if (process.env["UPDATE_GOLDEN"] === "1") fs.writeFileSync(GOLDEN, result.stdout);
    expect(result.stdout).toBe(fs.readFileSync(GOLDEN, "utf8"));
    expect(result.stdout).not.toContain(tree.root);
    expect(fingerprint(tree.root)).toEqual(before);
  });

  it("--out writes the same bytes, and a second tree at another path gives them too", async () => {
    const out = path.join(dir, "new", "kernel.yaml");
    const first = await runCli(["import", "--compile-commands", tree.db, "--out", out]);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe("");
    expect(first.stderr).toMatch(
      /^wrote .*kernel\.yaml \(API details from spec\/linux-6\.12\.yaml\)\n$/,
    );
    const other = syntheticTree();
    try {
      const second = await runCli(["import", "--compile-commands", other.db]);
      expect(second.stdout).toBe(fs.readFileSync(out, "utf8"));
      expect(second.stdout).toBe(fs.readFileSync(GOLDEN, "utf8"));
    } finally {
      other.cleanup();
    }
  });

  it("the imported spec generates: the kernel header it names, and nothing else", async () => {
    const spec = path.join(dir, "synthetic.yaml");
    fs.copyFileSync(GOLDEN, spec);
    const out = path.join(dir, "gen");
    const result = await runCli(["generate", "--spec", spec, "--out", out]);
    expect(result.code).toBe(0);
    expect(fs.readdirSync(out)).toEqual(["kvm_cache_regs_gen.h"]);
    const header = fs.readFileSync(path.join(out, "kvm_cache_regs_gen.h"), "utf8");
    expect(header).toMatch(/kvm_x86_call\(cache_reg\)/);
  });
});

describe("regcache import: a synthetic Linux 7.2 tree", () => {
  const GOLDEN = path.join(__dirname, "golden", "synthetic-7.2.yaml");

  it("prints the spec: the golden file, byte for byte; the 7.2 profile agrees with the tree throughout", async () => {
    const tree = syntheticTree({ fixture: FIXTURE_7_2 });
    try {
      const before = fingerprint(tree.root);
      const result = await runCli(["import", "--compile-commands", tree.db]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      if (process.env["UPDATE_GOLDEN"] === "1") fs.writeFileSync(GOLDEN, result.stdout);
      expect(result.stdout).toBe(fs.readFileSync(GOLDEN, "utf8"));
      expect(result.stdout).toMatch(/shipped profile linux-7\.2,/);
      expect(result.stdout).not.toMatch(/says otherwise/);
      // The tree's CR4 bits add CET to regcache's own: the value is written; CR0's agree.
      expect(result.stdout).toMatch(
        /guest_owned: \{possible: KVM_POSSIBLE_CR4_GUEST_BITS, owned: cr4_guest_owned_bits, value: 0x81078e\}/,
      );
      expect(result.stdout).toMatch(
        /guest_owned: \{possible: KVM_POSSIBLE_CR0_GUEST_BITS, owned: cr0_guest_owned_bits\}/,
      );
      expect(fingerprint(tree.root)).toEqual(before);
    } finally {
      tree.cleanup();
    }
  });

  it("a possible-bits macro the unit does not define: no value, said in the header comment, exit 0", async () => {
    const tree = syntheticTree({
      fixture: FIXTURE_7_2,
      edit: (src) => {
        const unit = path.join(src, "arch/x86/kvm/x86.c");
        const text = fs.readFileSync(unit, "utf8");
        fs.writeFileSync(unit, text.replace(/^#define KVM_POSSIBLE_CR4_GUEST_BITS.*$/m, ""));
      },
    });
    try {
      const result = await runCli(["import", "--compile-commands", tree.db]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).not.toMatch(/value:/);
      expect(result.stdout.replace(/\n# /g, " ")).toMatch(
        /no definition in arch\/x86\/kvm\/x86\.c, so no guest_owned\.value is given for: KVM_POSSIBLE_CR4_GUEST_BITS\./,
      );
    } finally {
      tree.cleanup();
    }
  });
});
