/*
 * A failed system call in words (generator/util/errno.ts): the words first
 * and the code for searching; a code without words as it is; an error
 * without a code by its message. And whose fault it is: the wrong kind of
 * path is usage, a path the system refuses is the environment's.
 */
import * as fs from "node:fs";
import { errnoText, faultOf, pathFault, wrongKind } from "../../../generator/util/errno";

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
  ["ENOSPC", "no space left on device (ENOSPC)"],
  ["EROFS", "read-only file system (EROFS)"],
  ["EXDEV", "EXDEV"],
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

test.each([
  ["ENOENT", "usage"],
  ["ENOTDIR", "usage"],
  ["EISDIR", "usage"],
  ["ELOOP", "usage"],
  ["ENAMETOOLONG", "usage"],
  ["EACCES", "environment"],
  ["EPERM", "environment"],
  ["EROFS", "environment"],
  ["ENOSPC", "environment"],
  ["EDQUOT", "environment"],
  ["EIO", "environment"],
  ["EXDEV", "environment"],
])("%s is the fault of: %s", (code, kind) => expect(faultOf(withCode(code))).toBe(kind));

test("an error without a code is the environment's", () =>
  expect(faultOf(new Error("boom"))).toBe("environment"));

test.each([
  ["read", "EACCES", "cannot read spec.yaml: permission denied (EACCES)", "make it readable"],
  ["write", "EROFS", "cannot write spec.yaml: read-only file system (EROFS)", "make it writable"],
  [
    "create",
    "ENOSPC",
    "cannot create spec.yaml: no space left on device (ENOSPC)",
    "make its parent",
  ],
  [
    "write",
    "ENOTDIR",
    "cannot write spec.yaml: a component of the path is not a directory (ENOTDIR)",
    "name a path",
  ],
] as const)("%s failing with %s", (op, code, message, help) => {
  const fault = pathFault(withCode(code), op, "spec.yaml");
  expect(fault.message).toBe(message);
  expect(fault.reason).toBe(message.replace("spec.yaml", "it"));
  expect(fault.help.startsWith(help)).toBe(true);
  expect(fault.help).not.toContain("--help");
});

test.each([
  ["file", "out: it is a directory, not a file"],
  ["directory", "out: it is a file, not a directory"],
] as const)("the wrong kind where a %s is wanted is usage", (want, message) => {
  expect(wrongKind("out", want)).toMatchObject({ kind: "usage", message });
});
