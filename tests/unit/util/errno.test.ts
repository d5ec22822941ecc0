/*
 * A failed system call in words (generator/util/errno.ts): the words first
 * and the code for searching; a code without words as it is; an error
 * without a code by its message.
 */
import * as fs from "node:fs";
import { errnoText } from "../../../generator/util/errno";

const withCode = (code: string) => Object.assign(new Error(`${code}: x`), { code });

test.each([
  ["ENOENT", "no such file or directory (ENOENT)"],
  ["EACCES", "permission denied (EACCES)"],
  ["EPERM", "operation not permitted (EPERM)"],
  ["EISDIR", "it is a directory (EISDIR)"],
  ["ENOTDIR", "a component of the path is not a directory (ENOTDIR)"],
  ["ELOOP", "too many symbolic links (ELOOP)"],
  ["ENAMETOOLONG", "the path is too long (ENAMETOOLONG)"],
  ["EMFILE", "too many open files (EMFILE)"],
  ["EIO", "input/output error (EIO)"],
  ["ENOSPC", "ENOSPC"],
])("%s", (code, want) => expect(errnoText(withCode(code))).toBe(want));

test("a real error from the file system", () => {
  let err: unknown;
  try {
    fs.readFileSync("/nonexistent/regcache");
  } catch (e) {
    err = e;
  }
  expect(errnoText(err)).toBe("no such file or directory (ENOENT)");
});

test.each([
  ["an error without a code", new Error("boom"), "boom"],
  ["a string", "plain", "plain"],
  ["undefined", undefined, "undefined"],
  ["an object with an empty code", { code: "", message: "m" }, "m"],
])("%s: its message", (_name, err, want) => expect(errnoText(err)).toBe(want));
