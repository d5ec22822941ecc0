/*
 * The installed package in a real kernel tree (npm run test:kernel): regcache
 * packed and installed offline as a user gets it (tests/install/package.ts),
 * then run inside hard-linked copies of the Debian kernel trees the kernel
 * cache holds (trees.ts; never the cached pristine tree itself), with the
 * bundled spec named without a path. Each result is compared with the same
 * command run from this checkout's sources in a second copy: same bytes, same
 * messages. The banner's "Regenerate with" command, run as it stands from its
 * anchor (the project file's directory, else the output's parent), reproduces
 * the file; `regcache adopt` adopts the block and `adopt --revert` gives the
 * tree back byte for byte; `check` reports drift there as it does in this
 * repository.
 *
 * No kernel is built here: kvm.proof.ts builds the generated header; this
 * suite shows the installed CLI writes the very same bytes.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "../helpers/capture";
import {
  installOffline,
  npmSandbox,
  packFresh,
  runInstalled,
  seedNpmCache,
  tarballShrinkwrap,
  type Outcome,
} from "../install/package";
import { ADOPT_INPUTS, digestDifferences, treeDigest } from "./adopt-cli";
import { kernelOutputOf } from "./kernel-spec";
import { entryProblem, KernelTree, prepareTree, run, sourcePackage } from "./trees";

const SERIES = ["6.1", "6.12", "7.2"] as const;
const OUT = "arch/x86/kvm";

const log = (line: string) => process.stderr.write(`kernel install: ${line}\n`);

let work: string;
let cli: string;
let packageDir: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "regcache-kernel-install-"));
  const sandbox = npmSandbox(path.join(work, "npm"));
  const packed = packFresh(work, sandbox);
  seedNpmCache(tarballShrinkwrap(packed.tarball), sandbox);
  ({ cli, packageDir } = installOffline(packed.tarball, path.join(work, "prefix"), sandbox));
  log(`installed ${path.basename(packed.tarball)} into ${path.join(work, "prefix")}`);
}, 600_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** A hard-linked copy of the pristine source (no build dir) at dir/linux. */
function linkedCopy(tree: KernelTree, dir: string): string {
  const linux = path.join(dir, "linux");
  fs.mkdirSync(linux, { recursive: true });
  const entries = fs
    .readdirSync(tree.srcDir)
    .filter((e) => e !== "build")
    .map((e) => path.join(tree.srcDir, e));
  run(["cp", "-al", ...entries, linux]);
  return linux;
}

/** Names of arch/x86/kvm's entries. */
const kvmDir = (linux: string) => fs.readdirSync(path.join(linux, OUT)).sort();

