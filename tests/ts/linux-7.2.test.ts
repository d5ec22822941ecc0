/*
 * The ts target in Linux 7.2's shape: ts/registers.ts generated from
 * spec/x86-kvm.yaml (spec/linux-7.2.yaml's registers, api and accessors,
 * writing the c and ts targets), run in this process against the kernel block's semantics for the
 * same spec (templates/kernel/kernel_block.h.hbs, and regs.h of Linux 7.2):
 * masked reads and writes outside 64-bit mode, the raw pair and RSP at full
 * width, the 32-bit pair, RIP in its own field, the assertion hook where the
 * kernel calls kvm_assert_register_caching_allowed, mark-for-reload, the bulk
 * helpers, and cacheReg on an availability miss as the 6.x-shaped output
 * calls it. Then `regcache generate` on the bundled spec writing [kernel, ts]
 * (both files), [kernel, c, ts] (all three), and [ts] keeping output.adopts
 * (RC152, nothing written). The strict
 * type-check of the golden output is typecheck.test.ts's.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { generateAll } from "../../generator/generate/produce";
import { TS_OUTPUT_PATH } from "../../generator/targets/ts/emit";
import { runCli, tempDir } from "../helpers/capture";
import { load, type Loaded } from "../unit/targets/ts/load";
import { repoRoot } from "./runtime-build";

const FIXTURE = "spec/x86-kvm.yaml";
const ALL = (1n << 64n) - 1n;
const LOW32 = 0xffffffffn;

/** ts/registers.ts for a spec's text. */
async function registersTs(specText: string, allCached = false): Promise<string> {
  const r = await generateAll({
    specPath: path.join(repoRoot, FIXTURE),
    specText,
    displayPath: FIXTURE,
    allCached,
  });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n"));
  const file = r.files.find((f) => f.path === TS_OUTPUT_PATH);
  if (!file) throw new Error("no ts/registers.ts");
  return file.contents;
}

const readRepo = (p: string) => fs.readFileSync(path.join(repoRoot, p), "utf8");

/** A bundled kernel spec with output.targets: [ts] in place of [kernel]. */
/** A Linux 7.2 spec writing only the ts target: no kernel target, so no adoption region. */
const asTs = (text: string) => {
  const out = text
    .replace(/^ {2}targets: \[kernel\]$/m, "  targets: [ts]")
    .replace(/^ {2}adopts: .*\n/m, "");
  expect(out).not.toBe(text);
  return out;
};

/**
 * A loaded module with a vCPU: the hooks count their calls and give the mode
 * mask of `mode`; cacheReg copies the register from `hw` (into regs or the
 * rip field) and marks it available, logging the register's name.
 */
function world(m: Loaded) {
  const state = { mode64: true, asserts: 0, cacheRegs: [] as string[] };
  const hw = new Map<number, bigint>();
  const hooks = {
    regModeMask: () => (state.mode64 ? ALL : LOW32),
    assertRegisterCachingAllowed: () => {
      state.asserts++;
    },
  };
  const cacheReg = (vcpu: any, reg: number) => {
    state.cacheRegs.push(m["Reg"][reg]);
    const value = hw.get(reg) ?? 0n;
    if (reg === m["Reg"].RIP && "rip" in vcpu.arch) vcpu.arch.rip = value;
    else if (reg < m["NR_VCPU_REGS"]) vcpu.arch.regs[reg] = value;
    m["markAvailable"](vcpu, reg);
  };
  const ops = { cacheReg };
  if (m["staticCallUpdate"]) m["staticCallUpdate"](cacheReg);
  const vcpu = m["createVcpu"](ops, hooks);
  return { vcpu, state, hw, Reg: m["Reg"] as Record<string, number> };
}

