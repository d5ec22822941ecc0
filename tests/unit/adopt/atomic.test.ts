/*
 * writeFileAtomic: the whole file or the old one, the mode given, no
 * temporary file left behind, even when the rename fails.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../../../generator/adopt/atomic";
import { tempDir } from "../../helpers/capture";

describe("writeFileAtomic", () => {
  test("replaces a file with the mode given, creating directories", () => {
    const dir = tempDir("adopt-atomic");
    const file = path.join(dir, "a/b/x.h");
    writeFileAtomic(file, "one");
    writeFileAtomic(file, "two", 0o600);
    expect(fs.readFileSync(file, "utf8")).toBe("two");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(file))).toEqual(["x.h"]);
  });

  test("a failed rename leaves the target as it was and no temporary file", () => {
    const dir = tempDir("adopt-atomic");
    const target = path.join(dir, "x.h");
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, "inside"), "kept");
    expect(() => writeFileAtomic(target, "new")).toThrow();
    expect(fs.readdirSync(dir)).toEqual(["x.h"]);
    expect(fs.readFileSync(path.join(target, "inside"), "utf8")).toBe("kept");
  });
});
