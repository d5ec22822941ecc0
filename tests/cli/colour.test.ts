/*
 * Diagnostics go to stderr, so their colour follows whether stderr is a
 * terminal: `regcache generate 2> err.log` from a terminal gets plain text,
 * and FORCE_COLOR / NO_COLOR decide when set. Run in process with the
 * terminal flags given, for a spec error and an invalid project file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runCli, tempDir } from "../helpers/capture";
import { PROJECT_FILE } from "../../generator/cli/project";

const ESC = "\x1b[";

function badSpec(): string {
  const d = tempDir("colour");
  fs.writeFileSync(path.join(d, "bad.yaml"), "version: 1\nregisters: [\n");
  return d;
}

const generate = ["generate", "--spec", "bad.yaml", "--out", "gen"];

test.each([
  ["stdout a terminal, stderr a file", generate, { isTTY: true, isErrTTY: false }, {}, false],
  ["stderr a terminal", generate, { isTTY: false, isErrTTY: true }, {}, true],
  [
    "stderr a terminal, NO_COLOR=1",
    generate,
    { isTTY: false, isErrTTY: true },
    { NO_COLOR: "1" },
    false,
  ],
  [
    "stderr a file, FORCE_COLOR=1",
    generate,
    { isTTY: false, isErrTTY: false },
    { FORCE_COLOR: "1" },
    true,
  ],
] as const)("a spec error with %s", async (_name, argv, tty, env, coloured) => {
  const cwd = badSpec();
  const r = await runCli(argv, { cwd, env, ...tty });
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+: /);
  expect(r.stderr.includes(ESC)).toBe(coloured);
  expect(fs.existsSync(path.join(cwd, "gen"))).toBe(false);
});

test("an invalid project file's diagnostics, stdout a terminal and stderr a file, are plain", async () => {
  const cwd = badSpec();
  fs.writeFileSync(path.join(cwd, PROJECT_FILE), "spec: [\n");
  const r = await runCli(["generate"], { cwd, isTTY: true, isErrTTY: false });
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^regcache: error: the project file .* is invalid$/m);
  expect(r.stderr).not.toContain(ESC);
});
