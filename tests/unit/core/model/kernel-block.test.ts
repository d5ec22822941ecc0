/*
 * The kernel specs (spec/linux-6.1.yaml, spec/linux-6.12.yaml) and what the
 * spec's output, api and accessors sections decide: which targets are
 * written, the helpers' linkage, the cache_reg call, the order of the
 * accessor functions, which path each takes. The block's bytes are pinned by
 * tests/golden/linux-*; here it is also compiled against a small kernel shim
 * (the real proof, building KVM, is npm run test:kernel).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { generate, loadModel } from "../../../../generator/generate/produce";
import { parseBanner } from "../../../../generator/targets/banner";
import { compile, compilers, repoRoot, runCli, tempDir } from "../../../helpers/capture";
import * as YAML from "yaml";
import type { Model } from "../../../../generator/core/model/types";

const specPath = (name: string) => path.join(repoRoot, "spec", `${name}.yaml`);

function model(name: string, opts: { allCached?: boolean; text?: string } = {}): Model {
  const loaded = loadModel({
    specPath: specPath(name),
    ...(opts.text !== undefined ? { specText: opts.text } : {}),
    allCached: opts.allCached ?? false,
  });
  if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join("\n"));
  return loaded.model;
}

const functionNames = (m: Model) =>
  m.kernel.functions.flatMap((f) =>
    f.kind === "gpr"
      ? [f.read.name, f.write.name]
      : [f.read, f.write, f.readBits, f.isBitSet].filter((x) => x).map((x) => x!.name),
  );

type Want = {
  cacheReg: string;
  alwaysInline: string[];
  functions: string[];
  testAndMark: boolean;
};

const common = ["kvm_rip_read", "kvm_rip_write", "kvm_rsp_read", "kvm_rsp_write"];
const cases: [string, Want][] = [
  [
    "linux-6.1",
    {
      cacheReg: "static_call",
      alwaysInline: [],
      testAndMark: false,
      functions: [
        ...common,
        "kvm_pdptr_read",
        "kvm_pdptr_write",
        "kvm_read_cr0",
        "kvm_read_cr0_bits",
        "kvm_read_cr4",
        "kvm_read_cr4_bits",
        "kvm_read_cr3",
      ],
    },
  ],
  [
    "linux-6.12",
    {
      cacheReg: "kvm_x86_call",
      alwaysInline: [
        "kvm_register_test_and_mark_available",
        "kvm_is_cr0_bit_set",
        "kvm_is_cr4_bit_set",
      ],
      testAndMark: true,
      functions: [
        ...common,
        "kvm_pdptr_read",
        "kvm_pdptr_write",
        "kvm_read_cr0",
        "kvm_read_cr0_bits",
        "kvm_is_cr0_bit_set",
        "kvm_read_cr4",
        "kvm_read_cr4_bits",
        "kvm_is_cr4_bit_set",
        "kvm_read_cr3",
      ],
    },
  ],
];

describe.each(cases)("%s", (name, want) => {
  // Built for each test, not once at describe time: a mutation run (StrykerJS,
  // per-test coverage) credits a mutant only to the tests during which it ran.
  let m: Model;
  beforeEach(() => {
    m = model(name);
  });

  it("writes only the kernel target, with an SPDX line", () => {
    expect(m.output).toEqual({
      targets: ["kernel"],
      kernelHeader: "kvm_cache_regs_gen.h",
      kernelGuard: "KVM_CACHE_REGS_GEN_H",
      spdx: "GPL-2.0",
      adopts: {
        header: "kvm_cache_regs.h",
        first: "BUILD_KVM_GPR_ACCESSORS",
        last: "kvm_read_edx_eax",
      },
    });
  });

  it("puts the always-available GPRs in the macro, RIP and RSP in functions of their own", () => {
    expect(m.kernel.gprMacro.accessors.map((a) => a.register.name)).toEqual(
      ["rax", "rcx", "rdx", "rbx", "rbp", "rsi", "rdi"].concat(
        [8, 9, 10, 11, 12, 13, 14, 15].map((n) => `r${n}`),
      ),
    );
    expect(m.kernel.gprMacro.path).toBe("direct");
    expect(m.kernel.gprMacro.linkage).toBe("static __always_inline");
    expect(m.kernel.macroFirst).toBe(true);
  });

  it("spells cache_reg and links the helpers as the kernel does", () => {
    expect(m.api.cacheReg).toBe(want.cacheReg);
    expect(m.api.bitops).toBe("kernel");
    expect(m.api.rawPair).toBe(true);
    expect(m.api.testAndMarkAvailable).toBe(want.testAndMark);
    const always = Object.entries(m.api.linkage)
      .filter(([n, l]) => l === "static __always_inline" && n !== "BUILD_KVM_GPR_ACCESSORS")
      .map(([n]) => n);
    const alwaysFns = m.kernel.functions.flatMap((f) =>
      f.kind === "gpr"
        ? []
        : [f.read, f.readBits, f.isBitSet, f.write]
            .filter((x) => x && x.linkage === "static __always_inline")
            .map((x) => x!.name),
    );
    expect([...always, ...alwaysFns].sort()).toEqual([...want.alwaysInline].sort());
  });

  it("defines the accessor functions in the kernel's order", () => {
    expect(functionNames(m)).toEqual(want.functions);
    expect(m.kernel.functions.every((f) => f.path === "cached")).toBe(true);
  });

  it("with --all-cached: the macro goes through the raw pair, defined after it", () => {
    const cached = model(name, { allCached: true });
    expect(cached.kernel.gprMacro.path).toBe("cached");
    expect(cached.kernel.macroFirst).toBe(false);
    const text = generate({ specPath: specPath(name), allCached: true });
    if (!text.ok) throw new Error("generation failed");
    const body = text.files[0]!.contents;
    expect(body.indexOf("kvm_register_read_raw(struct kvm_vcpu")).toBeLessThan(
      body.indexOf("#define BUILD_KVM_GPR_ACCESSORS"),
    );
    expect(body).toContain("return kvm_register_read_raw(vcpu, VCPU_REGS_##uname);");
  });
});

it("a register no backend loads lazily is read directly, without cache_reg", () => {
  const text = fs
    .readFileSync(specPath("linux-6.1"), "utf8")
    .replace("segments, cr0, cr3, cr4,", "segments, cr0, cr4,");
  const m = model("linux-6.1", { text });
  const cr3 = m.kernel.functions.find((f) => f.register.name === "cr3")!;
  expect(cr3.path).toBe("direct");
  expect(m.kernel.functions.find((f) => f.register.name === "cr0")!.path).toBe("cached");
  const out = generate({ specPath: specPath("linux-6.1"), specText: text });
  if (!out.ok) throw new Error("generation failed");
  const body = out.files[0]!.contents;
  expect(body).not.toContain("(vcpu, VCPU_EXREG_CR3)");
  expect(body).toMatch(/kvm_read_cr3\(struct kvm_vcpu \*vcpu\)\n\{\n\treturn vcpu->arch\.cr3;\n\}/);
});

it("a spec without output writes the default targets", () => {
  expect(model("x86-kvm").output.targets).toEqual(["c", "ts"]);
});

describe("regcache generate on a kernel spec", () => {
  it("writes exactly one file, SPDX first, and check finds it in step", async () => {
    const dir = tempDir("kernel-out");
    try {
      const run = await runCli(["generate", "--spec", specPath("linux-6.12"), "--out", dir]);
      expect(run.code).toBe(0);
      expect(fs.readdirSync(dir)).toEqual(["kvm_cache_regs_gen.h"]);
      const text = fs.readFileSync(path.join(dir, "kvm_cache_regs_gen.h"), "utf8");
      expect(text.split("\n")[0]).toBe("/* SPDX-License-Identifier: GPL-2.0 */");
      expect(parseBanner(text)).toBeDefined();
      const check = await runCli(["check", "--spec", specPath("linux-6.12"), "--out", dir]);
      expect(check.code).toBe(0);
      fs.appendFileSync(path.join(dir, "kvm_cache_regs_gen.h"), "/* edited */\n");
      const drift = await runCli(["check", "--spec", specPath("linux-6.12"), "--out", dir]);
      expect(drift.code).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

