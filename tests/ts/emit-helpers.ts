/*
 * Shared by the TypeScript-target tests: ts/registers.ts as generateAll emits
 * it for a spec, and a registers.ts transpiled and required on its own.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { generateAll, type GenerateRequest } from "../../generator/generate/produce";
import { TS_OUTPUT_PATH } from "../../generator/targets/ts/emit";
import { fileTempDir } from "../helpers/temp";
import { repoRoot, type GeneratedRegisters } from "./runtime-build";

export const tmp = fileTempDir("ts-emit");

export async function emitted(req: Omit<GenerateRequest, "specPath"> & { spec: string }) {
  const { spec, ...rest } = req;
  const result = await generateAll({
    specPath: path.isAbsolute(spec) ? spec : path.join(repoRoot, spec),
    displayPath: spec,
    bannerSpecPath: spec,
    ...rest,
  });
  if (!result.ok) throw new Error(`${spec}: ${JSON.stringify(result.diagnostics)}`);
  const file = result.files.find((f) => f.path === TS_OUTPUT_PATH);
  if (!file || !result.model) throw new Error("no ts/registers.ts or no model");
  return { result, text: file.contents, model: result.model };
}

let loads = 0;
/** registers.ts transpiled and required from a directory of its own. */
export function load(text: string): GeneratedRegisters {
  const dir = path.join(tmp, `load-${loads++}`);
  fs.mkdirSync(dir);
  const js = ts.transpileModule(text, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
  }).outputText;
  fs.writeFileSync(path.join(dir, "registers.js"), js);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(dir, "registers.js")) as GeneratedRegisters;
}
