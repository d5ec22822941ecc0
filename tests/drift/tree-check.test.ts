/*
 * `regcache check --compile-commands` on the synthetic 6.x and 7.2 trees: the
 * spec import writes from a tree agrees with it (exit 0); the same spec with
 * CR3 out of VMX's lazy list, or RBP in it, disagrees (exit 1, naming the
 * register and the backend, in text and in the JSON document's `tree`); the
 * project file's 'compile-commands' does what the option does; a database
 * that cannot be read is import's diagnostic and exit 2, a compiler that does
 * not run exit 3.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { runCli, tempDir } from "../helpers/capture";
import {
  FIXTURE,
  FIXTURE_7_2,
  fingerprint,
  syntheticTree,
  type SyntheticTree,
} from "../import/synthetic-tree";

const GOLDEN = path.join(__dirname, "..", "import", "golden");

/** The imported spec of the tree's shape with vmx's lazy list edited. */
function specWith(golden: string, edit?: (lazy: string[]) => string[]): string {
  const doc = parseDocument(fs.readFileSync(path.join(GOLDEN, golden), "utf8"));
  if (edit) {
    const lazy = (doc.getIn(["backends", "vmx", "lazy"]) as { toJSON(): string[] }).toJSON();
    doc.setIn(["backends", "vmx", "lazy"], edit(lazy));
  }
  return doc.toString();
}

const PROBE_LINE = /^regcache: tree probe: \d+ units? compiled in \d+\.\d s$/m;

describe.each([
  ["6.x", FIXTURE, "synthetic.yaml"],
  ["7.2", FIXTURE_7_2, "synthetic-7.2.yaml"],
])("check --compile-commands on the %s tree", (_, fixture, golden) => {
  let dir: string;
  let tree: SyntheticTree;
  beforeEach(() => {
    dir = tempDir("tree-check");
    tree = syntheticTree({ fixture });
  });
  afterEach(() => tree.cleanup());

  /** Writes the spec, generates from it (so the files are in step), then checks. */
  async function check(spec: string, ...extra: string[]) {
    fs.writeFileSync(path.join(dir, "spec.yaml"), spec);
    const generated = await runCli(["generate", "--spec", "spec.yaml", "--out", "out"], {
      cwd: dir,
    });
    expect(generated.code).toBe(0);
    return runCli(
      ["check", "--spec", "spec.yaml", "--out", "out", "--compile-commands", tree.db, ...extra],
      { cwd: dir },
    );
  }

  it("the spec import writes from the tree: exit 0, the probe's time on stderr, the tree untouched", async () => {
    const before = fingerprint(tree.root);
    const result = await check(specWith(golden));
    expect(fingerprint(tree.root)).toEqual(before);
    expect(result.stdout).toMatch(/spec\.yaml agrees with the tree of .*compile_commands\.json/);
    expect(result.stderr).toMatch(PROBE_LINE);
    expect(result.code).toBe(0);
  });

  it("cr3 not lazy on vmx while vmx.h's set has it: exit 1, naming cr3 and vmx", async () => {
    const result = await check(specWith(golden, (lazy) => lazy.filter((r) => r !== "cr3")));
    expect(result.stdout).toMatch(/disagrees with the tree of .*: 1 difference\n/);
    expect(result.stdout).toMatch(
      /^ {2}vmx cr3 +the spec has cr3 always available on vmx, VMX_REGS_LAZY_LOAD_SET \(arch\/x86\/kvm\/vmx\/vmx\.h\) has it lazy$/m,
    );
    expect(result.code).toBe(1);
  });

  it("rbp lazy on vmx while vmx.h's set lacks it: exit 1, naming rbp and vmx", async () => {
    const result = await check(specWith(golden, (lazy) => [...lazy, "rbp"]));
    expect(result.stdout).toMatch(
      /^ {2}vmx rbp +the spec has vmx load rbp lazily, VMX_REGS_LAZY_LOAD_SET \(arch\/x86\/kvm\/vmx\/vmx\.h\) lacks it, so always available$/m,
    );
    expect(result.code).toBe(1);
  });

  it("--format json: the files' status as before, the tree's differences in `tree`", async () => {
    const result = await check(
      specWith(golden, (lazy) => lazy.filter((r) => r !== "cr3")),
      "--format",
      "json",
    );
    const doc = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(doc["status"]).toBe("in-step");
    expect(doc["tree"]).toMatchObject({
      status: "differs",
      differences: [{ kind: "set", register: "cr3", backend: "vmx" }],
    });
    expect(result.code).toBe(1);
  });
});