const fixtures = path.join(__dirname, "..", "..", "..", "core", "fixtures");
const matrix = compilers().flatMap((cc) =>
  ["linux-6.1", "linux-6.12"]
    .flatMap((k) => ["spec", "all-cached", "expanded"].map((v) => `${k}/${v}`))
    .flatMap((golden) => [[golden, cc, ["-DCONFIG_X86_64"]] as const, [golden, cc, []] as const]),
);

describe.each(matrix)("tests/golden/%s with %s %j", (golden, cc, defines) => {
  it("compiles against the kernel shim with -Wall -Wextra -Werror", () => {
    const out = path.join(tempDir("kcc"), "use.o");
    try {
      const r = compile(cc, [
        "-std=gnu11",
        "-O2",
        "-Wall",
        "-Wextra",
        "-Werror",
        ...defines,
        ...(golden.startsWith("linux-6.12") ? ["-DHAS_IS_BIT_SET"] : []),
        "-I",
        fixtures,
        "-I",
        path.join(repoRoot, "tests", "golden", golden),
        "-c",
        path.join(fixtures, "use_kernel_block.c"),
        "-o",
        out,
      ]);
      expect(r.output).toBe("");
      expect(r.ok).toBe(true);
    } finally {
      fs.rmSync(path.dirname(out), { recursive: true, force: true });
    }
  });
});

