/*
 * `mask: bitmap` beyond 64 registers: a seeded synthetic spec (bench/synth-spec.ts,
 * 200 registers, 4 backends, guarded runs) generated, compiled with -Werror by
 * gcc and clang (when installed), under several guard settings, and run with
 * tests/bitmap/driver.c. The driver checks the bit helpers against a reference
 * model itself; the enum values, every backend set and every accessor's path
 * are compared here with an oracle computed from the spec alone.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { generate } from "../../generator/generate/produce";
import { fileTempDir } from "../helpers/temp";
import { onPath } from "../helpers/capture";
import type { CStyle } from "../../generator/core/model/types";
import { synthSpec, toYaml } from "../../bench/synth-spec";

const root = path.resolve(__dirname, "..", "..");
const REGISTERS = 200;
const SEED = 11;
const spec = synthSpec({ registers: REGISTERS, seed: SEED, backends: 4 });
const yamlText = toYaml(spec);

interface Reg {
  readonly name: string;
  readonly kind: "gpr" | "extended";
  readonly guard?: string;
}
const regs: Reg[] = (["gpr", "extended"] as const).flatMap((kind) =>
  spec.registers[kind].map((e) =>
    typeof e === "string"
      ? { name: e, kind }
      : { name: e.name, kind, ...(e.when ? { guard: e.when } : {}) },
  ),
);
const guards = [...new Set(regs.flatMap((r) => (r.guard ? [r.guard] : [])))].sort();
const enumName = (r: Reg) =>
  `${r.kind === "gpr" ? "VCPU_REGS_" : "VCPU_EXREG_"}${r.name.toUpperCase()}`;
const lazyIn = (backend: string, name: string): boolean => {
  const b = spec.backends[backend]!;
  return b.lazy ? b.lazy.includes(name) : !b.available!.includes(name);
};
const alwaysAvailable = (name: string) => Object.keys(spec.backends).every((b) => !lazyIn(b, name));

/** What the driver must print with `defined` guards, in its order (failures aside). */
function oracle(defined: ReadonlySet<string>): string[] {
  const present = regs.filter((r) => !r.guard || defined.has(r.guard));
  const gprs = present.filter((r) => r.kind === "gpr");
  const lines = [`nr ${gprs.length} ${present.length} ${Math.ceil(regs.length / 64)}`];
  present.forEach((r, value) => lines.push(`enum ${r.name} ${value}`));
  for (const b of Object.keys(spec.backends)) {
    const bits = (lazy: boolean) =>
      present.map((r) => (lazyIn(b, r.name) === lazy ? "1" : "0")).join("");
    lines.push(`set ${b} lazy ${bits(true)}`, `set ${b} avail ${bits(false)}`);
  }
  for (const r of gprs) lines.push(`acc ${r.name} ${alwaysAvailable(r.name) ? "00" : "11"}`);
  lines.push("failures 0");
  return lines;
}

/** REGISTERS(X) and GPRS(X): X-macro lists whose guarded entries vanish with their guard. */
function registersHeader(): string {
  const out = ["/* Written by tests/bitmap/bitmap.test.ts. */"];
  const entry = (r: Reg, list: string, body: string) => {
    const macro = `${list}_${r.name}(X)`;
    if (!r.guard) return out.push(`#define ${macro} ${body}`);
    return out.push(
      `#ifdef ${r.guard}`,
      `#define ${macro} ${body}`,
      "#else",
      `#define ${macro}`,
      "#endif",
    );
  };
  for (const r of regs) entry(r, "REG", `X(${r.name}, ${enumName(r)})`);
  for (const r of regs.filter((x) => x.kind === "gpr"))
    entry(r, "GPR", `X(${r.name}, ${r.name.toUpperCase()})`);
  out.push(`#define REGISTERS(X) ${regs.map((r) => `REG_${r.name}(X)`).join(" ")}`);
  out.push(
    `#define GPRS(X) ${regs
      .filter((r) => r.kind === "gpr")
      .map((r) => `GPR_${r.name}(X)`)
      .join(" ")}`,
  );
  return out.join("\n") + "\n";
}

const clang = ["clang-19", "clang"].find(onPath);
const compilers = ["gcc", ...(clang ? [clang] : [])];
const CFLAGS = ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror"];
const dir = fileTempDir("bitmap");

function headers(cStyle: CStyle): string {
  const out = path.join(dir, cStyle);
  if (fs.existsSync(out)) return out;
  const r = generate({ specPath: `synthetic-${REGISTERS}.yaml`, specText: yamlText, cStyle });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  for (const f of r.files) {
    fs.mkdirSync(path.join(out, path.dirname(f.path)), { recursive: true });
    fs.writeFileSync(path.join(out, f.path), f.contents);
  }
  fs.writeFileSync(path.join(out, "c", "registers.h"), registersHeader());
  return out;
}

function buildAndRun(cc: string, cStyle: CStyle, defined: readonly string[], extra: string[] = []) {
  const h = headers(cStyle);
  const exe = path.join(dir, `driver-${cc}-${cStyle}-${defined.length}-${extra.length}`);
  execFileSync(
    cc,
    [
      ...CFLAGS,
      ...extra,
      ...defined.map((g) => `-D${g}`),
      "-I",
      path.join(h, "c"),
      "-I",
      path.join(root, "runtime", "include"),
      path.join(__dirname, "driver.c"),
      "-o",
      exe,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout: string;
  try {
    stdout = execFileSync(exe, [], { encoding: "utf8" });
  } catch (err) {
    stdout = (err as { stdout?: string }).stdout ?? String(err);
  }
  return stdout.trimEnd().split("\n");
}

describe(`mask: bitmap, ${REGISTERS} registers (bench/synth-spec.ts seed ${SEED}), ${guards.length} guards`, () => {
  test("the spec needs more than one mask word", () => {
    expect(Math.ceil(regs.length / 64)).toBeGreaterThan(1);
    expect(regs.filter((r) => !r.guard).length).toBeGreaterThan(64);
  });

  const settings: [string, string[]][] = [
    ["no guard defined", []],
    ["every guard defined", guards],
    ["half the guards defined", guards.filter((_, i) => i % 2 === 0)],
  ];
  for (const cc of compilers) {
    for (const [label, defined] of settings) {
      test(`${cc}, ${label}: enum, sets, bit helpers and accessors match the oracle`, () => {
        expect(buildAndRun(cc, "macro", defined)).toEqual(oracle(new Set(defined)));
      });
    }
  }
  test("gcc, expanded accessors, every guard defined", () => {
    expect(buildAndRun("gcc", "expanded", guards)).toEqual(oracle(new Set(guards)));
  });
  test("gcc with ASan and UBSan, every guard defined", () => {
    const san = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-g"];
    expect(buildAndRun("gcc", "macro", guards, san)).toEqual(oracle(new Set(guards)));
  });
});