describe.each(SERIES)("Linux %s", (series) => {
  const spec = `linux-${series}`;
  // The generated header's name and the kernel's header it is adopted into (the spec's output).
  const out = kernelOutputOf(path.resolve(__dirname, "..", "..", "spec", `${spec}.yaml`));
  const GENERATED = `${OUT}/${out.kernelHeader}`;
  const HOST = `${OUT}/${out.adopts.header}`;
  let tree: KernelTree;
  let user: string;
  let repo: string;

  beforeAll(() => {
    tree = prepareTree(sourcePackage(series), log);
    user = linkedCopy(tree, path.join(work, series, "user"));
    repo = linkedCopy(tree, path.join(work, series, "repo"));
  }, 3_600_000);

  /** Messages name the tree and the bundled spec's file in full; both differ between the runs. */
  const anonymous = (o: Outcome, root: string, specDir: string): Outcome => {
    const hide = (t: string) => t.split(root).join("<tree>").split(specDir).join("<spec>");
    return { code: o.code, stdout: hide(o.stdout), stderr: hide(o.stderr) };
  };
  const installedSpecs = () => path.join(packageDir, "spec");
  const repoSpecs = path.resolve(__dirname, "..", "..", "spec");

  test(`generate --spec ${spec} --out ${OUT}: one new file, the bytes the repository writes`, async () => {
    const before = kvmDir(user);
    const argv = ["generate", "--spec", spec, "--out", OUT];
    const a = runInstalled(cli, argv, user);
    const b = await runCli(argv, { cwd: repo });
    expect(a.code).toBe(0);
    expect(anonymous(a, user, installedSpecs())).toEqual(anonymous(b, repo, repoSpecs));
    expect(kvmDir(user)).toEqual([...before, out.kernelHeader].sort());
    const text = fs.readFileSync(path.join(user, GENERATED), "utf8");
    expect(text).toBe(fs.readFileSync(path.join(repo, GENERATED), "utf8"));
    expect(text).toContain(` from ${spec} (bundled).\n`);
  });

  test("the banner's Regenerate command, run from its anchor (the kernel tree's top), reproduces the file", () => {
    const file = path.join(user, GENERATED);
    const text = fs.readFileSync(file, "utf8");
    const command = /\n \* Regenerate with: (regcache [^\n]*)\n/.exec(text)?.[1];
    expect(command).toBe(`regcache generate --spec ${spec} --out arch/x86/kvm`);
    fs.unlinkSync(file);
    const r = runInstalled(cli, command!.split(" ").slice(1), user);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(file, "utf8")).toBe(text);
  });

  test(`adopt --spec ${spec} in the tree, as the repository adopts; adopt --revert gives every file back`, async () => {
    // adopt writes each file by renaming a new one over it, never through the copy's hard links.
    const before = treeDigest(user, ADOPT_INPUTS);
    const argv = ["adopt", "--spec", spec];
    const a = runInstalled(cli, argv, user);
    const b = await runCli(argv, { cwd: repo });
    expect(a.code).toBe(0);
    expect(anonymous(a, user, installedSpecs())).toEqual(anonymous(b, repo, repoSpecs));
    expect(a.stdout).toMatch(new RegExp(`^update +${HOST}$`, "m"));
    log(
      `${series}: (in a copy of the tree) $ regcache adopt --spec ${spec}: exit 0: ${a.stdout.trim().split("\n").join(" | ")}`,
    );
    for (const root of [user, repo]) {
      const r = runInstalled(cli, ["adopt", "--revert"], root);
      expect(r.code).toBe(0);
    }
    expect(digestDifferences(before, treeDigest(user, ADOPT_INPUTS))).toEqual([]);
    expect(fs.existsSync(path.join(user, ".regcache-adopt"))).toBe(false);
  });

  test("check: in step after adoption, drift after a hand edit, with the fix to run", async () => {
    for (const root of [user, repo])
      expect(runInstalled(cli, ["adopt", "--spec", spec], root).code).toBe(0);
    const argv = ["check", "--spec", spec, "--out", OUT];
    const inStep = runInstalled(cli, argv, user);
    expect(inStep.code).toBe(0);
    const inRepo = await runCli(argv, { cwd: repo });
    expect(anonymous(inStep, user, installedSpecs())).toEqual(anonymous(inRepo, repo, repoSpecs));

    fs.appendFileSync(path.join(user, GENERATED), "/* hand edit */\n");
    const drift = runInstalled(cli, argv, user);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toContain(`hand-edited`);
    expect(drift.stdout.trimEnd().split("\n").pop()).toBe(
      `regcache: to fix, run: regcache generate --spec ${spec} --out ${OUT}`,
    );
  });

  test("without --spec or a project file: exit 2 with what to pass, nothing written in the tree", () => {
    const before = kvmDir(user);
    for (const command of ["generate", "check", "size"]) {
      const r = runInstalled(cli, [command], path.join(user, OUT));
      expect({ command, code: r.code }).toEqual({ command, code: 2 });
      expect(r.stderr).toContain("--spec NAME: see regcache specs");
    }
    expect(kvmDir(user)).toEqual(before);
    expect(
      fs.readdirSync(user).filter((e) => e.startsWith("regcache") || e === "generated"),
    ).toEqual([]);
  });

  test("with a project file at the tree's top: plain generate and check from arch/x86/kvm, the banner's command from the top", async () => {
    const file = path.join(user, GENERATED);
    for (const root of [user, repo]) {
      fs.rmSync(path.join(root, GENERATED), { force: true }); // user's was edited by hand above
      fs.writeFileSync(path.join(root, "regcache.config.yaml"), `spec: ${spec}\nout: ${OUT}\n`);
    }
    const kvm = (root: string) => path.join(root, OUT);
    const gen = runInstalled(cli, ["generate"], kvm(user));
    const inRepo = await runCli(["generate"], { cwd: kvm(repo) });
    expect(gen.code).toBe(0);
    expect(anonymous(gen, user, installedSpecs())).toEqual(anonymous(inRepo, repo, repoSpecs));
    const text = fs.readFileSync(file, "utf8");
    expect(text).toBe(fs.readFileSync(path.join(repo, GENERATED), "utf8"));
    // Anchored at the project file: the command runs from the tree's top.
    const command = /\n \* Regenerate with: (regcache [^\n]*)\n/.exec(text)?.[1];
    expect(command).toBe(`regcache generate --spec ${spec} --out ${OUT}`);
    fs.unlinkSync(file);
    expect(runInstalled(cli, command!.split(" ").slice(1), user).code).toBe(0);
    expect(fs.readFileSync(file, "utf8")).toBe(text);
    const a = runInstalled(cli, ["check"], kvm(user));
    const b = await runCli(["check"], { cwd: kvm(repo) });
    expect(a.code).toBe(0);
    expect(anonymous(a, user, installedSpecs())).toEqual(anonymous(b, repo, repoSpecs));
  });

  test("the cached pristine tree is untouched", () => {
    expect(entryProblem(tree.root, tree.manifest)).toBeUndefined();
    expect(fs.existsSync(path.join(tree.srcDir, GENERATED))).toBe(false);
  });
});
