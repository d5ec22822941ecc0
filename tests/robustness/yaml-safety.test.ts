/*
 * YAML safety: alias bombs are refused quickly, keys like __proto__ are plain
 * data through generation, and no tag is resolved beyond plain YAML. How a
 * spec file is read (its size limit, a device refused) and the parser's own
 * objects are tests/unit/core/spec/parse.test.ts's.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { generate } from "../../generator/generate/produce";
import { MAX_ALIAS_NODES, parseSpec } from "../../generator/core/spec/parse";
import { MAX_ALIASES } from "../../generator/core/spec/limits";
import { smallSpec, specText } from "./specs";
import { repoRoot, runMain, tempDir } from "./run";

const HEAD =
  "regcache: 1\nname: t\nmask: u32\nregisters:\n  gpr: [rax]\nbackends:\n  vmx: { lazy: [] }\n";

const codes = (text: string) => {
  const r = generate({ specPath: "s.yaml", specText: text });
  return r.ok ? [] : r.diagnostics.map((d) => d.code);
};

/** Nine levels of ten aliases each: 10^9 nodes if expanded. */
function billionLaughs(): string {
  let text = HEAD + "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (let i = 1; i <= 9; i++)
    text += `a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(", ")}]\n`;
  return text;
}

describe("alias expansion", () => {
  it("refuses a billion-laughs document quickly", () => {
    const text = billionLaughs();
    const start = process.hrtime.bigint();
    const got = codes(text);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    expect(got).toEqual(["RC118"]);
    // The real figure is far lower (see the report); this bound only catches an exponential walk.
    expect(ms).toBeLessThan(5000);
  });

  it("refuses a wide fan-out of a big anchor (quadratic blow-up), within the alias count", () => {
    const big = `big: &big [${Array.from({ length: 2000 }, (_, i) => `r${i}`).join(", ")}]\n`;
    const refs = `refs: [${Array.from({ length: MAX_ALIASES }, () => "*big").join(", ")}]\n`;
    expect(codes(HEAD + big + refs)).toEqual(["RC118"]);
  });

  it("refuses more aliases than the limit before expanding any (RC132)", () => {
    const refs = (n: number) => `refs: [${Array.from({ length: n }, () => "*one").join(", ")}]\n`;
    const one = "one: &one r0\n";
    expect(codes(HEAD + one + refs(MAX_ALIASES + 1))).toEqual(["RC132"]);
    // At the limit the aliases are expanded, and the unknown keys are what is wrong.
    expect(codes(HEAD + one + refs(MAX_ALIASES))).toEqual(["RC102", "RC102"]);
  });

  it("still expands a modest alias (a shared list)", () => {
    const text = specText(smallSpec).replace("lazy:\n", "lazy: &shared\n");
    const r = parseSpec({ displayPath: "s.yaml", text: text + "x: *shared\n" });
    expect(r.ok).toBe(true);
    expect(MAX_ALIAS_NODES).toBeGreaterThanOrEqual(1000);
  });
});

describe("keys are plain data", () => {
  afterEach(() => {
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  it("reports a __proto__ key as unknown, and a __proto__ backend as reserved", () => {
    expect(codes(HEAD + "__proto__: { polluted: true }\n")).toEqual(["RC102"]);
    expect(codes(HEAD.replace("vmx:", "__proto__:"))).toEqual(["RC108"]);
  });

  it("accepts 'constructor' and 'toString' as ordinary names", () => {
    const r = generate({
      specPath: "s.yaml",
      specText: specText({
        gpr: ["rax", "constructor", "toString", "hasOwnProperty", "valueOf"],
        backends: { constructor: { lazy: ["toString"] }, prototype: { available: ["valueOf"] } },
      }),
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.model.backends.map((b) => b.name)).toEqual(["constructor", "prototype"]);
    const regs = r.files.find((f) => f.path === "c/kvm_regs.h")!.contents;
    expect(regs).toMatch(/#define CONSTRUCTOR_REGS_LAZY_LOAD_SET/);
    expect(r.model.registers.find((x) => x.name === "toString")!.lazyIn).toEqual([
      "constructor",
      "prototype",
    ]);
    expect(r.model.registers.find((x) => x.name === "valueOf")!.lazyIn).toEqual([]);
  });

  it("does not merge '<<' keys", () => {
    expect(codes(HEAD + "base: &b { x: 1 }\nother:\n  <<: *b\n")).toContain("RC102");
  });
});

describe("tags", () => {
  it.each([
    ["!!js/function", 'mask: !!js/function "function () { return 1 }"'],
    ["!!js/undefined", "mask: !!js/undefined ~"],
    ["!foo", "mask: !foo u32"],
    ["!!python/object", "mask: !!python/object:os.system u32"],
    ["!!binary", "mask: !!binary dTMy"],
    ["!!set", "mask: !!set { u32 }"],
    ["!!timestamp", "mask: !!timestamp 2001-12-14"],
    ["a %TAG redirect of !!", "%TAG !! tag:evil.example,2000:\n---\nregcache: 1\nmask: !!str u32"],
    [
      "a %TAG alias of the yaml.org prefix",
      "%TAG !e! tag:yaml.org,2002:\n---\nmask: !e!js/function x",
    ],
  ])("refuses %s", (_name, line) => {
    const text = line.includes("---") ? line : HEAD.replace("mask: u32", line);
    expect(codes(text)).toContain("RC119");
  });

  it("allows the core schema's own tags", () => {
    expect(
      codes(
        HEAD.replace("mask: u32", "mask: !!str u32").replace("regcache: 1", "regcache: !!int 1"),
      ),
    ).toEqual([]);
  });
});

describe("a recursive alias is a spec diagnostic in every command that reads a spec", () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir("recursive-alias");
    fs.writeFileSync(path.join(dir, "bad.yaml"), HEAD + "a: &a [*a]\n");
    fs.copyFileSync(path.join(repoRoot, "spec", "x86-kvm.yaml"), path.join(dir, "good.yaml"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each([
    ["generate", ["generate", "--spec", "bad.yaml", "--out", "out"]],
    ["check", ["check", "--spec", "bad.yaml", "--out", "out"]],
    ["size", ["size", "--spec", "bad.yaml"]],
    ["size --base", ["size", "--spec", "good.yaml", "--base", "bad.yaml"]],
  ])("%s: RC131 at the alias, exit 2, nothing written", async (_name, argv) => {
    const r = await runMain(argv, dir);
    expect(r.stderr).toMatch(
      /^bad\.yaml:8:8: error RC131: alias '\*a' refers to a node that contains it$/m,
    );
    expect(r.code).toBe(2);
    expect(fs.readdirSync(dir).sort()).toEqual(["bad.yaml", "good.yaml"]);
  });
});
