/*
 * Linux 7.2's accessor families, case by case: each case runs a few calls on
 * one vCPU after one VM-exit and says what every call must give, as Linux
 * 7.2's arch/x86/kvm/regs.h behaves: the masked family truncates outside
 * 64-bit mode, the raw pair and RSP are full width, the 32-bit pair
 * truncates in every mode and its write clears the high half, RIP lives in
 * its own field and its write marks it dirty, the assertion hook refuses the
 * cache outside the vCPU's task (but for a PMI VM-exit), a masked read of a
 * protected guest warns once, mark-for-reload and the bulk helpers change
 * exactly their bits. The table runs three ways, which must all give `want`:
 * the probe runtime/test/families.c built against the c output of
 * tests/core/fixtures/x86-kvm-7.2.yaml (64-bit) with cache_reg through the
 * ops table's pointer, the same probe built with cache_reg as a static call,
 * and the ts output of the same registers (tests/ts/fixtures/
 * linux-7.2-ts.yaml) generated in this process and run op for op by
 * families-ts.ts. Each way runs for the spec's output and the --all-cached
 * one, which must agree (a case marked allCached runs against the latter
 * only). An op marked noTs has no TypeScript counterpart: the TypeScript way
 * leaves it out, and the op says why.
 */
import * as path from "node:path";
import { compilers, root, run, tempDir, writeHeaders } from "./c-build";
import { runFamilies, writeRegistersTs, type Line, type Registers } from "./families-ts";

const spec = path.join(root, "tests", "core", "fixtures", "x86-kvm-7.2.yaml");

/** enum kvm_reg of the fixture under CONFIG_X86_64 (registers.gpr, then extended). */
const R = { RAX: 0, RCX: 1, RDX: 2, RBX: 3, RSP: 4, R8: 8, RIP: 16, PDPTR: 17, CR3: 19 };
const bit = (reg: number) => 1n << BigInt(reg);
/** NR_KVM_REG_BITS of the fixture: 16 GPRs and 9 extended registers. */
const NR_KVM_REG_BITS = 25;
/** Every register's bit. */
const ALL = (1n << BigInt(NR_KVM_REG_BITS)) - 1n;
const hwDefault = (reg: number) => 0x5eed000000000000n | BigInt(reg);

interface Op {
  readonly op: string;
  readonly value?: bigint;
  readonly cacheReg?: number;
  readonly avail?: bigint;
  readonly dirty?: bigint;
  readonly rip?: bigint;
  readonly warnings?: number;
  readonly asserts?: number;
  /** Why the TypeScript output has no counterpart of this op, which its way then skips. */
  readonly noTs?: string;
}

interface Case {
  readonly settings?: readonly string[];
  readonly ops: readonly Op[];
  /** Only the --all-cached headers route this case's reads through the cache. */
  readonly allCached?: boolean;
}

const WIDE = 0x1122334455667788n;

