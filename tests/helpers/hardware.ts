/*
 * The simulated hardware a runtime build runs on, from a source independent
 * of the generator: for a shipped spec, the hand-written tables
 * (runtime/sim/hardware/<spec>.h, runtime/ts/hardware-tables.ts); for any
 * other spec, the spec file's own lazy/available lists, read here with the
 * yaml library and plain code — never through parse/validate/model, so a
 * fault there cannot make the hardware agree with it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { SHIPPED_HARDWARE, type SimHardware } from "../../runtime/ts/hardware-tables";

const root = path.resolve(__dirname, "..", "..");
const shippedDir = path.join(root, "spec");
const cTablesDir = path.join(root, "runtime", "sim", "hardware");

interface SpecRegister {
  readonly name: string;
  readonly kind: "gpr" | "extended";
  readonly guard?: string;
}

/** A spec file's registers in enum order and each backend's lazy set, as the file says them. */
export interface SpecLists {
  readonly name: string;
  readonly registers: readonly SpecRegister[];
  readonly hardware: SimHardware;
}

function names(v: unknown): string[] {
  return Array.isArray(v) ? v.map((x) => String(x)) : [];
}

/** Reads the lists straight from the YAML: `lazy:` as written, or every register not `available:`. */
export function readSpecLists(specPath: string): SpecLists {
  const doc = parseYaml(fs.readFileSync(specPath, "utf8")) as {
    name?: string;
    registers?: { gpr?: unknown[]; extended?: unknown[] };
    backends?: Record<string, { lazy?: unknown; available?: unknown }>;
  };
  const entry = (kind: SpecRegister["kind"]) => (e: unknown) => {
    if (typeof e === "string") return { name: e, kind };
    const o = e as { name: string; when?: string };
    return { name: o.name, kind, ...(o.when !== undefined ? { guard: o.when } : {}) };
  };
  const registers = [
    ...(doc.registers?.gpr ?? []).map(entry("gpr")),
    ...(doc.registers?.extended ?? []).map(entry("extended")),
  ];
  const hardware: Record<string, string[]> = {};
  for (const [backend, lists] of Object.entries(doc.backends ?? {})) {
    const available = new Set(names(lists.available));
    hardware[backend] =
      lists.lazy !== undefined
        ? names(lists.lazy)
        : registers.map((r) => r.name).filter((n) => !available.has(n));
  }
  return { name: String(doc.name), registers, hardware };
}

/** The simulated hardware for one spec and how to hand it to each runtime. */
export interface SimHardwareSource {
  /** "hand-written" for a shipped spec, "spec file" otherwise. */
  readonly from: "hand-written" | "spec file";
  readonly table: SimHardware;
  /** The -D that makes runtime/sim/backends.c include the C table, written below dir when needed. */
  cDefine(dir: string): string;
}

const isShipped = (specPath: string) => path.dirname(path.resolve(specPath)) === shippedDir;

/**
 * The hardware for specPath. A spec in spec/ must have a hand-written table
 * (its name in SHIPPED_HARDWARE and runtime/sim/hardware/<name>.h).
 */
export function simHardwareFor(specPath: string): SimHardwareSource {
  const name = path.basename(specPath).replace(/\.ya?ml$/, "");
  if (isShipped(specPath)) {
    const table = SHIPPED_HARDWARE[name];
    const header = path.join(cTablesDir, `${name}.h`);
    if (!table || !fs.existsSync(header)) {
      throw new Error(
        `spec/${name}.yaml ships without a hand-written hardware table: add it to ` +
          `runtime/ts/hardware-tables.ts and runtime/sim/hardware/${name}.h`,
      );
    }
    return { from: "hand-written", table, cDefine: () => `-DSIM_HARDWARE="${header}"` };
  }
  const lists = readSpecLists(specPath);
  return {
    from: "spec file",
    table: lists.hardware,
    cDefine(dir: string) {
      const file = path.join(dir, "sim_hardware.h");
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(file, cHardwareHeader(lists));
      return `-DSIM_HARDWARE="${file}"`;
    },
  };
}

/** The C table for a spec read from its file: one SIM_HW_LAZY_<backend> per backend. */
export function cHardwareHeader(lists: SpecLists): string {
  const byName = new Map(lists.registers.map((r) => [r.name, r]));
  const bit = (r: SpecRegister) => `SIM_HW_REG_${r.name.toUpperCase()}`;
  const lines = [
    `/* The simulated hardware for ${lists.name}, read from its spec file by the test harness. */`,
    "#define SIM_HW_BIT(reg) (1ULL << (reg))",
  ];
  for (const r of lists.registers) {
    const e = `SIM_HW_BIT(${r.kind === "gpr" ? "VCPU_REGS_" : "VCPU_EXREG_"}${r.name.toUpperCase()})`;
    if (r.guard) {
      lines.push(
        `#ifdef ${r.guard}`,
        `#define ${bit(r)} ${e}`,
        "#else",
        `#define ${bit(r)} 0ULL`,
        "#endif",
      );
    } else {
      lines.push(`#define ${bit(r)} ${e}`);
    }
  }
  for (const [backend, lazy] of Object.entries(lists.hardware)) {
    const terms = lazy.map((n) => {
      const r = byName.get(n);
      if (!r) throw new Error(`${lists.name}: backend ${backend} names unknown register '${n}'`);
      return bit(r);
    });
    lines.push(`#define SIM_HW_LAZY_${backend} (0ULL${terms.map((t) => ` | ${t}`).join("")})`);
  }
  return lines.join("\n") + "\n";
}

/** runtime/ts/hardware.ts for a build of the TypeScript runtime that simulates `table`. */
export function tsHardwareModule(table: SimHardware): string {
  return `export const SIM_HARDWARE = ${JSON.stringify(table)};\n`;
}
