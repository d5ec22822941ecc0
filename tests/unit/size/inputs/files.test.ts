/*
 * The files a size run is given (generator/size/inputs/files.ts): read as a
 * SourceFile shown as the user named it, or RC600 with why it cannot be
 * read, or RC620 where it is not UTF-8 (a byte order mark is dropped); a
 * budget file read and parsed in one step.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadBudget, readInput } from "../../../../generator/size/inputs/files";
import { tempDir } from "../../../helpers/temp";

describe("readInput", () => {
  test("the text, shown by the path as given, read relative to cwd", () => {
    const cwd = tempDir("size-files");
    fs.mkdirSync(path.join(cwd, "ci"));
    fs.writeFileSync(path.join(cwd, "ci", "configs.yaml"), "configs: []\n");
    expect(readInput(cwd, "ci/configs.yaml")).toEqual({
      ok: true,
      file: { displayPath: "ci/configs.yaml", text: "configs: []\n" },
    });
    expect(readInput(path.join(cwd, "ci"), path.join(cwd, "ci", "configs.yaml"))).toMatchObject({
      ok: true,
      file: { text: "configs: []\n" },
    });
  });

  test.each([
    ["missing", "missing.yaml", "ENOENT"],
    ["a directory", ".", "EISDIR"],
  ])("%s: RC600 naming the file and the error code", (_name, file, code) => {
    const cwd = tempDir("size-files-bad");
    const read = readInput(cwd, file);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.diagnostic).toMatchObject({
      code: "RC600",
      severity: "error",
      message: `cannot read ${file}: ${code}`,
      file: { displayPath: file, text: "" },
    });
  });

  test("a UTF-8 byte order mark is dropped, as a spec's is", () => {
    const cwd = tempDir("size-files-bom");
    fs.writeFileSync(path.join(cwd, "b.json"), "\ufeff{}\n");
    expect(readInput(cwd, "b.json")).toEqual({
      ok: true,
      file: { displayPath: "b.json", text: "{}\n" },
    });
  });

  test.each([
    [
      "a Latin-1 byte",
      Buffer.from("budgets: [] # caf\xe9\n", "latin1"),
      "0xe9 at byte offset 17",
      17,
    ],
    [
      "UTF-16",
      Buffer.from("\ufeffbudgets: []\n", "utf16le"),
      "0xff at byte offset 0; the file looks like UTF-16",
      0,
    ],
  ])("%s: RC620 at the byte, as a spec's RC002", (_name, bytes, why, at) => {
    const cwd = tempDir("size-files-utf8");
    fs.writeFileSync(path.join(cwd, "b.yaml"), bytes);
    const read = readInput(cwd, "b.yaml");
    expect(
      read.ok ? undefined : [read.diagnostic.code, read.diagnostic.message, read.diagnostic.span],
    ).toEqual(["RC620", `b.yaml is not valid UTF-8: byte ${why}`, { start: at, end: at + 1 }]);
  });
});

describe("loadBudget", () => {
  test("a budget's rules", () => {
    const cwd = tempDir("size-budget");
    fs.writeFileSync(path.join(cwd, "b.yaml"), "budgets:\n  - function: f\n    max: 10\n");
    const loaded = loadBudget(cwd, "b.yaml");
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.budget.file.displayPath).toBe("b.yaml");
    expect(loaded.budget.rules).toMatchObject([{ function: "f", max: 10, configs: [] }]);
  });

  test("every problem of the file at once, pointing into it", () => {
    const cwd = tempDir("size-budget-bad");
    fs.writeFileSync(
      path.join(cwd, "b.yaml"),
      "budgets:\n  - function: f\n  - total: true\n    max: -1\n",
    );
    const loaded = loadBudget(cwd, "b.yaml");
    expect(loaded.ok ? [] : loaded.diagnostics.map((d) => [d.code, d.file.displayPath])).toEqual([
      ["RC607", "b.yaml"],
      ["RC618", "b.yaml"],
    ]);
  });

  test("a budget read as strictly as a spec: not UTF-8, a !!binary tag", () => {
    const cwd = tempDir("size-budget-strict");
    fs.writeFileSync(
      path.join(cwd, "a.yaml"),
      Buffer.from("budgets:\n  - function: f\xff\n    max: 1\n", "latin1"),
    );
    fs.writeFileSync(
      path.join(cwd, "b.yaml"),
      "budgets:\n  - function: !!binary Zg==\n    max: 1\n",
    );
    const codes = (file: string) => {
      const loaded = loadBudget(cwd, file);
      return loaded.ok ? [] : loaded.diagnostics.map((d) => d.code);
    };
    expect(codes("a.yaml")).toEqual(["RC620"]);
    expect(codes("b.yaml")).toEqual(["RC621"]);
  });

  test("a file that cannot be read: RC600 alone", () => {
    const loaded = loadBudget(tempDir("size-budget-none"), "none.yaml");
    expect(loaded.ok ? [] : loaded.diagnostics.map((d) => d.message)).toEqual([
      "cannot read none.yaml: ENOENT",
    ]);
  });
});
