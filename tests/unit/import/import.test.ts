/*
 * regcache import on a synthetic tree: the values come from the compiler
 * however the tree writes them, the guards and names from the enum text, and
 * bad trees stop with a diagnostic naming what was looked for and where.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ImportedTree } from "../../../generator/toolchain/kernel-tree/assemble";
import { importTree } from "../../../generator/import/import";
import { generate } from "../../../generator/generate/produce";
import { parseSpec } from "../../../generator/core/spec/parse";
import { validateSpec } from "../../../generator/core/spec/validate";
import { tempDir } from "../../helpers/capture";
import {
  FIXTURE_7_2,
  KVM_UNITS,
  replaceIn,
  syntheticTree,
  type TreeOptions,
} from "../../import/synthetic-tree";

const PROFILES = path.join(__dirname, "..", "..", "import", "fixtures", "profiles");

const X86_64 = "CONFIG_X86_64";
const r8to15 = ["r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"];
const baseTree: ImportedTree = {
  // The Makefile's version: not utsrelease.h's 6.12.7-g1a2b3c4d5e6f-dirty.
  release: "6.12.7",
  enum: { gprPrefix: "VCPU_REGS_", extendedPrefix: "VCPU_EXREG_", gprCount: "NR_VCPU_REGS" },
  gpr: [
    ...["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"].map((name) => ({ name })),
    ...r8to15.map((name) => ({ name, guard: X86_64 })),
    { name: "rip" },
  ],
  extended: ["pdptr", "cr0", "cr3", "cr4", "rflags", "segments", "exit_info_1", "exit_info_2"].map(
    (name) => ({ name }),
  ),
  aliases: [],
  mask: "u32",
  backends: [
    { name: "svm", kind: "lazy", registers: ["pdptr"], macro: "SVM_REGS_LAZY_LOAD_SET" },
    {
      name: "tdx",
      kind: "available",
      registers: [
        "rax",
        "rcx",
        "rdx",
        "rbx",
        "rbp",
        "rsi",
        "rdi",
        ...r8to15,
        "exit_info_1",
        "exit_info_2",
      ],
      macro: "TDX_REGS_AVAIL_SET",
    },
    {
      name: "vmx",
      kind: "lazy",
      registers: [
        "rsp",
        "rip",
        "pdptr",
        "cr0",
        "cr3",
        "cr4",
        "rflags",
        "segments",
        "exit_info_1",
        "exit_info_2",
      ],
      macro: "VMX_REGS_LAZY_LOAD_SET",
    },
  ],
  unbuilt: [],
  cacheReg: "kvm_x86_call",
};

const withBackend = (name: string, registers: string[]): ImportedTree => ({
  ...baseTree,
  backends: baseTree.backends.map((b) => (b.name === name ? { ...b, registers } : b)),
});

async function importOf(options: TreeOptions) {
  const tree = syntheticTree(options);
  try {
    return await importTree({ compileDb: tree.db, display: (p) => p, profilesDir: PROFILES });
  } finally {
    tree.cleanup();
  }
}

const VMX_H = "arch/x86/kvm/vmx/vmx.h";
const SVM_H = "arch/x86/kvm/svm/svm.h";
const VMX_C = "arch/x86/kvm/vmx/vmx.c";
const SVM_C = "arch/x86/kvm/svm/svm.c";
const TDX_C = "arch/x86/kvm/vmx/tdx.c";
const KVM_HOST = "arch/x86/include/asm/kvm_host.h";
const VMX_SET = /#define VMX_REGS_LAZY_LOAD_SET[^]*?EXIT_INFO_2\)\)/;

const good: [
  string,
  { edit?: (src: string) => void; units?: readonly string[]; want: ImportedTree },
][] = [
  ["the fixture as written (1 <<, BIT_ULL in a .c file, a helper macro)", { want: baseTree }],
  [
    "sets spelt other ways: BIT_ULL through a helper, a hex constant, a set built from another",
    {
      edit: (src) => {
        replaceIn(
          src,
          VMX_H,
          VMX_SET,
          [
            "#define VMX_CTRL_REGS (BIT_ULL(VCPU_EXREG_CR0) | BIT_ULL(VCPU_EXREG_CR3) | BIT_ULL(VCPU_EXREG_CR4))",
            "#define VMX_REG(r) BIT_ULL(VCPU_REGS_##r)",
            "#define VMX_REGS_LAZY_LOAD_SET (VMX_REG(RIP) | VMX_REG(RSP) | VMX_CTRL_REGS | \\",
            "\t(BIT_ULL(VCPU_EXREG_RFLAGS) | BIT_ULL(VCPU_EXREG_PDPTR) | BIT_ULL(VCPU_EXREG_SEGMENTS)) | \\",
            "\t(3ULL << VCPU_EXREG_EXIT_INFO_1))",
          ].join("\n"),
        );
        replaceIn(
          src,
          SVM_H,
          /#define SVM_REGS_LAZY_LOAD_SET.*/,
          "#define SVM_REGS_LAZY_LOAD_SET 0x20000",
        );
      },
      want: baseTree,
    },
  ],
  [
    "a lazy set changed in the tree: VMX saves RSP after all",
    {
      edit: (src) => replaceIn(src, VMX_H, /\(1 << VCPU_REGS_RSP\) \|\s*\\\n/, ""),
      want: withBackend("vmx", [
        "rip",
        "pdptr",
        "cr0",
        "cr3",
        "cr4",
        "rflags",
        "segments",
        "exit_info_1",
        "exit_info_2",
      ]),
    },
  ],
  [
    "an enum with implicit values, the guard spelt #if defined(...), comments between",
    {
      edit: (src) => {
        replaceIn(src, KVM_HOST, /= __VCPU_REGS_\w+,/g, ", /* hardware order */");
        replaceIn(
          src,
          KVM_HOST,
          "#ifdef CONFIG_X86_64\n\tVCPU_REGS_R8",
          "#if defined(CONFIG_X86_64)\n\tVCPU_REGS_R8",
        );
      },
      want: baseTree,
    },
  ],
  [
    "a u64 mask",
    {
      edit: (src) => replaceIn(src, KVM_HOST, "u32 regs_avail;", "u64 regs_avail;"),
      want: { ...baseTree, mask: "u64" },
    },
  ],
  [
    "a bitmap mask",
    {
      edit: (src) => {
        replaceIn(src, KVM_HOST, "u32 regs_avail;", "unsigned long regs_avail[1];");
        for (const unit of [VMX_C, SVM_C, TDX_C])
          replaceIn(src, unit, "arch->regs_avail ", "arch->regs_avail[0] ");
      },
      want: { ...baseTree, mask: "bitmap" },
    },
  ],
  [
    "static calls (asm/kvm-x86-ops.h, no kvm_x86_call)",
    {
      edit: (src) => {
        replaceIn(src, KVM_HOST, /#define kvm_x86_call.*/, "");
        fs.writeFileSync(
          path.join(src, "arch/x86/include/asm/kvm-x86-ops.h"),
          "/* the ops list */\n",
        );
      },
      want: { ...baseTree, cacheReg: "static_call" },
    },
  ],
  [
    "the ops table's pointer (neither)",
    {
      edit: (src) => replaceIn(src, KVM_HOST, /#define kvm_x86_call.*/, ""),
      want: { ...baseTree, cacheReg: "ops_pointer" },
    },
  ],
  [
    "a set's kind comes from its use, not its name: a lazy set named like an available one",
    {
      edit: (src) => {
        replaceIn(src, VMX_H, "VMX_REGS_LAZY_LOAD_SET", "VMX_REGS_AVAIL_SET");
        replaceIn(src, VMX_C, "VMX_REGS_LAZY_LOAD_SET", "VMX_REGS_AVAIL_SET");
      },
      want: {
        ...baseTree,
        backends: [
          baseTree.backends[0],
          baseTree.backends[1],
          { ...baseTree.backends[2], macro: "VMX_REGS_AVAIL_SET" },
        ],
      },
    },
  ],
  [
    "sets applied through kvm_clear_available_registers (Linux 7.2's form), ~ for an available one",
    {
      edit: (src) => {
        replaceIn(
          src,
          KVM_HOST,
          "/* How the backend's",
          [
            "static inline void kvm_clear_available_registers(struct kvm_vcpu_arch *arch,",
            "\t\t\t\t\t\t unsigned long clear)",
            "{",
            "\tarch->regs_avail &= ~clear;",
            "}",
            "",
            "/* How the backend's",
          ].join("\n"),
        );
        replaceIn(
          src,
          VMX_C,
          "arch->regs_avail &= ~VMX_REGS_LAZY_LOAD_SET;",
          "kvm_clear_available_registers(arch, VMX_REGS_LAZY_LOAD_SET);",
        );
        replaceIn(
          src,
          SVM_C,
          "arch->regs_avail &= ~SVM_REGS_LAZY_LOAD_SET;",
          "kvm_clear_available_registers(arch, (SVM_REGS_LAZY_LOAD_SET));",
        );
        replaceIn(
          src,
          TDX_C,
          "arch->regs_avail = TDX_REGS_AVAIL_SET;",
          "kvm_clear_available_registers(arch, ~TDX_REGS_AVAIL_SET);",
        );
      },
      want: baseTree,
    },
  ],
  [
    "tdx.c not compiled (no such unit in the database): no TDX backend",
    {
      units: KVM_UNITS.filter((u) => u !== TDX_C),
      want: {
        ...baseTree,
        backends: baseTree.backends.filter((b) => b.name !== "tdx"),
        unbuilt: [{ macro: "TDX_REGS_AVAIL_SET", file: TDX_C }],
      },
    },
  ],
  [
    "no utsrelease.h: the version from the Makefile",
    {
      edit: (src) => fs.rmSync(path.join(src, "..", "build/include/generated/utsrelease.h")),
      want: { ...baseTree, release: "6.12.7" },
    },
  ],
  [
    "no Makefile: utsrelease.h's version without the build's -g<sha>-dirty",
    {
      edit: (src) => fs.rmSync(path.join(src, "Makefile")),
      want: { ...baseTree, release: "6.12.7" },
    },
  ],
];

describe("import reads a synthetic tree", () => {
  it.each(good)("%s", async (_name, { edit, units, want }) => {
    const result = await importOf({ edit, ...(units ? { units } : {}) });
    expect(
      result.ok ? result.tree : result.diagnostics.map((d) => `${d.code} ${d.message}`),
    ).toEqual(want);
  });
});

const bad: [string, { options: TreeOptions; code: string; says: RegExp[] }][] = [
  [
    "no KVM translation unit",
    {
      options: { units: [] },
      code: "RC803",
      says: [/no KVM translation unit/, /arch\/x86\/kvm\//, /among 0 entries/],
    },
  ],
  [
    "no set macros",
    {
      options: {
        edit: (src) => {
          replaceIn(src, VMX_H, VMX_SET, "");
          replaceIn(src, SVM_H, /#define SVM_REGS_LAZY_LOAD_SET.*/, "");
          replaceIn(src, TDX_C, /#define TDX_REGS_AVAIL_SET/, "#define TDX_AVAIL");
          replaceIn(src, TDX_C, /= TDX_REGS_AVAIL_SET/, "= TDX_AVAIL");
          replaceIn(src, VMX_C, /~VMX_REGS_LAZY_LOAD_SET/, "0");
          replaceIn(src, SVM_C, /~SVM_REGS_LAZY_LOAD_SET/, "0");
        },
      },
      code: "RC806",
      says: [/_REGS_LAZY_LOAD_SET/, /_REGS_AVAIL_SET/, /arch\/x86\/kvm/],
    },
  ],
  [
    "a probe that does not compile",
    {
      options: { edit: (src) => replaceIn(src, SVM_H, "SVM_LAZY(PDPTR)", "SVM_LAZY(PDPTRS)") },
      code: "RC808",
      says: [/SVM_REGS_LAZY_LOAD_SET/, /svm\/svm\.c/, /VCPU_EXREG_PDPTRS/],
    },
  ],
  [
    "a compiler that is not installed",
    { options: { compiler: "regcache-no-such-cc" }, code: "RC809", says: [/regcache-no-such-cc/] },
  ],
  [
    "an enum whose values skip one",
    {
      options: {
        edit: (src) =>
          replaceIn(src, KVM_HOST, "VCPU_EXREG_CR3,", "VCPU_EXREG_CR3 = NR_VCPU_REGS + 5,"),
      },
      code: "RC805",
      says: [/VCPU_EXREG_CR3 is 22, not 19/],
    },
  ],
  [
    "a guard the spec cannot express",
    {
      options: {
        edit: (src) =>
          replaceIn(
            src,
            KVM_HOST,
            "#ifdef CONFIG_X86_64\n\tVCPU_REGS_R8",
            "#ifndef CONFIG_X86_32\n\tVCPU_REGS_R8",
          ),
      },
      code: "RC805",
      says: [/#ifndef CONFIG_X86_32/],
    },
  ],
  [
    "a set naming a bit no register has",
    {
      options: {
        edit: (src) => replaceIn(src, SVM_H, "SVM_LAZY(PDPTR)", "(SVM_LAZY(PDPTR) | BIT_ULL(40))"),
      },
      code: "RC811",
      says: [/SVM_REGS_LAZY_LOAD_SET = 0x10000020000 names bit 40/],
    },
  ],
  [
    "a set no file applies to regs_avail",
    {
      options: {
        edit: (src) => replaceIn(src, SVM_C, "arch->regs_avail &= ~SVM_REGS_LAZY_LOAD_SET;", ""),
      },
      code: "RC815",
      says: [
        /SVM_REGS_LAZY_LOAD_SET is a lazy or an available set: no file below arch\/x86\/kvm\//,
      ],
    },
  ],
  [
    "a set whose uses disagree",
    {
      options: {
        edit: (src) =>
          replaceIn(
            src,
            SVM_C,
            "arch->regs_avail &= ~SVM_REGS_LAZY_LOAD_SET;",
            "arch->regs_avail &= ~SVM_REGS_LAZY_LOAD_SET;\n\tarch->regs_avail &= SVM_REGS_LAZY_LOAD_SET;",
          ),
      },
      code: "RC815",
      says: [/its uses disagree: .*svm\.c:6 \(clears it\), .*svm\.c:7 \(keeps only it\)/],
    },
  ],
  [
    "no enum kvm_reg",
    {
      options: { edit: (src) => replaceIn(src, KVM_HOST, "enum kvm_reg {", "enum kvm_register {") },
      code: "RC804",
      says: [/'enum kvm_reg' not found in .*arch\/x86\/include\/asm\/kvm_host\.h/],
    },
  ],
];

describe("import stops on a bad tree, saying what it looked for and where", () => {
  it.each(bad)("%s", async (_name, { options, code, says }) => {
    const result = await importOf(options);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics.map((d) => d.code)).toContain(code);
    const text = result.diagnostics.map((d) => `${d.file.displayPath}: ${d.message}`).join("\n");
    for (const pattern of says) expect(text).toMatch(pattern);
  });
});

const REPO = path.join(__dirname, "..", "..", "..");

/** What a spec means: its checked form without its name, docs and the order of a backend's set. */
function meaning(text: string) {
  const parsed = parseSpec({ displayPath: "spec.yaml", text });
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join("\n"));
  const checked = validateSpec(parsed.doc);
  if (!checked.ok) throw new Error(checked.diagnostics.map((d) => d.message).join("\n"));
  // The comments (docs) are the tree's, not part of what the spec means.
  const { name: _name, doc: _doc, docs: _docs, ...spec } = checked.spec;
  return {
    ...spec,
    backends: spec.backends.map(({ doc: _d, ...b }) => ({ ...b, listed: [...b.listed].sort() })),
    accessors: spec.accessors.map((a) => {
      if (a.kind === "gpr") return a;
      const { doc: _d, ...rest } = a;
      return rest;
    }),
  };
}

/** C text without its block comments (each on lines of its own). */
const uncommented = (c: string) => c.replace(/^\/\*[^]*?\*\/\n/gm, "");

/** The files a spec generates, each without its banner (which names the spec). */
function bodies(text: string) {
  const r = generate({ specPath: "spec.yaml", specText: text });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  return r.files.map((f) => [f.path, f.contents.slice(f.contents.indexOf("\n */\n") + 4)]);
}

describe("import reads a Linux 7.2 tree from the tree, not from a 7.2 profile", () => {
  let profiles: string;
  beforeAll(() => {
    profiles = tempDir("import-profiles");
    for (const f of ["linux-6.1.yaml", "linux-6.12.yaml"])
      fs.copyFileSync(path.join(REPO, "spec", f), path.join(profiles, f));
  });
  afterAll(() => fs.rmSync(profiles, { recursive: true, force: true }));

  it("with only the 6.1 and 6.12 profiles, the spec means what spec/linux-7.2.yaml says and generates the same header but for its comments", async () => {
    const tree = syntheticTree({ fixture: FIXTURE_7_2 });
    try {
      const r = await importTree({ compileDb: tree.db, display: (p) => p, profilesDir: profiles });
      if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
      expect(r.profile).toBe("linux-6.12.yaml");
      const shipped = fs.readFileSync(path.join(REPO, "spec", "linux-7.2.yaml"), "utf8");
      expect(meaning(r.text)).toEqual(meaning(shipped));
      const code = (text: string) => bodies(text).map(([p, body]) => [p, uncommented(body!)]);
      expect(code(r.text)).toEqual(code(shipped));
      expect(r.text).toMatch(
        /^# Where the tree's arch\/x86\/kvm\/regs\.h says otherwise, it is followed:/m,
      );
      expect(r.tree.aliases).toEqual([{ name: "eraps", register: "cr3" }]);
      expect(r.followed).toEqual([
        "output.kernel_header",
        "output.adopts",
        "api.mark_for_reload",
        "api.bulk_helpers",
        "api.assert",
        "api.gpr_family",
        "api.mode_mask",
        "api.e_pair",
        "api.always_inline",
        "accessors (rip, pdptr)",
      ]);
    } finally {
      tree.cleanup();
    }
  });

  it("without tdx.c in the compile database: no TDX backend, and the spec says why", async () => {
    const tree = syntheticTree({
      fixture: FIXTURE_7_2,
      units: KVM_UNITS.filter((u) => u !== "arch/x86/kvm/vmx/tdx.c"),
    });
    try {
      const r = await importTree({ compileDb: tree.db, display: (p) => p, profilesDir: profiles });
      if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
      expect(r.tree.backends.map((b) => `${b.name} ${b.kind}`)).toEqual(["svm lazy", "vmx lazy"]);
      expect(r.text.replace(/\n# /g, " ")).toMatch(
        /No backend for TDX_REGS_AVAIL_SET: arch\/x86\/kvm\/vmx\/tdx\.c, which defines it, is not compiled in this build\./,
      );
    } finally {
      tree.cleanup();
    }
  });
});

describe("import without a register-cache header", () => {
  it("keeps the profile's API and says that nothing of it was checked", async () => {
    const tree = syntheticTree({
      edit: (src) => fs.rmSync(path.join(src, "arch/x86/kvm/kvm_cache_regs.h")),
    });
    try {
      const r = await importTree({ compileDb: tree.db, display: (p) => p, profilesDir: PROFILES });
      if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
      expect(r.header).toBeUndefined();
      expect(r.followed).toEqual([]);
      expect(r.text.replace(/\n# /g, " ")).toMatch(
        /No header in arch\/x86\/kvm\/ defines BUILD_KVM_GPR_ACCESSORS, so nothing of these was checked against the tree\./,
      );
      expect(r.text).not.toMatch(/^api:/m);
    } finally {
      tree.cleanup();
    }
  });
});