// Read as plain YAML data, not through the model: the claims are about the files.
const specData = (name: string) =>
  YAML.parse(fs.readFileSync(specPath(name), "utf8")) as Record<string, unknown>;
/** A spec's backends without their doc lines. */
const backendLists = (d: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(d["backends"] as Record<string, Record<string, unknown>>).map(
      ([name, { doc: _doc, ...lists }]) => [name, lists],
    ),
  );

describe("spec/x86-kvm.yaml is spec/linux-7.2.yaml without the kernel target, as its header comment says", () => {
  const defaultSpec = specData("x86-kvm");
  const kernel = specData("linux-7.2");

  it.each(["mask", "enum", "registers", "api", "accessors"])("the same %s", (key) => {
    expect(defaultSpec[key]).toBeDefined();
    expect(defaultSpec[key]).toEqual(kernel[key]);
  });

  it("the same VMX, SVM and TDX backends (ignoring doc)", () => {
    expect(backendLists(defaultSpec)).toEqual(backendLists(kernel));
    expect(Object.keys(backendLists(defaultSpec))).toEqual(["vmx", "svm", "tdx"]);
  });
});

describe("spec/x86-kvm-6.12.yaml is spec/linux-6.12.yaml plus TDX, as its header comment says", () => {
  const sixTwelve = specData("x86-kvm-6.12");
  const kernel = specData("linux-6.12");

  it.each(["mask", "registers", "api", "accessors"])("the same %s", (key) => {
    expect(sixTwelve[key]).toBeDefined();
    expect(sixTwelve[key]).toEqual(kernel[key]);
  });

  it("the same VMX and SVM backends (ignoring doc), and a TDX backend the 6.12 tree lacks", () => {
    const { tdx, ...rest } = backendLists(sixTwelve);
    expect(rest).toEqual(backendLists(kernel));
    expect(tdx).toBeDefined();
    expect(backendLists(kernel)["tdx"]).toBeUndefined();
  });
});

describe("linux-7.2's mode_aware family: the inner macro's e-pairs and kvm_read_edx_eax", () => {
  const text = () => fs.readFileSync(specPath("linux-7.2"), "utf8");

  it("the inner macro names only the e-pair GPRs in the macro; kvm_read_edx_eax goes by the e-pairs", () => {
    const kernel = model("linux-7.2").kernel;
    expect(kernel.innerMacro?.ePair).toEqual(["rax", "rbx", "rcx", "rdx", "rbp", "rsi", "rdi"]);
    expect(kernel.edxEaxByEPair).toBe(true);
  });

  it("an e-pair GPR a backend loads lazily leaves the inner macro", () => {
    const lazyRbx = text().replace("svm:\n    lazy: [pdptr]", "svm:\n    lazy: [pdptr, rbx]");
    expect(lazyRbx).not.toBe(text());
    expect(model("linux-7.2", { text: lazyRbx }).kernel.innerMacro?.ePair).toEqual([
      "rax",
      "rcx",
      "rdx",
      "rbp",
      "rsi",
      "rdi",
    ]);
  });

  it.each([
    ["without rax", "e_pair: [rbx, rcx, rdx, rbp, rsi, rdi]"],
    ["without rdx", "e_pair: [rax, rbx, rcx, rbp, rsi, rdi]"],
  ])("e-pairs %s: kvm_read_edx_eax does not go by them", (_what, ePair) => {
    const changed = text().replace("e_pair: [rax, rbx, rcx, rdx, rbp, rsi, rdi]", ePair);
    expect(changed).not.toBe(text());
    expect(model("linux-7.2", { text: changed }).kernel.edxEaxByEPair).toBe(false);
  });
});
