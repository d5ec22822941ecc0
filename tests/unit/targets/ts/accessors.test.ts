/*
 * The TypeScript target's value-moving declarations
 * (generator/targets/ts/accessors.ts): the availability helpers, the cached
 * pair (registerRead/registerWrite, or the raw pair with its range warning),
 * one read/write pair per GPR, direct or cached as the model decided, and
 * readEdxEax. Checked by what the builders return and by running the printed
 * registers.ts against a backend that counts its cacheReg calls.
 */
import type { FunctionDeclarationStructure } from "ts-morph";
import {
  accessors,
  cachedNames,
  cachedPath,
  edxEax,
} from "../../../../generator/targets/ts/accessors";
import { printRegistersSource, tsContext } from "../../../../generator/targets/ts/emit";
import { linux72, modelOf } from "../spec-model";
import { load, tsSpec, type Loaded } from "./load";

/** spec-model's Linux 7.2 shape, written by the ts target. */
const TS72 = linux72().map((l) => (l === "  targets: [kernel]" ? "  targets: [kernel, ts]" : l));

const names = (fns: FunctionDeclarationStructure[]) => fns.map((f) => f.name);

/** A backend whose cacheReg loads `value` into the register, counting calls. */
function backend(r: Loaded, value = 0x1122334455667788n) {
  const calls: number[] = [];
  const ops = {
    cacheReg(vcpu: Loaded, reg: number) {
      calls.push(reg);
      if (reg < r["NR_VCPU_REGS"]) vcpu["arch"]["regs"][reg] = value;
      r["markAvailable"](vcpu, reg);
    },
  };
  return { calls, vcpu: r["createVcpu"](ops) as Loaded };
}

describe("what the builders return", () => {
  test("the cached pair's names follow raw_pair", () => {
    expect(cachedNames(tsContext(modelOf(tsSpec("raw_pair: true"))))).toEqual({
      read: "registerReadRaw",
      write: "registerWriteRaw",
    });
    expect(cachedNames(tsContext(modelOf(tsSpec("raw_pair: false"))))).toEqual({
      read: "registerRead",
      write: "registerWrite",
    });
  });

  test("the helpers, test-and-mark only when asked for, then the cached pair", () => {
    expect(names(cachedPath(tsContext(modelOf(tsSpec()))))).toEqual([
      "isAvailable",
      "isDirty",
      "markAvailable",
      "markDirty",
      "markForReload",
      "testAndMarkAvailable",
      "registerReadRaw",
      "registerWriteRaw",
    ]);
    expect(names(cachedPath(tsContext(modelOf(tsSpec("raw_pair: false")))))).toEqual([
      "isAvailable",
      "isDirty",
      "markAvailable",
      "markDirty",
      "markForReload",
      "registerRead",
      "registerWrite",
    ]);
  });

  test("one pair per GPR, in enum order, each saying which path it takes and why", () => {
    const fns = accessors(tsContext(modelOf(tsSpec())));
    expect(names(fns)).toEqual([
      "raxRead",
      "raxWrite",
      "rcxRead",
      "rcxWrite",
      "rdxRead",
      "rdxWrite",
      "rspRead",
      "rspWrite",
      "r8Read",
      "r8Write",
      "ripRead",
      "ripWrite",
    ]);
    const byName = new Map(fns.map((f) => [f.name, f]));
    expect(byName.get("raxRead")!.docs).toEqual([
      "kvm_rax_read: rax is always available: a plain regs access.",
    ]);
    expect(byName.get("rspWrite")!.docs).toEqual([
      "kvm_rsp_write: rsp is loaded lazily by vmx: the cached path.",
    ]);
    expect(byName.get("raxRead")!.statements).toEqual(["return vcpu.arch.regs[Reg.RAX]!;"]);
    expect(byName.get("rspRead")!.statements).toEqual(["return registerReadRaw(vcpu, Reg.RSP);"]);
    expect(byName.get("rspWrite")!.statements).toEqual(["registerWriteRaw(vcpu, Reg.RSP, value);"]);
    const allCached = new Map(
      accessors(tsContext(modelOf(tsSpec(), { allCached: true }))).map((f) => [f.name, f]),
    );
    expect(allCached.get("raxRead")!.docs).toEqual([
      "kvm_rax_read: rax is always available, but --all-cached: the cached path.",
    ]);
  });

  test("readEdxEax only with rax and rdx", () => {
    expect(names(edxEax(tsContext(modelOf(tsSpec()))))).toEqual(["readEdxEax"]);
    const noRdx = tsSpec().map((l) => l.replace("gpr: [rax, rcx, rdx,", "gpr: [rax, rcx,"));
    expect(edxEax(tsContext(modelOf(noRdx)))).toEqual([]);
  });
});

