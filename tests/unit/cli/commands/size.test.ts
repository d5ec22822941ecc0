/*
 * `regcache size`'s run when an in-process caller skips prepare
 * (generator/cli/commands/size.ts): the spec is completed from the project
 * file as prepare does, and a problem prepare finds is one line on stderr,
 * exit 2, with nothing measured. Driven with a capturing Io in a temporary
 * directory; no compiler runs.
 */
import { capturingIo } from "../../../helpers/io";
import * as fs from "node:fs";
import * as path from "node:path";
import { run } from "../../../../generator/cli/commands/size";
import { tempDir } from "../../../helpers/temp";

test("no --spec and no project file: the problem on one line, exit 2", async () => {
  const dir = tempDir("size-run");
  const c = capturingIo(dir);
  expect(await run({ format: "text" }, c.io)).toBe(2);
  expect(c.stderr()).toBe(
    `regcache size: error: no --spec given, and no regcache.config.yaml in ${dir} or any directory above it\n`,
  );
  expect(c.stdout()).toBe("");
});

test("the spec from the project file, then the other checks: a --keep that is not a directory", async () => {
  const dir = tempDir("size-run");
  fs.writeFileSync(path.join(dir, "regcache.config.yaml"), "spec: s.yaml\n");
  fs.writeFileSync(path.join(dir, "kept"), "");
  const c = capturingIo(dir);
  expect(await run({ format: "text", keep: "kept" }, c.io)).toBe(2);
  // Past the spec check (the project file's spec), stopped at the first problem after it.
  expect(c.stderr()).toBe("regcache size: error: --keep kept: it is a file, not a directory\n");
  expect(c.stdout()).toBe("");
  expect(fs.readdirSync(dir).sort()).toEqual(["kept", "regcache.config.yaml"]);
});
