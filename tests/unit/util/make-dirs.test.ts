/*
 * util/make-dirs.ts: `mkdir -p` that always ends — each missing directory made
 * once, from the top, the first mkdir(2) error thrown as it is, including
 * where mkdir answers ENOENT under a parent that exists (procfs), which
 * Node's recursive mkdir retries for ever.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { makeDirs, type MakeDirsFs } from "../../../generator/util/make-dirs";
import { tempDir } from "../../helpers/temp";

test("makes every missing level, and again is nothing", () => {
  const dir = path.join(tempDir("mkd"), "a", "b", "c");
  makeDirs(dir);
  expect(fs.statSync(dir).isDirectory()).toBe(true);
  expect(() => makeDirs(dir)).not.toThrow();
});

test("a file in the way is ENOTDIR, naming it, and nothing is made below it", () => {
  const root = tempDir("mkd");
  fs.writeFileSync(path.join(root, "f"), "x");
  const err = (() => {
    try {
      makeDirs(path.join(root, "f", "x", "y"));
    } catch (e) {
      return e as NodeJS.ErrnoException;
    }
    throw new Error("makeDirs returned");
  })();
  expect(err.code).toBe("ENOTDIR");
  expect(err.path?.startsWith(path.join(root, "f"))).toBe(true);
  expect(fs.readFileSync(path.join(root, "f"), "utf8")).toBe("x");
});

test("mkdir(2) answering ENOENT under an existing parent is thrown once, not retried", () => {
  const root = tempDir("mkd");
  let calls = 0;
  const procLike: MakeDirsFs = {
    statSync: fs.statSync,
    mkdirSync: ((p: fs.PathLike) => {
      calls++;
      throw Object.assign(new Error(`ENOENT: no such file or directory, mkdir '${String(p)}'`), {
        code: "ENOENT",
      });
    }) as MakeDirsFs["mkdirSync"],
  };
  expect(() => makeDirs(path.join(root, "x", "y"), procLike)).toThrow(/ENOENT/);
  expect(calls).toBe(1);
});

test("a directory made meanwhile by someone else (EEXIST) is fine", () => {
  const root = tempDir("mkd");
  const racing: MakeDirsFs = {
    statSync: fs.statSync,
    mkdirSync: ((p: fs.PathLike) => {
      fs.mkdirSync(p);
      fs.mkdirSync(p); // EEXIST, as if another run had made it first
    }) as MakeDirsFs["mkdirSync"],
  };
  expect(() => makeDirs(path.join(root, "x"), racing)).not.toThrow();
  expect(fs.statSync(path.join(root, "x")).isDirectory()).toBe(true);
});

test("the real /proc: ENOENT at once (skipped, saying so, without /proc)", () => {
  if (!fs.existsSync("/proc/self/stat")) {
    process.stdout.write("skipped: no /proc on this machine\n");
    return;
  }
  expect(() => makeDirs("/proc/regcache-none/x")).toThrow(/ENOENT/);
});
