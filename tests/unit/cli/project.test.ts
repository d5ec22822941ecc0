/*
 * The project file's keys (generator/cli/project.ts): compile-commands is a
 * path relative to the project file's directory, made absolute; anything but
 * a path there is RC022 naming the key.
 */
import * as path from "node:path";
import { parseProjectFile } from "../../../generator/cli/project";

const FILE = path.join(path.sep, "work", "kernel", "regcache.config.yaml");
const parse = (text: string) =>
  parseProjectFile(FILE, { displayPath: "regcache.config.yaml", text });

describe("parseProjectFile: compile-commands", () => {
  test("relative to the project file's directory, made absolute", () => {
    const result = parse("spec: my.yaml\ncompile-commands: build/compile_commands.json\n");
    if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join("\n"));
    expect(result.project.compileCommands).toBe(
      path.join(path.dirname(FILE), "build", "compile_commands.json"),
    );
  });

  test("absent: no compile database", () => {
    const result = parse("spec: my.yaml\n");
    expect(result.ok && result.project.compileCommands).toBeUndefined();
  });

  test.each(["3", "''", "[a, b]"])("compile-commands: %s is RC022 naming the key", (value) => {
    const result = parse(`spec: my.yaml\ncompile-commands: ${value}\n`);
    expect(result.ok).toBe(false);
    const [d, ...rest] = result.ok ? [] : result.diagnostics;
    expect(rest).toEqual([]);
    expect(d?.code).toBe("RC022");
    expect(d?.message).toMatch(/'compile-commands'/);
  });
});
