/*
 * The extended registers' readers, the raw cached pair and cache_reg's
 * dispatch, case by case: each case sets up one simulated
 * backend (its hardware table, spec/x86-kvm-6.12.yaml's generated sets), runs a
 * few accessor calls after VM-exit and says what each must return and how
 * many times cache_reg must have run by then. The same table runs three
 * ways, which must all give `want`: the C probe (runtime/test/accessors.c)
 * built with cache_reg through the ops table's pointer, the same probe built
 * with -DREGCACHE_STATIC_CALL (a direct call chosen at build time), and the
 * TypeScript twin (runtime/ts with generated/x86-kvm-6.12/ts/registers.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  buildAccessorProbe,
  compilers,
  root,
  run,
  tempDir,
  writeHeaders,
  type BuildConfig,
} from "./c-build";
import { simHardwareFor } from "../helpers/hardware";
import * as regs from "../../generated/x86-kvm-6.12/ts/registers";
import { archOf, createSimVcpu, simBackends, simInstallBackend, simVmExit } from "../../runtime/ts";

const { Reg } = regs;
type RegName = keyof typeof Reg;

/** What every hardware slot holds unless a case sets it: 0x5eed0000000000NN. */
const hwDefault = (reg: number): bigint => 0x5eed000000000000n | BigInt(reg);

interface Op {
  /** The probe's op: read_cr3, read_cr0_bits:0x8, pdptr_read:2 … */
  readonly op: string;
  readonly value: bigint;
  /** cache_reg calls so far, by register; every other register 0. */
  readonly calls?: Partial<Record<RegName, number>>;
}

interface Case {
  readonly backend: "vmx" | "svm" | "tdx";
  readonly owned0?: bigint;
  readonly owned4?: bigint;
  readonly hw?: Partial<Record<RegName, bigint>>;
  readonly pdpte?: readonly [bigint, bigint, bigint];
  readonly ops: readonly Op[];
  readonly warnings?: number;
}

const CR0 = 0x80050033n; // PG | AM | WP | NE | ET | MP | PE; TS clear
const CR4 = 0x003427e0n; // OSXSAVE, PCE, OSXMMEXCPT, OSFXSR, PGE, …
const PE = 0x1n;
const TS = 0x8n;
const PCE = 0x100n;
const OSXSAVE = 0x40000n;

