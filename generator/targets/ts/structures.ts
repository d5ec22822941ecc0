/*
 * The toolkit the TypeScript target's builders share: the context (the model,
 * ts-morph's structure kinds and printer), prettier's options and the list
 * layout that matches them, JSDoc text, names, and small structure
 * constructors. Only ts-morph's types are imported, so loading this module
 * does not load ts-morph.
 */
import type * as TsMorph from "ts-morph";
import type {
  FunctionDeclarationStructure,
  OptionalKind,
  ParameterDeclarationStructure,
  StatementStructures,
  VariableStatementStructure,
  WriterFunction,
} from "ts-morph";
import { commentSafe } from "../banner";
// Prettier leaves comments alone, so long spec docs are wrapped here.
import { wrap } from "../../util/text";
import { camelName, tsFunctionName } from "../../core/spec/identifiers";
import type { AccessorModel, Model, RegisterModel } from "../../core/model/types";

export interface TsContext {
  readonly model: Model;
  readonly kinds: typeof TsMorph.StructureKind;
  readonly declarationKinds: typeof TsMorph.VariableDeclarationKind;
  /** ts-morph's printStructure with the file's options (two-space indent, double quotes). */
  readonly print: (structure: TsMorph.Structures) => string;
}

/**
 * Prettier options, spelled out so no config file on the machine can change the
 * output. The builders print in this style themselves (see bracketed); prettier
 * formats the file only when a line comes out too long (ts/emit.ts).
 */
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

/** A top-level statement: a ts-morph structure, or text written by hand (see constant). */
export type Statement = StatementStructures | WriterFunction;

/**
 * An initializer that is laid out once the statement around it is known: given
 * the statement's text before it (`export const NAME: Type = `), its text.
 */
export type Initializer = string | ((statementHead: string) => string);

/**
 * A bracketed list as prettier lays it out when it ends a statement: on one
 * line if the whole statement (its ";" included) fits printWidth; otherwise the
 * opening on the statement's line, one item per line with a trailing comma, and
 * the closing on a line of its own. `open` may carry a call: "regMask([".
 * `spaced` is prettier's bracketSpacing for object literals: "{ a: b }".
 */
export function bracketed(
  open: string,
  items: readonly string[],
  close: string,
  spaced = false,
): Initializer {
  if (items.length === 0) return `${open}${close}`;
  const pad = spaced ? " " : "";
  const flat = `${open}${pad}${items.join(", ")}${pad}${close}`;
  return (head) =>
    fitsOneLine(`${head}${flat};`)
      ? flat
      : `${open}\n${items.map((item) => `  ${item},`).join("\n")}\n${close}`;
}

/** Whether a line of code fits prettier's printWidth (code is ASCII: one column per character). */
export const fitsOneLine = (line: string): boolean => line.length <= TS_PRETTIER_OPTIONS.printWidth;

const DOC_WIDTH = 90;

/** JSDoc text, one entry per line (undefined and "" dropped): wrapped, cannot close the comment early. */
export const doc = (...lines: (string | undefined)[]): string =>
  lines
    .filter((l): l is string => l !== undefined && l !== "")
    .flatMap((l) => wrap(commentSafe(l).trim(), DOC_WIDTH))
    .join("\n");

export { camelName };

export const regRef = (r: RegisterModel): string => `Reg.${r.upper}`;
export const accessorNames = (a: AccessorModel) => ({ read: a.tsRead, write: a.tsWrite });

/** 32-bit words in a mask: as many bits as the C mask has, u32 → 1, u64 → 2. */
export const maskWords = (model: Model): number => (model.mask.words * model.mask.wordBits) / 32;

export const vcpuParam: OptionalKind<ParameterDeclarationStructure> = {
  name: "vcpu",
  type: "Vcpu",
};
export const regParam: OptionalKind<ParameterDeclarationStructure> = { name: "reg", type: "Reg" };

export function fn(
  ctx: TsContext,
  name: string,
  docs: string,
  parameters: OptionalKind<ParameterDeclarationStructure>[],
  returnType: string,
  statements: string[],
): FunctionDeclarationStructure {
  return {
    kind: ctx.kinds.Function,
    name,
    isExported: true,
    docs: [docs],
    parameters,
    returnType,
    statements,
  };
}

/**
 * export const name: type = initializer; with its JSDoc. A one-line statement is
 * a ts-morph structure; one whose initializer spans lines is written as text,
 * because ts-morph indents an initializer's later lines one level (a hanging
 * indent) where prettier puts the closing bracket back at the statement's.
 */
export function constant(
  ctx: TsContext,
  name: string,
  docs: string,
  type: string | undefined,
  initializer: Initializer,
): Statement {
  const typed = type ? `${name}: ${type}` : name;
  const head = `export const ${typed} = `;
  const text = typeof initializer === "string" ? initializer : initializer(head);
  if (text.includes("\n")) {
    const jsDoc = ctx.print({ kind: ctx.kinds.JSDoc, description: docs });
    return (writer) => writer.writeLine(jsDoc).write(`${head}${text};`);
  }
  return {
    kind: ctx.kinds.VariableStatement,
    isExported: true,
    declarationKind: ctx.declarationKinds.Const,
    docs: [docs],
    declarations: [{ name, ...(type ? { type } : {}), initializer: text }],
  };
}

export function moduleDoc(model: Model): string {
  const lines = [
    model.doc ? `${model.name}: ${model.doc}` : model.name,
    "",
    "The TypeScript twin of the C headers kvm_regs.h and kvm_cache_regs.h as a 64-bit build",
    "sees them (every guard defined). Register values are bigint, 64 bits wide.",
  ].flatMap((l) => (l ? wrap(commentSafe(l), DOC_WIDTH) : [l]));
  return `/**\n${lines.map((l) => (l ? ` * ${l}` : " *")).join("\n")}\n */\n`;
}

/**
 * The hooks the vCPU's model supplies (VcpuHooks), by TypeScript name, as the
 * spec's api asks for them: the operand-width mask of the mode_aware family
 * (kvm_reg_mode_mask → regModeMask) and the assertion the availability
 * helpers open with (kvm_assert_register_caching_allowed →
 * assertRegisterCachingAllowed). Empty for a spec with neither.
 */
export function vcpuHooks(model: Model): { readonly modeMask?: string; readonly assert?: string } {
  const api = model.api;
  return {
    ...(api.modeAware ? { modeMask: tsFunctionName(api.modeAware.modeMask) } : {}),
    ...(api.assert ? { assert: tsFunctionName(api.assert.macro) } : {}),
  };
}
