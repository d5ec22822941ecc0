/*
 * Temporary directories for tests, removed when the test file ends. Every
 * helper's tempDir() comes here, so a test cannot forget its cleanup: the
 * afterAll below is registered at the top level of each test file that
 * (indirectly) imports this module. The suite's test environment
 * (private-tmp-environment.js) gives each test file a private TMPDIR and fails
 * the file if anything is left in it, subprocesses' files included.
 */
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

afterAll(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
