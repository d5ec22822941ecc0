/*
 * The bundled specs and how --spec names one (generator/generate/specs.ts):
 * every spec/*.yaml of the package by name, sorted; a bare name is a file in
 * the working directory first and a bundled spec only when no such file
 * exists; anything with a directory part is a path. Run in a temporary
 * directory that is not the repository.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  bundledSpecs,
  findBundledSpec,
  isBareName,
  resolveSpecArg,
} from "../../../generator/generate/specs";
import { tempDir } from "../../helpers/temp";

const repoRoot = path.join(__dirname, "..", "..", "..");
const shipped = () =>
  fs
    .readdirSync(path.join(repoRoot, "spec"))
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.slice(0, -".yaml".length))
    .sort();

let dir: string;
beforeEach(() => {
  dir = tempDir("bundled");
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test.each([
  ["x86-kvm", true],
  ["x86-kvm.yaml", true],
  ["./x86-kvm", false],
  ["spec/x86-kvm.yaml", false],
  ["..", false],
  [".", false],
  ["", false],
  ["a\\b", false],
])("isBareName(%j) is %s", (arg, bare) => {
  expect(isBareName(arg)).toBe(bare);
});

test.each([
  // [argument, file present in cwd, what is read]
  ["x86-kvm", null, "bundled"],
  ["x86-kvm.yaml", null, "bundled"],
  ["x86-kvm", "x86-kvm", "cwd"],
  ["x86-kvm.yaml", "x86-kvm.yaml", "cwd"],
  ["./x86-kvm", null, "cwd"],
  ["no-such-spec", null, "cwd"],
  // A directory is no spec: beside a linux-6.12/ tree, --spec linux-6.12 is the bundled one.
  ["x86-kvm", "x86-kvm/", "bundled"],
  ["x86-kvm.yaml", "x86-kvm.yaml/", "bundled"],
  ["no-such-spec", "no-such-spec/", "cwd"],
])("--spec %s with %s in cwd reads the %s file", (arg, present, from) => {
  if (present?.endsWith("/")) fs.mkdirSync(path.join(dir, present));
  else if (present) fs.writeFileSync(path.join(dir, present), "regcache: 1\n");
  const choice = resolveSpecArg(dir, arg);
  if (from === "bundled") {
    expect(choice).toEqual({
      specPath: path.join(repoRoot, "spec", "x86-kvm.yaml"),
      bundled: "x86-kvm",
    });
  } else {
    expect(choice).toEqual({ specPath: path.resolve(dir, arg) });
  }
});

test.each([
  ["a symlink loop", (p: string) => fs.symlinkSync(path.basename(p), p)],
  ["a name too long", () => undefined],
])("a bare name that cannot be looked up (%s) is read as a path, never thrown", (_why, make) => {
  const arg = _why === "a name too long" ? "x".repeat(300) : "loop";
  make(path.join(dir, arg));
  expect(resolveSpecArg(dir, arg)).toEqual({ specPath: path.join(dir, arg) });
  // Named like a bundled spec, the bundled spec is read, as for a name with nothing there.
  fs.symlinkSync("x86-kvm", path.join(dir, "x86-kvm"));
  expect(resolveSpecArg(dir, "x86-kvm").bundled).toBe("x86-kvm");
});

test("a path with a directory part is a path even where it does not exist and a bundled spec would match", () => {
  expect(resolveSpecArg(dir, "sub/linux-6.12")).toEqual({
    specPath: path.join(dir, "sub", "linux-6.12"),
  });
  expect(findBundledSpec("spec/linux-6.12")).toBeUndefined();
});

test("every shipped spec is found by its name, and nothing else is", () => {
  for (const name of shipped()) {
    expect(findBundledSpec(name)?.file).toBe(path.join(repoRoot, "spec", `${name}.yaml`));
  }
  expect(findBundledSpec("regcache.schema")).toBeUndefined();
  expect(findBundledSpec("regcache.schema.json")).toBeUndefined();
  expect(findBundledSpec("linux-6.12.yml")).toBeUndefined();
});

test("bundledSpecs lists the package's spec/*.yaml only, sorted by name, with absolute paths", () => {
  const specs = bundledSpecs();
  expect(specs.map((s) => s.name)).toEqual(shipped());
  expect(specs.map((s) => s.name)).toEqual(expect.arrayContaining(["linux-6.1", "linux-7.2"]));
  for (const s of specs) expect(s.file).toBe(path.join(repoRoot, "spec", `${s.name}.yaml`));
});
