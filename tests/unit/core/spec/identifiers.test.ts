/*
 * One collision check for every identifier any target emits
 * (generator/core/spec/identifiers.ts holds the pipeline's order).
 *
 * 1. Completeness: every identifier the emitted files define (C headers and
 *    TypeScript, every spec in spec/, every option) is listed in the model's
 *    identifiers, which the check covers. An emitter that grows a helper not
 *    added to identifiers.ts fails here.
 * 2. The check itself, as a property: specs whose names are built to collide
 *    (in C, in TypeScript, with the generator's own helpers) are accepted
 *    exactly when each target's identifiers are unique, and a rejected one
 *    carries RC120 at the colliding register's or backend's position.
 */
import fc from "fast-check";
import * as fs from "node:fs";
import * as path from "node:path";
import { generateAll, loadModel } from "../../../../generator/generate/produce";
import { lineColOf } from "../../../../generator/core/diagnostics/diagnostic";
import type { CStyle } from "../../../../generator/core/model/types";

const repoRoot = path.resolve(__dirname, "..", "..", "..", "..");
// The bundled specs, and Linux 7.2's written by the ts target (spec/linux-7.2.yaml writes the kernel's).
const specs = [
  ...fs
    .readdirSync(path.join(repoRoot, "spec"))
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => `spec/${f}`),
  "tests/ts/fixtures/linux-7.2-ts.yaml",
];
const options: { cStyle: CStyle; allCached: boolean }[] = [
  { cStyle: "macro", allCached: false },
  { cStyle: "expanded", allCached: false },
  { cStyle: "macro", allCached: true },
  { cStyle: "expanded", allCached: true },
];

