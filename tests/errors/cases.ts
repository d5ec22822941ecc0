/*
 * The error cases: every tests/errors/<name>.yaml, plus inputs that can't be a
 * checked-in file (too large, missing, a directory), made at test time.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { MAX_SPEC_BYTES } from "../../generator/core/spec/parse";
import { runMain, tempDir } from "../robustness/run";

const here = __dirname;

/** Inputs made at test time: name → puts `<name>.yaml` (or what stands for it) into dir. */
export const SPECIAL: Record<
  string,
  { readonly about: string; readonly make: (file: string) => void }
> = {
  "too-large": {
    about: `a spec of ${MAX_SPEC_BYTES + 1} bytes (one comment line)`,
    make: (file) => fs.writeFileSync(file, `#${"x".repeat(MAX_SPEC_BYTES - 1)}\n`),
  },
  "missing-file": { about: "a --spec path that does not exist", make: () => undefined },
  "project-file-invalid": {
    about:
      "a valid spec beside a regcache.config.yaml with a misspelt key, no 'spec' and a bad 'c-style'",
    make: (file) => {
      fs.copyFileSync(path.join(here, "..", "..", "spec", "x86-kvm.yaml"), file);
      fs.writeFileSync(
        path.join(path.dirname(file), "regcache.config.yaml"),
        "spek: spec/x86-kvm.yaml\nout: generated\nc-style: fancy\n",
      );
    },
  },
  "project-file-not-a-mapping": {
    about: "a valid spec beside a regcache.config.yaml that is a YAML list",
    make: (file) => {
      fs.copyFileSync(path.join(here, "..", "..", "spec", "x86-kvm.yaml"), file);
      fs.writeFileSync(
        path.join(path.dirname(file), "regcache.config.yaml"),
        "- spec/x86-kvm.yaml\n",
      );
    },
  },
  "spec-is-directory": {
    about: "a --spec path that is a directory",
    make: (file) => fs.mkdirSync(file),
  },
};

export const caseNames = [
  ...fs
    .readdirSync(here)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.slice(0, -".yaml".length)),
  ...Object.keys(SPECIAL),
].sort();

/** Runs one case the way a user would: its own directory, relative paths. */
export async function runCase(name: string) {
  const dir = tempDir("errors");
  const file = path.join(dir, `${name}.yaml`);
  if (SPECIAL[name]) SPECIAL[name].make(file);
  else fs.copyFileSync(path.join(here, `${name}.yaml`), file);
  const outcome = await runMain(["generate", "--spec", `${name}.yaml`, "--out", "out"], dir);
  const created = fs.existsSync(path.join(dir, "out"));
  fs.rmSync(dir, { recursive: true, force: true });
  return { ...outcome, created };
}
