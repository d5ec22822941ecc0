/*
 * Mutation fuzz: small random valid specs, broken at random (keys deleted,
 * types swapped, hostile names injected, entries duplicated, the YAML text or
 * its bytes damaged), go through the API. Each either generates or yields
 * diagnostics that are well formed: known codes, spans inside the text, one
 * "file:line:col: error RCxxx: message" line each. It must never throw. A
 * sample also goes through main(), where an invalid spec must exit 2.
 * Seeded and reproducible: FUZZ_SEED and FUZZ_RUNS override the defaults.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { parse as parseYaml, stringify } from "yaml";
import { generate } from "../../generator/generate/produce";
import { formatDiagnostic, type Diagnostic } from "../../generator/core/diagnostics/diagnostic";
import { messages } from "../../generator/core/diagnostics/catalog";
import { runMain, tempDir } from "../robustness/run";
import { specsOf, specYaml } from "./arbitrary";

const SEED = Number(process.env["FUZZ_SEED"] ?? 424242);
const RUNS = Number(process.env["FUZZ_RUNS"] ?? 2000);

const HOSTILE = [
  "a*/b",
  "x\n#define EVIL",
  "int",
  "__x",
  "_X",
  "rax rbx",
  "",
  "9a",
  "linux",
  "é",
  "a\u2028b",
];
const ODD_VALUES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  true,
  "",
  "u32",
  [],
  {},
  ["x"],
  { name: "x" },
  "a".repeat(300),
];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a value in a JSON-like tree. */
function paths(v: Json, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (v && typeof v === "object")
    for (const k of Object.keys(v)) out.push(...paths(v[k]!, [...at, k]));
  return out;
}

function parentOf(root: Json, p: (string | number)[]): Json | undefined {
  let v: Json | undefined = root;
  for (const k of p.slice(0, -1))
    v = v && typeof v === "object" ? (v as Record<string, Json>)[k as string] : undefined;
  return v;
}

/** One structural or textual mutation, chosen and placed by `pick` (a number in [0, 1)). */
type Mutation = (yaml: string, pick: number[]) => string;

const structural =
  (f: (root: Json, p: (string | number)[], pick: number[]) => void): Mutation =>
  (yaml, pick) => {
    let root: Json;
    try {
      root = parseYaml(yaml, { uniqueKeys: false }) as Json;
    } catch {
      return yaml; // already broken by an earlier step: leave it so
    }
    const all = paths(root).filter((p) => p.length > 0);
    if (all.length === 0) return yaml;
    f(root, all[Math.floor(pick[0]! * all.length)]!, pick);
    return stringify(root, { lineWidth: 0 });
  };

const set = (root: Json, p: (string | number)[], value: Json | undefined) => {
  const parent = parentOf(root, p) as Record<string | number, Json> | Json[] | undefined;
  if (!parent || typeof parent !== "object") return;
  const key = p[p.length - 1]!;
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete (parent as Record<string, Json>)[key];
  } else (parent as Record<string | number, Json>)[key] = value;
};

const choose = <T>(xs: readonly T[], r: number): T => xs[Math.floor(r * xs.length)]!;

const MUTATIONS: Record<string, Mutation> = {
  deleteKey: structural((root, p) => set(root, p, undefined)),
  swapType: structural((root, p, pick) => set(root, p, choose(ODD_VALUES, pick[1]!) as Json)),
  hostileName: structural((root, p, pick) => {
    const bad = choose(HOSTILE, pick[1]!);
    const parent = parentOf(root, p);
    const key = p[p.length - 1]!;
    if (parent && typeof parent === "object" && !Array.isArray(parent) && typeof key === "string") {
      // Rename a key (a backend, say) to a hostile name.
      const obj = parent as Record<string, Json>;
      obj[bad] = obj[key]!;
      delete obj[key];
    } else set(root, p, bad);
  }),
  duplicateEntry: structural((root, p) => {
    const parent = parentOf(root, p);
    if (Array.isArray(parent))
      parent.push(JSON.parse(JSON.stringify(parent[p[p.length - 1] as number])) as Json);
    else set(root, p, [JSON.parse(JSON.stringify(parentOf(root, [...p, 0]) ?? null)) as Json]);
  }),
  addUnknownKey: structural((root, p, pick) => {
    const parent = parentOf(root, p);
    if (parent && typeof parent === "object" && !Array.isArray(parent))
      (parent as Record<string, Json>)[
        choose(["lazzy", "regs", "__proto__", "constructor", "when"], pick[1]!)
      ] = 1;
  }),
  insertChar: (yaml, pick) => {
    const at = Math.floor(pick[0]! * (yaml.length + 1));
    return (
      yaml.slice(0, at) +
      choose(
        [":", "-", "[", "]", "{", "}", "&a ", "*a", "!x ", "\t", "'", '"', "#", "\n", "\r", "? "],
        pick[1]!,
      ) +
      yaml.slice(at)
    );
  },
  deleteSpan: (yaml, pick) => {
    const at = Math.floor(pick[0]! * yaml.length);
    return yaml.slice(0, at) + yaml.slice(at + 1 + Math.floor(pick[1]! * 20));
  },
  duplicateLine: (yaml, pick) => {
    const lines = yaml.split("\n");
    const i = Math.floor(pick[0]! * lines.length);
    lines.splice(i, 0, lines[i]!);
    return lines.join("\n");
  },
  tabIndent: (yaml, pick) => {
    const lines = yaml.split("\n");
    const i = Math.floor(pick[0]! * lines.length);
    lines[i] = lines[i]!.replace(/^ +/, "\t");
    return lines.join("\n");
  },
  truncate: (yaml, pick) => yaml.slice(0, Math.floor(pick[0]! * yaml.length)),
  crlf: (yaml) => yaml.replace(/\n/g, "\r\n"),
};

