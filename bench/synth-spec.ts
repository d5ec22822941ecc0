/*
 * A seeded synthetic register spec, for measuring how regcache scales with the
 * size of a spec. It is shaped like a grown-up x86 one: about a quarter of the
 * registers (at least 16) are gprs, slots of regs[], the rest extended
 * (availability bits only, like arm64's system registers); gprs 8-15 sit
 * behind CONFIG_X86_64 as on x86, and others behind a CONFIG_* guard in runs
 * (about one register in ten), so guards open and close as in a real enum;
 * some carry docs. Four backends alternate `lazy` and `available` lists; as
 * on x86 each loads few gprs lazily (5-15%) and many extended registers
 * (30-90%), so most accessors are direct and some are cached. The mask is
 * `bitmap`, the only one that holds more than 64 registers.
 *
 * Same (registers, seed) → same bytes, on any machine.
 *
 *   node dist/bench/synth-spec.js --registers 1000 [--seed 1] [--backends 4] [--out FILE]
 *
 * Pure but for main(), which writes the spec to a file or stdout.
 */
import * as fs from "node:fs";

/** mulberry32: a small, well-mixed 32-bit PRNG; enough for shaping test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BACKEND_NAMES = ["vmx", "svm", "tdx", "sev", "pkvm", "nvhe", "shadow", "nested"];
const GUARDS = ["CONFIG_X86_64", "CONFIG_KVM_HYPERV", "CONFIG_KVM_SMM", "CONFIG_KVM_XEN"];

/** A register: its name alone, or with a guard or a doc. */
export type SynthRegister = string | { name: string; when?: string; doc?: string };

/** A backend: a doc and one list, `lazy` or `available`. */
export interface SynthBackend {
  doc: string;
  lazy?: string[];
  available?: string[];
}

/** A synthetic spec as plain data, in the spec's own words. */
export interface SynthSpec {
  regcache: 1;
  name: string;
  doc: string;
  mask: "bitmap";
  registers: { gpr: SynthRegister[]; extended: SynthRegister[] };
  backends: Record<string, SynthBackend>;
}

export interface SynthOptions {
  readonly registers: number;
  readonly seed?: number;
  readonly backends?: number;
}

/** The spec as plain data. */
export function synthSpec({ registers, seed = 1, backends = 4 }: SynthOptions): SynthSpec {
  if (!Number.isInteger(registers) || registers < 2) throw new Error("registers must be >= 2");
  if (backends < 1 || backends > BACKEND_NAMES.length)
    throw new Error(`backends must be 1..${BACKEND_NAMES.length}`);
  const random = rng(seed);
  const pick = (n: number) => Math.floor(random() * n);

  const gprCount = Math.min(registers - 1, Math.max(16, Math.round(registers / 4)));
  const names: string[] = [];
  const entries: SynthSpec["registers"] = { gpr: [], extended: [] };
  let guard: string | undefined; // the guard of the current run, if any
  for (let i = 0; i < registers; i++) {
    const kind = i < gprCount ? "gpr" : "extended";
    // Runs of guarded registers: start one 1 time in 24, end it 1 time in 3.
    if (guard === undefined ? random() < 1 / 24 : random() < 1 / 3) {
      guard = guard === undefined ? GUARDS[pick(GUARDS.length)] : undefined;
    }
    const name = kind === "gpr" ? `g${i}` : `x${i - gprCount}`;
    names.push(name);
    const documented = random() < 0.1;
    // As on x86, gprs 8-15 exist only in 64-bit builds.
    const when = i >= 8 && i < 16 && kind === "gpr" ? "CONFIG_X86_64" : guard;
    if (when === undefined && !documented) entries[kind].push(name);
    else
      entries[kind].push({
        name,
        ...(when !== undefined ? { when } : {}),
        ...(documented ? { doc: `Synthetic register ${name}, number ${i}.` } : {}),
      });
  }

  // Backends alternate a lazy list (like VMX and SVM) and an available list
  // (like TDX); either way the registers they load lazily are drawn the same.
  const backendSpec: Record<string, SynthBackend> = {};
  for (let b = 0; b < backends; b++) {
    const gprShare = 0.05 + random() * 0.1;
    const extendedShare = 0.3 + random() * 0.6;
    const lazy = new Set(
      names.filter((_, i) => random() < (i < gprCount ? gprShare : extendedShare)),
    );
    const list = b % 2 === 0 ? "lazy" : "available";
    const listed = names.filter((n) => lazy.has(n) === (list === "lazy"));
    if (listed.length === 0) listed.push(names[pick(names.length)]!);
    backendSpec[BACKEND_NAMES[b]!] = {
      doc: `Synthetic backend ${b}: lists ${listed.length} registers as ${list}.`,
      [list]: listed,
    };
  }
  return {
    regcache: 1,
    name: `synthetic-${registers}`,
    doc: `Synthetic spec: ${registers} registers, ${backends} backends, seed ${seed}.`,
    mask: "bitmap",
    registers: entries,
    backends: backendSpec,
  };
}

/** YAML text of a spec, written by hand so it needs no library and its bytes never drift. */
export function toYaml(spec: SynthSpec): string {
  const scalar = (v: unknown) => (typeof v === "string" ? JSON.stringify(v) : String(v));
  const entry = (e: SynthRegister) =>
    typeof e === "string"
      ? e
      : `{ ${Object.entries(e)
          .map(([k, v]) => `${k}: ${k === "name" || k === "when" ? v : scalar(v)}`)
          .join(", ")} }`;
  const lines = [
    "# yaml-language-server: $schema=../spec/regcache.schema.json",
    "# Generated by bench/synth-spec.ts; do not edit.",
    `regcache: ${spec.regcache}`,
    `name: ${spec.name}`,
    `doc: ${scalar(spec.doc)}`,
    `mask: ${spec.mask}`,
    "registers:",
  ];
  for (const kind of ["gpr", "extended"] as const) {
    if (spec.registers[kind].length === 0) continue;
    lines.push(`  ${kind}:`);
    for (const e of spec.registers[kind]) lines.push(`    - ${entry(e)}`);
  }
  lines.push("backends:");
  for (const [name, b] of Object.entries(spec.backends)) {
    lines.push(`  ${name}:`);
    lines.push(`    doc: ${scalar(b.doc)}`);
    for (const list of ["lazy", "available"] as const) {
      const names = b[list];
      if (names) lines.push(`    ${list}: [${names.join(", ")}]`);
    }
  }
  return lines.join("\n") + "\n";
}

function main(argv: readonly string[]): number {
  const opts: { registers: number; seed: number; backends: number; out?: string } = {
    registers: 256,
    seed: 1,
    backends: 4,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === "--registers") opts.registers = Number(value);
    else if (flag === "--seed") opts.seed = Number(value);
    else if (flag === "--backends") opts.backends = Number(value);
    else if (flag === "--out") opts.out = value;
    else {
      process.stderr.write(
        "usage: node dist/bench/synth-spec.js --registers N [--seed S] [--backends B] [--out FILE]\n",
      );
      return 2;
    }
    i++;
  }
  const text = toYaml(synthSpec(opts));
  if (opts.out) fs.writeFileSync(opts.out, text);
  else process.stdout.write(text);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
