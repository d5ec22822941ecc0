/*
 * Builds the TypeScript runtime against one spec's generated registers.ts,
 * the way the C runtime is compiled against one spec's headers with -I:
 * every runtime/ts source is transpiled into a fresh directory, with the
 * spec's registers.ts in place of the re-export of generated/ts/, and the
 * result is required from there. Type-checking is the tsc test's job.
 */
import { tempDir } from "../helpers/temp";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

export const repoRoot = path.resolve(__dirname, "..", "..");
export const runtimeTsDir = path.join(repoRoot, "runtime", "ts");

export type TsRuntime = typeof import("../../runtime/ts/index");
export type GeneratedRegisters = typeof import("../../generated/x86-kvm-6.12/ts/registers");

function sources(dir: string, prefix = ""): string[] {
  return fs
    .readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? sources(dir, `${prefix}${e.name}/`)
        : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")
          ? [`${prefix}${e.name}`]
          : [],
    )
    .sort();
}

const transpile = (text: string, fileName: string): string =>
  ts.transpileModule(text, {
    fileName,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
  }).outputText;

export function makeTempDir(label: string): string {
  return tempDir(label);
}

/**
 * Every runtime/ts source transpiled into a new directory below parent,
 * with `replaced` (paths relative to runtime/ts) in place of the files' own
 * text. Returns the directory.
 */
function transpileRuntime(replaced: Readonly<Record<string, string>>, parent: string): string {
  const out = fs.mkdtempSync(path.join(parent, "runtime-"));
  for (const rel of sources(runtimeTsDir)) {
    const text = replaced[rel] ?? fs.readFileSync(path.join(runtimeTsDir, rel), "utf8");
    const target = path.join(out, rel.replace(/\.ts$/, ".js"));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, transpile(text, rel));
  }
  return out;
}

/**
 * The runtime built against registersSource and simulating hardwareSource
 * (a hardware.ts module: tsHardwareModule in tests/helpers/hardware.ts),
 * loaded from a new directory below parent.
 */
export function loadRuntime(
  registersSource: string,
  hardwareSource: string,
  parent: string,
): { runtime: TsRuntime; registers: GeneratedRegisters } {
  const out = transpileRuntime(
    { "registers.ts": registersSource, "hardware.ts": hardwareSource },
    parent,
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtime = require(path.join(out, "index.js")) as TsRuntime;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const registers = require(path.join(out, "registers.js")) as GeneratedRegisters;
  return { runtime, registers };
}

/**
 * The Linux 7.2 twin (runtime/ts/7.2/) built against registersSource, the
 * ts output of a 7.2-shaped spec, loaded from a new directory below parent.
 * Its hardware is its own hardware.ts, written by hand as the C one is.
 * `edit` changes one source's text first (a path relative to runtime/ts and
 * its new text), for a test that breaks the twin on purpose.
 */
export function loadRuntime72<T>(
  registersSource: string,
  parent: string,
  edit?: { file: string; text: string },
): T {
  const out = transpileRuntime(
    { "7.2/registers.ts": registersSource, ...(edit ? { [edit.file]: edit.text } : {}) },
    parent,
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(out, "7.2", "index.js")) as T;
}