/** Identifiers a C header defines at file scope: macros, enum constants, types, functions. */
function cDefinitions(text: string): Set<string> {
  const out = new Set<string>();
  const code = text.replace(/\/\*[^]*?\*\//g, "");
  for (const m of code.matchAll(/^#\s*define\s+(\w+)/gm)) out.add(m[1]!);
  for (const m of code.matchAll(/\benum\s+(\w+)\s*\{([^}]*)\}/g)) {
    out.add(m[1]!);
    for (const c of m[2]!.matchAll(/^\s*(\w+)\s*(?:=[^,\n]*)?,?\s*$/gm)) out.add(c[1]!);
  }
  for (const m of code.matchAll(/\btypedef\b[^;]*?\b(\w+)\s*;/g)) out.add(m[1]!);
  for (const m of code.matchAll(/^static\b[^(;=]*?\b(\w+)\s*\(/gm)) out.add(m[1]!);
  // Accessors built by a macro invocation: BUILD_KVM_…GPR_ACCESSORS(rax, RAX), or
  // in the mode_aware family __BUILD_KVM_GPR_ACCESSORS(r8, R8) (masked read and
  // the raw pair) and BUILD_KVM_GPR_ACCESSORS(ax, RAX) (the 32-bit pair, then
  // the inner macro for rax).
  const modeAware = /^#\s*define\s+__BUILD_KVM_(?:CACHED_)?GPR_ACCESSORS\b/m.test(code);
  const family = (name: string) => [
    `kvm_${name}_read`,
    `kvm_${name}_read_raw`,
    `kvm_${name}_write_raw`,
  ];
  for (const m of code.matchAll(/^(__)?BUILD_KVM_(?:CACHED_)?GPR_ACCESSORS\((\w+),/gm)) {
    const name = m[2]!;
    if (!modeAware) {
      out.add(`kvm_${name}_read`);
      out.add(`kvm_${name}_write`);
    } else if (m[1]) {
      for (const id of family(name)) out.add(id);
    } else {
      out.add(`kvm_e${name}_read`);
      out.add(`kvm_e${name}_write`);
      for (const id of family(`r${name}`)) out.add(id);
    }
  }
  return out;
}

/** Identifiers a TypeScript module declares at top level. */
function tsDefinitions(text: string): Set<string> {
  const out = new Set<string>();
  const re =
    /^(?:export\s+)?(?:declare\s+)?(?:function|const|let|var|enum|interface|type|class)\s+(\w+)/gm;
  for (const m of text.matchAll(re)) out.add(m[1]!);
  return out;
}

describe("every identifier the targets emit is in the model's list, which the check covers", () => {
  test.each(specs.flatMap((s) => options.map((o): [string, typeof o] => [s, o])))(
    "%s %o",
    async (spec, o) => {
      const r = await generateAll({ specPath: path.join(repoRoot, spec), displayPath: spec, ...o });
      if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
      const c = new Set<string>();
      const ts = new Set<string>();
      for (const f of r.files) {
        const defined = f.path.endsWith(".ts")
          ? tsDefinitions(f.contents)
          : cDefinitions(f.contents);
        for (const id of defined) (f.path.endsWith(".ts") ? ts : c).add(id);
      }
      const listed = r.model.identifiers;
      // The extraction finds real definitions (a test that cannot fail is not a test).
      if (r.files.some((f) => f.path.endsWith(".h"))) expect(c.size).toBeGreaterThan(10);
      expect([...c].filter((id) => !listed.c.includes(id))).toEqual([]);
      expect([...ts].filter((id) => !listed.ts.includes(id))).toEqual([]);
      expect(new Set(listed.c).size).toBe(listed.c.length);
      expect(new Set(listed.ts).size).toBe(listed.ts.length);
    },
  );
});

/** Words that make collisions likely: the generator's own vocabulary. */
const WORDS = ["a", "b", "register", "vcpu", "lazy", "load", "set"];
const word = fc.constantFrom(...WORDS);
const casing = fc.constantFrom("lower", "upper", "capital");
const nameArb = fc
  .tuple(
    fc.array(word, { minLength: 1, maxLength: 3 }),
    fc.array(fc.constantFrom("_", "__"), { minLength: 3, maxLength: 3 }),
    casing,
  )
  .map(([words, seps, c]) => {
    const joined = words.map((w, i) => (i === 0 ? w : `${seps[(i - 1) % 3]}${w}`)).join("");
    if (c === "upper") return joined.toUpperCase();
    if (c === "capital") return joined[0]!.toUpperCase() + joined.slice(1);
    return joined;
  });

interface Names {
  readonly gpr: string[];
  readonly extended: string[];
  readonly backends: string[];
}

function specText(n: Names): string {
  const list = (xs: string[]) => `[${xs.join(", ")}]`;
  return [
    "regcache: 1",
    "name: names",
    "mask: bitmap",
    "registers:",
    `  gpr: ${list(n.gpr)}`,
    ...(n.extended.length ? [`  extended: ${list(n.extended)}`] : []),
    "backends:",
    ...n.backends.map((b) => `  ${b}: { lazy: [] }`),
    "",
  ].join("\n");
}

/** The naive oracle: every identifier each target would define, and whether any repeats. */
function collidesSomewhere(n: Names): boolean {
  const upper = (s: string) => s.toUpperCase();
  const camel = (s: string) =>
    s.toLowerCase().replace(/_+([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
  const cFixed = ["kvm_register_read", "kvm_register_write", "kvm_read_edx_eax", "kvm_reg"];
  const tsFixed = [
    "registerRead",
    "registerWrite",
    "readEdxEax",
    "regMask",
    "markDirty",
    "isDirty",
  ];
  const c = [
    ...cFixed,
    ...n.gpr.flatMap((g) => [
      `VCPU_REGS_${upper(g)}`,
      `KVM_REG_BIT_${upper(g)}`,
      `kvm_${g}_read`,
      `kvm_${g}_write`,
    ]),
    ...n.extended.flatMap((e) => [`VCPU_EXREG_${upper(e)}`, `KVM_REG_BIT_${upper(e)}`]),
    ...n.backends.flatMap((b) => [`${upper(b)}_REGS_LAZY_LOAD_SET`, `${upper(b)}_REGS_AVAIL_SET`]),
  ];
  const ts = [
    ...tsFixed,
    ...n.gpr.flatMap((g) => [`${camel(g)}Read`, `${camel(g)}Write`]),
    ...n.backends.flatMap((b) => [`${upper(b)}_REGS_LAZY_LOAD_SET`, `${upper(b)}_REGS_AVAIL_SET`]),
  ];
  return new Set(c).size < c.length || new Set(ts).size < ts.length;
}

test("names built to collide: accepted exactly when unique in every target, else RC120 at the name", () => {
  let rejected = 0;
  let accepted = 0;
  fc.assert(
    fc.property(
      fc.record({
        gpr: fc.uniqueArray(nameArb, {
          minLength: 1,
          maxLength: 5,
          selector: (s) => s.toLowerCase(),
        }),
        extended: fc.uniqueArray(nameArb, { maxLength: 3, selector: (s) => s.toLowerCase() }),
        backends: fc.uniqueArray(nameArb, {
          minLength: 1,
          maxLength: 3,
          selector: (s) => s.toLowerCase(),
        }),
      }),
      (n) => {
        // Names equal ignoring case across the lists are RC105's business, not this check's.
        const regs = [...n.gpr, ...n.extended].map((s) => s.toLowerCase());
        fc.pre(new Set(regs).size === regs.length);
        fc.pre([...n.gpr, ...n.extended, ...n.backends].every((s) => s !== "register"));
        const text = specText(n);
        const r = loadModel({ specPath: "names.yaml", specText: text });
        if (r.ok) {
          accepted++;
          expect(collidesSomewhere(n)).toBe(false);
          for (const ids of Object.values(r.model.identifiers))
            expect(new Set(ids).size).toBe(ids.length);
          return;
        }
        rejected++;
        expect(r.diagnostics.map((d) => d.code)).toEqual(r.diagnostics.map(() => "RC120"));
        expect(collidesSomewhere(n)).toBe(true);
        for (const d of r.diagnostics) {
          // At the colliding register or backend as written in the spec.
          const named = /^(register|backend) '([^']+)'/.exec(d.message)![2]!;
          expect(text.slice(d.span!.start, d.span!.end)).toBe(named);
          expect(lineColOf(text, d.span!.start).line).toBeGreaterThan(4);
        }
      },
    ),
    { numRuns: 400, seed: 20261130 },
  );
  // Both outcomes occur, or the property says little.
  expect(accepted).toBeGreaterThan(20);
  expect(rejected).toBeGreaterThan(20);
});

test("the issue's case: a register named 'Register' is RC120 (TypeScript's registerRead), at its name", () => {
  const text = specText({ gpr: ["rax", "Register"], extended: [], backends: ["vmx"] });
  const r = loadModel({ specPath: "names.yaml", specText: text });
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([
    [
      "RC120",
      "register 'Register' would generate 'registerRead', which the generator already emits",
    ],
  ]);
  expect(lineColOf(text, r.diagnostics[0]!.span!.start)).toMatchObject({ line: 5, col: 14 });
});
