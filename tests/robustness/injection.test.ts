/*
 * No spec can inject code: hostile names are refused before the model is
 * built, hostile doc strings and spec paths end up inside comments (the
 * generated C compiles with -Werror and defines nothing extra), and output
 * paths stay inside --out.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { generate } from "../../generator/generate/produce";
import { confinedPath, OutputPathError } from "../../generator/output/writer";
import { buildDist, repoRoot, runMain, snapshot, spawnCli, tempDir } from "./run";
import { smallSpec, specText, type SpecShape } from "./specs";

const HOSTILE_NAMES = [
  "a*/b",
  "x\n#define EVIL 1",
  "x\r\n#include <evil.h>",
  "a\\\nb",
  "a\u2028b",
  "a\u2029#define",
  "a/*",
  "a b",
  "a;int evil",
  "a\u0000b",
  "é",
  "a\u202eb",
  "",
];

function generateFrom(shape: SpecShape, specPath = "hostile.yaml") {
  return generate({ specPath, specText: specText(shape), displayPath: specPath });
}

describe.each(HOSTILE_NAMES.map((n) => [JSON.stringify(n), n] as const))("name %s", (_, bad) => {
  it("is refused as a register name", () => {
    const r = generateFrom({ ...smallSpec, gpr: [...smallSpec.gpr, bad] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostics.map((d) => d.code)).toEqual(["RC106"]);
  });
  it("is refused as a backend name", () => {
    const r = generateFrom({
      ...smallSpec,
      backends: { ...smallSpec.backends, [bad]: { lazy: [] } },
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostics.map((d) => d.code)).toEqual(["RC106"]);
  });
  it("is refused as a guard", () => {
    const r = generateFrom({ ...smallSpec, gpr: [...smallSpec.gpr, { name: "r9", when: bad }] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostics.map((d) => d.code)).toEqual(["RC113"]);
  });
  it("is refused as the spec name", () => {
    const r = generateFrom({ ...smallSpec, name: bad });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostics.map((d) => d.code)).toEqual(["RC121"]);
  });
  it("prints on one line, escaped, in the diagnostic", async () => {
    const dir = tempDir("inject");
    fs.writeFileSync(
      path.join(dir, "s.yaml"),
      specText({ ...smallSpec, gpr: [...smallSpec.gpr, bad] }),
    );
    const r = await runMain(["generate", "--spec", "s.yaml", "--out", "out"], dir);
    const first = r.stderr.split("\n")[0]!;
    expect(first).toMatch(/^s\.yaml:\d+:\d+: error RC106: '.*' is not a valid register name$/);
    expect(r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u2028\u2029\u202e]/);
  });
});

/** Doc strings that would break out of a comment or start a preprocessor line if pasted raw. */
const HOSTILE_DOCS = [
  "ends the comment */ int injected_symbol; /*",
  "line one\n#include <evil_header.h>\n#define EVIL 1",
  "backslash at the end \\\n#error spliced onto the next line",
  "unicode separators\u2028#error ls\u2029#error ps",
  "carriage return\r#error cr",
  "opens a comment /* inside",
  "trigraph ??/\n#error trigraph",
  "*/\n#error after close\n/*",
  "tab\there and a form feed\f#error ff",
  "nul \u0000 and escape \u001b[31m",
  "trojan source \u202e reversed \u2066 isolate \u200f mark",
  "a very long word " + "x".repeat(300) + " */ #error long",
];

function cCompiles(dir: string, defines: string[]): { ok: boolean; output: string } {
  const probe = path.join(dir, "probe.c");
  fs.writeFileSync(
    probe,
    [
      '#include "kvm_cache_regs.h"',
      "struct kvm_x86_ops *kvm_x86_ops;",
      "#if defined(EVIL)",
      '#error "a doc string defined a macro"',
      "#endif",
      "/* A doc string that declared this as a variable would clash with the function. */",
      "void injected_symbol(void);",
      "unsigned long probe(struct kvm_vcpu *v) { return kvm_rax_read(v) + kvm_rsp_read(v); }",
      "",
    ].join("\n"),
  );
  try {
    execFileSync(
      "gcc",
      [
        "-std=gnu11",
        "-O2",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-fsyntax-only",
        ...defines.map((d) => `-D${d}`),
        `-I${path.join(dir, "c")}`,
        `-I${path.join(repoRoot, "runtime", "include")}`,
        probe,
      ],
      { stdio: "pipe", encoding: "utf8" },
    );
    return { ok: true, output: "" };
  } catch (err) {
    const e = err as { stderr?: string };
    return { ok: false, output: e.stderr ?? String(err) };
  }
}

describe("hostile doc strings and spec paths", () => {
  const shape: SpecShape = {
    ...smallSpec,
    doc: HOSTILE_DOCS.join(" | "),
    gpr: [
      ...smallSpec.gpr.map((g, i) =>
        typeof g === "string" ? { name: g, doc: HOSTILE_DOCS[i % HOSTILE_DOCS.length]! } : g,
      ),
    ],
    extended: [{ name: "pdptr", doc: HOSTILE_DOCS[3]! }],
    backends: {
      vmx: { lazy: ["rip", "rsp", "pdptr"], doc: HOSTILE_DOCS[1]! },
      svm: { available: ["rax"], doc: HOSTILE_DOCS[0]! },
    },
  };

  it.each([
    ["macro", false],
    ["expanded", false],
    ["macro", true],
  ] as const)("stay inside comments (%s style, all-cached %s)", (cStyle, allCached) => {
    const hostilePath = "spec */ #error path\n#define EVIL 1.yaml";
    const r = generate({
      specPath: hostilePath,
      specText: specText(shape),
      displayPath: hostilePath,
      bannerSpecPath: hostilePath,
      outDir: "out */ #error",
      cStyle,
      allCached,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const dir = tempDir("inject-doc");
    for (const f of r.files) {
      fs.mkdirSync(path.join(dir, path.dirname(f.path)), { recursive: true });
      fs.writeFileSync(path.join(dir, f.path), f.contents);
      // No line of output is a preprocessor line the templates didn't write.
      for (const line of f.contents.split("\n")) {
        expect(line).not.toMatch(/^\s*#\s*(include\s*<evil|error|define EVIL)/);
      }
      expect(f.contents).not.toMatch(
        /[\u2028\u2029\r\f\u0000\u001b\u202a-\u202e\u2066-\u2069\u200e\u200f]/,
      );
    }
    for (const defines of [[], ["CONFIG_X86_64"]]) {
      const c = cCompiles(dir, defines);
      expect(c.output).toBe("");
      expect(c.ok).toBe(true);
    }
  });
});

describe("output paths stay inside --out", () => {
  beforeAll(() => buildDist());

  const out = "/tmp/regcache-confined-out";
  it.each([
    "../escape.h",
    "c/../../escape.h",
    "/etc/passwd",
    "c//kvm_regs.h",
    "..",
    "c/..",
    "..\\escape.h",
    "",
  ])("refuses %j", (rel) => {
    expect(() => confinedPath(out, rel)).toThrow(OutputPathError);
  });

  it("accepts a plain relative path", () => {
    expect(confinedPath(out, "c/kvm_regs.h")).toBe(path.join(out, "c", "kvm_regs.h"));
  });

  it("refuses to write through a symlinked subdirectory that leads outside", () => {
    const dir = tempDir("symlink");
    const outside = path.join(dir, "outside");
    fs.mkdirSync(outside);
    fs.mkdirSync(path.join(dir, "out"));
    fs.symlinkSync(outside, path.join(dir, "out", "c"));
    expect(() => confinedPath(path.join(dir, "out"), "c/kvm_regs.h")).toThrow(OutputPathError);
  });

  it("refuses to replace a symlinked output file", () => {
    const dir = tempDir("symlink");
    const victim = path.join(dir, "victim.h");
    fs.writeFileSync(victim, "precious\n");
    fs.mkdirSync(path.join(dir, "out", "c"), { recursive: true });
    fs.symlinkSync(victim, path.join(dir, "out", "c", "kvm_regs.h"));
    expect(() => confinedPath(path.join(dir, "out"), "c/kvm_regs.h")).toThrow(OutputPathError);
    expect(fs.readFileSync(victim, "utf8")).toBe("precious\n");
  });

  it("generate through a symlinked out/c: refused with exit 2, nothing outside touched", async () => {
    const dir = tempDir("symlink");
    const outside = path.join(dir, "outside");
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, "kvm_regs.h"), "precious\n");
    fs.mkdirSync(path.join(dir, "out"));
    fs.symlinkSync(outside, path.join(dir, "out", "c"));
    fs.writeFileSync(path.join(dir, "s.yaml"), specText(smallSpec));
    const before = snapshot(outside);
    // Spawned: a valid spec reaches the TypeScript target, whose prettier needs a real node.
    const r = await spawnCli(["generate", "--spec", "s.yaml", "--out", "out"], { cwd: dir });
    expect(r.stderr).toMatch(/refusing to write through the symbolic link/);
    expect(r.code).toBe(2);
    expect(snapshot(outside)).toEqual(before);
  });
});
