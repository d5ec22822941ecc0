/*
 * The mask facts shared by validation and the model
 * (generator/core/spec/masks.ts): a u32 holds 32 registers' bits and a u64
 * 64, so a spec with one register more than its fixed-width mask holds is
 * refused (RC111), and one with exactly that many is accepted.
 */
import fc from "fast-check";
import { MASK_BITS } from "../../../../generator/core/spec/masks";
import { parseSpec } from "../../../../generator/core/spec/parse";
import { validateSpec } from "../../../../generator/core/spec/validate";

test("the fixed-width masks hold as many bits as their C types", () => {
  expect(MASK_BITS).toEqual({ u32: 32, u64: 64 });
});

/** The codes validation reports for a spec of n GPRs under a mask. */
function codes(mask: string, n: number): string[] {
  const names = Array.from({ length: n }, (_, i) => `g${i}`);
  const text = [
    "regcache: 1",
    "name: t",
    `mask: ${mask}`,
    "registers:",
    `  gpr: [${names.join(", ")}]`,
    "backends:",
    "  vmx: { lazy: [] }",
    "",
  ].join("\n");
  const parsed = parseSpec({ displayPath: "s.yaml", text });
  if (!parsed.ok) throw new Error("the spec did not parse");
  const r = validateSpec(parsed.doc);
  return r.ok ? [] : r.diagnostics.map((d) => d.code);
}

test.each(Object.entries(MASK_BITS))("a %s mask holds %i registers and no more", (mask, bits) => {
  expect(codes(mask, bits)).toEqual([]);
  expect(codes(mask, bits + 1)).toEqual(["RC111"]);
});

test("validation refuses a mask exactly when the registers outnumber its bits", () => {
  fc.assert(
    fc.property(
      fc.constantFrom("u32", "u64" as const),
      fc.integer({ min: 1, max: 80 }),
      (mask, n) => {
        expect(codes(mask, n)).toEqual(n > MASK_BITS[mask as "u32" | "u64"] ? ["RC111"] : []);
      },
    ),
    { numRuns: 40 },
  );
});

test("a bitmap has no fixed width: 80 registers fit", () => {
  expect(codes("bitmap", 80)).toEqual([]);
});