describe("what the printed functions do", () => {
  let r: Loaded;
  beforeEach(() => {
    r = load(
      printRegistersSource(modelOf(tsSpec("raw_pair: true, test_and_mark_available: true"))),
    );
  });

  test("a direct GPR reads and writes regs, never calling cacheReg nor marking anything", () => {
    const { calls, vcpu } = backend(r);
    vcpu["arch"]["regs"][r["Reg"]["RAX"]] = 7n;
    expect(r["raxRead"](vcpu)).toBe(7n);
    r["raxWrite"](vcpu, 9n);
    expect(vcpu["arch"]["regs"][r["Reg"]["RAX"]]).toBe(9n);
    expect(calls).toEqual([]);
    expect(r["isDirty"](vcpu, r["Reg"]["RAX"])).toBe(false);
  });

  test("a cached GPR calls cacheReg once, until it is marked for reload", () => {
    const { calls, vcpu } = backend(r, 42n);
    const rsp = r["Reg"]["RSP"];
    expect(r["rspRead"](vcpu)).toBe(42n);
    expect(r["rspRead"](vcpu)).toBe(42n);
    expect(calls).toEqual([rsp]);
    r["markForReload"](vcpu, rsp);
    expect(r["isAvailable"](vcpu, rsp)).toBe(false);
    r["rspRead"](vcpu);
    expect(calls).toEqual([rsp, rsp]);
  });

  test("a cached write stores, marks dirty and available, and then needs no cacheReg", () => {
    const { calls, vcpu } = backend(r);
    const rip = r["Reg"]["RIP"];
    r["ripWrite"](vcpu, 2n ** 64n + 5n);
    expect([r["isAvailable"](vcpu, rip), r["isDirty"](vcpu, rip)]).toEqual([true, true]);
    // regs is 64 bits wide, as unsigned long is.
    expect(r["ripRead"](vcpu)).toBe(5n);
    expect(calls).toEqual([]);
  });

  test("test-and-mark says whether the register was available, and makes it so", () => {
    const { vcpu } = backend(r);
    const rsp = r["Reg"]["RSP"];
    expect(r["testAndMarkAvailable"](vcpu, rsp)).toBe(false);
    expect(r["testAndMarkAvailable"](vcpu, rsp)).toBe(true);
    expect(r["isDirty"](vcpu, rsp)).toBe(false);
  });

  test("the raw pair warns once per site past regs, reading 0 and storing nothing", () => {
    const { calls, vcpu } = backend(r);
    const warned: string[] = [];
    r["WARN_ON_ONCE"].handler = (site: string) => warned.push(site);
    const past = r["NR_VCPU_REGS"];
    expect(r["registerReadRaw"](vcpu, past)).toBe(0n);
    expect(r["registerReadRaw"](vcpu, past + 1)).toBe(0n);
    r["registerWriteRaw"](vcpu, past, 1n);
    expect(r["registerReadRaw"](vcpu, -1)).toBe(0n);
    expect(warned).toEqual(["kvm_register_read_raw", "kvm_register_write_raw"]);
    expect(calls).toEqual([]);
    expect(r["isDirty"](vcpu, past)).toBe(false);
  });

  test("readEdxEax puts EDX's low half above EAX's", () => {
    const { vcpu } = backend(r);
    r["raxWrite"](vcpu, 0xaaaaaaaa11111111n);
    r["rdxWrite"](vcpu, 0xbbbbbbbb22222222n);
    expect(r["readEdxEax"](vcpu)).toBe(0x2222222211111111n);
  });
});

test("without raw_pair, the cached pair is registerRead/registerWrite, without a range warning", () => {
  const r = load(printRegistersSource(modelOf(tsSpec("raw_pair: false"))));
  expect(typeof r["registerRead"]).toBe("function");
  expect(r["registerReadRaw"]).toBeUndefined();
  expect(r["WARN_ON_ONCE"]).toBeUndefined();
  const { calls, vcpu } = backend(r, 3n);
  expect(r["rspRead"](vcpu)).toBe(3n);
  expect(calls).toEqual([r["Reg"]["RSP"]]);
});

