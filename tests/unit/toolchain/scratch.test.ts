/*
 * Scratch directories (generator/toolchain/scratch.ts): a new, empty,
 * private directory below os.tmpdir() per call, removed with everything in
 * it by its owner's remove(), which may be called again. Removal at the
 * process's end and on a signal is tested on the built module by
 * tests/robustness/signals.test.ts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { makeScratchDir } from "../../../generator/toolchain/scratch";

test("a new empty directory below TMPDIR, named by the prefix", () => {
  const a = makeScratchDir("regcache-scratch-");
  const b = makeScratchDir("regcache-scratch-");
  try {
    for (const dir of [a.path, b.path]) {
      expect(path.dirname(dir)).toBe(os.tmpdir());
      expect(path.basename(dir)).toMatch(/^regcache-scratch-.{6}$/);
      expect(fs.readdirSync(dir)).toEqual([]);
    }
    expect(a.path).not.toBe(b.path);
  } finally {
    a.remove();
    b.remove();
  }
});

test("remove() takes the directory and its contents; a second call does nothing", () => {
  const scratch = makeScratchDir("regcache-scratch-");
  fs.mkdirSync(path.join(scratch.path, "sub", "deeper"), { recursive: true });
  fs.writeFileSync(path.join(scratch.path, "sub", "deeper", "a.o"), "x");
  scratch.remove();
  expect(fs.existsSync(scratch.path)).toBe(false);
  expect(() => scratch.remove()).not.toThrow();
});

test("one directory's removal leaves the others", () => {
  const a = makeScratchDir("regcache-scratch-");
  const b = makeScratchDir("regcache-scratch-");
  a.remove();
  expect(fs.existsSync(b.path)).toBe(true);
  b.remove();
});