const cases: [string, Case][] = [
  [
    "CR3 on VMX (loaded lazily): the first read calls cache_reg once, the second hits the cache",
    {
      backend: "vmx",
      hw: { CR3: 0x1234000n },
      ops: [
        { op: "read_cr3", value: 0x1234000n, calls: { CR3: 1 } },
        { op: "read_cr3", value: 0x1234000n, calls: { CR3: 1 } },
      ],
    },
  ],
  [
    "CR3 on SVM (saved at every exit): never cache_reg",
    {
      backend: "svm",
      hw: { CR3: 0x1234000n },
      ops: [{ op: "read_cr3", value: 0x1234000n }],
    },
  ],
  [
    "CR0 bits disjoint from the guest-owned ones (PE, guest owns TS): no cache_reg on VMX",
    {
      backend: "vmx",
      owned0: TS,
      hw: { CR0 },
      ops: [
        { op: `read_cr0_bits:${PE}`, value: PE },
        { op: `is_cr0_bit_set:${PE}`, value: 1n },
      ],
    },
  ],
  [
    "CR0 bits intersecting the guest-owned ones, CR0 not available: cache_reg once, then the cache",
    {
      backend: "vmx",
      owned0: TS,
      hw: { CR0: CR0 | TS },
      ops: [
        { op: `read_cr0_bits:${TS}`, value: TS, calls: { CR0: 1 } },
        { op: `read_cr0_bits:${TS | PE}`, value: TS | PE, calls: { CR0: 1 } },
        { op: "read_cr0", value: CR0 | TS, calls: { CR0: 1 } },
      ],
    },
  ],
  [
    "a possibly guest-owned CR0 bit the guest does not own now: no cache_reg",
    {
      backend: "vmx",
      owned0: 0n,
      hw: { CR0 },
      ops: [
        { op: `read_cr0_bits:${TS}`, value: 0n },
        { op: "read_cr0", value: CR0 },
      ],
    },
  ],
  [
    "CR4 on VMX: OSXSAVE is never guest-owned (no cache_reg), an owned PCE is (cache_reg)",
    {
      backend: "vmx",
      owned4: PCE,
      hw: { CR4 },
      ops: [
        { op: `is_cr4_bit_set:${OSXSAVE}`, value: 1n },
        { op: `is_cr4_bit_set:${PCE}`, value: 1n, calls: { CR4: 1 } },
        { op: "read_cr4", value: CR4, calls: { CR4: 1 } },
      ],
    },
  ],
  [
    "CR4 read whole on VMX with owned bits: cache_reg before the value",
    {
      backend: "vmx",
      owned4: PCE,
      hw: { CR4 },
      ops: [{ op: "read_cr4", value: CR4, calls: { CR4: 1 } }],
    },
  ],
  [
    "CR0 on SVM (saved at every exit): owned bits or not, never cache_reg",
    {
      backend: "svm",
      owned0: TS,
      hw: { CR0: CR0 | TS },
      ops: [
        { op: `read_cr0_bits:${TS}`, value: TS },
        { op: "read_cr0", value: CR0 | TS },
      ],
    },
  ],
  [
    "PDPTRs by index on VMX: one cache_reg brings all four",
    {
      backend: "vmx",
      hw: { PDPTR: 0xa0n },
      pdpte: [0xa1n, 0xa2n, 0xa3n],
      ops: [
        { op: "pdptr_read:2", value: 0xa2n, calls: { PDPTR: 1 } },
        { op: "pdptr_read:0", value: 0xa0n, calls: { PDPTR: 1 } },
        { op: "pdptr_read:3", value: 0xa3n, calls: { PDPTR: 1 } },
      ],
    },
  ],
  [
    "PDPTRs on SVM are loaded lazily too; a write by index is read back",
    {
      backend: "svm",
      hw: { PDPTR: 0xb0n },
      pdpte: [0xb1n, 0xb2n, 0xb3n],
      ops: [
        { op: "pdptr_read:1", value: 0xb1n, calls: { PDPTR: 1 } },
        { op: "pdptr_write:1:0xbeef", value: 0n, calls: { PDPTR: 1 } },
        { op: "pdptr_read:1", value: 0xbeefn, calls: { PDPTR: 1 } },
      ],
    },
  ],
  [
    "raw pair, register past regs[]: the read warns once and gives 0, a second read does not warn",
    {
      backend: "vmx",
      ops: [
        { op: `read_raw:${regs.NR_VCPU_REGS}`, value: 0n },
        { op: "read_raw:99", value: 0n },
        { op: "read_raw:-1", value: 0n },
      ],
      warnings: 1,
    },
  ],
  [
    "raw pair, register past regs[]: the write warns once (its own site) and stores nothing",
    {
      backend: "svm",
      ops: [
        { op: `write_raw:${regs.NR_VCPU_REGS}:0x5`, value: 0n },
        { op: `read_raw:${regs.NR_VCPU_REGS}`, value: 0n },
        { op: `write_raw:${regs.NR_VCPU_REGS + 1}:0x5`, value: 0n },
      ],
      warnings: 2,
    },
  ],
  [
    "RIP and RSP through the raw pair on VMX: cache_reg once each",
    {
      backend: "vmx",
      ops: [
        { op: "rip_read", value: hwDefault(Reg.RIP), calls: { RIP: 1 } },
        { op: "rip_read", value: hwDefault(Reg.RIP), calls: { RIP: 1 } },
        { op: `read_raw:${Reg.RSP}`, value: hwDefault(Reg.RSP), calls: { RIP: 1, RSP: 1 } },
        { op: "rsp_read", value: hwDefault(Reg.RSP), calls: { RIP: 1, RSP: 1 } },
      ],
    },
  ],
  [
    "RIP on SVM (copied at every run): no cache_reg",
    {
      backend: "svm",
      ops: [{ op: "rip_read", value: hwDefault(Reg.RIP) }],
    },
  ],
  [
    "TDX keeps CR3 and RSP in the TDVPS: cache_reg once each",
    {
      backend: "tdx",
      ops: [
        { op: "read_cr3", value: hwDefault(Reg.CR3), calls: { CR3: 1 } },
        { op: "rsp_read", value: hwDefault(Reg.RSP), calls: { CR3: 1, RSP: 1 } },
        { op: "read_cr3", value: hwDefault(Reg.CR3), calls: { CR3: 1, RSP: 1 } },
      ],
    },
  ],
];

/** What a run printed, in the form the table states it. */
interface Observed {
  readonly ops: { op: string; value: bigint; calls: Partial<Record<RegName, number>> }[];
  readonly warnings: number;
}

const named = (counts: readonly number[]): Partial<Record<RegName, number>> =>
  Object.fromEntries(
    counts.flatMap((n, reg) => (n > 0 ? [[Reg[reg] as RegName, n]] : [])),
  ) as Partial<Record<RegName, number>>;

const wanted = (c: Case): Observed => ({
  ops: c.ops.map((o) => ({ op: o.op, value: o.value, calls: o.calls ?? {} })),
  warnings: c.warnings ?? 0,
});

function probeArgs(c: Case): string[] {
  return [
    c.backend,
    ...(c.owned0 !== undefined ? [`owned0=${c.owned0}`] : []),
    ...(c.owned4 !== undefined ? [`owned4=${c.owned4}`] : []),
    ...Object.entries(c.hw ?? {}).map(([r, v]) => `hw:${Reg[r as RegName]}=${v}`),
    ...(c.pdpte ?? []).map((v, i) => `pdpte:${i + 1}=${v}`),
    "--",
    ...c.ops.map((o) => o.op),
  ];
}

