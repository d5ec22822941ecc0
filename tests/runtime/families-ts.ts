/*
 * The TypeScript way of tests/runtime/families.test.ts: the probe
 * runtime/test/families.c, op for op, on the ts target's registers.ts of
 * tests/ts/fixtures/linux-7.2-ts.yaml (the registers of the C probe's spec).
 * writeRegistersTs generates that file in this process into a directory and
 * loads it from there; runFamilies takes the probe's settings and ops and
 * gives the probe's JSON lines: one vCPU after one VM-exit (a lazy
 * register's slot poisoned as the probe poisons it); a cacheReg that copies
 * from a hardware array and counts, installed as the static call the output
 * exports for cache_reg: kvm_x86_call (the ops table's cacheReg then
 * refuses); and the hooks as runtime/include/kvm_host.h writes the helpers
 * beside the generated block: the mode mask from EFER.LMA and CS.L after a
 * WARN_ON_ONCE on a protected guest (is_64_bit_mode), and an assertion hook
 * that counts each use of the cache from interrupt context but a PMI
 * VM-exit's.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { generateAll } from "../../generator/generate/produce";
import { TS_OUTPUT_PATH } from "../../generator/targets/ts/emit";
import { root } from "./c-build";

/** The spec of the TypeScript way: the C probe's registers, written by the ts target. */
export const TS_FIXTURE = "tests/ts/fixtures/linux-7.2-ts.yaml";

/** The exports of a generated registers.ts, untyped: the op table says what it calls. */
export type Registers = Record<string, any>;

/** One line of the probe's output (runtime/test/families.c), values in hex. */
export interface Line {
  op: string;
  value: string;
  cache_reg: number;
  avail: string;
  dirty: string;
  rip: string;
  warnings: number;
  asserts: number;
}

/**
 * Generates ts/registers.ts of TS_FIXTURE (the --all-cached output when
 * allCached) into dir, transpiles it beside itself to registers.js and loads
 * that. Throws when the spec does not generate.
 */
