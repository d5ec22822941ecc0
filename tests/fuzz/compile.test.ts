/*
 * Random valid specs → C that compiles with -Werror and behaves as the
 * oracle says. Specs are batched: each becomes one translation unit of a
 * single program (its own copy of the runtime's kvm_host.h beside its headers,
 * its own kvm_x86_ops), built with one gcc invocation per guard setting and
 * run; the program prints every enum value, every backend set (through
 * KVM_BACKENDS and KVM_REG_SET_TEST) and whether each accessor took the cached
 * path, and the test compares that with the oracle.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { generate } from "../../generator/generate/produce";
import { fileTempDir } from "../helpers/temp";
import { repoRoot, tempDir } from "../robustness/run";
import {
  alwaysAvailable,
  enumValues,
  gprCount,
  GUARDS,
  lazySet,
  randomSpec,
  setBits,
  specYaml,
  type RandomSpec,
} from "./arbitrary";

const SEED = 7_2026;
const SPECS = 24;
const CFLAGS = ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror"];

const specs = fc.sample(randomSpec, { seed: SEED, numRuns: SPECS });
const allCached = specs.map((_, k) => k % 5 === 4);
const cStyles = specs.map((_, k): "expanded" | "macro" => (k % 2 ? "expanded" : "macro"));

const enumName = (spec: RandomSpec, name: string) => {
  const r = spec.registers.find((x) => x.name === name)!;
  return `${r.kind === "gpr" ? "VCPU_REGS_" : "VCPU_EXREG_"}${name.toUpperCase()}`;
};

/** The translation unit that prints what spec k's headers say. */
function checker(k: number, spec: RandomSpec): string {
  const guarded = (guard: string | undefined, line: string) =>
    guard ? `#ifdef ${guard}\n${line}\n#endif` : line;
  return [
    `#define kvm_x86_ops kvm_x86_ops_${k}`,
    `#include "s${k}/c/kvm_cache_regs.h"`,
    "#include <stdio.h>",
    "#include <string.h>",
    "struct kvm_x86_ops *kvm_x86_ops;",
    "static int calls;",
    "static void cache_reg(struct kvm_vcpu *vcpu, enum kvm_reg reg)",
    "{ calls++; kvm_register_mark_available(vcpu, reg); }",
    "static struct kvm_x86_ops ops = { .cache_reg = cache_reg };",
    "static void pset(const char *b, const char *kind, kvm_reg_mask_t set)",
    "{",
    `\tprintf("${k} set %s %s ", b, kind);`,
    "\tfor (int i = 0; i < NR_KVM_REG_BITS; i++) putchar('0' + (int)KVM_REG_SET_TEST(set, i));",
    "\tputchar('\\n');",
    "}",
    '#define P(l, U) pset(#l, "lazy", U##_REGS_LAZY_LOAD_SET); pset(#l, "avail", U##_REGS_AVAIL_SET);',
    "#define ACC(l, U) do { struct kvm_vcpu v; memset(&v, 0, sizeof(v)); calls = 0; \\",
    "\t(void)kvm_##l##_read(&v); int r = calls; kvm_##l##_write(&v, 1); \\",
    `\tprintf("${k} acc %s %d%d\\n", #l, r, (int)kvm_register_is_dirty(&v, VCPU_REGS_##U)); } while (0)`,
    `void check_${k}(void);`,
    `void check_${k}(void)`,
    "{",
    "\tkvm_x86_ops = &ops;",
    `\tprintf("${k} nr %d %d\\n", (int)NR_VCPU_REGS, (int)NR_KVM_REG_BITS);`,
    ...spec.registers.map((r) =>
      guarded(
        r.guard,
        `\tprintf("${k} enum %s %d\\n", "${r.name}", (int)${enumName(spec, r.name)});`,
      ),
    ),
    "\tKVM_BACKENDS(P)",
    ...spec.registers
      .filter((r) => r.kind === "gpr")
      .map((r) => guarded(r.guard, `\tACC(${r.name}, ${r.name.toUpperCase()});`)),
    "}",
    "",
  ].join("\n");
}