describe("check's compile database", () => {
  let dir: string;
  let tree: SyntheticTree;
  beforeEach(() => {
    dir = tempDir("tree-check");
    fs.writeFileSync(
      path.join(dir, "spec.yaml"),
      specWith("synthetic.yaml", (lazy) => lazy.filter((r) => r !== "cr3")),
    );
  });
  afterEach(() => tree?.cleanup());

  it("from the project file's 'compile-commands', relative to it", async () => {
    tree = syntheticTree();
    const db = path.relative(dir, tree.db);
    fs.writeFileSync(
      path.join(dir, "regcache.config.yaml"),
      `spec: spec.yaml\nout: out\ncompile-commands: ${db}\n`,
    );
    fs.mkdirSync(path.join(dir, "sub"));
    expect((await runCli(["generate"], { cwd: dir })).code).toBe(0);
    const result = await runCli(["check"], { cwd: path.join(dir, "sub") });
    expect(result.stdout).toMatch(/vmx cr3 +the spec has cr3 always available on vmx/);
    expect(result.code).toBe(1);
  });

  it("on a terminal: a live [n/N] count of the probes on stderr, cleared at the end", async () => {
    tree = syntheticTree();
    await runCli(["generate", "--spec", "spec.yaml", "--out", "out"], { cwd: dir });
    const result = await runCli(
      ["check", "--spec", "spec.yaml", "--out", "out", "--compile-commands", tree.db],
      { cwd: dir, isErrTTY: true },
    );
    const n = /tree probe: (\d+) units compiled/.exec(result.stderr)?.[1];
    expect(result.stderr).toContain(`regcache check: [0/${n}]`);
    expect(result.stderr).toContain(`\r\x1b[K`);
    expect(result.stdout).not.toMatch(/\[\d+\/\d+\]/);
  });

  it("not JSON: import's RC801, exit 2", async () => {
    tree = syntheticTree();
    fs.writeFileSync(tree.db, "[{");
    await runCli(["generate", "--spec", "spec.yaml", "--out", "out"], { cwd: dir });
    const result = await runCli(
      ["check", "--spec", "spec.yaml", "--out", "out", "--compile-commands", tree.db],
      { cwd: dir },
    );
    expect(result.stderr).toMatch(/RC801: .*compile_commands\.json is not a compile database/);
    expect(result.code).toBe(2);
  });

  it("no KVM unit: RC803, exit 2; in JSON the tree's status is error", async () => {
    tree = syntheticTree({ units: [] });
    await runCli(["generate", "--spec", "spec.yaml", "--out", "out"], { cwd: dir });
    const result = await runCli(
      ["check", "--spec", "spec.yaml", "--out", "out", "--compile-commands", tree.db],
      { cwd: dir },
    );
    expect(result.stderr).toMatch(/RC803: no KVM translation unit/);
    expect(result.code).toBe(2);
    const json = await runCli(
      ["check", "--spec", "spec.yaml", "--out", "out", "--compile-commands", tree.db].concat([
        "--format",
        "json",
      ]),
      { cwd: dir },
    );
    const doc = JSON.parse(json.stdout) as { tree: { status: string; diagnostics: unknown[] } };
    expect(doc.tree.status).toBe("error");
    expect(doc.tree.diagnostics).toMatchObject([{ code: "RC803" }]);
    expect(json.code).toBe(2);
  });

  it("a compiler that does not run: RC809, exit 3", async () => {
    tree = syntheticTree({ compiler: path.join(dir, "no-such-cc") });
    await runCli(["generate", "--spec", "spec.yaml", "--out", "out"], { cwd: dir });
    const result = await runCli(
      ["check", "--spec", "spec.yaml", "--out", "out", "--compile-commands", tree.db],
      { cwd: dir },
    );
    expect(result.stderr).toMatch(/RC809: cannot run the compiler/);
    expect(result.code).toBe(3);
  });

  it("a database that is not there: the option named, exit 2, nothing probed", async () => {
    tree = syntheticTree();
    await runCli(["generate", "--spec", "spec.yaml", "--out", "out"], { cwd: dir });
    const result = await runCli(
      ["check", "--spec", "spec.yaml", "--out", "out", "--compile-commands", "nope.json"],
      { cwd: dir },
    );
    expect(result.stderr).toMatch(/--compile-commands.*nope\.json/);
    expect(result.stderr).not.toMatch(/tree probe/);
    expect(result.code).toBe(2);
  });
});
