/*
 * `regcache size merge` takes --format, --out and --budget only: its help
 * lists no option of a measuring run, and each such option given is refused
 * by name (exit 2) before any report is read.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { repoRoot, runCli } from "../helpers/capture";

const MEASURING: [string, ...string[]][] = [
  ["--spec", "spec/x86-kvm.yaml"],
  ["--base", "all-cached"],
  ["--objects", "a.o", "b.o"],
  ["--compiler", "gcc"],
  ["--config", "gcc-O2"],
  ["--dispatch", "pointer"],
  ["--config-file", "c.yaml"],
  ["--keep", "kept"],
  ["--jobs", "2"],
  ["--explain"],
  ["--compile-commands", "compile_commands.json"],
  ["--header", "h.h"],
  ["--units", "*.c"],
  ["--launcher", "ccache"],
];

test("the help lists merge's own options and no measuring one", () => {
  // yargs prints help itself: run the CLI as a user does.
  const r = spawnSync(
    process.execPath,
    [path.join(repoRoot, "bin", "regcache.js"), "size", "merge", "--help"],
    {
      encoding: "utf8",
    },
  );
  expect(r.status).toBe(0);
  const options = [...r.stdout.matchAll(/^\s+(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]).sort();
  expect(options).toEqual(["--budget", "--debug", "--format", "--help", "--out", "--version"]);
});

test.each(MEASURING)("%s is refused by name", async (option, ...values) => {
  const r = await runCli(["size", "merge", "a.json", "b.json", option, ...values]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`regcache: error: ${option} does not apply to size merge`);
});
