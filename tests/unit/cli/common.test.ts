/*
 * What the commands share before they run: the project file as a prepare
 * step needs it (an invalid one is the usage problem, with its diagnostics),
 * the spec a command reads (--spec over the project file's, a bundled name
 * kept as a name), and the problem of having none. Each on a project made
 * here, with an Io whose working directory is that project or below it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { locate, noSpecProblem, projectOrProblem, specOf } from "../../../generator/cli/common";
import type { Io } from "../../../generator/cli/io";
import { tempDir } from "../../helpers/temp";

const ioAt = (cwd: string): Io => ({
  stdout: () => undefined,
  stderr: () => undefined,
  isTTY: false,
  env: {},
  cwd,
});

/** A directory holding `project` as regcache.config.yaml (none when undefined), and a sub/ below. */
function projectDir(project: string | undefined): string {
  const dir = tempDir("common");
  fs.mkdirSync(path.join(dir, "sub"));
  if (project !== undefined) fs.writeFileSync(path.join(dir, "regcache.config.yaml"), project);
  return dir;
}

describe("projectOrProblem", () => {
  test("no project file: ok, no project", () =>
    expect(projectOrProblem(ioAt(projectDir(undefined)))).toEqual({ ok: true }));

  test("a project file above the working directory: found, its paths absolute", () => {
    const dir = projectDir("spec: spec/x.yaml\nout: gen\n");
    const found = projectOrProblem(ioAt(path.join(dir, "sub")));
    expect(found.ok && found.project).toMatchObject({
      dir,
      spec: path.join(dir, "spec/x.yaml"),
      out: path.join(dir, "gen"),
    });
  });

  test("an invalid project file: the usage problem naming it, with its diagnostics", () => {
    const dir = projectDir("spec: [\n");
    const found = projectOrProblem(ioAt(path.join(dir, "sub")));
    if (found.ok) throw new Error("an invalid project file was accepted");
    // Above the working directory, so named by its absolute path.
    const file = path.join(dir, "regcache.config.yaml");
    expect(found.message).toBe(`the project file ${file} is invalid`);
    expect(found.help).toBe(
      "fix the problems above (the project file is found by walking up from the working directory)",
    );
    expect(found.diagnostics?.map((d) => [d.code, d.file.displayPath])).toEqual([["RC100", file]]);
  });
});

describe("specOf", () => {
  test("--spec wins over the project file", () => {
    const dir = projectDir("spec: spec/x.yaml\n");
    const found = projectOrProblem(ioAt(dir));
    expect(specOf(ioAt(dir), "other.yaml", found.ok ? found.project : undefined)).toBe(
      "other.yaml",
    );
  });

  test("the project file's spec, relative to the working directory", () => {
    const dir = projectDir("spec: spec/x.yaml\n");
    const io = ioAt(path.join(dir, "sub"));
    const found = projectOrProblem(io);
    expect(specOf(io, undefined, found.ok ? found.project : undefined)).toBe("../spec/x.yaml");
  });

  test("a bundled spec named by the project file stays a name", () => {
    const dir = projectDir("spec: linux-6.12\n");
    const found = projectOrProblem(ioAt(dir));
    expect(specOf(ioAt(dir), undefined, found.ok ? found.project : undefined)).toBe("linux-6.12");
  });

  test("neither: undefined", () => expect(specOf(ioAt("/"), undefined, undefined)).toBeUndefined());
});

test("noSpecProblem: where it looked, and how the command would name a spec", () =>
  expect(noSpecProblem("/work", "--spec FILE", "'spec: path/to/spec.yaml'")).toEqual({
    ok: false,
    message: "no --spec given, and no regcache.config.yaml in /work or any directory above it",
    help:
      "run with --spec FILE (or a bundled spec's name, --spec NAME: see regcache specs), or write " +
      "regcache.config.yaml at your project's top ('spec: path/to/spec.yaml'); see README.md \"Project file\"",
  }));

describe("locate: how reports name the spec", () => {
  test("a spec file: by its path as diagnostics show it", () => {
    const dir = projectDir(undefined);
    fs.writeFileSync(path.join(dir, "sub", "x.yaml"), "");
    const where = locate(ioAt(dir), "sub/x.yaml", "gen");
    expect([where.displayPath, where.shownSpec, where.bundled]).toEqual([
      "sub/x.yaml",
      "sub/x.yaml",
      undefined,
    ]);
  });

  test("a bundled spec's name: by that name, not by its path inside the package", () => {
    const where = locate(ioAt(projectDir(undefined)), "linux-6.12", "gen");
    expect(where.bundled).toBe("linux-6.12");
    expect(where.shownSpec).toBe("bundled spec linux-6.12");
    expect(path.isAbsolute(where.displayPath)).toBe(true);
  });
});
