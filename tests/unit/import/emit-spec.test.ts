/*
 * The imported tree written as a spec (generator/import/emit-spec.ts): the
 * schema modeline and a comment saying what came from where, the keys the
 * tree decided, then the profile's other keys copied (api with the tree's
 * cache_reg, accessors of registers the tree lacks left out). The same
 * input gives the same bytes. What a tree's header changes is overlay.ts's
 * (tests/unit/import/overlay.test.ts); the enum section and aliases of a
 * Linux 7.2 tree are in tests/import/golden/synthetic-7.2.yaml.
 */
import { parseDocument } from "yaml";
import type { ImportedTree } from "../../../generator/toolchain/kernel-tree/assemble";
import { emitSpec, SCHEMA_MODELINE } from "../../../generator/import/emit-spec";

const tree = (more: Partial<ImportedTree> = {}): ImportedTree => ({
  release: "6.1.158",
  enum: { gprPrefix: "VCPU_REGS_", extendedPrefix: "VCPU_EXREG_", gprCount: "NR_VCPU_REGS" },
  gpr: [{ name: "rax" }, { name: "r8", guard: "CONFIG_X86_64" }, { name: "rip" }],
  extended: [{ name: "cr3" }],
  aliases: [],
  mask: "u32",
  backends: [
    { name: "svm", kind: "lazy", registers: ["cr3"], macro: "SVM_REGS_LAZY_LOAD_SET" },
    { name: "tdx", kind: "available", registers: ["rax", "r8"], macro: "TDX_REGS_AVAIL_SET" },
    { name: "vmx", kind: "lazy", registers: ["rip", "cr3"], macro: "VMX_REGS_LAZY_LOAD_SET" },
  ],
  unbuilt: [],
  cacheReg: "static_call",
  ...more,
});

const PROFILE = [
  "regcache: 1",
  "name: linux-6.12",
  "doc: profile doc, not copied",
  "mask: bitmap",
  "registers: { gpr: [rax] }",
  "backends:",
  "  vmx: { lazy: [rip] }",
  "  svm: { lazy: [] }",
  "output:",
  "  targets: [kernel]",
  "api:",
  "  cache_reg: kvm_x86_call",
  "  inline: always",
  "accessors:",
  "  - rip",
  "  - { register: rflags, read: kvm_get_rflags }",
  "  - {register: cr3, read: kvm_read_cr3}",
  "",
].join("\n");

const profile = (text = PROFILE) => ({ name: "linux-6.12", document: parseDocument(text) });

test("the whole spec for a tree, without a header, and a profile, comments within 80 columns", () => {
  expect(emitSpec({ tree: tree(), version: { major: 6, minor: 1 }, profile: profile() }).text).toBe(
    [
      `# ${SCHEMA_MODELINE}`,
      "",
      "# Imported by `regcache import` from a Linux 6.1.158 tree.",
      "# Read from the tree, every value evaluated by its own compiler: the register",
      "# order and guards (enum kvm_reg), the mask (regs_avail), the backend sets",
      "# (SVM_REGS_LAZY_LOAD_SET, TDX_REGS_AVAIL_SET, VMX_REGS_LAZY_LOAD_SET) and how",
      "# cache_reg is reached (api.cache_reg).",
      "# Copied from the shipped profile linux-6.12, as they live in function bodies:",
      "# output, api (all but cache_reg), accessors.",
      "# No header in arch/x86/kvm/ defines BUILD_KVM_GPR_ACCESSORS, so nothing of",
      "# these was checked against the tree.",
      "# Left out: the profile's accessors for rflags, which this tree lacks.",
      "",
      "regcache: 1",
      "name: linux-6.1",
      "mask: u32",
      "registers:",
      "  gpr:",
      "    - rax",
      "    - {name: r8, when: CONFIG_X86_64}",
      "    - rip",
      "  extended:",
      "    - cr3",
      "backends:",
      "  vmx:",
      "    lazy:",
      "      - rip",
      "      - cr3",
      "  svm:",
      "    lazy:",
      "      - cr3",
      "  tdx:",
      "    available:",
      "      - rax",
      "      - r8",
      "output:",
      "  targets: [kernel]",
      "api:",
      "  cache_reg: static_call",
      "  inline: always",
      "accessors:",
      "  - rip",
      "  - {register: cr3, read: kvm_read_cr3}",
      "",
    ].join("\n"),
  );
});

test("the same input gives the same bytes, and the profile is not changed", () => {
  const p = profile();
  const before = p.document.toString();
  const once = emitSpec({ tree: tree(), version: { major: 6, minor: 1 }, profile: p });
  expect(emitSpec({ tree: tree(), version: { major: 6, minor: 1 }, profile: p })).toEqual(once);
  expect(p.document.toString()).toBe(before);
});

test("no version: named after the profile; no api: cache_reg not mentioned; no sets: none", () => {
  const text = emitSpec({
    tree: tree({ backends: [], release: "weird\u0007release" }),
    version: undefined,
    profile: profile("regcache: 1\nname: p\noutput: { targets: [kernel] }\n"),
  }).text;
  expect(text).toContain("\nname: linux-6.12\n");
  expect(text).toContain("from a Linux weird?release tree.");
  expect(text).toContain("the backend sets\n# (none).\n");
  expect(text).not.toContain("api");
  expect(text).toContain("\nbackends: {}\n");
  expect(text).toContain(
    "# Copied from the shipped profile linux-6.12, as they live in function bodies:\n# output.\n",
  );
});

test("a profile with nothing to copy", () => {
  const text = emitSpec({
    tree: tree(),
    version: { major: 6, minor: 1 },
    profile: profile("regcache: 1\nname: p\n"),
  }).text;
  expect(text).toContain("function bodies:\n# nothing.\n");
  expect(text).not.toContain("Left out");
});

test("backends not in the profile follow its order, by name", () => {
  const text = emitSpec({
    tree: tree({
      backends: ["zeta", "tdx", "alpha", "vmx"].map((name) => ({
        name,
        kind: "lazy" as const,
        registers: [],
        macro: `${name.toUpperCase()}_REGS_LAZY_LOAD_SET`,
      })),
    }),
    version: { major: 6, minor: 1 },
    profile: profile(),
  }).text;
  const backends = text.slice(text.indexOf("backends:"), text.indexOf("output:"));
  const names = backends.split("\n").filter((l) => !l.startsWith("    "));
  expect(names.map((l) => l.trim().split(":")[0])).toEqual([
    "backends",
    "vmx",
    "alpha",
    "tdx",
    "zeta",
    "",
  ]);
});
