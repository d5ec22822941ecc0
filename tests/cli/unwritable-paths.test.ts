/*
 * One rule for a path the user named, in every command (README "Exit codes",
 * util/errno.ts): the wrong kind of path (a file where a directory is
 * wanted, a directory where a file is, a path through a file) is usage,
 * exit 2; a path of the right kind the system will not let regcache write
 * is the environment's, exit 3, worded as a write and never pointing at
 * --help. Nothing is written either way.
 *
 * The unwritable directory: for root (whom chmod does not stop) a read-only
 * tmpfs mounted in a private mount namespace (unshare -m) around the one
 * command; for anyone else a directory of mode 0555. When neither works
 * the environment cases are skipped with the reason printed.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot, tempDir } from "../helpers/capture";
import { snapshot } from "../drift/helpers";

const BIN = path.join(repoRoot, "bin", "regcache.js");
const SPEC = path.join(repoRoot, "spec", "x86-kvm.yaml");

interface Run {
  readonly code: number | null;
  readonly stderr: string;
}

/** A project directory: afile (a file), adir (an empty directory), db.json (a readable file). */
function project(): string {
  const d = tempDir("unwritable");
  fs.writeFileSync(path.join(d, "afile"), "a file\n");
  fs.mkdirSync(path.join(d, "adir"));
  fs.writeFileSync(path.join(d, "db.json"), "[]\n");
  fs.writeFileSync(path.join(d, "report.json"), "{}\n");
  fs.mkdirSync(path.join(d, "ro"));
  return d;
}

/** How a command is run with `ro/` unwritable, or why it cannot be. */
type ReadOnly = { readonly argv: (args: string[]) => string[] } | { readonly skip: string };

function readOnlyRunner(dir: string): ReadOnly {
  const ro = path.join(dir, "ro");
  if (process.getuid?.() !== 0) {
    fs.chmodSync(ro, 0o555);
    return { argv: (args) => [process.execPath, BIN, ...args] };
  }
  const mount = (args: string[]) => [
    "unshare",
    "-m",
    "sh",
    "-c",
    'mount -t tmpfs -o ro tmpfs "$0" && exec "$@"',
    ro,
    process.execPath,
    BIN,
    ...args,
  ];
  const probe = spawnSync("unshare", ["-m", "sh", "-c", 'mount -t tmpfs -o ro tmpfs "$0"', ro]);
  return probe.status === 0
    ? { argv: mount }
    : { skip: `running as root without a private read-only mount (unshare -m): ${probe.stderr}` };
}

function run(dir: string, argv: readonly string[]): Run {
  const r = spawnSync(argv[0]!, argv.slice(1), {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: r.status, stderr: r.stderr };
}

const spec = ["--spec", SPEC];

describe("a path of the wrong kind is usage: exit 2, nothing written", () => {
  test.each([
    [
      "generate --out a file",
      ["generate", ...spec, "--out", "afile"],
      /--out afile: it is a file, not a directory$/m,
    ],
    [
      "generate --out under a file",
      ["generate", ...spec, "--out", "afile/gen"],
      /--out afile\/gen: cannot write it: a component of the path is not a directory \(ENOTDIR\)$/m,
    ],
    [
      "watch --out a file",
      ["watch", ...spec, "--out", "afile"],
      /--out afile: it is a file, not a directory$/m,
    ],
    [
      "check --out a file",
      ["check", ...spec, "--out", "afile"],
      /--out afile: it is a file, not a directory$/m,
    ],
    [
      "check --out under a file",
      ["check", ...spec, "--out", "afile/gen"],
      /--out afile\/gen: cannot read it: a component of the path is not a directory \(ENOTDIR\)$/m,
    ],
    [
      "size --out a directory",
      ["size", ...spec, "--out", "adir"],
      /--out adir: it is a directory, not a file$/m,
    ],
    [
      "size --out under a file",
      ["size", ...spec, "--out", "afile/r.md"],
      /--out afile\/r\.md: cannot write it: a component of the path is not a directory \(ENOTDIR\)$/m,
    ],
    [
      "size merge --out a directory",
      ["size", "merge", "report.json", "--out", "adir"],
      /--out adir: it is a directory, not a file$/m,
    ],
    [
      "import --out a directory",
      ["import", "--compile-commands", "db.json", "--out", "adir"],
      /--out adir: it is a directory, not a file$/m,
    ],
    [
      "import --out under a file",
      ["import", "--compile-commands", "db.json", "--out", "afile/x.yaml"],
      /--out afile\/x\.yaml: cannot write it: a component of the path is not a directory \(ENOTDIR\)$/m,
    ],
  ])("%s", (_name, args, says) => {
    const d = project();
    const before = snapshot(d);
    const r = run(d, [process.execPath, BIN, ...args]);
    expect(r.stderr).toMatch(says);
    expect(r.code).toBe(2);
    expect(snapshot(d)).toEqual(before);
  });

  test("check refuses to read through a symbolic link in the output, worded as a read", () => {
    const d = project();
    fs.mkdirSync(path.join(d, "gen"));
    fs.symlinkSync(path.join(d, "adir"), path.join(d, "gen", "c"));
    const r = run(d, [process.execPath, BIN, "check", ...spec, "--out", "gen"]);
    expect(r.stderr).toMatch(/^regcache: error: refusing to read through the symbolic link/m);
    expect(r.stderr).not.toMatch(/write/);
    expect(r.code).toBe(2);
  });
});

describe("a path the system will not let us write is the environment's: exit 3, no --help", () => {
  test.each([
    [
      "generate --out the read-only directory",
      ["generate", ...spec, "--out", "ro"],
      "--out ro: cannot write it: ",
    ],
    [
      "generate --out a new directory in it",
      ["generate", ...spec, "--out", "ro/gen"],
      "--out ro/gen: cannot create it: ",
    ],
    [
      "watch --out the read-only directory",
      ["watch", ...spec, "--out", "ro"],
      "--out ro: cannot write it: ",
    ],
    [
      "size --out a file in it",
      ["size", ...spec, "--out", "ro/r.md"],
      "--out ro/r.md: cannot create it: ",
    ],
    [
      "size merge --out a file in it",
      ["size", "merge", "report.json", "--out", "ro/r.md"],
      "--out ro/r.md: cannot create it: ",
    ],
    [
      "import --out a file in it",
      ["import", "--compile-commands", "db.json", "--out", "ro/x.yaml"],
      "--out ro/x.yaml: cannot create it: ",
    ],
  ])("%s", (_name, args, says) => {
    const d = project();
    const runner = readOnlyRunner(d);
    if ("skip" in runner) {
      console.log(`skipped: ${runner.skip}`);
      return;
    }
    const r = run(d, runner.argv(args));
    fs.chmodSync(path.join(d, "ro"), 0o755);
    expect(r.stderr).toContain(`regcache: error: ${says}`);
    expect(r.stderr).toMatch(/\((EROFS|EACCES)\)\n/);
    expect(r.stderr).not.toContain("--help");
    expect(r.code).toBe(3);
    expect(fs.readdirSync(path.join(d, "ro"))).toEqual([]);
  });
});
