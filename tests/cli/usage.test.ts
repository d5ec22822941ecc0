/*
 * Usage errors stop everything before any work: every
 * command × every kind of bad argument exits 2 with one `regcache: error:`
 * line (a "did you mean" where a name was misspelt), prints no stack trace,
 * leaves the project byte for byte and mtime for mtime as it was, and runs
 * no compiler: gcc, clang-19 and clang on PATH are shims that record every
 * call other than a version probe.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot, runCli, tempDir } from "../helpers/capture";
import { snapshot } from "../drift/helpers";

type Setup = "project" | "no-project-file" | "bad-project-file";
interface Case {
  readonly argv: readonly string[];
  readonly setup?: Setup;
  /** What the error line must say. */
  readonly says: RegExp;
}

const TARGET_COMMANDS = ["generate", "check", "watch"] as const;
const ALL = [...TARGET_COMMANDS, "size"] as const;

/** The kinds of bad argument every command must refuse, with what it must say. */
function casesFor(command: (typeof ALL)[number]): [string, Case][] {
  const c = (argv: string[], says: RegExp, setup?: Setup): Case => ({
    argv: [command, ...argv],
    says,
    ...(setup ? { setup } : {}),
  });
  const rows: [string, Case][] = [
    ["an unknown option", c(["--bogus"], /unknown option '--bogus'$/)],
    ["an unknown short option", c(["-q"], /unknown option '-q'$/)],
    ["--spec without its value", c(["--spec"], /--spec needs a value$/)],
    ["--spec followed by another option", c(["--spec", "--debug"], /--spec needs a value$/)],
    ["--spec= (empty)", c(["--spec="], /--spec needs a value, not an empty string$/)],
    [
      "--spec given twice",
      c(
        ["--spec", "spec/x86-kvm.yaml", "--spec", "spec/x86-kvm-v5.2.yaml"],
        /--spec is given more than once$/,
      ),
    ],
    ["--out without its value", c(["--out"], /--out needs a value$/)],
    ["a stray word", c(["extra"], /unexpected argument 'extra'$/)],
    [
      "no project file and no --spec",
      c(
        [],
        /no --spec given, and no regcache\.config\.yaml in .* or any directory above it$/,
        "no-project-file",
      ),
    ],
    [
      "an invalid project file",
      c([], /the project file regcache\.config\.yaml is invalid$/, "bad-project-file"),
    ],
  ];
  if (command === "size") {
    rows.push(
      [
        "a misspelt option",
        c(["--budgte", "b.yaml"], /unknown option '--budgte' \(did you mean '--budget'\?\)$/),
      ],
      [
        "--format not a choice",
        c(["--format", "pdf"], /--format pdf is not one of text, markdown, json, html, changelog$/),
      ],
      ["--jobs 0", c(["--jobs", "0"], /--jobs must be a whole number of at least 1, not '0'$/)],
      ["--jobs -1", c(["--jobs", "-1"], /--jobs must be a whole number of at least 1, not '-1'$/)],
      [
        "--jobs abc",
        c(["--jobs", "abc"], /--jobs must be a whole number of at least 1, not 'abc'$/),
      ],
      [
        "--jobs 1.5",
        c(["--jobs", "1.5"], /--jobs must be a whole number of at least 1, not '1.5'$/),
      ],
      ["--jobs without its value", c(["--jobs"], /--jobs needs a value$/)],
      ["--config without its value", c(["--config"], /--config needs a value$/)],
      ["--compiler without its value", c(["--compiler"], /--compiler needs a value$/)],
      ["--config-file without its value", c(["--config-file"], /--config-file needs a value$/)],
      ["--out is a directory", c(["--out", "adir"], /--out adir: it is a directory, not a file$/)],
      [
        "--out under a file",
        c(["--out", "afile/report.txt"], /--out afile\/report\.txt: .*not a directory/),
      ],
      ["--keep is a file", c(["--keep", "afile"], /--keep afile: it is a file, not a directory$/)],
      [
        "--compile-commands a missing file",
        c(
          ["--compile-commands", "nowhere/compile_commands.json"],
          /--compile-commands nowhere\/compile_commands\.json: cannot read it: no such file or directory \(ENOENT\)$/,
        ),
      ],
      [
        "--compile-commands a directory",
        c(
          ["--compile-commands", "adir"],
          /--compile-commands adir: it is a directory, not a file$/,
        ),
      ],
      ["--launcher without its value", c(["--launcher"], /--launcher needs a value$/)],
      ["--units without its value", c(["--units"], /--units needs a value$/)],
      [
        "--keep a non-empty directory no --keep run wrote",
        c(["--keep", "spec"], /--keep spec is not empty and was not written by regcache size/),
      ],
      [
        "--objects with one path",
        c(["--objects", "afile"], /--objects takes two paths, OLD and NEW; got 1$/),
      ],
      [
        "--objects with a compile option",
        c(
          ["--objects", "afile", "afile", "--compiler", "gcc"],
          /--compiler does not apply to --objects \(the objects are measured as built\)$/,
        ),
      ],
      [
        "--objects with --out a directory",
        c(
          ["--objects", "afile", "afile", "--out", "adir"],
          /--out adir: it is a directory, not a file$/,
        ),
      ],
      [
        "merge with a measuring option",
        c(
          ["merge", "a.json", "b.json", "--config", "gcc-O2"],
          /--config does not apply to size merge \(the reports were measured by the jobs\)$/,
        ),
      ],
      [
        "merge with --out a directory",
        c(
          ["merge", "a.json", "b.json", "--out", "adir"],
          /--out adir: it is a directory, not a file$/,
        ),
      ],
    );
  } else {
    rows.push(
      [
        "a misspelt option",
        c(["--all-cahced"], /unknown option '--all-cahced' \(did you mean '--all-cached'\?\)$/),
      ],
      [
        "--c-style not a choice",
        c(["--c-style", "foo"], /--c-style foo is not one of macro, expanded$/),
      ],
      ["--c-style without its value", c(["--c-style"], /--c-style needs a value$/)],
      ["--out= (empty)", c(["--out="], /--out needs a value, not an empty string$/)],
      [
        "a boolean given a value",
        c(["--all-cached=foo"], /--all-cached takes no value \(given 'foo'\)$/),
      ],
    );
  }
  if (command === "check") {
    rows.push([
      "--format not a choice",
      c(["--format", "xml"], /--format xml is not one of text, json$/),
    ]);
    rows.push(["--format without its value", c(["--format"], /--format needs a value$/)]);
  }
  if (command !== "size") {
    // check and generate --dry-run only read --out, but a file there is still a usage error.
    rows.push([
      "--out is a file",
      c(["--out", "afile"], /--out afile: it is a file, not a directory$/),
    ]);
  }
  if (command === "generate") {
    rows.push([
      "--out is a file (--dry-run)",
      c(["--dry-run", "--out", "afile"], /--out afile: it is a file, not a directory$/),
    ]);
  }
  if (command === "generate" || command === "watch") {
    rows.push([
      "--out under a file",
      c(["--out", "afile/gen"], /--out afile\/gen: .*not a directory/),
    ]);
  }
  return rows;
}