const cases: [string, Case][] = [
  [
    "outside 64-bit mode (compatibility mode) the masked family truncates to 32 bits, the raw pair does not",
    {
      settings: ["lma=1", "csl=0", `hw:${R.RAX}=${WIDE}`],
      ops: [
        { op: "kvm_rax_read", value: 0x55667788n },
        { op: "kvm_rax_read_raw", value: WIDE },
        { op: `kvm_register_read:${R.RAX}`, value: 0x55667788n },
        { op: `kvm_register_read_raw:${R.RAX}`, value: WIDE },
      ],
    },
  ],
  [
    "CS.L without EFER.LMA is not 64-bit mode: the masked read truncates",
    {
      settings: ["lma=0", "csl=1", `hw:${R.RCX}=${WIDE}`],
      ops: [{ op: "kvm_rcx_read", value: 0x55667788n }],
    },
  ],
  [
    "in 64-bit mode the masked family is full width",
    {
      settings: ["lma=1", "csl=1", `hw:${R.RAX}=${WIDE}`, `hw:${R.R8}=${WIDE}`],
      ops: [
        { op: "kvm_rax_read", value: WIDE },
        { op: "kvm_r8_read", value: WIDE },
        { op: `kvm_register_read:${R.R8}`, value: WIDE },
      ],
    },
  ],
  [
    "kvm_register_write truncates outside 64-bit mode and marks the register dirty; _write_raw stores all 64 bits",
    {
      settings: ["lma=0"],
      ops: [
        { op: `kvm_register_write:${R.RBX}:${WIDE}`, dirty: bit(R.RBX) },
        { op: `slot:${R.RBX}`, value: 0x55667788n },
        { op: `kvm_register_write_raw:${R.RBX}:${WIDE}` },
        { op: `slot:${R.RBX}`, value: WIDE },
        { op: `kvm_rbx_write_raw:0x99`, value: 0n },
        { op: `slot:${R.RBX}`, value: 0x99n },
      ],
    },
  ],
  [
    "RSP (loaded lazily) is read and written through the raw pair at full width in every mode",
    {
      settings: ["lma=0", `lazy=${bit(R.RSP)}`, `hw:${R.RSP}=${WIDE}`],
      ops: [
        { op: "kvm_rsp_read", value: WIDE, cacheReg: 1, avail: ALL },
        { op: "kvm_rsp_read", value: WIDE, cacheReg: 1 },
        { op: `kvm_rsp_write:${WIDE + 1n}`, dirty: bit(R.RSP) },
        { op: `slot:${R.RSP}`, value: WIDE + 1n },
      ],
    },
  ],
  [
    "the 32-bit pair truncates even in 64-bit mode, and its write clears the high half",
    {
      settings: ["lma=1", "csl=1", `hw:${R.RDX}=${WIDE}`],
      ops: [
        { op: "kvm_edx_read", value: 0x55667788n },
        { op: "kvm_edx_write:0xcafef00d" },
        { op: `slot:${R.RDX}`, value: 0xcafef00dn },
        { op: "kvm_rdx_read_raw", value: 0xcafef00dn },
      ],
    },
  ],
  [
    "kvm_read_edx_eax joins the two 32-bit halves",
    {
      settings: [
        "lma=1",
        "csl=1",
        `hw:${R.RAX}=0xaaaaaaaa11111111`,
        `hw:${R.RDX}=0xbbbbbbbb22222222`,
      ],
      ops: [{ op: "kvm_read_edx_eax", value: 0x2222222211111111n }],
    },
  ],
  [
    "RIP lives in its own field: read through cache_reg when unavailable, and its write marks it dirty",
    {
      settings: ["lma=0", `lazy=${bit(R.RIP)}`, `hw:${R.RIP}=${WIDE}`],
      ops: [
        { op: "kvm_rip_read", value: WIDE, cacheReg: 1, rip: WIDE, avail: ALL },
        { op: `slot:${R.RAX}`, value: hwDefault(R.RAX) },
        { op: "kvm_rip_write:0xfff0", rip: 0xfff0n, dirty: bit(R.RIP), avail: ALL },
        { op: "kvm_rip_read", value: 0xfff0n, cacheReg: 1 },
      ],
    },
  ],
  [
    "the assertion hook reports each use of the cache from interrupt context",
    {
      settings: ["irq=1"],
      ops: [
        { op: `kvm_register_is_available:${R.CR3}`, value: 1n, asserts: 1 },
        { op: "kvm_rip_write:0x10", asserts: 2 },
      ],
    },
  ],
  [
    "a PMI VM-exit's handler may use the cache from interrupt context",
    {
      settings: ["irq=1", "pmi=1"],
      ops: [{ op: `kvm_register_is_dirty:${R.CR3}`, value: 0n, asserts: 0 }],
    },
  ],
  [
    "a masked read of a guest with protected state warns, once; the raw read does not ask the mode",
    {
      settings: ["protected=1", "lma=1", "csl=1"],
      ops: [
        { op: "kvm_rax_read_raw", warnings: 0 },
        { op: "kvm_rax_read", warnings: 1 },
        { op: "kvm_rcx_read", warnings: 1 },
        {
          op: "is_64_bit_hypercall",
          value: 1n,
          warnings: 1,
          // The C side's is_64_bit_hypercall is kvm_host.h's, written by hand beside the
          // generated block as 7.2 keeps it in regs.h; no target generates it.
          noTs: "a hand-written mode helper of the C runtime, not generated",
        },
      ],
    },
  ],
  [
    "mark-for-reload clears both bits: a pending write is dropped and the next read fetches through cache_reg",
    {
      settings: [`hw:${R.RSP}=0x7000`],
      ops: [
        { op: "kvm_rsp_write:0x8000", dirty: bit(R.RSP) },
        { op: `kvm_register_mark_for_reload:${R.RSP}`, avail: ALL & ~bit(R.RSP), dirty: 0n },
        { op: "kvm_rsp_read", value: 0x7000n, cacheReg: 1, avail: ALL },
      ],
    },
  ],
  [
    "the bulk helpers: clearing keeps other bits and bits already clear, reset clears every dirty bit",
    {
      settings: [`lazy=${bit(R.CR3)}`],
      ops: [
        {
          op: `kvm_clear_available_registers:${bit(R.RSP) | bit(R.CR3)}`,
          avail: ALL & ~bit(R.RSP) & ~bit(R.CR3),
        },
        { op: `kvm_register_write_raw:${R.RAX}:1`, dirty: bit(R.RAX) },
        { op: "kvm_rip_write:0x10", dirty: bit(R.RAX) | bit(R.RIP) },
        { op: "kvm_reset_dirty_registers", dirty: 0n, avail: ALL & ~bit(R.RSP) & ~bit(R.CR3) },
      ],
    },
  ],
  [
    "--all-cached: an always-available GPR is read through the cache, so a stale one is fetched",
    {
      allCached: true,
      settings: ["lma=1", "csl=0", `lazy=${bit(R.RAX)}`, `hw:${R.RAX}=${WIDE}`],
      ops: [
        { op: "kvm_eax_read", value: 0x55667788n, cacheReg: 1 },
        { op: "kvm_rax_read", value: 0x55667788n, cacheReg: 1 },
        { op: "kvm_rax_read_raw", value: WIDE, cacheReg: 1 },
      ],
    },
  ],
];

