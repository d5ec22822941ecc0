/*
 * A checkout whose dist/ is older than its sources (a `git pull` without
 * `npm ci`, an edit without a build) is refused by the launcher with a
 * one-line reason and exit 3, before any of the old code runs; a current
 * build, an installed package (no sources) and a build without a record run.
 *
 * Each case is a small package in a temporary directory: the real
 * bin/regcache.js, generator/cli/build-record.ts transpiled into
 * dist/generator/, and a stand-in cli.js that only says it ran, so what is
 * tested is the launcher's gate, not the CLI behind it.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { BUILD_RECORD_FILE, buildInputs, recordBuild } from "../../generator/cli/build-record";
import { tempDir } from "../helpers/temp";

const root = path.join(__dirname, "..", "..");

const SOURCES: Record<string, string> = {
  "generator/cli/main.ts": "export const cli = 1;\n",
  "generator/core/model/build.ts": "export const model = 1;\n",
  "generator/targets/c/emit.ts": "export const emit = 1;\n",
  "generator/targets/ts/emit.ts": "export const tsEmit = 1;\n",
  "generator/x86/regs.ts": "export const regs = 1;\n",
  "spec/regcache.schema.json": '{ "type": "object" }\n',
};

const STAND_IN_CLI = `exports.main = async (argv) => {
  process.stdout.write("cli ran " + argv.join(" ") + "\\n");
  return 0;
};
`;

/** A built package: sources older than the build, which started at the returned time (ms). */
function builtPackage(): { dir: string; startedMs: number } {
  const dir = tempDir("stale-build");
  const past = (Date.now() - 60_000) / 1000;
  for (const [rel, text] of Object.entries(SOURCES)) {
    fs.mkdirSync(path.join(dir, path.dirname(rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
    fs.utimesSync(path.join(dir, rel), past, past);
  }
  fs.mkdirSync(path.join(dir, "bin"));
  fs.copyFileSync(path.join(root, "bin", "regcache.js"), path.join(dir, "bin", "regcache.js"));
  const dist = path.join(dir, "dist", "generator");
  fs.mkdirSync(path.join(dist, "cli"), { recursive: true });
  fs.writeFileSync(path.join(dist, "cli", "main.js"), STAND_IN_CLI);
  const source = fs.readFileSync(path.join(root, "generator", "cli", "build-record.ts"), "utf8");
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  fs.writeFileSync(path.join(dist, "cli", "build-record.js"), js);
  const startedMs = Date.now() - 30_000;
  fs.writeFileSync(
    path.join(dist, BUILD_RECORD_FILE),
    JSON.stringify(recordBuild(dir, startedMs)) + "\n",
  );
  return { dir, startedMs };
}

/** Writes `text` to `rel` with a modification time after the build started. */
function edit(dir: string, rel: string, text: string): void {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  const later = Date.now() / 1000 + 5;
  fs.utimesSync(file, later, later);
}

function launch(dir: string) {
  const run = spawnSync(process.execPath, [path.join(dir, "bin", "regcache.js"), "check"], {
    encoding: "utf8",
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const ran = { code: 0, stdout: "cli ran check\n", stderr: "" };
const refused = (names: string) => ({
  code: 3,
  stdout: "",
  stderr:
    `regcache: the build in dist/ is older than its sources (${names} changed since it was built); ` +
    "run `npm run build` (after a pull, `npm ci`)\n",
});

describe("the launcher and a build older than its sources", () => {
  test.each<[string, (dir: string) => void, ReturnType<typeof launch>]>([
    ["a current build runs", () => {}, ran],
    [
      "a source touched with its bytes unchanged runs (a checkout's new mtime)",
      (dir) =>
        edit(dir, "generator/core/model/build.ts", SOURCES["generator/core/model/build.ts"]!),
      ran,
    ],
    [
      "a non-TypeScript file under generator/ is not an input",
      (dir) => edit(dir, "generator/NOTES.md", "notes\n"),
      ran,
    ],
    [
      "a changed source is refused, naming it",
      (dir) => edit(dir, "generator/core/model/build.ts", "export const model = 2;\n"),
      refused("generator/core/model/build.ts"),
    ],
    [
      "a changed source in a subfolder",
      (dir) => edit(dir, "generator/targets/c/emit.ts", "export const emit = 2;\n"),
      refused("generator/targets/c/emit.ts"),
    ],
    [
      "a changed spec schema (precompiled into the build)",
      (dir) => edit(dir, "spec/regcache.schema.json", '{ "type": "array" }\n'),
      refused("spec/regcache.schema.json"),
    ],
    [
      "an added source",
      (dir) => edit(dir, "generator/size/new.ts", "export {};\n"),
      refused("generator/size/new.ts"),
    ],
    [
      "a removed source",
      (dir) => fs.rmSync(path.join(dir, "generator", "x86", "regs.ts")),
      refused("generator/x86/regs.ts"),
    ],
    [
      "more than three are named as three and a count, sorted",
      (dir) => {
        for (const rel of Object.keys(SOURCES)) edit(dir, rel, "// changed\n");
      },
      refused(
        "generator/cli/main.ts, generator/core/model/build.ts, generator/targets/c/emit.ts and 3 more",
      ),
    ],
    [
      "an installed package (no generator/ sources) runs",
      (dir) => fs.rmSync(path.join(dir, "generator"), { recursive: true }),
      ran,
    ],
    [
      "a build without a record (plain tsc) runs",
      (dir) => fs.rmSync(path.join(dir, "dist", "generator", BUILD_RECORD_FILE)),
      ran,
    ],
    [
      "an unreadable record runs",
      (dir) => fs.writeFileSync(path.join(dir, "dist", "generator", BUILD_RECORD_FILE), "{"),
      ran,
    ],
    [
      "a record of another shape runs",
      (dir) => fs.writeFileSync(path.join(dir, "dist", "generator", BUILD_RECORD_FILE), "[1]\n"),
      ran,
    ],
  ])("%s", (_name, change, expected) => {
    const { dir } = builtPackage();
    change(dir);
    expect(launch(dir)).toEqual(expected);
  });

  test("the build's inputs: every .ts under generator/ and the schema, sorted", () => {
    const { dir } = builtPackage();
    edit(dir, "generator/README.md", "not an input\n");
    expect(buildInputs(dir)).toEqual([
      "generator/cli/main.ts",
      "generator/core/model/build.ts",
      "generator/targets/c/emit.ts",
      "generator/targets/ts/emit.ts",
      "generator/x86/regs.ts",
      "spec/regcache.schema.json",
    ]);
  });
});
