/*
 * The toolkit the TypeScript target's builders share: the context (the model
 * and ts-morph's structure kinds), JSDoc text, names, and small structure
 * constructors. Only ts-morph's types are imported, so loading this module
 * does not load ts-morph.
 */
import type * as TsMorph from "ts-morph";
import type {
  FunctionDeclarationStructure,
  OptionalKind,
  ParameterDeclarationStructure,
  VariableStatementStructure,
} from "ts-morph";
import { commentSafe } from "./banner";
import type { AccessorModel, Model, RegisterModel } from "./model";
// Prettier leaves comments alone, so long spec docs are wrapped here.
import { wrap } from "./text";

export interface TsContext {
  readonly model: Model;
  readonly kinds: typeof TsMorph.StructureKind;
  readonly declarationKinds: typeof TsMorph.VariableDeclarationKind;
}

const DOC_WIDTH = 90;

/** JSDoc text, one entry per line (undefined and "" dropped): wrapped, cannot close the comment early. */
export const doc = (...lines: (string | undefined)[]): string =>
  lines
    .filter((l): l is string => l !== undefined && l !== "")
    .flatMap((l) => wrap(commentSafe(l).trim(), DOC_WIDTH))
    .join("\n");

/** exit_info_1 → exitInfo1, RAX stays rax: identifiers in TypeScript's camel case. */
export function camelName(name: string): string {
  return name.toLowerCase().replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export const regRef = (r: RegisterModel): string => `Reg.${r.upper}`;
export const accessorNames = (a: AccessorModel) => ({
  read: `${camelName(a.register.name)}Read`,
  write: `${camelName(a.register.name)}Write`,
});

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

export function constant(
  ctx: TsContext,
  name: string,
  docs: string,
  type: string | undefined,
  initializer: string,
): VariableStatementStructure {
  return {
    kind: ctx.kinds.VariableStatement,
    isExported: true,
    declarationKind: ctx.declarationKinds.Const,
    docs: [docs],
    declarations: [{ name, ...(type ? { type } : {}), initializer }],
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