export async function writeRegistersTs(dir: string, allCached: boolean): Promise<Registers> {
  const specPath = path.join(root, TS_FIXTURE);
  const r = await generateAll({ specPath, displayPath: TS_FIXTURE, allCached });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n"));
  const file = r.files.find((f) => f.path === TS_OUTPUT_PATH);
  if (!file) throw new Error(`${TS_FIXTURE} wrote no ${TS_OUTPUT_PATH}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "registers.ts"), file.contents);
  const js = ts.transpileModule(file.contents, {
    fileName: "registers.ts",
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
  }).outputText;
  fs.writeFileSync(path.join(dir, "registers.js"), js);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(dir, "registers.js")) as Registers;
}

/**
 * The TS accessors whose names are not the C name without kvm_, camel-cased
 * (kvm_rax_read_raw → raxReadRaw, kvm_read_edx_eax → readEdxEax): the
 * availability helpers drop "register".
 */
const RENAMED: Readonly<Record<string, string>> = {
  kvm_register_is_available: "isAvailable",
  kvm_register_is_dirty: "isDirty",
  kvm_register_mark_for_reload: "markForReload",
};

/** The TS accessor of a probe op's C name. */
export const tsAccessor = (op: string): string =>
  RENAMED[op] ?? op.replace(/^kvm_/, "").replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** What families.c's settings give: the guest's mode, the context, the hardware. */
interface Setup {
  lma: boolean;
  csl: boolean;
  protectedState: boolean;
  inInterrupt: boolean;
  pmi: boolean;
  lazy: bigint;
  readonly hw: bigint[];
}

function parseSettings(settings: readonly string[], nrRegBits: number): Setup {
  const s: Setup = {
    lma: false,
    csl: false,
    protectedState: false,
    inInterrupt: false,
    pmi: false,
    lazy: 0n,
    hw: Array.from({ length: nrRegBits }, (_, reg) => 0x5eed000000000000n | BigInt(reg)),
  };
  for (const setting of settings) {
    const [key, value] = setting.split("=");
    if (value === undefined) throw new Error(`families-ts: expected KEY=VALUE: ${setting}`);
    const v = BigInt(value);
    if (key === "lma") s.lma = v !== 0n;
    else if (key === "csl") s.csl = v !== 0n;
    else if (key === "protected") s.protectedState = v !== 0n;
    else if (key === "irq") s.inInterrupt = v !== 0n;
    else if (key === "pmi") s.pmi = v !== 0n;
    else if (key === "lazy") s.lazy = v;
    else if (key?.startsWith("hw:") && key.length > 3 && Number(key.slice(3)) < nrRegBits)
      s.hw[Number(key.slice(3))] = v;
    else throw new Error(`families-ts: unknown setting ${setting}`);
  }
  return s;
}

/** A 64-bit mask in the probe's form from regsAvail / regsDirty's 32-bit words. */
const word = (mask: Uint32Array): bigint => BigInt(mask[0]!) | (BigInt(mask[1] ?? 0) << 32n);

const hex = (v: bigint): string => `0x${v.toString(16)}`;

/**
 * Runs ops (the probe's OP[:ARG[:ARG]] strings) on a new vCPU of m after one
 * VM-exit set up by settings (the probe's KEY=VALUE strings), and gives one
 * Line per op, as families.c prints them. Throws on an op or setting the
 * probe does not know, or an op whose accessor m does not export.
 */
export function runFamilies(
  m: Registers,
  settings: readonly string[],
  ops: readonly string[],
): Line[] {
  const nrVcpuRegs = m["NR_VCPU_REGS"] as number;
  const nrRegBits = m["NR_KVM_REG_BITS"] as number;
  const RIP = m["Reg"].RIP as number;
  const s = parseSettings(settings, nrRegBits);

  let warnings = 0;
  let asserts = 0;
  let cacheCalls = 0;
  m["WARN_ON_ONCE"].warned.clear(); // a fresh process, as each probe run is
  m["WARN_ON_ONCE"].handler = () => warnings++;

  // kvm_host.h's is_64_bit_mode: a protected guest's CS cannot be read.
  const is64BitMode = (): boolean => {
    m["warnOnce"](s.protectedState, "is_64_bit_mode");
    return s.lma && s.csl;
  };
  const hooks = {
    regModeMask: () => (is64BitMode() ? (1n << 64n) - 1n : 0xffffffffn),
    assertRegisterCachingAllowed: () => {
      if (s.inInterrupt && !s.pmi) asserts++;
    },
  };
  const cacheReg = (vcpu: any, reg: number) => {
    cacheCalls++;
    if (reg === RIP) vcpu.arch.rip = s.hw[reg];
    else if (reg < nrVcpuRegs) vcpu.arch.regs[reg] = s.hw[reg];
    m["markAvailable"](vcpu, reg);
  };
  // With cache_reg: kvm_x86_call the output calls the static call it exports and never the
  // ops table, as the probe's -DREGCACHE_STATIC_CALL build has no ops table; otherwise the table.
  const staticCall = typeof m["staticCallUpdate"] === "function";
  if (staticCall) m["staticCallUpdate"](cacheReg);
  const opsTable = {
    cacheReg: staticCall
      ? () => {
          throw new Error("families-ts: cacheReg through the ops table, not the static call");
        }
      : cacheReg,
  };
  const vcpu = m["createVcpu"](opsTable, hooks);

  // VM-exit: the available registers' values in the cache, the others stale.
  const stale = (reg: number) => 0xbadc0ffee0dd0000n | BigInt(reg);
  const isLazy = (reg: number) => ((s.lazy >> BigInt(reg)) & 1n) === 1n;
  for (let reg = 0; reg < nrVcpuRegs; reg++)
    vcpu.arch.regs[reg] = isLazy(reg) ? stale(reg) : s.hw[reg];
  vcpu.arch.rip = isLazy(RIP) ? stale(RIP) : s.hw[RIP];
  const avail = ~s.lazy & ((1n << BigInt(nrRegBits)) - 1n);
  vcpu.arch.regsAvail.fill(0);
  vcpu.arch.regsAvail[0] = Number(avail & 0xffffffffn);
  if (vcpu.arch.regsAvail.length > 1) vcpu.arch.regsAvail[1] = Number(avail >> 32n);
  vcpu.arch.regsDirty.fill(0);

  const run = (op: string, args: readonly string[]): bigint => {
    if (op === "slot") {
      const reg = Number(args[0]);
      if (!(reg < nrVcpuRegs)) throw new Error("families-ts: slot: not a GPR");
      return vcpu.arch.regs[reg] as bigint;
    }
    const name = tsAccessor(op);
    const fn = m[name];
    if (typeof fn !== "function") throw new Error(`families-ts: no ${name} for ${op}`);
    // kvm_register_*(vcpu, reg[, value]); the others take values only.
    const takesReg = op.startsWith("kvm_register_");
    const given = args.map((a, i) => (takesReg && i === 0 ? Number(a) : BigInt(a)));
    const got: unknown = fn(vcpu, ...given);
    if (typeof got === "bigint") return got;
    if (typeof got === "boolean") return got ? 1n : 0n;
    // The probe prints 0 for an op that gives nothing; a reader must give a value.
    if (got === undefined && !/read|_is_/.test(op)) return 0n;
    throw new Error(`families-ts: ${name} gave ${String(got)}`);
  };

  return ops.map((text) => {
    const [op, ...args] = text.split(":");
    const value = run(op!, args);
    return {
      op: op!,
      value: hex(value),
      cache_reg: cacheCalls,
      avail: hex(word(vcpu.arch.regsAvail)),
      dirty: hex(word(vcpu.arch.regsDirty)),
      rip: hex(vcpu.arch.rip as bigint),
      warnings,
      asserts,
    };
  });
}
