/*
 * The error cases: every tests/errors/<name>.yaml, plus inputs that can't be a
 * checked-in file (too large, missing, a directory), made at test time.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { MAX_SPEC_BYTES } from "../../generator/core/spec/decode";
import {
  MAX_ALIASES,
  MAX_BACKENDS,
  MAX_DEPTH,
  MAX_DIAGNOSTICS,
  MAX_REGISTERS,
  MAX_REGISTER_BACKEND_PAIRS,
} from "../../generator/core/spec/limits";
import { runMain, tempDir } from "../robustness/run";

const here = __dirname;

const HEAD = "regcache: 1\nname: t\nmask: u32\nregisters:\n  gpr: [rax]\n";
const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

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
  "too-deep": {
    about: `a spec whose doc is a list nested ${MAX_DEPTH} deep, one level past the limit with the spec's own mapping`,
    make: (file) =>
      fs.writeFileSync(
        file,
        `${HEAD}backends:\n  vmx: { lazy: [] }\ndoc: ${"[".repeat(MAX_DEPTH)}${"]".repeat(MAX_DEPTH)}\n`,
      ),
  },
  "deep-nesting": {
    about: "a spec with a mapping nested 800 deep under one key",
    make: (file) =>
      fs.writeFileSync(
        file,
        `${HEAD}backends:\n  vmx: { lazy: [] }\n` +
          Array.from({ length: 800 }, (_, i) => `${" ".repeat(i)}k:\n`).join(""),
      ),
  },
  "too-many-aliases": {
    about: `a backend list of ${MAX_ALIASES + 1} aliases of one register name`,
    make: (file) =>
      fs.writeFileSync(
        file,
        `${HEAD}  extended: [&r cr0]\nbackends:\n  vmx:\n    lazy: [${Array.from({ length: MAX_ALIASES + 1 }, () => "*r").join(", ")}]\n`,
      ),
  },
  "too-many-registers": {
    about: `a spec of ${MAX_REGISTERS + 1} registers`,
    make: (file) =>
      fs.writeFileSync(
        file,
        `regcache: 1\nname: t\nmask: bitmap\nregisters:\n  gpr: [${names("r", MAX_REGISTERS + 1).join(", ")}]\nbackends:\n  vmx: { lazy: [] }\n`,
      ),
  },
  "too-many-register-backend-pairs": {
    about: `a spec of ${MAX_REGISTERS} registers and ${MAX_REGISTER_BACKEND_PAIRS / MAX_REGISTERS + 1} backends`,
    make: (file) =>
      fs.writeFileSync(
        file,
        `regcache: 1\nname: t\nmask: bitmap\nregisters:\n  gpr: [${names("r", MAX_REGISTERS).join(", ")}]\nbackends:\n${names(
          "b",
          MAX_REGISTER_BACKEND_PAIRS / MAX_REGISTERS + 1,
        )
          .map((b) => `  ${b}: { lazy: [] }\n`)
          .join("")}`,
      ),
  },
  "too-many-backends": {
    about: `a spec of ${MAX_BACKENDS + 1} backends`,
    make: (file) =>
      fs.writeFileSync(
        file,
        `${HEAD}backends:\n${names("b", MAX_BACKENDS + 1)
          .map((b) => `  ${b}: { lazy: [] }\n`)
          .join("")}`,
      ),
  },
  "too-many-problems": {
    about: `a spec with ${MAX_DIAGNOSTICS + 10} unknown top-level keys`,
    make: (file) =>
      fs.writeFileSync(
        file,
        `${HEAD}backends:\n  vmx: { lazy: [] }\n${names("k", MAX_DIAGNOSTICS + 10)
          .map((k) => `${k}: 1\n`)
          .join("")}`,
      ),
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
