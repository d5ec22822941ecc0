/*
 * ts/registers.ts is printed in prettier's style by its builders, and prettier
 * runs only when the printed text has a line longer than printWidth
 * (generator/targets/ts/emit.ts). These tests hold that to prettier itself:
 *  - on the specs users have (the two checked-in specs, --all-cached, the
 *    benchmark's synthetic specs) the printed text is taken as it is, and it is
 *    exactly what prettier makes of it;
 *  - on random specs (hostile docs, names long enough to overflow a line) the
 *    output, whichever way it was made, is prettier's formatting of the print;
 *  - a list is on one line exactly when prettier would put it there, at the
 *    printWidth boundary.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { loadModel, type GenerateRequest } from "../../../../generator/generate/produce";
import {
  emitTs,
  formatWithPrettier,
  printedInPrettierStyle,
  printRegistersSource,
  tsContext,
  TS_PRETTIER_OPTIONS,
} from "../../../../generator/targets/ts/emit";
import { bracketed, constant } from "../../../../generator/targets/ts/structures";
import { randomSpec, specYaml, type RandomSpec } from "../../../fuzz/arbitrary";
import { repoRoot } from "../../../ts/runtime-build";
import type { Model } from "../../../../generator/core/model/types";
import { synthSpec, toYaml } from "../../../../bench/synth-spec";

function model(specText: string, req: Partial<GenerateRequest> = {}): Model {
  const r = loadModel({ specPath: "t.yaml", specText, ...req });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("; "));
  return r.model;
}

const WIDTH = TS_PRETTIER_OPTIONS.printWidth;
const longestLine = (text: string) => Math.max(...text.split("\n").map((l) => l.length));

describe("specs as users write them: printed once, no prettier run", () => {
  const specFile = (f: string) => fs.readFileSync(path.join(repoRoot, f), "utf8");
  const cases: [string, () => Model][] = [
    ["spec/x86-kvm.yaml", () => model(specFile("spec/x86-kvm.yaml"))],
    [
      "spec/x86-kvm.yaml --all-cached",
      () => model(specFile("spec/x86-kvm.yaml"), { allCached: true }),
    ],
    ["spec/x86-kvm-v5.2.yaml", () => model(specFile("spec/x86-kvm-v5.2.yaml"))],
    ...[
      [32, 1],
      [256, 6],
      [1000, 4],
    ].map(([registers, backends]): [string, () => Model] => [
      `synthetic, ${registers} registers, ${backends} backends`,
      () => model(toYaml(synthSpec({ registers: registers!, seed: 5, backends: backends! }))),
    ]),
  ];

  it.each(cases)("%s", async (_name, build) => {
    const m = build();
    const printed = printRegistersSource(m);
    expect(printedInPrettierStyle(printed)).toBe(true);
    expect(await formatWithPrettier(printed)).toBe(printed);
    const [emitted] = await emitTs(m);
    expect(emitted!.body).toBe(printed);
  });
});

/** The same spec with register and backend names 0–44 characters longer: some lines overflow. */
function lengthened(spec: RandomSpec, k: number): RandomSpec {
  const longer = (name: string, i: number) => "L".repeat((i * 7 + k * 13) % 45) + name;
  const names = new Map(spec.registers.map((r, i) => [r.name, longer(r.name, i)]));
  return {
    ...spec,
    registers: spec.registers.map((r) => ({ ...r, name: names.get(r.name)! })),
    backends: spec.backends.map((b, j) => ({
      ...b,
      name: longer(b.name, j + k),
      listed: b.listed.map((n) => names.get(n)!),
    })),
  };
}

describe("random specs: the output is prettier's formatting of the print, either way", () => {
  const SEED = 8_2026;
  const specs = fc.sample(randomSpec, { seed: SEED, numRuns: 16 });
  const cases = specs.flatMap((spec, k): [string, string][] => [
    [`random ${k}`, specYaml(spec, `r${k}`)],
    [`random ${k}, long names`, specYaml(lengthened(spec, k), `l${k}`)],
  ]);
  it.each(cases)(`%s (seed ${SEED})`, async (_name, text) => {
    const m = model(text);
    const printed = printRegistersSource(m);
    const [emitted] = await emitTs(m);
    expect(emitted!.body).toBe(await formatWithPrettier(printed));
    if (printedInPrettierStyle(printed)) expect(emitted!.body).toBe(printed);
  });

  it("took both ways over the sample", () => {
    // Counted here, from the sample itself, so the test holds when run alone:
    // if either count were 0, one of the two ways would be untested above.
    const kept = cases.filter(([, text]) =>
      printedInPrettierStyle(printRegistersSource(model(text))),
    );
    expect(kept.length).toBeGreaterThan(0);
    expect(cases.length - kept.length).toBeGreaterThan(0);
  });
});

describe("a list ending a statement, around printWidth", () => {
  // A statement whose one-line form is 96–104 characters long, printed as the
  // builders print it: one line up to printWidth, one item per line past it.
  const ctx = tsContext({} as Model);
  const source = (statement: ReturnType<typeof constant>) =>
    ctx.print({ kind: ctx.kinds.SourceFile, statements: [statement] });

  const lengths = Array.from({ length: 9 }, (_, k) => 96 + k);
  // The name is what varies: the one-line form without it is `bare` characters long.
  const arrays = lengths.map((length) => {
    const bare = "export const : Readonly<RegMask> = regMask([Reg.A, Reg.B, Reg.C]);".length;
    const list = bracketed("regMask([", ["Reg.A", "Reg.B", "Reg.C"], "])");
    const name = "N".repeat(length - bare);
    return [
      "regMask([…])",
      length,
      source(constant(ctx, name, "doc", "Readonly<RegMask>", list)),
    ] as const;
  });
  const objects = lengths.map((length) => {
    const bare = "export const : T = { a: A, b: B };".length;
    const list = bracketed("{", ["a: A", "b: B"], "}", true);
    const name = "N".repeat(length - bare);
    return ["{ … }", length, source(constant(ctx, name, "doc", "T", list))] as const;
  });

  it.each([...arrays, ...objects])(
    "%s whose one-line statement is %i characters",
    async (_kind, length, text) => {
      const statementLines = text.split("\n").filter((l) => !l.startsWith("/**"));
      expect(statementLines.length > 2).toBe(length > WIDTH);
      if (length <= WIDTH) expect(statementLines[0]!.length).toBe(length);
      expect(longestLine(text)).toBeLessThanOrEqual(WIDTH);
      expect(await formatWithPrettier(text)).toBe(text);
    },
  );

  it("an empty list stays on the statement's line", async () => {
    const text = source(
      constant(ctx, "E", "doc", "Readonly<RegMask>", bracketed("regMask([", [], "])")),
    );
    expect(text).toContain("export const E: Readonly<RegMask> = regMask([]);");
    expect(await formatWithPrettier(text)).toBe(text);
  });
});
