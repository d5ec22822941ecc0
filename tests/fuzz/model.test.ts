/*
 * Random valid specs through the API: every one generates, and the model's
 * enum order, backend sets and accessor paths agree with the oracle in
 * arbitrary.ts. Cheap, so fast-check runs many cases and shrinks failures;
 * FUZZ_RUNS_MODEL overrides how many.
 */
import fc from "fast-check";
import { generate } from "../../generator/generate/produce";
import { alwaysAvailable, GUARDS, lazySet, randomSpec, specYaml } from "./arbitrary";

const SEED = 20261124;
const RUNS = Number(process.env["FUZZ_RUNS_MODEL"] ?? 100);

it("every random valid spec generates, and the model agrees with the oracle", () => {
  fc.assert(
    fc.property(randomSpec, fc.boolean(), (spec, allCached) => {
      const r = generate({ specPath: "fuzz.yaml", specText: specYaml(spec), allCached });
      if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n"));
      const m = r.model;
      const gprs = spec.registers.filter((x) => x.kind === "gpr");
      const extended = spec.registers.filter((x) => x.kind === "extended");
      // Enum order with every guard defined: gprs, then extended, in spec order.
      expect(m.registers.map((x) => [x.name, x.kind, x.index, x.guard])).toEqual(
        [...gprs, ...extended].map((x, i) => [x.name, x.kind, i, x.guard]),
      );
      expect(m.mask.kind).toBe(spec.mask);
      if (spec.mask === "bitmap")
        expect(m.mask.words).toBe(Math.max(1, Math.ceil(spec.registers.length / 64)));
      for (const [i, b] of spec.backends.entries()) {
        const lazy = lazySet(spec, b);
        const mb = m.backends[i]!;
        expect(mb.name).toBe(b.name);
        expect(mb.lazy.map((x) => x.name)).toEqual(
          m.registers.map((x) => x.name).filter((n) => lazy.has(n)),
        );
        expect(mb.available.map((x) => x.name)).toEqual(
          m.registers.map((x) => x.name).filter((n) => !lazy.has(n)),
        );
      }
      expect(m.accessors.map((a) => [a.register.name, a.path])).toEqual(
        gprs.map((g) => [
          g.name,
          !allCached && alwaysAvailable(spec, g.name) ? "direct" : "cached",
        ]),
      );
      // The C says the same about guards: one #ifdef per guard run, never an unknown one.
      const headers = r.files.map((f) => f.contents).join("\n");
      for (const g of headers.matchAll(/^#ifdef (\w+)$/gm)) expect(GUARDS).toContain(g[1]);
    }),
    { seed: SEED, numRuns: RUNS },
  );
});
