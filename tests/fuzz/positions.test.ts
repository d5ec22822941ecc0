/*
 * Diagnostic positions where the mutation knows them: a random valid spec
 * gets one damage whose place is known exactly (an unknown key added to a
 * random mapping; a backend list entry renamed to a register nobody
 * declared), and the diagnostic for it must span exactly that text, with the
 * line and column a reader counts in the file (1-based, computed here).
 */
import fc from "fast-check";
import { parseDocument } from "yaml";
import { generate } from "../../generator/generate/produce";
import { formatDiagnostic, type Diagnostic } from "../../generator/core/diagnostics/diagnostic";
import { specsOf, specYaml } from "./arbitrary";

const SEED = 18_2026;
const RUNS = Number(process.env["FUZZ_RUNS_POSITIONS"] ?? 200);
const specs = specsOf(fc.integer({ min: 2, max: 16 }));

/** 1-based line and column of an offset, counted in the text itself. */
function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset).split("\n");
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

function diagnosticsOf(text: string): readonly Diagnostic[] {
  const r = generate({ specPath: "fuzz.yaml", specText: text });
  if (r.ok) throw new Error(`the damaged spec generated:\n${text}`);
  return r.diagnostics;
}

/** The one diagnostic with `code` spanning exactly [start, end), printed with its line:col. */
function expectAt(text: string, code: string, start: number, end: number): void {
  const ds = diagnosticsOf(text);
  const at = ds
    .filter((d) => d.code === code && d.span?.start === start && d.span?.end === end)
    .map((d) => formatDiagnostic(d).split("\n")[0]);
  expect({
    found: at.length,
    all: ds.map((d) => [d.code, d.span?.start, d.span?.end]),
  }).toMatchObject({
    found: 1,
  });
  expect(at[0]).toMatch(new RegExp(`^fuzz\\.yaml:${lineCol(text, start)}: error ${code}: `));
}

test(`an unknown key added to a random mapping is pointed at exactly (seed ${SEED})`, () => {
  fc.assert(
    fc.property(specs, fc.nat(), (spec, pick) => {
      const doc = parseDocument(specYaml(spec));
      // Mappings the schema closes: the top level, registers, each backend.
      const targets: (string | number)[][] = [[], ["registers"]];
      for (const b of spec.backends) targets.push(["backends", b.name]);
      const where = targets[pick % targets.length]!;
      doc.setIn([...where, "lazzy"], 1);
      const text = doc.toString({ lineWidth: 0 });
      const start = text.indexOf("lazzy:");
      expect(text.indexOf("lazzy:", start + 1)).toBe(-1);
      expectAt(text, "RC102", start, start + "lazzy".length);
    }),
    { seed: SEED, numRuns: RUNS },
  );
});

test(`a backend list entry renamed to an undeclared register is pointed at exactly (seed ${SEED})`, () => {
  fc.assert(
    fc.property(specs, fc.nat(), fc.nat(), (spec, whichBackend, whichEntry) => {
      const backend = spec.backends[whichBackend % spec.backends.length]!;
      if (backend.listed.length === 0) return;
      const doc = parseDocument(specYaml(spec));
      doc.setIn(
        ["backends", backend.name, backend.declared, whichEntry % backend.listed.length],
        "zz_undeclared",
      );
      const text = doc.toString({ lineWidth: 0 });
      const start = text.indexOf("zz_undeclared");
      expectAt(text, "RC104", start, start + "zz_undeclared".length);
    }),
    { seed: SEED, numRuns: RUNS },
  );
});