const cc = compilers().gcc;
type Output = "spec" | "all-cached";
type Dispatch = "pointer" | "static call";
const probes = new Map<string, string>();
const tsOutputs = new Map<Output, Registers>();

beforeAll(async () => {
  for (const variant of ["spec", "all-cached"] as const) {
    const dir = tempDir(`families-${variant}`);
    writeHeaders(dir, spec, variant === "all-cached");
    for (const dispatch of ["pointer", "static call"] as const) {
      const exe = path.join(dir, dispatch === "pointer" ? "families" : "families-static");
      const r = await run(cc.name, [
        "-std=gnu11",
        "-O2",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-DCONFIG_X86_64",
        ...(dispatch === "static call" ? ["-DREGCACHE_STATIC_CALL"] : []),
        "-I",
        path.join(dir, "c"),
        "-I",
        path.join(root, "runtime", "include"),
        path.join(root, "runtime", "test", "families.c"),
        "-o",
        exe,
      ]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      probes.set(`${variant} ${dispatch}`, exe);
    }
    tsOutputs.set(variant, await writeRegistersTs(path.join(dir, "ts"), variant === "all-cached"));
  }
}, 120_000);

const hex = (v: bigint) => `0x${v.toString(16)}`;

/** Each op's line against its want: the op's name and every field the op states. */
function expectWanted(lines: readonly Line[], ops: readonly Op[]): void {
  expect(lines).toHaveLength(ops.length);
  ops.forEach((want, i) => {
    const got = lines[i]!;
    const pick = {
      op: got.op,
      ...(want.value !== undefined ? { value: got.value } : {}),
      ...(want.cacheReg !== undefined ? { cacheReg: got.cache_reg } : {}),
      ...(want.avail !== undefined ? { avail: got.avail } : {}),
      ...(want.dirty !== undefined ? { dirty: got.dirty } : {}),
      ...(want.rip !== undefined ? { rip: got.rip } : {}),
      ...(want.warnings !== undefined ? { warnings: got.warnings } : {}),
      ...(want.asserts !== undefined ? { asserts: got.asserts } : {}),
    };
    expect(pick).toEqual({
      op: want.op.split(":")[0],
      ...(want.value !== undefined ? { value: hex(want.value) } : {}),
      ...(want.cacheReg !== undefined ? { cacheReg: want.cacheReg } : {}),
      ...(want.avail !== undefined ? { avail: hex(want.avail) } : {}),
      ...(want.dirty !== undefined ? { dirty: hex(want.dirty) } : {}),
      ...(want.rip !== undefined ? { rip: hex(want.rip) } : {}),
      ...(want.warnings !== undefined ? { warnings: want.warnings } : {}),
      ...(want.asserts !== undefined ? { asserts: want.asserts } : {}),
    });
  });
}

describe.each(cases)("%s", (_name, c) => {
  const outputs: Output[] = c.allCached ? ["all-cached"] : ["spec", "all-cached"];
  const builds = outputs.flatMap((h) =>
    (["pointer", "static call"] as Dispatch[]).map((d) => [h, d] as const),
  );
  it.each(builds)("with the %s headers, cache_reg by %s", async (variant, dispatch) => {
    const exe = probes.get(`${variant} ${dispatch}`)!;
    const r = await run(exe, [...(c.settings ?? []), "--", ...c.ops.map((o) => o.op)]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expectWanted(
      r.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Line),
      c.ops,
    );
  });
  it.each(outputs)("through the TypeScript of the %s output", (variant) => {
    const ops = c.ops.filter((o) => o.noTs === undefined);
    const lines = runFamilies(
      tsOutputs.get(variant)!,
      c.settings ?? [],
      ops.map((o) => o.op),
    );
    expectWanted(lines, ops);
  });
});

describe("the TypeScript way", () => {
  it.each(["spec", "all-cached"] as const)(
    "the %s output numbers the registers as the C probe's enum kvm_reg",
    (variant) => {
      const m = tsOutputs.get(variant)!;
      expect(Object.fromEntries(Object.keys(R).map((name) => [name, m["Reg"][name]]))).toEqual(R);
      expect(m["NR_KVM_REG_BITS"]).toBe(NR_KVM_REG_BITS);
    },
  );
});
