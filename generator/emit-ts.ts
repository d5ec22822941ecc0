/*
 * Model → ts/registers.ts, the TypeScript target: the same enum, backend sets
 * and accessors as the C headers, for emulators, tooling and test oracles
 * written in TypeScript. The file is built as ts-morph structures (a syntax
 * tree, not a text template) and printed through prettier. Every choice it
 * prints (which path an accessor takes, what a backend's set holds) was made
 * in model.ts.
 *
 * ts-morph takes about a second to load, so it and prettier are required
 * inside emitTs only: commands that never emit TypeScript never load them.
 */
import type { Plugin } from "prettier";
import type * as PrettierStandalone from "prettier/standalone";
import type * as TsMorph from "ts-morph";
import type { EmittedBody } from "./emit-c";
import type { Model } from "./model";
import { accessors, cachedPath, edxEax } from "./ts-accessors";
import { backendSets, counts, maskHelpers, regEnum, vcpuShape } from "./ts-declarations";
import { moduleDoc, type TsContext } from "./ts-structures";

export { camelName } from "./ts-structures";

export const TS_OUTPUT_PATH = "ts/registers.ts";

/**
 * Identity of this emitter, part of the TypeScript file's input hash. Bump it
 * whenever a change here changes what is printed; the versions of ts-morph
 * and prettier (which also shape the bytes) are hashed beside it.
 */
export const TS_EMITTER_ID = "regcache emit-ts 1";

/** Prettier options, spelled out so no config file on the machine can change the output. */
export const TS_PRETTIER_OPTIONS = {
  // babel-ts prints the same bytes as the "typescript" parser for this file and
  // parses it in about half the time (0.5 s instead of 1 s at 1,000 registers).
  parser: "babel-ts",
  printWidth: 100,
  tabWidth: 2,
  useTabs: false,
  semi: true,
  singleQuote: false,
  trailingComma: "all",
  bracketSpacing: true,
  arrowParens: "always",
  endOfLine: "lf",
} as const;

/** The versions of the two libraries that shape the output, read without loading them. */
export function tsToolVersions(): { tsMorph: string; prettier: string } {
  const version = (pkg: string) => (require(`${pkg}/package.json`) as { version: string }).version;
  return { tsMorph: version("ts-morph"), prettier: version("prettier") };
}

/** The source text of ts/registers.ts before formatting: ts-morph structures, printed. */
export function printRegistersSource(model: Model): string {
  const tsMorph = require("ts-morph") as typeof TsMorph;
  const ctx: TsContext = {
    model,
    kinds: tsMorph.StructureKind,
    declarationKinds: tsMorph.VariableDeclarationKind,
  };
  // printStructure writes the text straight from the structures; a Project's
  // createSourceFile would also parse it back into a syntax tree, which at
  // 1,000 registers costs as much as the printing and is never used.
  return tsMorph.printStructure(
    {
      kind: tsMorph.StructureKind.SourceFile,
      leadingTrivia: moduleDoc(model),
      statements: [
        regEnum(ctx),
        ...counts(ctx),
        ...maskHelpers(ctx),
        ...vcpuShape(ctx),
        ...backendSets(ctx),
        ...cachedPath(ctx),
        ...accessors(ctx),
        ...edxEax(ctx),
      ],
    },
    { useSingleQuote: false },
  );
}

/**
 * Renders ts/registers.ts; the body only, the caller adds the banner.
 * Prettier's standalone build: it reads no config file (the options above are
 * all there is) and, unlike its Node entry, loads without a dynamic import(),
 * so it also runs where that is unavailable (jest's CommonJS sandbox).
 */
export async function emitTs(model: Model): Promise<EmittedBody[]> {
  const prettier = require("prettier/standalone") as typeof PrettierStandalone;
  const plugins = [
    require("prettier/plugins/babel"),
    require("prettier/plugins/estree"),
  ] as Plugin[];
  // The file path tells prettier the source is TypeScript, not TSX; without it
  // its "typescript" parser guesses with a regular expression whose run time
  // grows with the square of the file's length (7 s of 10 on 4,000 registers).
  const body = await prettier.format(printRegistersSource(model), {
    ...TS_PRETTIER_OPTIONS,
    filepath: TS_OUTPUT_PATH,
    plugins,
  });
  return [{ path: TS_OUTPUT_PATH, body }];
}