const mutationNames = Object.keys(MUTATIONS);
const smallSpecs = specsOf(fc.integer({ min: 2, max: 24 }));
const mutated = fc.record({
  spec: smallSpecs,
  steps: fc.array(
    fc.record({
      name: fc.constantFrom(...mutationNames),
      pick: fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
        minLength: 2,
        maxLength: 2,
      }),
    }),
    { minLength: 0, maxLength: 3 },
  ),
  // Damage the bytes too, now and then: a byte that is not UTF-8.
  badByte: fc.oneof(
    { arbitrary: fc.constant(null), weight: 9 },
    {
      arbitrary: fc.tuple(
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 0x80, max: 0xff }),
      ),
      weight: 1,
    },
  ),
});

function checkDiagnostics(text: string, ds: readonly Diagnostic[]): void {
  expect(ds.length).toBeGreaterThan(0);
  for (const d of ds) {
    expect(Object.keys(messages)).toContain(d.code);
    if (d.span) {
      expect(d.span.start).toBeGreaterThanOrEqual(0);
      expect(d.span.end).toBeLessThanOrEqual(Math.max(text.length, d.file.text.length) + 1);
    }
    const printed = formatDiagnostic(d);
    expect(printed).toMatch(/^[^\n]+(:\d+:\d+)?: error RC\d{3}: [^\n]+\n/);
    expect(printed).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u2028\u2029]/);
  }
}

it(`${RUNS} mutated specs (seed ${SEED}) generate or give well-formed diagnostics, never a crash`, () => {
  const dir = tempDir("mutations");
  const tally: Record<string, number> = { ok: 0 };
  const start = Date.now();
  fc.assert(
    fc.property(mutated, ({ spec, steps, badByte }) => {
      let text = specYaml(spec);
      for (const s of steps) text = MUTATIONS[s.name]!(text, s.pick);
      let result;
      if (badByte) {
        // Through the file reader, so the bytes are decoded as a user's file would be.
        const bytes = Buffer.from(text, "utf8");
        const at = Math.floor(badByte[0] * (bytes.length + 1));
        const file = path.join(dir, "bytes.yaml");
        fs.writeFileSync(
          file,
          Buffer.concat([bytes.subarray(0, at), Buffer.from([badByte[1]]), bytes.subarray(at)]),
        );
        result = generate({ specPath: file, displayPath: "bytes.yaml" });
      } else result = generate({ specPath: "fuzz.yaml", specText: text });
      if (result.ok) {
        tally["ok"]!++;
        expect(result.files.length).toBeGreaterThan(0);
        for (const f of result.files)
          expect(f.contents).toMatch(/^\/\*\n \* DO NOT EDIT: generated by regcache/);
      } else {
        for (const d of result.diagnostics) tally[d.code] = (tally[d.code] ?? 0) + 1;
        checkDiagnostics(text, result.diagnostics);
      }
    }),
    { seed: SEED, numRuns: RUNS },
  );
  const seconds = (Date.now() - start) / 1000;
  // The mix is part of the result: a fuzz that never reaches the validator proves little.
  process.stdout.write(
    `mutation fuzz: ${RUNS} specs in ${seconds.toFixed(1)} s; ${JSON.stringify(tally)}\n`,
  );
  expect(tally["ok"]).toBeGreaterThan(RUNS / 20);
  expect(Object.keys(tally).length).toBeGreaterThanOrEqual(Math.min(10, RUNS / 100));
});

it("through main(), invalid mutants exit 2 with every diagnostic printed, and nothing written", async () => {
  const samples = fc.sample(mutated, { seed: SEED + 1, numRuns: 150 });
  const dir = tempDir("mutations-main");
  let invalid = 0;
  for (const { spec, steps } of samples) {
    let text = specYaml(spec);
    for (const s of steps) text = MUTATIONS[s.name]!(text, s.pick);
    if (generate({ specPath: "m.yaml", specText: text }).ok) continue; // valid ones emit TypeScript: see processes.test.ts
    invalid++;
    fs.writeFileSync(path.join(dir, "m.yaml"), text);
    const r = await runMain(["generate", "--spec", "m.yaml", "--out", "out"], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^m\.yaml(:\d+:\d+)?: error RC\d{3}: /);
    expect(r.stderr).toMatch(/\n\d+ errors?; nothing was written\n$/);
    expect(fs.existsSync(path.join(dir, "out"))).toBe(false);
  }
  expect(invalid).toBeGreaterThan(50);
});
