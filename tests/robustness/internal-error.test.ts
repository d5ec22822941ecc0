/*
 * A bug in regcache (an exception, never a spec mistake) prints one line and
 * exits 70; the stack trace appears only with --debug.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as parse from "../../generator/core/spec/parse";
import { runMain, tempDir } from "./run";

afterEach(() => jest.restoreAllMocks());

function explode(): void {
  jest.spyOn(parse, "parseSpec").mockImplementation(() => {
    throw new Error("simulated bug\nwith a second line");
  });
}

function project(): string {
  const dir = tempDir("internal");
  fs.writeFileSync(path.join(dir, "s.yaml"), "regcache: 1\n");
  return dir;
}

it("prints one line and a hint, no stack, exit 70", async () => {
  explode();
  const r = await runMain(["generate", "--spec", "s.yaml", "--out", "out"], project());
  expect(r.code).toBe(70);
  expect(r.stderr).toBe(
    "regcache: internal error: simulated bug\n" +
      "  = help: this is a bug in regcache; run again with --debug for the stack trace\n",
  );
});

it("prints the stack trace with --debug", async () => {
  explode();
  const r = await runMain(["--debug", "generate", "--spec", "s.yaml", "--out", "out"], project());
  expect(r.code).toBe(70);
  expect(r.stderr).toMatch(/^regcache: internal error: simulated bug\nError: simulated bug\n/);
  expect(r.stderr).toMatch(/\n\s+at .+\n/);
});
