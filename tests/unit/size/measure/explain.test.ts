/*
 * --explain's planning and rows (generator/size/measure/explain.ts): which
 * functions reach a register's cache entry, a static look at the handlers'
 * calls, one what-if header set per lazy register generated from the edited
 * spec, and the savings (head total minus what-if total) per config, the
 * registers the suite never reaches listed without a size.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadModel } from "../../../../generator/generate/produce";
import type { Model } from "../../../../generator/core/model/types";
import {
  cacheAccessorsOf,
  explainRows,
  planWhatIfs,
  registersReached,
  whatIfSide,
} from "../../../../generator/size/measure/explain";
import { repoRoot } from "../../../helpers/capture";

const specPath = (name: string) => path.join(repoRoot, "spec", `${name}.yaml`);

function model(name: string): Model {
  const loaded = loadModel({ specPath: specPath(name) });
  if (!loaded.ok) throw new Error(`spec/${name}.yaml does not load`);
  return loaded.model;
}

describe("cacheAccessorsOf", () => {
  let linux: Model;
  beforeAll(() => (linux = model("linux-6.12")));

  test.each([
    ["rip", ["kvm_rip_read", "kvm_rip_write"]],
    ["rax", ["kvm_rax_read", "kvm_rax_write", "kvm_read_edx_eax"]],
    ["rdx", ["kvm_rdx_read", "kvm_rdx_write", "kvm_read_edx_eax"]],
    ["rflags", []],
  ])("%s", (register, want) => expect(cacheAccessorsOf(linux, register)).toEqual(want));

  test("an extended register's readers and bit tests from the spec's accessors", () => {
    const cr0 = cacheAccessorsOf(linux, "cr0");
    expect(cr0).toEqual(expect.arrayContaining(["kvm_read_cr0", "kvm_is_cr0_bit_set"]));
    expect(cr0.every((name) => name.includes("cr0"))).toBe(true);
  });
});

describe("registersReached: a static look at the handlers' calls", () => {
  const all = ["rip", "rsp", "rax", "rdx", "pdptr", "cr0", "cr3", "rflags"];
  let linux: Model;
  beforeAll(() => (linux = model("linux-6.12")));
  const reached = (text: string) =>
    [...registersReached(linux, all, [{ path: "h.c", text }])].sort();

  test.each([
    ["a GPR's reader", "x = kvm_rip_read(vcpu);", ["rip"]],
    ["a GPR's writer", "kvm_rsp_write (vcpu, 1);", ["rsp"]],
    ["kvm_read_edx_eax reads RAX and RDX", "u64 v = kvm_read_edx_eax(vcpu);", ["rax", "rdx"]],
    ["an extended register's reader", "if (kvm_is_cr0_bit_set(vcpu, X86_CR0_WP))", ["cr0"]],
    ["a comment or a string is no call", '/* kvm_read_cr3(vcpu) */ s = "kvm_pdptr_read(";', []],
    ["a line comment or a character literal", "// kvm_rip_read(vcpu)\nc = '(';", []],
    ["a longer name is another function", "kvm_rip_read_twice(vcpu);", []],
    ["a name without a call", "f = kvm_rip_read;", []],
    ["a register without accessors is never reached", "kvm_get_rflags(vcpu);", []],
  ])("%s", (_name, text, want) => {
    expect(reached(text)).toEqual([...want].sort());
  });

  test("calls in any of the sources count; only the registers asked about are answered", () => {
    const got = registersReached(
      linux,
      ["rip", "rsp"],
      [
        { path: "a.c", text: "kvm_rip_read(v);" },
        { path: "b.c", text: "kvm_rsp_read(v); kvm_rax_read(v);" },
      ],
    );
    expect([...got].sort()).toEqual(["rip", "rsp"]);
  });
});