describe("Linux 7.2's ts/registers.ts", () => {
  let text: string;
  let cachedText: string;
  let text612: string;
  beforeAll(async () => {
    text = await registersTs(readRepo(FIXTURE));
    cachedText = await registersTs(readRepo(FIXTURE), true);
    text612 = await registersTs(asTs(readRepo("spec/linux-6.12.yaml")));
  });
  let m: Loaded;
  beforeEach(() => {
    m = load(text);
  });

  test("enum: regs holds the 16 gprs, RIP is a bit of its own, ERAPS another name of CR3", () => {
    const { vcpu, Reg } = world(m);
    expect(m["NR_VCPU_REGS"]).toBe(16);
    expect(m["NR_KVM_REG_BITS"]).toBe(25);
    expect(vcpu.arch.regs.length).toBe(16);
    expect(Reg["RIP"]).toBe(16);
    expect(Reg["ERAPS"]).toBe(Reg["CR3"]);
    expect(Reg[Reg["CR3"]!]).toBe("CR3");
    expect(m["REG_MASK_WORDS"]).toBe(2);
  });

  test("masked reads: full width in 64-bit mode, the low 32 bits outside it", () => {
    const { vcpu, state, Reg } = world(m);
    vcpu.arch.regs[Reg["RAX"]] = 0x1122334455667788n;
    vcpu.arch.regs[Reg["R9"]] = 0x8000000000000001n;
    expect(m["raxRead"](vcpu)).toBe(0x1122334455667788n);
    expect(m["r9Read"](vcpu)).toBe(0x8000000000000001n);
    state.mode64 = false;
    expect(m["raxRead"](vcpu)).toBe(0x55667788n);
    expect(m["r9Read"](vcpu)).toBe(1n);
    m["markAvailable"](vcpu, Reg["RSI"]);
    vcpu.arch.regs[Reg["RSI"]] = 0xabcdef0123456789n;
    expect(m["registerRead"](vcpu, Reg["RSI"])).toBe(0x23456789n);
  });

  test("masked write: registerWrite keeps 32 bits outside 64-bit mode and marks dirty", () => {
    const { vcpu, state, Reg } = world(m);
    state.mode64 = false;
    m["registerWrite"](vcpu, Reg["RBX"], 0xffffffff00000005n);
    expect(vcpu.arch.regs[Reg["RBX"]]).toBe(5n);
    expect(m["isDirty"](vcpu, Reg["RBX"])).toBe(true);
    state.mode64 = true;
    m["registerWrite"](vcpu, Reg["RBX"], 0xffffffff00000005n);
    expect(vcpu.arch.regs[Reg["RBX"]]).toBe(0xffffffff00000005n);
  });

  test("_read_raw, _write_raw and RSP are full width outside 64-bit mode", () => {
    const { vcpu, state, hw, Reg } = world(m);
    state.mode64 = false;
    m["raxWriteRaw"](vcpu, 0xdeadbeefcafef00dn);
    expect(vcpu.arch.regs[Reg["RAX"]]).toBe(0xdeadbeefcafef00dn);
    expect(m["raxReadRaw"](vcpu)).toBe(0xdeadbeefcafef00dn);
    hw.set(Reg["RSP"]!, 0xffff800012345678n);
    expect(m["rspRead"](vcpu)).toBe(0xffff800012345678n);
    m["rspWrite"](vcpu, 0xffff8000aaaabbbbn);
    expect(vcpu.arch.regs[Reg["RSP"]]).toBe(0xffff8000aaaabbbbn);
    expect(m["isDirty"](vcpu, Reg["RSP"])).toBe(true);
    expect(m["registerReadRaw"](vcpu, Reg["RSP"])).toBe(0xffff8000aaaabbbbn);
  });

  test("the 32-bit pair: reads truncate in every mode, writes zero-extend", () => {
    const { vcpu, state, Reg } = world(m);
    for (const mode64 of [true, false]) {
      state.mode64 = mode64;
      vcpu.arch.regs[Reg["RAX"]] = 0x1111111122222222n;
      expect(m["eaxRead"](vcpu)).toBe(0x22222222n);
      m["eaxWrite"](vcpu, 0x3333333344444444n);
      expect(vcpu.arch.regs[Reg["RAX"]]).toBe(0x44444444n);
      m["edxWrite"](vcpu, 0x99n);
      expect(m["readEdxEax"](vcpu)).toBe(0x0000009944444444n);
    }
    expect(m["espRead"]).toBeUndefined();
    expect(m["raxWrite"]).toBeUndefined();
  });

  test("RIP lives in its own field; its writer marks it dirty, its reader fetches on a miss", () => {
    const { vcpu, state, hw, Reg } = world(m);
    hw.set(Reg["RIP"]!, 0xfff0n);
    expect(m["ripRead"](vcpu)).toBe(0xfff0n);
    expect(state.cacheRegs).toEqual(["RIP"]);
    expect(m["ripRead"](vcpu)).toBe(0xfff0n);
    expect(state.cacheRegs).toEqual(["RIP"]);
    m["markForReload"](vcpu, Reg["RIP"]);
    m["ripWrite"](vcpu, 0x401000n);
    expect(vcpu.arch.rip).toBe(0x401000n);
    expect(m["isDirty"](vcpu, Reg["RIP"])).toBe(true);
    expect(m["isAvailable"](vcpu, Reg["RIP"])).toBe(true);
    expect([...vcpu.arch.regs]).toEqual(new Array(16).fill(0n));
  });

  test("the assertion hook runs first in the six availability helpers, as the kernel's macro", () => {
    const { vcpu, state, Reg } = world(m);
    const helpers: [string, unknown[]][] = [
      ["isAvailable", [Reg["RSP"]]],
      ["isDirty", [Reg["RSP"]]],
      ["markAvailable", [Reg["RSP"]]],
      ["markDirty", [Reg["RSP"]]],
      ["markForReload", [Reg["RSP"]]],
      ["testAndMarkAvailable", [Reg["RSP"]]],
    ];
    for (const [name, args] of helpers) {
      const before = state.asserts;
      m[name](vcpu, ...args);
      expect([name, state.asserts - before]).toEqual([name, 1]);
    }
    // Direct accessors and the bulk helpers touch no per-register helper.
    const before = state.asserts;
    m["raxRead"](vcpu);
    m["raxWriteRaw"](vcpu, 1n);
    m["eaxRead"](vcpu);
    m["clearAvailableRegisters"](vcpu, 0n);
    m["resetDirtyRegisters"](vcpu);
    expect(state.asserts).toBe(before);
    // A hook that throws stops the helper before it changes anything.
    const refusing = m["createVcpu"](
      { cacheReg: () => {} },
      {
        regModeMask: () => ALL,
        assertRegisterCachingAllowed: () => {
          throw new Error("not in the vCPU's task");
        },
      },
    );
    expect(() => m["markDirty"](refusing, Reg["RBX"])).toThrow("not in the vCPU's task");
    expect([...refusing.arch.regsAvail, ...refusing.arch.regsDirty]).toEqual([0, 0, 0, 0]);
  });

  test("mark-for-reload forgets the value: the next read calls cacheReg again", () => {
    const { vcpu, state, hw, Reg } = world(m);
    hw.set(Reg["RSP"]!, 7n);
    m["rspWrite"](vcpu, 5n);
    expect(m["rspRead"](vcpu)).toBe(5n);
    expect(state.cacheRegs).toEqual([]);
    m["markForReload"](vcpu, Reg["RSP"]);
    expect(m["isDirty"](vcpu, Reg["RSP"])).toBe(false);
    expect(m["rspRead"](vcpu)).toBe(7n);
    expect(state.cacheRegs).toEqual(["RSP"]);
  });

  test("bulk helpers: clear the given availability bits only, reset every dirty bit", () => {
    const { vcpu, Reg } = world(m);
    const names = ["RAX", "RSP", "RIP", "CR3", "EXIT_INFO_2"];
    for (const n of names) m["markDirty"](vcpu, Reg[n]);
    // The word's high half (bits 32-63, no register of this spec) is cleared the same way.
    vcpu.arch.regsAvail[1] = 0x1ff;
    const clear = (1n << BigInt(Reg["RSP"]!)) | (1n << BigInt(Reg["RIP"]!)) | (1n << 40n);
    m["clearAvailableRegisters"](vcpu, clear);
    expect(vcpu.arch.regsAvail[1]).toBe(0xff);
    const avail = names.filter((n) => m["isAvailable"](vcpu, Reg[n]));
    expect(avail).toEqual(["RAX", "CR3", "EXIT_INFO_2"]);
    expect(names.filter((n) => m["isDirty"](vcpu, Reg[n]))).toEqual(names);
    m["resetDirtyRegisters"](vcpu);
    expect(names.filter((n) => m["isDirty"](vcpu, Reg[n]))).toEqual([]);
    expect(names.filter((n) => m["isAvailable"](vcpu, Reg[n]))).toEqual(avail);
  });

  test("a miss calls cacheReg exactly as the Linux 6.12-shaped output does", () => {
    const old = load(text612);
    const run = (mod: Loaded) => {
      const { vcpu, state, hw, Reg } = world(mod);
      hw.set(Reg["RSP"]!, 0x10n);
      hw.set(Reg["RIP"]!, 0x20n);
      const reads = [
        mod["rspRead"](vcpu),
        mod["rspRead"](vcpu),
        mod["ripRead"](vcpu),
        mod["readCr3"](vcpu),
        mod["readCr3"](vcpu),
      ];
      mod["markForReload"](vcpu, Reg["RSP"]);
      reads.push(mod["rspRead"](vcpu), mod["raxRead"](vcpu));
      mod["ripWrite"](vcpu, 0x30n);
      reads.push(mod["ripRead"](vcpu));
      return { reads, cacheRegs: state.cacheRegs };
    };
    const now = run(m);
    expect(now.cacheRegs).toEqual(["RSP", "RIP", "CR3", "RSP"]);
    expect(now).toEqual(run(old));
  });

  test("--all-cached: the family goes through the cached path, masked as before", () => {
    const c = load(cachedText);
    const { vcpu, state, hw, Reg } = world(c);
    hw.set(Reg["RAX"]!, 0x1234567887654321n);
    state.mode64 = false;
    expect(c["raxRead"](vcpu)).toBe(0x87654321n);
    expect(state.cacheRegs).toEqual(["RAX"]);
    expect(c["raxReadRaw"](vcpu)).toBe(0x1234567887654321n);
    expect(c["eaxRead"](vcpu)).toBe(0x87654321n);
    c["eaxWrite"](vcpu, 0xffffffff00000001n);
    expect(vcpu.arch.regs[Reg["RAX"]]).toBe(1n);
    expect(c["isDirty"](vcpu, Reg["RAX"])).toBe(true);
    expect(state.cacheRegs).toEqual(["RAX"]);
  });
});