async function runC(exe: string, c: Case): Promise<Observed> {
  const r = await run(exe, probeArgs(c));
  if (r.code !== 0) throw new Error(`probe exit ${r.code}: ${r.stderr}`);
  const lines = r.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const last = lines.pop() as { warnings: number };
  return {
    ops: lines.map((l) => ({
      op: l["op"] as string,
      value: BigInt(l["value"] as string),
      calls: named(l["cache_reg"] as number[]),
    })),
    warnings: last.warnings,
  };
}

/** The TypeScript twin: the same calls on runtime/ts with the generated registers.ts. */
function runTs(c: Case): Observed {
  const b = simBackends.find((s) => s.name === c.backend)!;
  const sv = createSimVcpu(b);
  for (let reg = 0; reg < regs.NR_KVM_REG_BITS; reg++) {
    const s = b.slot(sv.hw, reg);
    s.area[s.index] = c.hw?.[Reg[reg] as RegName] ?? hwDefault(reg);
  }
  (c.pdpte ?? []).forEach((v, i) => (sv.hwPdpte[i] = v));
  archOf(sv)["cr0GuestOwnedBits"] = c.owned0 ?? 0n;
  archOf(sv)["cr4GuestOwnedBits"] = c.owned4 ?? 0n;
  let warnings = 0;
  regs.WARN_ON_ONCE.warned.clear(); // a fresh process, as each C run is
  regs.WARN_ON_ONCE.handler = () => warnings++;
  simInstallBackend(b);
  simVmExit(sv, b.lazy, b.kvmLazy);
  const call = (op: string, a: bigint[]): bigint => {
    const n = (i: number) => Number(a[i]!);
    switch (op) {
      case "read_cr0_bits":
        return regs.readCr0Bits(sv, a[0]!);
      case "read_cr4_bits":
        return regs.readCr4Bits(sv, a[0]!);
      case "is_cr0_bit_set":
        return regs.isCr0BitSet(sv, a[0]!) ? 1n : 0n;
      case "is_cr4_bit_set":
        return regs.isCr4BitSet(sv, a[0]!) ? 1n : 0n;
      case "read_cr0":
        return regs.readCr0(sv);
      case "read_cr4":
        return regs.readCr4(sv);
      case "read_cr3":
        return regs.readCr3(sv);
      case "pdptr_read":
        return regs.pdptrRead(sv, n(0));
      case "pdptr_write":
        regs.pdptrWrite(sv, n(0), a[1]!);
        return 0n;
      case "read_raw":
        return regs.registerReadRaw(sv, n(0));
      case "write_raw":
        regs.registerWriteRaw(sv, n(0), a[1]!);
        return 0n;
      case "rip_read":
        return regs.ripRead(sv);
      case "rsp_read":
        return regs.rspRead(sv);
    }
    throw new Error(`unknown op ${op}`);
  };
  const ops = c.ops.map((o) => {
    const [name, ...args] = o.op.split(":");
    const value = call(
      name!,
      args.map((x) => BigInt(x)),
    );
    return { op: name!, value, calls: named(Array.from(sv.cacheCalls)) };
  });
  regs.WARN_ON_ONCE.handler = () => {};
  return { ops, warnings };
}

const slow = 300_000;
let work: string;
const probes = new Map<string, Promise<string>>();
const styles = [
  ["pointer", false],
  ["static call", true],
] as const;

beforeAll(() => {
  work = tempDir("accessors");
  const spec = path.join(root, "spec", "x86-kvm-6.12.yaml");
  const headers = writeHeaders(path.join(work, "headers"), spec);
  const hardware = simHardwareFor(spec);
  for (const [style, staticCall] of styles) {
    const cfg: BuildConfig = { cc: compilers().gcc, x86_64: true, staticCall };
    const p = buildAccessorProbe(cfg, headers, hardware, path.join(work, style.replace(" ", "-")));
    p.catch(() => undefined); // reported by the tests that use it
    probes.set(style, p);
  }
});

afterAll(async () => {
  await Promise.allSettled(probes.values());
  if (work && !process.env.REGCACHE_KEEP_TMP) fs.rmSync(work, { recursive: true, force: true });
}, slow);

const asOps = (o: Observed) => ({
  ...o,
  ops: o.ops.map((x) => ({ ...x, op: x.op.split(":")[0] })),
});

describe.each(cases)("%s", (_name, c) => {
  test.each(styles)(
    "C, cache_reg %s",
    async (style) => {
      const exe = await probes.get(style)!;
      expect(asOps(await runC(exe, c))).toEqual(asOps(wanted(c)));
    },
    slow,
  );
  test("TypeScript twin", () => {
    expect(asOps(runTs(c))).toEqual(asOps(wanted(c)));
  });
});