/** import takes no spec: its own inputs are the compile database and the spec it writes. */
const IMPORT_CASES: [string, Case][] = (() => {
  const c = (argv: string[], says: RegExp): Case => ({ argv: ["import", ...argv], says });
  const db = ["--compile-commands", "afile"];
  return [
    ["an unknown option", c([...db, "--bogus"], /unknown option '--bogus'$/)],
    ["no --compile-commands", c([], /Missing required argument: compile-commands$/)],
    [
      "--compile-commands without its value",
      c(["--compile-commands"], /--compile-commands needs a value$/),
    ],
    [
      "--compile-commands= (empty)",
      c(["--compile-commands="], /--compile-commands needs a value, not an empty string$/),
    ],
    [
      "--compile-commands given twice",
      c([...db, ...db], /--compile-commands is given more than once$/),
    ],
    [
      "--compile-commands a directory",
      c(["--compile-commands", "adir"], /--compile-commands adir: it is a directory, not a file$/),
    ],
    [
      "--compile-commands missing",
      c(["--compile-commands", "none.json"], /--compile-commands none\.json: cannot read it: /),
    ],
    ["--out without its value", c([...db, "--out"], /--out needs a value$/)],
    [
      "--out a directory",
      c([...db, "--out", "adir"], /--out adir: it is a directory, not a file$/),
    ],
    [
      "--out below a file",
      c([...db, "--out", "afile/spec.yaml"], /--out afile\/spec\.yaml: .*not a directory/),
    ],
    ["a stray word", c([...db, "extra"], /unexpected argument 'extra'$/)],
  ];
})();