describe("regcache generate on spec/linux-7.2.yaml with the ts target beside the kernel's", () => {
  /** The bundled spec with `targets` in place of [kernel], written to a directory of its own. */
  const specWith = (targets: string) => {
    const dir = tempDir("ts72");
    const spec = path.join(dir, "linux-7.2.yaml");
    const text = readRepo("spec/linux-7.2.yaml");
    fs.writeFileSync(spec, text.replace(/^ {2}targets: \[kernel\]$/m, `  targets: ${targets}`));
    return { dir, spec, out: path.join(dir, "out") };
  };
  const body = (text: string) => text.slice(text.indexOf(" */\n") + 4);

  test("[kernel, ts]: exit 0, the kernel header and ts/registers.ts, its body the ts target's", async () => {
    const { spec, out } = specWith("[kernel, ts]");
    const r = await runCli(["generate", "--spec", spec, "--out", out]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(fs.readdirSync(out).sort()).toEqual(["regs_gen.h", "ts"]);
    const ts = fs.readFileSync(path.join(out, "ts", "registers.ts"), "utf8");
    const inProcess = await registersTs(asTs(readRepo("spec/linux-7.2.yaml")));
    expect(body(ts)).toBe(body(inProcess));
  });

  test("[kernel, c, ts]: exit 0, all three targets' files", async () => {
    const { spec, out } = specWith("[kernel, c, ts]");
    const r = await runCli(["generate", "--spec", spec, "--out", out]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    for (const f of ["regs_gen.h", "c/kvm_regs.h", "c/kvm_cache_regs.h", TS_OUTPUT_PATH])
      expect(fs.existsSync(path.join(out, f))).toBe(true);
  });

  test("[ts] keeping output.adopts: exit 2, RC152 (adoption is the kernel target's), nothing written", async () => {
    const { spec, out } = specWith("[ts]");
    const r = await runCli(["generate", "--spec", spec, "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "error RC152: output.adopts is written only by the kernel target, which this spec does not write",
    );
    expect(fs.existsSync(out)).toBe(false);
  });
});
