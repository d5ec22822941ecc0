/*
 * Temporary directories for tests, removed when the test file ends. Every
 * helper's tempDir() comes here, so a test cannot forget its cleanup: the
 * afterAll below is registered at the top level of each test file that
 * (indirectly) imports this module. The suite's test environment
 * (private-tmp-environment.js) gives each test file a private TMPDIR and fails
 * the file if anything is left in it, subprocesses' files included.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const made: string[] = [];

/** A new directory `regcache-<prefix>-XXXXXX` in TMPDIR, removed after the test file. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `regcache-${prefix}-`));
  made.push(dir);
  return dir;
}

/**
 * A directory the whole test file shares: its path now (module level), the
 * directory itself made by a beforeAll registered here (mode `mode` if given)
 * and removed with the others after the file. jest runs no hook of a file whose
 * tests are all filtered out (`jest -t`, or StrykerJS running only the tests
 * that cover a mutant), so a test file must create nothing at module level: a
 * directory made there would be left behind. Call it before the file's own
 * beforeAll hooks, which may then fill the directory.
 */
export function fileTempDir(prefix: string, mode?: number): string {
  const dir = path.join(
    os.tmpdir(),
    `regcache-${prefix}-${process.pid}-${randomBytes(4).toString("hex")}`,
  );
  beforeAll(() => {
    fs.mkdirSync(dir);
    made.push(dir);
    if (mode !== undefined) fs.chmodSync(dir, mode);
  });
  return dir;
}

afterAll(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