/** adopt's inputs are a kernel tree (none here) and a spec. */
const ADOPT_CASES: [string, Case][] = (() => {
  const c = (argv: string[], says: RegExp): Case => ({ argv: ["adopt", ...argv], says });
  return [
    ["an unknown option", c(["--bogus"], /unknown option '--bogus'$/)],
    ["--spec without its value", c(["--spec"], /--spec needs a value$/)],
    ["--tree without its value", c(["--tree"], /--tree needs a value$/)],
    [
      "--tree given twice",
      c(["--tree", "adir", "--tree", "adir"], /--tree is given more than once$/),
    ],
    ["--revert=yes", c(["--revert=yes"], /--revert takes no value \(given 'yes'\)$/)],
    ["a stray word", c(["--spec", "linux-6.12", "extra"], /unexpected argument 'extra'$/)],
    [
      "no kernel tree here",
      c(
        ["--spec", "linux-6.12"],
        /no kernel tree at or above \S+ \(a directory holding arch\/x86\/kvm\/ and a Makefile\)$/,
      ),
    ],
    ["--tree not a kernel tree", c(["--tree", "adir"], /--tree adir: not a kernel tree's top/)],
    ["--tree a file", c(["--tree", "afile"], /--tree afile: not a kernel tree's top/)],
  ];
})();

const MISSPELT_COMMANDS: [string, Case][] = [
  ["improt", { argv: ["improt"], says: /unknown command 'improt' \(did you mean 'import'\?\)$/ }],
  [
    "generat",
    { argv: ["generat"], says: /unknown command 'generat' \(did you mean 'generate'\?\)$/ },
  ],
  [
    "chekc",
    { argv: ["chekc", "--out", "x"], says: /unknown command 'chekc' \(did you mean 'check'\?\)$/ },
  ],
  ["wathc", { argv: ["wathc"], says: /unknown command 'wathc' \(did you mean 'watch'\?\)$/ }],
  [
    "siez",
    { argv: ["siez", "--jobs", "2"], says: /unknown command 'siez' \(did you mean 'size'\?\)$/ },
  ],
  ["nonsense", { argv: ["frobnicate"], says: /unknown command 'frobnicate'$/ }],
  ["an option and no command", { argv: ["--bogus"], says: /unknown option '--bogus'$/ }],
  [
    "a misspelt global option",
    { argv: ["--verison"], says: /unknown option '--verison' \(did you mean '--version'\?\)$/ },
  ],
];

const TABLE: [string, Case][] = [
  ...ALL.flatMap((command) =>
    casesFor(command).map(([kind, c]): [string, Case] => [`${command}: ${kind}`, c]),
  ),
  ...IMPORT_CASES.map(([kind, c]): [string, Case] => [`import: ${kind}`, c]),
  ...ADOPT_CASES.map(([kind, c]): [string, Case] => [`adopt: ${kind}`, c]),
  ...MISSPELT_COMMANDS.map(([name, c]): [string, Case] => [`mistyped command ${name}`, c]),
];

let shims: string;
let calls: string;
const savedPath = process.env["PATH"];

beforeAll(() => {
  shims = tempDir("usage-shims");
  calls = path.join(shims, "calls.log");
  fs.writeFileSync(calls, "");
  for (const cc of ["gcc", "clang-19", "clang", "cc"]) {
    const shim = path.join(shims, cc);
    fs.writeFileSync(
      shim,
      `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "${cc} (shim) 1.0"; exit 0; fi\necho "${cc} $*" >> '${calls}'\nexit 1\n`,
    );
    fs.chmodSync(shim, 0o755);
  }
  process.env["PATH"] = `${shims}${path.delimiter}${savedPath ?? ""}`;
});
afterAll(() => {
  process.env["PATH"] = savedPath;
  fs.rmSync(shims, { recursive: true, force: true });
});

/** A project in step: spec/, the project file, generated/, and a file and a directory to misuse. */
function project(setup: Setup): string {
  const dir = tempDir("usage");
  fs.cpSync(path.join(repoRoot, "spec"), path.join(dir, "spec"), { recursive: true });
  fs.cpSync(path.join(repoRoot, "generated"), path.join(dir, "generated"), { recursive: true });
  fs.writeFileSync(path.join(dir, "afile"), "not a directory\n");
  fs.mkdirSync(path.join(dir, "adir"));
  if (setup === "project")
    fs.copyFileSync(
      path.join(repoRoot, "regcache.config.yaml"),
      path.join(dir, "regcache.config.yaml"),
    );
  if (setup === "bad-project-file")
    fs.writeFileSync(
      path.join(dir, "regcache.config.yaml"),
      "spec: spec/x86-kvm.yaml\nouts: generated\n",
    );
  return dir;
}

const WATCH_GRACE_MS = 10_000;

describe("every command × every kind of bad argument: exit 2, one line, nothing touched", () => {
  test.each(TABLE)("%s", async (_name, c) => {
    const dir = project(c.setup ?? "project");
    try {
      const before = snapshot(dir);
      // A watch that started would never return: give up after a grace period.
      let timer: NodeJS.Timeout | undefined;
      const r = await Promise.race([
        runCli(c.argv, { cwd: dir }),
        new Promise<undefined>(
          (resolve) => (timer = setTimeout(() => resolve(undefined), WATCH_GRACE_MS)),
        ),
      ]);
      clearTimeout(timer);
      expect(r).toBeDefined();
      expect(r!.code).toBe(2);
      expect(r!.stdout).toBe("");
      const errors = r!.stderr.split("\n").filter((l) => l.startsWith("regcache: error: "));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(c.says);
      expect(r!.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
      expect(snapshot(dir)).toEqual(before);
      expect(fs.readFileSync(calls, "utf8")).toBe("");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test("the table covers every command with every shared kind", () => {
  // A command added to the CLI without rows here would go unchecked.
  expect(TABLE.length).toBeGreaterThanOrEqual(
    ALL.length * 10 + IMPORT_CASES.length + ADOPT_CASES.length + MISSPELT_COMMANDS.length,
  );
  console.log(`bad-argument table: ${TABLE.length} cases`);
});