describe("planWhatIfs", () => {
  test("one header set per register, generated from the spec with it always available", () => {
    const text = fs.readFileSync(specPath("x86-kvm-6.12"), "utf8");
    const plan = planWhatIfs({ specPath: specPath("x86-kvm-6.12"), displayPath: "x86-kvm", text }, [
      { name: "rip", lazyIn: ["vmx"] },
      { name: "pdptr", lazyIn: ["vmx", "svm"] },
    ]);
    if (!plan.ok) throw new Error(JSON.stringify(plan.diagnostics));
    expect(plan.whatIfs.map((w) => [w.register, w.lazyIn, w.headers.name])).toEqual([
      ["rip", ["vmx"], "what-if-rip"],
      ["pdptr", ["vmx", "svm"], "what-if-pdptr"],
    ]);
    const cacheHeader = (i: number) =>
      plan.whatIfs[i].headers.files.find((f) => f.path === "c/kvm_cache_regs.h")!.contents;
    // RIP always available: it joins the plain GPR accessors; PDPTR's what-if leaves RIP cached.
    expect(cacheHeader(0)).toContain("BUILD_KVM_GPR_ACCESSORS(rip, RIP)");
    expect(cacheHeader(1)).not.toContain("BUILD_KVM_GPR_ACCESSORS(rip, RIP)");
    expect(cacheHeader(1)).toMatch(/kvm_rip_read[^}]*kvm_register_read_raw/);
  });

  test("a spec that does not hold: its diagnostics, named for the what-if", () => {
    const text = "name: x\n";
    const plan = planWhatIfs({ specPath: "/nowhere/x.yaml", displayPath: "x.yaml", text }, [
      { name: "rip", lazyIn: ["vmx"] },
    ]);
    expect(plan.ok).toBe(false);
    if (plan.ok) return;
    expect(plan.diagnostics.length).toBeGreaterThan(0);
    expect(plan.diagnostics[0].file.displayPath).toBe("x.yaml (rip always available)");
  });

  test("no lazy register: nothing to plan", () => {
    expect(planWhatIfs({ specPath: "x", displayPath: "x", text: "" }, [])).toEqual({
      ok: true,
      whatIfs: [],
    });
  });
});

test("whatIfSide names the side's directory", () => {
  expect(whatIfSide("cr3")).toBe("what-if-cr3");
});

describe("explainRows", () => {
  const fn = (name: string, size: number) => ({ name, kind: "function" as const, size });
  const headers = (register: string) => ({
    register,
    lazyIn: ["vmx"],
    headers: { name: whatIfSide(register), files: [] },
  });

  test("saved is head total minus what-if total per config; unreached rows have no size", () => {
    const sizes = new Map([
      [
        "gcc-O2",
        new Map([
          ["head", [fn("a", 100), fn("b", 50)]],
          ["what-if-rip", [fn("a", 80), fn("b", 50)]],
          ["what-if-rsp", [fn("a", 100), fn("b", 55)]],
        ]),
      ],
      [
        "clang-O2",
        new Map([
          ["head", [fn("a", 90)]],
          ["what-if-rip", [fn("a", 60)]],
        ]),
      ],
    ]);
    expect(
      explainRows([headers("rip"), headers("rsp")], ["gcc-O2", "clang-O2", "icc"], sizes, [
        { name: "cr3", lazyIn: ["vmx", "svm"] },
      ]),
    ).toEqual([
      // clang-O2 built no what-if for rsp: its total counts as 0. icc measured nothing.
      { register: "rip", lazyIn: ["vmx"], reached: true, saved: [20, 30, 0] },
      { register: "rsp", lazyIn: ["vmx"], reached: true, saved: [-5, 90, 0] },
      { register: "cr3", lazyIn: ["vmx", "svm"], reached: false, saved: [null, null, null] },
    ]);
  });
});

describe("Linux 7.2's families reach a GPR too (the default spec)", () => {
  let seven: Model;
  beforeAll(() => (seven = model("x86-kvm")));

  test.each([
    [
      "rbx",
      [
        "kvm_rbx_read",
        "kvm_rbx_write",
        "kvm_rbx_read_raw",
        "kvm_rbx_write_raw",
        "kvm_ebx_read",
        "kvm_ebx_write",
      ],
    ],
    ["r8", ["kvm_r8_read", "kvm_r8_write", "kvm_r8_read_raw", "kvm_r8_write_raw"]],
  ])("%s", (register, want) => expect(cacheAccessorsOf(seven, register)).toEqual(want));

  test.each([
    ["the raw pair", "regs->rbx = kvm_rbx_read_raw(vcpu);", ["rbx"]],
    ["the 32-bit pair", "kvm_ecx_write(vcpu, 0);", ["rcx"]],
    ["a register the spec has no 32-bit pair for", "kvm_e8_read(vcpu);", []],
  ])("%s", (_what, text, want) =>
    expect([...registersReached(seven, ["rbx", "rcx", "r8"], [{ path: "h.c", text }])]).toEqual(
      want,
    ),
  );
});
