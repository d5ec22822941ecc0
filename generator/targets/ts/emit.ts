/*
 * Model → ts/registers.ts, the TypeScript target: the same enum, backend sets
 * and accessors as the C headers, for emulators, tooling and test oracles
 * written in TypeScript. The file is built as ts-morph structures (a syntax
 * tree, not a text template) and printed in prettier's style: the builders lay
 * out their lists as prettier would (structures.ts `bracketed`), so the
 * printed text is already what prettier makes of it and prettier itself is
 * needed only when a line comes out longer than printWidth (a very long
 * register or backend name), where its line breaking is more than ours.
 * tests/unit/targets/ts/structures.test.ts holds the printed text to prettier's output.
 * Every choice it prints (which path an accessor takes, what a backend's set
 * holds) was made in core/model/.
 *
 * ts-morph takes a while to load, so it (and prettier, when needed) is required
 * inside emitTs only: commands that never emit TypeScript never load them.
 */
import type { Plugin } from "prettier";
import type * as PrettierStandalone from "prettier/standalone";
import type * as TsMorph from "ts-morph";
import type { EmittedBody } from "../types";
import { accessors, cachedPath, edxEax } from "./accessors";
import { dispatch, extendedAccessors, guestOwnedConstants, warnings } from "./extended";
import { backendSets, counts, maskHelpers, regEnum } from "./declarations";
import { vcpuShape } from "./vcpu";
import { fitsOneLine, moduleDoc, TS_PRETTIER_OPTIONS, type TsContext } from "./structures";
import type { Model } from "../../core/model/types";

export { camelName } from "../../core/spec/identifiers";

export const TS_OUTPUT_PATH = "ts/registers.ts";

/**
 * Identity of this emitter, part of the TypeScript file's input hash. Bump it
 * whenever a change here changes what is printed; the versions of ts-morph
 * and prettier (which also shape the bytes) are hashed beside it.
 */
export const TS_EMITTER_ID = "regcache emit-ts 1";

export { TS_PRETTIER_OPTIONS };

/** The versions of the two libraries that shape the output, read without loading them. */
export function tsToolVersions(): { tsMorph: string; prettier: string } {
  const version = (pkg: string) => (require(`${pkg}/package.json`) as { version: string }).version;
  return { tsMorph: version("ts-morph"), prettier: version("prettier") };
}

/** What the builders print with: the model, ts-morph's kinds and its printer set to prettier's options. */
export function tsContext(model: Model): TsContext {
  const tsMorph = require("ts-morph") as typeof TsMorph;
  const options: TsMorph.PrintStructureOptions = {
    indentNumberOfSpaces: TS_PRETTIER_OPTIONS.tabWidth,
    useSingleQuote: TS_PRETTIER_OPTIONS.singleQuote,
  };
  return {
    model,
    kinds: tsMorph.StructureKind,
    declarationKinds: tsMorph.VariableDeclarationKind,
    print: (structure) => tsMorph.printStructure(structure, options),
  };
}

/** The source text of ts/registers.ts, ts-morph structures printed in prettier's style. */
export function printRegistersSource(model: Model): string {
  const ctx = tsContext(model);
  // printStructure writes the text straight from the structures; a Project's
  // createSourceFile would also parse it back into a syntax tree, which at
  // 1,000 registers costs as much as the printing and is never used.
  return ctx.print({
    kind: ctx.kinds.SourceFile,
    leadingTrivia: moduleDoc(model),
    statements: [
      regEnum(ctx),
      ...counts(ctx),
      ...maskHelpers(ctx),
      ...vcpuShape(ctx),
      ...backendSets(ctx),
      ...guestOwnedConstants(ctx),
      ...dispatch(ctx),
      ...warnings(ctx),
      ...cachedPath(ctx),
      ...accessors(ctx),
      ...extendedAccessors(ctx),
      ...edxEax(ctx),
    ],
  });
}

/**
 * Whether printed text can be kept as it is. The builders follow prettier's
 * layout for lines that fit printWidth; a longer line (a long register or
 * backend name) is one prettier would break, and how it breaks it depends on
 * the construct, so such text goes through prettier. Tabs and trailing blanks
 * (which prettier may trim inside a comment) send it there too.
 */
export function printedInPrettierStyle(text: string): boolean {
  for (const line of text.split("\n")) {
    if (!fitsOneLine(line) || line.includes("\t") || line.endsWith(" ")) return false;
  }
  return true;
}

/** Renders ts/registers.ts; the body only, the caller adds the banner. */
export async function emitTs(model: Model): Promise<EmittedBody[]> {
  const source = printRegistersSource(model);
  const body = printedInPrettierStyle(source) ? source : await formatWithPrettier(source);
  return [{ path: TS_OUTPUT_PATH, body }];
}

/**
 * Prettier's standalone build: it reads no config file (TS_PRETTIER_OPTIONS is
 * all there is) and, unlike its Node entry, loads without a dynamic import(),
 * so it also runs where that is unavailable (jest's CommonJS sandbox).
 */
export async function formatWithPrettier(source: string): Promise<string> {
  const prettier = require("prettier/standalone") as typeof PrettierStandalone;
  const plugins = [
    require("prettier/plugins/babel"),
    require("prettier/plugins/estree"),
  ] as Plugin[];
  // The file path tells prettier the source is TypeScript, not TSX; without it
  // its "typescript" parser guesses with a regular expression whose run time
  // grows with the square of the file's length (7 s of 10 on 4,000 registers).
  return prettier.format(source, { ...TS_PRETTIER_OPTIONS, filepath: TS_OUTPUT_PATH, plugins });
}