/** What the program must print for spec k with `defined` guards: the oracle's lines. */
function expected(k: number, spec: RandomSpec, defined: ReadonlySet<string>): string[] {
  const values = enumValues(spec, defined);
  const lines = [`${k} nr ${gprCount(spec, defined)} ${values.size}`];
  for (const [name, v] of values) lines.push(`${k} enum ${name} ${v}`);
  for (const b of spec.backends) {
    const lazy = lazySet(spec, b);
    lines.push(`${k} set ${b.name} lazy ${setBits(values, (n) => lazy.has(n))}`);
    lines.push(`${k} set ${b.name} avail ${setBits(values, (n) => !lazy.has(n))}`);
  }
  for (const r of spec.registers) {
    if (r.kind !== "gpr" || !values.has(r.name)) continue;
    const cached = allCached[k] || !alwaysAvailable(spec, r.name);
    lines.push(`${k} acc ${r.name} ${cached ? "11" : "00"}`);
  }
  return lines;
}

describe(`${SPECS} random specs (seed ${SEED}) compiled with gcc ${CFLAGS.join(" ")}`, () => {
  const dir = fileTempDir("fuzz-c");
  const hostHeader = fs.readFileSync(path.join(repoRoot, "runtime", "include", "kvm_host.h"));

  beforeAll(() => {
    specs.forEach((spec, k) => {
      const r = generate({
        specPath: `s${k}.yaml`,
        specText: specYaml(spec, `fuzz-${k}`),
        allCached: allCached[k]!,
        cStyle: cStyles[k]!,
      });
      if (!r.ok) throw new Error(`spec ${k}: ${r.diagnostics.map((d) => d.message).join("; ")}`);
      for (const f of r.files) {
        fs.mkdirSync(path.join(dir, `s${k}`, path.dirname(f.path)), { recursive: true });
        fs.writeFileSync(path.join(dir, `s${k}`, f.path), f.contents);
      }
      // Beside the headers, so each unit's "kvm_host.h" finds its own "kvm_regs.h".
      fs.writeFileSync(path.join(dir, `s${k}`, "c", "kvm_host.h"), hostHeader);
      fs.writeFileSync(path.join(dir, `s${k}.yaml`), specYaml(spec, `fuzz-${k}`));
      fs.writeFileSync(path.join(dir, `t${k}.c`), checker(k, spec));
    });
    fs.writeFileSync(
      path.join(dir, "main.c"),
      [
        ...specs.map((_, k) => `void check_${k}(void);`),
        "int main(void)",
        "{",
        ...specs.map((_, k) => `\tcheck_${k}();`),
        "\treturn 0;",
        "}",
        "",
      ].join("\n"),
    );
  });

  const settings: [string, string[]][] = [
    ["no guard defined", []],
    ["every guard defined", [...GUARDS]],
    ["only CONFIG_G1 defined", ["CONFIG_G1"]],
  ];

  it.each(settings)("%s: compiles, and prints what the oracle says", (_name, defines) => {
    const exe = path.join(dir, `prog-${defines.length}-${defines[0] ?? "none"}`);
    const sources = [...specs.map((_, k) => `t${k}.c`), "main.c"];
    try {
      execFileSync(
        "gcc",
        [
          ...CFLAGS,
          ...defines.map((d) => `-D${d}`),
          `-I${path.join(repoRoot, "runtime", "include")}`,
          ...sources,
          "-o",
          exe,
        ],
        { cwd: dir, stdio: "pipe", encoding: "utf8" },
      );
    } catch (err) {
      throw new Error(
        `gcc failed (specs and sources kept in ${dir}):\n${(err as { stderr?: string }).stderr}`,
      );
    }
    const out = execFileSync(exe, { encoding: "utf8", maxBuffer: 64 << 20 })
      .trimEnd()
      .split("\n");
    const defined = new Set(defines);
    const want = specs.flatMap((spec, k) => expected(k, spec, defined));
    expect(out.length).toBe(want.length);
    // Compare per spec so a failure names the spec file to look at.
    specs.forEach((_, k) => {
      const prefix = `${k} `;
      expect({ spec: `${dir}/s${k}.yaml`, lines: out.filter((l) => l.startsWith(prefix)) }).toEqual(
        {
          spec: `${dir}/s${k}.yaml`,
          lines: want.filter((l) => l.startsWith(prefix)),
        },
      );
    });
  });

  it("covers every mask kind, guards, and large specs", () => {
    expect(new Set(specs.map((s) => s.mask))).toEqual(new Set(["u32", "u64", "bitmap"]));
    expect(specs.some((s) => s.registers.some((r) => r.guard))).toBe(true);
    expect(Math.max(...specs.map((s) => s.registers.length))).toBeGreaterThan(64);
    expect(Math.max(...specs.map((s) => s.backends.length))).toBeGreaterThanOrEqual(4);
  });
});