describe("Linux 7.2's api (spec-model's linux72, written by the ts target)", () => {
  test("the helpers: the assertion hook first in each per-register one, bulk helpers, the masked pair last", () => {
    const fns = cachedPath(tsContext(modelOf(TS72)));
    expect(names(fns)).toEqual([
      "isAvailable",
      "isDirty",
      "markAvailable",
      "markDirty",
      "markForReload",
      "testAndMarkAvailable",
      "clearAvailableRegisters",
      "resetDirtyRegisters",
      "registerReadRaw",
      "registerWriteRaw",
      "registerRead",
      "registerWrite",
    ]);
    const asserting = fns.filter((f) =>
      (f.statements as string[])[0]?.startsWith("vcpu.hooks.assertX(vcpu);"),
    );
    expect(names(asserting)).toEqual([
      "isAvailable",
      "isDirty",
      "markAvailable",
      "markDirty",
      "markForReload",
      "testAndMarkAvailable",
    ]);
    const byName = new Map(fns.map((f) => [f.name, f]));
    expect(byName.get("registerRead")!.statements).toEqual([
      "return registerReadRaw(vcpu, reg) & vcpu.hooks.regModeMask(vcpu);",
    ]);
    // Without the settings, no hook call and no bulk helper.
    const plain = cachedPath(tsContext(modelOf(tsSpec())));
    expect(plain.flatMap((f) => f.statements as string[]).join("\n")).not.toContain("hooks");
  });

  test("the family: masked read and raw pair per unlisted gpr, the 32-bit pair for e_pair's; RSP listed keeps its pair", () => {
    const fns = accessors(tsContext(modelOf(TS72)));
    expect(names(fns)).toEqual([
      "raxRead",
      "raxReadRaw",
      "raxWriteRaw",
      "eaxRead",
      "eaxWrite",
      "rcxRead",
      "rcxReadRaw",
      "rcxWriteRaw",
      "rdxRead",
      "rdxReadRaw",
      "rdxWriteRaw",
      "edxRead",
      "edxWrite",
      "rbxRead",
      "rbxReadRaw",
      "rbxWriteRaw",
      "ebxRead",
      "ebxWrite",
      "rspRead",
      "rspWrite",
      "r8Read",
      "r8ReadRaw",
      "r8WriteRaw",
    ]);
    const body = (fs: FunctionDeclarationStructure[], n: string) =>
      fs.find((f) => f.name === n)!.statements;
    expect(body(fns, "raxRead")).toEqual([
      "return vcpu.arch.regs[Reg.RAX]! & vcpu.hooks.regModeMask(vcpu);",
    ]);
    expect(body(fns, "eaxWrite")).toEqual(["vcpu.arch.regs[Reg.RAX] = BigInt.asUintN(32, value);"]);
    expect(body(fns, "rspRead")).toEqual(["return registerReadRaw(vcpu, Reg.RSP);"]);
    const cached = accessors(tsContext(modelOf(TS72, { allCached: true })));
    expect(body(cached, "raxRead")).toEqual(["return registerRead(vcpu, Reg.RAX);"]);
    expect(body(cached, "eaxRead")).toEqual([
      "return registerReadRaw(vcpu, Reg.RAX) & 0xffffffffn;",
    ]);
    expect(body(cached, "eaxWrite")).toEqual([
      "registerWriteRaw(vcpu, Reg.RAX, BigInt.asUintN(32, value));",
    ]);
  });

  test("readEdxEax goes through the 32-bit pair when rax and rdx have it", () => {
    expect(edxEax(tsContext(modelOf(TS72)))[0]!.statements).toEqual([
      "return eaxRead(vcpu) | (edxRead(vcpu) << 32n);",
    ]);
    const noEdx = TS72.map((l) => l.replace("e_pair: [rax, rdx, rbx]", "e_pair: [rax, rbx]"));
    expect(edxEax(tsContext(modelOf(noEdx)))[0]!.statements).toEqual([
      "return (raxRead(vcpu) & 0xffffffffn) | ((rdxRead(vcpu) & 0xffffffffn) << 32n);",
    ]);
  });

  test("run: the bulk helpers clear exactly the asked availability bits and every dirty bit", () => {
    const r = load(printRegistersSource(modelOf(TS72)));
    let asserts = 0;
    r["staticCallUpdate"](() => {});
    const vcpu = r["createVcpu"](
      { cacheReg: () => {} },
      { regModeMask: () => 0xffffffffn, assertX: () => asserts++ },
    );
    const Reg = r["Reg"];
    for (const reg of [Reg.RAX, Reg.RSP, Reg.RIP, Reg.CR3]) r["markDirty"](vcpu, reg);
    expect(asserts).toBe(4);
    r["clearAvailableRegisters"](vcpu, (1n << BigInt(Reg.RSP)) | (1n << BigInt(Reg.CR3)));
    expect([Reg.RAX, Reg.RSP, Reg.RIP, Reg.CR3].map((x) => r["isAvailable"](vcpu, x))).toEqual([
      true,
      false,
      true,
      false,
    ]);
    r["resetDirtyRegisters"](vcpu);
    expect([...vcpu.arch.regsDirty]).toEqual([0, 0]);
  });
});
