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
 * The runtime built against registersSource and simulating hardwareSource
 * (a hardware.ts module: tsHardwareModule in tests/helpers/hardware.ts),
 * loaded from a new directory below parent.
 */
export function loadRuntime(
  registersSource: string,
  hardwareSource: string,
  parent: string,
): { runtime: TsRuntime; registers: GeneratedRegisters } {
  const out = fs.mkdtempSync(path.join(parent, "runtime-"));
  for (const rel of sources(runtimeTsDir)) {
    const text =
      rel === "registers.ts"
        ? registersSource
        : rel === "hardware.ts"
          ? hardwareSource
          : fs.readFileSync(path.join(runtimeTsDir, rel), "utf8");
    const target = path.join(out, rel.replace(/\.ts$/, ".js"));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, transpile(text, rel));
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtime = require(path.join(out, "index.js")) as TsRuntime;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const registers = require(path.join(out, "registers.js")) as GeneratedRegisters;
  return { runtime, registers };
}