/*
 * Found by this suite: the extended registers used to be numbered by giving the
 * first of them "= NR_VCPU_REGS", so with no extended register NR_KVM_REG_BITS
 * came out one too many, and with the first one compiled out by its guard the
 * rest started at NR_VCPU_REGS + 1. Pinned here; the random specs cover both
 * shapes too.
 */
describe("numbering of extended registers", () => {
  /** Compiles _Static_asserts against the generated kvm_regs.h (through the runtime's kvm_host.h). */
  const staticAsserts = (yaml: string, asserts: string[]): { ok: boolean; stderr: string } => {
    const dir = tempDir("enum-bug");
    const r = generate({ specPath: "s.yaml", specText: yaml });
    if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("; "));
    for (const f of r.files) {
      fs.mkdirSync(path.join(dir, path.dirname(f.path)), { recursive: true });
      fs.writeFileSync(path.join(dir, f.path), f.contents);
    }
    fs.writeFileSync(
      path.join(dir, "t.c"),
      ['#include "kvm_host.h"', ...asserts.map((a) => `_Static_assert(${a}, "${a}");`), ""].join(
        "\n",
      ),
    );
    const args = [...CFLAGS, "-fsyntax-only", `-I${path.join(dir, "c")}`];
    try {
      execFileSync("gcc", [...args, `-I${path.join(repoRoot, "runtime", "include")}`, "t.c"], {
        cwd: dir,
        stdio: "pipe",
        encoding: "utf8",
      });
      return { ok: true, stderr: "" };
    } catch (err) {
      return { ok: false, stderr: String((err as { stderr?: string }).stderr) };
    }
  };
  const expectHolds = (got: { ok: boolean; stderr: string }) =>
    expect(got).toEqual({ ok: true, stderr: "" });
  const head = "regcache: 1\nname: t\nmask: u32\nbackends: { vmx: { lazy: [] } }\n";

  test("NR_KVM_REG_BITS counts the registers when there is no extended one", () => {
    expectHolds(
      staticAsserts(head + "registers: { gpr: [a, b] }\n", [
        "NR_VCPU_REGS == 2",
        "NR_KVM_REG_BITS == 2",
      ]),
    );
  });

  test("extended registers number on from NR_VCPU_REGS when the first is compiled out", () => {
    const spec = head + "registers: { gpr: [a], extended: [{ name: e0, when: G }, e1] }\n";
    expectHolds(staticAsserts(spec, ["VCPU_EXREG_E1 == NR_VCPU_REGS", "NR_KVM_REG_BITS == 2"]));
  });

  it("holds when the first extended register is unguarded (the shape the random specs use)", () => {
    const got = staticAsserts(
      head + "registers: { gpr: [a], extended: [e0, { name: e1, when: G }, e2] }\n",
      ["VCPU_EXREG_E0 == 1", "VCPU_EXREG_E2 == 2", "NR_KVM_REG_BITS == 3"],
    );
    expect(got).toEqual({ ok: true, stderr: "" });
  });
});
