/*
 * Random valid specs for the property tests, and an oracle that says what
 * the generator must make of them, computed here from the spec alone (never
 * from the model): enum values under a set of defined guards, each backend's
 * lazily loaded set, and which registers are always available.
 */
import fc from "fast-check";
import { stringify } from "yaml";

export const GUARDS = ["CONFIG_G0", "CONFIG_G1", "CONFIG_G2"] as const;

export interface RandomRegister {
  readonly name: string;
  readonly kind: "gpr" | "extended";
  readonly guard?: string;
  readonly doc?: string;
}

export interface RandomBackend {
  readonly name: string;
  readonly declared: "lazy" | "available";
  readonly listed: readonly string[];
  readonly doc?: string;
}

export interface RandomSpec {
  readonly mask: "u32" | "u64" | "bitmap";
  readonly registers: readonly RandomRegister[];
  readonly backends: readonly RandomBackend[];
}

/**
 * Names are a random identifier stem plus a unique suffix ("x7" for the 7th
 * register, "b2" for the 3rd backend): random-looking, yet never a keyword,
 * never reserved, and never colliding once upper-cased or camel-cased.
 */
const stem = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9]{0,5}$/);

/**
 * Doc strings with anything in them, comment terminators and line breaks
 * included: built from pieces (cheaper than fast-check's string arbitraries,
 * which dominated the fuzz run's time).
 */
const DOC_PIECES = [
  "a",
  "B",
  "7",
  " ",
  " ",
  "word",
  "*/",
  "/*",
  "*",
  "/",
  "\n",
  "\r",
  "\t",
  "#",
  "#define X",
  "#include <x.h>",
  "\\",
  "??/",
  "??=",
  "\u2028",
  "\u2029",
  "é",
  "😀",
  "中",
  "\u0000",
  "\u001b[31m",
  "\u202e",
  "'",
  '"',
  "{{x}}",
];
const docText = fc
  .array(fc.constantFrom(...DOC_PIECES), { maxLength: 12 })
  .map((pieces) => pieces.join(""));

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { freq: 4, nil: undefined });

const registerCount = fc.oneof(
  fc.integer({ min: 1, max: 32 }),
  fc.integer({ min: 33, max: 64 }),
  fc.integer({ min: 65, max: 200 }),
);

function masksFor(total: number): ("u32" | "u64" | "bitmap")[] {
  if (total <= 32) return ["u32", "u64", "bitmap"];
  if (total <= 64) return ["u64", "bitmap"];
  return ["bitmap"];
}

/** Specs of 1–200 registers; `specsOf` for other sizes (the mutation fuzz uses small ones). */
export const randomSpec: fc.Arbitrary<RandomSpec> = specsOf(registerCount);

export function specsOf(counts: fc.Arbitrary<number>): fc.Arbitrary<RandomSpec> {
  return counts.chain((total) =>
    fc
      .record({
        // Any split, including no extended register and a guarded first one (see compile.test.ts).
        gprCount: fc.integer({ min: 1, max: total }),
        stems: fc.array(stem, { minLength: total, maxLength: total }),
        guards: fc.array(fc.option(fc.constantFrom(...GUARDS), { freq: 3, nil: undefined }), {
          minLength: total,
          maxLength: total,
        }),
        docs: fc.array(maybe(docText), { minLength: total, maxLength: total }),
        mask: fc.constantFrom(...masksFor(total)),
        backends: fc.array(
          fc.record({
            stem,
            declared: fc.constantFrom("lazy" as const, "available" as const),
            members: fc.shuffledSubarray(
              Array.from({ length: total }, (_, i) => i),
              { minLength: 0, maxLength: total },
            ),
            doc: maybe(docText),
          }),
          { minLength: 1, maxLength: 6 },
        ),
      })
      .map(({ gprCount, stems, guards, docs, mask, backends }) => {
        const registers: RandomRegister[] = stems.map((s, i) => ({
          name: `${s}x${i}`,
          kind: i < gprCount ? "gpr" : "extended",
          ...(guards[i] !== undefined ? { guard: guards[i] } : {}),
          ...(docs[i] !== undefined ? { doc: docs[i] } : {}),
        }));
        return {
          mask,
          registers,
          backends: backends.map((b, j) => ({
            name: `${b.stem}b${j}`,
            declared: b.declared,
            listed: b.members.map((i) => registers[i]!.name),
            ...(b.doc !== undefined ? { doc: b.doc } : {}),
          })),
        };
      }),
  );
}

export function specYaml(spec: RandomSpec, name = "fuzz"): string {
  const entry = (r: RandomRegister) =>
    r.guard || r.doc !== undefined
      ? {
          name: r.name,
          ...(r.guard ? { when: r.guard } : {}),
          ...(r.doc !== undefined ? { doc: r.doc } : {}),
        }
      : r.name;
  const gpr = spec.registers.filter((r) => r.kind === "gpr").map(entry);
  const extended = spec.registers.filter((r) => r.kind === "extended").map(entry);
  return stringify(
    {
      regcache: 1,
      name,
      mask: spec.mask,
      registers: { gpr, ...(extended.length ? { extended } : {}) },
      backends: Object.fromEntries(
        spec.backends.map((b) => [
          b.name,
          { [b.declared]: b.listed, ...(b.doc !== undefined ? { doc: b.doc } : {}) },
        ]),
      ),
    },
    { lineWidth: 0 },
  );
}

// ---- the oracle ----

/** Registers present when exactly `defined` guards are defined, in enum order, with their values. */
export function enumValues(spec: RandomSpec, defined: ReadonlySet<string>): Map<string, number> {
  const present = spec.registers.filter((r) => !r.guard || defined.has(r.guard));
  const values = new Map<string, number>();
  present.filter((r) => r.kind === "gpr").forEach((r, i) => values.set(r.name, i));
  const nr = values.size;
  present.filter((r) => r.kind === "extended").forEach((r, i) => values.set(r.name, nr + i));
  return values;
}

export function gprCount(spec: RandomSpec, defined: ReadonlySet<string>): number {
  return spec.registers.filter((r) => r.kind === "gpr" && (!r.guard || defined.has(r.guard)))
    .length;
}

/** The registers a backend loads lazily: its list, or everything its 'available' list leaves out. */
export function lazySet(spec: RandomSpec, b: RandomBackend): Set<string> {
  const listed = new Set(b.listed);
  return new Set(
    spec.registers
      .map((r) => r.name)
      .filter((n) => (b.declared === "lazy" ? listed.has(n) : !listed.has(n))),
  );
}

export function alwaysAvailable(spec: RandomSpec, name: string): boolean {
  return spec.backends.every((b) => !lazySet(spec, b).has(name));
}

/** A set as the C program prints it: one '0'/'1' per enum value. */
export function setBits(values: Map<string, number>, members: (name: string) => boolean): string {
  const bits = Array.from({ length: values.size }, () => "0");
  for (const [name, v] of values) if (members(name)) bits[v] = "1";
  return bits.join("");
}
