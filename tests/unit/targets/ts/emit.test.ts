/*
 * The TypeScript target's emitter (generator/targets/ts/emit.ts): the file it
 * writes, what identifies its bytes (its own id, ts-morph's and prettier's
 * versions), the order of the file's parts, when printed text is kept as it
 * is (every line within printWidth, no tab, no trailing blank) and when
 * prettier formats it, and that the result runs.
 */
import * as path from "node:path";
import {
  camelName,
  emitTs,
  formatWithPrettier,
  printedInPrettierStyle,
  printRegistersSource,
  tsContext,
  tsToolVersions,
  TS_EMITTER_ID,
  TS_OUTPUT_PATH,
  TS_PRETTIER_OPTIONS,
} from "../../../../generator/targets/ts/emit";
import { modelOf } from "../spec-model";
import { load, tsSpec } from "./load";

const repoRoot = path.join(__dirname, "..", "..", "..", "..");

test("it writes ts/registers.ts; its id and the two libraries' versions identify its bytes", () => {
  expect(TS_OUTPUT_PATH).toBe("ts/registers.ts");
  expect(TS_EMITTER_ID).toMatch(/^regcache emit-ts \d+$/);
  const pkg = (name: string) =>
    (require(path.join(repoRoot, "node_modules", name, "package.json")) as { version: string })
      .version;
  expect(tsToolVersions()).toEqual({ tsMorph: pkg("ts-morph"), prettier: pkg("prettier") });
  expect(camelName("exit_info_1")).toBe("exitInfo1");
});

test.each([
  ["short lines", "const a = 1;\nconst b = 2;\n", true],
  ["a line of exactly printWidth", `${"x".repeat(TS_PRETTIER_OPTIONS.printWidth)}\n`, true],
  ["a line longer than printWidth", `${"x".repeat(TS_PRETTIER_OPTIONS.printWidth + 1)}\n`, false],
  ["a tab", "const a = {\n\tb: 1,\n};\n", false],
  ["a trailing blank", "const a = 1; \n", false],
])("printedInPrettierStyle: %s is %s", (_what, text, kept) => {
  expect(printedInPrettierStyle(text)).toBe(kept);
});

test("the file's parts in order, under the spec's name and doc", () => {
  const source = printRegistersSource(modelOf(tsSpec()));
  expect(source.startsWith("/**\n * t\n *\n * The TypeScript twin of the C headers")).toBe(true);
  const order = [
    "export enum Reg ",
    "export const NR_VCPU_REGS",
    "export type RegMask",
    "export function createVcpu",
    "export const VMX_REGS_LAZY_LOAD_SET",
    "export const KVM_POSSIBLE_CR0_GUEST_BITS",
    "export const staticCall",
    "export const WARN_ON_ONCE",
    "export function isAvailable",
    "export function raxRead",
    "export function pdptrRead",
    "export function readEdxEax",
  ].map((s) => source.indexOf(s));
  expect(order.every((at) => at >= 0)).toBe(true);
  expect(order).toEqual([...order].sort((a, b) => a - b));
});

test("tsContext prints with the file's options: two-space indent, double quotes", () => {
  const ctx = tsContext(modelOf(tsSpec()));
  expect(ctx.model.name).toBe("t");
  const text = ctx.print({
    kind: ctx.kinds.Enum,
    name: "E",
    members: [{ name: "A", value: "x" }],
  });
  expect(text).toBe('enum E {\n  A = "x"\n}');
});

describe("emitTs", () => {
  test("a spec as users write it: the printed text as it is, in prettier's style already", async () => {
    const model = modelOf(tsSpec());
    const printed = printRegistersSource(model);
    expect(printedInPrettierStyle(printed)).toBe(true);
    expect(await emitTs(model)).toEqual([{ path: TS_OUTPUT_PATH, body: printed }]);
  });

  test("a name too long for a line: prettier formats the file, and its result is stable", async () => {
    const long = `r${"x".repeat(90)}`;
    const model = modelOf(tsSpec().map((l) => l.replace("gpr: [rax,", `gpr: [${long}, rax,`)));
    const printed = printRegistersSource(model);
    expect(printedInPrettierStyle(printed)).toBe(false);
    const [file] = await emitTs(model);
    expect(file!.path).toBe(TS_OUTPUT_PATH);
    expect(file!.body).not.toBe(printed);
    expect(file!.body).toBe(await formatWithPrettier(printed));
    expect(await formatWithPrettier(file!.body)).toBe(file!.body);
    // Formatting changes the layout, not what the file does.
    const r = load(file!.body);
    const vcpu = r["createVcpu"]({ cacheReg: () => undefined });
    r[`${long}Write`](vcpu, 5n);
    expect(r[`${long}Read`](vcpu)).toBe(5n);
  });
});
